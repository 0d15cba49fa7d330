namespace DoseEscalation.Designs;

/// <summary>
/// A cohort design that backfills: while a cohort is in its DLT window, a patient who can be
/// enrolled is treated at a lower dose the design has opened instead of waiting for the next cohort.
/// The calendar engine checks for this interface; without calendar time nobody arrives while a
/// cohort is observed, so the design is its escalation rule alone (<see cref="IDesign.Decide"/>).
/// </summary>
/// <remarks>
/// For a backfill design the engine's <see cref="TrialState"/> counts, per dose, every patient whose
/// outcome is known (escalation cohorts and backfill patients alike), while
/// <see cref="TrialState.TotalPatients"/> counts the escalation cohorts' patients only: the maximum
/// sample size of such designs is a number of escalation cohorts, with backfill patients on top.
/// </remarks>
public interface IBackfillDesign : IDesign
{
    /// <summary>The most patients in escalation cohorts (backfill patients come on top of them, up to <see cref="IDesign.MaxPatients"/>).</summary>
    int EscalationMaxPatients { get; }

    /// <summary>True when a dose opens for backfill only once a response has been read there (the engine then draws responses).</summary>
    bool OpensOnResponse { get; }

    /// <summary>
    /// The dose at which to treat a patient who can be enrolled now, while the cohort at
    /// <paramref name="escalationLevel"/> is observed; -1 when no dose is open.
    /// <paramref name="known"/> counts the patients whose outcome is known now (including the
    /// observed cohort's members who have had a DLT or completed the window);
    /// <paramref name="treated"/> every patient treated per dose, known or not; and
    /// <paramref name="responsesRead"/> the responses read per dose by now.
    /// </summary>
    int BackfillLevel(in TrialState known, ReadOnlySpan<int> treated, ReadOnlySpan<int> responsesRead, int escalationLevel);

    /// <summary>
    /// Why each dose below <paramref name="escalationLevel"/> is open or closed for backfill (one per
    /// dose, lowest first), on the same data as <see cref="BackfillLevel"/>, which picks among the open ones.
    /// </summary>
    BackfillDoseStatus[] Statuses(in TrialState known, ReadOnlySpan<int> treated, ReadOnlySpan<int> responsesRead, int escalationLevel);
}
