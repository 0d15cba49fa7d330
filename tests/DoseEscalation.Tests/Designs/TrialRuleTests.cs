using DoseEscalation.Designs;
using DoseEscalation.Designs.Rules;
using DoseEscalation.Engines;

namespace DoseEscalation.Tests.Designs;

/// <summary>Each trial-level rule composed with at least two designs, changing the exact OCs as its definition says.</summary>
public class TrialRuleTests
{
    private static readonly Scenario Five = new("five", [0.05, 0.10, 0.20, 0.30, 0.45]);

    private static OperatingCharacteristics Exact(IDesign d) => ExactEngine.Run(StateGraph.Build(d), Five, 0.3);

    public static TheoryData<string> Designs() => new("3+3", "boin", "crm");

    [Theory]
    [MemberData(nameof(Designs))]
    public void Start_dose_rule_equals_the_design_built_with_that_start(string name)
    {
        IDesign plain = Build.Design(name, 5, 0.3);
        IDesign native = plain switch
        {
            AplusB => new AplusB(5, startLevel: 2),
            Boin => new Boin(5, 0.3, startLevel: 2),
            _ => new Crm(((Crm)plain).Skeleton, 0.3, startLevel: 2),
        };
        var wrapped = plain.StartAt(3);
        Assert.Equal(2, wrapped.Decide(new TrialState(new int[5], new int[5], 0, -1, 0)).Level);
        var a = Exact(native);
        var b = Exact(wrapped);
        Assert.Equal(a.Selection.Select(e => e.Value), b.Selection.Select(e => e.Value));
        Assert.Equal(a.NDistribution, b.NDistribution);
        Assert.Equal(a.MeanPatients.Select(e => e.Value), b.MeanPatients.Select(e => e.Value));
        // It does change the OCs: more patients start high.
        Assert.True(b.MeanPatients[2].Value > Exact(plain).MeanPatients[2].Value);
    }

    [Theory]
    [InlineData("3+3", 12)]
    [InlineData("boin", 12)]
    [InlineData("crm", 15)]
    public void Stop_at_n_cuts_the_sample_size_distribution_at_n_and_leaves_shorter_trials_alone(string name, int n)
    {
        IDesign plain = Build.Design(name, 5, 0.3);
        var capped = Exact(plain.StopAtN(n));
        var free = Exact(plain);
        for (int m = 0; m < n; m++) Assert.Equal(free.NDistribution[m], capped.NDistribution[m], 12);
        Assert.Equal(free.NDistribution.Skip(n).Sum(), capped.NDistribution[n], 10);
        Assert.All(capped.NDistribution.Skip(n + 1), p => Assert.Equal(0, p));
        Assert.Equal(1, capped.Selection.Sum(e => e.Value), 12);
    }

    [Fact]
    public void Max_n_on_a_3_plus_3_is_the_stop_at_n_rule()
    {
        var viaOption = Exact(Build.Design("3+3", 5, 0.3, ("max_n", 12)));
        var viaRule = Exact(Design.ThreePlusThree(5).StopAtN(12));
        Assert.Equal(viaRule.Selection.Select(e => e.Value), viaOption.Selection.Select(e => e.Value));
        Assert.Equal(viaRule.NDistribution, viaOption.NDistribution);
    }

    [Theory]
    [InlineData("boin")]
    [InlineData("crm")]
    [InlineData("mtpi2")]
    public void Stop_when_n_at_dose_never_puts_more_than_n_on_a_dose(string name)
    {
        var graph = StateGraph.Build(Build.Design(name, 5, 0.3, ("stop_n_at_dose", 6)));
        var oc = ExactEngine.Run(graph, Five, 0.3);
        for (int node = 0; node < graph.NodeCount; node++)
            if (graph.IsTerminal(node))
                Assert.All(graph.PatientsAt(node).ToArray(), p => Assert.True(p <= 6));
        Assert.Equal(1, oc.Selection.Sum(e => e.Value), 12);
        // Without the rule these designs do put more than 6 on a dose.
        Assert.True(Exact(Build.Design(name, 5, 0.3)).MeanN.Value > oc.MeanN.Value);
    }

