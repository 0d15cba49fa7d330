using DoseEscalation.Conduct;
using DoseEscalation.Tests.Designs;

namespace DoseEscalation.Tests.Conduct;

/// <summary>BOIN12 through <c>next</c>'s replay: trials walked on the design's own decisions give back every decision from their notation.</summary>
public class Boin12ReplayTests
{
    [Fact]
    public void Replaying_random_boin12_trials_from_their_notation_gives_back_every_decision()
    {
        var design = Build.Design("boin12", 4, 0.3, ("max_n", 18), ("target_e", 0.25));
        var rng = new Random(20261130);
        double[] pDlt = [0.05, 0.15, 0.3, 0.45], pResp = [0.2, 0.4, 0.45, 0.5];
        int checkedDecisions = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            int[] n = new int[4], x = new int[4], r = new int[4];
            var words = new List<string>();
            var decisions = new List<Decision>();
            int level = 0, last = -1, total = 0;
            while (true)
            {
                var d = design.Decide(new TrialState(n, x, r, level, last, total));
                decisions.Add(d);
                if (d.IsStop) break;
                var letters = new char[d.CohortSize];
                int dlts = 0;
                for (int i = 0; i < d.CohortSize; i++)
                {
                    bool dlt = rng.NextDouble() < pDlt[d.Level], resp = rng.NextDouble() < pResp[d.Level];
                    letters[i] = dlt ? (resp ? 'B' : 'T') : (resp ? 'E' : 'N');
                    dlts += dlt ? 1 : 0;
                    r[d.Level] += resp ? 1 : 0;
                }
                words.Add($"{d.Level + 1}{new string(letters)}");
                n[d.Level] += d.CohortSize; x[d.Level] += dlts;
                level = d.Level; last = dlts; total += d.CohortSize;
            }
            var replay = TrialReplay.Run(design, TrialData.ParseNotation(string.Join(' ', words), 4));
            Assert.Empty(replay.Deviations);
            Assert.Equal(decisions.Count - 1, replay.Steps.Count);
            for (int i = 0; i < replay.Steps.Count; i++) Assert.Equal(decisions[i], replay.Steps[i].Advised);
            Assert.Equal(decisions[^1], replay.Next);
            Assert.Equal(r, replay.Responses.ToArray());
            checkedDecisions += decisions.Count;
        }
        Assert.True(checkedDecisions > 1000, $"{checkedDecisions} decisions");
    }
}
