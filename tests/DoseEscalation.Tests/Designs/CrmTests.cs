using System.Diagnostics;
using DoseEscalation;
using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Scenarios;
using MathNet.Numerics;
using Xunit.Abstractions;

namespace DoseEscalation.Tests.Designs;

public class CrmTests(ITestOutputHelper output)
{
    // dfcrm's crm() help example: skeleton, target 0.2, levels 3,4,4,3,3,4,3,2,2,2 with DLTs 0,0,1,0,0,1,1,0,0,0.
    private static readonly double[] HelpSkeleton = [0.05, 0.10, 0.20, 0.35, 0.50, 0.70];
    private static readonly double[] Skeleton5 = [0.05, 0.12, 0.25, 0.40, 0.55];

    public static TheoryData<CrmModel, double, int[], int[]> DataSets => new()
    {
        { CrmModel.Empiric, 1.34, [0, 3, 4, 3, 0, 0], [0, 0, 1, 2, 0, 0] },   // dfcrm's crm() example
        { CrmModel.Logistic, 1.34, [0, 3, 4, 3, 0, 0], [0, 0, 1, 2, 0, 0] },
        { CrmModel.Empiric, 1.34, [3, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0] },
        { CrmModel.Empiric, 1.34, [3, 0, 0, 0, 0, 0], [3, 0, 0, 0, 0, 0] },
        { CrmModel.Empiric, 1.34, [3, 3, 3, 3, 3, 3], [0, 0, 0, 0, 0, 0] },
        { CrmModel.Empiric, 1.34, [3, 6, 12, 6, 3, 0], [0, 1, 3, 3, 2, 0] },
        { CrmModel.Logistic, 1.34, [3, 6, 12, 6, 3, 0], [0, 1, 3, 3, 2, 0] },
        { CrmModel.Empiric, 1.34, [12, 0, 0, 0, 0, 0], [12, 0, 0, 0, 0, 0] },  // everything toxic at dose 1
        { CrmModel.Empiric, 1.34, [0, 0, 0, 0, 0, 30], [0, 0, 0, 0, 0, 0] },   // nothing toxic at the top
        { CrmModel.Logistic, 1.34, [0, 0, 0, 0, 0, 30], [0, 0, 0, 0, 0, 30] },
        { CrmModel.Empiric, 0.5, [3, 6, 12, 9, 0, 0], [0, 0, 2, 4, 0, 0] },
        { CrmModel.Logistic, 4.0, [3, 3, 3, 0, 0, 0], [0, 1, 2, 0, 0, 0] },
    };

    // Brute force: 20,000-interval Simpson over +-12 prior SDs, likelihood from the model formula directly.
    private static (double Mean, double Tail) BruteForce(Crm crm, int[] n, int[] x)
    {
        double sd = Math.Sqrt(crm.PriorVariance);
        double Density(double b)
        {
            double logLik = -b * b / (2 * crm.PriorVariance);
            for (int d = 0; d < n.Length; d++)
            {
                double p = crm.ToxicityAt(d, b);
                // Skip empty terms: 0 * log(0) would be NaN where p underflows to 0 or rounds to 1.
                if (x[d] > 0) logLik += x[d] * Math.Log(p);
                if (n[d] > x[d]) logLik += (n[d] - x[d]) * Math.Log(1 - p);
            }
            return Math.Exp(logLik);
        }
        double Simpson(Func<double, double> f, double a, double b, int intervals = 20_000)
        {
            double h = (b - a) / intervals, s = f(a) + f(b);
            for (int i = 1; i < intervals; i++) s += f(a + i * h) * (i % 2 == 1 ? 4 : 2);
            return s * h / 3;
        }
        double lo = -12 * sd, hi = 12 * sd;
        double z = Simpson(Density, lo, hi);
        double mean = Simpson(b => b * Density(b), lo, hi) / z;
        // p_1(beta) > target exactly when beta is below the root of p_1(beta) = target.
        double root = FindRoots.OfFunction(b => crm.ToxicityAt(0, b) - crm.Target, lo, hi, 1e-14);
        double tail = Simpson(Density, lo, root) / z;
        return (mean, tail);
    }

