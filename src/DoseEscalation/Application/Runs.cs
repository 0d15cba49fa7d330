using System.Globalization;
using DoseEscalation.Conduct;
using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Engines.Response;
using DoseEscalation.SampleSizing;
using DoseEscalation.Scenarios;
using DoseEscalation.Sharding;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Application;

/// <summary>
/// The verbs as library calls: each takes a request (the inputs as the user gave them) and a
/// <see cref="RunContext"/> (catalog, progress, cancellation, messages), resolves the inputs by one
/// set of rules, picks the engine by one rule, and returns a typed result every writer consumes.
/// The CLI, a web page and the R package stand on these; none re-implements them.
/// </summary>
public static class Runs
{
    /// <summary>Monte Carlo operating characteristics (or exact ones with <see cref="EngineChoice.Exact"/>), in calendar time when asked.</summary>
    public static IRunResult Simulate(SimulateRequest r, RunContext? context = null, bool hasOut = false)
    {
        var ctx = context ?? RunContext.Default;
        // Checked whatever the engine, so a value the exact engine leaves unused is never silently accepted.
        if (r.Trials is { } given) ResourceGuard.Trials(given, "--trials");
        if (r.Engine == EngineChoice.Exact)
        {
            if (r.Trials is not null || r.Seed is not null || r.Threads != 0)
                throw new UsageException("--trials, --seed and --threads apply to Monte Carlo only, not with --engine exact");
            return Exact(new ExactRequest { Input = r.Input }, ctx);
        }
        if (r.Simd is { } simd && !EngineRule.IsAccelerated(simd))
            throw new InputException($"--simd {simd.ToString().ToLowerInvariant()}: this CPU does not accelerate it (accelerated here: {string.Join(", ", EngineRule.AcceleratedPaths)})");
        var shard = Shards.Resolve(r.Sharding, hasOut);
        var input = Shards.ReadInput(r.Input, r.Sharding);
        var inputs = RunInputs.Resolve(input, ctx.Catalog);
        Say(inputs, input, ctx, nonMonotone: true, timelineNote: !r.Calendar, backfillNote: !r.Calendar);
        var file = inputs.File;
        long trials = r.Trials ?? file.Trials;
        ResourceGuard.Trials(trials, "--trials");
        var options = new MonteCarloOptions
        {
            Trials = trials, Seed = r.Seed ?? file.Seed, Threads = r.Threads, Method = r.Method ?? SimulationMethod.Auto, Simd = r.Simd ?? SimdPath.Auto,
            Cancellation = ctx.Cancellation,
        };
        if (r.Sharding.BatchSize is { } batchSize) options = options with { BatchSize = batchSize };
        string method = r.Method switch { SimulationMethod.CompiledGraph => "graph", SimulationMethod.TrialLoop => "loop", _ => "auto" };
        if (r.Calendar) return SimulateCalendar(r, input, inputs, options, shard, ctx);
        if (shard is not null || r.Sharding.Merged is not null)
        {
            if (inputs.Design.ReadsResponses)
            {
                // The response engine's counters: the toxicity tally and the responders.
                var withResponses = Shards.ShardOrMerge("simulate", input, r.Sharding, shard, Shards.RunJson("simulate", inputs, options, method),
                    options, file.Scenarios.Count, ctx,
                    (i, range) => ResponseEngine.Count(inputs.Design, file.Scenarios[i], file.Target, range), Counters<ResponseTally<long>>.Responses,
                    (t, i) => t.ToResult(inputs.Design, file.Scenarios[i], file.Target, "monte-carlo", options.Trials, options.Seed));
                return withResponses.Part is { } p1 ? new PartResult(p1) : new OcResult(Set(inputs, "monte-carlo", options.Trials, options.Seed, withResponses.Results!));
            }
            var ocs = Shards.ShardOrMerge("simulate", input, r.Sharding, shard, Shards.RunJson("simulate", inputs, options, method),
                options, file.Scenarios.Count, ctx,
                (i, range) => MonteCarloEngine.Count(inputs.Design, file.Scenarios[i], file.Target, range), Counters<OcTally<long>>.Tally,
                (t, i) => OperatingCharacteristics.FromTally(t, inputs.Design, file.Scenarios[i], file.Target, "monte-carlo", options.Trials, options.Seed));
            return ocs.Part is { } p2 ? new PartResult(p2) : new OcResult(Set(inputs, "monte-carlo", options.Trials, options.Seed, ocs.Results!));
        }
        var results = ctx.Track("Simulating", file.Scenarios.Count * trials, report =>
            file.Scenarios.Select((s, i) => MonteCarloEngine.Run(inputs.Design, s, file.Target,
                options with { Progress = done => report(i * trials + done) })).ToList());
        return new OcResult(Set(inputs, "monte-carlo", options.Trials, options.Seed, results));
    }

