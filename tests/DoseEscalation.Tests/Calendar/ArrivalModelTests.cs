using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Scenarios;
using DoseEscalation.Tests.Designs;

namespace DoseEscalation.Tests.Calendar;

/// <summary>
/// The timeline's arrival settings (docs/calendar.md, "Arrival models"): <c>arrivals: next-arrival</c>
/// (Zhao et al. 2024 and the bfboin package), <c>first_arrival: at-opening</c> and
/// <c>accrual_gaps: uniform</c>, against hand-worked durations, exact expectations of Poisson and
/// uniform accrual, and the durations of Zhao et al.'s Table 4.
/// </summary>
public class ArrivalModelTests
{
    private static readonly MonteCarloOptions Options = new() { Trials = 20_000, Seed = 31, BatchSize = 4_096, Method = SimulationMethod.TrialLoop };
    private static readonly Scenario NoDlt3 = new("none", [0, 0, 0]);

    private static Timeline NextArrival(double interval, double window, bool atOpening = false) =>
        new() { IntervalDays = interval, DltWindowDays = window, Arrivals = ArrivalModel.NextArrival, FirstArrivalAtOpening = atOpening };

    /// <summary>
    /// No DLT, one arrival every I days, window W: BOIN treats three cohorts of 3 (doses 1, 2, 3) and
    /// stops at 9 patients. Under next-arrival cohort k's first patient is arrival s_k, s_1 = 1 and
    /// s_(k+1) = s_k + 2 + ceil(W / I) (the first arrival on or after the day the cohort's last window
    /// ends, arrival s_k + 2's window); the trial ends when the third cohort's last window ends, and
    /// the ceil(W / I) - 1 arrivals between two cohorts are lost. Arrival j comes on day jI (after one
    /// gap) or (j - 1)I (at opening). Worked by hand:
    /// I = 10, W = 28: s = 1, 6, 11, end (11 + 2) x 10 + 28 = 158; at opening 148; 2 x 2 lost.
    /// I = 10, W = 30: arrival 6 comes on day 60, the day cohort 1's last window ends, and starts cohort 2: end 160, at opening 150.
    /// The queue model (the default) on the same calendar: T_k = max(T_(k-1), 3kI) + W = 58, 88, 118 (W = 28), 60, 90, 120 (W = 30), nobody lost.
    /// </summary>
    [Theory]
    [InlineData(10, 28, false, 158, 4)]
    [InlineData(10, 28, true, 148, 4)]
    [InlineData(10, 30, false, 160, 4)]
    [InlineData(10, 30, true, 150, 4)]
    [InlineData(7, 28, false, 3 * 7 + 28 + 2 * (2 + 4) * 7, 6)]
    public void Next_arrival_gives_the_hand_worked_duration_and_lost_patients(double interval, double window, bool atOpening, double days, double lost)
    {
        var design = new Boin(3, 0.25, 3, 9);
        var r = CalendarEngine.Run(design, NoDlt3, 0.25, NextArrival(interval, window, atOpening), Options with { Trials = 200 });
        Assert.Equal(days, r.Duration.Mean);
        Assert.Equal(0, r.Duration.Sd);
        Assert.Equal(days, r.TimeToDecision.Mean);
        Assert.Equal(lost, r.MeanLost);
        Assert.Equal(9, r.MeanEnrolled);
        Assert.Equal(0, r.MeanWaited);

        var queue = CalendarEngine.Run(design, NoDlt3, 0.25, new Timeline { IntervalDays = interval, DltWindowDays = window }, Options with { Trials = 200 });
        double t = 0;
        for (int k = 1; k <= 3; k++) t = Math.Max(t, 3 * k * interval) + window;
        Assert.Equal(t, queue.Duration.Mean);
        Assert.Equal(0, queue.MeanLost);
    }

