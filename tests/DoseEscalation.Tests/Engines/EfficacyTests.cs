using DoseEscalation.Engines;

namespace DoseEscalation.Tests.Engines;

/// <summary>Efficacy in the OCs: exact values against an independent per-patient simulation that draws every response.</summary>
public class EfficacyTests
{
    private static readonly Scenario S = new("s", [0.05, 0.15, 0.35]) { Response = [0.2, 0.4, 0.6] };

    [Fact]
    public void Exact_expected_responders_are_the_response_rate_times_the_expected_allocation()
    {
        var oc = ExactEngine.Run(StateGraph.Build(Design.ThreePlusThree(3)), S, 0.3);
        var e = oc.Efficacy!;
        for (int d = 0; d < 3; d++) Assert.Equal(S.Response![d] * oc.MeanPatients[d].Value, e.RespondersPerDose[d].Value, 12);
        Assert.Equal(e.RespondersPerDose.Sum(x => x.Value), e.TotalResponders.Value, 12);
        Assert.Equal(1, e.AtLeastResponsesAtSelected[0].Value);
        // P(>= r) falls with r.
        for (int r = 1; r < e.AtLeastResponsesAtSelected.Length; r++)
            Assert.True(e.AtLeastResponsesAtSelected[r].Value <= e.AtLeastResponsesAtSelected[r - 1].Value + 1e-15);
        Assert.Null(ExactEngine.Run(StateGraph.Build(Design.ThreePlusThree(3)), new Scenario("t", [0.1, 0.2, 0.3]), 0.3).Efficacy);
    }

    [Theory]
    [InlineData("3+3")]
    [InlineData("boin")]
    public void Exact_efficacy_agrees_with_a_simulation_that_draws_each_patients_response(string name)
    {
        var design = Designs.Build.Design(name, 3, 0.3);
        var exact = ExactEngine.Run(StateGraph.Build(design), S, 0.3).Efficacy!;
        // Independent simulation: every patient draws a DLT and a response; the design sees the DLTs.
        var rng = new Random(20261130);
        const int trials = 200_000;
        double atSel = 0, atSelSq = 0, total = 0, totalSq = 0;
        int atLeast2 = 0;
        for (int t = 0; t < trials; t++)
        {
            var patients = new int[3]; var dlts = new int[3]; var responders = new int[3];
            int level = 0, last = -1, n = 0;
            Decision dec;
            while (!(dec = design.Decide(new TrialState(patients, dlts, level, last, n))).IsStop)
            {
                int x = 0;
                for (int i = 0; i < dec.CohortSize; i++)
                {
                    if (rng.NextDouble() < S.Dlt[dec.Level]) x++;
                    if (rng.NextDouble() < S.Response![dec.Level]) responders[dec.Level]++;
                }
                patients[dec.Level] += dec.CohortSize; dlts[dec.Level] += x;
                (level, last, n) = (dec.Level, x, n + dec.CohortSize);
            }
            int r = dec.Level >= 0 ? responders[dec.Level] : 0;
            atSel += r; atSelSq += (double)r * r;
            int all = responders.Sum();
            total += all; totalSq += (double)all * all;
            if (r >= 2) atLeast2++;
        }
        double Se(double sum, double sq) => Math.Sqrt((sq / trials - Math.Pow(sum / trials, 2)) / trials);
        Assert.InRange(exact.RespondersAtSelected.Value, atSel / trials - 4 * Se(atSel, atSelSq), atSel / trials + 4 * Se(atSel, atSelSq));
        Assert.InRange(exact.TotalResponders.Value, total / trials - 4 * Se(total, totalSq), total / trials + 4 * Se(total, totalSq));
        double p = (double)atLeast2 / trials, pSe = Math.Sqrt(p * (1 - p) / trials);
        Assert.InRange(exact.AtLeastResponsesAtSelected[2].Value, p - 4 * pSe, p + 4 * pSe);
    }

    [Fact]
    public void Monte_carlo_efficacy_agrees_with_exact_within_4_standard_errors_whatever_the_method()
    {
        var design = Design.ThreePlusThree(3);
        var exact = ExactEngine.Run(StateGraph.Build(design), S, 0.3).Efficacy!;
        foreach (var method in new[] { SimulationMethod.CompiledGraph, SimulationMethod.TrialLoop })
        {
            var mc = MonteCarloEngine.Run(design, S, 0.3, new MonteCarloOptions { Trials = 400_000, Seed = 7, Method = method }).Efficacy!;
            void Near(Estimate e, double x) => Assert.InRange(x, e.Value - 4 * e.Se, e.Value + 4 * e.Se);
            for (int d = 0; d < 3; d++) Near(mc.RespondersPerDose[d], exact.RespondersPerDose[d].Value);
            Near(mc.TotalResponders, exact.TotalResponders.Value);
            Near(mc.RespondersAtSelected, exact.RespondersAtSelected.Value);
            for (int r = 1; r <= 4; r++) Near(mc.AtLeastResponsesAtSelected[r], exact.AtLeastResponsesAtSelected[r].Value);
            Assert.True(mc.TotalResponders.Se > 0);
        }
    }
}
