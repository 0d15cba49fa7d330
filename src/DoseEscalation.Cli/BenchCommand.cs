using System.Diagnostics;
using DoseEscalation.Engines;
using DoseEscalation.Reporting;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Cli;

/// <summary>
/// Trials/second of the Monte Carlo engine on this machine: the standard 3+3 scenario on 1 thread
/// and on all cores, then every design on a 5-dose scenario on 1 thread.
/// </summary>
public static class BenchCommand
{
    public static int Run(BenchOptions o, TextWriter stdout, Designs.Configuration.DesignCatalog catalog)
    {
        ResourceGuard.Trials(o.Trials, "--trials");
        var dlt = RunInputs.ParseProbabilities(o.Dlt, "--dlt");
        var method = o.Method switch
        {
            "graph" => SimulationMethod.CompiledGraph,
            "loop" => SimulationMethod.TrialLoop,
            "auto" => SimulationMethod.Auto,
            _ => throw new CliInputException($"--method {o.Method}: expected graph, loop or auto"),
        };
        stdout.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
            $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, " +
            $"AVX2 {(System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "yes" : "no")}");
        stdout.WriteLine($"SIMD path: {SimdPaths.Describe(SimdPaths.Best)} (accelerated here: {string.Join(", ", SimdPaths.Accelerated.Select(SimdPaths.Describe))})");
        var design = Design.ThreePlusThree(dlt.Count, deescalate: false, expandTopDose: false);
        var scenario = new Scenario("bench", dlt);
        stdout.WriteLine($"3+3 escalation-only, DLT {o.Dlt}, {o.Trials:N0} trials, method {o.Method}, best of 3 runs:");
        double single = 0;
        foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            var (rate, oc) = Measure(design, scenario, o.Trials, threads, method);
            if (threads == 1) single = rate;
            stdout.WriteLine($"  {threads} thread{(threads > 1 ? "s" : " ")}: {rate / 1e6,8:F1} M trials/s" +
                (threads > 1 ? $"  ({rate / single:F2}x one thread)" : "") +
                $"   P(select) = {string.Join(" ", oc.Selection.Select(s => Formatting.Round(s.Value, 4)))}");
        }
        if (method != SimulationMethod.TrialLoop && SimdPaths.Accelerated.Count > 1)
        {
            long trials = Math.Max(1, o.Trials / 4);
            stdout.WriteLine($"Each SIMD path alone, 1 thread, {trials:N0} trials (every path gives the same numbers):");
            foreach (var path in SimdPaths.Accelerated)
            {
                var (rate, oc) = Measure(design, scenario, trials, 1, method, path);
                stdout.WriteLine($"  {SimdPaths.Describe(path),-20} {rate / 1e6,8:F1} M trials/s   P(select) = {string.Join(" ", oc.Selection.Select(s => Formatting.Round(s.Value, 4)))}");
            }
        }
        {
            // The calendar engine: every patient's arrival, infusion and window simulated (docs/calendar.md).
            var five = new Scenario("five", [0.05, 0.10, 0.20, 0.30, 0.45]);
            var timeline = new Engines.Calendar.Timeline
            {
                Accrual = Engines.Calendar.AccrualKind.Poisson, RatePerMonth = 3, ScreeningFailure = 0.2, InfusionDelayDays = 7,
                DltWindowDays = 28, MaxWaiting = 3, NonEvaluableRate = 0.1,
            };
            long trials = Math.Max(1, o.Trials / 50);
            stdout.WriteLine($"Calendar engine, 5 doses, Poisson 3/month, window 28 days, at most 3 waiting, 10% non-evaluable, 1 thread, {trials:N0} trials:");
            foreach (var d in new IDesign[] { Design.ThreePlusThree(5), new Designs.RollingSix(5) })
            {
                Engines.Calendar.CalendarEngine.Run(d, five, 0.3, timeline, new MonteCarloOptions { Trials = Math.Min(trials, 200_000), Seed = 1, Threads = 1 });
                double best = 0;
                for (int rep = 0; rep < 3; rep++)
                {
                    var sw = Stopwatch.StartNew();
                    Engines.Calendar.CalendarEngine.Run(d, five, 0.3, timeline, new MonteCarloOptions { Trials = trials, Seed = 2, Threads = 1 });
                    best = Math.Max(best, trials / sw.Elapsed.TotalSeconds);
                }
                stdout.WriteLine($"  {d.Name,-11} {best / 1e6,8:F2} M trials/s");
            }
        }
        if (o.Designs)
        {
            var five = new Scenario("five", [0.05, 0.10, 0.20, 0.30, 0.45]);
            long trials = Math.Max(1, o.Trials / 20);
            stdout.WriteLine($"Each design, 5 doses (DLT 0.05,0.10,0.20,0.30,0.45), cohorts of 3, max N 30, 1 thread, {trials:N0} trials:");
            foreach (var descriptor in catalog.Designs)
            {
                string name = descriptor.Name;
                var d = descriptor.Create(new Designs.Configuration.DesignContext(5, 0.3), Designs.Configuration.OptionValues.Empty).Design;
                bool compiled = method != SimulationMethod.TrialLoop && Fits(d);
                var (rate, _) = Measure(d, five, trials, 1, method);
                stdout.WriteLine($"  {name,-9} {rate / 1e6,8:F2} M trials/s   ({(compiled ? "compiled state graph" : "trial loop")})");
            }
        }
        return Cli.Ok;
    }

    private static bool Fits(IDesign d)
    {
        try { StateGraph.For(d, new MonteCarloOptions().MaxStates); return true; }
        catch (StateSpaceTooLargeException) { return false; }
    }

    /// <summary>Best of three timed runs after a warm-up: virtual machines' neighbours make single runs noisy.</summary>
    private static (double Rate, OperatingCharacteristics Oc) Measure(IDesign design, Scenario scenario, long trials, int threads, SimulationMethod method,
        SimdPath simd = SimdPath.Auto)
    {
        // Warm-up so tiered compilation reaches the optimised loop before timing.
        MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = Math.Min(trials, 2_000_000), Seed = 1, Threads = threads, Method = method, Simd = simd });
        double best = 0;
        OperatingCharacteristics? oc = null;
        for (int rep = 0; rep < 3; rep++)
        {
            var sw = Stopwatch.StartNew();
            oc = MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = trials, Seed = 2, Threads = threads, Method = method, Simd = simd });
            best = Math.Max(best, trials / sw.Elapsed.TotalSeconds);
        }
        return (best, oc!);
    }
}
