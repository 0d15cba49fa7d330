using System.Buffers;

namespace DoseEscalation.Numerics;

/// <summary>
/// Weighted isotonic (non-decreasing) regression by the pool-adjacent-violators algorithm (PAVA):
/// the non-decreasing sequence f minimising sum w_i (y_i - f_i)^2.
/// </summary>
/// <remarks>
/// Barlow, Bartholomew, Bremner &amp; Brunk (1972) <i>Statistical Inference under Order Restrictions</i>,
/// Wiley. The pooling order and the pooled value (sum of current value times weight over the merged
/// block, divided by the sum of weights) follow the <c>pava</c> helper of the BOIN R package's
/// <c>select.mtd</c>, so that pooled values, and hence MTD ties, come out as they do there.
/// </remarks>
public static class IsotonicRegression
{
    // Blocks are tracked by their start index; small inputs (every dose-finding trial) use the stack.
    private const int StackLimit = 256;

    /// <summary>
    /// Replaces <paramref name="values"/> by its weighted isotonic fit. Every weight must be finite
    /// and &gt; 0; <paramref name="weights"/> has the same length as <paramref name="values"/>.
    /// </summary>
    public static void FitInPlace(Span<double> values, ReadOnlySpan<double> weights)
    {
        int n = values.Length;
        if (weights.Length != n) throw new ArgumentException("values and weights must have the same length", nameof(weights));
        for (int i = 0; i < n; i++)
        {
            if (!(weights[i] > 0) || double.IsInfinity(weights[i])) throw new ArgumentOutOfRangeException(nameof(weights), weights[i], "weights must be finite and positive");
            if (double.IsNaN(values[i])) throw new ArgumentException("values must not be NaN", nameof(values));
        }
        if (n <= 1) return;

        int[]? rented = n > StackLimit ? ArrayPool<int>.Shared.Rent(n) : null;
        Span<int> start = rented is null ? stackalloc int[n] : rented.AsSpan(0, n);
        try
        {
            int top = -1;
            for (int i = 0; i < n; i++)
            {
                start[++top] = i;
                // The prefix before block `top` is non-decreasing, so the first violation in the whole
                // sequence (the one R's loop pools next) is always at the newest block boundary.
                while (top > 0 && values[start[top]] < values[start[top] - 1])
                {
                    int s = start[top - 1];
                    double num = 0, den = 0;
                    for (int j = s; j <= i; j++) { num += values[j] * weights[j]; den += weights[j]; }
                    double pooled = num / den;
                    for (int j = s; j <= i; j++) values[j] = pooled;
                    top--;
                }
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Writes the weighted isotonic fit of <paramref name="y"/> into <paramref name="fit"/> (same length).</summary>
    public static void Fit(ReadOnlySpan<double> y, ReadOnlySpan<double> weights, Span<double> fit)
    {
        if (fit.Length != y.Length) throw new ArgumentException("fit must have the length of y", nameof(fit));
        y.CopyTo(fit);
        FitInPlace(fit, weights);
    }

    /// <summary>Unweighted isotonic fit of <paramref name="values"/>, in place.</summary>
    public static void FitInPlace(Span<double> values)
    {
        int n = values.Length;
        double[]? rented = n > StackLimit ? ArrayPool<double>.Shared.Rent(n) : null;
        Span<double> ones = rented is null ? stackalloc double[n] : rented.AsSpan(0, n);
        try
        {
            ones.Fill(1.0);
            FitInPlace(values, ones);
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }
}
