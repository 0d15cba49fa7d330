using BenchmarkDotNet.Attributes;
using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;

namespace DoseEscalation.Benchmarks;

/// <summary>
/// TITE-CRM's posterior with patients pending, on dfcrm's titesim example (6 doses, target 0.2,
/// 24 patients): the CRM's Gauss-Legendre rule (the baseline, and the kernel's fallback) against
/// the trapezoid-grid kernel on a mid-trial state (11 completed patients, 4 pending), and whole
/// calendar trials (start at dose 3, 4 arrivals per DLT window, Poisson).
/// </summary>
[MemoryDiagnoser]
public class TiteCrmBenchmarks
{
    private const int Trials = 2_000;
    private static readonly double[] Skeleton = [0.05, 0.10, 0.20, 0.35, 0.50, 0.70];
    private readonly Crm _crm = new(Skeleton, 0.2, CrmModel.Empiric, 1, 24, 2);
    private TiteCrmPosterior _kernel = null!;
    private TiteCrm _design = null!;
    private readonly int[] _patients = [0, 3, 5, 3, 0, 0], _dlts = [0, 0, 1, 1, 0, 0], _pendingLevels = [2, 2, 3, 3];
    private readonly double[] _weights = [0.2, 0.5, 0.7, 0.9];
    private readonly Scenario _t1 = new("T1", [0.10, 0.20, 0.40, 0.50, 0.60, 0.65]);
    private readonly Timeline _timeline = new() { Accrual = AccrualKind.Poisson, RatePerMonth = 4, DltWindowDays = 365.25 / 12 };

    [GlobalSetup]
    public void Setup()
    {
        _kernel = new TiteCrmPosterior(_crm);
        _design = new TiteCrm(_crm);
    }

    [Benchmark(Baseline = true)]
    public double Posterior_gauss_legendre() => _crm.Posterior(_patients, _dlts, _pendingLevels, _weights).BetaMean;

    [Benchmark]
    public double Posterior_trapezoid_kernel() => _kernel.TryBetaMean(_patients, _dlts, _pendingLevels, _weights, out double mean) ? mean : double.NaN;

    [Benchmark(OperationsPerInvoke = Trials)]
    public double Calendar_titesim_example_trial() =>
        CalendarEngine.Run(_design, _t1, 0.2, _timeline, new MonteCarloOptions { Trials = Trials, Seed = 1, Threads = 1 }).Oc.MeanN.Value;
}
