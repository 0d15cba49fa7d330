using DoseEscalation.Engines;
using DoseEscalation.SampleSizing;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Tests.SampleSizing;

public class SampleSizeTests
{
    private static readonly Scenario Middle = new("mtd-at-dl2", [0.10, 0.25, 0.45]);

    private static MonteCarloOptions Mc(long trials, ulong seed, int threads = 0) => new() { Trials = trials, Seed = seed, Threads = threads, BatchSize = 1 << 14 };

    [Fact]
    public void Without_replacement_or_expansion_both_distributions_are_the_exact_engines()
    {
        var design = Design.ThreePlusThree(3);
        var graph = StateGraph.Build(design);
        var oc = ExactEngine.Run(graph, Middle, 0.30);
        var r = SampleSizeExact.Run(graph, Middle, 0.30, new SampleSizeModel());
        Assert.Equal(3, r.MinEvaluable);
        Assert.Equal(18, r.MaxEvaluable);
        Assert.Equal(18, r.MaxEnrolled);
        Assert.Equal(0, r.TruncatedMass);
        Assert.Equal(19, r.EvaluableDistribution.Length);
        Assert.Equal(19, r.EnrolledDistribution.Length);
        for (int n = 0; n <= 18; n++)
        {
            Assert.Equal(oc.NDistribution[n], r.EvaluableDistribution[n], 14);
            Assert.Equal(oc.NDistribution[n], r.EnrolledDistribution[n], 14);
            if (n % 3 != 0) Assert.Equal(0, r.EnrolledDistribution[n]);
        }
        Assert.Equal(oc.MeanN.Value, r.MeanEnrolled.Value, 12);
        Assert.Equal(oc.MeanTotalDlts.Value, r.ExpectedDlts.Value, 12);
        Assert.Equal(oc.AnyPatientAboveMtd.Value, r.AnyPatientAboveMtd.Value, 12);
        Assert.Equal(oc.SelectAboveMtd.Value, r.SelectAboveMtd.Value, 12);
        for (int d = 0; d <= 3; d++) Assert.Equal(oc.Selection[d].Value, r.Selection[d].Value, 12);
        Assert.Equal(oc.NQuantile(0.9), r.EnrolledQuantile(0.9));
    }