    /// <summary>simulate --calendar: the calendar engine over the file's scenarios with its timeline.</summary>
    private static IRunResult SimulateCalendar(SimulateRequest r, TrialInput input, RunInputs inputs, MonteCarloOptions options, Shard? shard, RunContext ctx)
    {
        var file = inputs.File;
        var timeline = file.Timeline
            ?? throw new InputException($"--calendar: {file.Path} has no timeline: block (accrual, DLT window; see docs/calendar.md)");
        long trials = options.Trials;
        List<CalendarResult> results;
        try
        {
            if (r.Sharding.IsShardOrMerge && inputs.Design.ReadsResponses)
            {
                // A design that reads responses: the calendar tally and the responders, side by side.
                var merged = Shards.ShardOrMerge("simulate", input, r.Sharding, shard, Shards.RunJson("simulate", inputs, options, "calendar"),
                    options, file.Scenarios.Count, ctx,
                    (i, range) => CalendarEngine.CountWithResponses(inputs.Design, file.Scenarios[i], file.Target, timeline, range),
                    Counters<(CalendarTally, ResponseTally<long>)>.CalendarWithResponses,
                    (c, i) => CalendarEngine.FinishWithResponses(inputs.Design, file.Scenarios[i], file.Target, timeline, options, c.Times, c.Responses));
                if (merged.Part is { } part) return new PartResult(part);
                results = merged.Results!;
            }
            else if (r.Sharding.IsShardOrMerge)
            {
                // Shards write the calendar tallies' integer counters; merge sums them into the whole run's results.
                var merged = Shards.ShardOrMerge("simulate", input, r.Sharding, shard, Shards.RunJson("simulate", inputs, options, "calendar"),
                    options, file.Scenarios.Count, ctx,
                    (i, range) => CalendarEngine.Count(inputs.Design, file.Scenarios[i], file.Target, timeline, range), Counters<CalendarTally>.Calendar,
                    (t, i) => CalendarEngine.Finish(inputs.Design, file.Scenarios[i], file.Target, timeline, options, t));
                if (merged.Part is { } part) return new PartResult(part);
                results = merged.Results!;
            }
            else
                results = ctx.Track("Simulating the calendar", file.Scenarios.Count * trials, report =>
                    file.Scenarios.Select((s, i) => CalendarEngine.Run(inputs.Design, s, file.Target, timeline,
                        options with { Progress = done => report(i * trials + done) })).ToList());
        }
        catch (ArgumentException ex) { throw new InputException($"--calendar: {file.Path}: {ex.Message}"); }
        return new CalendarOcResult(Set(inputs, "calendar", options.Trials, options.Seed, results.Select(c => c.Oc).ToList()), results);
    }

    /// <summary>Exact operating characteristics, or with <see cref="ExactRequest.Paths"/> the dose-transition pathways.</summary>
    public static IRunResult Exact(ExactRequest r, RunContext? context = null)
    {
        var ctx = context ?? RunContext.Default;
        var inputs = RunInputs.Resolve(r.Input, ctx.Catalog);
        Say(inputs, r.Input, ctx, nonMonotone: true, timelineNote: true, backfillNote: true);
        var file = inputs.File;
        ctx.Cancellation.ThrowIfCancellationRequested();
        if (inputs.Design.ReadsResponses)
        {
            // Its states count responders too: the response engine's forward walk (no graph, no --paths).
            if (r.Paths is not null) throw new InputException($"--paths: design {inputs.Design.Name} reads responses; dose paths list DLT outcomes only");
            var withResponses = file.Scenarios.Select(s => ExactEngine.Run(inputs.Design, s, file.Target, r.MaxStates)).ToList();
            return new OcResult(Set(inputs, "exact", 0, null, withResponses));
        }
        if (r.Paths is { } cohorts)
        {
            ResourceGuard.StateGraph(inputs.Design, r.MaxStates, "--max-states");
            var graph = StateGraph.For(inputs.Design, r.MaxStates);
            // The figure's limit is checked before the paths are listed: a tree past it is refused, not drawn unreadable.
            var figure = r.Figure is { } look ? PathwaysFigure(inputs, cohorts, look, "--paths") : null;
            var paths = file.Scenarios.Select(s => (s, DosePaths.Enumerate(graph, s, cohorts))).ToList();
            return new PathsResult(file, inputs.Design, cohorts, paths) { Figure = figure };
        }
        ResourceGuard.ExactFlow(inputs.Design, r.MaxStates, file.Scenarios.Count, "--max-states");
        // Every scenario in one pass over the states, made level by level (no stored graph).
        var results = ExactEngine.Run(inputs.Design, file.Scenarios, file.Target, r.MaxStates);
        return new OcResult(Set(inputs, "exact", 0, null, results));
    }

