namespace DoseEscalation.Engines.Calendar;

/// <summary>How patients arrive: Poisson arrivals at a rate per month, or one every fixed number of days.</summary>
public enum AccrualKind
{
    /// <summary>Exponential gaps with mean <c>DaysPerMonth / RatePerMonth</c>.</summary>
    Poisson,
    /// <summary>One arrival every <see cref="Timeline.IntervalDays"/> days (the first after one interval).</summary>
    FixedInterval,
    /// <summary>
    /// Gaps uniform on (0, 2 <c>DaysPerMonth / RatePerMonth</c>): the same mean as Poisson accrual
    /// (<c>accrual_gaps: uniform</c>; the <c>bfboin</c> package's default, <c>accrual = "uniform"</c>).
    /// </summary>
    UniformGaps,
}

/// <summary>When a cohort design's next cohort starts, and what happens to patients who arrive while a cohort is observed.</summary>
public enum ArrivalModel
{
    /// <summary>
    /// The next cohort is decided when every member has completed the DLT window; arrivals in the
    /// meantime wait in a list (within <c>max_waiting</c> and <c>max_wait_days</c>) and fill its slots.
    /// </summary>
    Queue,
    /// <summary>
    /// Zhao et al. (2024) and the <c>bfboin</c> package: a cohort is evaluated at the first arrival
    /// after every member's outcome is known (a DLT on its day, else the end of the window), and that
    /// arrival is the next cohort's first patient; there is no waiting list (an arrival while the
    /// cohort is observed is backfilled, or lost); the trial ends when the last cohort's last outcome is known.
    /// </summary>
    NextArrival,
}

/// <summary>
/// The calendar of a trial (schema in docs/calendar.md): accrual, screening, the time from
/// enrolment to infusion, the DLT window and when a DLT falls in it, sentinel staggering, how long
/// arrivals may wait, and when non-evaluable patients are known to be non-evaluable. All times are
/// in days; 0 is the day the trial opens.
/// </summary>
public sealed record Timeline
{
    /// <summary>Days per month when a rate is given per month (365.25 / 12).</summary>
    public const double DaysPerMonth = 365.25 / 12;

    /// <summary>Slowest Poisson accrual: one patient in 100 months on average (slower trials run past what the day counts hold).</summary>
    public const double MinRatePerMonth = 0.01;

    /// <summary>Shortest fixed gap between arrivals other than 0: the clock counts 1/1024 days, so a shorter gap would not move it.</summary>
    public const double MinIntervalDays = 0.01;

    /// <summary>Most arrivals that may wait at once (max_waiting's range; max_wait_days without it must keep within it).</summary>
    public const int MaxWaitingList = 100_000;

    public AccrualKind Accrual { get; init; } = AccrualKind.FixedInterval;
    /// <summary>Arrivals per month (&gt; 0), when <see cref="Accrual"/> is Poisson or UniformGaps.</summary>
    public double RatePerMonth { get; init; }
    /// <summary>Days between arrivals (&gt;= 0), when <see cref="Accrual"/> is FixedInterval; 0 = every patient is there at once.</summary>
    public double IntervalDays { get; init; }
    /// <summary>Fraction of arrivals who fail screening and are never enrolled, in [0, 0.95].</summary>
    public double ScreeningFailure { get; init; }
    /// <summary>Days from enrolment to infusion (manufacturing, lymphodepletion), &gt;= 0.</summary>
    public double InfusionDelayDays { get; init; }
    /// <summary>Days a patient is observed for DLT after infusion, &gt;= 0.</summary>
    public double DltWindowDays { get; init; }
    /// <summary>
    /// Shape s &gt; 0 of the time of a DLT within the window: P(DLT by day t | DLT) = (t / window)^s.
    /// 1 = uniform (default); below 1 DLTs come early (CRS in the first days), above 1 late.
    /// </summary>
    public double DltTimeShape { get; init; } = 1;
    /// <summary>Days the first patient of a cohort is observed before the others may be infused, &gt;= 0.</summary>
    public double SentinelDays { get; init; }
    /// <summary>An arrival who has waited longer than this many days for a slot is lost (infinity: no limit).</summary>
    public double MaxWaitDays { get; init; } = double.PositiveInfinity;
    /// <summary>At most this many arrivals wait at once; one arriving when the list is full is lost (int.MaxValue: no limit).</summary>
    public int MaxWaiting { get; init; } = int.MaxValue;
    /// <summary>Probability an infused patient turns out non-evaluable (leaves the window early without a DLT) and is replaced, in [0, 0.95).</summary>
    public double NonEvaluableRate { get; init; }
    /// <summary>Days after infusion at which a non-evaluable patient leaves and is replaced (default: the DLT window).</summary>
    public double? NonEvaluableDays { get; init; }
    /// <summary>Days after infusion at which response is read; the trial lasts until the last patient's response (0: none).</summary>
    public double ResponseDays { get; init; }

    /// <summary>When the next cohort starts and whether arrivals wait (docs/calendar.md, "Arrival models"); default Queue.</summary>
    public ArrivalModel Arrivals { get; init; } = ArrivalModel.Queue;
    /// <summary>True: the first patient arrives on day 0 (<c>first_arrival: at-opening</c>); false (default): after one gap.</summary>
    public bool FirstArrivalAtOpening { get; init; }

