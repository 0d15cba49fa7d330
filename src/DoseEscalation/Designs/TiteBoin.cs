using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Designs;

/// <summary>
/// The time-to-event BOIN (Yuan, Lin, Li, Nie &amp; Warren 2018): BOIN's decisions made before every
/// patient of the current dose has completed the DLT window. At a cohort's first enrolment, with n
/// patients at the current dose of whom m are pending and x have had a DLT, the DLT rate is
/// estimated by the paper's single mean imputation of the pending outcomes (<see cref="TiteBoinEstimate.Imputation"/>,
/// the default) or as x / (n - m + STFT) (<see cref="TiteBoinEstimate.Ess"/>), STFT the pending
/// patients' standardized total follow-up time (the sum of the fractions of the window they have
/// completed), and compared with BOIN's lambda_e and lambda_d (<see cref="Cell"/>); accrual is suspended while more than <see cref="MaxPendingFraction"/> of
/// the dose's patients are pending. Elimination, the extra-safe and n_earlystop rules and the final
/// selection (isotonic regression on complete data) are BOIN's.
/// </summary>
/// <remarks>
/// Yuan Y, Lin R, Li D, Nie L, Warren KE (2018). Time-to-event Bayesian optimal interval design to
/// accelerate phase I trials. Clin Cancer Res 24:4921-4930 (imputation: its Supplementary Appendix A,
/// Table 1 and Table S1); Lin R, Yuan Y (2020), Biostatistics 21:807-824 (ess). The other rules follow the paper and the
/// TITEgBOIN R package's TITE-BOIN (next_TITE_QuasiBOIN, with its default uniform prior on the time
/// to DLT, under which a pending patient's imputed follow-up is its observed follow-up): elimination
/// counts every patient treated at a dose, pending or not; a de-escalation signal at dose 1 with
/// patients pending suspends accrual. With nothing pending every decision is BOIN's
/// (<see cref="Decide"/> is the wrapped <see cref="Boin"/>'s). docs/designs/tite-boin.md.
/// </remarks>
public sealed class TiteBoin : IPendingDesign, IFinalSelection, ITargeted
{
    public Boin Boin { get; }
    /// <summary>Suspend accrual while more than this fraction of the current dose's patients are pending (TITEgBOIN's maxpen; the paper's 50%).</summary>
    public double MaxPendingFraction { get; }

    /// <summary>How the pending patients enter the DLT-rate estimate: the paper's single mean imputation (the default) or the effective sample size.</summary>
    public TiteBoinEstimate Estimate { get; }

