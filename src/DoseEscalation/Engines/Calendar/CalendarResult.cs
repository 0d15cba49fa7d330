namespace DoseEscalation.Engines.Calendar;

/// <summary>
/// A distribution of times in days: mean, SD and percentiles. Percentiles are the lower quantile
/// (smallest whole day d with P(time &lt; d + 1) &gt;= q), exact when every time is a whole day;
/// <see cref="DayCounts"/>[d] counts trials with time in [d, d + 1), the last entry holding every
/// time beyond <see cref="CalendarTally.MaxDays"/> (a percentile there is +infinity).
/// </summary>
public sealed record DurationSummary(double Mean, double Sd, double Median, double P10, double P90, IReadOnlyList<long> DayCounts)
{
    /// <summary>Standard error of the mean over <paramref name="trials"/> trials.</summary>
    public double StandardError(long trials) => Sd / Math.Sqrt(trials);
}

/// <summary>The calendar engine's result: the usual operating characteristics plus time and waiting.</summary>
public sealed record CalendarResult
{
    public required OperatingCharacteristics Oc { get; init; }
    public required Timeline Timeline { get; init; }
    /// <summary>Days from opening to the end of the trial: the MTD decision, or the last response read if later.</summary>
    public required DurationSummary Duration { get; init; }
    /// <summary>Days from opening to the MTD decision (the stop, after the last cohort clears its window).</summary>
    public required DurationSummary TimeToDecision { get; init; }
    /// <summary>Mean patients enrolled per trial, non-evaluable ones included.</summary>
    public required double MeanEnrolled { get; init; }
    /// <summary>Mean non-evaluable (replaced) patients per trial.</summary>
    public required double MeanNonEvaluable { get; init; }
    /// <summary>Mean arrivals lost per trial (waited past max_wait_days, or found max_waiting others waiting).</summary>
    public required double MeanLost { get; init; }
    /// <summary>Mean enrolled patients per trial who had to wait for a slot (waited more than 0 days).</summary>
    public required double MeanWaited { get; init; }
    /// <summary>Mean days an enrolled patient waited from arrival to enrolment (0 for those who did not wait).</summary>
    public required double MeanWaitDays { get; init; }
    /// <summary>For a backfill design, mean patients per trial treated at a backfill dose (included in <see cref="MeanEnrolled"/>); null for other designs.</summary>
    public double? MeanBackfilled { get; init; }
}
