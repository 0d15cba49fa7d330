namespace DoseEscalation.Designs.Rules;

/// <summary>
/// What a design would select if the trial stopped now: the dose (0-based) or
/// <see cref="Decision.NoDose"/>. Trial-level rules that stop a trial early (stop at N, stop at n
/// on a dose) ask it, so the selection stays the design's own.
/// </summary>
public interface IMtdSelector
{
    int SelectMtd(in TrialState state);
}

/// <summary>
/// A design's own posterior probability that a dose's DLT rate exceeds the target, for the safety
/// stop. Designs without a dose-toxicity model do not implement it; the rule then uses each dose's
/// own Beta(1, 1) posterior, as BOIN's elimination does.
/// </summary>
public interface IToxicityPosterior
{
    /// <summary>P(p_level &gt; target | data), in [0, 1].</summary>
    double ProbabilityAboveTarget(in TrialState state, int level);
}

/// <summary>
/// A trial-level rule wrapped around a design: it changes one part of the decision and passes the
/// rest through. Rules compose: <c>design.StopAtN(24).StartAt(2)</c>. Wrapping order matters only
/// where two rules act on the same decision: the outer rule sees the inner rule's decision (see
/// docs/designs.md).
/// </summary>
public abstract class DesignRule(IDesign inner) : IDesign, IMtdSelector
{
    /// <summary>The wrapped design (itself possibly a rule).</summary>
    public IDesign Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public string Name => Inner.Name;
    public int DoseCount => Inner.DoseCount;
    public virtual int MaxCohortSize => Inner.MaxCohortSize;
    public virtual int MaxPatients => Inner.MaxPatients;
    public bool ReadsLastCohort => Inner.ReadsLastCohort;
    public bool ReadsResponses => Inner.ReadsResponses;
    public bool ReadsJointOutcomes => Inner.ReadsJointOutcomes;

    public abstract Decision Decide(in TrialState state);

    /// <summary>The rule in a few words, appended to the design's description.</summary>
    protected abstract string RuleText { get; }

    public string Describe() => Inner.Describe() + ", " + RuleText;

    /// <summary>
    /// The rule itself if it is a <typeparamref name="T"/>, else the wrapped design's answer: a
    /// capability found under rules answers for the inner design. The rules' own decision may differ
    /// from the inner design's (a safety stop, a cap on N); callers that need the decision ask
    /// <see cref="Decide"/> of the whole design.
    /// </summary>
    public T? TryGet<T>() where T : class => this as T ?? Inner.TryGet<T>();

    public virtual int SelectMtd(in TrialState state) => SelectOf(Inner, state);

    /// <summary>The innermost design, under every rule.</summary>
    public IDesign Base => Inner is DesignRule r ? r.Base : Inner;

    /// <summary>What <paramref name="design"/> would select now; a design that cannot say selects nothing.</summary>
    public static int SelectOf(IDesign design, in TrialState state) =>
        design is IMtdSelector s ? s.SelectMtd(state) : Decision.NoDose;

    /// <summary>The design under all rules, and the rules from outermost in.</summary>
    public static (IDesign Base, IReadOnlyList<DesignRule> Rules) Unwrap(IDesign design)
    {
        var rules = new List<DesignRule>();
        while (design is DesignRule r) { rules.Add(r); design = r.Inner; }
        return (design, rules);
    }

    /// <summary>A stop that selects what the design would select now.</summary>
    protected Decision StopAndSelect(in TrialState state)
    {
        int level = SelectMtd(state);
        return level == Decision.NoDose ? Decision.StopNoDose : Decision.Select(level);
    }
}
