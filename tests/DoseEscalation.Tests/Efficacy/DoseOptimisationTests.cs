using DoseEscalation.Engines;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Tests.Efficacy;

/// <summary>Utility table, true OBD and the dose-optimisation summaries in every result.</summary>
public class DoseOptimisationTests
{
    // DLT 0.05, 0.15, 0.35; response 0.2, 0.5, 0.6 (independent). Default utilities:
    // u = 100 p01 + 40 p00 + 60 p11 = 60 pE + 40 (1 - pT) here (additive table):
    // dose 1: 12 + 38 = 50; dose 2: 30 + 34 = 64; dose 3: 36 + 26 = 62 (too toxic at target 0.3).
    private static readonly Scenario S = new("s", [0.05, 0.15, 0.35]) { Response = [0.2, 0.5, 0.6] };

    [Fact]
    public void Expected_utility_and_the_true_obd_by_hand()
    {
        var u = UtilityTable.Boin12Default;
        Assert.True(u.IsAdditive);
        Assert.Equal(50, u.Expected(S.Cells(0)), 12);
        Assert.Equal(64, u.Expected(S.Cells(1)), 12);
        Assert.Equal(62, u.Expected(S.Cells(2)), 12);
        Assert.Equal(1, DoseOptimisationSummary.TrueObd(S, 0.3, u));
        // With a target of 0.4 dose 3 is acceptable but dose 2 still has the highest utility.
        Assert.Equal(1, DoseOptimisationSummary.TrueObd(S, 0.4, u));
        // A minimum response of 0.55 leaves only dose 3, too toxic at 0.3: no OBD.
        Assert.Equal(-1, DoseOptimisationSummary.TrueObd(S, 0.3, u with { MinResponse = 0.55 }));
        // A non-additive table depends on the association: u(DLT and response) = 100 favours positive association.
        var t = new UtilityTable(100, 40, 100, 0);
        Assert.False(t.IsAdditive);
        Assert.True(t.Expected(OutcomeCells.Gumbel(0.35, 0.6, 1)) > t.Expected(OutcomeCells.Gumbel(0.35, 0.6, 0)));
    }

    [Fact]
    public void Exact_results_report_p_select_obd_and_the_utility_of_the_selected_dose()
    {
        var oc = ExactEngine.Run(StateGraph.Build(Design.ThreePlusThree(3)), S, 0.3);
        var o = oc.DoseOptimisation!;
        Assert.Equal(1, o.ObdLevel);
        Assert.Equal(oc.Selection[2].Value, o.SelectObd.Value, 15);
        Assert.Equal(0, o.SelectObd.Se);
        double expected = 50 * oc.Selection[1].Value + 64 * oc.Selection[2].Value + 62 * oc.Selection[3].Value;
        Assert.Equal(expected, o.UtilityOfSelected.Value, 12);
        Assert.Null(ExactEngine.Run(StateGraph.Build(Design.ThreePlusThree(3)), new Scenario("t", [0.1, 0.2, 0.3]), 0.3).DoseOptimisation);
    }

    [Fact]
    public void Monte_carlo_summaries_carry_standard_errors_and_agree_with_exact()
    {
        var design = Design.ThreePlusThree(3);
        var exact = ExactEngine.Run(StateGraph.Build(design), S, 0.3).DoseOptimisation!;
        var mc = MonteCarloEngine.Run(design, S, 0.3, new MonteCarloOptions { Trials = 100_000, Seed = 7, Threads = 1 }).DoseOptimisation!;
        Assert.True(mc.SelectObd.Se > 0 && mc.UtilityOfSelected.Se > 0);
        Assert.InRange(exact.SelectObd.Value, mc.SelectObd.Value - 4 * mc.SelectObd.Se, mc.SelectObd.Value + 4 * mc.SelectObd.Se);
        Assert.InRange(exact.UtilityOfSelected.Value, mc.UtilityOfSelected.Value - 4 * mc.UtilityOfSelected.Se, mc.UtilityOfSelected.Value + 4 * mc.UtilityOfSelected.Se);
    }

    private const string File = """
        trial:
          name: t
        doses: [A, B, C]
        utility:
          neither: 30
          dlt_response: 70
          min_response: 0.1
        scenarios:
          - name: s
            dlt: [0.05, 0.15, 0.35]
            response: [0.2, 0.5, 0.6]
        """;

    [Fact]
    public void The_file_sets_the_utility_table_for_every_scenario()
    {
        var f = ScenarioFileReader.Parse(File, "t.yaml");
        Assert.Equal(new UtilityTable(100, 30, 70, 0) { MinResponse = 0.1 }, f.Scenarios[0].Utility);
        // Without the block: the BOIN12 defaults.
        var g = ScenarioFileReader.Parse(File.Replace("utility:\n  neither: 30\n  dlt_response: 70\n  min_response: 0.1\n", ""), "t.yaml");
        Assert.Equal(UtilityTable.Boin12Default, g.Scenarios[0].Utility);
    }

    [Theory]
    [InlineData("neither: 30", "neither: 130", "utility.neither", "[0, 100]")]
    [InlineData("min_response: 0.1", "min_response: 1.1", "utility.min_response", "[0, 1]")]
    [InlineData("neither: 30", "nether: 30", "utility.nether", "unknown key")]
    [InlineData("    response: [0.2, 0.5, 0.6]", "", "utility", "no scenario has response")]
    public void Bad_utility_blocks_are_refused_by_name(string replace, string with, string field, string problem)
    {
        var ex = Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(File.Replace(replace, with), "t.yaml"));
        Assert.Contains(field, ex.Message);
        Assert.Contains(problem, ex.Message);
    }
}
