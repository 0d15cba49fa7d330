using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Tests.Designs;

namespace DoseEscalation.Tests.Calendar;

/// <summary>TITE-CRM and TITE-BOIN: their rules on hand-worked states, and the identities with the CRM and BOIN when nothing is pending.</summary>
public class TiteTests
{
    private static readonly Scenario Four = new("s", [0.05, 0.15, 0.30, 0.45]);
    private static readonly MonteCarloOptions Options = new() { Trials = 20_000, Seed = 17, BatchSize = 4_096, Method = SimulationMethod.TrialLoop };

    /// <summary>Each patient completes the 28-day window before the next arrives (one every 40 days): nothing is ever pending at a decision.</summary>
    private static readonly Timeline Slow = new() { IntervalDays = 40, DltWindowDays = 28 };

    private static void SameOcs(OperatingCharacteristics a, OperatingCharacteristics b)
    {
        Assert.Equal(a.Selection, b.Selection);
        Assert.Equal(a.MeanPatients, b.MeanPatients);
        Assert.Equal(a.MeanDlts, b.MeanDlts);
        Assert.Equal(a.NDistribution, b.NDistribution);
    }

    [Theory]
    [InlineData(3, 30)]
    [InlineData(3, 20)] // the last cohort is cut to fit, as BOIN's
    [InlineData(1, 12)]
    public void Tite_boin_with_nothing_pending_is_boin_bit_for_bit(int cohort, int maxN)
    {
        var boin = new Boin(4, 0.3, cohort, maxN);
        var tite = new TiteBoin(boin);
        // The calendar asks DecidePending patient by patient; BOIN in the trial loop decides per cohort.
        // Same DLT draws (one per evaluable patient, in order), same decisions: the same OCs to the last bit.
        var cal = CalendarEngine.Run(tite, Four, 0.3, Slow, Options);
        SameOcs(MonteCarloEngine.RunTrialLoop(boin, Four, 0.3, Options), cal.Oc);
    }

    [Fact]
    public void Tite_crm_with_nothing_pending_is_its_own_trial_loop_and_the_crm_wherever_the_last_patient_had_no_dlt()
    {
        var crm = new Crm([0.05, 0.12, 0.25, 0.40], 0.3, cohortSize: 1, maxPatients: 12);
        var tite = new TiteCrm(crm);
        SameOcs(MonteCarloEngine.RunTrialLoop(tite, Four, 0.3, Options), CalendarEngine.Run(tite, Four, 0.3, Slow, Options).Oc);

        // Every state the CRM (cohorts of 1) reaches in 12 patients: the same decision as TITE-CRM unless the
        // CRM's coherence restriction acted (a DLT in the last patient), which titesim does not have.
        int same = 0, differ = 0;
        void Walk(int[] patients, int[] dlts, int level, int last, int total)
        {
            var state = new TrialState(patients, dlts, level, last, total);
            var c = crm.Decide(state);
            var t = tite.Decide(state);
            if (last <= 0 || c.IsStop) { Assert.Equal(c, t); same++; }
            else
            {
                // After a DLT titesim caps the next dose at one above the last, the CRM at the last; the recommendation is the same.
                Assert.Equal(Math.Min(t.Level, level), c.Level);
                differ++;
            }
            if (c.IsStop) return;
            for (int x = 0; x <= 1; x++)
            {
                int[] p = (int[])patients.Clone(), d = (int[])dlts.Clone();
                p[c.Level]++; d[c.Level] += x;
                Walk(p, d, c.Level, x, total + 1);
            }
        }
        Walk(new int[4], new int[4], 0, -1, 0);
        Assert.True(same > 100 && differ > 100, $"{same} states without a DLT last, {differ} with");
    }

