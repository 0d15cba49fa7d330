using System.Globalization;
using CommandLine;
using DoseEscalation.Engines;
using DoseEscalation.Protocol;
using DoseEscalation.Reporting;

namespace DoseEscalation.Cli;

/// <summary>Options of the samplesize verb: the shared inputs plus the protocol model, each flag overriding the file's <c>protocol:</c> value.</summary>
[Verb("samplesize", HelpText = "Sample size for a protocol: evaluable and enrolled N with non-evaluable replacement and expansion, toxicity, efficacy (table, md or json).")]
public sealed class SampleSizeOptions : InputOptions
{
    // CommandLineParser needs a long name of 2+ characters; a 1-letter token matches the short name, so --n, -n and --planned-n all work.
    [Option('n', "planned-n", HelpText = "Planned enrolled sample size whose sufficiency is reported (default: the file's protocol.planned_n).")]
    public int? N { get; set; }

    [Option("coverage", HelpText = "Share of trials the recommended N must cover, strictly between 0 and 1 (default 0.9).")]
    public double? Coverage { get; set; }

    [Option("non-evaluable", HelpText = "Probability an enrolled patient is non-evaluable and replaced, in [0, 0.95) (default: the file's, else 0).")]
    public double? NonEvaluable { get; set; }

    [Option("expansion", HelpText = "Patients added at the selected dose (default: the file's protocol.expansion_cohort, else 0).")]
    public int? Expansion { get; set; }

    [Option("min-responses", HelpText = "r in P(at least r responses at the selected dose) (default: the file's protocol.min_responses).")]
    public int? MinResponses { get; set; }

    [Option("trials", HelpText = "Simulated trials per scenario when the design's state graph is too large for the exact engine (default: the file's).")]
    public long? Trials { get; set; }

    [Option("seed", HelpText = "Random seed for the Monte Carlo fallback (default: the file's).")]
    public ulong? Seed { get; set; }

    [Option("max-states", Default = StateGraph.DefaultMaxStates, HelpText = "Use the exact engine when the design has at most this many trial states, else Monte Carlo.")]
    public int MaxStates { get; set; } = StateGraph.DefaultMaxStates;

    [Option("threads", Default = 0, HelpText = "Worker threads for the Monte Carlo fallback; 0 = all cores. Does not change the results.")]
    public int Threads { get; set; }
}

/// <summary>The samplesize verb: resolves the protocol model (file, then flags), runs the analysis, writes table, md or json.</summary>
public static class SampleSizeCommand
{
    public static int Run(SampleSizeOptions o, TextWriter stdout, TextWriter stderr)
    {
        string format = o.Format.Trim().ToLowerInvariant();
        Action<SampleSizeReport, Stream> writer = format switch
        {
            "table" => (r, s) => Commands.WriteText(s, w => SampleSizeTable.Write(r, w)),
            "md" or "markdown" => (r, s) => Commands.WriteText(s, w => SampleSizeMarkdown.Write(r, w)),
            "json" => SampleSizeJson.Write,
            _ => throw new CliInputException($"--format {o.Format}: expected table, md or json"),
        };
        _ = Model(o, null); // bad flag values fail before any file is read
        var inputs = RunInputs.Resolve(o);
        Commands.Warn(inputs, o, stderr);
        var file = inputs.File;
        var model = Model(o, file.Protocol);
        long trials = o.Trials ?? file.Trials;
        ResourceGuard.Trials(trials, "--trials");
        if (o.MaxStates < 1) throw new CliInputException($"--max-states {o.MaxStates}: must be at least 1");
        ResourceGuard.StateGraph(inputs.Design, o.MaxStates, "--max-states");
        if (o.Threads < 0) throw new CliInputException($"--threads {o.Threads}: must be 0 (all cores) or more");
        var simulation = new MonteCarloOptions { Trials = trials, Seed = o.Seed ?? file.Seed, Threads = o.Threads };
        var analysis = SampleSize.Analyze(inputs.Design, file.Scenarios, file.Target, model, simulation, o.MaxStates);
        var report = new SampleSizeReport { Trial = file.Trial, Source = file.Path, Doses = file.Doses, Analysis = analysis };
        Commands.Emit(stream => writer(report, stream), o.Out, stdout);
        return Cli.Ok;
    }

    /// <summary>The file's protocol options overridden by the flags; bad flag values fail before any file is read.</summary>
    private static SampleSizeModel Model(SampleSizeOptions o, Scenarios.ProtocolOptions? file)
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (o.NonEvaluable is { } q && !(q >= 0 && q < 0.95))
            throw new CliInputException($"--non-evaluable {F(q)}: must be a probability in [0, 0.95)");
        if (o.Coverage is { } c && !(c > 0 && c < 1))
            throw new CliInputException($"--coverage {F(c)}: must be strictly between 0 and 1");
        if (o.N is { } n && n < 1) throw new CliInputException($"--n {n}: must be at least 1");
        if (o.Expansion is { } e && e < 0) throw new CliInputException($"--expansion {e}: must be 0 or more");
        if (o.MinResponses is { } r && r < 1) throw new CliInputException($"--min-responses {r}: must be at least 1");
        var model = new SampleSizeModel
        {
            NonEvaluableRate = o.NonEvaluable ?? file?.NonEvaluableRate ?? 0,
            ExpansionCohort = o.Expansion ?? file?.ExpansionCohort ?? 0,
            PlannedN = o.N ?? file?.PlannedN,
            Coverage = o.Coverage ?? 0.9,
            MinResponses = o.MinResponses ?? file?.MinResponses,
        };
        model.Validate();
        return model;
    }
}
