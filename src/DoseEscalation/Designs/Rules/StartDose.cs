namespace DoseEscalation.Designs.Rules;

/// <summary>
/// Start at a given dose: the first cohort is treated at <see cref="StartLevel"/> instead of the
/// design's own start, with the design's first cohort size; every later decision is the design's.
/// </summary>
/// <remarks>
/// Every built-in design reads the start level only for the first cohort (the 3+3 de-escalates to
/// an untried dose below a start above dose 1 on its own), so this equals building the design with
/// that start. R escalation: the <c>starting_dose</c> argument of each design.
/// </remarks>
public sealed class StartDose : DesignRule
{
    /// <summary>Level (0-based) of the first cohort.</summary>
    public int StartLevel { get; }

    public StartDose(IDesign inner, int startLevel) : base(inner)
    {
        if (startLevel < 0 || startLevel >= inner.DoseCount)
            throw new ArgumentOutOfRangeException(nameof(startLevel), startLevel + 1, $"start dose must be one of the dose levels 1..{inner.DoseCount}");
        StartLevel = startLevel;
    }

    public override Decision Decide(in TrialState state)
    {
        var d = Inner.Decide(state);
        return state.IsStart && !d.IsStop ? Decision.Treat(StartLevel, d.CohortSize) : d;
    }

    protected override string RuleText => $"start at dose {StartLevel + 1}";
}
