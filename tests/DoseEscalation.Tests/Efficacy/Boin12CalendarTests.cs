using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Tests.Designs;

namespace DoseEscalation.Tests.Efficacy;

/// <summary>
/// BOIN12 on the calendar: a cohort design that decides when every patient of the cohort has
/// completed the DLT window and had the response read (docs/calendar.md, docs/designs/boin12.md).
/// </summary>
public class Boin12CalendarTests
{
    private static readonly Scenario Three = new Scenario("s", [0.05, 0.15, 0.40]) with { Response = [0.10, 0.40, 0.50] };
    private static readonly MonteCarloOptions Options = new() { Trials = 20_000, Seed = 11, BatchSize = 4_096 };

    private static IDesign Boin12(int maxN = 18) => new DoseEscalation.Designs.Boin12(3, 0.3, 0.25, cohortSize: 3, maxN: maxN);

    // Every number of the results, efficacy and dose optimisation included, compared exactly.
    private static void SameOcs(OperatingCharacteristics a, OperatingCharacteristics b)
    {
        Assert.Equal(a.Selection, b.Selection);
        Assert.Equal(a.MeanPatients, b.MeanPatients);
        Assert.Equal(a.MeanDlts, b.MeanDlts);
        Assert.Equal(a.NDistribution, b.NDistribution);
        Assert.Equal(a.DltTotalDistribution, b.DltTotalDistribution);
        Assert.Equal(a.CorrectSelection, b.CorrectSelection);
        Assert.Equal(a.AnyPatientAboveMtd, b.AnyPatientAboveMtd);
        Assert.NotNull(a.Efficacy);
        Assert.Equal(a.Efficacy!.RespondersPerDose, b.Efficacy!.RespondersPerDose);
        Assert.Equal(a.Efficacy.TotalResponders, b.Efficacy.TotalResponders);
        Assert.Equal(a.Efficacy.RespondersAtSelected, b.Efficacy.RespondersAtSelected);
        Assert.Equal(a.Efficacy.AtLeastResponsesAtSelected, b.Efficacy.AtLeastResponsesAtSelected);
        Assert.NotNull(a.DoseOptimisation);
        Assert.Equal(a.DoseOptimisation!.SelectObd, b.DoseOptimisation!.SelectObd);
        Assert.Equal(a.DoseOptimisation.UtilityOfSelected, b.DoseOptimisation.UtilityOfSelected);
    }

    [Fact]
    public void With_an_instant_timeline_the_calendar_gives_the_Monte_Carlo_results_bit_for_bit()
    {
        var mc = MonteCarloEngine.Run(Boin12(), Three, 0.3, Options);
        var cal = CalendarEngine.Run(Boin12(), Three, 0.3, Timeline.Instant, Options);
        SameOcs(mc, cal.Oc);
        Assert.Equal("monte-carlo (calendar)", cal.Oc.Engine);
        Assert.Equal(0, cal.Duration.Mean);
        Assert.Equal(mc.MeanN.Value, cal.MeanEnrolled, 12);
    }

    [Fact]
    public void Its_results_do_not_depend_on_the_timeline_only_its_times_do()
    {
        // Outcomes come from the batch stream one per evaluable patient, times from the trial's own streams;
        // non-evaluable patients and lost arrivals change when, not what.
        var busy = new Timeline
        {
            Accrual = AccrualKind.Poisson, RatePerMonth = 3, ScreeningFailure = 0.2, InfusionDelayDays = 10, DltWindowDays = 28, SentinelDays = 3,
            MaxWaitDays = 20, MaxWaiting = 2, NonEvaluableRate = 0.15, NonEvaluableDays = 7, ResponseDays = 56,
        };
        var cal = CalendarEngine.Run(Boin12(), Three, 0.3, busy, Options);
        SameOcs(MonteCarloEngine.Run(Boin12(), Three, 0.3, Options), cal.Oc);
        Assert.True(cal.MeanNonEvaluable > 0);
        Assert.True(cal.MeanLost > 0);
        // A cohort of 3 decides no earlier than its last patient's day-56 response: 6 cohorts take at least 6 x 56 days.
        Assert.True(cal.TimeToDecision.Mean > 6 * 56, $"{cal.TimeToDecision.Mean}");
        Assert.Equal(cal.Duration.Mean, cal.TimeToDecision.Mean); // the last response is read before the final decision
    }

