using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Response;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Tests.Efficacy;

/// <summary>BOIN12's rules by hand, its engines (exact and Monte Carlo within 4 SE) and its reduction to BOIN's toxicity rules.</summary>
public class Boin12Tests
{
    private static readonly Boin12 D = new(3, 0.3, 0.25, cohortSize: 3, maxN: 18);

    private static Decision Decide(Boin12 d, int[] n, int[] x, int[] r, int level) =>
        d.Decide(new TrialState(n, x, r, level, -1, n.Sum()));

    [Fact]
    public void Boundaries_and_benchmark_by_hand()
    {
        // BOIN at target 0.3 (phi1 0.18, phi2 0.42): lambda_e 0.2365, lambda_d 0.3585.
        Assert.Equal(0.2365, D.LambdaE, 4);
        Assert.Equal(0.3585, D.LambdaD, 4);
        // u_bar = 100*0.25*0.7 + 40*0.7*0.75 + 60*0.3*0.25 = 43; u_b = 43 + 57/2 = 71.5.
        Assert.Equal(71.5, D.BenchmarkUtility, 12);
        // An untried dose's desirability is the prior's: P(Beta(1,1) > 0.715) = 0.285.
        Assert.Equal(0.285, D.Desirability(0, 0, 0), 12);
        // 3 patients, 0 DLTs, 2 responses: x = (40*3 + 60*2)/100 = 2.4, Beta(3.4, 1.6).
        Assert.Equal(1 - Beta.CDF(3.4, 1.6, 0.715), D.Desirability(3, 0, 2), 12);
    }

    [Fact]
    public void Decisions_by_hand()
    {
        // Start: the first cohort at dose 1.
        Assert.Equal(Decision.Treat(0, 3), D.Decide(new TrialState(new int[3], new int[3], new int[3], 0, -1, 0)));
        // 0/3 DLTs, 2/3 responses at dose 1: desirability 0.42 > 0.285 (untried dose 2): stay.
        Assert.True(D.Desirability(3, 0, 2) > 0.285);
        Assert.Equal(Decision.Treat(0, 3), Decide(D, [3, 0, 0], [0, 0, 0], [2, 0, 0], 0));
        // 0/3 DLTs, 0/3 responses: x = 1.2, P(Beta(2.2, 2.8) > 0.715) < 0.285: escalate.
        Assert.True(D.Desirability(3, 0, 0) < 0.285);
        Assert.Equal(Decision.Treat(1, 3), Decide(D, [3, 0, 0], [0, 0, 0], [0, 0, 0], 0));
        // 2/3 DLTs at dose 2 (0.67 >= lambda_d): de-escalate to dose 1 whatever the responses.
        Assert.Equal(Decision.Treat(0, 3), Decide(D, [3, 3, 0], [0, 2, 0], [1, 3, 0], 1));
        // 2/6 DLTs at dose 2 (0.33 in (lambda_e, lambda_d)) with N* = 6 patients: dose 3 is not a candidate.
        var dec = Decide(D, [3, 6, 0], [0, 2, 0], [0, 0, 0], 1);
        Assert.True(dec.Level <= 1);
        // ... but with 3 patients (fewer than N*) the untried dose above is a candidate and wins over poor utility.
        Assert.Equal(Decision.Treat(2, 3), Decide(D, [3, 3, 0], [0, 1, 0], [0, 0, 0], 1));
        // 3/3 DLTs at dose 1: eliminated with every higher dose: stop, no dose.
        Assert.Equal(Decision.StopNoDose, Decide(D, [3, 0, 0], [3, 0, 0], [0, 0, 0], 0));
        // Futility: 0 responses in 9 at dose 1 (P(pE < 0.25) = 1 - 0.75^10 = 0.94 > 0.90) eliminates dose 1 only.
        Assert.True(D.FutilityEliminates(9, 0));
        Assert.False(D.FutilityEliminates(6, 0)); // 1 - 0.75^7 = 0.867
        // Exploration: 9 patients at dose 1, DLT rate below lambda_d, dose 2 untried: go there even if dose 1 looks better.
        Assert.Equal(Decision.Treat(1, 3), Decide(D, [9, 0, 0], [2, 0, 0], [9, 0, 0], 0));
        // At max_n: stop and select.
        Assert.True(Decide(D, [6, 9, 3], [0, 2, 2], [3, 6, 2], 1).IsStop);
    }

