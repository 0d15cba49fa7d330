using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Tests.Designs;
using DoseEscalation.Tests.Scenarios;

namespace DoseEscalation.Tests.Calendar;

/// <summary>
/// Backfill (BF-BOIN and its 3+3 form): the identities with BOIN when nobody is backfilled, the
/// open-dose and conflict rules on hand-worked states, and the published figures of the bfboin package.
/// </summary>
public class BackfillTests
{
    private static readonly Scenario Four = new("s", [0.05, 0.15, 0.30, 0.45]) { Response = [0.2, 0.3, 0.4, 0.5] };
    private static readonly MonteCarloOptions Options = new() { Trials = 20_000, Seed = 23, BatchSize = 4_096, Method = SimulationMethod.TrialLoop };

    private static Backfill BfBoin(int doses = 4, params (string, object)[] options) => (Backfill)Build.Design("bf-boin", doses, 0.25, options);

    private static void Same(CalendarResult a, CalendarResult b)
    {
        Assert.Equal(a.Oc.Selection, b.Oc.Selection);
        Assert.Equal(a.Oc.MeanPatients, b.Oc.MeanPatients);
        Assert.Equal(a.Oc.MeanDlts, b.Oc.MeanDlts);
        // The backfill design's sample-size distribution runs further (its cap's room); beyond BOIN's it is 0.
        Assert.Equal(a.Oc.NDistribution, b.Oc.NDistribution.Take(a.Oc.NDistribution.Length));
        Assert.All(b.Oc.NDistribution.Skip(a.Oc.NDistribution.Length), p => Assert.Equal(0, p));
        foreach (var (x, y) in new[] { (a.Duration, b.Duration), (a.TimeToDecision, b.TimeToDecision) })
        {
            Assert.Equal(x.Mean, y.Mean);
            Assert.Equal(x.Sd, y.Sd);
            Assert.Equal(x.DayCounts, y.DayCounts);
        }
        Assert.Equal(a.MeanLost, b.MeanLost);
        Assert.Equal(a.MeanWaited, b.MeanWaited);
        Assert.Equal(a.MeanWaitDays, b.MeanWaitDays);
    }

    [Fact]
    public void With_nobody_arriving_during_observation_bf_boin_is_boin_bit_for_bit()
    {
        // One arrival every 40 days and a 28-day window: a cohort of 3 is full at day 120 + 40k and
        // cleared 28 days later, before the next arrival, so no one is ever there to backfill.
        var slow = new Timeline { IntervalDays = 40, DltWindowDays = 28 };
        Same(CalendarEngine.Run(new Boin(4, 0.25), Four, 0.25, slow, Options), CalendarEngine.Run(BfBoin(), Four, 0.25, slow, Options));
        // Without calendar time nobody arrives during observation either: the trial loop gives BOIN's OCs.
        var loop = MonteCarloEngine.RunTrialLoop(BfBoin(), Four, 0.25, Options);
        var boin = MonteCarloEngine.RunTrialLoop(new Boin(4, 0.25), Four, 0.25, Options);
        Assert.Equal(boin.Selection, loop.Selection);
        Assert.Equal(boin.MeanPatients, loop.MeanPatients);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_every_dose_closed_bf_boin_is_boin_bit_for_bit_through_its_waiting_list(bool referAway)
    {
        // Poisson arrivals come during every observation, but a cap of 0 closes every dose: they wait
        // (or are referred away) exactly as under BOIN, the responses drawn for backfill notwithstanding.
        var busy = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 4, DltWindowDays = 28, MaxWaiting = referAway ? 0 : int.MaxValue };
        var closed = CalendarEngine.Run(BfBoin(4, ("backfill_cap", 0)), Four, 0.25, busy, Options);
        Same(CalendarEngine.Run(new Boin(4, 0.25), Four, 0.25, busy, Options), closed);
        Assert.Equal(0, closed.MeanBackfilled);
    }