    [Fact]
    public void On_a_fixed_interval_each_cohort_waits_for_its_last_response_hand_worked()
    {
        // One arrival every 10 days (day 10, 20, ...), DLT window 28, response read on day 56, two cohorts of 3.
        // Cohort 1 is enrolled on days 10, 20, 30 and its last response is read on day 30 + 56 = 86. Patients 4-6
        // arrived on days 40, 50, 60 and waited: all enrolled on day 86; their responses are read on day 142,
        // when BOIN12 selects. Dose 1 cannot be eliminated after 3 patients (P(DLT) = 0 there; 0 responders
        // of 3 give P(p_E < 0.25) = 1 - 0.75^4 = 0.684 < 0.90), so every trial treats 6 patients.
        var scenario = new Scenario("flat", [0.0, 0.1, 0.2]) with { Response = [0.3, 0.5, 0.6] };
        var fixedInterval = new Timeline { IntervalDays = 10, DltWindowDays = 28, ResponseDays = 56 };
        var options = Options with { Trials = 2_000 };
        var cal = CalendarEngine.Run(Boin12(6), scenario, 0.3, fixedInterval, options);
        Assert.Equal(6, cal.Oc.MeanN.Value);
        Assert.Equal(142, cal.Duration.Mean);
        Assert.Equal(142, cal.TimeToDecision.Mean);
        Assert.Equal(0, cal.Duration.Sd);
        // Waits: patients 4, 5, 6 wait 46, 36 and 26 days; 108 / 6 = 18 days per enrolled patient.
        Assert.Equal(3, cal.MeanWaited);
        Assert.Equal(18, cal.MeanWaitDays, 9);

        // response_days 0: the response is read at the end of the DLT window. Cohort 1 ends on day 30 + 28 = 58;
        // patients 4 and 5 (days 40, 50) start on day 58, patient 6 arrives on day 60: the end is day 88.
        var atWindow = CalendarEngine.Run(Boin12(6), scenario, 0.3, fixedInterval with { ResponseDays = 0 }, options);
        Assert.Equal(88, atWindow.Duration.Mean);

        // BOIN reads no responses: it decides at the end of each DLT window (day 88 too), and the trial lasts
        // until the last response read, day 60 + 56 = 116.
        var boin = CalendarEngine.Run(Build.Shared("boin", 3, 0.3, 3, 6), scenario, 0.3, fixedInterval, options);
        Assert.Equal(88, boin.TimeToDecision.Mean);
        Assert.Equal(116, boin.Duration.Mean);
    }

    [Fact]
    public void Mean_duration_agrees_with_the_closed_form_over_the_exact_distribution_of_N()
    {
        // Fixed interval I = 10, window 28, response at day 56: cohort k (3 patients) opens at T_(k-1), its last
        // patient arrives on day 30k, so T_k = max(T_(k-1), 30k) + max(28, 56), T_0 = 0. A toxic scenario stops early
        // often (every dose eliminated), so P(duration = T_m) = P(N = 3m) from the exact engine.
        var toxic = new Scenario("toxic", [0.35, 0.50, 0.60]) with { Response = [0.2, 0.3, 0.4] };
        var exact = ExactEngine.Run(Boin12(), toxic, 0.3);
        double mean = 0, t = 0;
        for (int m = 1; 3 * m <= 18; m++)
        {
            t = Math.Max(t, 30.0 * m) + 56;
            mean += exact.NDistribution[3 * m] * t;
        }
        Assert.InRange(exact.NDistribution[3] + exact.NDistribution[6], 0.05, 0.95); // early stops are common here
        var cal = CalendarEngine.Run(Boin12(), toxic, 0.3, new Timeline { IntervalDays = 10, DltWindowDays = 28, ResponseDays = 56 }, Options);
        Assert.True(Math.Abs(cal.Duration.Mean - mean) < 4 * cal.Duration.StandardError(Options.Trials) + 1e-9, $"calendar {cal.Duration.Mean} (SE {cal.Duration.StandardError(Options.Trials)}), closed form {mean}");
    }

