using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;

namespace DoseEscalation.Tests.Calendar;

public class RollingSixTests
{
    /// <summary>Outcome notation with pending patients: "1NNT 2PP" = dose 1: two without DLT, one DLT; dose 2: two pending.</summary>
    private static string Decide(string outcomes) => Decide(outcomes, followed: -1);

    // followed >= 0: each pending patient is passed with that follow-up fraction; -1: PendingPatients.None.
    private static string Decide(string outcomes, double followed)
    {
        var design = new RollingSix(3);
        var patients = new int[3]; var dlts = new int[3]; var pending = new int[3];
        int level = 0, total = 0;
        foreach (string group in outcomes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            level = group[0] - '1';
            foreach (char c in group[1..])
            {
                if (c == 'P') { pending[level]++; continue; }
                patients[level]++; total++;
                if (c == 'T') dlts[level]++;
            }
        }
        var levels = Enumerable.Range(0, 3).SelectMany(l => Enumerable.Repeat(l, pending[l])).ToArray();
        var fractions = Enumerable.Repeat(followed, levels.Length).ToArray();
        var d = design.DecidePending(new TrialState(patients, dlts, level, -1, total),
            followed < 0 ? PendingPatients.None(pending) : new PendingPatients(pending, levels, fractions));
        return d.Action switch
        {
            PendingAction.Enrol => $"enrol at {d.Level + 1}",
            PendingAction.Wait => "suspend",
            _ => d.Level < 0 ? "none" : $"select {d.Level + 1}",
        };
    }

    [Theory]
    [InlineData("", "enrol at 1")]
    [InlineData("1PP", "enrol at 1")]            // 2 enrolled, 0-1 DLT: same dose
    [InlineData("1TP", "enrol at 1")]
    [InlineData("1NNP", "enrol at 1")]           // 3 enrolled, 0 DLT, 2 evaluated: same dose
    [InlineData("1NNN", "enrol at 2")]           // 3 evaluated without DLT: escalate
    [InlineData("1NNNP", "enrol at 2")]          // 4 enrolled, 0 DLT, 3 evaluated, 1 pending: escalate
    [InlineData("1NNNPP", "enrol at 2")]
    [InlineData("1TPP", "enrol at 1")]           // 1 DLT, fewer than 6: same dose
    [InlineData("1TNNNP", "enrol at 1")]
    [InlineData("1TNPPPP", "suspend")]           // 6 enrolled, some pending
    [InlineData("1NNPPPP", "suspend")]
    [InlineData("1TNNNNN", "enrol at 2")]        // at most 1 DLT in 6: escalate
    [InlineData("1NNNNNP", "enrol at 2")]        // 6 enrolled, 5 without DLT, 1 pending: escalate (Table 1's 6 | 0,1 | 5,6 | 0,1 row)
    [InlineData("1TNNNNP", "suspend")]           // 6 enrolled, 1 DLT, 4 without, 1 pending: suspend
    [InlineData("1TTP", "suspend")]              // lowest dose too toxic, one pending: wait, then stop
    [InlineData("1TT", "none")]
    [InlineData("1NNN 2TT", "enrol at 1")]       // de-escalate: fill dose 1 to 6
    [InlineData("1NNN 2TTP 1NP", "enrol at 1")]
    [InlineData("1NNNNNT 2TT", "select 1")]
    [InlineData("1NNNNNT 2TTP", "suspend")]      // wait for the last pending before stopping
    [InlineData("1NNN 2NNN 3NNN", "enrol at 3")] // the top dose needs 6
    [InlineData("1NNN 2NNN 3NNNNPP", "suspend")]
    [InlineData("1NNN 2NNN 3NNNNNT", "select 3")]
    [InlineData("1NNN 2NNN 3TNNNTP", "enrol at 2")] // 2 DLTs at 3 with one pending: de-escalate at once
    public void The_table_reads_like_the_paper(string outcomes, string expected) => Assert.Equal(expected, Decide(outcomes));

