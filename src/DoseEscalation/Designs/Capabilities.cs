namespace DoseEscalation.Designs;

// What a design can do besides decide. Callers ask design.TryGet<ICapability>() (trial-level rules
// pass the question to the design they wrap), never the design's concrete type, so a new design
// brings its abilities in its own class file.

/// <summary>A design with a target DLT rate (the rate its final estimates are read against).</summary>
public interface ITargeted
{
    /// <summary>Target DLT rate, in (0, 1).</summary>
    double Target { get; }
}

/// <summary>
/// A design with a rule for selecting the MTD (or OBD) whenever the trial is closed, not only at its
/// own stop: the final analysis of <c>next --final</c>. <see cref="Rules.IMtdSelector.SelectMtd"/> is
/// what trial-level rules that stop early select.
/// </summary>
public interface IFinalSelection : Rules.IMtdSelector
{
    /// <summary>The selection rule in a few words, for reports.</summary>
    string SelectionRule { get; }

    /// <summary>
    /// The dose (0-based) selected if the trial is closed now, or <see cref="Decision.NoDose"/>;
    /// <see cref="Rules.IMtdSelector.SelectMtd"/> unless the design's final analysis reads the data differently.
    /// </summary>
    int SelectFinal(in TrialState state) => SelectMtd(state);
}

/// <summary>A design that decides from the counts at the current dose alone, so its rule prints as a table (<see cref="Designs.DecisionTable.For"/>).</summary>
public interface IDecisionTableSource
{
    /// <summary>The design's decision table, one row per number of patients at the current dose.</summary>
    DecisionTable ToDecisionTable();
}

/// <summary>
/// A design that can say why it decided: the rule that applied, in words, with the quantities it
/// used (<c>next</c> prints them). Designs without it are explained as "the design decides".
/// </summary>
public interface IExplainsDecisions
{
    /// <summary>
    /// Why <paramref name="decision"/>, this design's own decision at <paramref name="state"/> (a
    /// state with patients; the start needs no reason), was taken.
    /// </summary>
    DecisionReason Explain(in TrialState state, Decision decision);
}

/// <summary>A design that closes doses for toxicity (or futility) from the counts: the interval designs, BOIN12.</summary>
public interface IEliminatesDoses
{
    /// <summary>Sets <paramref name="eliminated"/>[d] (one per dose, all false on entry) for every dose the design has closed at <paramref name="state"/>.</summary>
    void Eliminated(in TrialState state, Span<bool> eliminated);
}

/// <summary>A design with a one-parameter dose-toxicity model (the CRM): the posterior of every dose's DLT probability.</summary>
public interface IModelFit
{
    /// <summary>The posterior fit to <paramref name="patients"/> and <paramref name="dlts"/> per dose, with credible intervals at <paramref name="credibleLevel"/>.</summary>
    CrmFit Fit(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, double credibleLevel = 0.90);
}
