using System.Text;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Reporting;

namespace DoseEscalation.Cli;

/// <summary>The verbs: bind inputs, call the library, hand results to a report writer.</summary>
public static class Commands
{
    public static int Simulate(SimulateOptions o, TextWriter stdout, TextWriter stderr, bool interactive, DesignCatalog catalog)
    {
        // Checked whatever the engine, so a value the exact engine leaves unused is never silently accepted.
        if (o.Trials is { } given) ResourceGuard.Trials(given, "--trials");
        if (o.Engine is "exact")
        {
            if (o.Trials is not null || o.Seed is not null || o.Threads != 0)
                throw new UsageException("--trials, --seed and --threads apply to Monte Carlo only, not with --engine exact");
            return Exact(new ExactOptions
            {
                File = o.File, Dlt = o.Dlt, Design = o.Design, DesignFlags = o.DesignFlags, Common = o.Common, Target = o.Target, Set = o.Set,
                CorrectSelection = o.CorrectSelection, CorrectWindow = o.CorrectWindow, Format = o.Format, Out = o.Out, Quiet = o.Quiet,
            }, stdout, stderr, catalog);
        }
        var writer = Writer(o.Format);
        var shard = ShardCommand.Resolve(o.Sharding, o);
        ShardCommand.ReadInput(o, o.Sharding);
        var inputs = RunInputs.Resolve(o, catalog);
        Warn(inputs, o, stderr);
        var method = o.Method switch
        {
            "graph" => SimulationMethod.CompiledGraph,
            "loop" => SimulationMethod.TrialLoop,
            _ => SimulationMethod.Auto,
        };
        long trials = o.Trials ?? inputs.File.Trials;
        ResourceGuard.Trials(trials, "--trials");
        var options = new MonteCarloOptions { Trials = trials, Seed = o.Seed ?? inputs.File.Seed, Threads = o.Threads, Method = method, Simd = o.Simd };
        if (o.Sharding.BatchSize is { } batchSize) options = options with { BatchSize = batchSize };
        var file = inputs.File;
        if (o.Calendar) return CalendarCommand.Simulate(o, inputs, options, shard, stdout, interactive);
        if (shard is not null || o.Sharding.Merged is not null) return ShardedSimulate(o, inputs, options, shard, writer, stdout, interactive);
        var results = Progress.Run(interactive && !o.Quiet, file.Scenarios.Count * trials, "Simulating", report =>
            file.Scenarios.Select((s, i) => MonteCarloEngine.Run(inputs.Design, s, file.Target,
                options with { Progress = done => report(i * trials + done) })).ToList());
        Emit(Set(inputs, "monte-carlo", options.Trials, options.Seed, results), writer, o.Out, stdout);
        return Cli.Ok;
    }

    /// <summary>simulate --shard (writes the shard's counters) and simulate under merge (the OCs of the parts' summed counters).</summary>
    private static int ShardedSimulate(SimulateOptions o, RunInputs inputs, MonteCarloOptions options, Sharding.Shard? shard, Action<ResultSet, Stream> writer, TextWriter stdout, bool interactive)
    {
        var file = inputs.File;
        if (inputs.Design.ReadsResponses)
        {
            // The response engine's counters: the toxicity tally and the responders.
            var withResponses = ShardCommand.ShardOrMerge("simulate", o, o.Sharding, shard, ShardCommand.RunJson("simulate", inputs, o, options, o.Method),
                options, file.Scenarios.Count, interactive && !o.Quiet,
                (i, range) => Engines.Response.ResponseEngine.Count(inputs.Design, file.Scenarios[i], file.Target, range),
                Sharding.CounterJson.WriteResponseTally,
                (m, i) => ShardCommand.ResponseTally(m, i).ToResult(inputs.Design, file.Scenarios[i], file.Target, "monte-carlo", options.Trials, options.Seed));
            if (withResponses is not null) Emit(Set(inputs, "monte-carlo", options.Trials, options.Seed, withResponses), writer, o.Out, stdout);
            return Cli.Ok;
        }
        var ocs = ShardCommand.ShardOrMerge("simulate", o, o.Sharding, shard, ShardCommand.RunJson("simulate", inputs, o, options, o.Method),
            options, file.Scenarios.Count, interactive && !o.Quiet,
            (i, range) => MonteCarloEngine.Count(inputs.Design, file.Scenarios[i], file.Target, range),
            Sharding.CounterJson.WriteTally,
            (m, i) => OperatingCharacteristics.FromTally(ShardCommand.Tally(m, i), inputs.Design, file.Scenarios[i], file.Target, "monte-carlo", options.Trials, options.Seed));
        if (ocs is not null) Emit(Set(inputs, "monte-carlo", options.Trials, options.Seed, ocs), writer, o.Out, stdout);
        return Cli.Ok;
    }