    [Theory]
    [InlineData("3+3")]
    [InlineData("boin")]
    [InlineData("keyboard")]
    public void Safety_stop_at_dose_1_stops_exactly_where_the_beta_posterior_exceeds_the_cutoff(string name)
    {
        var d = Build.Design(name, 5, 0.3, ("safety_cutoff", 0.6));
        // P(p > 0.3 | 1/3) = 1 - I_0.3(2, 3) = 0.6517 > 0.6: stop; P(p > 0.3 | 0/3) = 0.2401: the design's own decision.
        Assert.Equal(0.6517, 1 - MathNet.Numerics.Distributions.Beta.CDF(2, 3, 0.3), 4);
        Assert.Equal(Decision.StopNoDose, Outcomes.Decide(d, "1TNN"));
        var plain = Build.Design(name, 5, 0.3);
        Assert.NotEqual(Decision.StopNoDose, Outcomes.Decide(plain, "1TNN"));
        Assert.Equal(Outcomes.Decide(plain, "1NNN"), Outcomes.Decide(d, "1NNN"));
        Assert.True(Exact(d).Selection[0].Value > Exact(plain).Selection[0].Value);
    }

    [Fact]
    public void Safety_stop_on_the_crm_uses_its_model_posterior_and_equals_its_own_former_safety_cutoff()
    {
        var crm = (Crm)Build.Design("crm", 5, 0.25);
        var native = new Crm(crm.Skeleton, 0.25, safetyCutoff: 0.9);
        var rule = Build.Design("crm", 5, 0.25, ("safety_cutoff", 0.9));
        var a = ExactEngine.Run(StateGraph.Build(native), Five, 0.25);
        var b = ExactEngine.Run(StateGraph.Build(rule), Five, 0.25);
        for (int i = 0; i < a.Selection.Length; i++) Assert.Equal(a.Selection[i].Value, b.Selection[i].Value, 14);
        Assert.Equal(a.NDistribution, b.NDistribution);
    }

    [Fact]
    public void Safety_stop_on_any_dose_eliminates_the_flagged_dose_and_all_above()
    {
        var d = Build.Design("3+3", 5, 0.3, ("safety_cutoff", 0.8), ("safety_doses", "any"));
        // Dose 2 has 2/3 DLTs (flagged); the 3+3 alone would confirm dose 1 on 3 more.
        Assert.Equal(Decision.Treat(0, 3), Outcomes.Decide(d, "1NNN 2TTN"));
        var rule = (SafetyStop)d;
        var state = new TrialState(new[] { 3, 3, 0, 0, 0 }, new[] { 0, 2, 0, 0, 0 }, 1, 2, 6);
        Assert.Equal(1, rule.LowestFlagged(state));
    }

    /// <summary>A test-only design that escalates two doses at a time: the rule it needs is never-skip.</summary>
    internal sealed class Jumper(int doses, int step = 2) : IDesign
    {
        public string Name => "jumper";
        public int DoseCount => doses;
        public int MaxCohortSize => 3;
        public int MaxPatients => 3 * doses * 2;
        public bool ReadsLastCohort => true;
        public Decision Decide(in TrialState s)
        {
            if (s.IsStart) return Decision.Treat(0, 3);
            if (s.LastCohortDlts > 0 || s.TotalPatients >= MaxPatients - 3) return Decision.Select(Math.Max(0, s.CurrentLevel - 1));
            int next = Math.Min(doses - 1, s.CurrentLevel + step);
            return next == s.CurrentLevel ? Decision.Select(next) : Decision.Treat(next, 3);
        }
        public string Describe() => $"jumper (step {step})";
    }

    [Fact]
    public void Never_skip_clamps_a_skipping_design_and_leaves_the_built_in_ones_unchanged()
    {
        var jumper = new Jumper(5);
        Assert.Equal(2, Outcomes.Decide(jumper, "1NNN").Level);
        Assert.Equal(1, Outcomes.Decide(jumper.NeverSkipping(), "1NNN").Level);
        Assert.True(Exact(jumper.NeverSkipping()).MeanPatients[1].Value > 0);
        Assert.Equal(0, Exact(jumper).MeanPatients[1].Value);
        foreach (var name in new[] { "3+3", "boin", "crm" })
        {
            var a = Exact(Build.Design(name, 5, 0.3));
            var b = Exact(Build.Design(name, 5, 0.3, ("never_skip", true)));
            Assert.Equal(a.Selection.Select(e => e.Value), b.Selection.Select(e => e.Value));
        }
    }

    [Fact]
    public void Rules_options_need_their_cutoff()
    {
        var ex = Assert.Throws<DoseEscalation.Designs.Configuration.DesignOptionException>(() => Build.Design("boin", 5, 0.3, ("safety_doses", "any")));
        Assert.Equal("safety_doses", ex.Option);
    }
}