    [Fact]
    public void A_response_read_before_the_end_of_the_window_does_not_shorten_the_wait()
    {
        var scenario = new Scenario("flat", [0.0, 0.1, 0.2]) with { Response = [0.3, 0.5, 0.6] };
        var early = new Timeline { IntervalDays = 10, DltWindowDays = 28, ResponseDays = 14 };
        var cal = CalendarEngine.Run(Boin12(6), scenario, 0.3, early, Options with { Trials = 500 });
        Assert.Equal(88, cal.Duration.Mean); // as with response_days 0: max(window, response) after infusion
    }

    [Fact]
    public void Compare_on_the_calendar_pairs_boin12_with_the_others_on_the_same_patients()
    {
        var timeline = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 2, InfusionDelayDays = 7, DltWindowDays = 28, ResponseDays = 56, NonEvaluableRate = 0.1 };
        var boin = Build.Shared("boin", 3, 0.3, 3, 18);
        var tpt = Design.ThreePlusThree(3);
        var options = Options with { Trials = 6_000 };
        var mixed = ComparisonEngine.Run([Boin12(), boin, tpt], Three, 0.3, options, 18, null, timeline);
        var plain = ComparisonEngine.Run([boin, tpt], Three, 0.3, options, 18, null, timeline);
        Assert.NotNull(mixed.Calendar);
        for (int j = 0; j < 2; j++)
        {
            // The designs that read no responses meet the same tolerances, arrivals and times with or without BOIN12.
            var a = mixed.Calendar!.Results[j + 1];
            var b = plain.Calendar!.Results[j];
            Assert.Equal(b.Oc.Selection, a.Oc.Selection);
            Assert.Equal(b.Oc.MeanPatients, a.Oc.MeanPatients);
            Assert.Equal(b.Duration.Mean, a.Duration.Mean);
            Assert.Equal(b.TimeToDecision.Mean, a.TimeToDecision.Mean);
            Assert.Equal(b.MeanNonEvaluable, a.MeanNonEvaluable);
        }
        // BOIN12's selections are those of compare without the calendar (same tolerances and response uniforms).
        var noCalendar = ComparisonEngine.Run([Boin12(), boin, tpt], Three, 0.3, options, 18);
        Assert.Equal(noCalendar.Designs[0].Oc.Selection, mixed.Calendar!.Results[0].Oc.Selection);
        Assert.Equal(noCalendar.Designs[0].Oc.Efficacy!.RespondersPerDose, mixed.Calendar.Results[0].Oc.Efficacy!.RespondersPerDose);
        Assert.Equal(noCalendar.Designs[1].SelectObdDifference, mixed.Designs[1].SelectObdDifference);
        // Waiting for each cohort's day-56 responses makes BOIN12 the longest: paired differences against it are negative.
        Assert.True(mixed.Calendar.AgainstFirst[1].MeanDifference < -50, $"{mixed.Calendar.AgainstFirst[1].MeanDifference}");
        Assert.True(mixed.Calendar.Results[0].Duration.Mean > 6 * 56);
    }

    [Fact]
    public void Shard_counters_and_sweep_cells_are_refused_in_one_line()
    {
        var timeline = new Timeline { IntervalDays = 10, DltWindowDays = 28 };
        var ex = Assert.Throws<ArgumentException>(() => CalendarEngine.Count(Boin12(), Three, 0.3, timeline, Options with { Trials = 10 }));
        Assert.Contains("reads responses", ex.Message);
        Assert.Contains("shard counters", ex.Message);
    }
}
