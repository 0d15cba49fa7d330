using System.Text;
using DoseEscalation.Conduct;
using DoseEscalation.Designs;
using DoseEscalation.Rng;

namespace DoseEscalation.Tests.Conduct;

/// <summary>
/// For every design, a trial simulated patient by patient and written down as data (outcome
/// notation, and a patient table without cohort labels) replays to the decisions the simulation took.
/// </summary>
public class ReplayPropertyTests
{
    public static TheoryData<string> Designs() => new(Cases.Keys);

    private static readonly Dictionary<string, IDesign> Cases = new()
    {
        ["3+3"] = Design.ThreePlusThree(doses: 4),
        ["3+3 no de-escalation, no top expansion"] = Design.ThreePlusThree(doses: 4, deescalate: false, expandTopDose: false),
        ["3+3 start at dose 2"] = Design.ThreePlusThree(doses: 4, startDose: 2),
        ["a+b 2,4,1,1,2"] = Design.AplusB(doses: 4, a: 2, b: 4, c: 1, d: 1, e: 2),
        ["boin"] = Design.Boin(doses: 5, target: 0.3, maxN: 24),
        ["boin extra safe, n_earlystop 9, cohort 2"] = Design.Boin(doses: 5, target: 0.25, cohortSize: 2, maxN: 25, nEarlystop: 9, extraSafe: true),
        ["mtpi2"] = Design.Mtpi2(doses: 5, target: 0.3, maxN: 24),
        ["keyboard start at dose 2"] = Design.Keyboard(doses: 5, target: 0.3, maxN: 24, startDose: 2),
        ["i3+3"] = Design.IThreePlusThree(doses: 5, target: 0.3, maxN: 24),
        ["crm"] = Design.Crm([0.05, 0.12, 0.25, 0.40, 0.55], target: 0.25, maxN: 24),
        ["crm logistic, safety stop, cohort 1"] = Design.Crm([0.05, 0.12, 0.25, 0.40], target: 0.25, model: CrmModel.Logistic, cohortSize: 1, maxN: 12, safetyCutoff: 0.8),
    };

    private sealed record Simulated(string Notation, string Table, List<Decision> Decisions);

    // One trial, patient by patient: each patient's DLT is one uniform draw against the dose's probability.
    private static Simulated Simulate(IDesign design, double[] dlt, ref Xoshiro256StarStar rng)
    {
        int k = design.DoseCount;
        var patients = new int[k];
        var dlts = new int[k];
        int level = 0, last = -1, total = 0, id = 0;
        var notation = new StringBuilder();
        var table = new StringBuilder("patient,dose,dlt\n");
        var decisions = new List<Decision>();
        while (true)
        {
            var d = design.Decide(new TrialState(patients, dlts, level, last, total));
            decisions.Add(d);
            if (d.IsStop) return new(notation.ToString().Trim(), table.ToString(), decisions);
            notation.Append(' ').Append(d.Level + 1);
            int x = 0;
            for (int i = 0; i < d.CohortSize; i++)
            {
                bool tox = rng.NextDouble() < dlt[d.Level];
                x += tox ? 1 : 0;
                notation.Append(tox ? 'T' : 'N');
                table.Append($"P{++id},{d.Level + 1},{(tox ? 1 : 0)}\n");
            }
            (level, last) = (d.Level, x);
            total += d.CohortSize;
            patients[level] += d.CohortSize;
            dlts[level] += x;
        }
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void Replaying_a_simulated_trial_gives_the_decisions_the_simulation_took(string name)
    {
        var design = Cases[name];
        var rng = Xoshiro256StarStar.FromSeed(20261130 + (ulong)name.Length);
        int trials = design is Crm ? 25 : 150;
        for (int t = 0; t < trials; t++)
        {
            // A random increasing scenario, from very safe to very toxic.
            var dlt = Enumerable.Range(0, design.DoseCount).Select(_ => rng.NextDouble() * 0.7).Order().ToArray();
            var sim = Simulate(design, dlt, ref rng);
            foreach (string text in new[] { sim.Notation, sim.Table })
            {
                var result = TrialConduct.Next(design, TrialData.Parse(text, design.DoseCount));
                var replay = result.Replay;
                Assert.Empty(replay.Deviations);
                Assert.Empty(replay.Pending);
                Assert.Equal(sim.Decisions.Take(sim.Decisions.Count - 1), replay.Steps.Select(s => s.Advised));
                Assert.Equal(sim.Decisions[^1], replay.Next);
                Assert.Equal(sim.Decisions[^1], result.Decision);
                Assert.True(replay.Stopped, $"{name}: '{sim.Notation}' did not stop");
                Assert.EndsWith(DecisionExplainer.Verb(result.Decision), result.Reason.Text);
                Assert.Equal(sim.Decisions[^1].Level, result.Final!.SelectedLevel);
            }

            // Every prefix of whole cohorts replays to the simulation's next decision, with its reason.
            var cohorts = sim.Notation.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (int c = 0; c < cohorts.Length; c++)
            {
                var prefix = TrialConduct.Next(design, TrialData.Parse(string.Join(' ', cohorts.Take(c)), design.DoseCount));
                Assert.Equal(sim.Decisions[c], prefix.Decision);
                Assert.EndsWith(DecisionExplainer.Verb(prefix.Decision), prefix.Reason.Text);
                Assert.All(prefix.Pathways, p => Assert.Equal(design.Decide(StateAfter(design, cohorts.Take(c).Append(p.Notation))), p.Next));
            }
        }
    }

    private static TrialState StateAfter(IDesign design, IEnumerable<string> cohorts)
    {
        var replay = TrialReplay.Run(design, TrialData.ParseNotation(string.Join(' ', cohorts), design.DoseCount), allowDeviations: true);
        return replay.State;
    }

    [Fact]
    public void The_crm_rule_quantities_agree_with_its_decision()
    {
        var crm = (Crm)Cases["crm"];
        var rng = Xoshiro256StarStar.FromSeed(7);
        for (int t = 0; t < 30; t++)
        {
            var dlt = Enumerable.Range(0, 5).Select(_ => rng.NextDouble() * 0.6).Order().ToArray();
            var sim = Simulate(crm, dlt, ref rng);
            var cohorts = sim.Notation.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (int c = 1; c <= cohorts.Length; c++)
            {
                var state = StateAfter(crm, cohorts.Take(c));
                var q = crm.RuleQuantities(state);
                var expected = q.SafetyStop ? Decision.StopNoDose
                    : q.AtMaxPatients ? Decision.Select(q.Recommended)
                    : Decision.Treat(Math.Min(q.Recommended, q.Cap), crm.CohortSize);
                Assert.Equal(crm.Decide(state), expected);
            }
        }
    }
}
