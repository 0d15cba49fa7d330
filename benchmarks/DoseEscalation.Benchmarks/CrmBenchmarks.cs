using BenchmarkDotNet.Attributes;
using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;

namespace DoseEscalation.Benchmarks;

/// <summary>
/// The CRM on the per-patient engine with nothing taking time (what <c>--method loop</c> and the
/// "per-patient" column of <c>bench --designs</c> run), 1 thread, per trial: the catalog's CRM
/// (calibrated skeleton, cohorts of 3) on 3 doses (max N 18) and 5 doses (max N 30), with the
/// posterior cache warm (<see cref="CrmPosteriorCache"/>). Beside it, one decision from the cache
/// and one posterior by quadrature (what a cache miss costs). 0 B allocated per trial.
/// </summary>
[MemoryDiagnoser]
public class CrmBenchmarks
{
    private const int Trials = 1 << 16;

    [Params(3, 5)]
    public int Doses { get; set; }

    private Crm _crm = null!;
    private PerPatientSimulator _worker = null!;
    private CalendarTally _tally = null!;
    private int[] _patients = null!, _dlts = null!;
    private long _batch;

    [GlobalSetup]
    public void Setup()
    {
        var (maxN, dlt) = Doses == 3 ? (18, new[] { 0.10, 0.25, 0.40 }) : (30, new[] { 0.05, 0.10, 0.20, 0.30, 0.45 });
        var values = DoseEscalation.Designs.Configuration.OptionValues.Empty.With("max_n", maxN);
        _crm = (Crm)DoseEscalation.Designs.Configuration.DesignCatalog.Default.Get("crm")
            .Create(new DoseEscalation.Designs.Configuration.DesignContext(Doses, 0.3), values).Design;
        var thresholds = dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        _worker = new PerPatientSimulator(_crm, thresholds, Timeline.Instant);
        _tally = new CalendarTally(Doses, _crm.MaxPatients, 1);
        _worker.RunBatch(1, _batch++, Trials, _tally); // fill the cache with the states these trials reach
        (_patients, _dlts) = Doses == 3 ? (new[] { 3, 6, 3 }, new[] { 0, 1, 1 }) : (new[] { 3, 6, 6, 3, 0 }, new[] { 0, 1, 2, 1, 0 });
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Trials)]
    public long PerPatientTrial()
    {
        _worker.RunBatch(1, _batch++, Trials, _tally);
        return _tally.Oc.Weight;
    }

    /// <summary>One decision at a state the cache holds.</summary>
    [Benchmark]
    public Decision CachedDecision() => _crm.Decide(new TrialState(_patients, _dlts, 2, 1, _patients.Sum()));

    /// <summary>One posterior by quadrature, as on a cache miss.</summary>
    [Benchmark]
    public double UncachedPosterior() => _crm.Uncached(_patients, _dlts).BetaMean;
}