    [Theory]
    [MemberData(nameof(DataSets))]
    public void Posterior_matches_brute_force_integration(CrmModel model, double priorVariance, int[] n, int[] x)
    {
        var crm = new Crm(HelpSkeleton, 0.2, model, cohortSize: 1, maxPatients: 30, priorVariance: priorVariance);
        var post = crm.Posterior(n, x);
        var (mean, tail) = BruteForce(crm, n, x);
        Assert.Equal(mean, post.BetaMean, 1e-8);
        Assert.Equal(tail, post.ProbFirstDoseAboveTarget, 1e-8);
    }

    [Fact]
    public void Posterior_mean_matches_adaptive_gauss_kronrod_integration()
    {
        // The help example again, against MathNet's adaptive Gauss-Kronrod integrator (dfcrm uses
        // R's integrate(), QUADPACK's adaptive Gauss-Kronrod, on the whole real line).
        var crm = new Crm(HelpSkeleton, 0.2, cohortSize: 1);
        int[] n = [0, 3, 4, 3, 0, 0], x = [0, 0, 1, 2, 0, 0];
        double Post(double b)
        {
            double v = Math.Exp(-b * b / 2.68);
            for (int d = 0; d < n.Length; d++) v *= Math.Pow(crm.ToxicityAt(d, b), x[d]) * Math.Pow(1 - crm.ToxicityAt(d, b), n[d] - x[d]);
            return v;
        }
        double z = Integrate.GaussKronrod(Post, -15, 15, out _, out _, 1e-12, 15);
        double m = Integrate.GaussKronrod(b => b * Post(b), -15, 15, out _, out _, 1e-12, 15) / z;
        Assert.Equal(m, crm.Posterior(n, x).BetaMean, 1e-8);
    }

    [Fact]
    public void Prior_alone_gives_beta_zero_and_the_skeleton()
    {
        var crm = new Crm(Skeleton5, 0.25);
        var post = crm.Posterior(new int[5], new int[5]);
        Assert.Equal(0, post.BetaMean, 1e-12);
        for (int d = 0; d < 5; d++) Assert.Equal(Skeleton5[d], crm.ToxicityAt(d, 0), 14);
        // P(beta < boundary) under N(0, 1.34), the boundary solving p_1(beta) = target.
        double boundary = Math.Log(Math.Log(0.25) / Math.Log(0.05));
        Assert.Equal(MathNet.Numerics.Distributions.Normal.CDF(0, Math.Sqrt(1.34), boundary), post.ProbFirstDoseAboveTarget, 1e-10);
    }

    [Fact]
    public void Help_example_recommends_the_dose_closest_to_target_at_the_posterior_mean()
    {
        var crm = new Crm(HelpSkeleton, 0.2, cohortSize: 1);
        double beta = crm.Posterior([0, 3, 4, 3, 0, 0], [0, 0, 1, 2, 0, 0]).BetaMean;
        var ptox = Enumerable.Range(0, 6).Select(d => crm.ToxicityAt(d, beta)).ToArray();
        int closest = Enumerable.Range(0, 6).MinBy(d => Math.Abs(ptox[d] - 0.2));
        Assert.Equal(closest, crm.Recommend(beta));
        output.WriteLine($"help example: beta = {beta:F6}, ptox = [{string.Join(", ", ptox.Select(p => p.ToString("F4")))}], next dose {closest + 1}");
    }

