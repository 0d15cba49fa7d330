namespace DoseEscalation.Engines;

/// <summary>
/// The integer counters of a comparison over some batches: each design's <see cref="OcTally{T}"/>,
/// the paired sums of its differences from the first design (correct selection; share of patients
/// above the MTD in millionths) and the benchmark's correct selections. Counters of disjoint batch
/// ranges add up exactly to the counters of their union.
/// </summary>
public sealed class ComparisonCounts(OcTally<long>[] tallies, PairedSums[] correctSelectionDifference, PairedSums[] shareAboveDifference, long benchmarkCorrect)
{
    public OcTally<long>[] Tallies { get; } = tallies;
    public PairedSums[] CorrectSelectionDifference { get; } = correctSelectionDifference;
    public PairedSums[] ShareAboveDifference { get; } = shareAboveDifference;
    public long BenchmarkCorrect { get; private set; } = benchmarkCorrect;
    /// <summary>On the calendar: each design's times, paired duration differences (ticks) and trials it finished before the first design; null otherwise.</summary>
    public Calendar.CalendarTally[]? Times { get; init; }
    public PairedSums[]? DurationDifference { get; init; }
    public long[]? Shorter { get; init; }
    /// <summary>
    /// With a design that reads responses among them (<see cref="Response.ResponseComparison"/>): each
    /// design's responders (its tally is <see cref="Response.ResponseTally{T}.Oc"/>, the same object as
    /// <see cref="Tallies"/>[j]), and P(select the OBD) and the selected dose's utility (millionths)
    /// paired against the first design; null otherwise.
    /// </summary>
    public Response.ResponseTally<long>[]? Responses { get; init; }
    public PairedSums[]? ObdDifference { get; init; }
    public PairedSums[]? UtilityDifference { get; init; }

    /// <summary>Adds another range's counters (same designs and scenario).</summary>
    public void Add(ComparisonCounts other)
    {
        if (other.Tallies.Length != Tallies.Length) throw new ArgumentException($"counters of {other.Tallies.Length} designs cannot be added to counters of {Tallies.Length}");
        if ((other.Times is null) != (Times is null)) throw new ArgumentException("calendar counters cannot be added to counters without a calendar");
        if ((other.Responses is null) != (Responses is null)) throw new ArgumentException("counters with responders cannot be added to counters without");
        for (int j = 0; j < Tallies.Length; j++)
        {
            if (Responses is not null)
            {
                Responses[j].Add(other.Responses![j]); // its Oc is Tallies[j]
                ObdDifference![j].Add(other.ObdDifference![j]);
                UtilityDifference![j].Add(other.UtilityDifference![j]);
            }
            else Tallies[j].Add(other.Tallies[j]);
            CorrectSelectionDifference[j].Add(other.CorrectSelectionDifference[j]);
            ShareAboveDifference[j].Add(other.ShareAboveDifference[j]);
            if (Times is not null)
            {
                Times[j].Add(other.Times![j]);
                DurationDifference![j].Add(other.DurationDifference![j]);
                Shorter![j] += other.Shorter![j];
            }
        }
        BenchmarkCorrect += other.BenchmarkCorrect;
    }
}
