using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using MathNet.Numerics.Integration;

namespace DoseEscalation.Tests.Designs;

/// <summary>TITE-CRM's posterior kernel (trapezoid grids) against an independent high-precision integration, and its recommendation against the CRM's.</summary>
public class TiteCrmPosteriorTests
{
    // dfcrm's titesim example (T1: 6 doses, target 0.2, 24 patients), the same with the logistic model,
    // and settings with a wider prior, more patients and a negative-ish intercept.
    public static TheoryData<string, double[], CrmModel, double, double, int> Settings => new()
    {
        { "titesim example, empiric", [0.05, 0.10, 0.20, 0.35, 0.50, 0.70], CrmModel.Empiric, 3, 1.34, 24 },
        { "titesim example, logistic", [0.05, 0.10, 0.20, 0.35, 0.50, 0.70], CrmModel.Logistic, 3, 1.34, 24 },
        { "5 doses, 60 patients", [0.02, 0.06, 0.12, 0.20, 0.30], CrmModel.Empiric, 3, 1.34, 60 },
        { "logistic, a0 = 1, variance 0.5", [0.05, 0.12, 0.25, 0.40], CrmModel.Logistic, 1, 0.5, 30 },
        { "3 doses, variance 4", [0.1, 0.2, 0.3], CrmModel.Empiric, 3, 4, 18 },
    };

