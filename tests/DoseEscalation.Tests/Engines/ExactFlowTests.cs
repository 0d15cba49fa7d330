using DoseEscalation;
using DoseEscalation.Engines;

namespace DoseEscalation.Tests.Engines;

/// <summary>
/// The level-by-level exact flow (no stored graph) against the graph engine: every sum of every
/// scenario's tally must be the same double, bit for bit, so every exact figure is unchanged.
/// </summary>
public class ExactFlowTests
{
    public static TheoryData<string> Designs => new()
    {
        "3+3 3", "3+3 10", "3+3 5 no-deesc", "3+3 4 start 2", "boin 4 24", "boin 4 25", "boin 5 30 c2", "boin 6 36",
        "mtpi2 4 24", "keyboard 4 24", "i3+3 4 24", "crm 4 18",
    };

    private static IDesign Make(string name) => name switch
    {
        "3+3 3" => Design.ThreePlusThree(3),
        "3+3 10" => Design.ThreePlusThree(10),
        "3+3 5 no-deesc" => Design.ThreePlusThree(5, deescalate: false, expandTopDose: false),
        "3+3 4 start 2" => Design.ThreePlusThree(4, startDose: 2),
        "boin 4 24" => Design.Boin(4, 0.3, maxN: 24),
        "boin 4 25" => Design.Boin(4, 0.3, maxN: 25), // a last cohort of 1
        "boin 5 30 c2" => Design.Boin(5, 0.25, cohortSize: 2, maxN: 30),
        "boin 6 36" => Design.Boin(6, 0.3, maxN: 36),
        "mtpi2 4 24" => Design.Mtpi2(4, 0.3, maxN: 24),
        "keyboard 4 24" => Design.Keyboard(4, 0.3, maxN: 24),
        "i3+3 4 24" => Design.IThreePlusThree(4, 0.3, maxN: 24),
        "crm 4 18" => Design.Crm(4, 0.3, 0.05, 2, maxN: 18), // keeps the last cohort's DLTs in the state
        _ => throw new ArgumentException(name),
    };

    private static Scenario[] ScenariosFor(int doses) =>
    [
        new("rising", Enumerable.Range(1, doses).Select(i => 0.06 * i).ToArray()),
        new("flat", Enumerable.Repeat(0.3, doses).ToArray()),
        new("with zeros", Enumerable.Range(0, doses).Select(i => i == 0 ? 0.0 : Math.Min(1.0, 0.2 * i)).ToArray()),
        new("efficacy", Enumerable.Range(1, doses).Select(i => 0.05 * i).ToArray())
            { Response = Enumerable.Range(1, doses).Select(i => Math.Min(0.9, 0.1 * i)).ToArray() },
    ];

    [Theory]
    [MemberData(nameof(Designs))]
    public void Flow_gives_the_graph_engines_tallies_bit_for_bit(string name)
    {
        var design = Make(name);
        var scenarios = ScenariosFor(design.DoseCount);
        var graph = StateGraph.Build(design);
        var flow = ExactFlow.Run(design, scenarios, 0.3, StateGraph.DefaultMaxStates);
        Assert.NotNull(flow); // every cohort of one size (or a smaller last one): the discovery order is by total N
        Assert.Equal(graph.NodeCount, flow.Value.States);
        for (int s = 0; s < scenarios.Length; s++)
        {
            var expected = ExactEngine.Tally(graph, scenarios[s], scenarios[s].TrueMtdLevel(0.3));
            AssertSame(expected, flow.Value.Tallies[s]);
        }
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void Run_by_design_equals_run_over_the_graph(string name)
    {
        var design = Make(name);
        var scenarios = ScenariosFor(design.DoseCount);
        var byDesign = ExactEngine.Run(design, scenarios, 0.3);
        var graph = StateGraph.Build(design);
        for (int s = 0; s < scenarios.Length; s++)
        {
            var byGraph = ExactEngine.Run(graph, scenarios[s], 0.3);
            Assert.Equal(byGraph.MeanN.Value, byDesign[s].MeanN.Value);
            Assert.Equal(byGraph.MeanN.Se, byDesign[s].MeanN.Se);
            Assert.Equal(byGraph.Selection.Select(x => x.Value), byDesign[s].Selection.Select(x => x.Value));
            Assert.Equal(byGraph.MeanPatients.Select(x => x.Value), byDesign[s].MeanPatients.Select(x => x.Value));
            Assert.Equal(byGraph.NDistribution, byDesign[s].NDistribution);
            Assert.Equal(byGraph.TotalProbability, byDesign[s].TotalProbability);
            Assert.Equal(byGraph.StateCount, byDesign[s].StateCount);
        }
    }

    [Fact]
    public void Ten_dose_three_plus_three_prints_the_same_mean_n()
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(10), new Scenario("ten", Enumerable.Range(1, 10).Select(i => i * 0.06).ToArray()), 0.3);
        Assert.Equal("18.570631718141303", oc.MeanN.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(90_637, oc.StateCount);
    }

