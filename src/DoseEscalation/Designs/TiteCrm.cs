using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Designs;

/// <summary>How TITE-CRM weights a patient still in the DLT window.</summary>
public enum TiteWeightScheme
{
    /// <summary>w = the fraction of the window observed (Cheung &amp; Chappell 2000; dfcrm's default).</summary>
    Linear,
    /// <summary>The adaptive weights of Cheung &amp; Chappell (2000), built from the times of the DLTs observed so far (dfcrm's "adaptive").</summary>
    Adaptive,
}

/// <summary>
/// The time-to-event CRM (Cheung &amp; Chappell 2000) as <c>dfcrm::titesim</c> runs it: patients
/// are enrolled one at a time as they arrive, without waiting for earlier patients to complete the
/// DLT window. At each enrolment the CRM posterior counts every patient: a DLT or a completed
/// window fully, a patient still in the window without a DLT with the likelihood 1 - w p_d(beta),
/// w the weight of its follow-up (<see cref="TiteWeightScheme"/>). The new patient receives the dose
/// whose estimated DLT rate is closest to the target, never more than one level above the last
/// patient's dose. Once the maximum sample size is enrolled, the trial waits for every window to
/// close and selects the CRM's recommendation on the complete data.
/// </summary>
/// <remarks>
/// Cheung YK, Chappell R (2000). Sequential designs for phase I clinical trials with late-onset
/// toxicities. Biometrics 56:1177-1182. The posterior is <see cref="Crm"/>'s quadrature with the
/// weighted terms added, so with nothing pending the model is the CRM's bit for bit. As in titesim
/// (and unlike crmsim, which our <see cref="Crm"/> follows) there is no coherence restriction after
/// a DLT, only the one-level escalation limit: with nothing pending, TITE-CRM decides as the CRM with
/// cohorts of 1 wherever the last patient had no DLT. docs/designs/tite-crm.md has the differences
/// from dfcrm.
/// </remarks>
public sealed class TiteCrm : IPendingDesign, IFinalSelection, ITargeted
{
    /// <summary>The CRM whose model, prior and selection this design uses (cohorts of 1).</summary>
    public Crm Crm { get; }
    public TiteWeightScheme Scheme { get; }

