using DoseEscalation.Application;

namespace DoseEscalation.Cli;

/// <summary>The bench verb: the library's throughput measurement, then (with --vs-c) this program against the reference C program.</summary>
internal static class BenchCommand
{
    public static int Run(long trials, string dlt, string method, bool designs, string? versusC, long? cTrials, int? pairs,
        TextWriter stdout, Designs.Configuration.DesignCatalog catalog, Func<VersusC.Command> self)
    {
        ResourceGuard.Trials(trials, "--trials");
        var probabilities = RunInputs.ParseProbabilities(dlt, "--dlt");
        if (versusC is null && (cTrials is not null || pairs is not null))
            throw new InputException($"{(cTrials is not null ? "--c-trials" : "--pairs")} applies only with --vs-c PROGRAM");
        long c = cTrials ?? 1_000_000_000L;
        ResourceGuard.Trials(c, "--c-trials");
        VersusC.Check(versusC, probabilities); // before the in-process measurements, which take minutes
        var request = new ThroughputRequest
        {
            Trials = trials, Dlt = probabilities, DltText = dlt, Designs = designs,
            Method = method switch
            {
                "graph" => SimulationMethod.CompiledGraph,
                "loop" => SimulationMethod.TrialLoop,
                "auto" => SimulationMethod.Auto,
                _ => throw new InputException($"--method {method}: expected graph, loop or auto"),
            },
        };
        Throughput.Run(request, stdout, catalog);
        if (versusC is { } program) VersusC.Run(self(), program, probabilities, c, pairs ?? 7, stdout);
        return Cli.Ok;
    }
}
