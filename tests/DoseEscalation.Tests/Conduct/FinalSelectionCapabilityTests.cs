using DoseEscalation.Conduct;
using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Designs.Rules;

namespace DoseEscalation.Tests.Conduct;

/// <summary>
/// next --final asks the design's <see cref="IFinalSelection"/> capability: every catalog design with
/// a selection rule selects at a final analysis, through trial-level rules too.
/// </summary>
public class FinalSelectionCapabilityTests
{
    private static readonly double[] Skeleton = [0.1, 0.2, 0.3, 0.4, 0.5];
    private const string Data = "1NNN 2NTN";
    private static readonly ConductOptions FinalNow = new() { Final = true, AllowDeviations = true };

    // The CRM's selection computed here, not by the library: the posterior mean of beta under the
    // empiric model p_d = s_d^exp(beta) and the N(0, 1.34) prior, by a fine Riemann sum (beta beyond
    // [-8, 5] carries no mass at 1.34), then the dose whose p_d at that mean is closest to the target.
    private static int CrmSelectionByHand(double[] skeleton, int[] n, int[] x, double target)
    {
        double num = 0, den = 0;
        for (double b = -8; b <= 5; b += 1e-4)
        {
            double log = -b * b / (2 * 1.34);
            for (int d = 0; d < skeleton.Length; d++)
            {
                if (n[d] == 0) continue;
                double p = Math.Pow(skeleton[d], Math.Exp(b));
                log += x[d] * Math.Log(p) + (n[d] - x[d]) * Math.Log(1 - p);
            }
            double w = Math.Exp(log);
            num += b * w;
            den += w;
        }
        double mean = num / den;
        return Enumerable.Range(0, skeleton.Length).MinBy(d => Math.Abs(Math.Pow(skeleton[d], Math.Exp(mean)) - target));
    }

    [Fact]
    public void Tite_crm_with_every_patient_complete_selects_as_the_crm()
    {
        int expected = CrmSelectionByHand(Skeleton, [3, 3, 0, 0, 0], [0, 1, 0, 0, 0], 0.3);
        Assert.Equal(2, expected); // posterior mean of beta -0.048: p = (0.111, 0.216, 0.317, ...)

        var tite = TrialConduct.Next(Design.TiteCrm(Skeleton, 0.3), TrialData.Parse(Data, 5), FinalNow);
        var crm = TrialConduct.Next(Design.Crm(Skeleton, 0.3), TrialData.Parse(Data, 5), FinalNow);
        Assert.Equal(expected, tite.Final!.SelectedLevel);
        Assert.Equal(crm.Final!.SelectedLevel, tite.Final.SelectedLevel);
        Assert.Equal(crm.Final.Rule, tite.Final.Rule);
        Assert.Equal(0.3, tite.Final.Target);
    }

    [Fact]
    public void Tite_boin_selects_by_boins_select_mtd()
    {
        // select.mtd on (3, 3) patients, (0, 1) DLTs: (x + 0.05)/(n + 0.1) = 0.016, 0.339, already
        // increasing; closest to 0.25 is dose 2. A target of 0.25 also shows the design's own target is used.
        double[] phat = [0.05 / 3.1, 1.05 / 3.1];
        int expected = phat[0] < phat[1] && Math.Abs(phat[1] - 0.25) < Math.Abs(phat[0] - 0.25) ? 1 : 0;
        Assert.Equal(1, expected);

        var tite = TrialConduct.Next(Design.TiteBoin(doses: 4, target: 0.25), TrialData.Parse(Data, 4), FinalNow);
        var boin = TrialConduct.Next(Design.Boin(doses: 4, target: 0.25), TrialData.Parse(Data, 4), FinalNow);
        Assert.Equal(expected, tite.Final!.SelectedLevel);
        Assert.Equal(boin.Final!.SelectedLevel, tite.Final.SelectedLevel);
        Assert.Equal(boin.Final.Rule, tite.Final.Rule);
        Assert.Equal(0.25, tite.Final.Target);
    }

    // Catalog designs without a selection rule before their own stop. The rolling six's rule (the
    // highest dose with at most 1 DLT in 6 below a too-toxic dose) is not implemented as one yet.
    private static readonly string[] WithoutSelection = ["rolling-six"];

    public static TheoryData<string> CatalogNames() => new(DesignCatalog.Default.Names);

    [Theory]
    [MemberData(nameof(CatalogNames))]
    public void Final_uses_the_selection_rule_of_every_catalog_design_that_has_one(string name)
    {
        var design = DesignCatalog.Default.Get(name).Create(new DesignContext(3, 0.3), new OptionValues()).Design;
        var selection = design.TryGet<IFinalSelection>();
        Assert.Equal(!WithoutSelection.Contains(name), selection is not null);

        // Responses recorded (E: a response, B: a DLT and a response) so the efficacy designs read them too.
        var data = TrialData.Parse("1NEN 2NBE", 3);
        foreach (var d in new[] { design, new StopAtDoseCount(design, 12) })
        {
            var final = TrialConduct.Next(d, data, FinalNow).Final!;
            if (selection is null)
            {
                Assert.Equal("this design has no selection rule before it stops", final.Rule);
                continue;
            }
            Assert.DoesNotContain("no selection rule", final.Rule);
            Assert.Equal(selection.SelectionRule, final.Rule);
            Assert.Equal(DesignRule.SelectOf(d, TrialConduct.Next(d, data, FinalNow).Replay.State), final.SelectedLevel);
            Assert.Equal(design.TryGet<ITargeted>()?.Target ?? 0.30, final.Target);
        }
    }
}