    /// <summary>
    /// The dose-transition pathway figure of the first <paramref name="cohorts"/> cohorts under the
    /// file's scenarios; more than <see cref="PathwaysChart.MaxPaths"/> paths, or edge probabilities
    /// with several scenarios, is an input error naming <paramref name="flag"/>.
    /// </summary>
    internal static Figure PathwaysFigure(RunInputs inputs, int cohorts, PathwaysOptions look, string flag)
    {
        var file = inputs.File;
        if (look.Probabilities == PathProbabilities.Edges && file.Scenarios.Count != 1)
            throw new InputException($"--path-probabilities edges: shows one scenario's probabilities on the edges; {file.Path} has {file.Scenarios.Count} scenarios (give one with --dlt, or use paths)");
        // The pathways branch on DLT counts; titration ending on grade-2 events has a third outcome they do not draw
        // (plot and report leave the figure out, as one with too many paths, unless it was asked for).
        if (file.Scenarios.FirstOrDefault(s => Designs.Rules.AcceleratedTitration.Grade2Rule(inputs.Design, s) is not null) is { } g2)
            throw new InputException($"{flag} {cohorts}: the pathways branch on DLT counts only; scenario '{g2.Name}' gives grade2 probabilities, so the design's accelerated titration also ends on grade-2 events, which they do not show");
        DosePathTree tree;
        try { tree = DosePaths.Tree(inputs.Design, file.Scenarios, cohorts, PathwaysChart.MaxPaths); }
        catch (StateSpaceTooLargeException)
        {
            throw new InputException($"{flag} {cohorts}: more than {PathwaysChart.MaxPaths} paths in {cohorts} cohorts of design {inputs.Design.Name}; a pathway figure draws at most {PathwaysChart.MaxPaths} (ask for fewer cohorts)");
        }
        var labels = file.Doses.Select(d => d.Dose is null ? d.Label : $"{d.Label}: {d.Dose}").ToList();
        return PathwaysChart.Tree(tree, inputs.Design.Describe(), look with { DoseLabels = look.DoseLabels ?? labels });
    }

    /// <summary>Several designs on the same simulated patients (common random numbers), with paired differences; in calendar time when asked.</summary>
    public static IRunResult Compare(CompareRequest r, RunContext? context = null, bool hasOut = false)
    {
        var ctx = context ?? RunContext.Default;
        if (r.Calendar) return CompareCalendar(r, ctx, hasOut);
        if (r.DurationCharts) throw new UsageException("--duration-charts needs --calendar");
        var shard = Shards.Resolve(r.Sharding, hasOut);
        var input = Shards.ReadInput(r.Input, r.Sharding);
        var inputs = RunInputs.ResolveMany(input, r.Designs, EngineRule.DefaultComparison, ctx.Catalog);
        var file = inputs.File;
        long trials = r.Trials ?? EngineRule.DefaultCompareTrials;
        ResourceGuard.Trials(trials, "--trials");
        Say(inputs, input, ctx, nonMonotone: false, timelineNote: true, backfillNote: true);
        var designs = inputs.Designs.Select(d => d.Design).ToList();
        // The benchmark sees as many patients as the largest design may treat.
        int benchmarkN = ComparisonEngine.BenchmarkPatients(designs);
        var options = new MonteCarloOptions { Trials = trials, Seed = r.Seed ?? file.Seed, Threads = r.Threads, Cancellation = ctx.Cancellation };
        if (r.Sharding.BatchSize is { } batchSize) options = options with { BatchSize = batchSize };
        List<ScenarioComparison> results;
        if (r.Sharding.IsShardOrMerge)
        {
            var merged = Shards.ShardOrMerge("compare", input, r.Sharding, shard, Shards.RunJson("compare", inputs, options, "common-random-numbers"),
                options, file.Scenarios.Count, ctx,
                (i, range) => ComparisonEngine.Count(designs, file.Scenarios[i], file.Target, range, benchmarkN, file.CorrectSelection), Counters<ComparisonCounts>.Comparison,
                (c, i) => Labelled(ComparisonEngine.Finish(c, designs, file.Scenarios[i], file.Target, options, benchmarkN, file.CorrectSelection), inputs.Designs));
            if (merged.Part is { } part) return new PartResult(part);
            results = merged.Results!;
        }
        else results = ctx.Track("Comparing", file.Scenarios.Count * trials, report =>
            file.Scenarios.Select((s, i) => Labelled(ComparisonEngine.Run(designs, s, file.Target,
                options with { Progress = done => report(i * trials + done) }, benchmarkN, file.CorrectSelection), inputs.Designs)).ToList());
        return new ComparisonResult(new ComparisonSet
        {
            TrialName = TrialName(file), Doses = file.Doses, Target = file.Target, Trials = trials, Seed = options.Seed, Scenarios = results,
            Setups = inputs.Designs, CorrectSelection = file.CorrectSelection,
        });
    }

