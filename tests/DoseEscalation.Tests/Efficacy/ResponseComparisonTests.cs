using DoseEscalation.Designs;
using DoseEscalation.Engines;

namespace DoseEscalation.Tests.Efficacy;

/// <summary>compare with a design that reads responses: same DLT draws for the others, paired OBD and utility differences.</summary>
public class ResponseComparisonTests
{
    private static readonly Scenario S = new Scenario("s", [0.05, 0.12, 0.30, 0.50]) { Response = [0.10, 0.40, 0.45, 0.50] }.WithGumbel(-0.3);
    private static readonly MonteCarloOptions Options = new() { Trials = 30_000, Seed = 42, Threads = 2 };

    private static IDesign Boin() => new Boin(4, 0.3, cohortSize: 3, maxN: 18);
    private static IDesign Three() => Design.ThreePlusThree(4);
    private static Boin12 B12() => new(4, 0.3, 0.25, cohortSize: 3, maxN: 18);

    [Fact]
    public void Designs_that_ignore_responses_keep_their_comparison_results_to_the_bit()
    {
        var without = ComparisonEngine.Run([Boin(), Three()], S, 0.3, Options, 18);
        var with = ComparisonEngine.Run([Boin(), Three(), B12()], S, 0.3, Options, 18);
        for (int j = 0; j < 2; j++)
        {
            Assert.Equal(without.Designs[j].Oc.Selection, with.Designs[j].Oc.Selection);
            Assert.Equal(without.Designs[j].Oc.MeanPatients, with.Designs[j].Oc.MeanPatients);
            Assert.Equal(without.Designs[j].Oc.MeanDlts, with.Designs[j].Oc.MeanDlts);
            Assert.Equal(without.Designs[j].CorrectSelectionDifference, with.Designs[j].CorrectSelectionDifference);
        }
        Assert.Equal(without.BenchmarkCorrectSelection, with.BenchmarkCorrectSelection);
    }

    [Fact]
    public void Boin12_in_compare_agrees_with_its_exact_results_and_differences_are_paired()
    {
        var c = ComparisonEngine.Run([Boin(), B12()], S, 0.3, Options, 18);
        var exact = ExactEngine.Run(B12(), S, 0.3);
        var mc = c.Designs[1].Oc;
        for (int j = 0; j <= 4; j++) Within(exact.Selection[j], mc.Selection[j]);
        Within(exact.DoseOptimisation!.SelectObd, mc.DoseOptimisation!.SelectObd);
        Within(exact.DoseOptimisation.UtilityOfSelected, mc.DoseOptimisation.UtilityOfSelected);
        Within(exact.Efficacy!.RespondersAtSelected, mc.Efficacy!.RespondersAtSelected);
        // The paired difference is the difference of the two estimates, with its own (paired) standard error.
        var d = c.Designs[1];
        Assert.Equal(mc.DoseOptimisation.SelectObd.Value - c.Designs[0].Oc.DoseOptimisation!.SelectObd.Value, d.SelectObdDifference!.Value.Value, 12);
        Assert.Equal(mc.DoseOptimisation.UtilityOfSelected.Value - c.Designs[0].Oc.DoseOptimisation!.UtilityOfSelected.Value, d.UtilityDifference!.Value.Value, 4);
        Assert.True(d.SelectObdDifference.Value.Se > 0 && d.UtilityDifference.Value.Se > 0);
        // BOIN's responders are drawn too: within 4 SE of r_d E[n_d] from its exact allocation.
        var boinExact = ExactEngine.Run(Boin(), S, 0.3);
        for (int k = 0; k < 4; k++)
            Within(new Estimate(S.Response![k] * boinExact.MeanPatients[k].Value, 0), c.Designs[0].Oc.Efficacy!.RespondersPerDose[k]);
    }

    private static void Within(Estimate exact, Estimate mc) =>
        Assert.InRange(exact.Value, mc.Value - 4 * mc.Se - 1e-12, mc.Value + 4 * mc.Se + 1e-12);
}