    public TiteBoin(Boin boin, double maxPendingFraction = 0.5, TiteBoinEstimate estimate = TiteBoinEstimate.Imputation)
    {
        ArgumentNullException.ThrowIfNull(boin);
        if (!(maxPendingFraction > 0 && maxPendingFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(maxPendingFraction), maxPendingFraction, "the pending fraction must be in (0, 1]");
        if (!Enum.IsDefined(estimate)) throw new ArgumentOutOfRangeException(nameof(estimate), estimate, "unknown estimate");
        (Boin, MaxPendingFraction, Estimate) = (boin, maxPendingFraction, estimate);
    }

    /// <summary>TITE-BOIN in the design catalog: BOIN's options and the suspension rule's pending fraction.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "tite-boin",
        Summary = "TITE-BOIN (Yuan et al. 2018): BOIN decisions with pending patients counted by their follow-up; accrual suspended while more than half the dose's patients are pending.",
        References =
        [
            "Yuan Y, Lin R, Li D, Nie L, Warren KE (2018). Time-to-event Bayesian optimal interval design to accelerate phase I trials. Clin Cancer Res 24:4921-4930.",
            "Lin R, Yuan Y (2020). Time-to-event model-assisted designs for dose-finding trials with delayed toxicity. Biostatistics 21:807-824.",
            "Liu S, Yuan Y (2015). Bayesian optimal interval designs for phase I clinical trials. J R Stat Soc C 64:507-523.",
        ],
        HasDecisionTable = true,
        Options =
        [
            .. Boin.Descriptor.Options,
            new() { Key = "max_pending", Kind = OptionKind.Number, Default = 0.5, Min = 0, Max = 1, MinExclusive = true, Doc = "Suspend accrual while more than this fraction of the current dose's patients are pending (the paper's 50%; TITEgBOIN's maxpen)." },
            new() { Key = "estimate", Kind = OptionKind.Choice, Default = "imputation", Choices = ["imputation", "ess"], Doc = "How pending patients enter the DLT-rate estimate: imputation (Yuan et al. 2018: single mean imputation of each pending outcome, Beta(target/2, 1 - target/2) prior, coherence; the paper's Tables 1 and S1; the default) or ess (x / (n - m + STFT), the effective sample size of Lin & Yuan 2020 and TITEgBOIN)." },
        ],
        Build = (c, v) => new TiteBoin(
            new Boin(c.DoseCount, v.Number("target"), v.Int("cohort_size"), v.Int("max_n"), v.Int("n_earlystop"), v.Number("cutoff_eli"), v.Switch("extrasafe"), v.Number("offset"), v.Switch("bound_mtd"), 0, v.Number("phi1"), v.Number("phi2")),
            v.Number("max_pending"),
            v.Choice("estimate") == "ess" ? TiteBoinEstimate.Ess : TiteBoinEstimate.Imputation),
        Prose = (d, context) =>
        [
            $"Cohorts are treated as patients arrive, starting at {context.StartLabel}, without waiting for the previous cohort to complete the DLT window. "
            + (d.TryGet<TiteBoin>()!.Estimate == TiteBoinEstimate.Ess
                ? "Before each cohort, the DLT rate at the current dose is estimated as the DLTs observed divided by the patients who completed the window plus the pending patients' follow-up as fractions of the window, "
                  + "and compared with BOIN's boundaries: escalate, stay or de-escalate. "
                : "Before each cohort, each pending patient's outcome at the current dose is replaced by its expected value given the follow-up so far (a uniform time to DLT over the window and a Beta(target/2, 1 - target/2) prior on the DLT rate), "
                  + "and the resulting DLT rate is compared with BOIN's boundaries: escalate, stay or de-escalate; the dose is not escalated while the observed DLT rate is at or above the target, nor de-escalated while it is below, and it is de-escalated whenever the observed rate alone reaches the de-escalation boundary. ")
            + $"Accrual is suspended while more than {d.TryGet<TiteBoin>()!.MaxPendingFraction:0.##} of the patients at the current dose are still in the window. "
            + "Doses are eliminated as in BOIN, counting every patient treated at the dose; the MTD is selected as in BOIN once every window has closed.",
        ],
    };

    public string Name => "tite-boin";
    public int DoseCount => Boin.DoseCount;
    public int MaxCohortSize => Boin.CohortSize;
    public int MaxPatients => Boin.MaxN;
    public bool ReadsLastCohort => false;

    public string Describe() => "TITE-" + Boin.Describe() + FormattableString.Invariant($", suspend above {MaxPendingFraction:0.##} pending")
        + (Estimate == TiteBoinEstimate.Ess ? ", effective sample size" : "");

    /// <summary>With nothing pending: BOIN's decision.</summary>
    public Decision Decide(in TrialState s) => Boin.Decide(s);

    public double Target => Boin.Target;

    /// <summary>BOIN's select.mtd, on complete data (the paper's final selection).</summary>
    public string SelectionRule => Boin.SelectionRule;

    public int SelectMtd(in TrialState s) => Boin.SelectMtd(s);

    /// <summary>The first patient, and the rest of a cohort below the maximum sample size, are always enrolled (<see cref="DecidePending"/>).</summary>
    public bool CertainlyEnrols(int evaluated, int pending)
    {
        int enrolled = evaluated + pending;
        return enrolled == 0 || (enrolled < Boin.MaxN && enrolled % Boin.CohortSize != 0);
    }

    public PendingDecision DecidePending(in TrialState s, in PendingPatients pending)
    {
        int enrolled = s.TotalPatients + pending.Count;
        if (enrolled == 0) return PendingDecision.Enrol(Boin.StartLevel);
        int d = s.CurrentLevel;
        // The rest of a cohort goes to its first patient's dose; the trial ends with BOIN's selection once every window has closed.
        if (enrolled >= Boin.MaxN) return Final(s, pending);
        if (enrolled % Boin.CohortSize != 0) return PendingDecision.Enrol(d);

        int eliminated = LowestEliminated(s, pending);
        if (eliminated == 0) return Final(s, pending, stopWithoutDose: true);
        var (m, followed) = pending.At(d);
        int n = s.Patients[d] + m, x = s.Dlts[d];
        if (Boin.ExtraSafe && d == 0 && n >= IntervalDesign.MinPatientsToEliminate
            && IntervalDesign.ProbabilityAboveTarget(Boin.Target, n, x) > Boin.CutoffEli - Boin.Offset)
            return Final(s, pending, stopWithoutDose: true);
        if (d >= eliminated) return PendingDecision.Enrol(eliminated - 1);

        if (n == 0) return PendingDecision.Enrol(d); // every patient here left non-evaluable: their replacements come first
        if (Interval(n, x, m, followed) is not IntervalAction action) return PendingDecision.Wait; // the suspension rule
        bool cannotEscalate = d == DoseCount - 1 || d + 1 >= eliminated;
        bool stays = action == IntervalAction.Stay || (action == IntervalAction.Deescalate && d == 0) || (action == IntervalAction.Escalate && cannotEscalate);
        if (n >= Boin.NEarlystop && stays) return Final(s, pending);
        if (action == IntervalAction.Deescalate && d == 0 && m > 0) return PendingDecision.Wait; // toxic-looking dose 1: wait for the pending patients
        return PendingDecision.Enrol(action switch
        {
            IntervalAction.Escalate => cannotEscalate ? d : d + 1,
            IntervalAction.Deescalate => d == 0 ? 0 : d - 1,
            _ => d,
        });
    }