    [Fact]
    public void Cohorts_of_two_sizes_fall_back_to_the_graph_with_the_same_results()
    {
        // A = 3, B = 2: from total 3 the next states are at 5 (B) and 6 (A), so a smaller total
        // can be discovered after a larger one; the flow declines and the graph answers.
        var design = Design.AplusB(4, 3, 2, 1, 1, 1);
        var scenarios = ScenariosFor(4);
        Assert.Null(ExactFlow.Run(design, scenarios, 0.3, StateGraph.DefaultMaxStates));
        var graph = StateGraph.Build(design);
        var byDesign = ExactEngine.Run(design, scenarios, 0.3);
        for (int s = 0; s < scenarios.Length; s++)
            Assert.Equal(ExactEngine.Run(graph, scenarios[s], 0.3).MeanN.Value, byDesign[s].MeanN.Value);
    }

    [Fact]
    public void Too_many_states_stops_at_the_limit_as_the_graph_does()
    {
        var design = Design.ThreePlusThree(10);
        var scenario = new Scenario("ten", Enumerable.Repeat(0.2, 10).ToArray());
        Assert.Throws<StateSpaceTooLargeException>(() => ExactFlow.Run(design, [scenario], 0.3, 1000));
        Assert.Throws<StateSpaceTooLargeException>(() => ExactEngine.Run(design, scenario, 0.3, 90_636));
        Assert.Equal(90_637, ExactFlow.Run(design, [scenario], 0.3, 90_637)!.Value.States);
    }

    [Fact]
    public void No_scenarios_give_no_results() => Assert.Empty(ExactEngine.Run(Design.ThreePlusThree(3), [], 0.3));

    [Fact]
    public void A_scenario_with_the_wrong_number_of_doses_is_refused() =>
        Assert.Throws<ArgumentException>(() => ExactEngine.Run(Design.ThreePlusThree(3), [new Scenario("s", [0.1, 0.2])], 0.3));

    private static void AssertSame(OcTally<double> a, OcTally<double> b)
    {
        Assert.Equal(a.Weight, b.Weight);
        Assert.Equal(a.Selection, b.Selection);
        Assert.Equal(a.PatientsSum, b.PatientsSum);
        Assert.Equal(a.PatientsSq, b.PatientsSq);
        Assert.Equal(a.DltsSum, b.DltsSum);
        Assert.Equal(a.DltsSq, b.DltsSq);
        Assert.Equal(a.NDistribution, b.NDistribution);
        Assert.Equal(a.DltTotalDistribution, b.DltTotalDistribution);
        Assert.Equal([a.AboveSum, a.AboveSq, a.AboveTimesN, a.AtSum, a.AtSq, a.AtTimesN, a.AnyAbove, a.Above60, a.NSq],
            [b.AboveSum, b.AboveSq, b.AboveTimesN, b.AtSum, b.AtSq, b.AtTimesN, b.AnyAbove, b.Above60, b.NSq]);
        Assert.Equal(a.SelectedPatients, b.SelectedPatients);
        Assert.Equal(a.PatientsCross, b.PatientsCross);
    }
}
