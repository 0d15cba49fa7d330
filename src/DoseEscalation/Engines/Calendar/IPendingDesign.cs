namespace DoseEscalation.Engines.Calendar;

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
    /// counts, per level, the patients enrolled whose outcome is not yet known.
    /// <see cref="TrialState.CurrentLevel"/> is the level of the last enrolment.
    /// </summary>
    PendingDecision DecidePending(in TrialState state, ReadOnlySpan<int> pending);
}
