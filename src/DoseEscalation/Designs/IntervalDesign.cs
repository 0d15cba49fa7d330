using System.Globalization;
using static DoseEscalation.ReasonText;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Numerics;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Designs;

/// <summary>What an interval design does with the dose a cohort was just treated at.</summary>
public enum IntervalAction : byte
{
    /// <summary>Escalate to the next dose (stay if it is the top dose or eliminated).</summary>
    Escalate,
    /// <summary>Stay at the current dose.</summary>
    Stay,
    /// <summary>De-escalate to the next lower dose (stay if it is dose 1).</summary>
    Deescalate,
}

/// <summary>
/// The common machinery of the model-assisted interval designs (BOIN, mTPI-2, Keyboard, i3+3): a
/// per-(n, x) escalate/stay/de-escalate table fixed when the design is built, the Beta(1,1) dose
/// elimination rule, the stopping rules and the isotonic MTD selection of the BOIN R package.
/// Subclasses differ only in how they fill the table.
/// </summary>
/// <remarks>
/// The walk follows <c>get.oc</c> and <c>select.mtd</c> of the BOIN R package (Yan et al. 2020,
/// J Stat Softw 94(13)); see docs/designs/boin.md for every rule. Elimination is recomputed from the
/// counts in each call: a dose is only ever eliminated right after a cohort at it, and an eliminated
/// dose is never treated again, so "the lowest dose with n &gt;= 3 and P(p &gt; target) &gt; cutoff, and
/// all above it" is exactly the set the R package flags as it goes.
/// </remarks>
public abstract class IntervalDesign : IDesign, IFinalSelection, ITargeted, IDecisionTableSource, IExplainsDecisions, IEliminatesDoses
{
    /// <summary>Patients needed at a dose before it can be eliminated (the R packages' fixed 3).</summary>
    public const int MinPatientsToEliminate = 3;

    public int DoseCount { get; }
    public double Target { get; }
    public int CohortSize { get; }
    /// <summary>Maximum sample size (R: ncohort * cohortsize); the last cohort is cut to fit.</summary>
    public int MaxN { get; }
    /// <summary>Stop and select when the current dose has this many patients and the decision is to stay there.</summary>
    public int NEarlystop { get; }
    public double CutoffEli { get; }
    public bool ExtraSafe { get; }
    public double Offset { get; }
    public int StartLevel { get; }

    // _action[n * (MaxN + 1) + x]: the table's decision after x DLTs in n patients at the current dose.
    private readonly IntervalAction[] _action;
    // _eliminateAt[n]: fewest DLTs that eliminate a dose with n patients; int.MaxValue if none (or n < 3).
    private readonly int[] _eliminateAt;
    // _selectEliminateAt[n]: the same rule as select.mtd evaluates it, from x = 0 (get.boundary's
    // loop starts at 1); they differ only for cutoffs below (1 - target)^(n + 1).
    private readonly int[] _selectEliminateAt;
    // _extraSafeAt[n]: fewest DLTs (from 0) at dose 1 with P(p1 > target) > cutoff - offset; int.MaxValue if none.
    private readonly int[] _extraSafeAt;

    /// <summary>The options every interval design takes, in help order (the BOIN R package's names and defaults).</summary>
    protected static IReadOnlyList<DesignOption> CommonIntervalOptions { get; } =
    [
        CommonOptions.Target,
        CommonOptions.CohortSize(3),
        CommonOptions.MaxN(30),
        new() { Key = "n_earlystop", Kind = OptionKind.Integer, Default = 100, Min = 1, Max = 1000, Doc = "Stop and select when the current dose has this many patients and the decision is to stay." },
        new() { Key = "cutoff_eli", Kind = OptionKind.Number, Default = 0.95, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, Doc = "Eliminate a dose (and all above) when P(p > target | data) exceeds this, with at least 3 patients." },
        new() { Key = "extrasafe", Kind = OptionKind.Switch, Default = false, Doc = "Stop when P(p1 > target | data) exceeds cutoff_eli - offset at dose 1 (the BOIN package's extra safety rule)." },
        new() { Key = "offset", Kind = OptionKind.Number, Default = 0.05, Min = 0, Max = 0.5, MaxExclusive = true, Doc = "How much lower the extra-safe cutoff is than cutoff_eli." },
    ];