    [Fact]
    public void Exact_enrolled_distribution_sums_to_one_minus_the_cut_tail_and_keeps_the_mean()
    {
        var graph = StateGraph.Build(Design.ThreePlusThree(3));
        var r = SampleSizeExact.Run(graph, Middle, 0.30, new SampleSizeModel { NonEvaluableRate = 0.1, ExpansionCohort = 6 });
        Assert.Null(r.MaxEnrolled);
        Assert.InRange(r.TruncatedMass, 0, 1e-14);
        Assert.Equal(1.0, r.EnrolledDistribution.Sum() + r.TruncatedMass, 12);
        double mean = r.EnrolledDistribution.Select((p, n) => p * n).Sum();
        Assert.Equal(r.MeanEnrolled.Value, mean, 9);
        Assert.Equal(r.MeanEvaluable.Value / 0.9 + 6 * (1 - r.Selection[0].Value), r.MeanEnrolled.Value, 12);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Per_patient_simulation_agrees_with_the_negative_binomial_mixture(int expansion)
    {
        var design = Design.ThreePlusThree(3);
        var model = new SampleSizeModel { NonEvaluableRate = 0.1, ExpansionCohort = expansion };
        var exact = SampleSizeExact.Run(StateGraph.Build(design), Middle, 0.30, model);
        var mc = SampleSizeSimulation.Run(design, Middle, 0.30, model, Mc(200_000, 7));
        Assert.Equal("monte-carlo", mc.Engine);
        Within4Se(exact.MeanEnrolled.Value, mc.MeanEnrolled);
        Within4Se(exact.MeanEvaluable.Value, mc.MeanEvaluable);
        Within4Se(exact.ExpectedDlts.Value, mc.ExpectedDlts);
        Within4Se(exact.AnyPatientAboveMtd.Value, mc.AnyPatientAboveMtd);
        foreach (int n in new[] { 6, 10, 13, 15, 18, 21, 24 })
            Within4Se(exact.EnrolledAtMost(n).Value, mc.EnrolledAtMost(n));
        for (int d = 0; d <= 3; d++) Within4Se(exact.Selection[d].Value, mc.Selection[d]);
    }

    [Fact]
    public void Simulation_is_identical_on_one_and_two_threads()
    {
        var design = Design.ThreePlusThree(3);
        var scenario = Middle with { Response = [0.1, 0.3, 0.5] };
        var model = new SampleSizeModel { NonEvaluableRate = 0.2, ExpansionCohort = 3, MinResponses = 2 };
        var one = SampleSizeSimulation.Run(design, scenario, 0.30, model, Mc(100_000, 3, threads: 1));
        var two = SampleSizeSimulation.Run(design, scenario, 0.30, model, Mc(100_000, 3, threads: 2));
        Assert.Equal(one.EnrolledDistribution, two.EnrolledDistribution);
        Assert.Equal(one.MeanEnrolled, two.MeanEnrolled);
        Assert.Equal(one.AtLeastMinResponses, two.AtLeastMinResponses);
    }

    [Theory]
    [InlineData(0.30, 0)]
    [InlineData(0.30, 2)]
    [InlineData(0.05, 4)]
    public void One_dose_enrolled_distribution_matches_a_patient_by_patient_enumeration(double p, int expansion)
    {
        const double q = 0.2;
        var design = Design.ThreePlusThree(1, expandTopDose: true);
        var scenario = new Scenario("one", [p]);
        var r = SampleSizeExact.Run(StateGraph.Build(design), scenario, 0.30, new SampleSizeModel { NonEvaluableRate = q, ExpansionCohort = expansion });
        var brute = OneDoseByHand(p, q, expansion, maxEnrolled: 120);
        for (int n = 0; n < Math.Max(brute.Length, r.EnrolledDistribution.Length); n++)
            Assert.Equal(n < brute.Length ? brute[n] : 0, n < r.EnrolledDistribution.Length ? r.EnrolledDistribution[n] : 0, 12);
        Assert.Equal(new[] { 3, 6 }, Enumerable.Range(0, r.EvaluableDistribution.Length).Where(n => r.EvaluableDistribution[n] > 0));
    }

    /// <summary>
    /// The one-dose 3+3 with top-dose expansion, enrolled patient by patient: each is non-evaluable
    /// (replaced) with probability q, else has a DLT with probability p. After 3 evaluable, 0-1 DLTs
    /// treat 3 more and 2+ stop with no dose; after 6, 0-1 DLTs select the dose (then the expansion
    /// cohort is enrolled), 2+ stop. Returns P(enrolled = n).
    /// </summary>
    private static double[] OneDoseByHand(double p, double q, int expansion, int maxEnrolled)
    {
        var result = new double[maxEnrolled + expansion + 1];
        // state: (evaluable, dlts) -> probability by enrolled count, advanced one enrolment at a time
        var current = new Dictionary<(int Eval, int Dlts), double> { [(0, 0)] = 1.0 };
        for (int enrolled = 0; enrolled < maxEnrolled && current.Count > 0; enrolled++)
        {
            var next = new Dictionary<(int, int), double>();
            void Add((int, int) key, double w) => next[key] = next.GetValueOrDefault(key) + w;
            foreach (var ((ev, x), w) in current)
            {
                Add((ev, x), w * q);
                foreach (var (dlt, pw) in new[] { (1, (1 - q) * p), (0, (1 - q) * (1 - p)) })
                {
                    int e2 = ev + 1, x2 = x + dlt;
                    double w2 = w * pw;
                    if (e2 == 3 && x2 >= 2) result[enrolled + 1] += w2;
                    else if (e2 == 6) result[enrolled + 1 + (x2 <= 1 ? expansion : 0)] += w2;
                    else Add((e2, x2), w2);
                }
            }
            current = next;
        }
        int last = Array.FindLastIndex(result, v => v > 1e-300);
        return result.Take(last + 1).ToArray();
    }

    [Fact]
    public void Efficacy_exact_agrees_with_simulation_and_with_a_direct_sum()
    {
        var design = Design.ThreePlusThree(3);
        var scenario = Middle with { Response = [0.20, 0.40, 0.60] };
        var model = new SampleSizeModel { NonEvaluableRate = 0.1, ExpansionCohort = 6, MinResponses = 4 };
        var graph = StateGraph.Build(design);
        var exact = SampleSizeExact.Run(graph, scenario, 0.30, model);
        var mc = SampleSizeSimulation.Run(design, scenario, 0.30, model, Mc(200_000, 13));
        Within4Se(exact.AtLeastMinResponses!.Value.Value, mc.AtLeastMinResponses!.Value);
        Within4Se(exact.ExpectedRespondersAtSelected!.Value.Value, mc.ExpectedRespondersAtSelected!.Value);
        for (int d = 0; d < 3; d++) Within4Se(exact.ExpectedResponders![d].Value, mc.ExpectedResponders![d]);

        // Independently: sum over terminal states of P(state) P(Binomial(n_sel + 6, r_sel) >= 4).
        var prob = ExactEngine.NodeProbabilities(graph, scenario);
        double direct = 0;
        for (int t = graph.FirstTerminal; t < graph.NodeCount; t++)
        {
            int sel = graph.SelectedLevel(t);
            if (sel < 0) continue;
            int n = graph.PatientsAt(t)[sel] + 6;
            double atLeast = 0;
            for (int k = 4; k <= n; k++) atLeast += Binomial.PMF(scenario.Response![sel], n, k);
            direct += prob[t] * atLeast;
        }
        Assert.Equal(direct, exact.AtLeastMinResponses.Value.Value, 12);
        Assert.Equal(4, exact.MinResponses);
    }

    [Fact]
    public void Analysis_uses_exact_for_the_3_plus_3_and_simulation_when_the_graph_does_not_fit()
    {
        var design = Design.ThreePlusThree(3);
        var model = new SampleSizeModel { NonEvaluableRate = 0.1, PlannedN = 13 };
        Scenario[] scenarios = [Middle, new("safe", [0.05, 0.08, 0.12])];
        var exact = SampleSize.Analyze(design, scenarios, 0.30, model, Mc(50_000, 1));
        Assert.Equal("exact", exact.Engine);
        Assert.Equal(exact.Results.Max(r => r.EnrolledQuantile(0.9)), exact.RecommendedN);
        Assert.Equal(exact.RecommendedN, exact.WorstScenario.EnrolledQuantile(0.9));
        var simulated = SampleSize.Analyze(design, scenarios, 0.30, model, Mc(50_000, 1), maxStates: 10);
        Assert.Equal("monte-carlo", simulated.Engine);
        Assert.Equal(50_000, simulated.Trials);
        Assert.All(simulated.Results, r => Assert.True(r.MeanEnrolled.Se > 0));
        Assert.InRange(Math.Abs(simulated.RecommendedN - exact.RecommendedN), 0, 1);
    }

    [Theory]
    [InlineData(-0.1, 0.9)]
    [InlineData(0.95, 0.9)]
    [InlineData(0.1, 0)]
    [InlineData(0.1, 1)]
    public void Model_rejects_rates_out_of_range(double q, double coverage) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SampleSizeModel { NonEvaluableRate = q, Coverage = coverage }.Validate());

    private static void Within4Se(double exact, Estimate mc)
    {
        Assert.True(mc.Se > 0 || Math.Abs(exact - mc.Value) < 1e-12, $"zero standard error with {mc.Value} vs exact {exact}");
        Assert.True(Math.Abs(exact - mc.Value) <= 4 * mc.Se + 1e-12, $"exact {exact} vs Monte Carlo {mc.Value} (se {mc.Se})");
    }
}
