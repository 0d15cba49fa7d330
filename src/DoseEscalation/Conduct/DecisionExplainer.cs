using DoseEscalation.Designs;

namespace DoseEscalation.Conduct;

/// <summary>
/// Puts a design's decision at a state into words: the start, a trial-level rule that overrode the
/// design, or the design's own reason (<see cref="IExplainsDecisions"/>: for the interval designs the
/// observed rate and the boundaries at this n, for the A+B which branch of its table applied, for the
/// CRM the posterior quantities and the restriction that applied). The decision itself always comes
/// from <see cref="IDesign.Decide"/>; this only explains it.
/// </summary>
public static class DecisionExplainer
{
    public static DecisionReason Explain(IDesign design, in TrialState state, Decision decision)
    {
        // A design inside trial-level rules: explain the inner rule where the rules left its decision
        // alone. This needs the bare design (to compare decisions) and the rules (to name them).
        var (inner, rules) = Designs.Rules.DesignRule.Unwrap(design);
        if (!ReferenceEquals(inner, design))
        {
            if (!state.IsStart && inner.Decide(state) != decision)
                return new DecisionReason($"a trial-level rule ({string.Join(", ", rules.Select(r => r.GetType().Name))}) overrode the design's own decision: {Verb(decision)}", []);
            design = inner;
        }
        return ExplainBase(design, state, decision);
    }

    private static DecisionReason ExplainBase(IDesign design, in TrialState state, Decision decision) =>
        state.IsStart ? new DecisionReason($"no patients yet, so the design's start: {Verb(decision)}", [])
        : design.TryGet<IExplainsDecisions>() is { } explains ? explains.Explain(state, decision)
        : new DecisionReason($"the design decides: {Verb(decision)}", []);

    /// <summary>"treat 3 at dose 2", "stop and select dose 2", "stop with no dose selected".</summary>
    public static string Verb(Decision d) => ReasonText.Verb(d);
}