    /// <summary>
    /// The posterior mean of beta written out directly (p from the skeleton, every patient's factor,
    /// the normal prior) and integrated by adaptive Gauss-Kronrod (31 points, tolerance 1e-15) on
    /// panels of width 0.05 over the region where the log density is within 60 of its largest,
    /// inside the CRM's range of +-10 prior SDs. Shares nothing with the kernel but the model.
    /// </summary>
    private static double Reference(double[] skeleton, CrmModel model, double a0, double variance, int[] n, int[] x, int[] pendingLevels, double[] weights)
    {
        (double LogP, double Log1mP) Log(int d, double b)
        {
            if (model == CrmModel.Empiric)
            {
                double lp = Math.Exp(b) * Math.Log(skeleton[d]);
                return (lp, lp > -1e-8 ? Math.Log(-lp * (1 + lp / 2)) : Math.Log(-double.ExpM1(lp)));
            }
            double eta = a0 + Math.Exp(b) * (Math.Log(skeleton[d] / (1 - skeleton[d])) - a0);
            return (-double.LogP1(Math.Exp(-eta)), -double.LogP1(Math.Exp(eta)));
        }
        double LogDensity(double b)
        {
            double s = -b * b / (2 * variance);
            for (int d = 0; d < skeleton.Length; d++)
            {
                if (n[d] == 0) continue;
                var (lp, l1p) = Log(d, b);
                if (x[d] > 0) s += x[d] * lp;
                if (n[d] > x[d]) s += (n[d] - x[d]) * l1p;
            }
            for (int i = 0; i < pendingLevels.Length; i++) s += double.LogP1(-weights[i] * Math.Exp(Log(pendingLevels[i], b).LogP));
            return s;
        }
        double range = 10 * Math.Sqrt(variance), max = double.NegativeInfinity;
        for (double b = -range; b <= range; b += 0.01) max = Math.Max(max, LogDensity(b));
        double lo = range, hi = -range;
        for (double b = -range; b <= range; b += 0.01)
            if (LogDensity(b) - max > -60) { lo = Math.Min(lo, b); hi = Math.Max(hi, b); }
        lo = Math.Max(-range, lo - 0.05);
        hi = Math.Min(range, hi + 0.05);
        int panels = (int)Math.Ceiling((hi - lo) / 0.05);
        double num = 0, den = 0;
        for (int i = 0; i < panels; i++)
        {
            double a = lo + (hi - lo) * i / panels, c = lo + (hi - lo) * (i + 1) / panels;
            den += GaussKronrodRule.Integrate(b => Math.Exp(LogDensity(b) - max), a, c, out _, out _, 1e-15, 4, 31);
            num += GaussKronrodRule.Integrate(b => b * Math.Exp(LogDensity(b) - max), a, c, out _, out _, 1e-15, 4, 31);
        }
        return num / den;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_posterior_mean_agrees_with_a_high_precision_integration_on_random_states(string name, double[] skeleton, CrmModel model, double a0, double variance, int maxN)
    {
        var crm = new Crm(skeleton, 0.2, model, 1, maxN, 0, variance, null, a0);
        var kernel = new TiteCrmPosterior(crm);
        var random = new Random(2026);
        int k = skeleton.Length, declined = 0, states = 60;
        double worst = 0, worstAbsolute = 0;
        for (int s = 0; s < states; s++)
        {
            // Completed patients around a dose, DLTs more likely higher up; 1 to 12 pending near it, weights uniform in [0, 1).
            int total = random.Next(0, maxN), center = random.Next(k);
            int[] n = new int[k], x = new int[k];
            for (int i = 0; i < total; i++)
            {
                int d = Math.Clamp(center + random.Next(-1, 2), 0, k - 1);
                n[d]++;
                if (random.NextDouble() < 0.1 + 0.6 * d / k) x[d]++;
            }
            int pending = random.Next(1, Math.Min(12, maxN - total + 1) + 1);
            int[] levels = new int[pending];
            double[] weights = new double[pending];
            for (int i = 0; i < pending; i++) { levels[i] = Math.Clamp(center + random.Next(-1, 2), 0, k - 1); weights[i] = random.NextDouble(); }
            double exact = Reference(skeleton, model, a0, variance, n, x, levels, weights);
            if (!kernel.TryBetaMean(n, x, levels, weights, out double mean)) { declined++; continue; }
            double error = Math.Abs(mean - exact);
            worstAbsolute = Math.Max(worstAbsolute, error);
            worst = Math.Max(worst, error / Math.Abs(exact));
            Assert.True(error <= 1e-9 * Math.Abs(exact) + 1e-13,
                $"{name}: n [{string.Join(",", n)}], x [{string.Join(",", x)}], pending [{string.Join(",", levels)}] weights [{string.Join(",", weights)}]: kernel {mean:R}, reference {exact:R}");
        }
        Assert.True(declined <= states / 20, $"{name}: the kernel declined {declined} of {states} states");
        Assert.True(worst < 1e-9, $"{name}: worst relative error {worst:E2} (absolute {worstAbsolute:E2})");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_recommendation_is_the_crms_at_every_beta(string name, double[] skeleton, CrmModel model, double a0, double variance, int maxN)
    {
        var crm = new Crm(skeleton, 0.2, model, 1, maxN, 0, variance, null, a0);
        var kernel = new TiteCrmPosterior(crm);
        int changes = 0, last = crm.Recommend(-20);
        for (double b = -20; b <= 20; b += 1e-4)
        {
            int r = crm.Recommend(b);
            Assert.True(r == kernel.Recommend(b), $"{name}: beta {b:R}");
            if (r != last) changes++;
            last = r;
        }
        Assert.True(changes >= 1, $"{name}: the recommendation never changed");
    }

    [Fact]
    public void With_patients_pending_the_design_recommends_at_the_kernels_mean()
    {
        // Five completed patients (3 DLTs) and six pending at doses 2-4, followed 95 to 178 days of a 180-day window:
        // the kernel agrees with the CRM's Gauss-Legendre rule, and the decision is the CRM's recommendation at its mean.
        double[] prior = [0.05, 0.10, 0.20, 0.35, 0.50, 0.70];
        var crm = new Crm(prior, 0.2, cohortSize: 1, maxPatients: 30);
        var tite = new TiteCrm(crm);
        int[] patients = [0, 0, 3, 2, 0, 0], dlts = [0, 0, 1, 2, 0, 0], levels = [1, 1, 1, 2, 2, 3];
        double[] followed = [150 / 180.0, 120 / 180.0, 95 / 180.0, 170 / 180.0, 150 / 180.0, 178 / 180.0];
        var kernel = new TiteCrmPosterior(crm);
        Assert.True(kernel.TryBetaMean(patients, dlts, levels, followed, out double mean));
        Assert.Equal(crm.Posterior(patients, dlts, levels, followed).BetaMean, mean, 10);
        var perLevel = new int[6];
        foreach (int l in levels) perLevel[l]++;
        var decision = tite.DecidePending(new TrialState(patients, dlts, 3, -1, 5), new PendingPatients(perLevel, levels, followed));
        Assert.Equal(PendingDecision.Enrol(Math.Min(crm.Recommend(mean), 4)), decision);
    }

    [Fact]
    public void A_calendar_trial_of_tite_crm_allocates_nothing()
    {
        // dfcrm's titesim example: 6 doses, 24 patients, 4 arrivals per window (Poisson).
        var design = new TiteCrm(new Crm([0.05, 0.10, 0.20, 0.35, 0.50, 0.70], 0.2, cohortSize: 1, maxPatients: 24, startLevel: 2));
        var scenario = new Scenario("T1", [0.10, 0.20, 0.40, 0.50, 0.60, 0.65]);
        var thresholds = scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        var worker = new PerPatientSimulator(design, thresholds, new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 4, DltWindowDays = 365.25 / 12 });
        var tally = new CalendarTally(6, 24, 1);
        for (int b = 0; b < 2; b++) worker.RunBatch(1, b, 500, tally, null);
        long before = GC.GetAllocatedBytesForCurrentThread();
        worker.RunBatch(1, 2, 500, tally, null);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
