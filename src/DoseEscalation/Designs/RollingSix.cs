using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Designs;

/// <summary>
/// The rolling six: 2 to 6 patients accrue concurrently at a dose; a new patient is enrolled (at the
/// current, next higher or next lower dose) or accrual is suspended according to the numbers
/// enrolled, evaluated without DLT, with DLT and still pending at the dose (docs/designs/rolling-six.md).
/// </summary>
/// <remarks>
/// Skolnik JM, Barrett JS, Jayaraman B, Patel D, Adamson PC (2008). Shortening the timeline of
/// pediatric phase I trials: the rolling six design. J Clin Oncol 26(2):190-195. A dose with 2 or
/// more DLTs is too toxic (de-escalate); 0 DLTs in 3 or more evaluated patients, or at most 1 DLT in
/// 6 evaluated, escalate; otherwise enrol at the same dose while fewer than 6 are enrolled there, and
/// suspend accrual when 6 are enrolled and some are pending. The MTD is the highest dose with at most
/// 1 DLT in 6 patients below a too-toxic dose (the top dose also needs 6). With nothing pending
/// (every engine but the calendar's) it enrols one patient at a time on the same table.
/// </remarks>
public sealed class RollingSix : IPendingDesign
{
    private const int Full = 6;

    public RollingSix(int doseCount)
    {
        if (doseCount < 1) throw new ArgumentOutOfRangeException(nameof(doseCount), doseCount, "at least one dose level");
        DoseCount = doseCount;
    }

    /// <summary>The rolling six in the design catalog.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "rolling-six",
        Summary = "The rolling six (Skolnik et al. 2008): 2 to 6 patients enrolled concurrently at a dose, on enrolled/DLT/pending counts; 6 at the MTD.",
        References = ["Skolnik JM, Barrett JS, Jayaraman B, Patel D, Adamson PC (2008). Shortening the timeline of pediatric phase I trials: the rolling six design. J Clin Oncol 26:190-195."],
        Options = [],
        Intrinsic = new Dictionary<string, object> { ["cohort_size"] = 1 },
        Build = (c, _) => new RollingSix(c.DoseCount),
        Prose = (_, context) =>
        [
            $"Patients are enrolled one at a time, starting at {context.StartLabel}, while their predecessors may still be in the DLT window: up to 6 at a dose. With 0 DLTs among 3 or more patients who completed the window, or at most 1 DLT in 6 completed, the next higher level is opened; 2 DLTs make the level too toxic and the level below is filled to 6. Accrual is suspended when 6 are enrolled at a dose and some are still in the window.",
            "The MTD is the highest level with at most 1 DLT in 6 patients below a too-toxic level (the highest level also needs 6). If the lowest level is too toxic, the trial stops without selecting a dose.",
        ],
    };

    public string Name => "rolling-six";
    public int DoseCount { get; }
    public int MaxCohortSize => 1;
    public int MaxPatients => Full * DoseCount;
    public bool ReadsLastCohort => false;
    public bool ReadsFollowUp => false; // counts of pending patients only, never their follow-up

    public string Describe() => $"rolling six over {DoseCount} doses (2-6 concurrent patients per dose, 6 at the MTD)";

    public Decision Decide(in TrialState state)
    {
        Span<int> none = stackalloc int[DoseCount];
        none.Clear();
        PendingDecision d = DecidePending(state, PendingPatients.None(none));
        return d.Action switch
        {
            PendingAction.Enrol => Decision.Treat(d.Level, 1),
            PendingAction.Stop => d.Level < 0 ? Decision.StopNoDose : Decision.Select(d.Level),
            _ => throw new InvalidOperationException("rolling six waited with no patient pending"),
        };
    }

    public PendingDecision DecidePending(in TrialState state, in PendingPatients pendingPatients)
    {
        ReadOnlySpan<int> pending = pendingPatients.PerLevel;
        bool anyPending = false;
        foreach (int p in pending) anyPending |= p > 0;
        int level = state.CurrentLevel;
        var patients = state.Patients;
        var dlts = state.Dlts;
        int n = patients[level] + pending[level], x = dlts[level], clear = patients[level] - dlts[level];
        if (x >= 2) return Candidate(level - 1, state, pending, anyPending); // too toxic: de-escalate
        // Below 6 enrolled: no DLT and 3 through the window; at 6: at most 1 DLT with 5 or 6 through the
        // window (the table's last escalation row: with 5 DLT-free, the sixth cannot make it 2 of 6).
        bool escalate = n < Full ? x == 0 && clear >= 3 : x <= 1 && clear >= 5;
        if (escalate)
            return level == DoseCount - 1 || dlts[level + 1] >= 2
                ? Candidate(level, state, pending, anyPending)
                : PendingDecision.Enrol(level + 1);
        return n < Full ? PendingDecision.Enrol(level) : PendingDecision.Wait; // 6 enrolled, some pending: suspend
    }

    // `level` is the MTD if 6 patients there have at most 1 DLT: fill it to 6, wait for them, then select.
    private static PendingDecision Candidate(int level, in TrialState state, ReadOnlySpan<int> pending, bool anyPending)
    {
        for (; level >= 0; level--)
        {
            if (state.Dlts[level] >= 2) continue;
            if (state.Patients[level] + pending[level] < Full) return PendingDecision.Enrol(level);
            return anyPending ? PendingDecision.Wait : PendingDecision.Select(level);
        }
        return anyPending ? PendingDecision.Wait : PendingDecision.Select(Decision.NoDose);
    }
}