    // dfcrm's getprior as written there: a backward then forward recursion through the boundary
    // parameters b_k (an independent calculation of the closed form in CrmSkeleton).
    private static double[] GetPriorRecursion(double h, double t, int nu, int k, CrmModel model, double a0 = 3)
    {
        var x = new double[k + 1]; // 1-based, as in R
        double Logit(double p) => Math.Log(p / (1 - p));
        if (model == CrmModel.Empiric)
        {
            x[nu] = t;
            for (int j = nu; j >= 2; j--) x[j - 1] = Math.Exp(Math.Log(t - h) / (Math.Log(t + h) / Math.Log(x[j])));
            for (int j = nu; j <= k - 1; j++) x[j + 1] = Math.Exp(Math.Log(t + h) / (Math.Log(t - h) / Math.Log(x[j])));
            return x[1..];
        }
        x[nu] = Logit(t) - a0;
        for (int j = nu; j >= 2; j--) x[j - 1] = (Logit(t - h) - a0) / ((Logit(t + h) - a0) / x[j]);
        for (int j = nu; j <= k - 1; j++) x[j + 1] = (Logit(t + h) - a0) / ((Logit(t - h) - a0) / x[j]);
        return x[1..].Select(v => 1 / (1 + Math.Exp(-a0 - v))).ToArray();
    }

    [Theory]
    [InlineData(0.05, 0.25, 3, 5, CrmModel.Empiric)]
    [InlineData(0.05, 0.25, 3, 5, CrmModel.Logistic)]
    [InlineData(0.10, 0.25, 3, 6, CrmModel.Logistic)]   // getprior's help example
    [InlineData(0.04, 0.30, 1, 4, CrmModel.Empiric)]
    [InlineData(0.07, 0.20, 5, 5, CrmModel.Empiric)]
    [InlineData(0.05, 0.33, 2, 6, CrmModel.Logistic)]
    public void Getprior_matches_the_dfcrm_recursion_and_has_the_promised_indifference_intervals(double h, double t, int nu, int k, CrmModel model)
    {
        double[] s = CrmSkeleton.Calibrate(h, t, nu, k, model);
        double[] reference = GetPriorRecursion(h, t, nu, k, model);
        for (int d = 0; d < k; d++) Assert.Equal(reference[d], s[d], 1e-12);
        Assert.Equal(t, s[nu - 1], 1e-14);

        // crmsens (Cheung & Chappell 2002): b_k solves p_{k-1}(b) + p_k(b) = 2t; the indifference
        // interval of dose k is [p_{k-1}(b_k), p_{k+1}(b_{k+1})]. Calibration makes it [t - h, t + h].
        var crm = new Crm(s, t, model, cohortSize: 1);
        var b = new double[k + 1];
        for (int j = 1; j < k; j++)
            b[j] = FindRoots.OfFunction(beta => crm.ToxicityAt(j - 1, beta) + crm.ToxicityAt(j, beta) - 2 * t, -20, 20, 1e-14);
        for (int j = 1; j < k; j++)
        {
            Assert.Equal(t - h, crm.ToxicityAt(j - 1, b[j]), 1e-9);
            Assert.Equal(t + h, crm.ToxicityAt(j, b[j]), 1e-9);
        }
    }

    [Fact]
    public void Getprior_known_values()
    {
        // getprior(0.05, 0.25, 3, 5): s_k = 0.25 ^ (r ^ (3 - k)), r = log 0.2 / log 0.3, evaluated by hand
        // (Python, math module) to 6 decimals.
        double[] empiric = CrmSkeleton.Calibrate(0.05, 0.25, 3, 5);
        double[] expected = [0.083973, 0.156741, 0.25, 0.3545, 0.460343];
        for (int d = 0; d < 5; d++) Assert.Equal(expected[d], empiric[d], 6);
        double[] logistic = CrmSkeleton.Calibrate(0.10, 0.25, 3, 6, CrmModel.Logistic);
        double[] expectedLogistic = [0.017726, 0.086117, 0.25, 0.466823, 0.646861, 0.763057];
        for (int d = 0; d < 6; d++) Assert.Equal(expectedLogistic[d], logistic[d], 6);
    }

