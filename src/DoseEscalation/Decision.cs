namespace DoseEscalation;

/// <summary>What a design says after looking at the trial so far.</summary>
public enum DecisionKind : byte
{
    /// <summary>Treat the next cohort at <see cref="Decision.Level"/>.</summary>
    Treat,
    /// <summary>Stop the trial; <see cref="Decision.Level"/> is the selected MTD, or -1 for none.</summary>
    Stop,
}

/// <summary>
/// A design's decision: treat <see cref="CohortSize"/> patients at dose level <see cref="Level"/>
/// (0-based), or stop and select <see cref="Level"/> as the MTD (-1: no dose selected).
/// </summary>
public readonly record struct Decision(DecisionKind Kind, int Level, int CohortSize)
{
    /// <summary>The sentinel level meaning "no dose selected".</summary>
    public const int NoDose = -1;

    public static Decision Treat(int level, int cohortSize) => new(DecisionKind.Treat, level, cohortSize);
    public static Decision Select(int level) => new(DecisionKind.Stop, level, 0);
    public static Decision StopNoDose { get; } = new(DecisionKind.Stop, NoDose, 0);

    public bool IsStop => Kind == DecisionKind.Stop;

    public override string ToString() => Kind == DecisionKind.Treat
        ? $"treat {CohortSize} at dose {Level + 1}"
        : Level == NoDose ? "stop, no dose selected" : $"stop, select dose {Level + 1}";
}
