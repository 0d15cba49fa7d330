using DoseEscalation.Rng;

namespace DoseEscalation.Engines.Calendar;

/// <summary>A design's duration against the first design's on the same simulated patients.</summary>
/// <param name="MeanDifference">Mean of (this design's duration - the first design's), days.</param>
/// <param name="Se">Standard error of that mean (paired: the SD of the per-trial differences / sqrt(trials)).</param>
/// <param name="ShareShorter">Share of trials this design finished strictly earlier than the first.</param>
public sealed record PairedDuration(double MeanDifference, double Se, double ShareShorter);

/// <summary>Several designs on one scenario and timeline with common random numbers, and their paired duration differences.</summary>
public sealed record CalendarComparison(IReadOnlyList<CalendarResult> Results, IReadOnlyList<PairedDuration> AgainstFirst);

/// <summary>
/// Runs several designs on the same simulated trials: trial t of batch b gives every design the same
/// arrivals, the same treated-patient times and the same DLT tolerance for its k-th evaluable patient
/// (one stream per trial, unlike <see cref="CalendarEngine.Run"/>, whose DLT stream runs across a
/// batch as the trial loop's does), so differences in duration are paired.
/// </summary>
public static class CalendarCompare
{
    public static CalendarComparison Run(IReadOnlyList<IDesign> designs, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options)
    {
        if (designs.Count == 0) throw new ArgumentException("no designs to compare");
        options.Validate();
        timeline.Validate();
        foreach (var d in designs) CalendarEngine.Check(d, scenario, timeline);
        int mtd = scenario.TrueMtdLevel(target);
        var thresholds = scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        var totals = designs.Select(d => new CalendarTally(d.DoseCount, d.MaxPatients, mtd)).ToArray();
        var diffTicks = new long[designs.Count]; var diffSq = new Int128[designs.Count]; var shorter = new long[designs.Count];
        CalendarEngine.Unwrapped(() => MonteCarloEngine.RunBatches(options,
            () => new Local(designs.Select(d => new CalendarWorker(d, thresholds, timeline, new CalendarTally(d.DoseCount, d.MaxPatients, mtd))).ToArray()),
            (Local local, long batch, int count) =>
            {
                ulong timeSeed = CalendarWorker.TimeSeed(options.Seed, batch);
                ulong toxSeed = SplitMix64.StreamSeed(timeSeed, ulong.MaxValue);
                for (int t = 0; t < count; t++)
                {
                    long first = 0;
                    for (int i = 0; i < local.Workers.Length; i++)
                    {
                        var tox = Xoshiro256StarStar.FromSeed(SplitMix64.StreamSeed(toxSeed, (ulong)t));
                        long ticks = CalendarTally.Ticks(local.Workers[i].RunTrial(ref tox, timeSeed, t).Duration);
                        if (i == 0) first = ticks;
                        long diff = ticks - first;
                        local.DiffTicks[i] += diff; local.DiffSq[i] += (Int128)diff * diff;
                        if (diff < 0) local.Shorter[i]++;
                    }
                }
            },
            local =>
            {
                lock (totals)
                {
                    for (int i = 0; i < totals.Length; i++)
                    {
                        totals[i].Add(local.Workers[i].Tally);
                        diffTicks[i] += local.DiffTicks[i]; diffSq[i] += local.DiffSq[i]; shorter[i] += local.Shorter[i];
                    }
                }
            }));
        var results = designs.Select((d, i) => CalendarEngine.Result(d, scenario, target, timeline, options, totals[i])).ToList();
        long n = options.Trials;
        var paired = new List<PairedDuration>();
        for (int i = 0; i < designs.Count; i++)
        {
            double mean = diffTicks[i] / CalendarTally.TicksPerDay / n;
            Int128 num = diffSq[i] * n - (Int128)diffTicks[i] * diffTicks[i];
            double variance = n > 1 ? (double)num / ((double)n * (n - 1)) / (CalendarTally.TicksPerDay * CalendarTally.TicksPerDay) : 0;
            paired.Add(new PairedDuration(mean, Math.Sqrt(Math.Max(0, variance) / n), (double)shorter[i] / n));
        }
        return new CalendarComparison(results, paired);
    }

    private sealed class Local(CalendarWorker[] workers)
    {
        public readonly CalendarWorker[] Workers = workers;
        public readonly long[] DiffTicks = new long[workers.Length], Shorter = new long[workers.Length];
        public readonly Int128[] DiffSq = new Int128[workers.Length];
    }
}
