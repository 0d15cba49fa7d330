using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Reporting;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Cli;

/// <summary>The plot and report verbs: run the design, draw every chart, write SVGs or a report.</summary>
public static class PlotCommand
{
    public static readonly string[] ChartNames = ["selection", "allocation", "samplesize", "occurve", "comparison"];

    public static int Plot(PlotOptions o, TextWriter stdout, TextWriter stderr, bool interactive, DesignCatalog catalog)
    {
        if (o.Out is null && o.Gallery is null) throw new CliInputException("--out DIR: plot needs a folder to write the SVG files into");
        if (o.Gallery is { } galleryDir)
        {
            foreach (var path in Gallery.Write(galleryDir)) stdout.WriteLine(path);
            return Cli.Ok;
        }
        var charts = o.Charts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => c.ToLowerInvariant()).ToList();
        foreach (var c in charts)
            if (!ChartNames.Contains(c)) throw new CliInputException($"--charts {o.Charts}: unknown chart '{c}' (known: {string.Join(", ", ChartNames)})");
        if (File.Exists(o.Out)) throw new CliInputException($"--out {o.Out}: is a file; plot writes several SVG files into a folder");
        var inputs = RunInputs.Resolve(o, catalog);
        Commands.Warn(inputs, o, stderr);
        var results = Run(inputs, o.Engine, o.Trials, o.Seed, interactive && !o.Quiet);
        var svgs = Charts(inputs, results, charts, o.MarkN, o.Designs, o.Trials ?? 100_000, o.Seed, catalog);
        // Everything is drawn before anything is written: a failure leaves no partial set of files.
        Directory.CreateDirectory(o.Out!);
        foreach (var (name, svg) in svgs)
        {
            string path = Path.Combine(o.Out!, name + ".svg");
            svg.Save(path);
            stdout.WriteLine(path);
        }
        return Cli.Ok;
    }

    public static int Report(ReportOptions o, TextWriter stdout, TextWriter stderr, bool interactive, string commandLine, DesignCatalog catalog)
    {
        string format = o.Format;
        if (o.Out is null) throw new CliInputException($"--out PATH: report needs a file to write (e.g. report.{format})");
        var inputs = RunInputs.Resolve(o, catalog);
        Commands.Warn(inputs, o, stderr);
        var results = Run(inputs, o.Engine, o.Trials, o.Seed, interactive && !o.Quiet);
        var charts = Charts(inputs, results, ChartNames, o.MarkN, o.Designs, o.CompareTrials, o.Seed, catalog);
        ComparisonSet? comparison = Compare(inputs, o.Designs, o.CompareTrials, o.Seed, catalog) is { } c ? c.Set : null;
        DecisionTable? table = null;
        try { table = DecisionTable.For(inputs.Design); } catch (NotSupportedException) { }
        var report = new Report
        {
            File = inputs.File, Results = results, Charts = charts, Comparison = comparison, DecisionTable = table,
            CommandLine = commandLine, Created = DateTimeOffset.UtcNow,
        };
        if (format == "html")
            Commands.Emit(stream => Commands.WriteText(stream, w => HtmlReport.Write(report, w)), o.Out, stdout);
        else
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(o.Out)) ?? ".";
            if (!Directory.Exists(dir)) throw new CliInputException($"--out {o.Out}: the folder {dir} does not exist");
            foreach (var path in MarkdownReport.Write(report, o.Out)) stdout.WriteLine(path);
        }
        return Cli.Ok;
    }

    /// <summary>The design's OCs on every scenario: exact where the state space allows (or is asked for), else Monte Carlo.</summary>
    internal static ResultSet Run(RunInputs inputs, string engine, long? trials, ulong? seed, bool progress)
    {
        var file = inputs.File;
        string e = engine;
        StateGraph? graph = null;
        if (e != "monte-carlo")
        {
            try { graph = StateGraph.For(inputs.Design, e == "exact" ? StateGraph.DefaultMaxStates : 200_000); }
            catch (StateSpaceTooLargeException) when (e == "auto") { }
        }
        if (graph is not null)
            return Commands.Set(inputs, "exact", 0, null, file.Scenarios.Select(s => ExactEngine.Run(graph, s, file.Target)).ToList());
        long n = trials ?? file.Trials;
        var options = new MonteCarloOptions { Trials = n, Seed = seed ?? file.Seed };
        var results = Progress.Run(progress, file.Scenarios.Count * n, "Simulating", report =>
            file.Scenarios.Select((s, i) => MonteCarloEngine.Run(inputs.Design, s, file.Target, options with { Progress = d => report(i * n + d) })).ToList());
        return Commands.Set(inputs, "monte-carlo", n, options.Seed, results);
    }

    internal static IReadOnlyList<(string Name, SvgDocument Svg)> Charts(RunInputs inputs, ResultSet set, IEnumerable<string> charts,
        int? markN, string designs, long compareTrials, ulong? seed, DesignCatalog catalog)
    {
        var file = inputs.File;
        var labels = file.Doses.Select(d => d.Dose is null ? d.Label : $"{d.Label}: {d.Dose}").ToList();
        var doseOptions = new DoseChartOptions { DoseLabels = labels };
        int? mark = markN ?? file.Protocol.PlannedN;
        if (mark is < 1) throw new CliInputException($"--mark-n {mark}: must be at least 1");
        var list = new List<(string, SvgDocument)>();
        foreach (var chart in charts)
        {
            switch (chart)
            {
                case "selection":
                    list.Add(("selection", Plots.Selection(set.Results, doseOptions)));
                    break;
                case "allocation":
                    list.Add(("allocation", Plots.Allocation(set.Results, doseOptions)));
                    break;
                case "samplesize":
                    foreach (var oc in set.Results)
                        list.Add(($"sample-size-{Slug(oc.Scenario.Name)}", Plots.SampleSize(oc, mark, doseOptions)));
                    break;
                case "occurve":
                    var curves = new List<AplusB> { Design.ThreePlusThree(file.Doses.Count) };
                    if (Designs.Rules.DesignRule.Unwrap(inputs.Design).Base is AplusB ab && !ab.IsThreePlusThree) curves.Add(ab);
                    else curves.Add(Design.AplusB(file.Doses.Count, 3, 3, 1, 2, 2));
                    list.Add(("oc-curve", Plots.OcCurve(curves, new OcCurveOptions { MarkRate = file.Target })));
                    break;
                case "comparison":
                    if (Compare(inputs, designs, compareTrials, seed, catalog) is { } c)
                        list.Add(("comparison", Plots.Comparison(c.Rows)));
                    break;
            }
        }
        return list;
    }

    /// <summary>The designs of <paramref name="designs"/> on every scenario with common random numbers, or null for a single design.</summary>
    private static (ComparisonSet Set, IReadOnlyList<DesignComparisonRow> Rows)? Compare(RunInputs inputs, string designs, long trials, ulong? seed, DesignCatalog catalog)
    {
        var file = inputs.File;
        var names = designs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length < 2) return null;
        // The run's own design keeps its options; the others get their defaults and the trial's common settings.
        var setups = names.Select(name =>
        {
            if (string.Equals(name, inputs.Resolved.Label, StringComparison.OrdinalIgnoreCase) || string.Equals(name, inputs.Resolved.Name, StringComparison.OrdinalIgnoreCase))
                return inputs.Resolved;
            try { return DesignSetup.Resolve(catalog, new DesignConfig(name), file.Common, file.Doses.Count, file.Target); }
            catch (DesignOptionException ex) { throw new CliInputException($"--designs {designs}: {ex.Message}"); }
        }).ToList();
        var list = setups.Select(d => d.Design).ToList();
        int benchmarkN = list.Max(d => d.MaxPatients);
        var options = new MonteCarloOptions { Trials = trials, Seed = seed ?? file.Seed };
        var scenarios = file.Scenarios.Select(s => CompareCommand.Labelled(ComparisonEngine.Run(list, s, file.Target, options, benchmarkN, file.CorrectSelection), setups)).ToList();
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
