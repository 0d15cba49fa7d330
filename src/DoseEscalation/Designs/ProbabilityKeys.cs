using MathNet.Numerics.Distributions;

namespace DoseEscalation.Designs;

/// <summary>
/// A partition of [0, 1] into the target interval [target - epsilon1, target + epsilon2] and intervals
/// of the same width outward from it; the piece left at 0 or 1, if any, is shorter. Shared by
/// mTPI-2 (its sub-intervals) and Keyboard (its keys).
/// </summary>
internal sealed class ProbabilityKeys
{
    // A remainder shorter than this is rounding, not a key (0.25 - 0.1 - 0.1 - 0.05 is not exactly 0).
    private const double Tolerance = 1e-9;

    public double[] Breaks { get; }
    public int TargetKey { get; }
    public int Count => Breaks.Length - 1;

    public ProbabilityKeys(double target, double epsilon1, double epsilon2)
    {
        Validate(target, epsilon1, epsilon2);
        double lo = target - epsilon1, hi = target + epsilon2, width = epsilon1 + epsilon2;
        var below = new List<double>();
        // Count full keys from the interval outward rather than subtracting repeatedly, so rounding
        // cannot create a sliver key.
        int fullBelow = (int)Math.Floor(lo / width + Tolerance);
        for (int i = fullBelow; i >= 1; i--) below.Add(lo - i * width);
        if (below.Count > 0 && below[0] < Tolerance) below[0] = 0;
        if (below.Count == 0 || below[0] > 0) below.Insert(0, 0);
        if (lo <= Tolerance) below.Clear(); // the target interval starts at 0
        var breaks = new List<double>(below) { Math.Max(lo, 0) };
        TargetKey = breaks.Count - 1;
        breaks.Add(Math.Min(hi, 1));
        int fullAbove = (int)Math.Floor((1 - hi) / width + Tolerance);
        for (int i = 1; i <= fullAbove; i++) breaks.Add(Math.Min(1, hi + i * width));
        if (breaks[^1] > 1 - Tolerance) breaks[^1] = 1; else breaks.Add(1);
        Breaks = breaks.ToArray();
    }

    internal static void Validate(double target, double epsilon1, double epsilon2)
    {
        if (!(epsilon1 > 0 && epsilon1 < target)) throw new ArgumentOutOfRangeException(nameof(epsilon1), epsilon1, "epsilon1 must be in (0, target)");
        if (!(epsilon2 > 0 && target + epsilon2 < 1)) throw new ArgumentOutOfRangeException(nameof(epsilon2), epsilon2, "epsilon2 must be in (0, 1 - target)");
    }

    public double Width(int key) => Breaks[key + 1] - Breaks[key];

    /// <summary>Beta(1 + x, 1 + n - x) probability of each key.</summary>
    public void Masses(int n, int x, Span<double> mass)
    {
        double previous = 0;
        for (int i = 0; i < Count; i++)
        {
            double cdf = Breaks[i + 1] >= 1 ? 1 : Beta.CDF(x + 1, n - x + 1, Breaks[i + 1]);
            mass[i] = cdf - previous;
            previous = cdf;
        }
    }
}
