using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Designs;

/// <summary>
/// The Bayesian optimal interval (BOIN) design: after a cohort at dose d with x DLTs in n patients,
/// escalate if x &lt;= floor(lambda_e n), de-escalate if x &gt;= ceil(lambda_d n) (or the dose is
/// eliminated), else stay. lambda_e and lambda_d minimise the probability of a wrong decision
/// between the point hypotheses phi1 (default 0.6 target), target and phi2 (default 1.4 target).
/// </summary>
/// <remarks>
/// Liu S, Yuan Y (2015) Bayesian optimal interval designs for phase I clinical trials. JRSS-C
/// 64:507-523. Behaviour matches the BOIN R package (Yan F et al. 2020, J Stat Softw 94(13))
/// functions get.boundary, get.oc and select.mtd option for option; docs/designs/boin.md.
/// </remarks>
public sealed class Boin : IntervalDesign
{
    /// <summary>Highest DLT rate deemed sub-therapeutic (R: p.saf).</summary>
    public double Phi1 { get; }
    /// <summary>Lowest DLT rate deemed overly toxic (R: p.tox).</summary>
    public double Phi2 { get; }
    /// <summary>Escalation boundary on the observed DLT rate.</summary>
    public double LambdaE { get; }
    /// <summary>De-escalation boundary on the observed DLT rate.</summary>
    public double LambdaD { get; }
    /// <summary>Select only a dose whose isotonic estimate is below <see cref="LambdaD"/> (R: boundMTD).</summary>
    public bool BoundMtd { get; }

    public Boin(int doseCount, double target, int cohortSize = 3, int maxN = 30, int nEarlystop = 100,
        double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05, bool boundMtd = false,
        int startLevel = 0, double? phi1 = null, double? phi2 = null)
        : base(doseCount, CheckTarget(target), cohortSize, maxN, nEarlystop, cutoffEli, extraSafe, offset, startLevel)
    {
        double p1 = phi1 ?? 0.6 * target, p2 = phi2 ?? 1.4 * target;
        // get.boundary's own checks: phi1 and phi2 at least 10% of the target away from it.
        if (!(p1 > 0) || target - p1 < 0.1 * target) throw new ArgumentOutOfRangeException(nameof(phi1), p1, "phi1 must be positive and at most 0.9 * target");
        if (!(p2 < 1) || p2 - target < 0.1 * target) throw new ArgumentOutOfRangeException(nameof(phi2), p2, "phi2 must be below 1 and at least 1.1 * target");
        (Phi1, Phi2, BoundMtd) = (p1, p2, boundMtd);
        LambdaE = Math.Log((1 - p1) / (1 - target)) / Math.Log(target * (1 - p1) / (p1 * (1 - target)));
        LambdaD = Math.Log((1 - target) / (1 - p2)) / Math.Log(p2 * (1 - target) / (target * (1 - p2)));
        BuildTable();
    }

    // The R package refuses targets outside [0.05, 0.6].
    private static double CheckTarget(double target) =>
        target >= 0.05 && target <= 0.6 ? target : throw new ArgumentOutOfRangeException(nameof(target), target, "BOIN target must be in [0.05, 0.6]");

    private static readonly IReadOnlyList<DesignOption> BoinOptions =
    [
        new() { Key = "bound_mtd", Kind = OptionKind.Switch, Default = false, Doc = "Select only a dose whose isotonic estimate is below lambda_d (R: boundMTD)." },
        new() { Key = "phi1", Kind = OptionKind.Number, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, ComputedDefault = (c, v) => 0.6 * v.Number("target"), DefaultText = "0.6 target", Doc = "Highest DLT rate deemed sub-therapeutic (R: p.saf)." },
        new() { Key = "phi2", Kind = OptionKind.Number, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, ComputedDefault = (c, v) => 1.4 * v.Number("target"), DefaultText = "1.4 target", Doc = "Lowest DLT rate deemed overly toxic (R: p.tox)." },
    ];

    /// <summary>BOIN in the design catalog.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "boin",
        Summary = "BOIN: escalate, stay or de-escalate by the observed DLT rate against lambda_e and lambda_d (Liu & Yuan 2015).",
        References = ["Liu S, Yuan Y (2015). Bayesian optimal interval designs for phase I clinical trials. J R Stat Soc C 64:507-523.", BoinPackageReference],
        Options = [.. CommonIntervalOptions, .. BoinOptions],
        HasDecisionTable = true,
        Build = (c, v) => new Boin(c.DoseCount, v.Number("target"), v.Int("cohort_size"), v.Int("max_n"), v.Int("n_earlystop"), v.Number("cutoff_eli"), v.Switch("extrasafe"), v.Number("offset"), v.Switch("bound_mtd"), 0, v.Number("phi1"), v.Number("phi2")),
        Prose = IntervalProse,
    };

    public override string Name => "boin";

    /// <summary>Escalate if DLTs &lt;= this many in <paramref name="n"/> patients (may be -1: never).</summary>
    public int EscalationBoundary(int n) => (int)Math.Floor(LambdaE * n);

    /// <summary>De-escalate if DLTs &gt;= this many in <paramref name="n"/> patients, before capping at elimination.</summary>
    public int DeescalationBoundary(int n) => (int)Math.Ceiling(LambdaD * n);

    protected override IntervalAction Classify(int n, int x) =>
        x <= EscalationBoundary(n) ? IntervalAction.Escalate
        : x >= DeescalationBoundary(n) ? IntervalAction.Deescalate
        : IntervalAction.Stay;

    // select.mtd with boundMTD keeps only estimates strictly below lambda_d.
    protected override bool BoundAllowed(double estimate) => !BoundMtd || estimate < LambdaD;

    public override string Describe() =>
        "BOIN, " + DescribeCommon()
        + FormattableString.Invariant($", lambda_e {LambdaE:0.####}, lambda_d {LambdaD:0.####}")
        + (BoundMtd ? ", MTD bounded by lambda_d" : "");

    protected override IEnumerable<RuleQuantity> BoundaryQuantities() =>
    [
        new("lambda_e", "escalation boundary on the rate (lambda_e)", LambdaE),
        new("lambda_d", "de-escalation boundary on the rate (lambda_d)", LambdaD),
    ];
}