    [Fact]
    public void Final_selection_takes_the_highest_estimated_utility_at_or_below_the_isotonic_mtd()
    {
        // DLT rates 0/6, 1/9, 3/3: isotonic estimates ~0.008, 0.11, 0.98 -> MTD dose 2 (0.11 closest to 0.3).
        // Utility estimates 60 pE + 40 (1 - pT): dose 1 with 1/6 responses: 10.8 + 39.7 = 50.4; dose 2 with 6/9: 39.6 + 35.6 = 75.2.
        Assert.Equal(1, D.SelectMtd(new TrialState(new[] { 6, 9, 3 }, new[] { 0, 1, 3 }, new[] { 1, 6, 3 }, 1, -1, 18)));
        // Dose 2 with 0/9 responses is futile (eliminated): dose 1 is selected.
        Assert.Equal(0, D.SelectMtd(new TrialState(new[] { 6, 9, 3 }, new[] { 0, 1, 3 }, new[] { 1, 0, 3 }, 1, -1, 18)));
        // The same two with the smoothed observed rates (final_efficacy: observed).
        var observed = new Boin12(3, 0.3, 0.25, cohortSize: 3, maxN: 18, finalEfficacy: Boin12FinalEfficacy.Observed);
        Assert.Equal(1, observed.SelectMtd(new TrialState(new[] { 6, 9, 3 }, new[] { 0, 1, 3 }, new[] { 1, 6, 3 }, 1, -1, 18)));
        Assert.Equal(0, observed.SelectMtd(new TrialState(new[] { 6, 9, 3 }, new[] { 0, 1, 3 }, new[] { 1, 0, 3 }, 1, -1, 18)));
    }

