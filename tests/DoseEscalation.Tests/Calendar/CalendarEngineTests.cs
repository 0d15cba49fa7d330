using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Tests.Designs;

namespace DoseEscalation.Tests.Calendar;

public class CalendarEngineTests
{
    private static readonly Scenario Three = new("s", [0.10, 0.25, 0.45]);
    private static readonly MonteCarloOptions Options = new() { Trials = 20_000, Seed = 7, BatchSize = 4_096, Method = SimulationMethod.TrialLoop };

    public static TheoryData<string> Designs() => new("3+3", "boin", "crm", "keyboard");

    private static IDesign Make(string name) => name == "3+3" ? Design.ThreePlusThree(3) : Build.Shared(name, 3, 0.3, 3, 18);

    private static void SameOcs(OperatingCharacteristics a, OperatingCharacteristics b)
    {
        Assert.Equal(a.Selection, b.Selection);
        Assert.Equal(a.MeanPatients, b.MeanPatients);
        Assert.Equal(a.MeanDlts, b.MeanDlts);
        Assert.Equal(a.NDistribution, b.NDistribution);
        Assert.Equal(a.DltTotalDistribution, b.DltTotalDistribution);
        Assert.Equal(a.AnyPatientAboveMtd, b.AnyPatientAboveMtd);
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void With_every_duration_zero_the_OCs_are_the_trial_loops_bit_for_bit(string name)
    {
        var design = Make(name);
        var loop = MonteCarloEngine.RunTrialLoop(design, Three, 0.3, Options);
        var cal = CalendarEngine.Run(design, Three, 0.3, Timeline.Instant, Options);
        SameOcs(loop, cal.Oc);
        Assert.Equal(0, cal.Duration.Mean);
        Assert.Equal(0, cal.Duration.P90);
        Assert.Equal(0, cal.MeanLost);
        Assert.Equal(loop.MeanN.Value, cal.MeanEnrolled, 12);
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void A_cohort_designs_OCs_do_not_depend_on_the_timeline(string name)
    {
        // Times come from their own streams, so without non-evaluable patients the DLT draws are the trial loop's.
        var design = Make(name);
        var timeline = new Timeline
        {
            Accrual = AccrualKind.Poisson, RatePerMonth = 2, ScreeningFailure = 0.2, InfusionDelayDays = 14, DltWindowDays = 28,
            SentinelDays = 7, MaxWaitDays = 20, MaxWaiting = 2, ResponseDays = 56,
        };
        var cal = CalendarEngine.Run(design, Three, 0.3, timeline, Options);
        SameOcs(MonteCarloEngine.RunTrialLoop(design, Three, 0.3, Options), cal.Oc);
        Assert.True(cal.Duration.Mean > cal.TimeToDecision.Mean - 1e-9);
        Assert.True(cal.MeanLost > 0);
        Assert.True(cal.MeanWaitDays is > 0 and <= 20);
    }

    [Fact]
    public void Same_seed_gives_identical_results_on_one_and_two_threads()
    {
        var timeline = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 3, DltWindowDays = 28, MaxWaiting = 3, NonEvaluableRate = 0.1 };
        var o = Options with { Trials = 30_001 };
        var one = CalendarEngine.Run(Design.ThreePlusThree(3), Three, 0.3, timeline, o with { Threads = 1 });
        var two = CalendarEngine.Run(Design.ThreePlusThree(3), Three, 0.3, timeline, o with { Threads = 2 });
        SameOcs(one.Oc, two.Oc);
        Assert.Equal(one.Duration.Mean, two.Duration.Mean);
        Assert.Equal(one.Duration.Sd, two.Duration.Sd);
        Assert.Equal(one.Duration.DayCounts, two.Duration.DayCounts);
        Assert.Equal(one.MeanLost, two.MeanLost);
        Assert.Equal(one.MeanWaitDays, two.MeanWaitDays);
    }

    /// <summary>
    /// Fixed accrual every I days and a fixed window W: a 3+3 path with m cohorts of 3 takes
    /// T_m, where T_0 = 0 and T_k = max(T_(k-1), 3kI) + W (the cohort opens at T_(k-1); its last
    /// patient is patient 3k, arriving on day 3kI). So P(duration = T_m) = P(N = 3m) from the exact engine.
    /// </summary>
    [Theory]
    [InlineData(10, 28)]
    [InlineData(15, 21)]
    public void Fixed_accrual_and_window_give_the_exact_duration_distribution_of_the_3plus3(double interval, double window)
    {
        var design = Design.ThreePlusThree(3);
        var exact = ExactEngine.Run(design, Three, 0.3);
        var exactDays = new Dictionary<int, double>();
        double t = 0, mean = 0;
        for (int m = 1; 3 * m < exact.NDistribution.Length; m++)
        {
            t = Math.Max(t, 3 * m * interval) + window;
            double p = exact.NDistribution[3 * m];
            if (p > 0) { exactDays[(int)t] = p; mean += p * t; }
        }
        var options = Options with { Trials = 40_000 };
        var cal = CalendarEngine.Run(design, Three, 0.3, new Timeline { IntervalDays = interval, DltWindowDays = window }, options);
        double se = cal.Duration.StandardError(options.Trials);
        Assert.InRange(cal.Duration.Mean, mean - 4 * se, mean + 4 * se);
        long n = options.Trials;
        for (int d = 0; d < cal.Duration.DayCounts.Count; d++)
        {
            double p = exactDays.GetValueOrDefault(d), observed = (double)cal.Duration.DayCounts[d] / n;
            double binSe = Math.Sqrt(Math.Max(p * (1 - p), 1e-12) / n);
            Assert.True(Math.Abs(observed - p) <= 4 * binSe + 1e-12, $"day {d}: P = {p}, observed {observed}");
        }
        Assert.Equal(0, cal.Duration.DayCounts.Where((_, d) => !exactDays.ContainsKey(d)).Sum());
    }

    public static TheoryData<string> Slower() => new("window", "accrual", "infusion", "sentinel");

    [Theory]
    [MemberData(nameof(Slower))]
    public void Duration_never_decreases_when_the_window_lengthens_or_accrual_slows(string what)
    {
        foreach (string name in new[] { "3+3", "boin" })
        {
            var design = Make(name);
            var fast = new Timeline
            {
                Accrual = AccrualKind.Poisson, RatePerMonth = 3, ScreeningFailure = 0.2, InfusionDelayDays = 10, DltWindowDays = 21,
                SentinelDays = 3, NonEvaluableRate = 0.15, ResponseDays = 30,
            };
            var slow = what switch
            {
                "window" => fast with { DltWindowDays = 35 },
                "accrual" => fast with { RatePerMonth = 1.5 },
                "infusion" => fast with { InfusionDelayDays = 25 },
                _ => fast with { SentinelDays = 10 },
            };
            for (int trial = 0; trial < 300; trial++)
            {
                var a = CalendarEngine.RunOne(design, Three, fast, 11, trial);
                var b = CalendarEngine.RunOne(design, Three, slow, 11, trial);
                Assert.Equal(a.Selected, b.Selected); // common random numbers: the same trial
                Assert.True(b.Duration >= a.Duration - 1e-9, $"{name} trial {trial}: {b.Duration} < {a.Duration}");
                Assert.True(b.Decision >= a.Decision - 1e-9, $"{name} trial {trial}: decision {b.Decision} < {a.Decision}");
            }
        }
    }

    // BOIN12 reads responses, which this scenario lacks; it runs on a busy calendar in Efficacy/Boin12CalendarTests.
    public static TheoryData<string> Catalog() => new(DoseEscalation.Designs.Configuration.DesignCatalog.Default.Names.Where(n => n != "boin12"));

    [Fact]
    public void A_response_reading_design_needs_response_probabilities_on_the_calendar()
    {
        var design = Build.Design("boin12", 3, 0.3);
        var timeline = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 4, DltWindowDays = 28 };
        var ex = Assert.Throws<ArgumentException>(() => CalendarEngine.Run(design, Three, 0.3, timeline, Options with { Trials = 10 }));
        Assert.Contains("scenario 's' needs response probabilities", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Catalog))]
    public void Every_design_in_the_catalog_runs_on_a_busy_calendar(string name)
    {
        var design = Build.Design(name, 3, 0.3);
        var timeline = new Timeline
        {
            Accrual = AccrualKind.Poisson, RatePerMonth = 4, ScreeningFailure = 0.2, InfusionDelayDays = 10, DltWindowDays = 28, DltTimeShape = 0.5,
            MaxWaitDays = 15, MaxWaiting = 2, NonEvaluableRate = 0.2, NonEvaluableDays = 7, ResponseDays = 56,
        };
        // Responses for the backfill designs, which open a dose once one is seen there.
        var r = CalendarEngine.Run(design, Three with { Response = [0.2, 0.3, 0.4] }, 0.3, timeline, Options with { Trials = 3_000 });
        Assert.Equal(1.0, r.Oc.Selection.Sum(e => e.Value), 9);
        Assert.Equal(r.Oc.MeanN.Value + r.MeanNonEvaluable, r.MeanEnrolled, 9); // every enrolled patient is evaluable or replaced
        Assert.True(r.Duration.Mean >= r.TimeToDecision.Mean);
        Assert.True(r.TimeToDecision.P10 <= r.TimeToDecision.Median && r.TimeToDecision.Median <= r.TimeToDecision.P90);
        Assert.True(r.MeanLost > 0);
        Assert.InRange(r.MeanWaitDays, 0, 15);
    }

    private sealed class Broken(Decision decision) : IDesign
    {
        public string Name => "broken";
        public int DoseCount => 3;
        public int MaxCohortSize => 3;
        public int MaxPatients => 9;
        public bool ReadsLastCohort => false;
        public Decision Decide(in TrialState state) => decision;
        public string Describe() => "broken";
    }

    [Theory]
    [InlineData(DecisionKind.Treat, 3, 3, "level 3, outside 0..2")]
    [InlineData(DecisionKind.Treat, -1, 3, "level -1, outside 0..2")]
    [InlineData(DecisionKind.Treat, 0, 4, "cohort size 4 outside 1..3")]
    [InlineData(DecisionKind.Treat, 0, 0, "cohort size 0 outside 1..3")]
    [InlineData(DecisionKind.Stop, 3, 0, "selected level 3 out of range")]
    public void An_invalid_decision_is_a_contract_error_naming_the_design(DecisionKind kind, int level, int size, string expected)
    {
        var ex = Assert.Throws<DesignContractException>(() => CalendarEngine.Run(new Broken(new Decision(kind, level, size)), Three, 0.3,
            new Timeline { IntervalDays = 5, DltWindowDays = 28 }, Options with { Trials = 10, Threads = 1 }));
        Assert.StartsWith("broken: ", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("3+3")]
    [InlineData("bf-boin")] // backfill: its waiting list, pending patients and response reads
    [InlineData("crm")] // its posterior cache: allocated at the first decision, grown (if at all) while warming up
    public void A_trial_allocates_nothing(string name)
    {
        var design = Build.Design(name, 3, 0.3);
        var thresholds = Three.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        var timeline = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 2, DltWindowDays = 28, NonEvaluableRate = 0.1, MaxWaiting = 5 };
        var worker = new PerPatientSimulator(design, thresholds, timeline);
        var tally = new CalendarTally(3, design.MaxPatients, 1);
        var responses = ResponseThresholds.For(Three with { Response = [0.2, 0.3, 0.4] });
        // Warm up (let the waiting list reach its size, and the JIT finish with the loop), then count.
        for (int b = 0; b < 3; b++) worker.RunBatch(1, b, 2_000, tally, responses);
        long before = GC.GetAllocatedBytesForCurrentThread();
        worker.RunBatch(1, 3, 2_000, tally, responses);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void A_waiting_list_past_its_first_size_keeps_arrival_order()
    {
        // One arrival a day and a 97-day window: at each cohort's start about 97 wait (the list
        // starts with room for 64 and doubles), and with no DLT every trial is the same, so the
        // waits are exact: cohort 0 takes days 1-3 and ends on day 100; cohort j >= 1 starts on
        // day 3 + 97 j and takes the arrivals of days 3j+1..3j+3, first come first served.
        var timeline = new Timeline { Accrual = AccrualKind.FixedInterval, IntervalDays = 1, DltWindowDays = 97, MaxWaitDays = 3000 };
        var cal = CalendarEngine.Run(Design.ThreePlusThree(3), new Scenario("safe", [0.0, 0.0, 0.0]), 0.3, timeline, Options with { Trials = 2_000 });
        int k = (int)Math.Round(cal.MeanEnrolled / 3);
        Assert.True(k >= 3, $"{k} cohorts");
        Assert.Equal(3.0 * k, cal.MeanEnrolled);
        Assert.Equal(3 + 97.0 * k, cal.Duration.Mean);
        Assert.Equal(3.0 * (k - 1), cal.MeanWaited);
        Assert.Equal(0, cal.MeanLost);
        double waitDays = 0;
        for (int j = 1; j < k; j++)
            for (int i = 1; i <= 3; i++) waitDays += 3 + 97 * j - (3 * j + i);
        Assert.Equal(waitDays / (3 * k), cal.MeanWaitDays, 12);
    }
}
