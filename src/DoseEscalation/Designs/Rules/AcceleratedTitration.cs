namespace DoseEscalation.Designs.Rules;

/// <summary>
/// Accelerated titration as in the BOIN R package's <c>get.oc(..., titration = TRUE)</c>: one
/// patient per dose, escalating after each patient without a DLT, until the first DLT or the
/// highest dose; then the next cohort at that dose has cohort size - 1 patients (so the dose holds
/// one full cohort, its titration patient included) and the design decides from there on its own,
/// with every titration patient counted in its dose's data and in the maximum sample size.
/// During titration the design is not asked (get.oc runs the phase before its cohort loop); its
/// stopping rules and maximum N apply from the first decision after the fill.
/// </summary>
/// <remarks>
/// The titration phase is read from the counts alone: before any dose holds two patients the trial
/// is still titrating (the first full cohort takes its dose to at least 2, and counts never fall),
/// so the rule keeps no history and the exact engine merges titration states like any others.
/// <para>The A+B designs (3+3) judge a dose only at A or A + B patients, so a cohort they send to a
/// dose holding just its titration patient (a lower dose, on de-escalation) is cut to A - 1: the
/// titration patient counts as one of the dose's first A, as in the accelerated titration designs of
/// Simon et al. (1997), which switch to the 3+3 at the dose of the first DLT. Every other design
/// (BOIN, mTPI-2, Keyboard, i3+3, the CRM) treats its full cohort there, as get.oc does.</para>
/// <para>Refused: a design whose cohort is 1 patient (titration would change nothing; get.oc turns
/// it off silently), designs that read pending patients or backfill on the calendar (TITE-CRM,
/// TITE-BOIN, rolling six, BF-BOIN) and designs that decide on responses (BOIN12), whose rules are
/// not defined on a titration phase. docs/designs.md states the rule in full.</para>
/// </remarks>
public sealed class AcceleratedTitration : DesignRule
{
    /// <summary>The design's own cohort size (its first cohort), which the fill cohort completes.</summary>
    public int CohortSize { get; }

    // A+B's A when the design judges doses at A and A + B patients only; 0 otherwise.
    private readonly int _firstCohortAtDose;

    public AcceleratedTitration(IDesign inner) : base(inner)
    {
        const string Param = "acceleratedTitration";
        if (inner.TryGet<IPendingDesign>() is not null)
            throw new ArgumentException($"accelerated titration is not defined for {inner.Name}: it enrols on the calendar with patients pending", Param);
        if (inner.TryGet<IBackfillDesign>() is not null)
            throw new ArgumentException($"accelerated titration is not defined for {inner.Name}: it backfills on the calendar", Param);
        if (inner.ReadsResponses)
            throw new ArgumentException($"accelerated titration is not defined for {inner.Name}: it decides on responses, which titration does not wait for", Param);
        int k = inner.DoseCount;
        var first = inner.Decide(new TrialState(new int[k], new int[k], 0, -1, 0));
        if (first.IsStop)
            throw new ArgumentException($"accelerated titration needs a design that treats a first cohort ({inner.Name} stops at once)", Param);
        if (first.CohortSize < 2)
            throw new ArgumentException($"accelerated titration needs a cohort size of at least 2 ({inner.Name} treats cohorts of {first.CohortSize}, already one patient at a time)", Param);
        CohortSize = first.CohortSize;
        // Titration through every dose plus the fill cohort: the most the phase can take.
        if (inner.MaxPatients < k + CohortSize - 1)
            throw new ArgumentException($"accelerated titration needs room for one patient per dose and a cohort: a maximum of at least {k + CohortSize - 1} patients ({inner.Name} stops by {inner.MaxPatients})", "maxN");
        if (inner.TryGet<AplusB>() is { } ab)
        {
            // Without de-escalation the A+B selects the dose below a too-toxic one as it stands, which
            // after titration may be a dose with its one titration patient: a selection no A+B rule makes.
            if (!ab.Deescalate)
                throw new ArgumentException($"accelerated titration with {inner.Name} needs deescalate: true (without it the dose below a too-toxic one would be selected on its single titration patient)", Param);
            _firstCohortAtDose = ab.A;
        }
    }

    public override Decision Decide(in TrialState state)
    {
        if (state.IsStart)
        {
            var first = Inner.Decide(state);
            return first.IsStop ? first : Decision.Treat(first.Level, 1);
        }
        // The titration phase is the rule's own, as in get.oc: the design is not asked (its rules are
        // not written for single patients; the 3+3 would select a top dose seen on one patient). The
        // constructor checked that titration and its fill fit in the design's maximum N.
        if (Titrating(state))
        {
            int c = state.CurrentLevel;
            return state.Dlts[c] == 0 && c + 1 < state.DoseCount
                ? Decision.Treat(c + 1, 1)
                : Decision.Treat(c, CohortSize - 1); // first DLT, or the top dose without one: fill the dose to a cohort
        }
        var d = Inner.Decide(state);
        if (_firstCohortAtDose > 0 && !d.IsStop && state.Patients[d.Level] == 1)
            return Decision.Treat(d.Level, Math.Min(_firstCohortAtDose - 1, d.CohortSize));
        return d;
    }

    /// <summary>True while no dose holds two patients: the titration phase (every full cohort ends it).</summary>
    public static bool Titrating(in TrialState state)
    {
        foreach (int n in state.Patients) if (n > 1) return false;
        return true;
    }

    protected override string RuleText => "with accelerated titration";
}