    /// <summary>
    /// The decision at a dose with <paramref name="n"/> patients treated (pending ones included),
    /// <paramref name="x"/> DLTs, <paramref name="m"/> pending patients whose follow-up fractions sum to
    /// <paramref name="stft"/> (in [0, m]), before the dose's position (top dose, dose 1, eliminated
    /// doses) and the trial-level rules: the cell of Yuan et al. (2018)'s Table 1. Elimination (BOIN's,
    /// counting pending patients as without DLT) comes first; <see cref="TiteBoinAction.Suspend"/> is
    /// the suspension rule. With m = 0 it is BOIN's decision on x / n.
    /// </summary>
    public TiteBoinAction Cell(int n, int x, int m, double stft)
    {
        if (n < 1 || x < 0 || m < 0 || x + m > n) throw new ArgumentOutOfRangeException(nameof(n), "need n >= 1 and 0 <= x, m with x + m <= n");
        if (!(stft >= 0 && stft <= m)) throw new ArgumentOutOfRangeException(nameof(stft), stft, "the standardized total follow-up must be in [0, m]");
        if (n >= IntervalDesign.MinPatientsToEliminate && Boin.Eliminates(n, x)) return TiteBoinAction.Eliminate;
        return Interval(n, x, m, stft) switch
        {
            IntervalAction.Escalate => TiteBoinAction.Escalate,
            IntervalAction.Deescalate => TiteBoinAction.Deescalate,
            IntervalAction.Stay => TiteBoinAction.Stay,
            _ => TiteBoinAction.Suspend,
        };
    }

    /// <summary>
    /// The DLT-rate estimate the design compares with BOIN's boundaries at a dose with <paramref name="n"/>
    /// patients (pending included), <paramref name="x"/> DLTs and <paramref name="m"/> pending patients
    /// whose follow-up fractions sum to <paramref name="stft"/>: x / n with nothing pending; under
    /// <see cref="TiteBoinEstimate.Ess"/> x / (n - m + STFT); under <see cref="TiteBoinEstimate.Imputation"/>
    /// (x + q (m - STFT)) / n with q = p / (1 - p), p the posterior mean from the completed patients.
    /// </summary>
    public double PendingEstimate(int n, int x, int m, double stft)
    {
        if (n < 1 || x < 0 || m < 0 || x + m > n) throw new ArgumentOutOfRangeException(nameof(n), "need n >= 1 and 0 <= x, m with x + m <= n");
        if (!(stft >= 0 && stft <= m)) throw new ArgumentOutOfRangeException(nameof(stft), stft, "the standardized total follow-up must be in [0, m]");
        if (m == 0) return (double)x / n;
        if (Estimate == TiteBoinEstimate.Ess) return x / (n - m + stft);
        double p = (x + Boin.Target / 2) / (n - m + 1), q = p / (1 - p);
        return (x + q * (m - stft)) / n;
    }

