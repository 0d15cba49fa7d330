using static DoseEscalation.ReasonText;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Designs.Rules;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Designs;

/// <summary>The A+B rule's verdict on the counts at one dose.</summary>
public enum AplusBVerdict : byte
{
    /// <summary>Fewer than C DLTs in A, or at most E in A+B: the dose is tolerated.</summary>
    Passed,
    /// <summary>C to D DLTs in A: treat B more at the dose.</summary>
    NeedsExpansion,
    /// <summary>More than D DLTs in A, or more than E in A+B.</summary>
    TooToxic,
}

/// <summary>
/// The A+B design of Lin &amp; Shih (2001), of which the 3+3 is A = B = 3, C = D = E = 1.
/// At the current dose, after A patients with X_A DLTs: escalate if X_A &lt; C; treat B more if
/// C &lt;= X_A &lt;= D; the dose is too toxic if X_A &gt; D. After A+B: escalate if X_A+X_B &lt;= E,
/// else too toxic. The MTD is the highest dose that passed.
/// </summary>
/// <remarks>
/// Storer (1989) Biometrics 45:925; Korn et al. (1994) Stat Med 13:1799; Lin &amp; Shih (2001)
/// Biostatistics 2:203. The exact rules, including both options, are in docs/designs/3+3.md.
/// </remarks>
public sealed class AplusB : IDesign, IFinalSelection, IDecisionTableSource, IExplainsDecisions
{
    public int A { get; }
    public int B { get; }
    public int C { get; }
    public int D { get; }
    public int E { get; }
    /// <summary>When a dose is too toxic, move down and confirm the dose below on A+B patients.</summary>
    public bool Deescalate { get; }
    /// <summary>Treat B more at the highest dose after a clean first cohort before selecting it.</summary>
    public bool ExpandTopDose { get; }
    public int StartLevel { get; }
    public int DoseCount { get; }

    public AplusB(int doseCount, int a = 3, int b = 3, int c = 1, int d = 1, int e = 1,
        bool deescalate = true, bool expandTopDose = true, int startLevel = 0)
    {
        if (doseCount < 1) throw new ArgumentOutOfRangeException(nameof(doseCount), doseCount, "need at least one dose level");
        if (a < 1) throw new ArgumentOutOfRangeException(nameof(a), a, "A must be at least 1");
        if (b < 1) throw new ArgumentOutOfRangeException(nameof(b), b, "B must be at least 1");
        if (c < 1 || c > a) throw new ArgumentOutOfRangeException(nameof(c), c, "C must satisfy 1 <= C <= A");
        if (d < c || d > a) throw new ArgumentOutOfRangeException(nameof(d), d, "D must satisfy C <= D <= A");
        if (e < d || e > a + b) throw new ArgumentOutOfRangeException(nameof(e), e, "E must satisfy D <= E <= A+B");
        if (startLevel < 0 || startLevel >= doseCount) throw new ArgumentOutOfRangeException(nameof(startLevel), startLevel + 1, "start dose must be one of the dose levels");
        (A, B, C, D, E) = (a, b, c, d, e);
        (DoseCount, Deescalate, ExpandTopDose, StartLevel) = (doseCount, deescalate, expandTopDose, startLevel);
    }

    private static readonly DesignOption DeescalateOption = new()
    {
        Key = "deescalate", Kind = OptionKind.Switch, Default = true,
        Doc = "When a dose is too toxic, confirm the dose below on A+B patients before selecting it.",
    };
    private static readonly DesignOption ExpandTopDoseOption = new()
    {
        Key = "expand_top_dose", Kind = OptionKind.Switch, Default = true,
        Doc = "Treat B more at the highest dose after a clean first cohort before selecting it.",
    };
    private static readonly DesignOption MaxNOption = CommonOptions.MaxN(null);
    private static readonly string[] References =
    [
        "Storer BE (1989). Design and analysis of phase I clinical trials. Biometrics 45:925-937.",
        "Korn EL et al. (1994). A comparison of two phase I trial designs. Stat Med 13:1799-1806.",
        "Lin Y, Shih WJ (2001). Statistical properties of the traditional algorithm-based designs for phase I cancer clinical trials. Biostatistics 2:203-215.",
    ];

