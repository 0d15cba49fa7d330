using DoseEscalation.Rng;

namespace DoseEscalation.Engines;

/// <summary>The general trial loop: any design, one Bernoulli draw per patient, counts only.</summary>
internal static class TrialLoopRunner
{
    public static void Run<TRng>(IDesign design, ulong[] dltThresholds, ref TRng rng, int trials, OcTally<long> tally)
        where TRng : struct, IRandomSource
    {
        int k = design.DoseCount;
        var check = new DecisionCheck(design);
        Span<int> patients = stackalloc int[k];
        Span<int> dlts = stackalloc int[k];
        for (int t = 0; t < trials; t++)
        {
            patients.Clear();
            dlts.Clear();
            int level = 0, last = -1, total = 0;
            while (true)
            {
                Decision d = design.Decide(new TrialState(patients, dlts, level, last, total));
                if (d.IsStop)
                {
                    check.Stop(d);
                    tally.Record(d.Level, patients, dlts, 1);
                    break;
                }
                check.Treat(d, total);
                ulong threshold = dltThresholds[d.Level];
                int x = 0;
                for (int i = 0; i < d.CohortSize; i++) x += rng.Next53() < threshold ? 1 : 0;
                level = d.Level;
                last = x;
                total += d.CohortSize;
                patients[level] += d.CohortSize;
                dlts[level] += x;
            }
        }
    }
}
