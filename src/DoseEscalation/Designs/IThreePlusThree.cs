using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Designs;

/// <summary>
/// The i3+3 design: after x DLTs in n at the current dose, with the equivalence interval
/// [target - epsilon1, target + epsilon2]: x/n below it escalate; inside it stay; above it
/// de-escalate, unless (x - 1)/n is below it, then stay.
/// </summary>
/// <remarks>
/// Liu M, Wang S-J, Ji Y (2020) The i3+3 design for phase I clinical trials. J Biopharm Stat
/// 30(2):294-304. The interval is closed: a rate on its edge is inside. Elimination, stopping and
/// MTD selection as the BOIN R package (see <see cref="IntervalDesign"/>); docs/designs/i3+3.md.
/// </remarks>
public sealed class IThreePlusThree : IntervalDesign
{
    // Rates are compared as x < bound * n; the slack keeps 1/4 "on" 0.3 - 0.05 despite binary rounding.
    private const double Slack = 1e-9;

    public double Epsilon1 { get; }
    public double Epsilon2 { get; }

    public IThreePlusThree(int doseCount, double target, int cohortSize = 3, int maxN = 30, double epsilon1 = 0.05, double epsilon2 = 0.05,
        int nEarlystop = 100, double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05, int startLevel = 0)
        : base(doseCount, target, cohortSize, maxN, nEarlystop, cutoffEli, extraSafe, offset, startLevel)
    {
        ProbabilityKeys.Validate(target, epsilon1, epsilon2);
        (Epsilon1, Epsilon2) = (epsilon1, epsilon2);
        BuildTable();
    }

    /// <summary>i3+3 in the design catalog.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "i3+3",
        Summary = "i3+3: the observed DLT rate against the target interval (Liu, Wang & Ji 2020).",
        References = ["Liu M, Wang S-J, Ji Y (2020). The i3+3 design for phase I clinical trials. J Biopharm Stat 30:294-304.", BoinPackageReference],
        Options = [.. CommonIntervalOptions, .. EpsilonOptions],
        HasDecisionTable = true,
        Build = (c, v) => new IThreePlusThree(c.DoseCount, v.Number("target"), v.Int("cohort_size"), v.Int("max_n"), v.Number("epsilon1"), v.Number("epsilon2"), v.Int("n_earlystop"), v.Number("cutoff_eli"), v.Switch("extrasafe"), v.Number("offset")),
        Prose = IntervalProse,
    };

    public override string Name => "i3+3";

    private bool Below(int n, int x) => x < (Target - Epsilon1) * n - Slack;
    private bool Above(int n, int x) => x > (Target + Epsilon2) * n + Slack;

    protected override IntervalAction Classify(int n, int x) =>
        Below(n, x) ? IntervalAction.Escalate
        : !Above(n, x) ? IntervalAction.Stay
        : Below(n, x - 1) ? IntervalAction.Stay
        : IntervalAction.Deescalate;

    public override string Describe() =>
        "i3+3, " + DescribeCommon() + FormattableString.Invariant($", EI [{Target - Epsilon1:0.###}, {Target + Epsilon2:0.###}]");
}