    private static IDesign Capped(IDesign design, OptionValues v) =>
        v.IntOrNull("max_n") is { } n ? new StopAtN(design, n) : design;

    /// <summary>The 3+3 in the design catalog.</summary>
    public static DesignDescriptor ThreePlusThreeDescriptor { get; } = new()
    {
        Name = "3+3",
        Summary = "The traditional 3+3: cohorts of 3; 0/3 escalate, 1/3 treat 3 more, at most 1/6 escalate.",
        References = References,
        Options = [DeescalateOption, ExpandTopDoseOption, MaxNOption],
        Intrinsic = new Dictionary<string, object> { ["cohort_size"] = 3 },
        HasDecisionTable = true,
        Build = (c, v) => Capped(new AplusB(c.DoseCount, 3, 3, 1, 1, 1, v.Switch("deescalate"), v.Switch("expand_top_dose")), v),
        Prose = (d, context) => Prose((AplusB)d, context),
    };

    /// <summary>The A+B in the design catalog.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "a+b",
        Summary = "The A+B design of Lin & Shih (2001): cohorts of A, then B; thresholds C, D, E.",
        References = References,
        Options =
        [
            new() { Key = "a", Kind = OptionKind.Integer, Default = 3, Min = 1, Max = 100, Doc = "First cohort at a dose (A)." },
            new() { Key = "b", Kind = OptionKind.Integer, Default = 3, Min = 1, Max = 100, Doc = "Second cohort at a dose (B)." },
            new() { Key = "c", Kind = OptionKind.Integer, Default = 1, Min = 1, Max = 100, Doc = "Escalate after fewer than C DLTs in A." },
            new() { Key = "d", Kind = OptionKind.Integer, Default = 1, Min = 1, Max = 100, Doc = "Treat B more after C to D DLTs in A; more is too toxic." },
            new() { Key = "e", Kind = OptionKind.Integer, Default = 1, Min = 1, Max = 200, Doc = "Escalate after at most E DLTs in A+B." },
            DeescalateOption, ExpandTopDoseOption, MaxNOption,
        ],
        HasDecisionTable = true,
        Build = (c, v) => Capped(new AplusB(c.DoseCount, v.Int("a"), v.Int("b"), v.Int("c"), v.Int("d"), v.Int("e"),
            v.Switch("deescalate"), v.Switch("expand_top_dose")), v),
        Prose = (d, context) => Prose((AplusB)d, context),
    };

    private static IReadOnlyList<string> Prose(AplusB ab, ProseContext context) =>
    [
        ab.IsThreePlusThree
            ? $"Patients are treated in cohorts of 3, starting at {context.StartLabel}. With 0/3 DLTs the next higher level is opened; with 1/3, 3 more patients are treated at the same level, and 1/6 lets escalation continue; 2 or more DLTs (of 3 or of 6) make the level too toxic."
            : $"Patients are treated in cohorts of {ab.A}, starting at {context.StartLabel}. With fewer than {ab.C} DLTs of {ab.A} the next higher level is opened; with {ab.C} to {ab.D}, {ab.B} more patients are treated at the same level, and at most {ab.E} DLTs of {ab.A + ab.B} let escalation continue; more DLTs make the level too toxic.",
        (ab.Deescalate
            ? "When a level is too toxic, the level below is expanded to " + (ab.A + ab.B) + " patients if it has fewer, and the MTD is the highest level with at most " + ab.E + " DLT" + (ab.E == 1 ? "" : "s") + $" in {ab.A + ab.B} patients."
            : "When a level is too toxic, the level below is selected as the MTD.")
        + (ab.ExpandTopDose ? $" The highest level is selected only after {ab.A + ab.B} patients have been treated there." : " The highest level may be selected once it passes.")
        + " If the lowest level is too toxic, the trial stops without selecting a dose.",
    ];

    public bool IsThreePlusThree => A == 3 && B == 3 && C == 1 && D == 1 && E == 1;
    public string Name => IsThreePlusThree ? "3+3" : "a+b";
    public int MaxCohortSize => Math.Max(A, B);
    public int MaxPatients => (A + B) * DoseCount;
    public bool ReadsLastCohort => false;

    private enum Verdict { Passed, NeedsB, TooToxic }

    /// <summary>
    /// The rule's verdict on one dose with <paramref name="x"/> DLTs in <paramref name="n"/> patients
    /// (n = A or A+B), the branch of the Lin &amp; Shih table that <see cref="Decide"/> takes there.
    /// </summary>
    public AplusBVerdict VerdictAt(int n, int x)
    {
        if (n != A && n != A + B) throw new ArgumentOutOfRangeException(nameof(n), n, $"the rule judges a dose at {A} or {A + B} patients");
        if (x < 0 || x > n) throw new ArgumentOutOfRangeException(nameof(x), x, $"x must be in 0..{n}");
        return Judge(n, x) switch
        {
            Verdict.Passed => AplusBVerdict.Passed,
            Verdict.NeedsB => AplusBVerdict.NeedsExpansion,
            _ => AplusBVerdict.TooToxic,
        };
    }

    // The decision table of Lin & Shih, on the counts at one dose.
    private Verdict Judge(int n, int x) =>
        n == A ? (x < C ? Verdict.Passed : x <= D ? Verdict.NeedsB : Verdict.TooToxic)
               : (x <= E ? Verdict.Passed : Verdict.TooToxic);

    public Decision Decide(in TrialState s)
    {
        if (s.IsStart) return Decision.Treat(StartLevel, A);
        int d = s.CurrentLevel;
        int n = s.Patients[d];
        switch (Judge(n, s.Dlts[d]))
        {
            case Verdict.NeedsB:
                return Decision.Treat(d, B);

            case Verdict.Passed:
                int above = d + 1;
                if (above < DoseCount && s.Patients[above] == 0) return Decision.Treat(above, A);
                // No escalation possible: d is the top dose, or the dose above was found too toxic
                // (we only reach the latter by de-escalating).
                if (n == A)
                {
                    bool confirm = above < DoseCount ? Deescalate : ExpandTopDose;
                    return confirm ? Decision.Treat(d, B) : Decision.Select(d);
                }
                return Decision.Select(d);

            default: // too toxic
                if (d == 0) return Decision.StopNoDose;
                int below = d - 1;
                int nBelow = s.Patients[below];
                if (nBelow == 0) return Decision.Treat(below, A); // only when the start dose was above dose 1
                if (!Deescalate || nBelow >= A + B) return Decision.Select(below);
                return Decision.Treat(below, B);
        }
    }

    /// <summary>
    /// What the rule selects if the trial stops now (for a cap on N): the highest dose that passed
    /// (at most C-1 DLTs in A, or at most E in A+B) below every dose found too toxic; none if no dose passed.
    /// </summary>
    public int SelectMtd(in TrialState s)
    {
        int best = Decision.NoDose;
        for (int d = 0; d < s.DoseCount; d++)
        {
            int n = s.Patients[d];
            if (n == 0) continue;
            var verdict = n < A ? Verdict.NeedsB : Judge(n, s.Dlts[d]);
            if (verdict == Verdict.TooToxic) break;
            if (verdict == Verdict.Passed) best = d;
        }
        return best;
    }

    public string SelectionRule => "highest dose that passed the A+B rule, below any dose found too toxic";

    /// <summary>
    /// The selection when the trial is closed early: the highest dose whose counts pass, below the
    /// lowest dose judged too toxic. Unlike <see cref="SelectMtd"/> it judges a dose only at A or A+B
    /// patients, so counts the rule never produces (deviations) are neither passed nor too toxic.
    /// </summary>
    public int SelectFinal(in TrialState s)
    {
        int best = Decision.NoDose;
        for (int i = 0; i < s.DoseCount; i++)
        {
            int n = s.Patients[i];
            if (n != A && n != A + B) continue;
            var v = Judge(n, s.Dlts[i]);
            if (v == Verdict.TooToxic) break;
            if (v == Verdict.Passed) best = i;
        }
        return best;
    }

    /// <summary>
    /// The rows at A and A+B patients. The A+B decides at two sample sizes only; a dose judged too
    /// toxic is never treated again, so "eliminate" coincides with "de-escalate".
    /// </summary>
    public DecisionTable ToDecisionTable()
    {
        var rows = new List<DecisionTableRow>();
        foreach (int n in new[] { A, A + B })
        {
            var e = new List<int>(); var s = new List<int>(); var de = new List<int>();
            for (int x = 0; x <= n; x++)
            {
                if (n == A) (x < C ? e : x <= D ? s : de).Add(x);
                else (x <= E ? e : de).Add(x);
            }
            rows.Add(new DecisionTableRow(n, e.Count > 0 ? e[^1] : null, de.Count > 0 ? de[0] : null,
                de.Count > 0 ? de[0] : null, e, s, de, de));
        }
        return new DecisionTable(Name, rows,
            $"patients at the current dose; stay = treat {B} more at it; a de-escalated dose is closed (never re-treated)");
    }

    /// <summary>
    /// The probability, in [0, 1], that a dose whose true DLT probability is <paramref name="p"/>
    /// (in [0, 1]) passes the A+B rule: P(X_A &lt; C) + sum over C &lt;= x &lt;= D of
    /// P(X_A = x) P(X_B &lt;= E - x), with X_A ~ Bin(A, p) and X_B ~ Bin(B, p). For the 3+3 this is
    /// (1-p)^3 + 3p(1-p)^5. It is the rule's operating-characteristic curve at one dose, whatever
    /// happens at the other doses.
    /// </summary>
    public double EscalationProbability(double p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a DLT probability must be in [0, 1]");
        double pass = Binomial.CDF(p, A, C - 1);
        for (int x = C; x <= D; x++)
            pass += Binomial.PMF(p, A, x) * Binomial.CDF(p, B, E - x);
        return pass;
    }

    public string Describe() =>
        (IsThreePlusThree ? "3+3" : $"A+B (A={A}, B={B}, C={C}, D={D}, E={E})")
        + $", {(Deescalate ? "with" : "without")} de-escalation, top dose {(ExpandTopDose ? "expanded" : "not expanded")}"
        + (StartLevel > 0 ? $", start at dose {StartLevel + 1}" : "");

    public DecisionReason Explain(in TrialState state, Decision decision) => Why(this, state, decision);

    private static DecisionReason Why(AplusB d, in TrialState s, Decision decision)
    {
        int level = s.CurrentLevel, n = s.Patients[level], x = s.Dlts[level];
        var q = new List<RuleQuantity>
        {
            new("patients_at_dose", $"patients at dose {level + 1}", n),
            new("dlts_at_dose", $"DLTs at dose {level + 1}", x),
        };
        string observed = $"{Dlts(x)} in {n} patients at dose {level + 1}";
        if (n != d.A && n != d.A + d.B) return new($"{observed}: {Verb(decision)}", q);
        var verdict = d.VerdictAt(n, x);
        string rule = n == d.A
            ? verdict switch
            {
                AplusBVerdict.Passed => $"fewer than C = {d.C} in the first {d.A}, so dose {level + 1} passes",
                AplusBVerdict.NeedsExpansion => $"C = {d.C} <= DLTs <= D = {d.D} in the first {d.A}, so dose {level + 1} needs {d.B} more",
                _ => $"more than D = {d.D} in the first {d.A}, so dose {level + 1} is too toxic",
            }
            : verdict == AplusBVerdict.Passed
                ? $"at most E = {d.E} in {d.A + d.B}, so dose {level + 1} passes"
                : $"more than E = {d.E} in {d.A + d.B}, so dose {level + 1} is too toxic";
        string then = "";
        if (verdict == AplusBVerdict.Passed && decision.Kind == DecisionKind.Treat && decision.Level == level)
            then = level == d.DoseCount - 1
                ? $"; it is the highest dose, so {d.B} more are treated before it can be selected"
                : $"; dose {level + 2} was too toxic, so dose {level + 1} is confirmed on {d.A + d.B}";
        else if (verdict == AplusBVerdict.Passed && decision.IsStop)
            then = $"; no higher dose can be tried, so dose {level + 1} is the MTD";
        else if (verdict == AplusBVerdict.TooToxic)
            then = decision.Kind == DecisionKind.Treat
                ? (s.Patients[decision.Level] == 0 ? $"; dose {decision.Level + 1} below is untried" : $"; dose {decision.Level + 1} below is confirmed on {d.A + d.B}")
                : level == 0 ? "; dose 1 is the lowest dose" : $"; dose {level} below has been confirmed";
        return new($"{observed}: {rule}{then}: {Verb(decision)}", q);
    }
}
