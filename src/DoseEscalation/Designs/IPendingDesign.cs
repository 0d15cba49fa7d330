namespace DoseEscalation.Designs;

/// <summary>What a design that reads pending patients says when a patient could be enrolled now.</summary>
public enum PendingAction : byte
{
    /// <summary>Enrol one patient now at <see cref="PendingDecision.Level"/>.</summary>
    Enrol,
    /// <summary>Enrol no one until a pending patient's outcome is known (accrual suspended).</summary>
    Wait,
    /// <summary>Stop; <see cref="PendingDecision.Level"/> is the selected MTD or -1. Only with nothing pending.</summary>
    Stop,
}

/// <summary>A decision of an <see cref="IPendingDesign"/>.</summary>
public readonly record struct PendingDecision(PendingAction Action, int Level)
{
    public static PendingDecision Enrol(int level) => new(PendingAction.Enrol, level);
    public static PendingDecision Wait { get; } = new(PendingAction.Wait, -1);
    public static PendingDecision Select(int level) => new(PendingAction.Stop, level);
}

/// <summary>
/// The patients enrolled whose outcome is not yet known, at the moment a design decides: how many
/// per level, and for each one its level and the fraction of the DLT window it has completed
/// without a DLT (what time-to-event designs weight it by). A patient who will turn out
/// non-evaluable is pending like any other until it leaves.
/// </summary>
public readonly ref struct PendingPatients
{
    /// <summary>Pending patients per level (length = number of doses).</summary>
    public ReadOnlySpan<int> PerLevel { get; }
    /// <summary>The level of each pending patient.</summary>
    public ReadOnlySpan<int> Levels { get; }
    /// <summary>The fraction of the DLT window each pending patient has completed, in [0, 1].</summary>
    public ReadOnlySpan<double> Followed { get; }
    /// <summary>When each DLT observed so far occurred, as a fraction of the DLT window (for TITE-CRM's adaptive weights).</summary>
    public ReadOnlySpan<double> DltTimes { get; }

    public PendingPatients(ReadOnlySpan<int> perLevel, ReadOnlySpan<int> levels, ReadOnlySpan<double> followed, ReadOnlySpan<double> dltTimes = default)
    {
        if (levels.Length != followed.Length) throw new ArgumentException("one follow-up fraction per pending patient");
        PerLevel = perLevel;
        Levels = levels;
        Followed = followed;
        DltTimes = dltTimes;
    }

    /// <summary>Nothing pending, over <paramref name="perLevel"/> (zeros, one per dose).</summary>
    public static PendingPatients None(ReadOnlySpan<int> perLevel) => new(perLevel, default, default);

    /// <summary>Pending patients at <paramref name="level"/>, and the sum of their follow-up fractions.</summary>
    public (int Count, double Followed) At(int level)
    {
        double sum = 0;
        for (int i = 0; i < Levels.Length; i++) if (Levels[i] == level) sum += Followed[i];
        return (PerLevel[level], sum);
    }

    /// <summary>Number of pending patients.</summary>
    public int Count => Levels.Length;
}

/// <summary>
/// A design that decides on patients still in their DLT window as well as on the evaluated ones
/// (rolling six; TITE designs). The calendar engine checks for this interface; every other engine
/// uses <see cref="IDesign.Decide"/>, which must equal <see cref="DecidePending"/> with nothing
/// pending (an <c>Enrol</c> there is <c>Treat(level, 1)</c>), so the design keeps its meaning
/// wherever time plays no role.
/// </summary>
public interface IPendingDesign : IDesign
{
    /// <summary>
    /// The decision at a moment a patient could be enrolled. <paramref name="state"/> counts the
    /// evaluated patients (those whose window is over or who had a DLT); <paramref name="pending"/>
    /// holds the patients enrolled whose outcome is not yet known.
    /// <see cref="TrialState.CurrentLevel"/> is the level of the last enrolment.
    /// </summary>
    PendingDecision DecidePending(in TrialState state, in PendingPatients pending);

    /// <summary>
    /// True if <see cref="DecidePending"/> reads <see cref="PendingPatients.Followed"/> (time-to-event
    /// designs). A design that reads only the counts (the rolling six) says false, and the calendar
    /// engine then skips computing each pending patient's follow-up fraction at every decision
    /// (a division per pending patient, most of that engine's time for such a design); the span it
    /// passes then holds zeros.
    /// </summary>
    bool ReadsFollowUp => true;

    /// <summary>
    /// True if <see cref="DecidePending"/> certainly enrols a patient (neither waits nor stops) at any
    /// moment with <paramref name="evaluated"/> patients evaluated and <paramref name="pending"/>
    /// pending, whatever their levels, outcomes and follow-up. The calendar engine then asks for the
    /// decision only when a patient can be enrolled before the next outcome is known (otherwise the
    /// enrolment could not happen and the answer would be discarded); the answers it does ask for,
    /// and so the results, are the same. False (the default) when unsure: the design is always asked.
    /// </summary>
    bool CertainlyEnrols(int evaluated, int pending) => false;
}