    [Fact]
    public void On_every_state_boin_reaches_bf_boin_decides_as_boin()
    {
        // Without backfill data every dose below the current one was last left by an escalation on
        // data unchanged since: no conflict, so the decision is BOIN's (and the cohort the same).
        var boin = new Boin(5, 0.25, 3, 30);
        var bf = BfBoin(5, ("max_n", 30));
        int states = 0;
        void Walk(int[] patients, int[] dlts, int level, int total)
        {
            var state = new TrialState(patients, dlts, level, -1, total);
            var b = boin.Decide(state);
            Assert.Equal(b, bf.Decide(state));
            states++;
            if (b.IsStop) return;
            for (int x = 0; x <= b.CohortSize; x++)
            {
                int[] p = (int[])patients.Clone(), d = (int[])dlts.Clone();
                p[b.Level] += b.CohortSize; d[b.Level] += x;
                Walk(p, d, b.Level, total + b.CohortSize);
            }
        }
        Walk(new int[5], new int[5], 0, 0);
        Assert.True(states > 100_000, $"{states} states");
    }

    // BOIN, target 0.25: lambda_e 0.1968, lambda_d 0.2984. Escalate at x <= floor(0.1968 n), de-escalate at x >= ceil(0.2984 n):
    // n = 3: 0 | - | 1+;  n = 6: 1 | - | 2+;  n = 9: 1 | 2 | 3+;  n = 12: 2 | 3 | 4+.
    [Theory]
    // dose 2 at 0/3 escalates; dose 1 with backfill at 3/9 de-escalates: conflict from dose 1; pooled 3/12 stays.
    [InlineData(new[] { 3, 9, 3, 0, 0 }, new[] { 0, 3, 0, 0, 0 }, 2, false, 2)]
    // the same with 4/9 at dose 1: pooled 4/12 de-escalates; pooled from dose 1 to 1 (4/9) and to 2 (4/12) both de-escalate: no safe dose, go to dose 0.
    [InlineData(new[] { 3, 9, 3, 0, 0 }, new[] { 0, 4, 0, 0, 0 }, 2, false, 0)]
    // 2/9 at dose 1 stays, dose 2 escalates: pooled 2/12 escalates.
    [InlineData(new[] { 3, 9, 3, 0, 0 }, new[] { 0, 2, 0, 0, 0 }, 2, false, 3)]
    // dose 2 at 1/6 escalates, dose 1 at 4/12 de-escalates: pooled 5/18 (b.e 3, b.d 6) stays.
    [InlineData(new[] { 3, 12, 6, 0, 0 }, new[] { 0, 4, 1, 0, 0 }, 2, false, 2)]
    // dose 2 at 2/6 de-escalates, dose 1 at 4/12 de-escalates too: pooled 6/18 de-escalates; pooled from dose 1: 4/12 no, 6/18 no: dose 0.
    [InlineData(new[] { 3, 12, 6, 0, 0 }, new[] { 0, 4, 2, 0, 0 }, 2, false, 0)]
    // 1 DLT in 3 at the current dose: BOIN de-escalates, the 3+3 form stays.
    [InlineData(new[] { 3, 3, 0, 0, 0 }, new[] { 0, 1, 0, 0, 0 }, 1, false, 0)]
    [InlineData(new[] { 3, 3, 0, 0, 0 }, new[] { 0, 1, 0, 0, 0 }, 1, true, 1)]
    public void Conflicts_between_doses_are_resolved_on_pooled_data(int[] patients, int[] dlts, int level, bool threePlusThree, int expected)
    {
        var bf = BfBoin(5, ("three_plus_three", threePlusThree));
        var d = bf.Decide(new TrialState(patients, dlts, level, -1, 15));
        Assert.Equal(Decision.Treat(expected, 3), d);
    }

