using MathNet.Numerics.Distributions;

namespace DoseEscalation.Engines;

/// <summary>
/// A scenario compiled for the hot loop: probabilities become integer thresholds on a 53-bit
/// uniform, so a Bernoulli draw or a cohort's whole binomial outcome is one draw and a few compares.
/// </summary>
internal static class CompiledScenario
{
    /// <summary>2^53: a 53-bit uniform u is in [0, 2^53).</summary>
    public const ulong One = 1UL << 53;

    /// <summary>Threshold t with P(u &lt; t) = p to 2^-53: a patient has a DLT iff u &lt; t.</summary>
    public static ulong BernoulliThreshold(double p) => p >= 1 ? One : p <= 0 ? 0 : (ulong)Math.Round(p * One);

    /// <summary>
    /// Cumulative thresholds of Binomial(m, p) into <paramref name="into"/> (length &gt;= m):
    /// t_k = F(k) 2^53 for k &lt; m, and 2^53 (never reached) for the unused slots; the outcome of
    /// a uniform u is the number of thresholds &lt;= u.
    /// </summary>
    public static void BinomialThresholds(int m, double p, Span<ulong> into)
    {
        double cdf = 0;
        for (int k = 0; k < into.Length; k++)
        {
            if (k < m)
            {
                cdf += Binomial.PMF(p, m, k);
                into[k] = cdf >= 1 ? One : (ulong)Math.Round(cdf * One);
            }
            else into[k] = One;
        }
    }
}