    // Rules in outcome notation; skeleton getprior(0.05, 0.25, 3, 5), target 0.25, cohorts of 3, N 18.
    [Theory]
    [InlineData("", "treat 3 at 1")]
    [InlineData("1NNN", "treat 3 at 2")]                       // no skipping: the model would jump higher
    [InlineData("1NNN 2NNN", "treat 3 at 3")]
    [InlineData("1NNN 2NNN 3NNN", "treat 3 at 4")]
    [InlineData("1NNN 2NNN 3NNN 4NNN", "treat 3 at 5")]
    [InlineData("1NTN", "treat 3 at 1")]                       // 1/3 >= target: no escalation
    [InlineData("1NNN 2TNN", "treat 3 at 2")]                  // 1/3 >= target: not above dose 2
    [InlineData("1NNN 2TTN", "treat 3 at 1")]                  // de-escalation is free
    [InlineData("1TTT", "treat 3 at 1")]                       // dose 1 is the floor; no safety stop by default
    [InlineData("1NNN 2NNN 3NNN 4NNN 5NNN 5NNN", "select 5")] // N = 18: select
    public void Rules(string outcomes, string expected)
    {
        var crm = Design.Crm(5, 0.25, halfwidth: 0.05, priorMtd: 3, maxN: 18);
        Assert.Equal(Outcomes.Parse(expected), Outcomes.Decide(crm, outcomes));
    }

    private static int Unrestricted(Crm crm, int[] n, int[] x) => crm.Recommend(crm.Posterior(n, x).BetaMean);

    [Fact]
    public void No_skip_is_relative_to_the_last_dose_as_in_dfcrm()
    {
        // Doses 1-3 were tried and the model wants dose 3 or higher, but the last cohort was at
        // dose 1: the next is dose 2 (dfcrm caps at the last dose + 1, not the highest tried + 1).
        var crm = Design.Crm(5, 0.25, halfwidth: 0.05, priorMtd: 3, maxN: 30);
        Assert.True(Unrestricted(crm, [6, 3, 6, 0, 0], [0, 0, 0, 0, 0]) >= 2);
        Assert.Equal(Decision.Treat(1, 3), Outcomes.Decide(crm, "1NNN 2NNN 3NNN 3NNN 1NNN"));
    }

    [Fact]
    public void Coherence_uses_the_last_cohorts_rate_against_the_target_as_in_dfcrm()
    {
        // The model wants to escalate after "1NNN 2NNN 3NNN 3NNN 3TNN" under both targets. With
        // target 0.35 the last cohort's 1/3 (0.33 < 0.35) does not block it; with 0.25 it does.
        double[] skeleton = [0.05, 0.10, 0.20, 0.35, 0.50];
        int[] n = [3, 3, 9, 0, 0], x = [0, 0, 1, 0, 0];
        const string history = "1NNN 2NNN 3NNN 3NNN 3TNN";
        var loose = new Crm(skeleton, 0.35, maxPatients: 30);
        var strict = new Crm(skeleton, 0.25, maxPatients: 30);
        Assert.True(Unrestricted(loose, n, x) > 2);
        Assert.True(Unrestricted(strict, n, x) > 2);
        Assert.Equal(Decision.Treat(3, 3), Outcomes.Decide(loose, history));
        Assert.Equal(Decision.Treat(2, 3), Outcomes.Decide(strict, history));
    }

    [Fact]
    public void Final_selection_is_unrestricted()
    {
        // At max N the recommendation may be two levels above the last dose: selection follows
        // dfcrm's final crm() call, which has no restriction.
        var crm = new Crm([0.01, 0.02, 0.03, 0.05, 0.08], 0.3, cohortSize: 3, maxPatients: 6);
        var d = Outcomes.Decide(crm, "1NNN 1NNN");
        Assert.True(d.IsStop);
        Assert.Equal(crm.Recommend(crm.Posterior([6, 0, 0, 0, 0], [0, 0, 0, 0, 0]).BetaMean), d.Level);
        Assert.True(d.Level >= 2, d.ToString());
    }

