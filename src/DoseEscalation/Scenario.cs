namespace DoseEscalation;

/// <summary>
/// A toxicity scenario: the true DLT probability at each dose level, each in [0, 1].
/// </summary>
public sealed record Scenario
{
    public string Name { get; }
    public IReadOnlyList<double> Dlt { get; }
    /// <summary>Why this scenario is plausible (one line, for reports).</summary>
    public string? Rationale { get; init; }
    /// <summary>Optional true response (efficacy) probability per dose.</summary>
    public IReadOnlyList<double>? Response { get; init; }

    public Scenario(string name, IReadOnlyList<double> dlt)
    {
        ArgumentNullException.ThrowIfNull(dlt);
        if (dlt.Count == 0) throw new ArgumentException("a scenario needs at least one dose", nameof(dlt));
        for (int i = 0; i < dlt.Count; i++)
            if (!(dlt[i] >= 0 && dlt[i] <= 1))
                throw new ArgumentOutOfRangeException(nameof(dlt), dlt[i], $"DLT probability of dose {i + 1} must be in [0, 1]");
        Name = name;
        Dlt = dlt.ToArray();
    }

    public int DoseCount => Dlt.Count;

    /// <summary>True if the DLT probabilities never decrease with dose.</summary>
    public bool IsMonotone
    {
        get
        {
            for (int i = 1; i < Dlt.Count; i++) if (Dlt[i] < Dlt[i - 1]) return false;
            return true;
        }
    }

    /// <summary>The true MTD: the highest level whose DLT probability is at most <paramref name="target"/>; -1 if none.</summary>
    public int TrueMtdLevel(double target)
    {
        for (int i = Dlt.Count - 1; i >= 0; i--) if (Dlt[i] <= target) return i;
        return Decision.NoDose;
    }
}