    /// <summary>compare --calendar: the designs on the same simulated patients in calendar time.</summary>
    private static IRunResult CompareCalendar(CompareRequest r, RunContext ctx, bool hasOut)
    {
        var shard = Shards.Resolve(r.Sharding, hasOut);
        if (shard is not null && r.DurationCharts) throw new UsageException("--duration-charts draws a whole run, not a shard");
        var input = Shards.ReadInput(r.Input, r.Sharding);
        var inputs = RunInputs.ResolveMany(input, r.Designs, EngineRule.DefaultComparison, ctx.Catalog);
        var file = inputs.File;
        var timeline = file.Timeline
            ?? throw new InputException($"--calendar: {file.Path} has no timeline: block (accrual, DLT window; see docs/calendar.md)");
        foreach (var w in file.Warnings) ctx.Warn(w);
        foreach (var n in inputs.Notes) ctx.Warn(n);
        long trials = r.Trials ?? EngineRule.DefaultCompareTrials;
        ResourceGuard.Trials(trials, "--trials");
        var options = new MonteCarloOptions { Trials = trials, Seed = r.Seed ?? file.Seed, Threads = r.Threads, Cancellation = ctx.Cancellation };
        if (r.Sharding.BatchSize is { } batchSize) options = options with { BatchSize = batchSize };
        var designs = inputs.Designs.Select(d => d.Design).ToList();
        var labels = inputs.Designs.Select(d => d.Label).ToList();
        List<CalendarReport.ComparisonScenario> results;
        try
        {
            if (r.Sharding.IsShardOrMerge)
            {
                // Shards write the comparison's counters with each design's calendar tally; merge sums them.
                var merged = Shards.ShardOrMerge("compare", input, r.Sharding, shard, Shards.RunJson("compare", inputs, options, "calendar"),
                    options, file.Scenarios.Count, ctx,
                    (i, range) => ComparisonEngine.Count(designs, file.Scenarios[i], file.Target, range, 0, file.CorrectSelection, timeline), Counters<ComparisonCounts>.Comparison,
                    (c, i) => new CalendarReport.ComparisonScenario(file.Scenarios[i], labels,
                        ComparisonEngine.Finish(c, designs, file.Scenarios[i], file.Target, options, 0, file.CorrectSelection, timeline).Calendar!));
                if (merged.Part is { } part) return new PartResult(part);
                results = merged.Results!;
            }
            else results = ctx.Track("Comparing the calendar", file.Scenarios.Count * trials, report =>
                file.Scenarios.Select((s, i) => new CalendarReport.ComparisonScenario(s, labels, CalendarCompare.Run(designs, s, file.Target, timeline,
                    options with { Progress = done => report(i * trials + done) }, file.CorrectSelection))).ToList());
        }
        catch (ArgumentException ex) { throw new InputException($"--calendar: {file.Path}: {ex.Message}"); }
        var chartNames = Charts.FileNames(results.Select(c => c.Scenario.Name).ToList());
        var charts = !r.DurationCharts ? [] : results.Select((c, i) => (Name: $"duration-{chartNames[i]}",
            Figure: DurationChart.Cumulative(c.Labels.Select((l, i) => (l, c.Comparison.Results[i])).ToList()))).ToList();
        return new CalendarComparisonResult(TrialName(file), trials, options.Seed, results, inputs.Designs) { DurationCharts = charts, CorrectSelection = file.CorrectSelection, Doses = file.Doses };
    }

