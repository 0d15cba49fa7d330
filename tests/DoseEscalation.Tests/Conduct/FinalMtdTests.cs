using DoseEscalation.Conduct;

namespace DoseEscalation.Tests.Conduct;

public class FinalMtdTests
{
    // BOIN's select.mtd help example (also in Yan et al. 2020, J Stat Softw 94(13), and escalation's
    // test of select_boin_mtd): n = (3, 3, 15, 9, 0), y = (0, 0, 4, 4, 0), target 0.3; the MTD is dose 3.
    // Beta quantiles and tails checked against mpmath's regularised incomplete beta (30 digits).
    [Fact]
    public void Select_mtd_help_example()
    {
        var e = SelectMtdEstimates.Compute(0.3, [3, 3, 15, 9, 0], [0, 0, 4, 4, 0]);
        double?[] phat = [0.05 / 3.1, 0.05 / 3.1, 4.05 / 15.1, 4.05 / 9.1, null];
        double?[] lower = [0, 0, 0.0852748897894058, 0.158700626439516, null];
        double?[] upper = [0.196038970915588, 0.196038970915588, 0.508919416362264, 0.754166188173268, null];
        double?[] overdose = [0.0129635368219768, 0.0129635368219768, 0.360118904443716, 0.80843920259127, null];
        for (int d = 0; d < 5; d++)
        {
            AssertClose(phat[d], e[d].Estimate, 1e-14);
            AssertClose(lower[d], e[d].Lower, 1e-11);
            AssertClose(upper[d], e[d].Upper, 1e-11);
            AssertClose(overdose[d], e[d].ProbOverdose, 1e-11);
        }
        // As R prints them (formatC digits = 2): 0.02 (0.00,0.20) 0.01; 0.27 (0.09,0.51) 0.36; 0.45 (0.16,0.75) 0.81.
        Assert.Equal(["0.02", "0.02", "0.27", "0.45"], e.Take(4).Select(x => x.Estimate!.Value.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));

        // escalation's test trial with these counts stops at N = 30 with dose 3, as select.mtd says. BOIN
        // itself would have escalated after 0/6 at dose 3, so it replays only as a trial with deviations.
        var data = TrialData.Parse("1NNN 2NNN 3NNN 3NNN 3NNN 3NNT 3TTT 4NNN 4NNT 4TTT", 5);
        Assert.Throws<DeviationException>(() => TrialConduct.Next(Design.Boin(doses: 5, target: 0.3), data));
        var r = TrialConduct.Next(Design.Boin(doses: 5, target: 0.3), data, new ConductOptions { AllowDeviations = true });
        Assert.True(r.DeviationsOccurred);
        Assert.True(r.Replay.Stopped);
        Assert.Equal(2, r.Final!.SelectedLevel);
        Assert.Equal(e.Select(x => x.Estimate), r.Final.Estimates.Select(x => x.Estimate));
    }

    [Fact]
    public void Estimates_and_interval_ends_are_pooled_by_weighted_pava()
    {
        // n = (3, 6, 3), y = (1, 0, 2): doses 1 and 2 violate the order and pool, each quantity with the
        // inverse-variance weights (P(overdose) unweighted). Expected values: mpmath and an independent PAVA.
        var e = SelectMtdEstimates.Compute(0.3, [3, 6, 3], [1, 0, 2]);
        Assert.Equal(0.0149817488222712, e[0].Estimate!.Value, 13);
        Assert.Equal(e[0].Estimate, e[1].Estimate);
        Assert.Equal(0.000303649139676004, e[1].Lower!.Value, 11);
        Assert.Equal(0.111806960223819, e[1].Upper!.Value, 11);
        Assert.Equal(0.251932247120919, e[0].ProbOverdose!.Value, 11);
        Assert.Equal(0.661290322580645, e[2].Estimate!.Value, 13);
    }

    [Fact]
    public void Final_before_the_design_stops_uses_each_designs_selection()
    {
        var boin = TrialConduct.Next(Design.Boin(doses: 4, target: 0.3), TrialData.Parse("1NNN 2NNN 3TNN 3NNT", 4), new ConductOptions { Final = true });
        Assert.False(boin.Replay.Stopped);
        Assert.Equal(2, boin.Final!.SelectedLevel);
        Assert.StartsWith("final analysis requested before the design stopped (it would treat 3 at dose 3 next)", boin.Final.Reason);

        var tpt = TrialConduct.Next(Design.ThreePlusThree(doses: 3), TrialData.Parse("1NNN 2NTN 2NNN", 3), new ConductOptions { Final = true, Target = 0.33 });
        Assert.Equal(1, tpt.Final!.SelectedLevel);
        Assert.Equal(0.33, tpt.Final.Target);

        var crm = TrialConduct.Next(Design.Crm([0.05, 0.10, 0.20, 0.30, 0.50], 0.25), TrialData.Parse("1NNN 2NNN 3NTN", 5), new ConductOptions { Final = true });
        Assert.Equal(3, crm.Final!.SelectedLevel); // the estimated MTD, without the escalation restriction

        var none = TrialConduct.Next(Design.ThreePlusThree(doses: 3), TrialData.Parse("1NNN", 3));
        Assert.Null(none.Final);
    }

    private static void AssertClose(double? expected, double? actual, double tolerance)
    {
        if (expected is null) { Assert.Null(actual); return; }
        Assert.NotNull(actual);
        Assert.True(Math.Abs(expected.Value - actual.Value) <= tolerance, $"expected {expected}, got {actual}");
    }
}
