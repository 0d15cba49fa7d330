using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Designs;

/// <summary>
/// The modified toxicity probability interval design mTPI-2: the equivalence interval
/// [target - epsilon1, target + epsilon2] and sub-intervals of its width tiling [0, 1] outward from it
/// (the end pieces may be shorter); after x DLTs in n, the interval with the largest unit probability
/// mass (Beta(1 + x, 1 + n - x) posterior mass divided by width) decides: below the equivalence
/// interval escalate, in it stay, above it de-escalate. Ties go to escalate, then stay.
/// </summary>
/// <remarks>
/// Guo W, Wang S-J, Yang S, Lynn H, Ji Y (2017) A Bayesian interval dose-finding design addressing
/// Ockham's razor: mTPI-2. Contemp Clin Trials 58:23-33. Elimination, stopping and MTD selection
/// as the BOIN R package (see <see cref="IntervalDesign"/>); docs/designs/mtpi2.md.
/// </remarks>
public sealed class Mtpi2 : IntervalDesign
{
    public double Epsilon1 { get; }
    public double Epsilon2 { get; }
    private readonly ProbabilityKeys _keys;

    public Mtpi2(int doseCount, double target, int cohortSize = 3, int maxN = 30, double epsilon1 = 0.05, double epsilon2 = 0.05,
        int nEarlystop = 100, double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05, int startLevel = 0)
        : base(doseCount, target, cohortSize, maxN, nEarlystop, cutoffEli, extraSafe, offset, startLevel)
    {
        _keys = new ProbabilityKeys(target, epsilon1, epsilon2);
        (Epsilon1, Epsilon2) = (epsilon1, epsilon2);
        BuildTable();
    }

    /// <summary>mTPI-2 in the design catalog.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "mtpi2",
        Summary = "mTPI-2: the sub-interval with the largest unit probability mass decides (Guo et al. 2017).",
        References = ["Guo W, Wang S-J, Yang S, Lynn H, Ji Y (2017). A Bayesian interval dose-finding design addressing Ockham's razor: mTPI-2. Contemp Clin Trials 58:23-33.", BoinPackageReference],
        Options = [.. CommonIntervalOptions, .. EpsilonOptions],
        HasDecisionTable = true,
        Build = (c, v) => new Mtpi2(c.DoseCount, v.Number("target"), v.Int("cohort_size"), v.Int("max_n"), v.Number("epsilon1"), v.Number("epsilon2"), v.Int("n_earlystop"), v.Number("cutoff_eli"), v.Switch("extrasafe"), v.Number("offset")),
        Prose = IntervalProse,
    };

    public override string Name => "mtpi2";

    /// <summary>The interval end points, from 0 to 1.</summary>
    public IReadOnlyList<double> Breaks => _keys.Breaks;

    protected override IntervalAction Classify(int n, int x)
    {
        Span<double> upm = stackalloc double[_keys.Count];
        _keys.Masses(n, x, upm);
        for (int i = 0; i < upm.Length; i++) upm[i] /= _keys.Width(i);
        double under = double.NegativeInfinity, over = double.NegativeInfinity;
        for (int i = 0; i < _keys.TargetKey; i++) under = Math.Max(under, upm[i]);
        for (int i = _keys.TargetKey + 1; i < upm.Length; i++) over = Math.Max(over, upm[i]);
        double equivalent = upm[_keys.TargetKey];
        // The order of the escalation R package's mTPI-2: escalate wins ties, then stay.
        if (under >= equivalent && under >= over) return IntervalAction.Escalate;
        return equivalent >= over ? IntervalAction.Stay : IntervalAction.Deescalate;
    }

    public override string Describe() =>
        "mTPI-2, " + DescribeCommon() + FormattableString.Invariant($", EI [{Target - Epsilon1:0.###}, {Target + Epsilon2:0.###}]");
}
