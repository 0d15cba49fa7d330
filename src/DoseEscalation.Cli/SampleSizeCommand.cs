using System.Globalization;
using DoseEscalation.Engines;
using DoseEscalation.Protocol;
using DoseEscalation.Reporting;

namespace DoseEscalation.Cli;

/// <summary>The samplesize verb: resolves the protocol model (file, then flags), runs the analysis, writes table, md or json.</summary>
public static class SampleSizeCommand
{
    public static int Run(SampleSizeOptions o, TextWriter stdout, TextWriter stderr, Designs.Configuration.DesignCatalog catalog)
    {
        string format = o.Format;
        Action<SampleSizeReport, Stream> writer = format switch
        {
            "table" => (r, s) => Commands.WriteText(s, w => SampleSizeTable.Write(r, w)),
            "md" or "markdown" => (r, s) => Commands.WriteText(s, w => SampleSizeMarkdown.Write(r, w)),
            "json" => SampleSizeJson.Write,
            _ => throw new CliInputException($"--format {o.Format}: expected table, md or json"),
        };
        _ = Model(o, null); // bad flag values fail before any file is read
        var inputs = RunInputs.Resolve(o, catalog);
        Commands.Warn(inputs, o, stderr);
        var file = inputs.File;
        var model = Model(o, file.Protocol);
        long trials = o.Trials ?? file.Trials;
        ResourceGuard.Trials(trials, "--trials");
        ResourceGuard.StateGraph(inputs.Design, o.MaxStates, "--max-states");
        var simulation = new MonteCarloOptions { Trials = trials, Seed = o.Seed ?? file.Seed, Threads = o.Threads };
        var analysis = SampleSize.Analyze(inputs.Design, file.Scenarios, file.Target, model, simulation, o.MaxStates, file.CorrectSelection);
        var report = new SampleSizeReport { Trial = file.Trial, Source = file.Path, Doses = file.Doses, Analysis = analysis, Setups = inputs.Designs };
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
