using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Designs;

/// <summary>
/// The Keyboard design: the target key [target - epsilon1, target + epsilon2] and keys of its width
/// tiling [0, 1] outward from it; after x DLTs in n, the key with the largest Beta(1 + x, 1 + n - x)
/// posterior probability decides (an incomplete end key's probability is scaled up to full width):
/// a key below the target key escalates, the target key stays, a key above de-escalates. Ties go to
/// the higher key.
/// </summary>
/// <remarks>
/// Yan F, Mandrekar SJ, Yuan Y (2017) Keyboard: a novel Bayesian toxicity probability interval design
/// for phase I clinical trials. Clin Cancer Res 23(15):3994-4003. The table follows the Keyboard R
/// package's get.boundary.kb (compensated end keys, ties to the highest key); elimination, stopping
/// and MTD selection as the BOIN R package (see <see cref="IntervalDesign"/>); docs/designs/keyboard.md.
/// </remarks>
public sealed class Keyboard : IntervalDesign
{
    public double Epsilon1 { get; }
    public double Epsilon2 { get; }
    private readonly ProbabilityKeys _keys;

    public Keyboard(int doseCount, double target, int cohortSize = 3, int maxN = 30, double epsilon1 = 0.05, double epsilon2 = 0.05,
        int nEarlystop = 100, double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05, int startLevel = 0)
        : base(doseCount, target, cohortSize, maxN, nEarlystop, cutoffEli, extraSafe, offset, startLevel)
    {
        _keys = new ProbabilityKeys(target, epsilon1, epsilon2);
        (Epsilon1, Epsilon2) = (epsilon1, epsilon2);
        BuildTable();
    }

    /// <summary>Keyboard in the design catalog.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "keyboard",
        Summary = "Keyboard: the key (interval) with the largest posterior probability decides (Yan, Mandrekar & Yuan 2017).",
        References = ["Yan F, Mandrekar SJ, Yuan Y (2017). Keyboard: a novel Bayesian toxicity probability interval design for phase I clinical trials. Clin Cancer Res 23:3994-4003.", BoinPackageReference],
        Options = [.. CommonIntervalOptions, .. EpsilonOptions],
        HasDecisionTable = true,
        Build = (c, v) => new Keyboard(c.DoseCount, v.Number("target"), v.Int("cohort_size"), v.Int("max_n"), v.Number("epsilon1"), v.Number("epsilon2"), v.Int("n_earlystop"), v.Number("cutoff_eli"), v.Switch("extrasafe"), v.Number("offset")),
        Prose = IntervalProse,
    };

    public override string Name => "keyboard";

    /// <summary>The key end points, from 0 to 1.</summary>
    public IReadOnlyList<double> Breaks => _keys.Breaks;

    protected override IntervalAction Classify(int n, int x)
    {
        Span<double> mass = stackalloc double[_keys.Count];
        _keys.Masses(n, x, mass);
        double full = Epsilon1 + Epsilon2;
        int best = 0;
        for (int i = 0; i < mass.Length; i++)
        {
            double score = mass[i] * (full / _keys.Width(i)); // only end keys are narrower than full
            double bestScore = mass[best] * (full / _keys.Width(best));
            if (score >= bestScore) best = i;                 // >=: ties go to the higher key
        }
        return best < _keys.TargetKey ? IntervalAction.Escalate
            : best == _keys.TargetKey ? IntervalAction.Stay
            : IntervalAction.Deescalate;
    }

    public override string Describe() =>
        "Keyboard, " + DescribeCommon() + FormattableString.Invariant($", target key [{Target - Epsilon1:0.###}, {Target + Epsilon2:0.###}]");
}
