using DoseEscalation;
using DoseEscalation.Engines;

namespace DoseEscalation.Tests.Engines;

public class ExactEngineTests
{
    private static double Pass(double p) => Math.Pow(1 - p, 3) + 3 * p * Math.Pow(1 - p, 5);

    [Fact]
    public void Passing_probability_closed_form_value() => Assert.Equal(0.4943, Pass(0.30), 4);

    // Escalation-only 3+3 without top expansion: P(select i) = (1 - e_{i+1}) prod_{j<=i} e_j.
    [Theory]
    [InlineData(new[] { 0.05, 0.10, 0.20 })]
    [InlineData(new[] { 0.10, 0.25, 0.40 })]
    [InlineData(new[] { 0.02, 0.3, 0.5, 0.7 })]
    [InlineData(new[] { 0.5, 0.6 })]
    [InlineData(new[] { 0.0, 0.0, 1.0 })]
    public void Escalation_only_selection_matches_closed_form(double[] p)
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(p.Length, deescalate: false, expandTopDose: false), new Scenario("s", p), 0.3);
        double reach = 1;
        for (int i = 0; i < p.Length; i++)
        {
            double e = Pass(p[i]);
            // selecting dose i (level i-1): pass doses 1..i, fail dose i+1 (or i is the top dose)
            double expected = reach * (i == 0 ? 1 : 1) * (1 - e);
            Assert.Equal(expected, oc.Selection[i].Value, 12); // P(stop at level i-1 or none for i=0)
            // E[patients at a reached dose] = 3 + 9 p (1-p)^2
            Assert.Equal(reach * (3 + 9 * p[i] * (1 - p[i]) * (1 - p[i])), oc.MeanPatients[i].Value, 12);
            reach *= e;
        }
        Assert.Equal(reach, oc.Selection[p.Length].Value, 12);
        Assert.Equal(1.0, oc.TotalProbability, 12);
        Assert.All(oc.Selection, s => Assert.Equal(0, s.Se));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 46)]
    [InlineData(3, 154)]
    [InlineData(4, 442)]
    public void Distinct_outcome_paths_match_published_counts(int doses, long paths) =>
        Assert.Equal(paths, StateGraph.Build(Design.ThreePlusThree(doses)).CountPaths());

    [Fact]
    public void Ten_dose_graph_is_small_and_sums_to_one()
    {
        var p = Enumerable.Range(1, 10).Select(i => i * 0.06).ToArray();
        var oc = ExactEngine.Run(Design.ThreePlusThree(10), new Scenario("ten", p), 0.3);
        Assert.Equal(1.0, oc.TotalProbability, 12);
        Assert.Equal(1.0, oc.Selection.Sum(s => s.Value), 12);
        Assert.Equal(1.0, oc.NDistribution.Sum(), 12);
        Assert.InRange(oc.StateCount, 10, 200_000);
    }

    [Fact]
    public void N_takes_only_multiples_of_three_up_to_eighteen()
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(3), new Scenario("s", [0.1, 0.2, 0.35]), 0.3);
        for (int n = 0; n < oc.NDistribution.Length; n++)
            if (n % 3 != 0 || n > 18) Assert.Equal(0, oc.NDistribution[n]);
        Assert.True(oc.NDistribution[18] > 0);
        Assert.Equal(1.0, oc.NCumulative(18), 12);
    }

    [Fact]
    public void State_limit_gives_a_clear_error()
    {
        var ex = Assert.Throws<StateSpaceTooLargeException>(() => StateGraph.Build(Design.ThreePlusThree(10), maxStates: 20));
        Assert.Contains("Monte Carlo", ex.Message);
    }
}