    /// <summary>
    /// The cell of <see cref="Cell"/> for <paramref name="n"/> patients, <paramref name="x"/> DLTs and
    /// <paramref name="m"/> pending as a function of the STFT: the ranges of [0, m] giving each decision, in
    /// increasing STFT, with their ends solved from the rule rather than searched. The estimate does not
    /// increase with the STFT, so de-escalate (estimate at or above lambda_d: STFT at most the boundary, a closed
    /// end), stay (open ends) and escalate (estimate at or below lambda_e: STFT at least the boundary, closed)
    /// follow one another in that order, before the coherence rules turn a piece into stay; elimination and
    /// suspension do not depend on the STFT. With m = 0 the one range is [0, 0].
    /// </summary>
    public IReadOnlyList<StftRange> CellRanges(int n, int x, int m)
    {
        if (n < 1 || x < 0 || m < 0 || x + m > n) throw new ArgumentOutOfRangeException(nameof(n), "need n >= 1 and 0 <= x, m with x + m <= n");
        if (n >= IntervalDesign.MinPatientsToEliminate && Boin.Eliminates(n, x)) return [StftRange.Whole(TiteBoinAction.Eliminate, m)];
        if (m == 0) return [StftRange.Whole(ActionOf(Classify((double)x / n)), 0)];
        double observed = (double)x / n, lambdaE = Boin.LambdaE, lambdaD = Boin.LambdaD;
        // The STFT at which the estimate equals lambda_d (de-escalate at or below it) and lambda_e (escalate at or above it).
        double deescalateTo, escalateFrom;
        bool coherence = Estimate == TiteBoinEstimate.Imputation;
        if (coherence)
        {
            if (observed >= lambdaD) return [StftRange.Whole(TiteBoinAction.Deescalate, m)];
            if (m > n * MaxPendingFraction) return [StftRange.Whole(TiteBoinAction.Suspend, m)];
            // (x + q (m - STFT)) / n <= lambda  <=>  STFT >= m - (n lambda - x) / q, q > 0.
            double p = (x + Boin.Target / 2) / (n - m + 1), q = p / (1 - p);
            (deescalateTo, escalateFrom) = (m - (n * lambdaD - x) / q, m - (n * lambdaE - x) / q);
        }
        else
        {
            if (m > n * MaxPendingFraction) return [StftRange.Whole(TiteBoinAction.Suspend, m)];
            if (x == 0)
            {
                // The estimate is 0 / (n - m + STFT) = 0: escalate; with every patient pending (max_pending 1) and no follow-up it is 0 / 0, which decides stay.
                if (n > m) return [StftRange.Whole(TiteBoinAction.Escalate, m)];
                return [new StftRange(TiteBoinAction.Stay, 0, true, 0, true), new StftRange(TiteBoinAction.Escalate, 0, false, m, true)];
            }
            // x / (n - m + STFT) <= lambda  <=>  STFT >= x / lambda - (n - m).
            (deescalateTo, escalateFrom) = (x / lambdaD - (n - m), x / lambdaE - (n - m));
        }
        var pieces = new List<StftRange>(3);
        void Add(TiteBoinAction action, double from, bool fromClosed, double to, bool toClosed)
        {
            if (coherence && action == TiteBoinAction.Escalate && observed >= Boin.Target) action = TiteBoinAction.Stay;
            if (coherence && action == TiteBoinAction.Deescalate && observed < Boin.Target) action = TiteBoinAction.Stay;
            if (pieces.Count > 0 && pieces[^1].Action == action) pieces[^1] = pieces[^1] with { To = to, ToClosed = toClosed };
            else pieces.Add(new StftRange(action, from, fromClosed, to, toClosed));
        }
        if (deescalateTo >= 0) Add(TiteBoinAction.Deescalate, 0, true, Math.Min(deescalateTo, m), true);
        double stayFrom = Math.Max(deescalateTo, 0), stayTo = Math.Min(escalateFrom, m);
        bool stayFromClosed = deescalateTo < 0, stayToClosed = escalateFrom > m;
        if (stayFrom < stayTo || (stayFrom == stayTo && stayFromClosed && stayToClosed)) Add(TiteBoinAction.Stay, stayFrom, stayFromClosed, stayTo, stayToClosed);
        if (escalateFrom <= m) Add(TiteBoinAction.Escalate, Math.Max(escalateFrom, 0), true, m, true);
        return pieces;
    }

    private static TiteBoinAction ActionOf(IntervalAction a) => a switch
    {
        IntervalAction.Escalate => TiteBoinAction.Escalate,
        IntervalAction.Deescalate => TiteBoinAction.Deescalate,
        _ => TiteBoinAction.Stay,
    };

