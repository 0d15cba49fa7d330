using static DoseEscalation.ReasonText;
using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Designs;

/// <summary>Which open dose a backfill patient goes to.</summary>
public enum BackfillAssignment : byte
{
    /// <summary>The highest open dose (BF-BOIN's default).</summary>
    Highest,
    /// <summary>The lowest open dose.</summary>
    Lowest,
}

/// <summary>
/// Backfill as a rule composed with an interval design's escalation (BF-BOIN, Zhao, Yuan, Korn &amp;
/// Freidlin 2024): while a cohort is in its DLT window, patients who arrive are treated at a lower
/// dose that is open, and every patient's DLT counts in later decisions. A dose below the current
/// one is open when (1) a response has been read there (unless <see cref="RequireResponse"/> is
/// off), (2) fewer than <see cref="Cap"/> patients have been treated there, and (3) it is safe: its
/// own data, or its data pooled with the next dose's, are below the design's de-escalation
/// boundary; the lowest dose that is not safe closes itself and every dose above it.
/// At each cohort's end the escalation rule decides on the pooled data of every dose. When the
/// current dose and a lower dose disagree (the current dose says escalate and a lower one does not,
/// or the current dose says stay or de-escalate and a lower one de-escalate or eliminate), the data
/// from the highest such lower dose b* up to the current dose are pooled: escalate if the pooled
/// rate is at or below the escalation boundary; if it is at or above the de-escalation boundary,
/// go to the highest dose k in b*..d whose data pooled from b* up to k are below it (b* - 1 if
/// none, stopping if that is below dose 1 and dose 1 is eliminated); otherwise stay.
/// The maximum sample size counts escalation cohorts only; backfill patients come on top.
/// </summary>
/// <remarks>
/// The rules follow the paper as the openpharma <c>bfboin</c> R package implements it
/// (<c>sim.one.trial</c>); docs/designs/bf-boin.md lists where ours differs. Without a conflict the
/// decision is the wrapped design's own; and without backfill patients there is never a conflict
/// (every dose below the current one was last left upwards, by an escalation, on data that have not
/// changed since), so with nobody arriving during observation the design is its escalation rule bit
/// for bit.
/// </remarks>
public sealed class Backfill : IBackfillDesign, IFinalSelection, ITargeted, IExplainsDecisions
{
    /// <summary>The escalation rule, its tables sized for every patient a trial can treat (escalation and backfill).</summary>
    public IntervalDesign Escalation { get; }
    /// <summary>Maximum number of patients in escalation cohorts (R: ncohort * cohortsize).</summary>
    public int EscalationMaxN { get; }
    /// <summary>A dose closes for backfill once this many patients have been treated there (R: n.cap).</summary>
    public int Cap { get; }
    /// <summary>A dose opens only once a response has been read there.</summary>
    public bool RequireResponse { get; }
    public BackfillAssignment Assignment { get; }
    /// <summary>With 1 DLT in 3 patients at the current dose, stay instead of de-escalating (R: three.plus.three; target 0.25, cohorts of 3).</summary>
    public bool ThreePlusThree { get; }
    private readonly string _name;

