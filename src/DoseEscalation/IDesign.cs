namespace DoseEscalation;

/// <summary>
/// A dose-escalation design: a small immutable rule object. It validates its parameters when it is
/// built and then only answers <see cref="Decide"/>; it knows nothing of random numbers, threads or
/// files, so one instance is shared by every engine and thread.
/// </summary>
public interface IDesign
{
    /// <summary>Short name as used on the command line, e.g. "3+3", "boin".</summary>
    string Name { get; }

    /// <summary>Number of dose levels K (levels are 0..K-1 in code, dose 1..K in reports).</summary>
    int DoseCount { get; }

    /// <summary>Largest cohort the design ever asks for.</summary>
    int MaxCohortSize { get; }

    /// <summary>An upper bound on the total number of evaluable patients; every trial stops by it.</summary>
    int MaxPatients { get; }

    /// <summary>True if <see cref="Decide"/> reads <see cref="TrialState.LastCohortDlts"/> (engines then keep it in the state).</summary>
    bool ReadsLastCohort { get; }

    /// <summary>
    /// True if <see cref="Decide"/> reads <see cref="TrialState.Responses"/> (efficacy-driven designs
    /// such as BOIN12); engines then draw each patient's response with the DLT and count it.
    /// </summary>
    bool ReadsResponses => false;

    /// <summary>
    /// True if <see cref="Decide"/> also reads <see cref="TrialState.DltResponses"/>, the patients with
    /// both a DLT and a response per dose (BOIN12 with u11 + u00 other than 100); engines then keep that
    /// count in the state too. Implies <see cref="ReadsResponses"/>.
    /// </summary>
    bool ReadsJointOutcomes => false;

    /// <summary>The next step given the counts so far. Must be a pure function of <paramref name="state"/>.</summary>
    Decision Decide(in TrialState state);

    /// <summary>One-line summary of the design and its options, for captions and reports.</summary>
    string Describe();

    /// <summary>
    /// The design as the capability <typeparamref name="T"/> (an interface of
    /// <c>DoseEscalation.Designs</c> such as <c>IFinalSelection</c> or <c>IBackfillDesign</c>), or
    /// null if it has none. Callers ask this instead of testing concrete design types, so a design's
    /// abilities stay in its own class; trial-level rules pass the question to the design they wrap.
    /// </summary>
    T? TryGet<T>() where T : class => this as T;
}
