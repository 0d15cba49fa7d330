using System.Diagnostics;
using DoseEscalation.Engines;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;
namespace DoseEscalation.Application;

/// <summary>What the throughput measurement runs: the standard 3+3 scenario, the method, and whether every design is measured too.</summary>
public sealed record ThroughputRequest
{
    /// <summary>Trials per measurement.</summary>
    public long Trials { get; init; } = 200_000_000L;
    /// <summary>True DLT probabilities of the standard scenario.</summary>
    public IReadOnlyList<double> Dlt { get; init; } = [0.10, 0.25, 0.40];
    /// <summary>The probabilities as the user wrote them, for the heading.</summary>
    public string DltText { get; init; } = "0.10,0.25,0.40";
    public SimulationMethod Method { get; init; } = SimulationMethod.CompiledGraph;
    /// <summary>Also measure every catalog design on 3 and 5 doses.</summary>
    public bool Designs { get; init; }
}

/// <summary>
/// Trials/second of the Monte Carlo engine on this machine: the standard 3+3 scenario on 1 thread
/// and on all cores, each SIMD path, the calendar engine, then (optionally) every design on 1 thread.
/// </summary>
public static class Throughput
{

    public static void Run(ThroughputRequest o, TextWriter stdout, Designs.Configuration.DesignCatalog? catalog = null)
    {
        catalog ??= Designs.Configuration.DesignCatalog.Default;
        ResourceGuard.Trials(o.Trials, "--trials");
        var dlt = o.Dlt;
        var method = o.Method;
        string methodName = method switch { SimulationMethod.CompiledGraph => "graph", SimulationMethod.TrialLoop => "loop", _ => "auto" };
        stdout.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
            $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, " +
            $"AVX2 {(System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "yes" : "no")}");
        stdout.WriteLine($"SIMD path: {SimdPaths.Describe(SimdPaths.Best)} (accelerated here: {string.Join(", ", SimdPaths.Accelerated.Select(SimdPaths.Describe))})");
        var design = Design.ThreePlusThree(dlt.Count, deescalate: false, expandTopDose: false);
        var scenario = new Scenario("bench", [.. dlt]);
        stdout.WriteLine($"3+3 escalation-only, DLT {o.DltText}, {o.Trials:N0} trials, method {methodName}, best of 3 runs:");
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
        if (o.Designs) PerDesign(o, stdout, catalog, method);
    }

    /// <summary>
    /// Every design on 3 doses (max N 18) and 5 doses (max N 30), cohorts of 3 where the design has
    /// them, 1 thread: the compiled state graph (where it fits), the per-patient engine with nothing
    /// taking time (the trial loop) and on a calendar.
    /// </summary>
    private static void PerDesign(ThroughputRequest o, TextWriter stdout, Designs.Configuration.DesignCatalog catalog, SimulationMethod method)
    {
        var timeline = new Engines.Calendar.Timeline
        {
            Accrual = Engines.Calendar.AccrualKind.Poisson, RatePerMonth = 3, ScreeningFailure = 0.2, InfusionDelayDays = 7,
            DltWindowDays = 28, MaxWaiting = 3, NonEvaluableRate = 0.1,
        };
        // Each measurement runs about half a second (from a first, short run's rate), capped by --trials.
        stdout.WriteLine("Each design, 1 thread, trials/s (best of 3 runs of about 0.5 s each): the compiled graph, the per-patient engine with nothing taking time, and on the calendar above:");
        var table = new TextTable("design", "doses", "max N", "compiled graph", "per-patient", "calendar");
        foreach (var (doses, maxN, dlt) in new[] { (3, 18, new[] { 0.10, 0.25, 0.40 }), (5, 30, new[] { 0.05, 0.10, 0.20, 0.30, 0.45 }) })
        {
            var toxicity = new Scenario($"{doses} doses", dlt);
            // Response probabilities only for the designs that read them or open backfill doses on them.
            var withResponse = toxicity with { Response = dlt.Select(p => Math.Min(0.9, 0.1 + p)).ToArray() };
            foreach (var descriptor in catalog.Designs)
            {
                var values = descriptor.AllOptions.Any(op => op.Key == "max_n")
                    ? Designs.Configuration.OptionValues.Empty.With("max_n", maxN) : Designs.Configuration.OptionValues.Empty;
                var d = descriptor.Create(new Designs.Configuration.DesignContext(doses, 0.3), values).Design;
                var scenario = d.ReadsResponses || d.TryGet<Designs.IBackfillDesign>() is not null ? withResponse : toxicity;
                MonteCarloOptions Mc(long n, SimulationMethod m) => new() { Trials = n, Seed = 2, Threads = 1, Method = m };
                string graph = method != SimulationMethod.TrialLoop && Fits(d) ? Rate(Timed(n => MonteCarloEngine.Run(d, scenario, 0.3, Mc(n, SimulationMethod.CompiledGraph)), o.Trials)) : "n/a";
                string loop = Rate(Timed(n => MonteCarloEngine.Run(d, scenario, 0.3, Mc(n, SimulationMethod.TrialLoop)), o.Trials));
                string calendar = Rate(Timed(n => Engines.Calendar.CalendarEngine.Run(d, scenario, 0.3, timeline, Mc(n, SimulationMethod.TrialLoop)), o.Trials));
                table.Add(descriptor.Name, doses.ToString(System.Globalization.CultureInfo.InvariantCulture), d.MaxPatients.ToString(System.Globalization.CultureInfo.InvariantCulture), graph, loop, calendar);
            }
        }
        table.Write(stdout);
    }

    private static string Rate(double trialsPerSecond) => trialsPerSecond >= 1e6
        ? (trialsPerSecond / 1e6).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " M"
        : (trialsPerSecond / 1e3).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " k";

    /// <summary>
    /// Trials/second, best of three timed runs: a first run of 2,000 trials (also the warm-up) sets
    /// the trial count to about half a second's worth, at most <paramref name="maxTrials"/>.
    /// </summary>
    private static double Timed(Action<long> run, long maxTrials)
    {
        long n = Math.Min(2_000, maxTrials);
        var sw = Stopwatch.StartNew();
        run(n);
        n = Math.Clamp((long)(n / sw.Elapsed.TotalSeconds * 0.5), n, maxTrials);
        run(Math.Min(n, 100_000)); // tiered compilation reaches the optimised loop
        double best = 0;
        for (int rep = 0; rep < 3; rep++)
        {
            sw.Restart();
            run(n);
            best = Math.Max(best, n / sw.Elapsed.TotalSeconds);
        }
        return best;
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
