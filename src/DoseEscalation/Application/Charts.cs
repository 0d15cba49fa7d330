using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.SampleSizing;
using DoseEscalation.Scenarios;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Application;

/// <summary>The charts of a design's operating characteristics (plot) and the full report: the runs behind them, and the figures.</summary>
public static class Charts
{
    /// <summary>Every chart, in drawing order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["selection", "allocation", "samplesize", "occurve", "comparison", "duration", "paths"];

    /// <summary>Cohorts of the dose-transition pathway chart unless --paths says otherwise.</summary>
    public const int DefaultPathCohorts = 2;

    /// <summary>The chart names of a comma-separated list (null = every chart that applies); an unknown name is refused.</summary>
    public static List<string> ParseNames(string? charts)
    {
        if (charts is null) return [.. Names];
        var list = charts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => c.ToLowerInvariant()).ToList();
        foreach (var c in list)
            if (!Names.Contains(c)) throw new InputException($"--charts {charts}: unknown chart '{c}' (known: {string.Join(", ", Names)})");
        return list;
    }

    /// <summary>
    /// The charts of <see cref="ChartsRequest.Charts"/> (or every one that applies): the design's OCs
    /// (exact where it fits, unless Monte Carlo is asked for), the sample-size analysis, the OC curve
    /// for A+B designs, the comparison and the duration distributions on the calendar.
    /// </summary>
    public static IReadOnlyList<(string Name, Figure Figure)> Plot(ChartsRequest r, RunContext? context = null)
    {
        var ctx = context ?? RunContext.Default;
        var charts = ParseNames(r.Charts);
        bool asked = r.Charts is not null;
        string given = r.Charts ?? "";
        var inputs = RunInputs.Resolve(r.Input, ctx.Catalog);
        string designs = DesignList(r.Designs);
        CheckDesigns(designs, inputs, ctx.Catalog);
        Runs.Say(inputs, r.Input, ctx, nonMonotone: true, timelineNote: !charts.Contains("duration"), backfillNote: inputs.File.Timeline is null);
        if (inputs.Design.TryGet<AplusB>() is null && charts.Contains("occurve"))
        {
            // The OC curve is the escalation rule of the 3+3 and A+B: drawn for those designs only.
            if (asked) throw new InputException($"--charts {given}: the OC curve (occurve) is drawn for 3+3 and A+B designs; the design is {inputs.Design.Name}");
            charts.Remove("occurve");
        }
        if (charts.Contains("duration") && inputs.File.Timeline is null)
        {
            // The duration chart needs the calendar: drawn only for a file with a timeline.
            if (asked) throw new InputException($"--charts {given}: the duration chart needs a timeline: block in the scenario file (docs/calendar.md); {inputs.File.Path} has none");
            charts.Remove("duration");
        }
        if (charts.Contains("samplesize") && BackfillsOnCalendar(inputs))
        {
            // The sample-size analysis has no calendar, so no backfill patients: the OC charts' N comes from the calendar run instead.
            if (asked) throw new InputException($"--charts {given}: the sample-size chart has no calendar time, so no backfill; design {inputs.Design.Name}'s sample size is in the other charts and in simulate --calendar");
            charts.Remove("samplesize");
        }
        if (charts.Contains("paths") && inputs.Design.ReadsResponses)
        {
            // The pathways list DLT outcomes; a design that reads responses branches on them too.
            if (asked) throw new InputException($"--charts {given}: the pathway chart (paths) lists DLT outcomes; design {inputs.Design.Name} reads responses");
            charts.Remove("paths");
        }
        if (r.Paths is not null && !charts.Contains("paths"))
            throw new InputException($"--paths {r.Paths}: sets the cohorts of the pathway chart, which {(asked ? $"--charts {given} leaves out" : $"design {inputs.Design.Name} does not have (it reads responses)")}");
        var results = OperatingCharacteristicsOf(inputs, r.Engine, r.Trials, r.Seed, ctx);
        var sampleSize = charts.Contains("samplesize") ? SampleSizeOf(inputs, r.Engine, r.Trials, r.Seed, r.MarkN, ctx) : null;
        return Draw(inputs, results, sampleSize, charts, r.MarkN, designs, r.CompareTrials ?? r.Trials ?? EngineRule.DefaultCompareTrials, r.Seed, ctx, out _,
            r.Paths, pathsAsked: r.Paths is not null || asked);
    }

    /// <summary>
    /// Everything a report shows: inputs, the design's rules and decision table, its OCs, the
    /// sample-size analysis, every chart that applies, the comparison; <paramref name="commandLine"/> goes in its reproducibility footer.
    /// </summary>
    public static Report Report(ChartsRequest r, string commandLine, RunContext? context = null)
    {
        var ctx = context ?? RunContext.Default;
        long compareTrials = r.CompareTrials ?? EngineRule.DefaultReportCompareTrials;
        ResourceGuard.Trials(compareTrials, "--compare-trials");
        var inputs = RunInputs.Resolve(r.Input, ctx.Catalog);
        string designs = DesignList(r.Designs);
        CheckDesigns(designs, inputs, ctx.Catalog);
        Runs.Say(inputs, r.Input, ctx, nonMonotone: true, timelineNote: false, backfillNote: inputs.File.Timeline is null);
        var results = OperatingCharacteristicsOf(inputs, r.Engine, r.Trials, r.Seed, ctx);
        // A design that reads responses has no DLT state graph: its sample-size analysis is the simulation (docs/protocol.md);
        // a backfill design's, which has no calendar, would leave out its backfill patients.
        var sampleSize = BackfillsOnCalendar(inputs) ? null : SampleSizeOf(inputs, r.Engine, r.Trials, r.Seed, r.MarkN, ctx);
        if (r.Paths is not null && inputs.Design.ReadsResponses)
            throw new InputException($"--paths {r.Paths}: the pathway chart lists DLT outcomes; design {inputs.Design.Name} reads responses");
        var chartNames = Names.Where(c => (c != "occurve" || inputs.Design.TryGet<AplusB>() is not null) && (c != "samplesize" || sampleSize is not null)
            && (c != "duration" || inputs.File.Timeline is not null) && (c != "paths" || !inputs.Design.ReadsResponses));
        var charts = Draw(inputs, results, sampleSize, chartNames, r.MarkN, designs, compareTrials, r.Seed, ctx, out var compared, r.Paths, pathsAsked: r.Paths is not null);
        DecisionTable? table = null;
        try { table = DecisionTable.For(inputs.Design); } catch (NotSupportedException) { }
        return new Report
        {
            // The comparison section shows the same run as the comparison chart (on the calendar when the file has a timeline).
            File = inputs.File, Results = results, Charts = charts, Comparison = compared?.Set, DecisionTable = table,
            SampleSize = sampleSize is null ? null : new SampleSizeReport { Trial = inputs.File.Trial, Source = inputs.File.Path, Doses = inputs.File.Doses, Analysis = sampleSize },
            CommandLine = commandLine, Created = DateTimeOffset.UtcNow,
        };
    }

    private static string DesignList(string? designs) => designs ?? string.Join(",", EngineRule.DefaultComparison);

    /// <summary>A backfill design on a file with a timeline: its OCs come from the calendar, where it backfills.</summary>
    private static bool BackfillsOnCalendar(RunInputs inputs) => inputs.Design.TryGet<IBackfillDesign>() is not null && inputs.File.Timeline is not null;

    /// <summary>
    /// The design's OCs on every scenario: exact where the state space allows (or is asked for), else
    /// Monte Carlo; for a backfill design on a file with a timeline, the calendar simulation.
    /// </summary>
    private static ResultSet OperatingCharacteristicsOf(RunInputs inputs, EngineChoice engine, long? trials, ulong? seed, RunContext ctx)
    {
        var file = inputs.File;
        var e = engine;
        if (trials is { } given) ResourceGuard.Trials(given, "--trials"); // checked even when the exact engine leaves it unused
        if (BackfillsOnCalendar(inputs))
        {
            if (e == EngineChoice.Exact) throw new InputException($"--engine exact: design {inputs.Design.Name} backfills in calendar time, which the exact engine does not model (use --engine auto or monte-carlo)");
            long calendarTrials = trials ?? file.Trials;
            ResourceGuard.Trials(calendarTrials, "--trials");
            var calendarOptions = new MonteCarloOptions { Trials = calendarTrials, Seed = seed ?? file.Seed, Cancellation = ctx.Cancellation };
            var onCalendar = ctx.Track("Simulating", file.Scenarios.Count * calendarTrials, report =>
                file.Scenarios.Select((s, i) => CalendarEngine.Run(inputs.Design, s, file.Target, file.Timeline!, calendarOptions with { Progress = d => report(i * calendarTrials + d) }).Oc).ToList());
            return Runs.Set(inputs, "monte-carlo (calendar)", calendarTrials, calendarOptions.Seed, onCalendar);
        }
        int maxStates = e == EngineChoice.Exact ? EngineRule.DefaultMaxStates : EngineRule.AutoExactStates;
        StateGraph? graph = null;
        if (inputs.Design.ReadsResponses && e != EngineChoice.MonteCarlo)
        {
            // Its states count responders too: the response engine's exact walk, where it fits.
            try { return Runs.Set(inputs, "exact", 0, null, file.Scenarios.Select(s => ExactEngine.Run(inputs.Design, s, file.Target, maxStates)).ToList()); }
            catch (StateSpaceTooLargeException) when (e == EngineChoice.Auto) { }
            e = EngineChoice.MonteCarlo;
        }
        if (e != EngineChoice.MonteCarlo)
        {
            try { graph = StateGraph.For(inputs.Design, maxStates); }
            catch (StateSpaceTooLargeException) when (e == EngineChoice.Auto) { }
        }
        if (graph is not null)
            return Runs.Set(inputs, "exact", 0, null, file.Scenarios.Select(s => ExactEngine.Run(graph, s, file.Target)).ToList());
        long n = trials ?? file.Trials;
        ResourceGuard.Trials(n, "--trials");
        var options = new MonteCarloOptions { Trials = n, Seed = seed ?? file.Seed, Cancellation = ctx.Cancellation };
        var results = ctx.Track("Simulating", file.Scenarios.Count * n, report =>
            file.Scenarios.Select((s, i) => MonteCarloEngine.Run(inputs.Design, s, file.Target, options with { Progress = d => report(i * n + d) })).ToList());
        return Runs.Set(inputs, "monte-carlo", n, options.Seed, results);
    }

    /// <summary>Every name of --designs is known, even when no comparison chart is drawn: nothing typed is silently ignored.</summary>
    private static void CheckDesigns(string designs, RunInputs inputs, DesignCatalog catalog)
    {
        foreach (var name in designs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (catalog.Find(name) is null && !string.Equals(name, inputs.Resolved.Label, StringComparison.OrdinalIgnoreCase))
                throw new InputException($"--designs {designs}: unknown design '{name}' (known: {string.Join(", ", catalog.Names)})");
    }

    /// <summary>
    /// The sample-size analysis of <c>samplesize</c> with the file's protocol model (non-evaluable
    /// rate, expansion cohort, planned N or <paramref name="markN"/>): the same engine rule (exact
    /// when the state graph fits, unless Monte Carlo is asked for), trials and seed, so the report's
    /// and the charts' figures are the ones <c>samplesize</c> prints.
    /// </summary>
    private static SampleSizeAnalysis SampleSizeOf(RunInputs inputs, EngineChoice engine, long? trials, ulong? seed, int? markN, RunContext ctx)
    {
        var file = inputs.File;
        int? planned = markN ?? file.Protocol.PlannedN;
        if (planned is < 1) throw new InputException($"--mark-n {planned}: must be at least 1");
        var model = new SampleSizeModel
        {
            NonEvaluableRate = file.Protocol.NonEvaluableRate,
            ExpansionCohort = file.Protocol.ExpansionCohort,
            PlannedN = planned,
            MinResponses = file.Protocol.MinResponses,
        };
        long n = trials ?? file.Trials;
        if (n < 1) throw new InputException($"--trials {n}: must be at least 1");
        var simulation = new MonteCarloOptions { Trials = n, Seed = seed ?? file.Seed, Cancellation = ctx.Cancellation };
        return SampleSize.Analyze(inputs.Design, file.Scenarios, file.Target, model, simulation, engine == EngineChoice.MonteCarlo ? 0 : EngineRule.DefaultMaxStates);
    }

    /// <summary>
    /// The charts named, and (in <paramref name="compared"/>) the comparison of the designs of
    /// <paramref name="designs"/>: run once, on the calendar when the file has a timeline (the same
    /// toxicity results for cohort designs, plus durations), and shared by the comparison and duration charts.
    /// </summary>
    private static IReadOnlyList<(string Name, Figure Figure)> Draw(RunInputs inputs, ResultSet set, SampleSizeAnalysis? sampleSize, IEnumerable<string> charts,
        int? markN, string designs, long compareTrials, ulong? seed, RunContext ctx, out (ComparisonSet Set, IReadOnlyList<DesignComparisonRow> Rows)? compared,
        int? pathCohorts = null, bool pathsAsked = false)
    {
        var file = inputs.File;
        var names = charts.ToList();
        // A single design is compared (for its duration) only when the duration chart asks for it.
        compared = names.Contains("comparison") || names.Contains("duration")
            ? Compare(inputs, designs, compareTrials, seed, ctx, file.Timeline, allowSingle: names.Contains("duration"))
            : null;
        var labels = file.Doses.Select(d => d.Dose is null ? d.Label : $"{d.Label}: {d.Dose}").ToList();
        var doseOptions = new DoseChartOptions { DoseLabels = labels };
        int? mark = markN ?? file.Protocol.PlannedN;
        if (mark is < 1) throw new InputException($"--mark-n {mark}: must be at least 1");
        var list = new List<(string, Figure)>();
        foreach (var chart in names)
        {
            switch (chart)
            {
                case "selection":
                    list.Add(("selection", Plots.Selection(set.Results, doseOptions)));
                    // With response probabilities: the dose-toxicity and dose-response curves, the MTD and OBD, and selection against both.
                    if (set.Results.All(r => r.DoseOptimisation is not null))
                        list.Add(("dose-optimisation", DoseOptimisationChart.Curves(set.Results, doseOptions)));
                    break;
                case "allocation":
                    list.Add(("allocation", Plots.Allocation(set.Results, doseOptions)));
                    break;
                case "samplesize":
                    if (sampleSize is null) throw new InvalidOperationException("the sample-size chart needs the sample-size analysis");
                    var sampleSizeNames = FileNames(sampleSize.Results.Select(r => r.Scenario.Name).ToList());
                    foreach (var (r, i) in sampleSize.Results.Select((r, i) => (r, i)))
                        list.Add(($"sample-size-{sampleSizeNames[i]}", Plots.SampleSize(r, sampleSize.Model, inputs.Design, mark, doseOptions)));
                    break;
                case "occurve":
                    var curves = new List<AplusB> { Design.ThreePlusThree(file.Doses.Count) };
                    if (inputs.Design.TryGet<AplusB>() is { } ab && !ab.IsThreePlusThree) curves.Add(ab);
                    else curves.Add(Design.AplusB(file.Doses.Count, 3, 3, 1, 2, 2));
                    list.Add(("oc-curve", Plots.OcCurve(curves, new OcCurveOptions { MarkRate = file.Target })));
                    break;
                case "comparison":
                    if (compared is { } c && c.Set.Setups.Count > 1)
                        list.Add(("comparison", Plots.Comparison(c.Rows)));
                    break;
                case "paths":
                    // The first cohorts' pathways under every scenario; left out, unless asked for, when they are too many to draw.
                    try { list.Add(("paths", Runs.PathwaysFigure(inputs, pathCohorts ?? DefaultPathCohorts, new PathwaysOptions(), "--paths"))); }
                    catch (InputException) when (!pathsAsked) { }
                    break;
                case "duration":
                    // One chart per scenario: the distribution of trial duration of the comparison's designs (or the design alone).
                    if (file.Timeline is null) throw new InvalidOperationException("the duration chart needs a timeline");
                    var onCalendar = compared!.Value.Set;
                    var designLabels = onCalendar.Setups.Select(d => d.Label).ToList();
                    var durationNames = FileNames(onCalendar.Scenarios.Select(sc => sc.Scenario.Name).ToList());
                    foreach (var (sc, i) in onCalendar.Scenarios.Select((sc, i) => (sc, i)))
                        list.Add(($"duration-{durationNames[i]}", DurationChart.Cumulative(designLabels.Select((l, i) => (l, sc.Calendar!.Results[i])).ToList(),
                            $"Trial duration, scenario '{sc.Scenario.Name}'")));
                    break;
            }
        }
        return list;
    }

    /// <summary>
    /// The designs of <paramref name="designs"/> on every scenario with common random numbers (on the
    /// calendar when <paramref name="timeline"/> is given), or null for a single design unless <paramref name="allowSingle"/>.
    /// </summary>
    private static (ComparisonSet Set, IReadOnlyList<DesignComparisonRow> Rows)? Compare(RunInputs inputs, string designs, long trials, ulong? seed, RunContext ctx,
        Timeline? timeline = null, bool allowSingle = false)
    {
        var file = inputs.File;
        var names = designs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0 || (names.Length < 2 && !allowSingle)) return null;
        ResourceGuard.Trials(trials, "--trials");
        // The run's own design keeps its options; the others get their defaults and the trial's common settings.
        var setups = names.Select(name =>
        {
            if (string.Equals(name, inputs.Resolved.Label, StringComparison.OrdinalIgnoreCase) || string.Equals(name, inputs.Resolved.Name, StringComparison.OrdinalIgnoreCase))
                return inputs.Resolved;
            try { return DesignSetup.Resolve(ctx.Catalog, new DesignConfig(name), file.Common, file.Doses.Count, file.Target, null, file.DoseValues); }
            catch (DesignOptionException ex) { throw new InputException($"--designs {designs}: {ex.Message}"); }
        }).ToList();
        var list = setups.Select(d => d.Design).ToList();
        int benchmarkN = ComparisonEngine.BenchmarkPatients(list);
        var options = new MonteCarloOptions { Trials = trials, Seed = seed ?? file.Seed, Cancellation = ctx.Cancellation };
        List<ScenarioComparison> scenarios;
        try { scenarios = file.Scenarios.Select(s => Runs.Labelled(ComparisonEngine.Run(list, s, file.Target, options, benchmarkN, file.CorrectSelection, timeline), setups)).ToList(); }
        catch (ArgumentException ex) when (timeline is not null) { throw new InputException($"{file.Path}: on the calendar: {ex.Message}"); }
        var set = new ComparisonSet
        {
            TrialName = file.Trial.Name, Doses = file.Doses, Target = file.Target, Trials = trials, Seed = options.Seed, Scenarios = scenarios,
            Setups = setups, CorrectSelection = file.CorrectSelection,
        };
        var rows = scenarios.SelectMany(sc => sc.Designs.Select((r, j) =>
            DesignComparisonRow.From(r.Oc, r.Oc.Design, sc.BenchmarkCorrectSelection?.Value) with { MaxN = RunNotes.MaxN(setups[j].Design, timeline is not null) })).ToList();
        return (set, rows);
    }

    /// <summary>A scenario name as a file-name part: lower-case letters and digits, other characters as '-'.</summary>
    public static string Slug(string s) =>
        string.Concat(s.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Trim('-');

    /// <summary>
    /// One file-name part per scenario, all different: the slug, "scenario-N" when the name has no
    /// letter or digit, and "-2", "-3", ... after a slug already taken ("a/b" and "a b" are "a-b" and "a-b-2").
    /// </summary>
    public static IReadOnlyList<string> FileNames(IReadOnlyList<string> names)
    {
        var taken = new HashSet<string>();
        var result = new List<string>();
        for (int i = 0; i < names.Count; i++)
        {
            string slug = Slug(names[i]);
            if (slug.Length == 0) slug = $"scenario-{i + 1}";
            string name = slug;
            for (int k = 2; !taken.Add(name); k++) name = $"{slug}-{k}";
            result.Add(name);
        }
        return result;
    }
}
