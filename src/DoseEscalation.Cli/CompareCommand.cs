using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Reporting;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Cli;

/// <summary>The compare and table verbs.</summary>
public static class CompareCommand
{
    public static int Compare(CompareOptions o, TextWriter stdout, TextWriter stderr, bool interactive)
    {
        string format = o.Format.Trim().ToLowerInvariant();
        if (format is not ("table" or "csv" or "json")) throw new CliInputException($"--format {o.Format}: expected table, csv or json");
        var file = RunInputs.Resolve(new SimulateOptions { File = o.File, Dlt = o.Dlt, Target = o.Target, Quiet = o.Quiet }).File;
        if (o.MaxN < 1) throw new CliInputException($"--max-n {o.MaxN}: must be at least 1");
        if (o.CohortSize < 1) throw new CliInputException($"--cohort-size {o.CohortSize}: must be at least 1");
        if (o.Threads < 0) throw new CliInputException($"--threads {o.Threads}: must be 0 (all cores) or more");
        long trials = o.Trials ?? 100_000;
        ResourceGuard.Trials(trials, "--trials");
        var names = o.Designs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) throw new CliInputException($"--designs {o.Designs}: name at least one design");
        var designs = names.Select(name => Build(name, file, o)).ToList();
        if (!o.Quiet) foreach (var w in file.Warnings) stderr.WriteLine($"dose-escalation: warning: {w}");
        var options = new MonteCarloOptions { Trials = trials, Seed = o.Seed ?? file.Seed, Threads = o.Threads };
        var results = Progress.Run(interactive && !o.Quiet, file.Scenarios.Count * trials, "Comparing", report =>
            file.Scenarios.Select((s, i) => ComparisonEngine.Run(designs, s, file.Target,
                options with { Progress = done => report(i * trials + done) }, o.MaxN)).ToList());
        var set = new ComparisonSet
        {
            TrialName = file.Trial.Name + (file.Trial.RegistryId is { } id ? $" ({id})" : ""),
            Doses = file.Doses, Target = file.Target, Trials = trials, Seed = options.Seed, Scenarios = results,
        };
        Commands.Emit(stream =>
        {
            if (format == "json") ComparisonReport.WriteJson(set, stream);
            else Commands.WriteText(stream, w => { if (format == "csv") ComparisonReport.WriteCsv(set, w); else ComparisonReport.WriteTable(set, w); });
        }, o.Out, stdout);
        return Cli.Ok;
    }

    /// <summary>A design for the comparison: the file's own options when it names the same design, plus the shared cohort size and maximum N where the design takes them.</summary>
    private static IDesign Build(string name, ScenarioFile file, CompareOptions o)
    {
        var spec = string.Equals(file.Design.Name, name, StringComparison.OrdinalIgnoreCase) ? file.Design : new DesignSpec { Name = name };
        spec = DesignRegistry.WithSharedSize(spec, o.CohortSize, o.MaxN);
        try { return DesignRegistry.Create(spec, file.Doses.Count, file.Target); }
        catch (DesignSpecException ex) { throw new CliInputException($"--designs {o.Designs}: {ex.Message}"); }
    }

    public static int Table(TableOptions o, TextWriter stdout)
    {
        string format = o.Format.Trim().ToLowerInvariant();
        if (format is not ("table" or "csv" or "md")) throw new CliInputException($"--format {o.Format}: expected table, csv or md");
        var inputs = RunInputs.Resolve(o);
        DecisionTable table;
        try { table = DecisionTable.For(inputs.Design); }
        catch (NotSupportedException ex) { throw new CliInputException($"--design {inputs.Design.Name}: {ex.Message}"); }
        Commands.Emit(stream => Commands.WriteText(stream, w =>
        {
            switch (format)
            {
                case "csv":
                    w.WriteLine("n,escalate_if_dlt_at_most,deescalate_if_dlt_at_least,eliminate_if_dlt_at_least");
                    foreach (var r in table.Rows)
                        w.WriteLine($"{r.Patients},{Cell(r.EscalateAtMost)},{Cell(r.DeescalateAtLeast)},{Cell(r.EliminateAtLeast)}");
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
