namespace DoseEscalation.Designs.Rules;

/// <summary>
/// Accelerated titration as in the BOIN R package's <c>get.oc(..., titration = TRUE)</c>: one
/// patient per dose, escalating after each patient without a DLT, until the first DLT or the
/// highest dose (or, when the engine draws grade-2 outcomes because the scenario gives their
/// probabilities, the <see cref="Grade2Trigger"/>-th patient with a grade 2 toxicity: Simon et al.
/// 1997 end at the second); then the next cohort at that dose has cohort size - 1 patients (so the dose holds
/// one full cohort, its titration patient included) and the design decides from there on its own,
/// with every titration patient counted in its dose's data and in the maximum sample size.
/// During titration the design is not asked (get.oc runs the phase before its cohort loop); its
/// stopping rules and maximum N apply from the first decision after the fill.
/// </summary>
/// <remarks>
/// The titration phase is read from the counts alone: before any dose holds two patients the trial
/// is still titrating (the first full cohort takes its dose to at least 2, and counts never fall),
/// so the rule keeps no history and the exact engine merges titration states like any others. The
/// grade-2 count is the one thing beyond the counts (<see cref="TrialState.Grade2Events"/>, -1 when
/// not drawn); engines carry it only while titrating.
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

    /// <summary>
    /// Grade-2 events (patients with a grade 2 toxicity and no DLT) that end titration, as the user set
    /// it; null when not set (then 1, the issue's and BOIN-AT's rule, once the scenario gives grade-2
    /// probabilities). Simon et al. (1997) end the accelerated phase at the second (2).
    /// </summary>
    public int? Grade2Events { get; }

    /// <summary>Grade-2 events that end titration when the engine draws them: <see cref="Grade2Events"/>, else 1.</summary>
    public int Grade2Trigger => Grade2Events ?? 1;

    public AcceleratedTitration(IDesign inner, int? grade2Events = null) : base(inner)
    {
        const string Param = "acceleratedTitration";
        if (grade2Events is < 1)
            throw new ArgumentOutOfRangeException("titrationGrade2Events", grade2Events, "the grade-2 events that end titration must be at least 1");
        Grade2Events = grade2Events;
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
            // Grade-2 events are counted only when the engine draws them (Grade2Events >= 0).
            bool grade2End = state.Grade2Events >= Grade2Trigger;
            return state.Dlts[c] == 0 && !grade2End && c + 1 < state.DoseCount
                ? Decision.Treat(c + 1, 1)
                : Decision.Treat(c, CohortSize - 1); // first DLT, grade-2 trigger or the top dose without either: fill the dose to a cohort
        }
        var d = Inner.Decide(state);
        if (_firstCohortAtDose > 0 && !d.IsStop && state.Patients[d.Level] == 1)
            return Decision.Treat(d.Level, Math.Min(_firstCohortAtDose - 1, d.CohortSize));
        return d;
    }

    /// <summary>
    /// The titration rule of <paramref name="design"/> when its grade-2 trigger applies under
    /// <paramref name="scenario"/> (the scenario gives grade-2 probabilities); null when the design has
    /// no titration or titration ends at the first DLT only (a scenario without grade-2 probabilities).
    /// </summary>
    /// <exception cref="ArgumentException">The design sets the grade-2 events but the scenario gives no grade-2 probabilities.</exception>
    public static AcceleratedTitration? Grade2Rule(IDesign design, Scenario scenario)
    {
        var rule = design.TryGet<AcceleratedTitration>();
        if (rule is null) return null;
        if (scenario.HasGrade2) return rule;
        if (rule.Grade2Events is { } g)
            throw new ArgumentException($"titration_grade2_events {g}: scenario '{scenario.Name}' gives no grade2 probabilities, so no grade-2 event can end titration (add grade2: [...] to the scenario, or leave the option out for titration until the first DLT)");
        return null;
    }

    /// <summary>
    /// Refuses a run of <paramref name="what"/> that draws DLTs only when the design's titration would
    /// end on grade-2 events under <paramref name="scenario"/> (an error, never DLT-only titration in silence).
    /// </summary>
    public static void RefuseGrade2(IDesign design, Scenario scenario, string what)
    {
        if (Grade2Rule(design, scenario) is not null)
            throw new ArgumentException($"{what} does not draw grade-2 events yet, and scenario '{scenario.Name}' gives grade2 probabilities for {design.Name}'s accelerated titration; use simulate or exact (or drop grade2 from the scenario for titration until the first DLT)");
    }

    /// <summary>
    /// True when a cohort of one treated in <paramref name="state"/> is a titration patient whose
    /// grade-2 outcome can still matter: no dose holds two patients, no DLT yet, and fewer grade-2
    /// events than the trigger. The engines that draw grade 2 split only such patients three ways.
    /// </summary>
    public bool Grade2Matters(in TrialState state)
    {
        if (state.Grade2Events >= Grade2Trigger || !Titrating(state)) return false;
        foreach (int x in state.Dlts) if (x > 0) return false;
        return true;
    }

    /// <summary>True while no dose holds two patients: the titration phase (every full cohort ends it).</summary>
    public static bool Titrating(in TrialState state)
    {
        foreach (int n in state.Patients) if (n > 1) return false;
        return true;
    }

    protected override string RuleText => Grade2Events is { } g
        ? $"with accelerated titration (until the first DLT or {g} grade-2 event{(g == 1 ? "" : "s")})"
        : "with accelerated titration";
}
