namespace DoseEscalation.Designs.Rules;

/// <summary>
/// Stop once at least <see cref="N"/> patients have been treated, selecting what the design would
/// select then. Cohorts are not cut: a trial can pass N by less than one cohort.
/// </summary>
/// <remarks>
/// R escalation's <c>stop_at_n</c> (Brock 2019), with the same meaning. The model-assisted designs
/// and the CRM have their own maximum sample size (<c>max_n</c>, as in the BOIN and dfcrm
/// packages); for the 3+3 and A+B, <c>max_n</c> is this rule.
/// </remarks>
public sealed class StopAtN : DesignRule
{
    public int N { get; }

    public StopAtN(IDesign inner, int n) : base(inner)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "the maximum number of patients must be at least 1");
        N = n;
    }

    public override int MaxPatients => Math.Min(Inner.MaxPatients, N - 1 + Inner.MaxCohortSize);

    public override Decision Decide(in TrialState state) =>
        state.TotalPatients >= N ? StopAndSelect(state) : Inner.Decide(state);

    protected override string RuleText => $"stop at {N} patients";
}
