namespace DoseEscalation.Designs.Rules;

/// <summary>
/// Stop when the design would treat the next cohort at a dose that already has at least
/// <see cref="N"/> patients, selecting what the design would select then.
/// </summary>
/// <remarks>
/// R escalation's <c>stop_when_n_at_dose(n, dose = "recommended")</c>. BOIN's own
/// <c>n_earlystop</c> differs (it stops only when the decision is to stay) and stays a BOIN option.
/// </remarks>
public sealed class StopAtDoseCount : DesignRule
{
    public int N { get; }

    public StopAtDoseCount(IDesign inner, int n) : base(inner)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "must be at least 1");
        N = n;
    }

    public override Decision Decide(in TrialState state)
    {
        var d = Inner.Decide(state);
        return !d.IsStop && state.Patients[d.Level] >= N ? StopAndSelect(state) : d;
    }

    protected override string RuleText => $"stop when the next dose has {N} patients";
}