    /// <summary>
    /// Poisson accrual with mean gap g, no DLT, two cohorts (BOIN, 2 doses, 6 patients): the trial
    /// lasts the sum of six independent exponential gaps (three to fill cohort 1, the wait from the
    /// end of its window to the next arrival, which by memorylessness is another gap, two more to
    /// fill cohort 2) plus two windows: mean 6g + 2W, SD sqrt(6) g; at opening the first gap goes,
    /// 5g + 2W and sqrt(5) g. The arrivals lost during cohort 1's window are Poisson with mean W / g.
    /// </summary>
    [Theory]
    [InlineData(false, 6)]
    [InlineData(true, 5)]
    public void Poisson_next_arrival_has_the_exact_mean_duration_and_lost_count(bool atOpening, int gaps)
    {
        const double window = 30.4375;
        var timeline = new Timeline
        {
            Accrual = AccrualKind.Poisson, RatePerMonth = 3, DltWindowDays = window, Arrivals = ArrivalModel.NextArrival, FirstArrivalAtOpening = atOpening,
        };
        double g = Timeline.DaysPerMonth / 3;
        var r = CalendarEngine.Run(new Boin(2, 0.25, 3, 6), new Scenario("none", [0, 0]), 0.25, timeline, Options);
        double mean = gaps * g + 2 * window, se = Math.Sqrt(gaps) * g / Math.Sqrt(Options.Trials);
        Assert.InRange(r.Duration.Mean, mean - 4 * se, mean + 4 * se);
        Assert.InRange(r.Duration.Sd, Math.Sqrt(gaps) * g * 0.95, Math.Sqrt(gaps) * g * 1.05);
        double lostMean = window / g, lostSe = Math.Sqrt(lostMean / Options.Trials);
        Assert.InRange(r.MeanLost, lostMean - 4 * lostSe, lostMean + 4 * lostSe);
    }

    /// <summary>
    /// accrual_gaps: uniform: gaps uniform on (0, 2g), mean g and variance g^2 / 3. One cohort of 3
    /// without DLT lasts three gaps and a window: mean 3g + W, SD g (two gaps at opening: 2g + W, g sqrt(2/3)).
    /// </summary>
    [Theory]
    [InlineData(false, 3)]
    [InlineData(true, 2)]
    public void Uniform_gaps_have_the_mean_of_the_rate(bool atOpening, int gaps)
    {
        const double window = 28;
        var timeline = new Timeline
        {
            Accrual = AccrualKind.UniformGaps, RatePerMonth = 2, DltWindowDays = window, Arrivals = ArrivalModel.NextArrival, FirstArrivalAtOpening = atOpening,
        };
        double g = Timeline.DaysPerMonth / 2, sd = g * Math.Sqrt(gaps / 3.0);
        var r = CalendarEngine.Run(new Boin(1, 0.25, 3, 3), new Scenario("none", [0]), 0.25, timeline, Options);
        double mean = gaps * g + window, se = sd / Math.Sqrt(Options.Trials);
        Assert.InRange(r.Duration.Mean, mean - 4 * se, mean + 4 * se);
        Assert.InRange(r.Duration.Sd, sd * 0.97, sd * 1.03);
        // Every gap is below 2g: the longest trial is 2g x gaps + W.
        Assert.True(r.Duration.DayCounts.Count <= (int)(2 * g * gaps + window) + 1);
    }