    public static int Exact(ExactOptions o, TextWriter stdout, TextWriter stderr, DesignCatalog catalog)
    {
        var writer = Writer(o.Format);
        if (o.Paths is not null && o.Format is not ("table" or "csv")) throw new CliInputException($"--format {o.Format}: --paths writes table or csv");
        var inputs = RunInputs.Resolve(o, catalog);
        Warn(inputs, o, stderr);
        var file = inputs.File;
        if (inputs.Design.ReadsResponses)
        {
            // Its states count responders too: the response engine's forward walk (no graph, no --paths).
            if (o.Paths is not null) throw new CliInputException($"--paths: design {inputs.Design.Name} reads responses; dose paths list DLT outcomes only");
            var withResponses = file.Scenarios.Select(s => ExactEngine.Run(inputs.Design, s, file.Target, o.MaxStates)).ToList();
            Emit(Set(inputs, "exact", 0, null, withResponses), writer, o.Out, stdout);
            return Cli.Ok;
        }
        if (o.Paths is null) ResourceGuard.ExactFlow(inputs.Design, o.MaxStates, file.Scenarios.Count, "--max-states");
        if (o.Paths is { } cohorts)
        {
            ResourceGuard.StateGraph(inputs.Design, o.MaxStates, "--max-states");
            var graph = StateGraph.For(inputs.Design, o.MaxStates);
            var paths = file.Scenarios.Select(s => (s, DosePaths.Enumerate(graph, s, cohorts))).ToList();
            Emit(stream => PathReport.Write(file, inputs.Design, cohorts, paths, o.Format, stream), o.Out, stdout);
            return Cli.Ok;
        }
        // Every scenario in one pass over the states, made level by level (no stored graph).
        var results = ExactEngine.Run(inputs.Design, file.Scenarios, file.Target, o.MaxStates);
        Emit(Set(inputs, "exact", 0, null, results), writer, o.Out, stdout);
        return Cli.Ok;
    }

    // ---- shared plumbing -------------------------------------------------------------------------

    internal static ResultSet Set(RunInputs inputs, string engine, long trials, ulong? seed, IReadOnlyList<OperatingCharacteristics> results) => new()
    {
        TrialName = inputs.File.Trial.Name + (inputs.File.Trial.RegistryId is { } id ? $" ({id})" : ""),
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

    internal static Action<ResultSet, Stream> Writer(string format) => format switch
    {
        "table" => (set, s) => WriteText(s, w => ConsoleReport.Write(set, w)),
        "csv" => (set, s) => WriteText(s, w => CsvReport.Write(set, w)),
        "json" => JsonReport.Write,
        _ => throw new CliInputException($"--format {format}: expected table, csv or json"),
    };

    internal static void WriteText(Stream s, Action<TextWriter> write)
    {
        using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        write(w);
    }

    private static void Emit(ResultSet set, Action<ResultSet, Stream> writer, string? outPath, TextWriter stdout) =>
        Emit(stream => writer(set, stream), outPath, stdout);

    /// <summary>Renders fully in memory first, so a failure leaves no partial output anywhere.</summary>
    internal static void Emit(Action<Stream> render, string? outPath, TextWriter stdout)
    {
        using var buffer = new MemoryStream();
        render(buffer);
        if (outPath is null)
        {
            stdout.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            stdout.Flush();
        }
        else OutputFile.WriteAtomically(outPath, s => buffer.WriteTo(s));
    }

    internal static void Warn(RunInputs inputs, InputOptions o, TextWriter stderr)
    {
        if (o.Quiet) return;
        foreach (var w in inputs.File.Warnings) stderr.WriteLine($"dose-escalation: warning: {w}");
        foreach (var n in inputs.Notes) stderr.WriteLine($"dose-escalation: warning: {n}");
        foreach (var s in inputs.File.Scenarios.Where(s => !s.IsMonotone && inputs.File.Path == "(command line)"))
            stderr.WriteLine($"dose-escalation: warning: --dlt: DLT probabilities decrease with dose (allowed, but check it is intended)");
        TimelineNote(inputs.File, o, stderr);
        BackfillNote(inputs, o, stderr);
    }

    /// <summary>A backfill design backfills only on the calendar: say so when a run uses it without calendar time.</summary>
    internal static void BackfillNote(RunInputs inputs, InputOptions o, TextWriter stderr)
    {
        // next reads the trial's own backfilled patients: nothing is simulated there.
        if (o.Quiet || o is SimulateOptions { Calendar: true } or NextOptions || (o is PlotOptions or ReportOptions && inputs.File.Timeline is not null)) return;
        foreach (var d in inputs.Designs.Where(d => DoseEscalation.Designs.Rules.DesignRule.Unwrap(d.Design).Base is DoseEscalation.Designs.IBackfillDesign))
            stderr.WriteLine($"dose-escalation: note: design '{d.Label}' backfills only in calendar time (simulate --calendar, compare --calendar, with a timeline:); without it nobody arrives while a cohort is observed, so these results are its escalation rule's alone");
    }

    /// <summary>A file's timeline is read by the calendar engine only: say so when a run given that file does not use it.</summary>
    internal static void TimelineNote(Scenarios.ScenarioFile file, InputOptions o, TextWriter stderr)
    {
        if (o.Quiet || o.File is null || file.Timeline is null || o is SimulateOptions { Calendar: true } or NextOptions or TableOptions or ReportOptions) return;
        if (o is PlotOptions plot && plot.Charts.Split(',', StringSplitOptions.TrimEntries).Contains("duration", StringComparer.OrdinalIgnoreCase)) return;
        stderr.WriteLine($"dose-escalation: note: {o.File} has a timeline; this run does not use it (simulate --calendar, compare --calendar, the report and the duration chart do)");
    }
}