    /// <summary>Where the values come from (the trial record or assumptions), as given in the file.</summary>
    public string? Notes { get; init; }

    /// <summary>A timeline in which nothing takes time: every patient is there, infused and assessed at once.</summary>
    public static Timeline Instant { get; } = new();

    /// <summary>True when arrivals can be lost (a waiting limit in days or in patients, or no waiting list at all).</summary>
    public bool HasWaitingLimit => MaxWaitDays < double.PositiveInfinity || MaxWaiting < int.MaxValue || Arrivals == ArrivalModel.NextArrival;

    /// <summary>True when accrual is given as a rate per month (Poisson or uniform gaps), false for a fixed interval.</summary>
    public bool HasRate => Accrual != AccrualKind.FixedInterval;

    /// <summary>Mean days between arrivals, before screening.</summary>
    public double MeanGapDays => HasRate ? DaysPerMonth / RatePerMonth : IntervalDays;

    /// <summary>The effective non-evaluable time.</summary>
    public double NonEvaluableAfterDays => NonEvaluableDays ?? DltWindowDays;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, double value, string problem)
        {
            if (!ok) throw new ArgumentException($"{name} = {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {problem}");
        }
        if (HasRate) Check(RatePerMonth >= MinRatePerMonth && RatePerMonth <= 10000, "accrual_rate_per_month", RatePerMonth, $"must be between {MinRatePerMonth} and 10000 patients per month");
        else Check(IntervalDays == 0 || IntervalDays >= MinIntervalDays && IntervalDays <= 3650, "accrual_interval_days", IntervalDays, $"must be 0 or between {MinIntervalDays} and 3650 days");
        Check(ScreeningFailure is >= 0 and <= 0.95, "screening_failure", ScreeningFailure, "must be in [0, 0.95]");
        Check(InfusionDelayDays >= 0 && double.IsFinite(InfusionDelayDays), "enrolment_to_infusion_days", InfusionDelayDays, "must be 0 or more");
        Check(DltWindowDays >= 0 && double.IsFinite(DltWindowDays), "dlt_window_days", DltWindowDays, "must be 0 or more");
        Check(DltTimeShape > 0 && double.IsFinite(DltTimeShape), "dlt_time_shape", DltTimeShape, "must be a positive number");
        Check(SentinelDays >= 0 && double.IsFinite(SentinelDays), "sentinel_days", SentinelDays, "must be 0 or more");
        Check(MaxWaitDays >= 0, "max_wait_days", MaxWaitDays, "must be 0 or more");
        Check(MaxWaiting >= 0, "max_waiting", MaxWaiting, "must be 0 or more");
        Check(NonEvaluableRate is >= 0 and < 0.95, "non_evaluable_rate", NonEvaluableRate, "must be in [0, 0.95)");
        if (NonEvaluableDays is { } ne) Check(ne >= 0 && ne <= DltWindowDays, "non_evaluable_days", ne, "must be between 0 and the DLT window");
        Check(ResponseDays >= 0 && double.IsFinite(ResponseDays), "response_days", ResponseDays, "must be 0 or more");
        if (Arrivals == ArrivalModel.NextArrival)
        {
            // Without a waiting list the limits have nothing to limit; given, they would be silently ignored.
            if (MaxWaiting < int.MaxValue) throw new ArgumentException($"max_waiting = {MaxWaiting}: arrivals = next-arrival keeps no waiting list (an arrival while a cohort is observed is backfilled or lost); drop max_waiting");
            if (MaxWaitDays < double.PositiveInfinity) throw new ArgumentException($"max_wait_days = {MaxWaitDays.ToString(System.Globalization.CultureInfo.InvariantCulture)}: arrivals = next-arrival keeps no waiting list; drop max_wait_days");
            Check(MeanGapDays > 0, "accrual_interval_days", IntervalDays, "must be above 0 with arrivals = next-arrival (a cohort is evaluated at the next arrival)");
        }
        else if (HasWaitingLimit) Check(MeanGapDays > 0, "accrual_interval_days", IntervalDays, "must be above 0 when arrivals can be lost (max_wait_days or max_waiting)");
        Check(MaxWaitDays == double.PositiveInfinity || MaxWaitDays <= 36500, "max_wait_days", MaxWaitDays, "must be at most 36500 days");
        if (MaxWaiting == int.MaxValue && MaxWaitDays < double.PositiveInfinity && MeanGapDays > 0)
            Check(MaxWaitDays / MeanGapDays <= MaxWaitingList, "max_wait_days", MaxWaitDays, $"lets more than {MaxWaitingList:N0} arrivals wait at once; give max_waiting or a shorter max_wait_days");
        else Check(MaxWaiting == int.MaxValue || MaxWaiting <= MaxWaitingList, "max_waiting", MaxWaiting, $"must be at most {MaxWaitingList:N0}");
        foreach (var (name, days) in new[] { ("enrolment_to_infusion_days", InfusionDelayDays), ("dlt_window_days", DltWindowDays), ("sentinel_days", SentinelDays), ("response_days", ResponseDays) })
            Check(days <= 3650, name, days, "must be at most 3650 days");
    }
}
