namespace DoseEscalation.Designs.Rules;

/// <summary>
/// Never skip an untried dose when escalating: a cohort the design sends above the lowest untried
/// dose (above the highest tried one) is treated at that dose instead.
/// </summary>
/// <remarks>
/// Every built-in design already obeys this by construction (the CRM as dfcrm restricts it); the rule
/// matters for designs that may skip. R escalation: <c>dont_skip_doses(when_escalating = TRUE)</c>.
/// </remarks>
public sealed class NeverSkip(IDesign inner) : DesignRule(inner)
{
    public override Decision Decide(in TrialState state)
    {
        var d = Inner.Decide(state);
        if (d.IsStop || state.IsStart) return d;
        int highestTried = -1;
        for (int i = 0; i < state.DoseCount; i++) if (state.Patients[i] > 0) highestTried = i;
        return d.Level > highestTried + 1 ? Decision.Treat(highestTried + 1, d.CohortSize) : d;
    }

    protected override string RuleText => "never skip an untried dose";
}