    // Issue 25: after "1NNN 2NTN" dfcrm's final crm() selects dose 3, where nobody was treated;
    // final_selection tried selects the highest tried dose below it.
    [Fact]
    public void Final_selection_tried_after_1NNN_2NTN_selects_a_tried_dose()
    {
        double[] skeleton = [0.1, 0.2, 0.3, 0.4, 0.5];
        var model = (Crm)Build.Design("crm", 5, 0.3, ("skeleton", skeleton), ("max_n", 6));
        var tried = (Crm)Build.Design("crm", 5, 0.3, ("skeleton", skeleton), ("max_n", 6), ("final_selection", "tried"));
        Assert.Equal((CrmFinalSelection.Model, CrmFinalSelection.Tried), (model.FinalSelection, tried.FinalSelection));
        Assert.Equal(Decision.Select(2), Outcomes.Decide(model, "1NNN 2NTN"));
        Assert.Equal(Decision.Select(1), Outcomes.Decide(tried, "1NNN 2NTN"));
        // The final analysis before max N reads the same rule; a tried choice is kept as it is.
        Assert.Equal(2, model.SelectMtd(new TrialState([3, 3, 0, 0, 0], [0, 1, 0, 0, 0], 1, 1, 6)));
        Assert.Equal(1, tried.SelectMtd(new TrialState([3, 3, 0, 0, 0], [0, 1, 0, 0, 0], 1, 1, 6)));
        Assert.Equal(0, tried.SelectMtd(new TrialState([3, 3, 0, 0, 0], [2, 3, 0, 0, 0], 1, 3, 6)));
        Assert.Equal(model.SelectMtd(new TrialState([3, 3, 0, 0, 0], [2, 3, 0, 0, 0], 1, 3, 6)),
            tried.SelectMtd(new TrialState([3, 3, 0, 0, 0], [2, 3, 0, 0, 0], 1, 3, 6)));
        Assert.Equal(1, tried.Final([0, 3, 0, 0, 0], 0)); // nothing at or below: the lowest tried dose
        Assert.Equal(3, tried.Final([0, 0, 0, 0, 0], 3)); // nobody treated: the model's choice
        Assert.Contains("final selection among tried doses", tried.Describe());
        Assert.DoesNotContain("tried", model.Describe());
        Assert.Contains("has no patients", tried.Explain(new TrialState([3, 3, 0, 0, 0], [0, 1, 0, 0, 0], 1, 1, 6), Decision.Select(1)).Text);

        // TITE-CRM: the same counts, one patient at a time, at its maximum N.
        var tite = (TiteCrm)Build.Design("tite-crm", 5, 0.3, ("skeleton", skeleton), ("max_n", 6), ("final_selection", "tried"));
        var titeModel = (TiteCrm)Build.Design("tite-crm", 5, 0.3, ("skeleton", skeleton), ("max_n", 6));
        Assert.Equal(Decision.Select(1), Outcomes.Decide(tite, "1N 1N 1N 2N 2T 2N"));
        Assert.Equal(Decision.Select(2), Outcomes.Decide(titeModel, "1N 1N 1N 2N 2T 2N"));
    }

    [Fact]
    public void Final_selection_is_refused_by_designs_without_a_model_selection_and_checks_its_value()
    {
        string Bad(string design, params (string, object)[] o) => Assert.Throws<DoseEscalation.Designs.Configuration.DesignOptionException>(() => Build.Design(design, 5, 0.25, o)).Option;
        Assert.Equal("final_selection", Bad("crm", ("final_selection", "closest")));
        Assert.Equal("final_selection", Bad("tite-crm", ("final_selection", "nearest")));
        foreach (string design in new[] { "3+3", "boin", "keyboard", "mtpi2", "i3+3", "boin12", "rolling-six", "tite-boin" })
            Assert.Equal("final_selection", Bad(design, ("final_selection", "tried")));
    }