    [Fact]
    public void Unimodal_efficacy_estimate_worked_by_hand()
    {
        // 3 patients at each of two doses, 1 and 2 responders: smoothed rates a = 1.05/3.1 and b = 2.05/3.1 = 1 - a,
        // weights 3.5 each. Mode at dose 1 (non-increasing): a < b pool to (a + b)/2 = 0.5. Mode at dose 2: the rates.
        // Likelihoods (the common C(3,1) C(3,2) cancels): 0.5^6 and a^1 (1-a)^2 b^2 (1-b)^1 = a^2 b^4.
        double a = 1.05 / 3.1, b = 1 - a, l1 = Math.Pow(0.5, 6), l2 = a * a * Math.Pow(b, 4);
        var e = new double[2];
        Boin12.UnimodalEfficacy([3, 3], [1, 2], e);
        Assert.Equal((l1 * 0.5 + l2 * a) / (l1 + l2) + 0.01, e[0], 14);
        Assert.Equal((l1 * 0.5 + l2 * b) / (l1 + l2) + 0.02, e[1], 14);
        Assert.Equal(0.4157988423866859, e[0], 14);
        Assert.Equal(0.6142011576133141, e[1], 14);
        // Three doses (numbers from an independent implementation: unimodal fits by brute force over every
        // partition into blocks, likelihoods with the binomial coefficients): 2/6, 5/9, 3/6 responders.
        e = new double[3];
        Boin12.UnimodalEfficacy([6, 9, 6], [2, 5, 3], e);
        Assert.Equal([0.38220220258593207, 0.5463107514314536, 0.535713507089054], e, (x, y) => Math.Abs(x - y) < 1e-14);
        // An untried dose enters as the authors' code has it, rate 0.05/0.1 = 0.5 with weight 0.5 (likelihood factor 1).
        Boin12.UnimodalEfficacy([6, 6, 0], [1, 4, 0], e);
        Assert.Equal([0.2044178588014669, 0.656867790644859, 0.5921390162141559], e, (x, y) => Math.Abs(x - y) < 1e-14);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)] // past the stack limit: the fits are on the heap
    public void Equal_data_at_every_dose_give_the_rate_plus_the_rank_offset(int k)
    {
        // Every unimodal fit of a constant sequence is that constant, whatever the mode.
        var e = new double[k];
        Boin12.UnimodalEfficacy(Enumerable.Repeat(6, k).ToArray(), Enumerable.Repeat(2, k).ToArray(), e);
        for (int j = 0; j < k; j++) Assert.Equal(2.05 / 6.1 + 0.01 * (j + 1), e[j], 12);
    }

    [Fact]
    public void Unimodal_and_observed_final_selections_worked_by_hand()
    {
        var observed = new Boin12(3, 0.3, 0.25, cohortSize: 3, maxN: 18, finalEfficacy: Boin12FinalEfficacy.Observed);
        // No DLTs; 2/3, 9/9, 6/6 responders. Observed rates 2.05/3.1, 9.05/9.1 = 0.9945, 6.05/6.1 = 0.9918: dose 2.
        // Unimodal: doses 2 and 3 pool in every fit with a mode below 3 and the estimates 1.00965 and 1.01840 differ
        // by little more than the rank offset 0.01 (utility 60 pE + 40 (1 - pT - 0.001 rank): 100.17 and 100.66): dose 3.
        int[] n = [3, 9, 6], x = [0, 0, 0], r = [2, 9, 6];
        Assert.Equal(1, observed.SelectMtd(new TrialState(n, x, r, 2, -1, 18)));
        Assert.Equal(2, D.SelectMtd(new TrialState(n, x, r, 2, -1, 18)));
        // 0/9, 1/6, 0/3 DLTs; 2/9, 2/6, 0/3 responders. Observed: dose 2 (60 * 2.05/6.1 + 40 (1 - 0.1216) = 55.3 against 53.2).
        // Unimodal pulls dose 2's estimate down to 0.311 (dose 3's 0/3 weighs in): utilities 54.90, 53.79, 40.08: dose 1.
        n = [9, 6, 3]; x = [0, 1, 0]; r = [2, 2, 0];
        Assert.Equal(1, observed.SelectMtd(new TrialState(n, x, r, 2, -1, 18)));
        Assert.Equal(0, D.SelectMtd(new TrialState(n, x, r, 2, -1, 18)));
    }

    [Fact]
    public void Catalog_builds_boin12_with_the_paper_defaults_and_a_non_additive_utility()
    {
        var r = DesignCatalog.Default.Get("boin12").Create(new DesignContext(3, 0.3), new OptionValues());
        var b = Assert.IsType<Boin12>(r.Design);
        Assert.True(b.ReadsResponses);
        Assert.Equal((60.0, 40.0, 6, 9, 0.95, 0.90, 30), (b.U11, b.U00, b.NStar, b.NExplore, b.CutoffEli, b.CutoffEliE, b.MaxN));
        Assert.Equal(Boin12FinalEfficacy.Unimodal, b.FinalEfficacy);
        var o = DesignCatalog.Default.Get("boin12").Create(new DesignContext(3, 0.3), new OptionValues().With("final_efficacy", "observed")).Design;
        Assert.Equal(Boin12FinalEfficacy.Observed, Assert.IsType<Boin12>(o).FinalEfficacy);
        // u11 + u00 other than 100 (issue 25): built, and it reads who had both a DLT and a response.
        var general = Assert.IsType<Boin12>(DesignCatalog.Default.Get("boin12").Create(new DesignContext(3, 0.3), new OptionValues().With("u00", 30.0)).Design);
        Assert.Equal((60.0, 30.0, false, true), (general.U11, general.U00, general.Additive, general.ReadsJointOutcomes));
        Assert.False(b.ReadsJointOutcomes);
        // The trial-level rules pass ReadsResponses through.
        var wrapped = DesignCatalog.Default.Get("boin12").Create(new DesignContext(3, 0.3), new OptionValues().With("start_dose", 2)).Design;
        Assert.True(wrapped.ReadsResponses);
    }

    private static readonly Scenario S = new Scenario("s", [0.05, 0.15, 0.40]) { Response = [0.15, 0.45, 0.50] }.WithGumbel(0.4);

    [Fact]
    public void Exact_probabilities_sum_to_one_and_monte_carlo_agrees_within_four_standard_errors()
    {
        var exact = ExactEngine.Run(D, S, 0.3);
        Assert.Equal("exact", exact.Engine);
        Assert.Equal(1, exact.TotalProbability, 12);
        Assert.Equal(1, exact.Selection.Sum(s => s.Value), 12);
        var mc = MonteCarloEngine.Run(D, S, 0.3, new MonteCarloOptions { Trials = 40_000, Seed = 11, Threads = 2 });
        for (int j = 0; j <= 3; j++) Within(exact.Selection[j], mc.Selection[j]);
        for (int d = 0; d < 3; d++)
        {
            Within(exact.MeanPatients[d], mc.MeanPatients[d]);
            Within(exact.Efficacy!.RespondersPerDose[d], mc.Efficacy!.RespondersPerDose[d]);
        }
        Within(exact.Efficacy!.RespondersAtSelected, mc.Efficacy!.RespondersAtSelected);
        Within(exact.DoseOptimisation!.SelectObd, mc.DoseOptimisation!.SelectObd);
        Within(exact.DoseOptimisation.UtilityOfSelected, mc.DoseOptimisation.UtilityOfSelected);
        // Responders at a dose are the response rate times its patients (each patient's response is drawn after the decision to treat him).
        for (int d = 0; d < 3; d++) Assert.Equal(S.Response![d] * exact.MeanPatients[d].Value, exact.Efficacy.RespondersPerDose[d].Value, 10);
        // Thread count does not change Monte Carlo results.
        var one = MonteCarloEngine.Run(D, S, 0.3, new MonteCarloOptions { Trials = 40_000, Seed = 11, Threads = 1 });
        Assert.Equal(mc.Selection, one.Selection);
    }

    private static void Within(Estimate exact, Estimate mc) =>
        Assert.InRange(exact.Value, mc.Value - 4 * mc.Se - 1e-12, mc.Value + 4 * mc.Se + 1e-12);

    [Fact]
    public void Cohort_outcomes_are_multinomial_over_the_four_cells()
    {
        var c = new OutcomeCells(0.1, 0.2, 0.3, 0.4);
        var p = ResponseEngine.CohortOutcome(c, 2);
        // (a DLTs, b responders) in 2 patients; e.g. (1, 1): both cells once each way, or one "both" and one "neither".
        Assert.Equal(2 * 0.2 * 0.3 + 2 * 0.1 * 0.4, p[1 * 3 + 1], 15);
        Assert.Equal(0.4 * 0.4, p[0], 15);
        Assert.Equal(0.1 * 0.1, p[2 * 3 + 2], 15);
        Assert.Equal(1, p.Sum(), 14);
    }

    /// <summary>
    /// The identity tested: with every dose's response probability equal (and no futility
    /// elimination), in every reachable state BOIN12's toxicity moves are BOIN's (same lambda_e,
    /// lambda_d, elimination): (1) where BOIN de-escalates (x &gt;= lambda_d n, or the dose is
    /// eliminated) BOIN12 treats at BOIN's dose min(d-1, ...) = d-1 (d at dose 1), or stops with no
    /// dose exactly when BOIN would (dose 1 eliminated); (2) where BOIN stays with n &gt;= N*, BOIN12
    /// never goes above d except by dose exploration; (3) BOIN12 never moves more than one dose.
    /// </summary>
    [Fact]
    public void With_equal_response_probabilities_toxicity_decisions_are_boins()
    {
        var d12 = new Boin12(3, 0.3, 0.25, cohortSize: 3, maxN: 18, cutoffEliE: 0.999999);
        var boin = new Boin(3, 0.3, cohortSize: 3, maxN: 18);
        var scenario = new Scenario("flat", [0.1, 0.25, 0.45]) { Response = [0.4, 0.4, 0.4] };
        int checkedStates = 0;
        // Every reachable state, by a forward walk over all (DLT, responder) outcomes.
        Walk(d12, (n, x, r, level, dec) =>
        {
            if (n.Sum() == 0) return;
            checkedStates++;
            int nd = n[level], xd = x[level];
            bool eliminated = d12.ToxicityEliminates(nd, xd);
            bool anyBelowEliminated = Enumerable.Range(0, level).Any(j => d12.ToxicityEliminates(n[j], x[j]));
            Assert.False(anyBelowEliminated); // never treated above an eliminated dose
            if (n.Sum() < 18 && (xd >= boin.DeescalationBoundary(nd) || eliminated))
            {
                if (level == 0 && eliminated) Assert.Equal(Decision.StopNoDose, dec);
                else Assert.Equal(Decision.Treat(Math.Max(level - 1, 0), 3), dec);
            }
            else if (!dec.IsStop)
            {
                Assert.InRange(dec.Level, level - 1, level + 1);
                bool boinStays = xd > boin.EscalationBoundary(nd);
                if (boinStays && nd >= d12.NStar && dec.Level > level)
                    Assert.True(nd >= d12.NExplore && n[dec.Level] == 0, "escalation past a BOIN 'stay' only by dose exploration");
            }
        });
        Assert.True(checkedStates > 1000, $"{checkedStates} states");
        // And the exact engine walks the same space under the flat scenario.
        Assert.Equal(1, ExactEngine.Run(d12, scenario, 0.3).TotalProbability, 12);
    }

    /// <summary>Every reachable state of a response-reading design (all DLT and responder outcomes of every cohort), with the design's decision there.</summary>
    internal static int Walk(IDesign design, Action<int[], int[], int[], int, Decision> visit)
    {
        int k = design.DoseCount, states = 0;
        var frontier = new List<(int[] N, int[] X, int[] R, int Level)> { (new int[k], new int[k], new int[k], 0) };
        var seen = new HashSet<string>();
        while (frontier.Count > 0)
        {
            var next = new List<(int[] N, int[] X, int[] R, int Level)>();
            foreach (var (n, x, r, level) in frontier)
            {
                var dec = design.Decide(new TrialState(n, x, r, level, -1, n.Sum()));
                states++;
                visit(n, x, r, level, dec);
                if (dec.IsStop) continue;
                for (int a = 0; a <= dec.CohortSize; a++)
                    for (int b = 0; b <= dec.CohortSize; b++)
                    {
                        var n2 = (int[])n.Clone(); var x2 = (int[])x.Clone(); var r2 = (int[])r.Clone();
                        n2[dec.Level] += dec.CohortSize; x2[dec.Level] += a; r2[dec.Level] += b;
                        if (seen.Add(string.Join(",", n2.Concat(x2).Concat(r2).Append(dec.Level)))) next.Add((n2, x2, r2, dec.Level));
                    }
            }
            frontier = next;
        }
        return states;
    }

    /// <summary>The design contract (Designs/DesignContractTests) for BOIN12 over its states with responders.</summary>
    [Fact]
    public void Contract_every_reachable_decision_is_in_range_never_skips_and_selects_a_treated_dose()
    {
        var design = Designs.Build.Shared("boin12", 5, 0.3, 3, 18);
        int states = Walk(design, (n, x, r, level, dec) =>
        {
            int highestTried = Array.FindLastIndex(n, v => v > 0);
            if (dec.IsStop)
            {
                Assert.InRange(dec.Level, -1, 4);
                if (dec.Level >= 0) Assert.True(n[dec.Level] > 0, "selects an untreated dose");
            }
            else
            {
                Assert.InRange(dec.Level, 0, 4);
                Assert.True(dec.Level <= highestTried + 1, $"treats dose {dec.Level + 1} with dose {highestTried + 1} the highest tried");
                Assert.InRange(dec.CohortSize, 1, design.MaxCohortSize);
                Assert.True(n.Sum() + dec.CohortSize <= design.MaxPatients);
            }
        });
        Assert.True(states > 10_000, $"{states} states");
        // Decide is deterministic and allocation-free.
        int[] pn = [3, 3, 0, 0, 0], px = [0, 1, 0, 0, 0], pr = [1, 2, 0, 0, 0];
        var first = design.Decide(new TrialState(pn, px, pr, 1, 1, 6));
        for (int i = 0; i < 100; i++) design.Decide(new TrialState(pn, px, pr, 1, 1, 6));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Decision last = default;
        for (int i = 0; i < 1000; i++) last = design.Decide(new TrialState(pn, px, pr, 1, 1, 6));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(first, last);
        // Without responses from the engine it says so rather than deciding wrongly.
        Assert.Throws<ArgumentException>(() => design.Decide(new TrialState(pn, px, 1, 1, 6)));
    }
}
