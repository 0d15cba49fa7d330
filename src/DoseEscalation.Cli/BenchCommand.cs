using System.Diagnostics;
using DoseEscalation.Engines;
using DoseEscalation.Reporting;

namespace DoseEscalation.Cli;

/// <summary>Trials/second of the 3+3 Monte Carlo engine for the standard scenario, on 1 thread and on all cores.</summary>
public static class BenchCommand
{
    public static int Run(BenchOptions o, TextWriter stdout)
    {
        if (o.Trials < 1) throw new CliInputException($"--trials {o.Trials}: must be at least 1");
        var dlt = RunInputs.ParseProbabilities(o.Dlt, "--dlt");
        var method = o.Method switch
        {
            "graph" => SimulationMethod.CompiledGraph,
            "loop" => SimulationMethod.TrialLoop,
            _ => throw new CliInputException($"--method {o.Method}: expected graph or loop"),
        };
        var design = Design.ThreePlusThree(dlt.Count, deescalate: false, expandTopDose: false);
        var scenario = new Scenario("bench", dlt);
        stdout.WriteLine($"3+3 escalation-only, {dlt.Count} doses, DLT {o.Dlt}; {o.Trials:N0} trials; method {o.Method}");
        stdout.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}");
        // Warm-up so tiered compilation reaches the optimised loop before timing.
        MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = Math.Min(o.Trials, 5_000_000), Seed = 1, Threads = 1, Method = method });
        var threadCounts = new[] { 1, Environment.ProcessorCount }.Distinct();
        double single = 0;
        foreach (int threads in threadCounts)
        {
            var sw = Stopwatch.StartNew();
            var oc = MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = o.Trials, Seed = 2, Threads = threads, Method = method });
            double rate = o.Trials / sw.Elapsed.TotalSeconds;
            if (threads == 1) single = rate;
            stdout.WriteLine($"  {threads} thread{(threads > 1 ? "s" : " ")}: {rate / 1e6,8:F1} M trials/s" +
                (threads > 1 ? $"  ({rate / single:F2}x one thread)" : "") +
                $"   P(select) = {string.Join(" ", oc.Selection.Select(s => Formatting.Round(s.Value, 4)))}");
        }
        return Cli.Ok;
    }
}