    // Max N 9 on four doses from dose 1: dose 4 can never be treated, and the model selects it in
    // two trials out of three; under final_selection tried it is never selected. The compiled
    // graph and the trial loop agree with the exact engine within 4 standard errors.
    [Theory]
    [InlineData(SimulationMethod.TrialLoop)]
    [InlineData(SimulationMethod.CompiledGraph)]
    public void Final_selection_tried_exact_and_simulation_agree(SimulationMethod method)
    {
        var scenario = new Scenario("s", [0.05, 0.10, 0.25, 0.40]);
        var model = Build.Design("crm", 4, 0.3, ("max_n", 9));
        var tried = Build.Design("crm", 4, 0.3, ("max_n", 9), ("final_selection", "tried"));
        var exactModel = ExactEngine.Run(model, scenario, 0.3);
        var exact = ExactEngine.Run(tried, scenario, 0.3);
        // Selection[0] is "no dose", [d] is dose d.
        Assert.InRange(exactModel.Selection[4].Value, 0.67915, 0.67925); // exact prints 67.92%
        Assert.Equal(0.0, exact.Selection[4].Value);
        Assert.Equal(1.0, exact.Selection.Sum(s => s.Value), 12);
        // Only the final selection moves: allocation is the same trial by trial.
        for (int d = 0; d < 4; d++) Assert.Equal(exactModel.MeanPatients[d].Value, exact.MeanPatients[d].Value, 12);
        // Mass moves only downwards, from untried doses.
        Assert.True(exact.Selection[3].Value >= exactModel.Selection[3].Value);
        const long trials = 40_000;
        var mc = MonteCarloEngine.Run(tried, scenario, 0.3, new MonteCarloOptions { Trials = trials, Seed = 20261205, Method = method });
        output.WriteLine(string.Join(", ", exact.Selection.Select((s, i) => $"{s.Value:F6} vs {mc.Selection[i].Value:F6}")));
        for (int i = 0; i < exact.Selection.Length; i++)
        {
            double p = exact.Selection[i].Value;
            double se = Math.Sqrt(p * (1 - p) / trials);
            Assert.InRange(mc.Selection[i].Value, p - 4 * se - 1e-12, p + 4 * se + 1e-12);
        }
    }

    [Fact]
    public void Safety_stop_selects_no_dose()
    {
        var crm = Design.Crm(5, 0.25, halfwidth: 0.05, priorMtd: 3, safetyCutoff: 0.9);
        Assert.Equal(Decision.StopNoDose, Outcomes.Decide(crm, "1TTT"));
        Assert.Equal(Decision.Treat(0, 3), Outcomes.Decide(crm, "1NTN"));
        Assert.True(crm.Posterior([3, 0, 0, 0, 0], [3, 0, 0, 0, 0]).ProbFirstDoseAboveTarget > 0.9);
    }

    [Fact]
    public void Registry_builds_the_crm_and_rejects_bad_options()
    {
        var d = (Crm)Build.Design("crm", 5, 0.25);
        Assert.Equal(CrmSkeleton.Calibrate(0.05, 0.25, 3, 5), d.Skeleton);
        Assert.Equal((3, 30, CrmModel.Empiric, 1.34, (double?)null), (d.CohortSize, d.MaxPatients, d.Model, d.PriorVariance, d.SafetyCutoff));
        var l = Build.Design("CRM", 4, 0.3, ("model", "logistic"), ("cohort_size", 2), ("max_n", 20), ("prior_variance", 1.0), ("safety_cutoff", 0.9), ("halfwidth", 0.08), ("prior_mtd", 2));
        var stop = Assert.IsType<DoseEscalation.Designs.Rules.SafetyStop>(l);
        var lc = Assert.IsType<Crm>(stop.Inner);
        Assert.Equal(CrmSkeleton.Calibrate(0.08, 0.3, 2, 4, CrmModel.Logistic), lc.Skeleton);
        Assert.Equal((2, 20, CrmModel.Logistic, 1.0, 0.9), (lc.CohortSize, lc.MaxPatients, lc.Model, lc.PriorVariance, stop.Cutoff));
        Assert.Contains("crm", DoseEscalation.Designs.Configuration.DesignCatalog.Default.Names);

        string Bad(params (string, object)[] o) => Assert.Throws<DoseEscalation.Designs.Configuration.DesignOptionException>(() => Build.Design("crm", 5, 0.25, o)).Option;
        Assert.Equal("a", Bad(("a", 3)));
        Assert.Equal("model", Bad(("model", "probit")));
        Assert.Equal("skeleton", Bad(("skeleton", new[] { 0.1, 0.2 })));
        Assert.Equal("skeleton", Assert.Throws<DoseEscalation.Designs.Configuration.DesignOptionException>(() => Build.Design("crm", 3, 0.25, ("skeleton", new[] { 0.1, 0.2, 0.15 }))).Option);
        Assert.Equal("max_n", Bad(("max_n", 20)));
        Assert.Equal("safety_cutoff", Bad(("safety_cutoff", 1.5)));
    }