    /// <summary>The epsilons of mTPI-2, Keyboard and i3+3.</summary>
    protected static IReadOnlyList<DesignOption> EpsilonOptions { get; } =
    [
        new() { Key = "epsilon1", Kind = OptionKind.Number, Default = 0.05, Min = 0, Max = 1, MaxExclusive = true, Doc = "Lower half-width of the target interval [target - epsilon1, target + epsilon2]." },
        new() { Key = "epsilon2", Kind = OptionKind.Number, Default = 0.05, Min = 0, Max = 1, MaxExclusive = true, Doc = "Upper half-width of the target interval." },
    ];

    /// <summary>The BOIN R package reference every interval design cites for elimination, stopping and selection.</summary>
    protected const string BoinPackageReference = "Yan F, Zhang L, Zhou Y, Pan H, Liu S, Yuan Y (2020). BOIN: an R package for designing single-agent and drug-combination dose-finding trials using Bayesian optimal interval designs. J Stat Softw 94(13).";

    /// <summary>The rules in words, shared by the interval designs (the table itself is printed beside it).</summary>
    protected static IReadOnlyList<string> IntervalProse(IDesign design, ProseContext context) =>
    [
        "After each cohort, the number of DLTs among the patients treated at the current dose is compared with the decision table: "
        + "escalate to the next level, stay, or de-escalate. A dose whose posterior probability of exceeding the target is too high is eliminated together with every higher dose, and is never used again; "
        + "the trial stops when the lowest dose is eliminated or the maximum sample size is reached. "
        + "The MTD is the dose, among those tried and not eliminated, whose isotonic (pooled-adjacent-violators) estimate of the DLT rate is closest to the target.",
    ];

