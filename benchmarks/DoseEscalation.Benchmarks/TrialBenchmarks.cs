using BenchmarkDotNet.Attributes;
using DoseEscalation.Engines;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Benchmarks;

/// <summary>
/// One batch of 3+3 trials on one thread (3 doses, p = 0.10/0.25/0.40, escalation only), per trial:
/// the per-patient engine with nothing taking time (baseline), and the compiled state-graph walk on each SIMD path (the
/// accelerated ones; a path the CPU lacks runs emulated and is not meaningful).
/// </summary>
[MemoryDiagnoser]
public class TrialBenchmarks
{
    private const int Trials = 1 << 18;
    private IDesign _design = null!;
    private ulong[] _thresholds = null!;
    private CompiledWalk _walk = null!;
    private WalkCounters _counters = null!;
    private DoseEscalation.Engines.PerPatientSimulator _worker = null!;
    private DoseEscalation.Engines.Calendar.CalendarTally _tally = null!;
    private long _batch;

    [GlobalSetup]
    public void Setup()
    {
        _design = Design.ThreePlusThree(3, deescalate: false, expandTopDose: false);
        var scenario = new Scenario("bench", [0.10, 0.25, 0.40]);
        _thresholds = scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        var graph = StateGraph.Build(_design);
        _walk = new CompiledWalk(graph, scenario);
        _counters = _walk.CreateCounters();
        _worker = new DoseEscalation.Engines.PerPatientSimulator(_design, _thresholds, DoseEscalation.Engines.Calendar.Timeline.Instant);
        _tally = new DoseEscalation.Engines.Calendar.CalendarTally(3, _design.MaxPatients, 1);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Trials)]
    public long TrialLoop()
    {
        // The per-patient engine with nothing taking time (what `--method loop` runs).
        _worker.RunBatch(1, _batch++, Trials, _tally);
        return _tally.Oc.Weight;
    }

    [Params(SimdPath.Scalar, SimdPath.Vector128, SimdPath.Vector256, SimdPath.Vector512)]
    public SimdPath Path { get; set; }

    /// <summary>One batch on <see cref="Path"/> (two batches at once where the path pairs them).</summary>
    [Benchmark(OperationsPerInvoke = Trials)]
    public long Walk()
    {
        long batch = _batch;
        _batch += 2;
        _walk.RunBatchPair(1, batch, Trials / 2, batch + 1, Trials / 2, _counters, Path);
        return _counters.Tail[0];
    }
}

/// <summary>
/// Per design: the whole engine on one thread (compiled graph where it fits), 5 doses, cohorts of 3,
/// max N 30. The state graph is cached per design, so its build is outside the measurement.
/// </summary>
[MemoryDiagnoser]
public class DesignBenchmarks
{
    private const long Trials = 2_000_000;

    [Params("3+3", "a+b", "boin", "mtpi2", "keyboard", "i3+3", "crm")]
    public string DesignName { get; set; } = "3+3";

    private IDesign _design = null!;
    private Scenario _scenario = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scenario = new Scenario("five", [0.05, 0.10, 0.20, 0.30, 0.45]);
        var descriptor = DoseEscalation.Designs.Configuration.DesignCatalog.Default.Get(DesignName);
        _design = descriptor.Create(new DoseEscalation.Designs.Configuration.DesignContext(5, 0.3), DoseEscalation.Designs.Configuration.OptionValues.Empty).Design;
        StateGraph.For(_design); // build and cache outside the measurement
    }

    [Benchmark(OperationsPerInvoke = (int)Trials)]
    public double MonteCarlo_one_thread() =>
        MonteCarloEngine.Run(_design, _scenario, 0.3, new MonteCarloOptions { Trials = Trials, Seed = 1, Threads = 1 }).MeanN.Value;
}