    /// <summary>Each row named by its design's label, so two variants of one design stay apart.</summary>
    internal static ScenarioComparison Labelled(ScenarioComparison sc, IReadOnlyList<Designs.Configuration.ResolvedDesign> designs) =>
        sc with { Designs = sc.Designs.Select((r, j) => r with { Oc = r.Oc with { Design = designs[j].Label } }).ToList() };

    /// <summary>The design's decision table: for n patients at the current dose, the DLT counts that escalate, stay, de-escalate, eliminate.</summary>
    public static TableResult Table(TableRequest r, RunContext? context = null)
    {
        var ctx = context ?? RunContext.Default;
        var inputs = RunInputs.Resolve(r.Input, ctx.Catalog);
        // A model-based design has no table of counts at one dose: its table is the protocol's
        // hypothetical outcomes of the next cohorts from the data so far, with every dose's posterior.
        if (inputs.Design.TryGet<IDecisionTableSource>() is null && inputs.Design.TryGet<Designs.TiteBoin>() is null && DoseEscalation.Conduct.OutcomeTable.Supports(inputs.Design))
        {
            int cohorts = r.Cohorts ?? 1;
            if (cohorts < 1 || cohorts > DoseEscalation.Conduct.TrialConduct.MaxCohortsAhead)
                throw new InputException($"--cohorts {cohorts}: must be between 1 and {DoseEscalation.Conduct.TrialConduct.MaxCohortsAhead}");
            var data = DoseEscalation.Conduct.TrialData.Parse(r.Data ?? "", inputs.Design.DoseCount);
            var outcomes = DoseEscalation.Conduct.OutcomeTable.Build(inputs.Design, data, cohorts, r.AllowDeviations);
            return new TableResult(inputs.Design, inputs.File.Target, null)
            {
                Outcomes = outcomes, DoseLabels = inputs.File.Doses.Select(d => d.Display).ToList(), TrialName = TrialName(inputs.File), Setups = inputs.Designs,
            };
        }
        foreach (var (given, flag) in new[] { (r.Data is not null, "--data"), (r.Cohorts is not null, "--cohorts"), (r.AllowDeviations, "--allow-deviations") })
            if (given)
                throw new InputException($"{flag}: applies to the hypothetical-outcomes table of a model-based design (blrm, crm, tite-crm); {inputs.Design.Name}'s table is of DLT counts at one dose and reads no data");
        // TITE-BOIN: the table of Yuan et al. (2018) with pending patients, n up to the paper's five cohorts unless max N is given.
        if (inputs.Design.TryGet<Designs.TiteBoin>() is { } tite)
            return new TableResult(inputs.Design, inputs.File.Target, tite.Boin.ToDecisionTable())
            {
                Pending = tite.ToPendingDecisionTable(inputs.Given("max_n") ? tite.Boin.MaxN : null),
            };
        try { return new TableResult(inputs.Design, inputs.File.Target, DecisionTable.For(inputs.Design)); }
        catch (NotSupportedException ex) { throw new InputException($"--design {inputs.Design.Name}: {ex.Message}"); }
    }

    /// <summary>The sample-size analysis: evaluable and enrolled N with replacement and expansion, toxicity, efficacy.</summary>
    public static SampleSizeAnalysisResult SampleSize(SampleSizeRequest r, RunContext? context = null)
    {
        var ctx = context ?? RunContext.Default;
        _ = SampleSizeModelOf(r, null); // bad values fail before any file is read
        var inputs = RunInputs.Resolve(r.Input, ctx.Catalog);
        Say(inputs, r.Input, ctx, nonMonotone: true, timelineNote: true, backfillNote: true);
        var file = inputs.File;
        var model = SampleSizeModelOf(r, file.Protocol);
        long trials = r.Trials ?? file.Trials;
        ResourceGuard.Trials(trials, "--trials");
        ResourceGuard.StateGraph(inputs.Design, r.MaxStates, "--max-states");
        var simulation = new MonteCarloOptions { Trials = trials, Seed = r.Seed ?? file.Seed, Threads = r.Threads, Cancellation = ctx.Cancellation };
        var analysis = SampleSizing.SampleSize.Analyze(inputs.Design, file.Scenarios, file.Target, model, simulation, r.MaxStates, file.CorrectSelection);
        return new SampleSizeAnalysisResult(new SampleSizeReport { Trial = file.Trial, Source = file.Path, Doses = file.Doses, Analysis = analysis, Setups = inputs.Designs });
    }

