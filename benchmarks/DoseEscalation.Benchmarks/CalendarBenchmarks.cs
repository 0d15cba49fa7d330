using BenchmarkDotNet.Attributes;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;

namespace DoseEscalation.Benchmarks;

/// <summary>
/// One batch of calendar-engine trials on one thread, per trial, on `bench`'s calendar: 5 doses
/// (p = 0.05/0.10/0.20/0.30/0.45), Poisson accrual of 3 a month, 20% screening failure, 7 days to
/// infusion, a 28-day window, at most 3 waiting, 10% non-evaluable. 3+3 (a cohort design: each
/// cohort waits for its window) and the rolling six (a design that reads pending patients: asked at
/// every arrival and outcome). The allocation column must read 0 B: a trial allocates nothing.
/// </summary>
[MemoryDiagnoser]
public class CalendarBenchmarks
{
    private const int Trials = 1 << 16;
    private static readonly Timeline Calendar = new()
    {
        Accrual = AccrualKind.Poisson, RatePerMonth = 3, ScreeningFailure = 0.2, InfusionDelayDays = 7,
        DltWindowDays = 28, MaxWaiting = 3, NonEvaluableRate = 0.1,
    };

    [Params("3+3", "rolling-six")]
    public string DesignName { get; set; } = "3+3";

    private PerPatientSimulator _worker = null!;
    private CalendarTally _tally = null!;
    private long _batch;

    [GlobalSetup]
    public void Setup()
    {
        var scenario = new Scenario("five", [0.05, 0.10, 0.20, 0.30, 0.45]);
        var descriptor = DoseEscalation.Designs.Configuration.DesignCatalog.Default.Get(DesignName);
        var design = descriptor.Create(new DoseEscalation.Designs.Configuration.DesignContext(5, 0.3), DoseEscalation.Designs.Configuration.OptionValues.Empty).Design;
        _worker = new PerPatientSimulator(design, scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray(), Calendar);
        _tally = new CalendarTally(5, design.MaxPatients, scenario.TrueMtdLevel(0.3));
        _worker.RunBatch(1, _batch++, Trials, _tally); // the waiting list reaches its size outside the measurement
    }

    [Benchmark(OperationsPerInvoke = Trials)]
    public long CalendarTrials()
    {
        _worker.RunBatch(1, _batch++, Trials, _tally);
        return _tally.Oc.Weight;
    }
}