    [Theory]
    // doses 0 and 1 safe, responses at both: the highest, dose 1.
    [InlineData(new[] { 3, 3, 3 }, new[] { 0, 0, 0 }, new[] { 1, 1, 0 }, new[] { 3, 3, 3 }, "highest", 1)]
    [InlineData(new[] { 3, 3, 3 }, new[] { 0, 0, 0 }, new[] { 1, 1, 0 }, new[] { 3, 3, 3 }, "lowest", 0)]
    // no response read at dose 1 yet: dose 0.
    [InlineData(new[] { 3, 3, 3 }, new[] { 0, 0, 0 }, new[] { 1, 0, 0 }, new[] { 3, 3, 3 }, "highest", 0)]
    // dose 1 has reached the cap of 12 treated.
    [InlineData(new[] { 3, 9, 3 }, new[] { 0, 0, 0 }, new[] { 1, 1, 0 }, new[] { 3, 12, 3 }, "highest", 0)]
    // dose 1 at 2/3, alone and pooled with dose 2's 0/0 known, is not safe: it closes, dose 0 stays open.
    [InlineData(new[] { 3, 3, 0 }, new[] { 0, 2, 0 }, new[] { 1, 1, 0 }, new[] { 3, 3, 3 }, "highest", 0)]
    // dose 0 at 3/6 (and 3/9 pooled with dose 1) is not safe: it closes every dose above it too.
    [InlineData(new[] { 6, 3, 3 }, new[] { 3, 0, 0 }, new[] { 1, 1, 0 }, new[] { 6, 3, 3 }, "highest", -1)]
    // dose 0 at 1/3 de-escalates alone, but pooled with dose 1's 0/6 (1/9) it is safe.
    [InlineData(new[] { 3, 6, 3 }, new[] { 1, 0, 0 }, new[] { 1, 0, 0 }, new[] { 3, 6, 3 }, "highest", 0)]
    public void A_dose_is_open_for_backfill_when_it_has_shown_a_response_is_under_the_cap_and_is_safe(
        int[] known, int[] dlts, int[] responses, int[] treated, string assign, int expected)
    {
        var bf = BfBoin(4, ("backfill_dose", assign));
        int[] p = [.. known, 0], y = [.. dlts, 0], r = [.. responses, 0], t = [.. treated, 0];
        Assert.Equal(expected, bf.BackfillLevel(new TrialState(p, y, 2, -1, 9), t, r, 2));
    }