    /// <summary>The file's protocol options overridden by the request; bad values fail before any file is read.</summary>
    private static SampleSizeModel SampleSizeModelOf(SampleSizeRequest r, ProtocolOptions? file)
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (r.NonEvaluable is { } q && !(q >= 0 && q < 0.95))
            throw new InputException($"--non-evaluable {F(q)}: must be a probability in [0, 0.95)");
        if (r.Coverage is { } c && !(c > 0 && c < 1))
            throw new InputException($"--coverage {F(c)}: must be strictly between 0 and 1");
        if (r.PlannedN is { } n && n < 1) throw new InputException($"--n {n}: must be at least 1");
        if (r.Expansion is { } e && e < 0) throw new InputException($"--expansion {e}: must be 0 or more");
        if (r.MinResponses is { } m && m < 1) throw new InputException($"--min-responses {m}: must be at least 1");
        var model = new SampleSizeModel
        {
            NonEvaluableRate = r.NonEvaluable ?? file?.NonEvaluableRate ?? 0,
            ExpansionCohort = r.Expansion ?? file?.ExpansionCohort ?? 0,
            PlannedN = r.PlannedN ?? file?.PlannedN,
            Coverage = r.Coverage ?? 0.9,
            MinResponses = r.MinResponses ?? file?.MinResponses,
        };
        model.Validate();
        return model;
    }

    /// <summary>
    /// During the trial: the design's next decision from the observed data, its reason, what each
    /// outcome of the next cohorts would do, and the final MTD.
    /// </summary>
    /// <exception cref="TrialDataException">Bad data, naming the patient.</exception>
    /// <exception cref="DeviationException">Data the design would not have produced, without <see cref="NextRequest.AllowDeviations"/>.</exception>
    public static NextResult Next(NextRequest r, RunContext? context = null)
    {
        var ctx = context ?? RunContext.Default;
        var inputs = RunInputs.Resolve(r.Input, ctx.Catalog);
        var file = inputs.File;
        Scenario? scenario = null;
        if (r.Scenario is { } name)
        {
            scenario = file.Scenarios.FirstOrDefault(s => string.Equals(s.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new InputException($"--scenario {name}: no such scenario; {file.Path} has {string.Join(", ", file.Scenarios.Select(s => s.Name))}");
        }
        else if (r.Input.Dlt is not null) scenario = file.Scenarios[0];
        Say(inputs, r.Input, ctx, nonMonotone: true, timelineNote: false, backfillNote: false);
        // Rolling six reads pending patients but not their follow-up: next counts every recorded patient as complete.
        // TITE designs read pending patients with their days_followed (TrialConduct, issue 25).
        if (inputs.Design.TryGet<IPendingDesign>() is not null && !TiteConduct.IsTimeToEvent(inputs.Design))
            ctx.Note($"{inputs.Design.Name} decides on patients still in the DLT window; next counts every recorded patient as having completed it (the design's decision with nothing pending)");
        return Conduct(inputs.Design, inputs.Designs, file.Doses.Select(d => d.Display).ToList(), file.Target, TrialName(file), r, scenario, file.Trial.DltWindowDays);
    }

    /// <summary><see cref="Next"/> for a design built in code, with its dose labels.</summary>
    public static NextResult Conduct(IDesign design, IReadOnlyList<Designs.Configuration.ResolvedDesign> setups, IReadOnlyList<string> doseLabels, double target,
        string? trialName, NextRequest r, Scenario? scenario, double? dltWindowDays = null)
    {
        if (doseLabels.Count != design.DoseCount)
            throw new InputException($"{doseLabels.Count} dose labels for a design with {design.DoseCount} doses");
        if (r.CohortsAhead < 1 || r.CohortsAhead > TrialConduct.MaxCohortsAhead)
            throw new InputException($"--cohorts-ahead {r.CohortsAhead}: must be between 1 and {TrialConduct.MaxCohortsAhead}");
        if (scenario is { } sc && sc.DoseCount != design.DoseCount)
            throw new InputException($"scenario '{sc.Name}' has {sc.DoseCount} doses but the design has {design.DoseCount}");
        // The observed data record DLTs (N/T), not grade 2 toxicities: a grade-2 trigger cannot be read from them.
        if (design.TryGet<Designs.Rules.AcceleratedTitration>() is { Grade2Events: { } g2 })
            throw new InputException($"titration_grade2_events {g2}: next reads DLTs only (N/T per patient), not grade 2 toxicities; titration there ends at the first DLT (leave the option out, and switch to the design's cohorts yourself after a grade-2 event)");
        if (scenario is { HasGrade2: true } && design.TryGet<Designs.Rules.AcceleratedTitration>() is not null)
            throw new InputException($"scenario '{scenario.Name}' gives grade2 probabilities: next reads DLTs only (N/T per patient), so its pathways cannot end titration on grade-2 events (use a scenario without grade2, or --dlt)");
        var data = TrialData.Parse(r.Data, design.DoseCount);
        var result = TrialConduct.Next(design, data, new ConductOptions
        {
            AllowDeviations = r.AllowDeviations,
            Final = r.Final,
            Scenario = scenario,
            CohortsAhead = r.CohortsAhead,
            Target = target,
            DltWindowDays = dltWindowDays,
        });
        return new NextResult(result, new ConductReportInfo(trialName, doseLabels) { Setups = setups });
    }

    // ---- shared ----------------------------------------------------------------------------------


    internal static string TrialName(ScenarioFile file) => file.Trial.Name + (file.Trial.RegistryId is { } id ? $" ({id})" : "");

    internal static ResultSet Set(RunInputs inputs, string engine, long trials, ulong? seed, IReadOnlyList<OperatingCharacteristics> results) => new()
    {
        TrialName = TrialName(inputs.File),
        Source = inputs.File.Path,
        Doses = inputs.File.Doses,
        Design = inputs.Design,
        Target = inputs.File.Target,
        Engine = engine,
        Trials = trials,
        Seed = seed,
        Results = results.Select(r => r.WithCorrectSelection(inputs.File.CorrectSelection)).ToList(),
        Setups = inputs.Designs,
        CorrectSelection = inputs.File.CorrectSelection,
    };

    /// <summary>The run's warnings and notes, in the order the CLI has always printed them.</summary>
    /// <param name="inputs">The resolved inputs.</param>
    /// <param name="input">The inputs as given.</param>
    /// <param name="ctx">Where the messages go.</param>
    /// <param name="nonMonotone">Warn when --dlt probabilities decrease with dose.</param>
    /// <param name="timelineNote">Note that the file's timeline goes unused (runs that do not simulate the calendar).</param>
    /// <param name="backfillNote">Note that a backfill design backfills only in calendar time (runs without it).</param>
    internal static void Say(RunInputs inputs, TrialInput input, RunContext ctx, bool nonMonotone, bool timelineNote, bool backfillNote)
    {
        if (ctx.Quiet) return;
        foreach (var w in inputs.File.Warnings) ctx.Warn(w);
        foreach (var n in inputs.Notes) ctx.Warn(n);
        if (nonMonotone)
            foreach (var _ in inputs.File.Scenarios.Where(s => !s.IsMonotone && inputs.File.Path == "(command line)"))
                ctx.Warn("--dlt: DLT probabilities decrease with dose (allowed, but check it is intended)");
        if (timelineNote && input.HasTimelineFlags)
            ctx.Note("--accrual-rate, --accrual-interval, --dlt-window and --max-waiting set the timeline; this run does not use it (simulate --calendar, compare --calendar, the report and the duration chart do)");
        else if (timelineNote && input.File is not null && inputs.File.Timeline is not null)
            ctx.Note($"{input.File} has a timeline; this run does not use it (simulate --calendar, compare --calendar, the report and the duration chart do)");
        if (backfillNote)
            foreach (var d in inputs.Designs.Where(d => d.Design.TryGet<IBackfillDesign>() is not null))
                ctx.Note($"design '{d.Label}' backfills only in calendar time (simulate --calendar, compare --calendar, with a timeline:); without it nobody arrives while a cohort is observed, so these results are its escalation rule's alone");
    }
}