    // The calendar engine computes no follow-up fractions for a design that says it reads none
    // (IPendingDesign.ReadsFollowUp): the rolling six's decisions must not depend on them.
    [Theory]
    [InlineData("1PP")]
    [InlineData("1NNP")]
    [InlineData("1NNNPP")]
    [InlineData("1TNPPPP")]
    [InlineData("1TNNNNP")]
    [InlineData("1TTP")]
    [InlineData("1NNN 2TTP 1NP")]
    [InlineData("1NNNNNT 2TTP")]
    [InlineData("1NNN 2NNN 3NNNNPP")]
    [InlineData("1NNN 2NNN 3TNNNTP")]
    public void Decisions_do_not_read_follow_up(string outcomes)
    {
        Assert.False(new RollingSix(3).ReadsFollowUp);
        string none = Decide(outcomes);
        foreach (double followed in new[] { 0.0, 0.25, 0.999, 1.0 }) Assert.Equal(none, Decide(outcomes, followed));
    }

    [Theory]
    [InlineData("tite-boin")]
    [InlineData("tite-crm")]
    public void Time_to_event_designs_read_follow_up(string name) =>
        Assert.True(DoseEscalation.Designs.Configuration.DesignCatalog.Default.Get(name)
            .Create(new DoseEscalation.Designs.Configuration.DesignContext(3, 0.3), DoseEscalation.Designs.Configuration.OptionValues.Empty)
            .Design.TryGet<IPendingDesign>()!.ReadsFollowUp);

    [Fact]
    public void Without_pending_patients_it_runs_on_every_engine_and_the_loop_matches_exact()
    {
        var design = new RollingSix(3);
        var scenario = new Scenario("s", [0.10, 0.25, 0.45]);
        var exact = ExactEngine.Run(design, scenario, 0.3);
        var options = new MonteCarloOptions { Trials = 40_000, Seed = 3, Method = SimulationMethod.TrialLoop };
        var mc = MonteCarloEngine.RunTrialLoop(design, scenario, 0.3, options);
        var instant = CalendarEngine.Run(design, scenario, 0.3, Timeline.Instant, options);
        Assert.Equal(mc.Selection, instant.Oc.Selection);         // nothing pending when nothing takes time
        Assert.Equal(mc.NDistribution, instant.Oc.NDistribution);
        for (int d = 0; d <= 3; d++)
        {
            double p = exact.Selection[d].Value, se = Math.Sqrt(p * (1 - p) / options.Trials);
            Assert.InRange(mc.Selection[d].Value, p - 4 * se - 1e-12, p + 4 * se + 1e-12);
        }
    }

    [Fact]
    public void On_the_calendar_it_is_shorter_than_the_3plus3_with_accrual_every_10_days()
    {
        // Skolnik et al.'s setting: a new patient every 10 days on average, a 28-day DLT window, and
        // no waiting list (a patient who arrives while accrual is closed goes elsewhere).
        var scenario = new Scenario("s", [0.05, 0.10, 0.20, 0.35, 0.50]);
        var timeline = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = Timeline.DaysPerMonth / 10, DltWindowDays = 28, MaxWaiting = 0 };
        var options = new MonteCarloOptions { Trials = 20_000, Seed = 2008 };
        var six = CalendarEngine.Run(new RollingSix(5), scenario, 0.3, timeline, options);
        var three = CalendarEngine.Run(Design.ThreePlusThree(5), scenario, 0.3, timeline, options);
        Assert.True(six.Duration.Mean < three.Duration.Mean - 4 * (six.Duration.StandardError(20_000) + three.Duration.StandardError(20_000)),
            $"rolling six {six.Duration.Mean} vs 3+3 {three.Duration.Mean}");
        Assert.True(six.MeanLost < three.MeanLost, $"lost: rolling six {six.MeanLost} vs 3+3 {three.MeanLost}");
    }

    [Fact]
    public void Trial_level_rules_around_it_are_refused_on_the_calendar()
    {
        var wrapped = new DoseEscalation.Designs.Rules.StopAtN(new RollingSix(3), 12);
        var ex = Assert.Throws<ArgumentException>(() => CalendarEngine.Run(wrapped, new Scenario("s", [0.1, 0.2, 0.3]), 0.3,
            new Timeline { IntervalDays = 10, DltWindowDays = 28 }, new MonteCarloOptions { Trials = 10 }));
        Assert.Contains("not supported", ex.Message);
    }
}
