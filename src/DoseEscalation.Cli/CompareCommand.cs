using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Reporting;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Cli;

/// <summary>The compare and table verbs.</summary>
public static class CompareCommand
{
    /// <summary>The designs compare adds to a file that has only one.</summary>
    public static readonly string[] DefaultComparators = ["3+3", "boin", "mtpi2", "keyboard", "i3+3"];

    public static int Compare(CompareOptions o, TextWriter stdout, TextWriter stderr, bool interactive, DesignCatalog catalog)
    {
        string format = o.Format;
        var shard = ShardCommand.Resolve(o.Sharding, o);
        ShardCommand.ReadInput(o, o.Sharding);
        var inputs = RunInputs.ResolveMany(o, o.Designs, DefaultComparators, catalog);
        var file = inputs.File;
        long trials = o.Trials ?? 100_000;
        ResourceGuard.Trials(trials, "--trials");
        if (!o.Quiet)
        {
            foreach (var w in file.Warnings) stderr.WriteLine($"dose-escalation: warning: {w}");
            foreach (var n in inputs.Notes) stderr.WriteLine($"dose-escalation: warning: {n}");
            Commands.TimelineNote(file, o, stderr);
            Commands.BackfillNote(inputs, o, stderr);
        }
        var designs = inputs.Designs.Select(d => d.Design).ToList();
        // The benchmark sees as many patients as the largest design may treat.
        int benchmarkN = ComparisonEngine.BenchmarkPatients(designs);
        var options = new MonteCarloOptions { Trials = trials, Seed = o.Seed ?? file.Seed, Threads = o.Threads };
        if (o.Sharding.BatchSize is { } batchSize) options = options with { BatchSize = batchSize };
        List<ScenarioComparison> results;
        if (shard is not null || o.Sharding.Merged is not null)
        {
            var merged = ShardCommand.ShardOrMerge("compare", o, o.Sharding, shard, ShardCommand.RunJson("compare", inputs, o, options, "common-random-numbers"),
                options, file.Scenarios.Count, interactive && !o.Quiet,
                (i, range) => ComparisonEngine.Count(designs, file.Scenarios[i], file.Target, range, benchmarkN, file.CorrectSelection),
                Sharding.CounterJson.WriteComparison,
                (m, i) => Labelled(ComparisonEngine.Finish(ShardCommand.Comparison(m, i), designs, file.Scenarios[i], file.Target,
                    options, benchmarkN, file.CorrectSelection), inputs.Designs));
            if (merged is null) return Cli.Ok;
            results = merged;
        }
        else results = Progress.Run(interactive && !o.Quiet, file.Scenarios.Count * trials, "Comparing", report =>
            file.Scenarios.Select((s, i) => Labelled(ComparisonEngine.Run(designs, s, file.Target,
                options with { Progress = done => report(i * trials + done) }, benchmarkN, file.CorrectSelection), inputs.Designs)).ToList());
        var set = new ComparisonSet
        {
            TrialName = file.Trial.Name + (file.Trial.RegistryId is { } id ? $" ({id})" : ""),
            Doses = file.Doses, Target = file.Target, Trials = trials, Seed = options.Seed, Scenarios = results,
            Setups = inputs.Designs, CorrectSelection = file.CorrectSelection,
        };
        Commands.Emit(stream =>
        {
            if (format == "json") ComparisonReport.WriteJson(set, stream);
            else Commands.WriteText(stream, w => { if (format == "csv") ComparisonReport.WriteCsv(set, w); else ComparisonReport.WriteTable(set, w); });
        }, o.Out, stdout);
        return Cli.Ok;
    }

    /// <summary>Each row named by its design's label, so two variants of one design stay apart.</summary>
    internal static ScenarioComparison Labelled(ScenarioComparison sc, IReadOnlyList<ResolvedDesign> designs) =>
        sc with { Designs = sc.Designs.Select((r, j) => r with { Oc = r.Oc with { Design = designs[j].Label } }).ToList() };

    public static int Table(TableOptions o, TextWriter stdout, DesignCatalog catalog)
    {
        string format = o.Format;
        var inputs = RunInputs.Resolve(o, catalog);
        DecisionTable table;
        try { table = DecisionTable.For(inputs.Design); }
        catch (NotSupportedException ex) { throw new CliInputException($"--design {inputs.Design.Name}: {ex.Message}"); }
        Commands.Emit(stream => Commands.WriteText(stream, w =>
        {
            switch (format)
            {
                case "csv":
                    var csv = new CsvTable(w, "n", "escalate_if_dlt_at_most", "deescalate_if_dlt_at_least", "eliminate_if_dlt_at_least");
                    foreach (var r in table.Rows)
                        csv.Row(r.Patients.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell(r.EscalateAtMost), Cell(r.DeescalateAtLeast), Cell(r.EliminateAtLeast));
                    break;
                case "md":
                    w.WriteLine($"Decision table: {inputs.Design.Describe()}, target {Formatting.Percent(inputs.File.Target, 0)}. {table.Note}");
                    w.WriteLine();
                    w.Write(table.RenderMarkdown());
                    break;
                default:
                    w.WriteLine($"{inputs.Design.Describe()}; target {Formatting.Percent(inputs.File.Target, 0)}");
                    w.WriteLine(table.Note);
                    w.WriteLine();
                    w.Write(table.Render());
                    break;
            }
        }), o.Out, stdout);
        return Cli.Ok;
    }

    private static string Cell(int? v) => v is { } i ? Formatting.Int(i) : "NA";
}
