using DoseEscalation.Rng;

namespace DoseEscalation.Sweeps;

/// <summary>
/// Dose-toxicity curves for sweeps: every monotone curve on a probability grid, and random curves by
/// the pseudo-uniform algorithm of Clertant and O'Quigley (2017), the generator of the comparative
/// reviews of model-assisted designs (BOIN, Keyboard, mTPI-2).
/// </summary>
public static class CurveGenerator
{
    /// <summary>Most curves one generator may produce (a sweep's cells multiply them).</summary>
    public const int MaxCurves = 100_000;

    /// <summary>
    /// Every strictly increasing curve of <paramref name="doses"/> values taken from
    /// <paramref name="grid"/> (sorted ascending, distinct), in lexicographic order: C(m, K) curves
    /// for a grid of m values. With <paramref name="strict"/> false, every non-decreasing curve:
    /// C(m + K - 1, K).
    /// </summary>
    public static IReadOnlyList<double[]> Monotone(IReadOnlyList<double> grid, int doses, bool strict = true)
    {
        var values = grid.Distinct().Order().ToArray();
        var curves = new List<double[]>();
        var index = new int[doses];
        void Fill(int d, int from)
        {
            if (d == doses)
            {
                if (curves.Count >= MaxCurves) throw new ArgumentException($"more than {MaxCurves:N0} monotone curves; use a coarser grid");
                curves.Add(index.Select(i => values[i]).ToArray());
                return;
            }
            for (int i = from; i < values.Length; i++) { index[d] = i; Fill(d + 1, strict ? i + 1 : i); }
        }
        Fill(0, 0);
        return curves;
    }

    /// <summary>
    /// <paramref name="count"/> random curves by the pseudo-uniform algorithm (Clertant &amp;
    /// O'Quigley 2017), curve c drawn from its own stream seeded from (<paramref name="seed"/>, c):
    /// <list type="number">
    /// <item>the MTD j is one of the K doses, each with probability 1/K;</item>
    /// <item>M ~ Beta(max(K - j, 0.5), 1) (drawn as U^(1/a)) and the upper bound B = target + (1 - target) M;</item>
    /// <item>the j - 1 doses below the MTD get sorted uniforms on [0, target), the K - j doses above sorted uniforms on [target, B);</item>
    /// <item>the MTD's probability is uniform on [target - d, target + d], d = min(target - p_(j-1), p_(j+1) - target),
    /// so that dose j is the dose closest to the target (at the ends: p_1 uniform on [max(0, 2 target - p_2), p_2],
    /// p_K uniform on [p_(K-1), min(2 target - p_(K-1), B)]).</item>
    /// </list>
    /// Returns each curve with its MTD level (0-based): the dose closest to the target.
    /// </summary>
    public static IReadOnlyList<(double[] Dlt, int Mtd)> PseudoUniform(int doses, double target, int count, ulong seed)
    {
        if (doses < 2) throw new ArgumentOutOfRangeException(nameof(doses), doses, "random curves need at least 2 doses");
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "the target must be strictly between 0 and 1");
        if (count < 1 || count > MaxCurves) throw new ArgumentOutOfRangeException(nameof(count), count, $"1 to {MaxCurves:N0} curves");
        var curves = new List<(double[], int)>(count);
        for (int c = 0; c < count; c++)
        {
            var rng = Xoshiro256StarStar.ForStream(seed, (ulong)c);
            int k = doses, j = Math.Min(k - 1, (int)(rng.NextDouble() * k)); // 0-based MTD
            double a = Math.Max(k - (j + 1), 0.5);
            double m = Math.Pow(rng.NextDouble(), 1 / a);
            double b = target + (1 - target) * m;
            var p = new double[k];
            var below = Uniforms(ref rng, j, 0, target);
            var above = Uniforms(ref rng, k - j - 1, target, b);
            below.CopyTo(p, 0);
            above.CopyTo(p, j + 1);
            double u = rng.NextDouble();
            if (j == 0 && k == 1) p[0] = target;
            else if (j == 0) { double lo = Math.Max(0, 2 * target - p[1]); p[0] = lo + u * (p[1] - lo); }
            else if (j == k - 1) { double hi = Math.Min(2 * target - p[k - 2], b); p[j] = p[k - 2] + u * (hi - p[k - 2]); }
            else
            {
                double d = Math.Min(target - p[j - 1], p[j + 1] - target);
                p[j] = target - d + u * 2 * d;
            }
            curves.Add((p, j));
        }
        return curves;
    }

    private static double[] Uniforms(ref Xoshiro256StarStar rng, int n, double lo, double hi)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + rng.NextDouble() * (hi - lo);
        Array.Sort(v);
        return v;
    }
}