    [Fact]
    public void A_pending_patient_with_full_weight_counts_as_a_completed_patient()
    {
        var crm = new Crm([0.05, 0.12, 0.25, 0.40], 0.3, cohortSize: 1, maxPatients: 30);
        int[] patients = [3, 3, 1, 0], dlts = [0, 1, 0, 0];
        var pending = crm.Posterior(patients, dlts, [1, 2, 2], [1.0, 1.0, 1.0]);
        var counted = crm.Posterior([3, 4, 3, 0], dlts);
        Assert.Equal(counted.BetaMean, pending.BetaMean, 12);
        Assert.Equal(counted.ProbFirstDoseAboveTarget, pending.ProbFirstDoseAboveTarget, 12);
        // Zero weight: the pending patients add nothing, bit for bit.
        Assert.Equal(crm.Posterior(patients, dlts), crm.Posterior(patients, dlts, [1, 2], [0.0, 0.0]));
    }

    [Fact]
    public void The_weighted_posterior_mean_agrees_with_direct_integration()
    {
        // dfcrm's titecrm example data (prior, target 0.2, 10 patients, window 180 days), integrated
        // here by a plain trapezoid rule on a fine grid, independently of the design's quadrature.
        double[] prior = [0.05, 0.10, 0.20, 0.35, 0.50, 0.70];
        int[] level = [3, 4, 4, 3, 3, 4, 3, 2, 2, 2];
        int[] y = [0, 0, 1, 0, 0, 1, 1, 0, 0, 0];
        double[] u = [178, 181, 60, 170, 150, 70, 72, 150, 120, 95];
        var crm = new Crm(prior, 0.2, cohortSize: 1, maxPatients: 30);
        int[] patients = new int[6], dlts = new int[6];
        var pendLevel = new List<int>();
        var pendWeight = new List<double>();
        for (int i = 0; i < level.Length; i++)
        {
            double w = y[i] == 1 ? 1 : Math.Min(u[i] / 180, 1);
            if (w >= 1) { patients[level[i] - 1]++; dlts[level[i] - 1] += y[i]; }
            else { pendLevel.Add(level[i] - 1); pendWeight.Add(w); }
        }
        double Likelihood(double b)
        {
            double v = Math.Exp(-b * b / (2 * 1.34));
            for (int i = 0; i < level.Length; i++)
            {
                double p = Math.Pow(prior[level[i] - 1], Math.Exp(b));
                double w = y[i] == 1 ? 1 : Math.Min(u[i] / 180, 1);
                v *= y[i] == 1 ? p : 1 - w * p;
            }
            return v;
        }
        double num = 0, den = 0, h = 1e-4;
        for (double b = -12; b <= 12; b += h)
        {
            double f = Likelihood(b);
            num += b * f * h; den += f * h;
        }
        var post = crm.Posterior(patients, dlts, pendLevel.ToArray(), pendWeight.ToArray());
        Assert.Equal(num / den, post.BetaMean, 6);
    }

    [Theory]
    [InlineData(0.10, 0.10 / 0.2 / 3)]            // before the first DLT time
    [InlineData(0.30, (1 + 0.1 / 0.3) / 3)]       // between the two
    [InlineData(0.80, (2 + 0.3 / 0.5) / 3)]       // after the last
    [InlineData(1.00, 1.0)]
    public void Adaptive_weights_are_dfcrms(double followed, double expected)
    {
        var tite = new TiteCrm(new Crm([0.05, 0.12, 0.25, 0.40], 0.3, cohortSize: 1), TiteWeightScheme.Adaptive);
        Assert.Equal(expected, tite.Weight(followed, [0.5, 0.2]), 12);
        Assert.Equal(followed, tite.Weight(followed, []), 12); // no DLT yet: linear
        Assert.Equal(followed, new TiteCrm(new Crm([0.05, 0.12, 0.25, 0.40], 0.3, cohortSize: 1)).Weight(followed, [0.5, 0.2]), 12);
    }

    private static PendingDecision BoinDecision(int[] patients, int[] dlts, int level, int[] pendingLevels, double[] followed, int maxN = 30)
    {
        var tite = new TiteBoin(new Boin(patients.Length, 0.3, 3, maxN, nEarlystop: 100), estimate: TiteBoinEstimate.Ess);
        var perLevel = new int[patients.Length];
        foreach (int l in pendingLevels) perLevel[l]++;
        return tite.DecidePending(new TrialState(patients, dlts, level, -1, patients.Sum()), new PendingPatients(perLevel, pendingLevels, followed));
    }

