using System.Globalization;

namespace DoseEscalation.SampleSizing;

/// <summary>
/// What a protocol adds to the bare design when counting patients: non-evaluable patients who are
/// replaced, an expansion cohort at the selected dose, and the efficacy threshold of interest.
/// </summary>
public sealed record SampleSizeModel
{
    /// <summary>P(an enrolled patient is non-evaluable and replaced), in [0, 0.95).</summary>
    public double NonEvaluableRate { get; init; }
    /// <summary>Patients added at the selected dose after escalation (0 or more; none if no dose is selected).</summary>
    public int ExpansionCohort { get; init; }
    /// <summary>The enrolled sample size whose sufficiency is reported (e.g. 13); null: none stated.</summary>
    public int? PlannedN { get; init; }
    /// <summary>Share of trials the recommended N must cover, in (0, 1) (default 0.9).</summary>
    public double Coverage { get; init; } = 0.9;
    /// <summary>Responses of interest at the selected dose (r in P(at least r responses)); null: not reported.</summary>
    public int? MinResponses { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        // 0.95 matches the scenario file's bound: beyond it replacement dominates the count.
        if (!(NonEvaluableRate >= 0 && NonEvaluableRate < 0.95))
            throw new ArgumentOutOfRangeException(nameof(NonEvaluableRate), NonEvaluableRate,
                $"non-evaluable rate {NonEvaluableRate.ToString(CultureInfo.InvariantCulture)}: must be in [0, 0.95)");
        if (ExpansionCohort < 0)
            throw new ArgumentOutOfRangeException(nameof(ExpansionCohort), ExpansionCohort, $"expansion cohort {ExpansionCohort}: must be 0 or more");
        if (PlannedN is { } n && n < 1)
            throw new ArgumentOutOfRangeException(nameof(PlannedN), n, $"planned N {n}: must be at least 1");
        if (!(Coverage > 0 && Coverage < 1))
            throw new ArgumentOutOfRangeException(nameof(Coverage), Coverage,
                $"coverage {Coverage.ToString(CultureInfo.InvariantCulture)}: must be strictly between 0 and 1");
        if (MinResponses is { } r && r < 1)
            throw new ArgumentOutOfRangeException(nameof(MinResponses), r, $"minimum responses {r}: must be at least 1");
    }
}
