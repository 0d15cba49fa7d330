using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Tests.Engines;

namespace DoseEscalation.Tests.Designs;

/// <summary>
/// The BLRM's optional stopping and next-dose rules (crmPack's StoppingTargetProb with a minimum at
/// the dose and in the trial; NextBestNCRM's highest-admissible fallback): off by default, and when on
/// they change exactly the decisions their definitions say, on every state of the first cohorts.
/// </summary>
public class BlrmStoppingTests
{
    private static readonly double[] Doses = [1, 2, 4, 8, 16];

    /// <summary>Every state the default design reaches in its first <paramref name="cohorts"/> cohorts (from the start, all outcomes).</summary>
    private sealed record State(int[] Patients, int[] Dlts, int Level, int LastDlts, int Total)
    {
        public TrialState Trial => new(Patients, Dlts, Level, LastDlts, Total);
    }

    private static List<State> States(Blrm design, int cohorts)
    {
        var states = new List<State>();
        var n = new int[5];
        var x = new int[5];
        void Walk(Decision d, int depth, int total)
        {
            if (d.IsStop || depth == cohorts) return;
            for (int t = 0; t <= d.CohortSize; t++)
            {
                n[d.Level] += d.CohortSize;
                x[d.Level] += t;
                var s = new State(n.ToArray(), x.ToArray(), d.Level, t, total + d.CohortSize);
                states.Add(s);
                Walk(design.Decide(s.Trial), depth + 1, total + d.CohortSize);
                n[d.Level] -= d.CohortSize;
                x[d.Level] -= t;
            }
        }
        Walk(design.Decide(new TrialState(n, x, 0, -1, 0)), 0, 0);
        return states;
    }

    [Fact]
    public void The_options_are_off_by_default()
    {
        var design = (Blrm)Build.Design("blrm", 5, 0.3, ("dose_values", Doses));
        Assert.Null(design.StopTargetProb);
        Assert.Null(design.MinTargetProb);
        Assert.Equal(0, design.StopTargetMinN);
        Assert.Equal(0, design.StopTargetMinTotal);
        // With stop_target_prob alone, the minimum at the dose is OncoBayes2's 6.
        var on = (Blrm)Build.Design("blrm", 5, 0.3, ("dose_values", Doses), ("stop_target_prob", 0.5));
        Assert.Equal((0.5, 6, 0), (on.StopTargetProb!.Value, on.StopTargetMinN, on.StopTargetMinTotal));
    }

    [Fact]
    public void The_target_stop_selects_the_recommended_dose_exactly_when_its_conditions_hold()
    {
        var bare = new Blrm(Doses, 0.3, BlrmPrior.Default);
        var ruled = new Blrm(Doses, 0.3, BlrmPrior.Default, stopTargetProb: 0.4, stopTargetMinN: 6, stopTargetMinTotal: 12);
        int fired = 0, heldBack = 0;
        foreach (var st in States(bare, 5))
        {
            var s = st.Trial;
            var r = bare.RuleQuantities(s);
            var want = bare.Decide(s);
            bool reached = r.Recommended >= 0 && r.Doses[r.Recommended].Target >= 0.4;
            bool holds = reached && s.Patients[r.Recommended] >= 6 && s.TotalPatients >= 12;
            if (holds) { want = Decision.Select(r.Recommended); fired++; }
            else if (reached) heldBack++;
            Assert.Equal(want, ruled.Decide(s));
            Assert.Equal(holds, ruled.RuleQuantities(s).TargetStop);
        }
        // Both branches occur on these states: the stop fires, and the minimums hold it back.
        Assert.True(fired > 0, "the target stop never fired");
        Assert.True(heldBack > 0, "the minimums never held the stop back");
    }

    [Fact]
    public void With_no_target_probability_above_the_threshold_the_highest_admissible_dose_is_taken()
    {
        var bare = new Blrm(Doses, 0.3, BlrmPrior.Default);
        var ncrm = new Blrm(Doses, 0.3, BlrmPrior.Default, minTargetProb: 0.9);
        int fallback = 0;
        // The walked states and a family with DLTs spread over the doses (where P(target) can peak below the cap).
        var family = new List<State>();
        foreach (int[] n in new int[][] { [3, 3, 3, 0, 0], [3, 6, 6, 3, 0], [6, 6, 3, 3, 3], [3, 3, 3, 3, 3] })
            for (int mask = 0; mask < 1024; mask++)
            {
                var x = new int[5];
                int bits = mask;
                for (int d = 0; d < 5; d++) { x[d] = Math.Min(n[d], bits & 3); bits >>= 2; }
                int last = Array.FindLastIndex(n, v => v > 0);
                family.Add(new State(n, x, last, x[last], n.Sum()));
            }
        foreach (var st in States(bare, 4).Concat(family))
        {
            var s = st.Trial;
            var r = bare.RuleQuantities(s);
            var want = bare.Decide(s);
            if (r.Recommended >= 0)
            {
                var admissible = Enumerable.Range(0, r.Cap + 1).Where(d => r.Doses[d].Over < 0.25).ToList();
                if (!(admissible.Max(d => r.Doses[d].Target) > 0.9))
                {
                    int highest = admissible.Max();
                    if (!want.IsStop) want = Decision.Treat(highest, 3);
                    if (highest != r.Recommended) fallback++;
                }
            }
            Assert.Equal(want, ncrm.Decide(s));
        }
        Assert.True(fallback > 0, "the fallback never moved a dose");
        // crmPack's 0.05: on these states some admissible dose always has P(target) above it, so nothing moves.
        var crmPack = new Blrm(Doses, 0.3, BlrmPrior.Default, minTargetProb: 0.05);
        foreach (var st in States(bare, 4).Concat(family)) Assert.Equal(bare.Decide(st.Trial), crmPack.Decide(st.Trial));
    }

    [Fact]
    public void The_target_stop_ends_trials_earlier_and_exact_agrees_with_monte_carlo()
    {
        var plain = Build.Design("blrm", 5, 0.3, ("dose_values", Doses), ("max_n", 24));
        var stop = Build.Design("blrm", 5, 0.3, ("dose_values", Doses), ("max_n", 24), ("stop_target_prob", 0.4));
        var scenario = new Scenario("s", [0.05, 0.12, 0.25, 0.42, 0.6]);
        var a = ExactEngine.Run(plain, scenario, 0.3);
        var b = ExactEngine.Run(stop, scenario, 0.3);
        Assert.Equal(1.0, b.TotalProbability, 12);
        Assert.True(b.MeanN.Value < a.MeanN.Value);
        Agreement.Within4Se(b, MonteCarloEngine.Run(stop, scenario, 0.3, new MonteCarloOptions { Trials = 20_000, Seed = 2029 }));
    }
}
