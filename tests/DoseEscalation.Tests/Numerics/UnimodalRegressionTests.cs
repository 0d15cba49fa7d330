using DoseEscalation.Numerics;

namespace DoseEscalation.Tests.Numerics;

/// <summary>Unimodal regression with a given mode: worked by hand, and against a brute force over every contiguous partition.</summary>
public class UnimodalRegressionTests
{
    private static double[] Fit(double[] y, double[] w, int mode)
    {
        var f = (double[])y.Clone();
        UnimodalRegression.FitInPlace(f, w, mode);
        return f;
    }

    [Fact]
    public void Worked_by_hand()
    {
        double[] y = [0.2, 0.6, 0.4, 0.5, 0.1], ones = [1, 1, 1, 1, 1];
        // Mode at index 1: right of it 0.4 < 0.5 pool to 0.45; 0.6 is above both neighbours.
        Assert.Equal([0.2, 0.6, 0.45, 0.45, 0.1], Fit(y, ones, 1), Tol);
        // Mode at index 3: left of it 0.6 > 0.4 pool to 0.5; the mode (0.5) is not below it.
        Assert.Equal([0.2, 0.5, 0.5, 0.5, 0.1], Fit(y, ones, 3), Tol);
        // Mode at index 0 (non-increasing): right 0.6, 0.45, 0.45, 0.1; 0.2 pools with 0.6 (0.4), then 0.45 (1.25/3), then 0.45 (0.425).
        Assert.Equal([0.425, 0.425, 0.425, 0.425, 0.1], Fit(y, ones, 0), Tol);
        // Mode at the last index is the non-decreasing (isotonic) fit: 0.2, then 0.6, 0.4, 0.5, 0.1 pool to 1.6 / 4 = 0.4.
        Assert.Equal([0.2, 0.4, 0.4, 0.4, 0.4], Fit(y, ones, 4), Tol);
        // Weights: a mode below its neighbour pools by weight, (0.3 * 1 + 0.1 * 3) / 4 = 0.15.
        Assert.Equal([0.15, 0.15], Fit([0.3, 0.1], [1, 3], 1), Tol);
    }

    private static readonly IEqualityComparer<double> Tol = new DoubleTolerance(1e-12);

    private sealed class DoubleTolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }

    [Fact]
    public void Mode_at_the_end_is_isotonic_regression()
    {
        var rng = new Random(5);
        for (int t = 0; t < 200; t++)
        {
            int n = rng.Next(1, 9);
            double[] y = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            double[] w = Enumerable.Range(0, n).Select(_ => 0.1 + 5 * rng.NextDouble()).ToArray();
            var iso = (double[])y.Clone();
            IsotonicRegression.FitInPlace(iso, w);
            Assert.Equal(iso, Fit(y, w, n - 1), Tol);
        }
    }

    [Fact]
    public void Agrees_with_a_brute_force_over_every_contiguous_partition()
    {
        // The least-squares fit under the umbrella order has block means on contiguous blocks: try every
        // partition into blocks, keep those that are unimodal with the given mode, take the least weighted SSE.
        var rng = new Random(17);
        for (int t = 0; t < 300; t++)
        {
            int n = rng.Next(1, 8), mode = rng.Next(n);
            double[] y = Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble(), 2)).ToArray();
            double[] w = Enumerable.Range(0, n).Select(_ => 0.5 + rng.Next(0, 12)).ToArray();
            var f = Fit(y, w, mode);
            var best = BruteForce(y, w, mode);
            Assert.True(Sse(y, w, f) <= Sse(y, w, best) + 1e-12, $"y {string.Join(",", y)} w {string.Join(",", w)} mode {mode}");
            for (int i = 0; i < mode; i++) Assert.True(f[i] <= f[i + 1] + 1e-12);
            for (int i = mode; i < n - 1; i++) Assert.True(f[i] >= f[i + 1] - 1e-12);
            Assert.Equal(best, f, new DoubleTolerance(1e-9));
        }
    }

    private static double Sse(double[] y, double[] w, double[] f) => y.Select((v, i) => w[i] * (v - f[i]) * (v - f[i])).Sum();

    private static double[] BruteForce(double[] y, double[] w, int mode)
    {
        int n = y.Length;
        double[]? best = null;
        double bestSse = double.MaxValue;
        for (int cuts = 0; cuts < 1 << (n - 1); cuts++)
        {
            var f = new double[n];
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (i == n - 1 || (cuts >> i & 1) == 1)
                {
                    double s = 0, sw = 0;
                    for (int j = start; j <= i; j++) { s += y[j] * w[j]; sw += w[j]; }
                    for (int j = start; j <= i; j++) f[j] = s / sw;
                    start = i + 1;
                }
            }
            bool ok = true;
            for (int i = 0; i < mode; i++) ok &= f[i] <= f[i + 1] + 1e-15;
            for (int i = mode; i < n - 1; i++) ok &= f[i] >= f[i + 1] - 1e-15;
            if (!ok) continue;
            double sse = Sse(y, w, f);
            if (sse < bestSse - 1e-15) { bestSse = sse; best = f; }
        }
        return best!;
    }
}