    [Theory]
    [InlineData(4, 18)]
    [InlineData(5, 18)]
    [InlineData(5, 24)]
    public void State_graph_builds_and_exact_probabilities_sum_to_one(int doses, int maxN)
    {
        var crm = Design.Crm(doses, 0.25, halfwidth: 0.05, priorMtd: (doses + 2) / 2, maxN: maxN);
        var sw = Stopwatch.StartNew();
        var graph = StateGraph.Build(crm);
        sw.Stop();
        var scenario = new Scenario("s", Enumerable.Range(1, doses).Select(i => 0.07 * i).ToArray());
        var oc = ExactEngine.Run(graph, scenario, 0.25);
        Assert.Equal(1.0, oc.TotalProbability, 1e-12);
        Assert.Equal(1.0, oc.Selection.Sum(s => s.Value), 1e-12);
        for (int n = 0; n < oc.NDistribution.Length; n++)
            if (n != maxN) Assert.Equal(0, oc.NDistribution[n]); // no early stop without the safety rule
        output.WriteLine($"{doses} doses, N {maxN}: {graph.NodeCount} states ({graph.TerminalCount} terminal), {graph.CountPaths()} paths, built in {sw.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Theory]
    [InlineData(new[] { 0.05, 0.10, 0.25, 0.40, 0.55 }, null)]
    [InlineData(new[] { 0.30, 0.45, 0.55, 0.65, 0.75 }, 0.9)]
    public void Exact_and_trial_loop_agree_within_four_standard_errors(double[] truth, double? safety)
    {
        var crm = Design.Crm(5, 0.25, halfwidth: 0.05, priorMtd: 3, maxN: 18, safetyCutoff: safety);
        var scenario = new Scenario("s", truth);
        var exact = ExactEngine.Run(crm, scenario, 0.25);
        var sw = Stopwatch.StartNew();
        const long trials = 100_000;
        var mc = MonteCarloEngine.Run(crm, scenario, 0.25,
            new MonteCarloOptions { Trials = trials, Seed = 20261122, Method = SimulationMethod.TrialLoop });
        sw.Stop();
        output.WriteLine($"trial loop: {trials / sw.Elapsed.TotalSeconds:N0} trials/s; exact {exact.StateCount} states");
        for (int i = 0; i < exact.Selection.Length; i++)
        {
            double p = exact.Selection[i].Value;
            double se = Math.Sqrt(p * (1 - p) / trials);
            Assert.InRange(mc.Selection[i].Value, p - 4 * se - 1e-12, p + 4 * se + 1e-12);
        }
        for (int d = 0; d < 5; d++)
            Assert.InRange(mc.MeanPatients[d].Value, exact.MeanPatients[d].Value - 4 * mc.MeanPatients[d].Se - 1e-9,
                exact.MeanPatients[d].Value + 4 * mc.MeanPatients[d].Se + 1e-9);
        Assert.Equal(1.0, exact.TotalProbability, 1e-12);
    }

    [Fact]
    public void Decide_does_not_allocate()
    {
        var crm = Design.Crm(5, 0.25, halfwidth: 0.05, priorMtd: 3);
        int[] n = [3, 6, 6, 0, 0], x = [0, 1, 2, 0, 0];
        var state = new TrialState(n, x, 2, 1, 15);
        crm.Decide(state);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) crm.Decide(state);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Invalid_parameters_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Crm([0.1, 0.1, 0.3], 0.25));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Crm([0.1, 0.2, 1.0], 0.25));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Crm([0.1, 0.2, 0.3], 0.25, maxPatients: 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Crm([0.1, 0.2, 0.3], 0.25, priorVariance: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Crm([0.1, 0.2, 0.99], 0.25, CrmModel.Logistic));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrmSkeleton.Calibrate(0.3, 0.25, 3, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrmSkeleton.Calibrate(0.05, 0.25, 6, 5));
    }
}
