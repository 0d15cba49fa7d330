using DoseEscalation;
using DoseEscalation.Engines;
using DoseEscalation.Scenarios;
using DoseEscalation.Tests.Engines;

namespace DoseEscalation.Tests.Designs;

/// <summary>One contract suite over every design the registry knows (a new design joins it by registering).</summary>
public class DesignContractTests
{
    // Designs that read responses run their own contract in Efficacy/Boin12Tests (states there count responders too).
    public static TheoryData<string> Names() => new(DoseEscalation.Designs.Configuration.DesignCatalog.Default.Designs
        .Where(d => !d.Create(new(3, 0.3), new()).Design.ReadsResponses).Select(d => d.Name));

    private static IDesign Make(string name, int doses = 5)
    {
        return Build.Shared(name, doses, 0.3, 3, 18);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_reachable_decision_is_in_range_and_never_skips_an_untried_dose(string name)
    {
        var design = Make(name);
        var graph = StateGraph.Build(design); // ends: the walk throws if any trial could exceed MaxPatients
        Assert.True(graph.TerminalCount > 0);
        for (int node = 0; node < graph.NodeCount; node++)
        {
            var patients = graph.PatientsAt(node);
            int highestTried = -1;
            for (int d = 0; d < patients.Length; d++) if (patients[d] > 0) highestTried = d;
            int level = graph.IsTerminal(node) ? graph.SelectedLevel(node) : graph.NextLevel(node);
            Assert.InRange(level, graph.IsTerminal(node) ? -1 : 0, design.DoseCount - 1);
            if (!graph.IsTerminal(node))
            {
                Assert.True(level <= highestTried + 1, $"{name}: treats dose {level + 1} with dose {highestTried + 1} the highest tried");
                Assert.InRange(graph.NextCohortSize(node), 1, design.MaxCohortSize);
            }
            // dfcrm's CRM selects the dose closest to target after the last cohort without the
            // no-skip restriction (docs/designs/crm.md), so it and TITE-CRM alone may select an untried dose.
            else if (level >= 0 && name is not ("crm" or "tite-crm"))
                Assert.True(patients[level] > 0 || name is "3+3" or "a+b" && level < highestTried, $"{name}: selects untreated dose {level + 1}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Trial_loop_and_compiled_walk_agree_with_exact(string name)
    {
        var design = Make(name, 4);
        var scenario = new Scenario("s", [0.08, 0.18, 0.32, 0.5]);
        var exact = ExactEngine.Run(design, scenario, 0.3);
        Assert.Equal(1.0, exact.TotalProbability, 12);
        Agreement.Within4Se(exact, MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 60_000, Seed = 77, Method = SimulationMethod.TrialLoop }));
        Agreement.Within4Se(exact, MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 200_000, Seed = 78, Method = SimulationMethod.CompiledGraph }));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decide_is_deterministic_and_allocation_free(string name)
    {
        var design = Make(name);
        int[] n = [3, 3, 0, 0, 0], x = [0, 1, 0, 0, 0];
        var first = design.Decide(new TrialState(n, x, 1, 1, 6));
        for (int i = 0; i < 100; i++) design.Decide(new TrialState(n, x, 1, 1, 6));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Decision last = default;
        for (int i = 0; i < 1000; i++) last = design.Decide(new TrialState(n, x, 1, 1, 6));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(first, last);
    }
}
