using DoseEscalation;
using DoseEscalation.Designs;
using DoseEscalation.Engines;

namespace DoseEscalation.Tests.Designs;

/// <summary>One contract suite over every interval design and its main options.</summary>
public class IntervalDesignContractTests
{
    public static TheoryData<string, IDesign> Designs() => new()
    {
        { "boin", Design.Boin(5, 0.3) },
        { "boin extrasafe earlystop", Design.Boin(5, 0.3, nEarlystop: 12, extraSafe: true) },
        { "boin boundMTD cohort 2 N 17", Design.Boin(4, 0.25, cohortSize: 2, maxN: 17, boundMtd: true) },
        { "boin start 2", Design.Boin(5, 0.3, startDose: 2) },
        { "mtpi2", Design.Mtpi2(5, 0.3) },
        { "mtpi2 asymmetric", Design.Mtpi2(4, 0.2, epsilon1: 0.03, epsilon2: 0.06, maxN: 24) },
        { "keyboard", Design.Keyboard(5, 0.3) },
        { "keyboard earlystop", Design.Keyboard(5, 0.25, nEarlystop: 9) },
        { "i3+3", Design.IThreePlusThree(5, 0.3) },
        { "i3+3 extrasafe", Design.IThreePlusThree(5, 0.2, extraSafe: true, maxN: 24) },
    };

    [Theory]
    [MemberData(nameof(Designs))]
    public void Every_trial_ends_and_decisions_stay_in_range(string name, IDesign design)
    {
        // Build enumerates every reachable state and throws on an out-of-range level, a cohort
        // outside 1..MaxCohortSize, or a trial running past MaxPatients.
        var graph = StateGraph.Build(design);
        Assert.True(graph.NodeCount > 1, name);
        for (int node = 0; node < graph.NodeCount; node++)
            Assert.InRange(graph.TotalPatients(node), 0, design.MaxPatients);
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void Never_escalates_past_an_untried_dose(string name, IDesign design)
    {
        var graph = StateGraph.Build(design);
        for (int node = 0; node < graph.FirstTerminal; node++)
        {
            int next = graph.NextLevel(node);
            var patients = graph.PatientsAt(node);
            int highestTried = -1;
            for (int d = 0; d < patients.Length; d++) if (patients[d] > 0) highestTried = d;
            if (highestTried >= 0) Assert.True(next <= highestTried + 1, $"{name}: node {node} jumps to {next + 1}");
        }
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void Never_treats_or_selects_an_eliminated_dose(string name, IDesign design)
    {
        var interval = (IntervalDesign)design;
        var graph = StateGraph.Build(design);
        for (int node = 0; node < graph.NodeCount; node++)
        {
            int level = graph.NextLevel(node);
            if (level < 0) continue;
            var state = new TrialState(graph.PatientsAt(node), graph.DltsAt(node), 0, -1, graph.TotalPatients(node));
            Assert.True(level < interval.LowestEliminated(state), $"{name}: node {node} uses eliminated dose {level + 1}");
        }
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void Tables_are_monotone_in_the_DLT_count(string name, IDesign design)
    {
        foreach (var row in DecisionTable.For(design).Rows)
        {
            int lastE = row.Escalate.Count == 0 ? -1 : row.Escalate[^1];
            Assert.All(row.Stay, x => Assert.True(x > lastE, name));
            Assert.All(row.Deescalate, x => Assert.True(x > lastE && (row.Stay.Count == 0 || x > row.Stay[^1]), name));
            Assert.Equal(row.Patients + 1, row.Escalate.Count + row.Stay.Count + row.Deescalate.Count);
            Assert.All(row.Eliminate, x => Assert.Contains(x, row.Deescalate));
        }
    }

    [Fact]
    public void Boin_with_five_doses_cohort_3_and_N_30_fits_the_default_state_limit()
    {
        var graph = StateGraph.Build(Design.Boin(5, 0.3, cohortSize: 3, maxN: 30));
        Assert.InRange(graph.NodeCount, 1, StateGraph.DefaultMaxStates);
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void Decide_does_not_allocate(string name, IDesign design)
    {
        int[] patients = new int[design.DoseCount], dlts = new int[design.DoseCount];
        patients[0] = 9; dlts[0] = 1; patients[1] = design.MaxPatients - 9; dlts[1] = 5;
        var state = new TrialState(patients, dlts, 1, -1, design.MaxPatients);       // selection path
        var midway = new TrialState(patients, dlts, 1, -1, design.MaxPatients - 3);  // move path
        // Warm up past tiered compilation's call-count threshold, so a rejit's stubs are not counted.
        for (int i = 0; i < 2000; i++) { design.Decide(state); design.Decide(midway); }
        Thread.Sleep(50);
        for (int i = 0; i < 200; i++) { design.Decide(state); design.Decide(midway); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) { design.Decide(state); design.Decide(midway); }
        Assert.True(before == GC.GetAllocatedBytesForCurrentThread(), name);
    }
}
