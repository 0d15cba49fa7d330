using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Protocol;
using DoseEscalation.Reporting;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Cli;

/// <summary>The plot and report verbs: run the design, draw every chart, write SVGs or a report.</summary>
public static class PlotCommand
{
    public static readonly string[] ChartNames = ["selection", "allocation", "samplesize", "occurve", "comparison", "duration"];
    internal const string DefaultCharts = "selection,allocation,samplesize,occurve,comparison,duration";

    public static int Plot(PlotOptions o, TextWriter stdout, TextWriter stderr, bool interactive, DesignCatalog catalog)
    {
        var fileOptions = ChartFileOptionsOf(o);
        if (o.Out is null && o.Gallery is null) throw new CliInputException("--out DIR: plot needs a folder to write the chart files into");
        if (o.Gallery is { } galleryDir)
        {
            foreach (var path in OutputFile.Cli(() => Gallery.Write(galleryDir))) stdout.WriteLine(path);
            return Cli.Ok;
        }
        var charts = o.Charts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => c.ToLowerInvariant()).ToList();
        foreach (var c in charts)
            if (!ChartNames.Contains(c)) throw new CliInputException($"--charts {o.Charts}: unknown chart '{c}' (known: {string.Join(", ", ChartNames)})");
        if (File.Exists(o.Out)) throw new CliInputException($"--out {o.Out}: is a file; plot writes one file per chart into a folder");
        if (ChartFileOptions.FromExtension(Path.GetExtension(o.Out!.TrimEnd('/', '\\'))) is { } named)
            throw new CliInputException($"--out {o.Out}: plot writes one file per chart into a folder; name a folder (and choose the format with --format {named.ToString().ToLowerInvariant()})");
        var inputs = RunInputs.Resolve(o, catalog);
        CheckDesigns(o.Designs, inputs, catalog);
        Commands.Warn(inputs, o, stderr);
        if (Designs.Rules.DesignRule.Unwrap(inputs.Design).Base is not AplusB && charts.Contains("occurve"))
        {
            // The OC curve is the escalation rule of the 3+3 and A+B: drawn for those designs only.
            if (o.Charts != DefaultCharts) throw new CliInputException($"--charts {o.Charts}: the OC curve (occurve) is drawn for 3+3 and A+B designs; the design is {inputs.Design.Name}");
            charts.Remove("occurve");
        }
        if (charts.Contains("duration") && inputs.File.Timeline is null)
        {
            // The duration chart needs the calendar: drawn only for a file with a timeline.
            if (o.Charts != DefaultCharts) throw new CliInputException($"--charts {o.Charts}: the duration chart needs a timeline: block in the scenario file (docs/calendar.md); {inputs.File.Path} has none");
            charts.Remove("duration");
        }
        if (charts.Contains("samplesize") && BackfillsOnCalendar(inputs))
        {
            // The sample-size analysis has no calendar, so no backfill patients: the OC charts' N comes from the calendar run instead.
            if (o.Charts != DefaultCharts) throw new CliInputException($"--charts {o.Charts}: the sample-size chart has no calendar time, so no backfill; design {inputs.Design.Name}'s sample size is in the other charts and in simulate --calendar");
            charts.Remove("samplesize");
        }
        var results = Run(inputs, o.Engine, o.Trials, o.Seed, interactive && !o.Quiet);
        var sampleSize = charts.Contains("samplesize") ? SampleSizeOf(inputs, o.Engine, o.Trials, o.Seed, o.MarkN) : null;
        var figures = Charts(inputs, results, sampleSize, charts, o.MarkN, o.Designs, o.Trials ?? 100_000, o.Seed, catalog, out _);
        // Everything is drawn before anything is written, and the set is written all or nothing.
        var encoded = figures.Select(c => (c.Name + ChartFileOptions.Extension(fileOptions.Format), Bytes: c.Figure.Encode(fileOptions))).ToList();
        var written = OutputFile.Cli(() => AtomicOutput.WriteFolder(o.Out!,
            encoded.Select(e => (e.Item1, (Action<Stream>)(s => s.Write(e.Bytes)))).ToList(), o.File));
        foreach (var path in written) stdout.WriteLine(path);
        return Cli.Ok;
    }

    public static int Report(ReportOptions o, TextWriter stdout, TextWriter stderr, bool interactive, string commandLine, DesignCatalog catalog)
    {
        // The shared default "table" means: the format the --out extension names, else HTML.
        string? fromExtension = o.Out is null ? null : Path.GetExtension(o.Out).ToLowerInvariant() switch
        {
            ".html" or ".htm" => "html",
            ".md" or ".markdown" => "md",
            ".docx" => "docx",
            "" => null,
            var other => throw new CliInputException($"--out {o.Out}: report writes HTML (.html), Markdown (.md) or Word (.docx), not {other}"),
        };
        string format = o.Format.Trim().ToLowerInvariant() switch
        {
            "table" => fromExtension ?? "html",
            "html" => "html",
            "md" or "markdown" => "md",
            "docx" => "docx",
            _ => throw new CliInputException($"--format {o.Format}: expected html, md or docx"),
        };
        if (fromExtension is not null && fromExtension != format)
            throw new CliInputException($"--out {o.Out}: the extension says {fromExtension} but --format is {format}");
        if (o.Out is null) throw new CliInputException($"--out PATH: report needs a file to write (e.g. report.{format})");
        ResourceGuard.Trials(o.CompareTrials, "--compare-trials");
        var inputs = RunInputs.Resolve(o, catalog);
        CheckDesigns(o.Designs, inputs, catalog);
        Commands.Warn(inputs, o, stderr);
        var results = Run(inputs, o.Engine, o.Trials, o.Seed, interactive && !o.Quiet);
        // A design that reads responses has no DLT state graph: its sample-size analysis is the simulation (docs/protocol.md);
        // a backfill design's, which has no calendar, would leave out its backfill patients.
        var sampleSize = BackfillsOnCalendar(inputs) ? null : SampleSizeOf(inputs, o.Engine, o.Trials, o.Seed, o.MarkN);
        var chartNames = ChartNames.Where(c => (c != "occurve" || Designs.Rules.DesignRule.Unwrap(inputs.Design).Base is AplusB) && (c != "samplesize" || sampleSize is not null)
            && (c != "duration" || inputs.File.Timeline is not null));
        var charts = Charts(inputs, results, sampleSize, chartNames, o.MarkN, o.Designs, o.CompareTrials, o.Seed, catalog, out var compared);
        // The comparison section shows the same run as the comparison chart (on the calendar when the file has a timeline).
        ComparisonSet? comparison = compared?.Set;
        DecisionTable? table = null;
        try { table = DecisionTable.For(inputs.Design); } catch (NotSupportedException) { }
        var report = new Report
        {
            File = inputs.File, Results = results, Charts = charts, Comparison = comparison, DecisionTable = table,
            SampleSize = sampleSize is null ? null : new SampleSizeReport { Trial = inputs.File.Trial, Source = inputs.File.Path, Doses = inputs.File.Doses, Analysis = sampleSize },
            CommandLine = commandLine, Created = DateTimeOffset.UtcNow,
        };
        if (format == "html")
            Commands.Emit(stream => Commands.WriteText(stream, w => HtmlReport.Write(report, w)), o.Out, stdout);
        else if (format == "docx")
            Commands.Emit(stream => DocxReport.Write(report, stream), o.Out, stdout);
        else
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(o.Out)) ?? ".";
            if (!Directory.Exists(dir)) throw new CliInputException($"--out {o.Out}: the folder {dir} does not exist");
            foreach (var path in OutputFile.Cli(() => MarkdownReport.Write(report, o.Out, o.File))) stdout.WriteLine(path);
        }
        return Cli.Ok;
    }

    /// <summary>A backfill design on a file with a timeline: its OCs come from the calendar, where it backfills.</summary>
    internal static bool BackfillsOnCalendar(RunInputs inputs) =>
        Designs.Rules.DesignRule.Unwrap(inputs.Design).Base is Designs.IBackfillDesign && inputs.File.Timeline is not null;

    /// <summary>
    /// The design's OCs on every scenario: exact where the state space allows (or is asked for), else
    /// Monte Carlo; for a backfill design on a file with a timeline, the calendar simulation.
    /// </summary>
    internal static ResultSet Run(RunInputs inputs, string engine, long? trials, ulong? seed, bool progress)
    {
        var file = inputs.File;
        string e = engine;
        if (trials is { } given) ResourceGuard.Trials(given, "--trials"); // checked even when the exact engine leaves it unused
        if (BackfillsOnCalendar(inputs))
        {
            if (e == "exact") throw new CliInputException($"--engine exact: design {inputs.Design.Name} backfills in calendar time, which the exact engine does not model (use --engine auto or monte-carlo)");
            long calendarTrials = trials ?? file.Trials;
            ResourceGuard.Trials(calendarTrials, "--trials");
            var calendarOptions = new MonteCarloOptions { Trials = calendarTrials, Seed = seed ?? file.Seed };
            var onCalendar = Progress.Run(progress, file.Scenarios.Count * calendarTrials, "Simulating", report =>
                file.Scenarios.Select((s, i) => Engines.Calendar.CalendarEngine.Run(inputs.Design, s, file.Target, file.Timeline!, calendarOptions with { Progress = d => report(i * calendarTrials + d) }).Oc).ToList());
            return Commands.Set(inputs, "monte-carlo (calendar)", calendarTrials, calendarOptions.Seed, onCalendar);
        }
        StateGraph? graph = null;
        if (inputs.Design.ReadsResponses && e != "monte-carlo")
        {
            // Its states count responders too: the response engine's exact walk, where it fits.
            try { return Commands.Set(inputs, "exact", 0, null, file.Scenarios.Select(s => ExactEngine.Run(inputs.Design, s, file.Target, e == "exact" ? StateGraph.DefaultMaxStates : 200_000)).ToList()); }
            catch (StateSpaceTooLargeException) when (e == "auto") { }
            e = "monte-carlo";
        }
        if (e != "monte-carlo")
        {
            try { graph = StateGraph.For(inputs.Design, e == "exact" ? StateGraph.DefaultMaxStates : 200_000); }
            catch (StateSpaceTooLargeException) when (e == "auto") { }
        }
        if (graph is not null)
            return Commands.Set(inputs, "exact", 0, null, file.Scenarios.Select(s => ExactEngine.Run(graph, s, file.Target)).ToList());
        long n = trials ?? file.Trials;
        ResourceGuard.Trials(n, "--trials");
        var options = new MonteCarloOptions { Trials = n, Seed = seed ?? file.Seed };
        var results = Progress.Run(progress, file.Scenarios.Count * n, "Simulating", report =>
            file.Scenarios.Select((s, i) => MonteCarloEngine.Run(inputs.Design, s, file.Target, options with { Progress = d => report(i * n + d) })).ToList());
        return Commands.Set(inputs, "monte-carlo", n, options.Seed, results);
    }

    /// <summary>Every name of --designs is known, even when no comparison chart is drawn: nothing typed is silently ignored.</summary>
    private static void CheckDesigns(string designs, RunInputs inputs, DesignCatalog catalog)
    {
        foreach (var name in designs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (catalog.Find(name) is null && !string.Equals(name, inputs.Resolved.Label, StringComparison.OrdinalIgnoreCase))
                throw new CliInputException($"--designs {designs}: unknown design '{name}' (known: {string.Join(", ", catalog.Names)})");
    }

    /// <summary>--format png|svg|pdf (the shared default "table" means PNG) and --dpi of the plot verb.</summary>
    internal static ChartFileOptions ChartFileOptionsOf(PlotOptions o)
    {
        string f = o.Format.Trim().ToLowerInvariant();
        var format = f == "table" ? ChartFormat.Png : ChartFileOptions.FromExtension(f)
            ?? throw new CliInputException($"--format {o.Format}: plot writes png, svg or pdf");
        int dpi = o.Dpi ?? ChartFileOptions.DefaultDpi;
        if (dpi is < ChartFileOptions.MinDpi or > ChartFileOptions.MaxDpi)
            throw new CliInputException($"--dpi {dpi}: must be between {ChartFileOptions.MinDpi} and {ChartFileOptions.MaxDpi}");
        if (o.Dpi is not null && format != ChartFormat.Png) throw new CliInputException($"--dpi {dpi}: only PNG charts have a resolution (--format {f} is a vector format)");
        return new ChartFileOptions { Format = format, Dpi = dpi };
    }

    /// <summary>
    /// The sample-size analysis of <c>samplesize</c> with the file's protocol model (non-evaluable
    /// rate, expansion cohort, planned N or <paramref name="markN"/>): the same engine rule (exact
    /// when the state graph fits, unless Monte Carlo is asked for), trials and seed, so the report's
    /// and the charts' figures are the ones <c>samplesize</c> prints.
    /// </summary>
    internal static SampleSizeAnalysis SampleSizeOf(RunInputs inputs, string engine, long? trials, ulong? seed, int? markN)
    {
        var file = inputs.File;
        int? planned = markN ?? file.Protocol.PlannedN;
        if (planned is < 1) throw new CliInputException($"--mark-n {planned}: must be at least 1");
        var model = new SampleSizeModel
        {
            NonEvaluableRate = file.Protocol.NonEvaluableRate,
            ExpansionCohort = file.Protocol.ExpansionCohort,
            PlannedN = planned,
            MinResponses = file.Protocol.MinResponses,
        };
        long n = trials ?? file.Trials;
        if (n < 1) throw new CliInputException($"--trials {n}: must be at least 1");
        var simulation = new MonteCarloOptions { Trials = n, Seed = seed ?? file.Seed };
        bool monteCarlo = engine.Trim().ToLowerInvariant() == "monte-carlo";
        return SampleSize.Analyze(inputs.Design, file.Scenarios, file.Target, model, simulation, monteCarlo ? 0 : StateGraph.DefaultMaxStates);
    }

    /// <summary>
    /// The charts named, and (in <paramref name="compared"/>) the comparison of the designs of
    /// <paramref name="designs"/>: run once, on the calendar when the file has a timeline (the same
    /// toxicity results for cohort designs, plus durations), and shared by the comparison and duration charts.
    /// </summary>
    internal static IReadOnlyList<(string Name, Figure Figure)> Charts(RunInputs inputs, ResultSet set, SampleSizeAnalysis? sampleSize, IEnumerable<string> charts,
        int? markN, string designs, long compareTrials, ulong? seed, DesignCatalog catalog, out (ComparisonSet Set, IReadOnlyList<DesignComparisonRow> Rows)? compared)
    {
        var file = inputs.File;
        var names = charts.ToList();
        // A single design is compared (for its duration) only when the duration chart asks for it.
        compared = names.Contains("comparison") || names.Contains("duration")
            ? Compare(inputs, designs, compareTrials, seed, catalog, file.Timeline, allowSingle: names.Contains("duration"))
            : null;
        var labels = file.Doses.Select(d => d.Dose is null ? d.Label : $"{d.Label}: {d.Dose}").ToList();
        var doseOptions = new DoseChartOptions { DoseLabels = labels };
        int? mark = markN ?? file.Protocol.PlannedN;
        if (mark is < 1) throw new CliInputException($"--mark-n {mark}: must be at least 1");
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
                    foreach (var r in sampleSize.Results)
                        list.Add(($"sample-size-{Slug(r.Scenario.Name)}", Plots.SampleSize(r, sampleSize.Model, inputs.Design, mark, doseOptions)));
                    break;
                case "occurve":
                    var curves = new List<AplusB> { Design.ThreePlusThree(file.Doses.Count) };
                    if (Designs.Rules.DesignRule.Unwrap(inputs.Design).Base is AplusB ab && !ab.IsThreePlusThree) curves.Add(ab);
                    else curves.Add(Design.AplusB(file.Doses.Count, 3, 3, 1, 2, 2));
                    list.Add(("oc-curve", Plots.OcCurve(curves, new OcCurveOptions { MarkRate = file.Target })));
                    break;
                case "comparison":
                    if (compared is { } c && c.Set.Setups.Count > 1)
                        list.Add(("comparison", Plots.Comparison(c.Rows)));
                    break;
                case "duration":
                    // One chart per scenario: the distribution of trial duration of the comparison's designs (or the design alone).
                    if (file.Timeline is null) throw new InvalidOperationException("the duration chart needs a timeline");
                    var onCalendar = compared!.Value.Set;
                    var designLabels = onCalendar.Setups.Select(d => d.Label).ToList();
                    foreach (var sc in onCalendar.Scenarios)
                        list.Add(($"duration-{Slug(sc.Scenario.Name)}", DurationChart.Cumulative(designLabels.Select((l, i) => (l, sc.Calendar!.Results[i])).ToList(),
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
    private static (ComparisonSet Set, IReadOnlyList<DesignComparisonRow> Rows)? Compare(RunInputs inputs, string designs, long trials, ulong? seed, DesignCatalog catalog,
        Engines.Calendar.Timeline? timeline = null, bool allowSingle = false)
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
            try { return DesignSetup.Resolve(catalog, new DesignConfig(name), file.Common, file.Doses.Count, file.Target); }
            catch (DesignOptionException ex) { throw new CliInputException($"--designs {designs}: {ex.Message}"); }
        }).ToList();
        var list = setups.Select(d => d.Design).ToList();
        int benchmarkN = ComparisonEngine.BenchmarkPatients(list);
        var options = new MonteCarloOptions { Trials = trials, Seed = seed ?? file.Seed };
        List<ScenarioComparison> scenarios;
        try { scenarios = file.Scenarios.Select(s => CompareCommand.Labelled(ComparisonEngine.Run(list, s, file.Target, options, benchmarkN, file.CorrectSelection, timeline), setups)).ToList(); }
        catch (ArgumentException ex) when (timeline is not null) { throw new CliInputException($"{file.Path}: on the calendar: {ex.Message}"); }
        var set = new ComparisonSet
        {
            TrialName = file.Trial.Name, Doses = file.Doses, Target = file.Target, Trials = trials, Seed = options.Seed, Scenarios = scenarios,
            Setups = setups, CorrectSelection = file.CorrectSelection,
        };
        var rows = scenarios.SelectMany(sc => sc.Designs.Select(r =>
            DesignComparisonRow.From(r.Oc, r.Oc.Design, sc.BenchmarkCorrectSelection?.Value))).ToList();
        return (set, rows);
    }

    internal static string Slug(string s) =>
        string.Concat(s.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Trim('-');
}
