namespace DoseEscalation.Engines.Calendar;

/// <summary>A design's duration against the first design's on the same simulated patients.</summary>
/// <param name="MeanDifference">Mean of (this design's duration - the first design's), days.</param>
/// <param name="Se">Standard error of that mean (paired: the SD of the per-trial differences / sqrt(trials)).</param>
/// <param name="ShareShorter">Share of trials this design finished strictly earlier than the first.</param>
public sealed record PairedDuration(double MeanDifference, double Se, double ShareShorter);

/// <summary>Several designs on one scenario and timeline with common random numbers, and their paired duration differences.</summary>
public sealed record CalendarComparison(IReadOnlyList<CalendarResult> Results, IReadOnlyList<PairedDuration> AgainstFirst)
{
    /// <summary>
    /// The comparison from a comparison run's calendar counters: each design's times, its paired
    /// duration sums against the first design and the trials it finished first, with each design's
    /// operating characteristics as the comparison computed them.
    /// </summary>
    internal static CalendarComparison From(IReadOnlyList<IDesign> designs, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options,
        CalendarTally[] times, PairedSums[] durationDifference, long[] shorter, IReadOnlyList<OperatingCharacteristics> ocs)
    {
        long trials = options.Trials;
        var results = designs.Select((d, j) => CalendarEngine.Result(d, scenario, target, timeline, options, times[j]) with { Oc = ocs[j] }).ToList();
        var paired = designs.Select((_, j) => durationDifference[j].Duration(trials, (double)shorter[j] / trials)).ToList();
        return new CalendarComparison(results, paired);
    }
}

/// <summary>
/// Runs several designs on the same simulated trials (<see cref="ComparisonEngine"/> with a
/// timeline): trial t of batch b gives every design the same arrivals, the same treated-patient
/// times and the same latent DLT tolerance for its k-th evaluable patient, so differences in
/// duration are paired, and each design's toxicity results are those of <c>compare</c> without
/// the calendar.
/// </summary>
internal static class CalendarCompare
{
    public static CalendarComparison Run(IReadOnlyList<IDesign> designs, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options,
        CorrectSelection? correctSelection = null)
    {
        if (designs.Count == 0) throw new ArgumentException("no designs to compare");
        return ComparisonEngine.Run(designs, scenario, target, options, benchmarkPatients: 0, correctSelection, timeline).Calendar!;
    }
}
