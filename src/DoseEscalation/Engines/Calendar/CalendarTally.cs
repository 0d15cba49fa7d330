namespace DoseEscalation.Engines.Calendar;

/// <summary>
/// Integer sums over finished calendar trials: the OC tally plus times in fixed point (1/1024 day)
/// with squares in <see cref="Int128"/>, so merging workers is exact in any order.
/// </summary>
public sealed class CalendarTally
{
    /// <summary>Largest whole day the day histograms resolve (about 100 years); later times share the last bin.</summary>
    public const int MaxDays = 36_525;
    /// <summary>Fixed-point resolution of times: 1/1024 day (about 84 seconds).</summary>
    public const double TicksPerDay = 1024;

    public OcTally<long> Oc { get; }
    public readonly long[] DurationDays = new long[MaxDays + 2], DecisionDays = new long[MaxDays + 2];
    public long DurationTicks, DecisionTicks;
    public Int128 DurationSq, DecisionSq;
    public long Enrolled, NonEvaluable, Lost, Waited, WaitTicks, Backfilled;

    public CalendarTally(int doseCount, int maxPatients, int trueMtdLevel, bool efficacy = false) =>
        Oc = new OcTally<long>(doseCount, maxPatients, trueMtdLevel, efficacy);

    /// <summary>Adds the trial the worker has just run.</summary>
    internal void Record(in TrialOutcome trial, PerPatientSimulator worker)
    {
        Oc.Record(trial.Selected, worker.Patients, worker.Dlts, 1);
        RecordTimes(trial.Duration, trial.Decision);
        Enrolled += trial.Enrolled; NonEvaluable += trial.NonEvaluable; Lost += trial.Lost; Waited += trial.Waited; WaitTicks += trial.WaitTicks;
        Backfilled += trial.Backfilled;
    }

    /// <summary>
    /// Design <paramref name="j"/>'s trial in a calendar comparison: its times, and its duration against
    /// the first design's (<paramref name="ticks0"/>, set when j is 0) as paired sums and a count of
    /// trials it finished first.
    /// </summary>
    internal static void RecordPaired(CalendarTally[] times, PairedSums[] durationDifference, long[] shorter, int j,
        in TrialOutcome outcome, PerPatientSimulator worker, ref long ticks0)
    {
        times[j].Record(outcome, worker);
        long ticks = Ticks(outcome.Duration);
        if (j == 0) ticks0 = ticks;
        durationDifference[j].Record(ticks - ticks0);
        if (ticks < ticks0) shorter[j]++;
    }

    public void RecordTimes(double duration, double decision)
    {
        Add(duration, DurationDays, ref DurationTicks, ref DurationSq);
        Add(decision, DecisionDays, ref DecisionTicks, ref DecisionSq);
    }

    private static void Add(double days, long[] histogram, ref long ticks, ref Int128 sq)
    {
        long t = Ticks(days);
        ticks += t;
        sq += (Int128)t * t;
        histogram[days >= MaxDays + 1 ? MaxDays + 1 : (int)days]++;
    }

    internal static long Ticks(double days) => (long)Math.Round(days * TicksPerDay);

    public void Add(CalendarTally other)
    {
        Oc.Add(other.Oc);
        for (int i = 0; i < DurationDays.Length; i++) { DurationDays[i] += other.DurationDays[i]; DecisionDays[i] += other.DecisionDays[i]; }
        DurationTicks += other.DurationTicks; DecisionTicks += other.DecisionTicks;
        DurationSq += other.DurationSq; DecisionSq += other.DecisionSq;
        Enrolled += other.Enrolled; NonEvaluable += other.NonEvaluable; Lost += other.Lost; Waited += other.Waited; WaitTicks += other.WaitTicks;
        Backfilled += other.Backfilled;
    }

    internal static DurationSummary Summary(long[] histogram, long ticks, Int128 sq, long n)
    {
        double mean = ticks / TicksPerDay / n;
        // Var = (sum t^2 - (sum t)^2 / n) / (n - 1), in ticks^2, computed exactly in Int128 then scaled.
        Int128 num = sq * n - (Int128)ticks * ticks;
        double variance = n > 1 ? (double)num / ((double)n * (n - 1)) / (TicksPerDay * TicksPerDay) : 0;
        int last = histogram.Length - 1;
        while (last > 0 && histogram[last] == 0) last--;
        return new DurationSummary(mean, Math.Sqrt(Math.Max(0, variance)), Quantile(histogram, n, 0.5), Quantile(histogram, n, 0.1), Quantile(histogram, n, 0.9),
            histogram[..(last + 1)]);
    }

    private static double Quantile(long[] histogram, long n, double q)
    {
        long need = (long)Math.Ceiling(q * n), sum = 0;
        for (int d = 0; d < histogram.Length; d++)
        {
            sum += histogram[d];
            if (sum >= need && sum > 0) return d > MaxDays ? double.PositiveInfinity : d;
        }
        return double.PositiveInfinity;
    }
}
