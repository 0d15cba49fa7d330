using System.Runtime.CompilerServices;

namespace DoseEscalation.Engines;

/// <summary>
/// The per-patient loops' check of a design's decision, the same the state-graph builder makes: a
/// level in range, a cohort of 1 to the design's largest cohort, no more than its maximum N. A
/// faulty design then fails with one <see cref="DesignContractException"/> instead of looping
/// forever (a cohort of 0) or indexing out of range.
/// </summary>
internal readonly struct DecisionCheck(IDesign design)
{
    private readonly int _doses = design.DoseCount, _maxCohort = design.MaxCohortSize, _maxPatients = design.MaxPatients;

    // Inlined: a few integer compares per cohort on the trial loop's path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Treat(in Decision d, int total)
    {
        if ((uint)d.Level >= (uint)_doses || d.CohortSize < 1 || d.CohortSize > _maxCohort || total + d.CohortSize > _maxPatients)
            Fail(d, total);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Stop(in Decision d)
    {
        if (d.Level < Decision.NoDose || d.Level >= _doses) Fail(d, 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Fail(in Decision d, int total) => throw new DesignContractException(
        d.IsStop ? $"{design.Name}: selected level {d.Level} out of range"
        : (uint)d.Level >= (uint)_doses ? $"{design.Name}: asked to treat at level {d.Level}, outside 0..{_doses - 1}"
        : d.CohortSize < 1 || d.CohortSize > _maxCohort ? $"{design.Name}: cohort size {d.CohortSize} outside 1..{_maxCohort}"
        : $"{design.Name}: did not stop by its maximum of {_maxPatients} patients (at {total} patients, asked for {d.CohortSize} more)");
}