    [Fact]
    public void Without_backfill_bf_boin_is_boin_bit_for_bit_under_next_arrival()
    {
        var four = new Scenario("s", [0.05, 0.15, 0.30, 0.45]) { Response = [0.2, 0.3, 0.4, 0.5] };
        var timeline = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 3, DltWindowDays = 28, Arrivals = ArrivalModel.NextArrival };
        var boin = CalendarEngine.Run(new Boin(4, 0.25), four, 0.25, timeline, Options);
        var closed = CalendarEngine.Run(Build.Design("bf-boin", 4, 0.25, ("backfill_cap", 0)), four, 0.25, timeline, Options);
        Assert.Equal(boin.Oc.Selection, closed.Oc.Selection);
        Assert.Equal(boin.Oc.MeanPatients, closed.Oc.MeanPatients);
        Assert.Equal(boin.Duration.Mean, closed.Duration.Mean);
        Assert.Equal(boin.Duration.DayCounts, closed.Duration.DayCounts);
        Assert.Equal(boin.MeanLost, closed.MeanLost);
        // A cohort is over when its outcomes are known (DLTs on their day), not at the end of every window.
        var queue = CalendarEngine.Run(new Boin(4, 0.25), four, 0.25, timeline with { Arrivals = ArrivalModel.Queue, MaxWaiting = 0 }, Options);
        Assert.Equal(boin.Oc.Selection, queue.Oc.Selection);
        Assert.True(boin.TimeToDecision.Mean < queue.TimeToDecision.Mean);
    }

    /// <summary>
    /// Zhao Y, Yuan Y, Korn EL, Freidlin B (2024), Clin Cancer Res 30(4):673-679, Table 4: mean trial
    /// duration in months, BF-BOIN in scenarios 1-12 and BOIN in scenarios 1-5 (Table 3's
    /// scenarios; target 0.25, 10 cohorts of 3, n_earlystop 9, backfill cap 12, 1 DLT in 3 stays
    /// (the paper's Table 1), 3 patients a month, a 1-month window). The values are those transcribed
    /// from the article's table image in simFastBOIN (gosukehommaEX/simFastBOIN,
    /// tests/testthat/fixtures/zhao2024-table4.csv); we could not read the article ourselves, so its
    /// page is not given. The bfboin package's accrual model reproduces them: uniform gaps on (0, 2/3)
    /// months, the first patient at opening, each cohort evaluated at the next arrival, no waiting
    /// list (docs/calendar.md). A month is 365.25/12 days here, the window one month. With 20,000
    /// trials a mean's standard error is 0.02-0.04 months (under 0.4%); every duration is within 3%
    /// (measured with this seed: BOIN +0.4% to +1.0%, BF-BOIN -2.6% to -0.3%; BF-BOIN runs slightly short throughout).
    /// </summary>
    [Theory]
    [InlineData("bf-boin", 1, 8.4)]
    [InlineData("bf-boin", 2, 12.1)]
    [InlineData("bf-boin", 3, 14.3)]
    [InlineData("bf-boin", 4, 15.6)]
    [InlineData("bf-boin", 5, 15.5)]
    [InlineData("bf-boin", 6, 12.1)]
    [InlineData("bf-boin", 7, 14.3)]
    [InlineData("bf-boin", 8, 15.6)]
    [InlineData("bf-boin", 9, 15.5)]
    [InlineData("bf-boin", 10, 14.3)]
    [InlineData("bf-boin", 11, 15.6)]
    [InlineData("bf-boin", 12, 15.5)]
    [InlineData("boin", 1, 8.8)]
    [InlineData("boin", 2, 12.3)]
    [InlineData("boin", 3, 14.3)]
    [InlineData("boin", 4, 15.5)]
    [InlineData("boin", 5, 15.1)]
    public void Zhao_2024_table_4_durations_reproduce_within_3_percent(string design, int scenario, double months)
    {
        double[][] dlt =
        [
            [0.25, 0.41, 0.45, 0.49, 0.53], [0.12, 0.25, 0.42, 0.49, 0.55], [0.04, 0.12, 0.25, 0.43, 0.63],
            [0.02, 0.06, 0.10, 0.25, 0.40], [0.02, 0.05, 0.08, 0.11, 0.25],
        ];
        double[][] response =
        [
            [0.30, 0.40, 0.45, 0.50, 0.55], [0.20, 0.30, 0.40, 0.50, 0.60], [0.10, 0.20, 0.30, 0.45, 0.58],
            [0.05, 0.10, 0.15, 0.30, 0.45], [0.05, 0.10, 0.15, 0.20, 0.30], [0.30, 0.35, 0.36, 0.36, 0.36],
            [0.15, 0.30, 0.35, 0.36, 0.36], [0.10, 0.20, 0.30, 0.35, 0.35], [0.10, 0.15, 0.20, 0.30, 0.35],
            [0.30, 0.32, 0.35, 0.36, 0.36], [0.10, 0.30, 0.32, 0.35, 0.36], [0.10, 0.15, 0.30, 0.32, 0.35],
        ];
        int[] dltOf = [0, 1, 2, 3, 4, 1, 2, 3, 4, 2, 3, 4];
        var s = new Scenario($"s{scenario}", dlt[dltOf[scenario - 1]]) { Response = response[scenario - 1] };
        // BOIN is BF-BOIN with every dose closed to backfill (bit for bit, BackfillTests), here with Table 1's 1-in-3 stay.
        var d = Build.Design("bf-boin", 5, 0.25, ("max_n", 30), ("n_earlystop", 9), ("backfill_cap", design == "boin" ? 0 : 12), ("three_plus_three", true));
        var bfboin = new Timeline
        {
            Accrual = AccrualKind.UniformGaps, RatePerMonth = 3, DltWindowDays = Timeline.DaysPerMonth,
            Arrivals = ArrivalModel.NextArrival, FirstArrivalAtOpening = true,
        };
        var r = CalendarEngine.Run(d, s, 0.25, bfboin, Options with { Seed = 2024 });
        double mean = r.Duration.Mean / Timeline.DaysPerMonth, se = r.Duration.StandardError(Options.Trials) / Timeline.DaysPerMonth;
        Assert.True(se < 0.004 * mean, $"SE {se:F3} months");
        Assert.True(Math.Abs(mean / months - 1) <= 0.03, $"{design} s{scenario}: {mean:F2} (SE {se:F3}) months against Table 4's {months}");
    }

    [Fact]
    public void The_table_4_example_file_has_the_tested_timeline_and_designs()
    {
        var file = ScenarioFileReader.Load(Path.Combine(Scenarios.Repo.Root, "docs", "examples", "bf-boin-zhao2024-table4.yaml"));
        Assert.Equal(new Timeline
        {
            Accrual = AccrualKind.UniformGaps, RatePerMonth = 3, DltWindowDays = Timeline.DaysPerMonth,
            Arrivals = ArrivalModel.NextArrival, FirstArrivalAtOpening = true,
        }, file.Timeline! with { Notes = null });
        Assert.Equal(12, file.Scenarios.Count);
        Assert.Equal(["bf-boin", "boin"], file.Designs.Select(d => d.Label ?? d.Name));
    }

    [Fact]
    public void The_file_reads_the_arrival_settings_and_refuses_bad_ones_in_one_line()
    {
        static string File(string timeline) => $"""
            trial: {"{"} name: t {"}"}
            doses: [DL1, DL2]
            target: 0.25
            designs: [boin]
            scenarios:
              - {"{"} name: s, dlt: [0.1, 0.3] {"}"}
            timeline:
            {timeline}
            """;
        var t = ScenarioFileReader.Parse(File("  accrual_rate_per_month: 3\n  dlt_window_days: 28\n  arrivals: next-arrival\n  first_arrival: at-opening\n  accrual_gaps: uniform"), "t.yaml").Timeline!;
        Assert.Equal(ArrivalModel.NextArrival, t.Arrivals);
        Assert.True(t.FirstArrivalAtOpening);
        Assert.Equal(AccrualKind.UniformGaps, t.Accrual);
        var d = ScenarioFileReader.Parse(File("  accrual_rate_per_month: 3\n  dlt_window_days: 28\n  arrivals: queue\n  first_arrival: after-gap\n  accrual_gaps: exponential"), "t.yaml").Timeline!;
        Assert.Equal(new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 3, DltWindowDays = 28 }, d);

        foreach (var (timeline, message) in new[]
        {
            ("  accrual_rate_per_month: 3\n  dlt_window_days: 28\n  arrivals: next", "timeline.arrivals = next: must be queue or next-arrival"),
            ("  accrual_rate_per_month: 3\n  dlt_window_days: 28\n  first_arrival: day-0", "timeline.first_arrival = day-0: must be after-gap or at-opening"),
            ("  accrual_interval_days: 10\n  dlt_window_days: 28\n  accrual_gaps: uniform", "timeline.accrual_gaps = uniform: applies to accrual_rate_per_month"),
            ("  accrual_rate_per_month: 3\n  dlt_window_days: 28\n  arrivals: next-arrival\n  max_waiting: 0", "timeline.max_waiting = 0: arrivals: next-arrival keeps no waiting list"),
            ("  accrual_rate_per_month: 3\n  dlt_window_days: 28\n  arrivals: next-arrival\n  max_wait_days: 5", "timeline.max_wait_days = 5: arrivals: next-arrival keeps no waiting list"),
            ("  accrual_interval_days: 0\n  dlt_window_days: 28\n  arrivals: next-arrival", "timeline.accrual_interval_days = 0: must be above 0 with arrivals: next-arrival"),
        })
        {
            var e = Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(File(timeline), "t.yaml"));
            Assert.Contains(message, e.Message);
            Assert.DoesNotContain("\n", e.Message.Trim());
        }
    }

    [Fact]
    public void Next_arrival_is_refused_for_designs_that_enrol_one_at_a_time_or_wait_for_responses()
    {
        var timeline = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 3, DltWindowDays = 28, Arrivals = ArrivalModel.NextArrival };
        var tite = Build.Design("tite-boin", 3, 0.3);
        var e = Assert.Throws<ArgumentException>(() => CalendarEngine.Run(tite, new Scenario("s", [0.1, 0.2, 0.3]), 0.3, timeline, Options));
        Assert.Contains("arrivals = next-arrival", e.Message);
        Assert.Throws<ArgumentException>(() => (timeline with { MaxWaiting = 2 }).Validate());
        Assert.Throws<ArgumentException>(() => (timeline with { Accrual = AccrualKind.FixedInterval, IntervalDays = 0, RatePerMonth = 0 }).Validate());
    }

    [Fact]
    public void The_arrivals_flag_gives_the_files_numbers_and_is_checked()
    {
        string path = Path.Combine(Path.GetTempPath(), $"arrivals-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, """
            trial: { name: flags }
            doses: [DL1, DL2, DL3]
            target: 0.3
            designs: [3+3]
            scenarios:
              - { name: command-line, dlt: [0.05, 0.1, 0.3] }
            timeline:
              accrual_rate_per_month: 2
              dlt_window_days: 28
              arrivals: next-arrival
              first_arrival: at-opening
              accrual_gaps: uniform
            """);
        try
        {
            string[] run = ["--calendar", "--trials", "2000", "--seed", "11", "--format", "json", "--quiet"];
            var fromFile = Reliability.CliHarness.Run(["simulate", path, .. run]);
            var fromFlag = Reliability.CliHarness.Run(["simulate", "--dlt", "0.05,0.1,0.3", "--target", "0.3", "--accrual-rate", "2", "--dlt-window", "28", "--arrivals", "next-arrival",
                "--first-arrival", "at-opening", "--accrual-gaps", "uniform", .. run]);
            Assert.Equal(0, fromFile.Code);
            static string Calendar(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("scenarios")[0].GetProperty("calendar").GetRawText();
            Assert.Equal(Calendar(fromFile.Out), Calendar(fromFlag.Out));
            Assert.Contains("\"arrivals\":", fromFile.Out);
            var queue = Reliability.CliHarness.Run(["simulate", path, "--arrivals", "queue", .. run[..^1]]);
            Assert.Contains($"--arrivals queue replaces {path}'s timeline arrivals next-arrival", queue.Err);
            Reliability.CliHarness.AssertBadInput(Reliability.CliHarness.Run("simulate", path, "--calendar", "--arrivals", "later"), "--arrivals");
            Reliability.CliHarness.AssertBadInput(Reliability.CliHarness.Run("simulate", path, "--calendar", "--first-arrival", "day-0"), "--first-arrival");
            Reliability.CliHarness.AssertBadInput(Reliability.CliHarness.Run("simulate", path, "--calendar", "--accrual-interval", "10", "--accrual-gaps", "uniform"),
                "--accrual-gaps uniform: applies to an accrual rate");
            var poisson = Reliability.CliHarness.Run(["simulate", path, "--accrual-gaps", "exponential", .. run[..^1]]);
            Assert.Contains($"--accrual-gaps exponential replaces {path}'s timeline accrual_gaps uniform", poisson.Err);
            Assert.NotEqual(Calendar(fromFile.Out), Calendar(poisson.Out));
            Reliability.CliHarness.AssertBadInput(Reliability.CliHarness.Run("simulate", path, "--calendar", "--max-waiting", "2"), "max_waiting = 2: arrivals = next-arrival keeps no waiting list");
        }
        finally { File.Delete(path); }
    }
}
