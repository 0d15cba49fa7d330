namespace DoseEscalation.Numerics;

/// <summary>Functions of a probability mass function on 0, 1, 2, ... given as an array.</summary>
public static class DiscreteDistribution
{
    /// <summary>P(X &lt;= n), clamped to [0, 1] (the running sum may overshoot 1 in the last bits).</summary>
    public static double Cumulative(ReadOnlySpan<double> pmf, int n)
    {
        double s = 0;
        for (int i = 0; i <= Math.Min(n, pmf.Length - 1); i++) s += pmf[i];
        return Math.Clamp(s, 0, 1);
    }

    /// <summary>The smallest n with P(X &lt;= n) &gt;= <paramref name="p"/>; the last index if never reached.</summary>
    public static int Quantile(ReadOnlySpan<double> pmf, double p)
    {
        double s = 0;
        for (int i = 0; i < pmf.Length; i++)
        {
            s += pmf[i];
            // The tolerance absorbs rounding in the running sum (a quantile landing exactly on a step).
            if (s >= p - 1e-12) return i;
        }
        return pmf.Length - 1;
    }
}