    [Fact]
    public void Backfill_treats_more_patients_at_the_lower_doses()
    {
        var fast = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 6, DltWindowDays = 28, MaxWaiting = 0 };
        var boin = CalendarEngine.Run(new Boin(4, 0.25), Four, 0.25, fast, Options);
        var bf = CalendarEngine.Run(BfBoin(), Four, 0.25, fast, Options);
        // Escalation cohorts are the same size; backfill adds patients, most of them at doses 1-2, below the MTD (dose 3).
        Assert.True(bf.Oc.MeanPatients.Sum(e => e.Value) > boin.Oc.MeanPatients.Sum(e => e.Value) + 5);
        Assert.True(bf.Oc.MeanPatients[0].Value + bf.Oc.MeanPatients[1].Value > boin.Oc.MeanPatients[0].Value + boin.Oc.MeanPatients[1].Value + 4);
        // The backfilled patients are among those enrolled; the rest are escalation patients, at most max_n (30).
        Assert.Null(boin.MeanBackfilled);
        Assert.True(bf.MeanBackfilled > 4, $"{bf.MeanBackfilled}");
        Assert.InRange(bf.MeanEnrolled - bf.MeanBackfilled!.Value, 3, 30);
    }

    /// <summary>
    /// The bfboin package's vignette "Compare to publication" (1,000 trials, seed 1000) reports for
    /// Zhao et al.'s scenarios 1 and 2 correct selection 79.9% and 59.9%, over-dosing selection
    /// 12.6% and 9.6%. Its accrual is uniform, ours Poisson at the same rate, and its cap lets one
    /// more patient in: neither moves the selection much. Each figure must be within 4 standard
    /// errors of the difference (the package's 1,000 trials dominate it).
    /// </summary>
    [Theory]
    [InlineData(new[] { 0.25, 0.41, 0.45, 0.49, 0.53 }, new[] { 0.30, 0.40, 0.45, 0.50, 0.55 }, 0, 0.799, 0.126)]
    [InlineData(new[] { 0.12, 0.25, 0.42, 0.49, 0.55 }, new[] { 0.20, 0.30, 0.40, 0.50, 0.60 }, 1, 0.599, 0.096)]
    public void Selection_agrees_with_the_bfboin_package_published_figures(double[] dlt, double[] response, int mtd, double correct, double over)
    {
        var file = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 3 * Timeline.DaysPerMonth / 30, DltWindowDays = 30, MaxWaiting = 0 };
        var bf = BfBoin(5, ("max_n", 30), ("n_earlystop", 9), ("backfill_cap", 12));
        var r = CalendarEngine.Run(bf, new Scenario("s", dlt) { Response = response }, 0.25, file, Options with { Trials = 20_000 });
        double pc = r.Oc.Selection[mtd + 1].Value, po = r.Oc.Selection.Skip(mtd + 2).Sum(e => e.Value);
        double se(double p) => Math.Sqrt(p * (1 - p) / 1000 + p * (1 - p) / 20_000);
        Assert.InRange(pc - correct, -4 * se(correct), 4 * se(correct));
        Assert.InRange(po - over, -4 * se(over), 4 * se(over));
    }

    [Fact]
    public void The_cli_refuses_what_it_cannot_do_with_backfill_in_one_line()
    {
        // Opening doses on responses needs response probabilities.
        string file = Path.Combine(Repo.Root, "scenarios", "crb401-bcma-car-t.yaml");
        var noResponse = Reliability.CliHarness.Run("simulate", file, "--design", "bf-boin", "--calendar", "--trials", "100");
        Reliability.CliHarness.AssertBadInput(noResponse, "backfill_response");
        // A trial-level rule around it would hide the backfill from the calendar: refused, not run as plain BOIN.
        string example = Path.Combine(Repo.Root, "docs", "examples", "bf-boin-zhao2024.yaml");
        Reliability.CliHarness.AssertBadInput(Reliability.CliHarness.Run("simulate", example, "--design", "bf-boin", "--never-skip", "--calendar", "--trials", "100"), "trial-level rules");
        // Without calendar time it runs, and says that it is then BOIN.
        var plain = Reliability.CliHarness.Run("simulate", "--dlt", "0.1,0.2,0.3", "--design", "bf-boin", "--trials", "100");
        Assert.Equal(0, plain.Code);
        Assert.Contains("backfills only in calendar time", plain.Err);
    }

    [Fact]
    public void The_benchmark_of_a_comparison_counts_a_backfill_designs_escalation_patients()
    {
        // bf-boin may treat 30 + 4 x 12 patients, but its escalation (what the benchmark stands for) has 30.
        Assert.Equal(78, BfBoin().MaxPatients);
        Assert.Equal(30, ComparisonEngine.BenchmarkPatients([BfBoin(), new Boin(4, 0.25, 3, 24)]));
        Assert.Equal(36, ComparisonEngine.BenchmarkPatients([BfBoin(), new Boin(4, 0.25, 3, 36)]));
    }

    [Fact]
    public void The_shipped_example_compares_bf_boin_with_boin_on_the_calendar()
    {
        string file = Path.Combine(Repo.Root, "docs", "examples", "bf-boin-zhao2024.yaml");
        var r = Reliability.CliHarness.Run("compare", file, "--calendar", "--trials", "2000", "--format", "json");
        Assert.True(r.Code == 0, r.Err);
        using var json = System.Text.Json.JsonDocument.Parse(r.Out);
        Assert.Contains("bf-boin", r.Out);
    }

    [Fact]
    public void The_report_of_a_backfill_design_takes_its_numbers_from_the_calendar()
    {
        string dir = Directory.CreateTempSubdirectory("bf-report").FullName;
        string file = Path.Combine(dir, "bf.yaml");
        File.WriteAllText(file, """
            trial: { name: backfill report, dlt_window_days: 28 }
            doses: [DL1, DL2, DL3]
            target: 0.25
            designs: [bf-boin, boin]
            timeline: { accrual_rate_per_month: 6, max_waiting: 0 }
            scenarios:
              - { name: s, dlt: [0.05, 0.15, 0.35], response: [0.2, 0.3, 0.4] }
            """);
        string md = Path.Combine(dir, "r.md");
        var r = Reliability.CliHarness.Run("report", file, "--design", "bf-boin", "--trials", "3000", "--compare-trials", "500", "--out", md, "--quiet");
        Assert.True(r.Code == 0, r.Err);
        string text = File.ReadAllText(md);
        Assert.Contains("Monte Carlo in calendar time", text);
        // The same numbers as the calendar engine with the file's seed: mean N, which backfill raises above BOIN's.
        var file2 = DoseEscalation.Scenarios.ScenarioFileReader.Load(file);
        var oc = CalendarEngine.Run(Build.Design("bf-boin", 3, 0.25), file2.Scenarios[0], 0.25, file2.Timeline!, new MonteCarloOptions { Trials = 3000, Seed = file2.Seed }).Oc;
        Assert.Contains($"| {DoseEscalation.Reporting.Formats.Formatting.Round(oc.MeanN.Value, 1)} (", text);
        // The exact engine has no calendar: asked for, it is refused, and nothing is written.
        Reliability.CliHarness.AssertBadInput(Reliability.CliHarness.Run("report", file, "--design", "bf-boin", "--engine", "exact", "--out", Path.Combine(dir, "x.md")), "--engine exact");
        Assert.False(File.Exists(Path.Combine(dir, "x.md")));
    }
}
