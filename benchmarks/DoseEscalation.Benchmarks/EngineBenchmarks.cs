using BenchmarkDotNet.Attributes;
using DoseEscalation.Engines;

namespace DoseEscalation.Benchmarks;

/// <summary>The Monte Carlo engine end to end (graph build, batches, merge) at 1 and at all threads.</summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const long Trials = 8_000_000;
    private readonly IDesign _design = Design.ThreePlusThree(3, deescalate: false, expandTopDose: false);
    private readonly Scenario _scenario = new("bench", [0.10, 0.25, 0.40]);

    [Benchmark(Baseline = true, OperationsPerInvoke = (int)Trials)]
    public double MonteCarlo_one_thread() =>
        MonteCarloEngine.Run(_design, _scenario, 0.3, new MonteCarloOptions { Trials = Trials, Seed = 1, Threads = 1 }).MeanN.Value;

    [Benchmark(OperationsPerInvoke = (int)Trials)]
    public double MonteCarlo_all_threads() =>
        MonteCarloEngine.Run(_design, _scenario, 0.3, new MonteCarloOptions { Trials = Trials, Seed = 1, Threads = 0 }).MeanN.Value;
}

/// <summary>The exact engine: level by level without a stored graph (cold), the graph build alone, and the flow over a built graph.</summary>
[MemoryDiagnoser]
public class ExactBenchmarks
{
    private readonly Scenario _three = new("three", [0.05, 0.10, 0.20]);
    private readonly Scenario _ten = new("ten", Enumerable.Range(1, 10).Select(i => i * 0.06).ToArray());

    [Benchmark(Baseline = true)]
    public double Exact_3_doses() => ExactEngine.Run(Design.ThreePlusThree(3), _three, 0.3).MeanN.Value;

    [Benchmark]
    public double Exact_10_doses() => ExactEngine.Run(Design.ThreePlusThree(10), _ten, 0.3).MeanN.Value;

    private StateGraph _tenGraph = null!;

    [GlobalSetup]
    public void Setup() => _tenGraph = StateGraph.Build(Design.ThreePlusThree(10));

    /// <summary>The state-graph build alone (the part a cached graph skips).</summary>
    [Benchmark]
    public int Graph_build_10_doses() => StateGraph.Build(Design.ThreePlusThree(10)).NodeCount;

    /// <summary>The probability flow and result over a built graph (every further scenario of a run).</summary>
    [Benchmark]
    public double Exact_10_doses_graph_cached() => ExactEngine.Run(_tenGraph, _ten, 0.3).MeanN.Value;
}