    public TiteCrm(Crm crm, TiteWeightScheme scheme = TiteWeightScheme.Linear)
    {
        ArgumentNullException.ThrowIfNull(crm);
        if (crm.CohortSize != 1) throw new ArgumentException("TITE-CRM enrols one patient at a time: its CRM must have cohorts of 1", nameof(crm));
        if (crm.SafetyCutoff is not null) throw new ArgumentException("TITE-CRM has no built-in safety stop", nameof(crm));
        if (scheme is not (TiteWeightScheme.Linear or TiteWeightScheme.Adaptive)) throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "unknown weight scheme");
        (Crm, Scheme) = (crm, scheme);
        _posterior = new TiteCrmPosterior(crm);
    }

    // The posterior with patients pending, on tabulated trapezoid grids (TiteCrmPosterior).
    private readonly TiteCrmPosterior _posterior;

    /// <summary>TITE-CRM in the design catalog: the CRM's model options, one patient at a time, and the weight scheme.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "tite-crm",
        Summary = "TITE-CRM (Cheung & Chappell 2000), as dfcrm's titesim: the CRM with patients still in the DLT window weighted by their follow-up; one patient at a time.",
        References =
        [
            "Cheung YK, Chappell R (2000). Sequential designs for phase I clinical trials with late-onset toxicities. Biometrics 56:1177-1182.",
            "Cheung YK (2011). Dose Finding by the Continual Reassessment Method. Chapman & Hall/CRC (R package dfcrm: titecrm, titesim).",
        ],
        Options =
        [
            .. Crm.Descriptor.Options.Where(o => o.Key != "cohort_size"),
            new() { Key = "scheme", Kind = OptionKind.Choice, Default = "linear", Choices = ["linear", "adaptive"], Doc = "Weight of a patient still in the DLT window: linear (the fraction of the window observed) or adaptive (from the times of the DLTs seen so far; dfcrm's schemes)." },
        ],
        Intrinsic = new Dictionary<string, object> { ["cohort_size"] = 1 },
        Check = Crm.Descriptor.Check,
        Build = (c, v) => new TiteCrm(
            new Crm(v.Probabilities("skeleton")!, v.Number("target"), v.Choice("model") == "logistic" ? CrmModel.Logistic : CrmModel.Empiric, 1, v.Int("max_n"), 0,
                v.Number("prior_variance"), null, v.NumberOrNull("intercept") ?? CrmSkeleton.DefaultIntercept, Crm.FinalSelectionOf(v)),
            v.Choice("scheme") == "adaptive" ? TiteWeightScheme.Adaptive : TiteWeightScheme.Linear),
        Prose = (d, context) =>
        [
            $"Patients are enrolled one at a time as they arrive, starting at {context.StartLabel}, without waiting for earlier patients to complete the DLT window. "
            + "Before each enrolment the one-parameter CRM model is updated with every patient's data: a DLT or a completed window counts fully, and a patient still in the window without a DLT counts with a weight equal to "
            + (d.TryGet<TiteCrm>()!.Scheme == TiteWeightScheme.Linear ? "the fraction of the window observed" : "the adaptive weight built from the times of the DLTs observed so far")
            + " (Cheung & Chappell 2000). The new patient receives the dose whose estimated DLT rate is closest to the target, never more than one level above the previous patient's dose.",
            "When the maximum sample size has been enrolled, the trial waits for every window to close; the MTD is the dose whose estimated DLT rate is closest to the target on the complete data."
            + (d.TryGet<TiteCrm>()!.Crm.FinalSelection == CrmFinalSelection.Tried ? " A dose with no patients is not selected (final_selection tried): the MTD is then the highest dose with patients below the model's choice." : ""),
        ],
    };

    public string Name => "tite-crm";
    public int DoseCount => Crm.DoseCount;
    public int MaxCohortSize => 1;
    public int MaxPatients => Crm.MaxPatients;
    public bool ReadsLastCohort => false;

    public string Describe() =>
        "TITE-CRM (" + (Scheme == TiteWeightScheme.Linear ? "linear" : "adaptive") + " weights), " + Crm.Describe().Replace(", cohort 1", "", StringComparison.Ordinal);

    /// <summary>With nothing pending (every engine but the calendar's): the CRM with cohorts of 1 and titesim's one-level limit.</summary>
    public Decision Decide(in TrialState s)
    {
        if (s.IsStart) return Decision.Treat(Crm.StartLevel, 1);
        int recommended = Crm.Recommend(Crm.Posterior(s.Patients, s.Dlts).BetaMean);
        if (s.TotalPatients + 1 > MaxPatients) return Decision.Select(Crm.Final(s.Patients, recommended));
        return Decision.Treat(Math.Min(recommended, s.CurrentLevel + 1), 1);
    }

    public double Target => Crm.Target;

    /// <summary>The CRM's: on complete data every weight is 1, so the posterior is the CRM's.</summary>
    public string SelectionRule => Crm.SelectionRule;

    public int SelectMtd(in TrialState s) => Crm.SelectMtd(s);

    /// <summary>Below the maximum sample size TITE-CRM always enrols (<see cref="DecidePending"/>).</summary>
    public bool CertainlyEnrols(int evaluated, int pending)
    {
        int enrolled = evaluated + pending;
        return enrolled == 0 || enrolled < MaxPatients;
    }

    public PendingDecision DecidePending(in TrialState s, in PendingPatients pending)
    {
        int enrolled = s.TotalPatients + pending.Count;
        if (enrolled == 0) return PendingDecision.Enrol(Crm.StartLevel);
        if (enrolled >= MaxPatients)
            return pending.Count > 0 ? PendingDecision.Wait : PendingDecision.Select(Crm.SelectMtd(s));
        Span<double> weights = stackalloc double[pending.Count];
        for (int i = 0; i < weights.Length; i++) weights[i] = Weight(pending.Followed[i], pending.DltTimes);
        // With nothing pending, the CRM's own posterior (so that this equals Decide); otherwise the
        // kernel, or the CRM's rule where the kernel cannot vouch for its result.
        int recommended = pending.Count == 0 ? Crm.Recommend(Crm.Posterior(s.Patients, s.Dlts).BetaMean)
            : _posterior.TryBetaMean(s.Patients, s.Dlts, pending.Levels, weights, out double mean) ? _posterior.Recommend(mean)
            : Crm.Recommend(Crm.Posterior(s.Patients, s.Dlts, pending.Levels, weights).BetaMean);
        return PendingDecision.Enrol(Math.Min(recommended, s.CurrentLevel + 1));
    }

    /// <summary>
    /// The weight of a patient without a DLT who has completed the fraction <paramref name="followed"/>
    /// of the window, given the times (fractions of the window) of the DLTs observed so far.
    /// </summary>
    /// <remarks>
    /// Adaptive (dfcrm's titecrm): with the z observed DLT times sorted, s_1 &lt;= ... &lt;= s_z, and
    /// m of them at or before the patient's follow-up f, the weight is (m + (f - s_m)/(s_{m+1} - s_m))/(z + 1),
    /// with s_0 = 0 giving f/s_1/(z+1) and s_{z+1} = 1 giving (z + (f - s_z)/(1 - s_z))/(z + 1);
    /// linear when no DLT has been observed. Capped at 1.
    /// </remarks>
    public double Weight(double followed, ReadOnlySpan<double> dltTimes)
    {
        if (followed >= 1) return 1;
        int z = dltTimes.Length;
        if (Scheme == TiteWeightScheme.Linear || z == 0) return followed;
        // m = #{s <= f}, and the neighbouring times, without sorting: the largest s <= f and the smallest s > f.
        int m = 0;
        double below = 0, above = 1;
        foreach (double t in dltTimes)
        {
            if (t <= followed) { m++; below = Math.Max(below, t); }
            else above = Math.Min(above, t);
        }
        double w = (m + (above > below ? (followed - below) / (above - below) : 0)) / (z + 1);
        return Math.Min(w, 1);
    }
}