    [Fact]
    public void Tite_boin_decides_on_the_effective_sample_size_and_suspends_with_too_many_pending()
    {
        // TITEgBOIN's documented example: dose 5 has 4 patients, 1 DLT, 2 pending with 14 + 28 days of a
        // 28-day window (STFT 1.5 here; the example's ft = 28 gives 1): p = 1/(4 - 2 + 1.5) = 0.286, inside
        // (lambda_e 0.236, lambda_d 0.358): stay. Two of four pending is not more than half.
        // Counts: evaluated patients exclude the pending ones.
        Assert.Equal(PendingDecision.Enrol(4), BoinDecision([3, 3, 4, 4, 2, 0], [0, 0, 1, 1, 1, 0], 4, [4, 4], [0.5, 1.0]));
        // With no follow-up yet: p = 1/(4 - 2 + 0) = 0.5 >= lambda_d: de-escalate.
        Assert.Equal(PendingDecision.Enrol(3), BoinDecision([3, 3, 4, 4, 2, 0], [0, 0, 1, 1, 1, 0], 4, [4, 4], [0.0, 0.0]));
        // Three of six pending (1 DLT among the 3 evaluated): not above half; 1/(6 - 3 + 2.7) = 0.175 <= lambda_e: escalate.
        Assert.Equal(PendingDecision.Enrol(5), BoinDecision([3, 3, 3, 3, 3, 0], [0, 0, 1, 1, 1, 0], 4, [4, 4, 4], [0.9, 0.9, 0.9]));
        // Four of six pending: suspend accrual.
        Assert.Equal(PendingDecision.Wait, BoinDecision([3, 3, 3, 3, 2, 0], [0, 0, 1, 1, 0, 0], 4, [4, 4, 4, 4], [0.9, 0.9, 0.9, 0.9]));
        // Mid-cohort (7 enrolled, cohorts of 3): the rest of the cohort goes to the same dose, whatever the data.
        Assert.Equal(PendingDecision.Enrol(1), BoinDecision([3, 2, 0, 0], [0, 2, 0, 0], 1, [1, 1], [0.1, 0.1]));
        // Maximum sample size enrolled: wait for the pending patients, then select.
        Assert.Equal(PendingDecision.Wait, BoinDecision([12, 15, 0, 0], [1, 4, 0, 0], 1, [1, 1, 1], [0.5, 0.5, 0.5]));
    }

    [Fact]
    public void Tite_designs_shorten_the_trial_against_their_parents_under_fast_accrual()
    {
        // One patient every 7 days, a 28-day window: the parents wait for each cohort, the TITE designs do not.
        var fast = new Timeline { IntervalDays = 7, DltWindowDays = 28 };
        var boin = new Boin(4, 0.3, 3, 24);
        var crm = new Crm([0.05, 0.12, 0.25, 0.40], 0.3, cohortSize: 1, maxPatients: 24);
        var o = Options with { Trials = 4_000 };
        var c = CalendarCompare.Run([boin, new TiteBoin(boin), new TiteCrm(crm)], Four, 0.3, fast, o);
        Assert.True(c.AgainstFirst[1].MeanDifference < -3 * c.AgainstFirst[1].Se, $"TITE-BOIN {c.AgainstFirst[1].MeanDifference:F1} days");
        Assert.True(c.AgainstFirst[2].MeanDifference < -3 * c.AgainstFirst[2].Se, $"TITE-CRM {c.AgainstFirst[2].MeanDifference:F1} days");
        // BOIN with 24 patients in 8 cohorts, each waiting 28 days after its last patient: at least 8 x 28 days.
        Assert.True(c.Results[0].Duration.Mean >= 8 * 28);
        // And the TITE designs still find the MTD (dose 3, P(DLT) 0.30) most often.
        foreach (var r in c.Results) Assert.Equal(3, r.Oc.Selection.Select((e, i) => (e.Value, i)).Max().i);
    }
}
