namespace DoseEscalation.Numerics;

/// <summary>
/// Weighted unimodal (umbrella) regression with a given mode: the sequence f, non-decreasing up to
/// index m and non-increasing from m, minimising sum w_i (y_i - f_i)^2.
/// </summary>
/// <remarks>
/// Frisén M (1986). Unimodal regression. <i>The Statistician</i> 35, 479-485; the algorithm of the
/// Iso R package's <c>ufit</c>/<c>unimode</c> (Turner): the values left of the mode are fitted
/// non-decreasing and those right of it non-increasing (PAVA, <see cref="IsotonicRegression"/>), then
/// the value at the mode is pooled with the largest fitted values of either side, largest first, until
/// the pooled mean is at least every value left outside the pool. Each value keeps its own weight
/// (our reading of Iso's <c>unimode</c> permutes the weights of the merged sequence; with equal
/// weights that makes no difference).
/// </remarks>
public static class UnimodalRegression
{
    /// <summary>
    /// Replaces <paramref name="values"/> by its weighted unimodal fit with the mode at index
    /// <paramref name="mode"/> (0-based; 0 gives the non-increasing fit, the last index the
    /// non-decreasing one). Weights finite and &gt; 0, one per value.
    /// </summary>
    public static void FitInPlace(Span<double> values, ReadOnlySpan<double> weights, int mode)
    {
        int n = values.Length;
        if (weights.Length != n) throw new ArgumentException("values and weights must have the same length", nameof(weights));
        if (mode < 0 || mode >= n) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"the mode must be an index in 0..{n - 1}");
        // Left of the mode: non-decreasing.
        if (mode > 0) IsotonicRegression.FitInPlace(values[..mode], weights[..mode]);
        // Right of the mode: non-increasing, as the non-decreasing fit of the negated values (pooled means negate exactly).
        if (mode < n - 1)
        {
            var right = values[(mode + 1)..];
            for (int i = 0; i < right.Length; i++) right[i] = -right[i];
            IsotonicRegression.FitInPlace(right, weights[(mode + 1)..]);
            for (int i = 0; i < right.Length; i++) right[i] = -right[i];
        }
        // Pool the mode with the largest remaining neighbour (left values rise towards the mode, right
        // values fall away from it, so the largest outside the pool is next to it) while one exceeds the mean.
        int lo = mode, hi = mode;
        double sum = values[mode] * weights[mode], weight = weights[mode];
        while (true)
        {
            double mean = sum / weight;
            double left = lo > 0 ? values[lo - 1] : double.NegativeInfinity;
            double rightValue = hi < n - 1 ? values[hi + 1] : double.NegativeInfinity;
            if (!(Math.Max(left, rightValue) > mean)) break;
            if (left >= rightValue) { lo--; sum += values[lo] * weights[lo]; weight += weights[lo]; }
            else { hi++; sum += values[hi] * weights[hi]; weight += weights[hi]; }
        }
        if (hi > lo)
        {
            double pooled = sum / weight;
            for (int i = lo; i <= hi; i++) values[i] = pooled;
        }
    }
}
