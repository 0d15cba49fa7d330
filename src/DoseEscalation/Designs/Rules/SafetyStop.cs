using MathNet.Numerics.Distributions;

namespace DoseEscalation.Designs.Rules;

/// <summary>Where the safety stop looks.</summary>
public enum SafetyScope
{
    /// <summary>Dose 1 only: stop the trial with no dose selected.</summary>
    FirstDose,
    /// <summary>Every dose: the lowest flagged dose and all above it are eliminated; the trial stops when dose 1 is.</summary>
    AnyDose,
}

/// <summary>
/// Stop (or eliminate) when the posterior probability that a dose's DLT rate exceeds the target is
/// above <see cref="Cutoff"/>, once the dose has at least <see cref="MinPatients"/> patients. The
/// posterior is the design's own when it has a dose-toxicity model (<see cref="IToxicityPosterior"/>,
/// the CRM), else the dose's own Beta(1, 1) posterior (BOIN's elimination rule).
/// </summary>
/// <remarks>
/// R escalation's <c>stop_when_too_toxic</c>; BOIN's elimination (Liu &amp; Yuan 2015) with scope
/// <see cref="SafetyScope.AnyDose"/>. With scope <see cref="SafetyScope.AnyDose"/>, a cohort the design
/// sends to an eliminated dose is treated at the highest dose below it, and a selection at or above
/// it becomes that dose.
/// </remarks>
public sealed class SafetyStop : DesignRule
{
    public double Target { get; }
    public double Cutoff { get; }
    public SafetyScope Scope { get; }
    public int MinPatients { get; }
    private readonly IToxicityPosterior? _model;
    // _flagAt[n]: fewest DLTs in n patients whose Beta(1,1) posterior exceeds the cutoff; int.MaxValue if none.
    private readonly int[] _flagAt;

    public SafetyStop(IDesign inner, double target, double cutoff, SafetyScope scope = SafetyScope.FirstDose, int minPatients = 3) : base(inner)
    {
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "target must be in (0, 1)");
        if (!(cutoff > 0 && cutoff < 1)) throw new ArgumentOutOfRangeException(nameof(cutoff), cutoff, "safety cutoff must be in (0, 1)");
        if (minPatients < 1) throw new ArgumentOutOfRangeException(nameof(minPatients), minPatients, "must be at least 1");
        (Target, Cutoff, Scope, MinPatients) = (target, cutoff, scope, minPatients);
        _model = inner.TryGet<IToxicityPosterior>();
        _flagAt = new int[inner.MaxPatients + 1];
        for (int n = 0; n < _flagAt.Length; n++)
        {
            _flagAt[n] = int.MaxValue;
            for (int x = 0; x <= n; x++)
                if (1 - Beta.CDF(x + 1, n - x + 1, target) > cutoff) { _flagAt[n] = x; break; }
        }
    }

    /// <summary>True if the rule flags <paramref name="level"/> in <paramref name="state"/>.</summary>
    public bool Flags(in TrialState state, int level)
    {
        int n = state.Patients[level];
        if (n < MinPatients) return false;
        return _model is { } m ? m.ProbabilityAboveTarget(state, level) > Cutoff : state.Dlts[level] >= _flagAt[n];
    }

    /// <summary>Lowest flagged level, or the dose count when none is.</summary>
    public int LowestFlagged(in TrialState state)
    {
        int top = Scope == SafetyScope.FirstDose ? 1 : state.DoseCount;
        for (int i = 0; i < top; i++) if (Flags(state, i)) return i;
        return state.DoseCount;
    }

    public override Decision Decide(in TrialState state)
    {
        if (state.IsStart) return Inner.Decide(state);
        int flagged = LowestFlagged(state);
        if (flagged == 0) return Decision.StopNoDose;
        var d = Inner.Decide(state);
        if (flagged == state.DoseCount || d.Level < flagged) return d;
        if (d.IsStop) return Decision.Select(flagged - 1);
        // Redirected cohorts are the rule's own: they must still fit the design's maximum.
        return state.TotalPatients + d.CohortSize > MaxPatients ? StopAndSelect(state) : Decision.Treat(flagged - 1, d.CohortSize);
    }

    public override int SelectMtd(in TrialState state)
    {
        int flagged = LowestFlagged(state);
        if (flagged == 0) return Decision.NoDose;
        int s = base.SelectMtd(state);
        return s >= flagged ? flagged - 1 : s;
    }

    protected override string RuleText => System.FormattableString.Invariant(
        $"stop{(Scope == SafetyScope.AnyDose ? " or eliminate" : "")} if P(p{(Scope == SafetyScope.FirstDose ? "1" : "")} > target) > {Cutoff} with >= {MinPatients} patients at {(Scope == SafetyScope.FirstDose ? "dose 1" : "a dose")}");
}