    /// <summary>Validates the common options and fills the tables from <see cref="Classify"/>.</summary>
    protected IntervalDesign(int doseCount, double target, int cohortSize, int maxN, int nEarlystop,
        double cutoffEli, bool extraSafe, double offset, int startLevel)
    {
        if (doseCount < 1) throw new ArgumentOutOfRangeException(nameof(doseCount), doseCount, "need at least one dose level");
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "target must be in (0, 1)");
        if (cohortSize < 1) throw new ArgumentOutOfRangeException(nameof(cohortSize), cohortSize, "cohort size must be at least 1");
        if (maxN < cohortSize || maxN > 1000) throw new ArgumentOutOfRangeException(nameof(maxN), maxN, "maximum sample size must be between the cohort size and 1000");
        if (nEarlystop < 1) throw new ArgumentOutOfRangeException(nameof(nEarlystop), nEarlystop, "n_earlystop must be at least 1");
        if (!(cutoffEli > 0 && cutoffEli < 1)) throw new ArgumentOutOfRangeException(nameof(cutoffEli), cutoffEli, "cutoff_eli must be in (0, 1)");
        if (!(offset >= 0 && offset < 0.5)) throw new ArgumentOutOfRangeException(nameof(offset), offset, "offset must be in [0, 0.5)");
        if (startLevel < 0 || startLevel >= doseCount) throw new ArgumentOutOfRangeException(nameof(startLevel), startLevel + 1, "start dose must be one of the dose levels");
        (DoseCount, Target, CohortSize, MaxN, NEarlystop) = (doseCount, target, cohortSize, maxN, nEarlystop);
        (CutoffEli, ExtraSafe, Offset, StartLevel) = (cutoffEli, extraSafe, offset, startLevel);
        _eliminateAt = new int[maxN + 1];
        _selectEliminateAt = new int[maxN + 1];
        _extraSafeAt = new int[maxN + 1];
        for (int n = 0; n <= maxN; n++)
        {
            _eliminateAt[n] = FirstExceeding(target, n, cutoffEli, 1);
            _selectEliminateAt[n] = FirstExceeding(target, n, cutoffEli, 0);
            _extraSafeAt[n] = FirstExceeding(target, n, cutoffEli - offset, 0);
        }
        _action = new IntervalAction[(maxN + 1) * (maxN + 1)];
    }

    /// <summary>Fills the decision table; subclasses call it last in their constructor, once their own fields are set.</summary>
    protected void BuildTable()
    {
        for (int n = 1; n <= MaxN; n++)
            for (int x = 0; x <= n; x++)
                // An eliminated dose is always left downwards (R's BOIN caps the de-escalation boundary
                // at the elimination boundary; the Keyboard package writes "DU" over the table).
                _action[n * (MaxN + 1) + x] = x >= _eliminateAt[n] ? IntervalAction.Deescalate : Classify(n, x);
    }

    /// <summary>The design's own rule: escalate, stay or de-escalate after <paramref name="x"/> DLTs in <paramref name="n"/> patients (1 &lt;= n &lt;= MaxN).</summary>
    protected abstract IntervalAction Classify(int n, int x);

    /// <summary>Posterior P(p &gt; target | x DLTs in n) under a Beta(1, 1) prior; used only while building tables.</summary>
    public static double ProbabilityAboveTarget(double target, int n, int x) => 1 - Beta.CDF(x + 1, n - x + 1, target);

    // The first x in from..n whose posterior overdose probability exceeds the cutoff (it increases with x).
    private static int FirstExceeding(double target, int n, double cutoff, int from)
    {
        if (n < MinPatientsToEliminate) return int.MaxValue;
        for (int x = from; x <= n; x++)
            if (ProbabilityAboveTarget(target, n, x) > cutoff) return x;
        return int.MaxValue;
    }

    public abstract string Name { get; }
    public int MaxCohortSize => CohortSize;
    public int MaxPatients => MaxN;
    public bool ReadsLastCohort => false;

    /// <summary>The table's decision after <paramref name="x"/> DLTs in <paramref name="n"/> patients (1 &lt;= n &lt;= MaxN, 0 &lt;= x &lt;= n).</summary>
    public IntervalAction ActionAt(int n, int x)
    {
        if (n < 1 || n > MaxN) throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be in 1..{MaxN}");
        if (x < 0 || x > n) throw new ArgumentOutOfRangeException(nameof(x), x, $"x must be in 0..{n}");
        return _action[n * (MaxN + 1) + x];
    }

    /// <summary>Fewest DLTs in <paramref name="n"/> patients that eliminate a dose; null if none can.</summary>
    public int? EliminationBoundary(int n) =>
        n >= 0 && n <= MaxN && _eliminateAt[n] != int.MaxValue ? _eliminateAt[n] : null;

    /// <summary>True if <paramref name="x"/> DLTs in <paramref name="n"/> patients (0 &lt;= n &lt;= MaxN) eliminate the dose during the trial.</summary>
    public bool Eliminates(int n, int x)
    {
        if (n < 0 || n > MaxN) throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be in 0..{MaxN}");
        return x >= _eliminateAt[n];
    }

    public Decision Decide(in TrialState s)
    {
        if (s.IsStart) return Decision.Treat(StartLevel, CohortSize);
        if (s.TotalPatients >= MaxN) return SelectOrStop(s);

        int d = s.CurrentLevel;
        int n = s.Patients[d];
        int x = s.Dlts[d];
        int eliminated = LowestEliminated(s);
        if (eliminated == 0) return Decision.StopNoDose;
        // get.oc applies the extra-safe rule only where an elimination boundary exists for n.
        if (ExtraSafe && d == 0 && _eliminateAt[n] != int.MaxValue && x >= _extraSafeAt[n]) return Decision.StopNoDose;

        IntervalAction action = _action[n * (MaxN + 1) + x];
        bool cannotEscalate = d == DoseCount - 1 || d + 1 >= eliminated;
        // n_earlystop stops only when the dose would be kept: the R package's three cases.
        if (n >= NEarlystop
            && (action == IntervalAction.Stay
                || (action == IntervalAction.Deescalate && d == 0)
                || (action == IntervalAction.Escalate && cannotEscalate)))
            return SelectOrStop(s);

        int next = action switch
        {
            IntervalAction.Escalate => cannotEscalate ? d : d + 1,
            IntervalAction.Deescalate => d == 0 ? 0 : d - 1,
            _ => d,
        };
        return Decision.Treat(next, Math.Min(CohortSize, MaxN - s.TotalPatients));
    }

    /// <summary>The doses from <see cref="LowestEliminated"/> up; none when a dose has more patients than max N.</summary>
    public void Eliminated(in TrialState state, Span<bool> eliminated)
    {
        // Deviations can put more patients on a dose than the tables cover; then nothing is marked.
        for (int i = 0; i < state.DoseCount; i++) if (state.Patients[i] > MaxN) return;
        for (int i = LowestEliminated(state); i < state.DoseCount; i++) eliminated[i] = true;
    }

    /// <summary>Lowest eliminated level (it and all above are out); <see cref="DoseCount"/> if none.</summary>
    public int LowestEliminated(in TrialState s)
    {
        for (int i = 0; i < s.DoseCount; i++)
            if (s.Patients[i] >= MinPatientsToEliminate && s.Dlts[i] >= _eliminateAt[s.Patients[i]]) return i;
        return s.DoseCount;
    }

    private Decision SelectOrStop(in TrialState s)
    {
        int level = SelectMtd(s);
        return level == Decision.NoDose ? Decision.StopNoDose : Decision.Select(level);
    }

    /// <summary>
    /// The MTD at the end of the trial, as the BOIN R package's <c>select.mtd</c>: among tried doses
    /// below the lowest eliminated one, the isotonic estimate of (x + 0.05)/(n + 0.1), weighted by
    /// its inverse variance, closest to the target; -1 if dose 1 is eliminated (or the extra-safe
    /// rule fires, or <see cref="BoundAllowed"/> rejects every dose).
    /// </summary>
    public int SelectMtd(in TrialState s)
    {
        int k = s.DoseCount;
        int eliminated = k;
        for (int i = 0; i < k; i++)
            if (s.Patients[i] >= MinPatientsToEliminate && s.Dlts[i] >= _selectEliminateAt[s.Patients[i]]) { eliminated = i; break; }
        if (ExtraSafe && s.Patients[0] >= MinPatientsToEliminate && s.Dlts[0] >= _extraSafeAt[s.Patients[0]])
            eliminated = 0;
        if (eliminated == 0) return Decision.NoDose;

        Span<double> phat = stackalloc double[k];
        Span<double> weight = stackalloc double[k];
        Span<int> level = stackalloc int[k];
        int m = 0;
        for (int i = 0; i < eliminated; i++)
        {
            int n = s.Patients[i];
            if (n == 0) continue;
            double y = s.Dlts[i];
            phat[m] = (y + 0.05) / (n + 0.1);
            double variance = (y + 0.05) * (n - y + 0.05) / ((n + 0.1) * (n + 0.1) * (n + 0.1 + 1));
            weight[m] = 1 / variance;
            level[m] = i;
            m++;
        }
        if (m == 0) return Decision.NoDose;
        phat = phat[..m];
        IsotonicRegression.FitInPlace(phat, weight[..m]);
        // select.mtd's tie-break: a pooled block below the target yields its highest dose, above the
        // target its lowest, by adding i * 1e-10 (i = 1..m) before taking the first closest.
        for (int i = 0; i < m; i++) phat[i] += (i + 1) * 1e-10;
        int best = -1;
        double bestDistance = double.PositiveInfinity;
        for (int i = 0; i < m; i++)
        {
            if (!BoundAllowed(phat[i])) break; // estimates are increasing: the allowed doses are a prefix
            double distance = Math.Abs(phat[i] - Target);
            if (distance < bestDistance) { bestDistance = distance; best = i; }
        }
        return best < 0 ? Decision.NoDose : level[best];
    }

    public string SelectionRule => "isotonic estimate closest to the target among doses not eliminated (select.mtd)";

    /// <summary>One row per multiple of the cohort size up to max N; "de-escalate" includes the counts that also eliminate.</summary>
    public DecisionTable ToDecisionTable()
    {
        var rows = new List<DecisionTableRow>();
        for (int n = CohortSize; ; n += CohortSize)
        {
            int size = Math.Min(n, MaxN);
            var e = new List<int>(); var s = new List<int>(); var de = new List<int>(); var el = new List<int>();
            for (int x = 0; x <= size; x++)
            {
                switch (ActionAt(size, x))
                {
                    case IntervalAction.Escalate: e.Add(x); break;
                    case IntervalAction.Stay: s.Add(x); break;
                    default: de.Add(x); break;
                }
                if (Eliminates(size, x)) el.Add(x);
            }
            rows.Add(new DecisionTableRow(size, e.Count > 0 ? e[^1] : null, de.Count > 0 ? de[0] : null,
                el.Count > 0 ? el[0] : null, e, s, de, el));
            if (size >= MaxN) break;
        }
        return new DecisionTable(Name, rows,
            "patients at the current dose; de-escalate includes eliminate; eliminating a dose also eliminates every dose above it");
    }

    /// <summary>Whether a dose with isotonic estimate <paramref name="estimate"/> may be selected (BOIN's boundMTD); true by default.</summary>
    protected virtual bool BoundAllowed(double estimate) => true;

    /// <summary>The options shared by every interval design, for <see cref="Describe"/>.</summary>
    protected string DescribeCommon() =>
        FormattableString.Invariant($"target {Target}, cohort {CohortSize}, max N {MaxN}")
        + (NEarlystop < MaxN ? FormattableString.Invariant($", stop at {NEarlystop} on a dose") : "")
        + FormattableString.Invariant($", eliminate at P(p > target) > {CutoffEli}")
        + (ExtraSafe ? FormattableString.Invariant($", extra safe (offset {Offset})") : "")
        + (StartLevel > 0 ? $", start at dose {StartLevel + 1}" : "");

    public abstract string Describe();

    /// <summary>Boundaries the reason lists before the counts (BOIN's lambda_e and lambda_d); none by default.</summary>
    protected virtual IEnumerable<RuleQuantity> BoundaryQuantities() => [];

    public DecisionReason Explain(in TrialState state, Decision decision) => Why(this, state, decision);

    private static DecisionReason Why(IntervalDesign d, in TrialState s, Decision decision)
    {
        var q = new List<RuleQuantity>(d.BoundaryQuantities());
        if (s.TotalPatients >= d.MaxN)
            return new($"the maximum sample size of {d.MaxN} is reached; the MTD is the isotonic estimate closest to the target (BOIN's select.mtd): {Verb(decision)}", q);

        int level = s.CurrentLevel, n = s.Patients[level], x = s.Dlts[level];
        double rate = (double)x / n;
        q.Add(new("patients_at_dose", $"patients at dose {level + 1}", n));
        q.Add(new("dlts_at_dose", $"DLTs at dose {level + 1}", x));
        q.Add(new("observed_rate", $"observed DLT rate at dose {level + 1}", rate));
        int? escalateAtMost = null, deescalateAtLeast = null;
        for (int i = 0; i <= n; i++)
        {
            var a = d.ActionAt(n, i);
            if (a == IntervalAction.Escalate) escalateAtMost = i;
            if (a == IntervalAction.Deescalate && deescalateAtLeast is null) deescalateAtLeast = i;
        }
        int? eliminateAtLeast = d.EliminationBoundary(n);
        if (escalateAtMost is { } e) q.Add(new("escalate_at_most", $"escalate if DLTs <= this (n = {n})", e));
        if (deescalateAtLeast is { } de) q.Add(new("deescalate_at_least", $"de-escalate if DLTs >= this (n = {n})", de));
        if (eliminateAtLeast is { } el) q.Add(new("eliminate_at_least", $"eliminate if DLTs >= this (n = {n})", el));
        double above = IntervalDesign.ProbabilityAboveTarget(d.Target, n, x);
        q.Add(new("prob_above_target", $"P(DLT rate of dose {level + 1} > {F(d.Target)}), Beta(1, 1) prior", above));

        string observed = $"{Dlts(x)} in {n} patients at dose {level + 1} (rate {F(rate)})";
        int eliminated = d.LowestEliminated(s);
        if (eliminated == 0)
        {
            double p1 = IntervalDesign.ProbabilityAboveTarget(d.Target, s.Patients[0], s.Dlts[0]);
            return new($"dose 1 is eliminated ({Dlts(s.Dlts[0])} in {s.Patients[0]}: P(rate > {F(d.Target)}) = {F(p1)} > {F(d.CutoffEli)}): {Verb(decision)}", q);
        }
        if (decision.IsStop && d.ExtraSafe && level == 0 && decision.Level == Decision.NoDose)
            return new($"extra-safe rule at dose 1 ({Dlts(x)} in {n}: P(rate > {F(d.Target)}) = {F(above)} > {F(d.CutoffEli)} - {F(d.Offset)}): {Verb(decision)}", q);

        string bounds = $"escalate if DLTs <= {(escalateAtMost is { } ea ? ea.ToString(CultureInfo.InvariantCulture) : "never")}, "
            + $"de-escalate if DLTs >= {(deescalateAtLeast is { } da ? da.ToString(CultureInfo.InvariantCulture) : "never")}"
            + (eliminateAtLeast is { } eb ? $", eliminate if DLTs >= {eb}" : "") + $" at n = {n}";
        var action = d.ActionAt(n, x);
        string verdict = action switch
        {
            IntervalAction.Escalate => "at or below the escalation boundary",
            IntervalAction.Deescalate when eliminateAtLeast is { } el2 && x >= el2 =>
                $"at or above the elimination boundary: dose {level + 1} and every dose above it are eliminated (P(rate > {F(d.Target)}) = {F(above)} > {F(d.CutoffEli)})",
            IntervalAction.Deescalate => "at or above the de-escalation boundary",
            _ => "between the boundaries",
        };
        string move = action switch
        {
            IntervalAction.Escalate when level == d.DoseCount - 1 => $"; dose {level + 1} is the highest dose, so stay",
            IntervalAction.Escalate when level + 1 >= eliminated => $"; dose {level + 2} is eliminated, so stay",
            IntervalAction.Deescalate when level == 0 => "; dose 1 is the lowest dose, so stay",
            _ => "",
        };
        string early = decision.IsStop ? $"; {n} patients at dose {level + 1} reach n_earlystop = {d.NEarlystop}, so the trial stops" : "";
        return new($"{observed} is {verdict} ({bounds}){move}{early}: {Verb(decision)}", q);
    }
}