    /// <summary>
    /// The decision table of Yuan et al. (2018)'s Table 1: one row per n (a multiple of the cohort size, the
    /// last cut to max N, as BOIN's table), x and m with x + m &lt;= n, each with its <see cref="CellRanges"/>.
    /// </summary>
    /// <param name="maxPatients">The largest n: null for the paper's five cohorts (n up to 15 with cohorts of 3), never above max N.</param>
    public TiteBoinDecisionTable ToPendingDecisionTable(int? maxPatients = null)
    {
        int c = Boin.CohortSize, top = Math.Min(maxPatients ?? TiteBoinDecisionTable.PublishedCohorts * c, Boin.MaxN);
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(maxPatients), maxPatients, "the table needs at least one patient");
        var rows = new List<TiteBoinTableRow>();
        for (int step = c; ; step += c)
        {
            int n = Math.Min(step, top);
            for (int x = 0; x <= n; x++)
                for (int m = 0; x + m <= n; m++)
                    rows.Add(new TiteBoinTableRow(n, x, m, CellRanges(n, x, m)));
            if (n >= top) break;
        }
        return new TiteBoinDecisionTable(rows, top < Boin.MaxN && maxPatients is null
            ? FormattableString.Invariant($"n up to {top}, the paper's {TiteBoinDecisionTable.PublishedCohorts} cohorts (max N {Boin.MaxN}: give max_n for more)")
            : null);
    }

    /// <summary>The interval decision with m pending patients of n; null: suspend accrual.</summary>
    private IntervalAction? Interval(int n, int x, int m, double stft)
    {
        if (m == 0) return Classify((double)x / n);
        if (Estimate == TiteBoinEstimate.Ess)
        {
            if (m > n * MaxPendingFraction) return null;
            return Classify(x / (n - m + stft));
        }
        // Yuan et al. (2018), Supplementary Appendix A: a de-escalation that holds whatever the pending outcomes overrides the suspension.
        double observed = (double)x / n;
        if (observed >= Boin.LambdaD) return IntervalAction.Deescalate;
        if (m > n * MaxPendingFraction) return null;
        // Posterior mean under Beta(target/2, 1 - target/2) from the n - m completed patients; a pending patient
        // followed for a fraction w of the window has had no DLT, so (uniform time to DLT) its expected outcome is
        // p(1 - w) / (1 - p w); the paper takes it as p(1 - w) / (1 - p), so the pending patients add q (m - STFT), q = p / (1 - p).
        double prior = Boin.Target / 2, p = (x + prior) / (n - m + 1), q = p / (1 - p);
        IntervalAction action = Classify((x + q * (m - stft)) / n);
        // Coherence: no escalation while the observed rate is at or above the target, no de-escalation while it is below.
        if (action == IntervalAction.Escalate && observed >= Boin.Target) return IntervalAction.Stay;
        if (action == IntervalAction.Deescalate && observed < Boin.Target) return IntervalAction.Stay;
        return action;
    }

    private IntervalAction Classify(double phat) =>
        phat <= Boin.LambdaE ? IntervalAction.Escalate : phat >= Boin.LambdaD ? IntervalAction.Deescalate : IntervalAction.Stay;

    // Stopping waits for the patients still in the window, whose outcomes then count in the selection.
    private PendingDecision Final(in TrialState s, in PendingPatients pending, bool stopWithoutDose = false)
    {
        if (pending.Count > 0) return PendingDecision.Wait;
        if (stopWithoutDose) return PendingDecision.Select(Decision.NoDose);
        return PendingDecision.Select(Boin.SelectMtd(s));
    }

    /// <summary>BOIN's elimination counting every patient treated at a dose, pending or not (as TITEgBOIN does); <see cref="DoseCount"/> if none.</summary>
    private int LowestEliminated(in TrialState s, in PendingPatients pending)
    {
        for (int i = 0; i < DoseCount; i++)
        {
            int n = s.Patients[i] + pending.PerLevel[i];
            if (n >= IntervalDesign.MinPatientsToEliminate && n <= Boin.MaxN && Boin.Eliminates(n, s.Dlts[i])) return i;
        }
        return DoseCount;
    }
}

/// <summary>How TITE-BOIN counts the pending patients in the DLT-rate estimate (docs/designs/tite-boin.md).</summary>
public enum TiteBoinEstimate
{
    /// <summary>Single mean imputation with a Beta(target/2, 1 - target/2) prior, coherence and the overriding de-escalation (Yuan et al. 2018, the paper's Table 1).</summary>
    Imputation,
    /// <summary>x / (n - m + STFT), the effective sample size (Lin &amp; Yuan 2020; the TITEgBOIN package).</summary>
    Ess,
}

/// <summary>A cell of the TITE-BOIN decision table (<see cref="TiteBoin.Cell"/>).</summary>
public enum TiteBoinAction
{
    Escalate,
    Stay,
    Deescalate,
    /// <summary>De-escalate and eliminate the dose and every dose above it.</summary>
    Eliminate,
    /// <summary>Suspend accrual until more outcomes are known.</summary>
    Suspend,
}