    public Backfill(string name, IntervalDesign escalation, int escalationMaxN, int cap = 12, bool requireResponse = true,
        BackfillAssignment assignment = BackfillAssignment.Highest, bool threePlusThree = false)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        if (escalationMaxN < escalation.CohortSize) throw new ArgumentOutOfRangeException(nameof(escalationMaxN), escalationMaxN, "the maximum sample size must be at least one cohort");
        if (cap < 0) throw new ArgumentOutOfRangeException(nameof(cap), cap, "the backfill cap must be 0 or more");
        if (escalation.MaxN < escalationMaxN + escalation.DoseCount * cap)
            throw new ArgumentException($"the escalation design's tables reach {escalation.MaxN} patients; backfill needs {escalationMaxN + escalation.DoseCount * cap}");
        if (threePlusThree && (escalation.CohortSize != 3 || Math.Abs(escalation.Target - 0.25) > 1e-12))
            throw new ArgumentException("the 3+3 form needs cohorts of 3 and a target of 0.25");
        (_name, Escalation, EscalationMaxN, Cap, RequireResponse, Assignment, ThreePlusThree) = (name, escalation, escalationMaxN, cap, requireResponse, assignment, threePlusThree);
    }

    private const string Reference = "Zhao Y, Yuan Y, Korn EL, Freidlin B (2024). Backfilling patients in phase I dose-escalation trials using Bayesian optimal interval design (BOIN). Clin Cancer Res 30(4):673-679.";

    /// <summary>The backfill options, shared by bf-boin and bf-3+3.</summary>
    public static IReadOnlyList<DesignOption> BackfillOptions { get; } =
    [
        new() { Key = "backfill_cap", Kind = OptionKind.Integer, Default = 12, Min = 0, Max = 100, Doc = "Close a dose for backfill once this many patients have been treated there (R: n.cap)." },
        new() { Key = "backfill_response", Kind = OptionKind.Switch, Default = true, Doc = "Open a dose for backfill only once a response has been read there (the paper's rule); the scenario then needs response probabilities." },
        new() { Key = "backfill_dose", Kind = OptionKind.Choice, Default = "highest", Choices = ["highest", "lowest"], Doc = "Which open dose a backfill patient goes to (R: backfill.assign)." },
    ];

    private static BackfillAssignment AssignmentOf(OptionValues v) => v.Choice("backfill_dose") == "lowest" ? BackfillAssignment.Lowest : BackfillAssignment.Highest;

    private static (string, string)? CheckSize(DesignContext c, OptionValues v) =>
        TableSize(c.DoseCount, v.Int("max_n"), v.Int("backfill_cap")) > 1000
            ? ("backfill_cap", FormattableString.Invariant($"max_n + doses x backfill_cap = {TableSize(c.DoseCount, v.Int("max_n"), v.Int("backfill_cap"))} patients; at most 1000"))
            : null;

    /// <summary>BF-BOIN in the design catalog: BOIN's options, the backfill options and the 3+3 form's switch.</summary>
    public static DesignDescriptor BfBoinDescriptor { get; } = new()
    {
        Name = "bf-boin",
        Summary = "BF-BOIN (Zhao et al. 2024): BOIN whose arrivals during a cohort's DLT window are treated at the highest lower dose that is safe and has shown a response; their DLTs count in later decisions.",
        References = [Reference, "Liu S, Yuan Y (2015). Bayesian optimal interval designs for phase I clinical trials. J R Stat Soc C 64:507-523."],
        Options =
        [
            .. Boin.Descriptor.Options,
            .. BackfillOptions,
            new() { Key = "three_plus_three", Kind = OptionKind.Switch, Default = false, Doc = "Stay instead of de-escalating after 1 DLT in 3 patients at the current dose (R: three.plus.three; needs target 0.25 and cohorts of 3)." },
        ],
        Check = (c, given, v) =>
            v.Switch("three_plus_three") && Math.Abs(v.Number("target") - 0.25) > 1e-12 ? ("three_plus_three", "needs target 0.25 (the 3+3's rates: escalate at 0/3 or 1/6, de-escalate at 2 or more)")
            : v.Switch("three_plus_three") && v.Int("cohort_size") != 3 ? ("three_plus_three", "needs cohorts of 3")
            : CheckSize(c, v),
        Build = (c, v) => new Backfill("bf-boin",
            new Boin(c.DoseCount, v.Number("target"), v.Int("cohort_size"), TableSize(c.DoseCount, v.Int("max_n"), v.Int("backfill_cap")), v.Int("n_earlystop"), v.Number("cutoff_eli"),
                v.Switch("extrasafe"), v.Number("offset"), v.Switch("bound_mtd"), 0, v.Number("phi1"), v.Number("phi2")),
            v.Int("max_n"), v.Int("backfill_cap"), v.Switch("backfill_response"), AssignmentOf(v), v.Switch("three_plus_three")),
        Prose = (d, context) => Prose(d.TryGet<Backfill>()!, context),
    };

    /// <summary>
    /// The same backfill rule on the 3+3: BF-BOIN's 3+3 form (target 0.25, cohorts of 3, stay at 1 DLT
    /// in 3), whose decisions at 3 and 6 patients on a dose are the 3+3's: escalate at 0/3 or at most
    /// 1/6, add three at 1/3, de-escalate at 2 or more.
    /// </summary>
    public static DesignDescriptor BfThreePlusThreeDescriptor { get; } = new()
    {
        Name = "bf-3+3",
        Summary = "The 3+3 with backfill (BF-BOIN's 3+3 form, Zhao et al. 2024): 3+3 decisions at 3 and 6 patients, arrivals during a cohort's window treated at a lower dose that is safe and has shown a response.",
        References = [Reference],
        Options =
        [
            CommonOptions.MaxN(30),
            .. Boin.Descriptor.Options.Where(o => o.Key is "n_earlystop" or "cutoff_eli" or "extrasafe" or "offset"),
            .. BackfillOptions,
        ],
        Intrinsic = new Dictionary<string, object> { ["cohort_size"] = 3, ["target"] = 0.25 },
        Check = (c, given, v) => CheckSize(c, v),
        Build = (c, v) => new Backfill("bf-3+3",
            new Boin(c.DoseCount, 0.25, 3, TableSize(c.DoseCount, v.Int("max_n"), v.Int("backfill_cap")), v.Int("n_earlystop"), v.Number("cutoff_eli"), v.Switch("extrasafe"), v.Number("offset")),
            v.Int("max_n"), v.Int("backfill_cap"), v.Switch("backfill_response"), AssignmentOf(v), threePlusThree: true),
        Prose = (d, context) => Prose(d.TryGet<Backfill>()!, context),
    };

    private static IReadOnlyList<string> Prose(Backfill b, ProseContext context) =>
    [
        $"Escalation proceeds in cohorts of {b.Escalation.CohortSize} starting at {context.StartLabel}, by BOIN's rule"
        + (b.ThreePlusThree ? " in its 3+3 form (after 1 DLT in 3 patients at a dose, 3 more are treated there; 0 in 3 or at most 1 in 6 escalates; 2 or more de-escalates)" : "")
        + $", for at most {b.EscalationMaxN} patients in escalation cohorts. "
        + "While a cohort is in its DLT window, each arriving patient is treated at the "
        + (b.Assignment == BackfillAssignment.Highest ? "highest" : "lowest") + " lower dose that is open for backfill: "
        + (b.RequireResponse ? "a response has been seen there, " : "")
        + $"fewer than {b.Cap} patients have been treated there, and its DLT data (alone, or pooled with the next dose's) are below the de-escalation boundary; a dose that is not safe closes with every dose above it. "
        + "Backfill patients' DLTs count in every later decision. When a lower dose's data disagree with the current dose's, the data from that dose up to the current one are pooled to decide. "
        + "The MTD is selected as in BOIN on every patient's data known when escalation ends.",
    ];

    /// <summary>The largest pooled sample a backfill design's tables must cover.</summary>
    public static int TableSize(int doseCount, int escalationMaxN, int cap) => escalationMaxN + doseCount * cap;

    public string Name => _name;
    public int DoseCount => Escalation.DoseCount;
    public int MaxCohortSize => Escalation.CohortSize;
    /// <summary>Escalation cohorts plus at most <see cref="Cap"/> patients at each dose.</summary>
    public int MaxPatients => EscalationMaxN + DoseCount * Cap;
    public bool ReadsLastCohort => false;
    public bool OpensOnResponse => RequireResponse;
    public int EscalationMaxPatients => EscalationMaxN;

    public string Describe() =>
        "backfill on " + (ThreePlusThree ? "the 3+3 form of " : "")
        + Escalation.Describe().Replace(FormattableString.Invariant($"max N {Escalation.MaxN}"), FormattableString.Invariant($"max N {EscalationMaxN} in escalation cohorts"))
        + FormattableString.Invariant($", backfill to the {(Assignment == BackfillAssignment.Highest ? "highest" : "lowest")} open dose, cap {Cap}{(RequireResponse ? ", once a response is seen" : "")}");

    /// <summary>The escalation design's target.</summary>
    public double Target => Escalation.Target;

    public string SelectionRule => Escalation.SelectionRule + ", on every known outcome, backfilled patients included";

    public int SelectMtd(in TrialState s) => Escalation.SelectMtd(s);

    /// <summary>What the escalation rule says about one dose's own data (n = 0 counts as no DLT in 1, as R's pmax(1, n)).</summary>
    private enum Verdict : byte { Escalate, Stay, Deescalate, Eliminate }

    private Verdict At(int n, int y)
    {
        if (n == 0) return Verdict.Escalate;
        if (Escalation.Eliminates(n, y)) return Verdict.Eliminate;
        return Escalation.ActionAt(n, y) switch
        {
            IntervalAction.Escalate => Verdict.Escalate,
            IntervalAction.Deescalate => Verdict.Deescalate,
            _ => Verdict.Stay,
        };
    }

    public Decision Decide(in TrialState s)
    {
        int left = EscalationMaxN - s.TotalPatients;
        if (s.IsStart) return Decision.Treat(Escalation.StartLevel, Math.Min(Escalation.CohortSize, left));
        if (left <= 0) return Select(s);
        int d = s.CurrentLevel;
        bool stayOn1In3 = StaysOn1In3(s);
        int conflict = ConflictingDose(s);
        if (conflict < 0 && !stayOn1In3) return Cut(Escalation.Decide(s), left);

        int eliminated = Escalation.LowestEliminated(s);
        int next;
        if (conflict < 0) next = d; // the 3+3 form's stay at 1 DLT in 3
        else
        {
            int pn = 0, py = 0;
            for (int j = conflict; j <= d; j++) { pn += s.Patients[j]; py += s.Dlts[j]; }
            IntervalAction pooled = Escalation.ActionAt(pn, py);
            if (pooled == IntervalAction.Escalate) next = d < DoseCount - 1 && d + 1 < eliminated ? d + 1 : d;
            else if (pooled == IntervalAction.Deescalate)
            {
                // The highest dose whose data pooled from the conflicting dose up to it are below the de-escalation boundary.
                int safe = -1, cn = 0, cy = 0;
                for (int j = conflict; j <= d; j++)
                {
                    cn += s.Patients[j]; cy += s.Dlts[j];
                    if (Escalation.ActionAt(cn, cy) != IntervalAction.Deescalate) safe = j;
                }
                next = safe >= 0 ? safe : conflict - 1;
                if (next < 0)
                {
                    if (Escalation.Eliminates(s.Patients[0], s.Dlts[0])) return Decision.StopNoDose;
                    if (Escalation.ExtraSafe && s.Patients[0] >= IntervalDesign.MinPatientsToEliminate
                        && IntervalDesign.ProbabilityAboveTarget(Escalation.Target, s.Patients[0], s.Dlts[0]) > Escalation.CutoffEli - Escalation.Offset)
                        return Decision.StopNoDose;
                    next = 0;
                }
            }
            else next = d;
        }
        // n_earlystop stops when the trial stays at the current dose.
        if (next == d && s.Patients[d] >= Escalation.NEarlystop) return Select(s);
        // Never treat an eliminated dose (the R code can keep treating a dose it has just eliminated when pooled data say escalate).
        if (next >= eliminated)
        {
            if (eliminated == 0) return Decision.StopNoDose;
            next = eliminated - 1;
        }
        return Decision.Treat(next, Math.Min(Escalation.CohortSize, left));
    }

    /// <summary>The 3+3 form's stay at 1 DLT in 3 at the current dose (where BOIN would de-escalate).</summary>
    public bool StaysOn1In3(in TrialState s) => ThreePlusThree && s.Patients[s.CurrentLevel] == 3 && s.Dlts[s.CurrentLevel] == 1;

    /// <summary>The highest dose below the current one whose own data disagree with the current dose's (-1: none), the start of the pooled decision.</summary>
    public int ConflictingDose(in TrialState s)
    {
        int d = s.CurrentLevel;
        Verdict here = StaysOn1In3(s) ? Verdict.Stay : At(s.Patients[d], s.Dlts[d]);
        for (int b = d - 1; b >= 0; b--)
        {
            Verdict v = At(s.Patients[b], s.Dlts[b]);
            if (here == Verdict.Escalate ? v != Verdict.Escalate : v is Verdict.Deescalate or Verdict.Eliminate) return b;
        }
        return -1;
    }

    private static Decision Cut(Decision d, int left) => d.IsStop ? d : Decision.Treat(d.Level, Math.Min(d.CohortSize, left));

    private Decision Select(in TrialState s)
    {
        int level = Escalation.SelectMtd(s);
        return level == Decision.NoDose ? Decision.StopNoDose : Decision.Select(level);
    }

    public int BackfillLevel(in TrialState known, ReadOnlySpan<int> treated, ReadOnlySpan<int> responsesRead, int escalationLevel)
    {
        int open = -1;
        for (int b = 0; b < escalationLevel; b++)
        {
            if (!Safe(known, b)) break; // the lowest unsafe dose closes every dose above it
            if (treated[b] < Cap && (!RequireResponse || responsesRead[b] > 0))
            {
                if (Assignment == BackfillAssignment.Lowest) return b;
                open = b;
            }
        }
        return open;
    }

    /// <summary>Safe: its own known data, or its data pooled with the next dose's, below the de-escalation boundary.</summary>
    private bool Safe(in TrialState known, int b)
    {
        int n = known.Patients[b], y = known.Dlts[b];
        int n2 = n + known.Patients[b + 1], y2 = y + known.Dlts[b + 1];
        return Escalation.ActionAt(Math.Max(1, n), y) != IntervalAction.Deescalate
            || Escalation.ActionAt(Math.Max(1, n2), y2) != IntervalAction.Deescalate;
    }

    /// <summary>
    /// Why each dose below <paramref name="escalationLevel"/> is open or closed for backfill, by the
    /// rule of <see cref="BackfillLevel"/> (which picks the highest, or lowest, open dose among these).
    /// </summary>
    public BackfillDoseStatus[] Statuses(in TrialState known, ReadOnlySpan<int> treated, ReadOnlySpan<int> responsesRead, int escalationLevel)
    {
        var statuses = new BackfillDoseStatus[Math.Max(0, escalationLevel)];
        bool closed = false;
        for (int b = 0; b < statuses.Length; b++)
        {
            if (!closed && !Safe(known, b)) { statuses[b] = BackfillDoseStatus.Unsafe; closed = true; continue; }
            statuses[b] = closed ? BackfillDoseStatus.AboveUnsafe
                : treated[b] >= Cap ? BackfillDoseStatus.Full
                : RequireResponse && responsesRead[b] == 0 ? BackfillDoseStatus.NoResponse
                : BackfillDoseStatus.Open;
        }
        return statuses;
    }

    public DecisionReason Explain(in TrialState state, Decision decision) => Why(this, state, decision);

    // A backfill design: BOIN's own rule where no lower dose's data (backfilled patients included)
    // disagree with the current dose's; otherwise the decision on the data pooled from the
    // conflicting dose up to the current one (docs/designs/bf-boin.md).
    private static DecisionReason Why(Backfill d, in TrialState s, Decision decision)
    {
        int conflict = d.ConflictingDose(s);
        if (d.StaysOn1In3(s) && conflict < 0)
            return new DecisionReason($"1 DLT in 3 at dose {s.CurrentLevel + 1}: the 3+3 form stays ({Verb(decision)})", []);
        if (conflict < 0)
        {
            var inner = d.Escalation.Explain(s, decision);
            return inner with { Text = $"no lower dose's data disagree with dose {s.CurrentLevel + 1}'s, so {d.Escalation.Name.ToUpperInvariant()}'s rule on the counts with backfilled patients: {inner.Text}" };
        }
        int n = 0, x = 0;
        for (int j = conflict; j <= s.CurrentLevel; j++) { n += s.Patients[j]; x += s.Dlts[j]; }
        var e = d.Escalation;
        var q = new List<RuleQuantity>
        {
            new("conflicting_dose", "highest lower dose whose data disagree with the current dose's", conflict + 1),
            new("pooled_patients", $"patients pooled over doses {conflict + 1}-{s.CurrentLevel + 1}", n),
            new("pooled_dlts", $"DLTs pooled over doses {conflict + 1}-{s.CurrentLevel + 1}", x),
            new("pooled_rate", "pooled DLT rate", n > 0 ? (double)x / n : 0),
        };
        return new DecisionReason(
            $"dose {conflict + 1}'s data disagree with dose {s.CurrentLevel + 1}'s, so the decision is on doses {conflict + 1}-{s.CurrentLevel + 1} pooled: {x} DLT(s) in {n} ({e.ActionAt(n, x).ToString().ToLowerInvariant()} by {e.Name.ToUpperInvariant()}'s boundaries): {Verb(decision)}", q);
    }
}

/// <summary>Whether a dose below the escalation dose takes backfill patients, and if not, why.</summary>
public enum BackfillDoseStatus : byte
{
    /// <summary>Open: safe, under the cap and (when required) a response has been read.</summary>
    Open,
    /// <summary>No response read there yet.</summary>
    NoResponse,
    /// <summary>The cap of patients treated there is reached.</summary>
    Full,
    /// <summary>Its known data, alone and pooled with the next dose's, are at or above the de-escalation boundary.</summary>
    Unsafe,
    /// <summary>Above a dose that is not safe.</summary>
    AboveUnsafe,
}
