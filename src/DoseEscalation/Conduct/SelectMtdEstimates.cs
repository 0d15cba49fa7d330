using DoseEscalation.Numerics;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Conduct;

/// <summary>
/// One dose's isotonic estimate of its DLT probability with a 95% credible interval and the
/// probability of overdosing, as the BOIN R package's <c>select.mtd</c> reports them. All null for
/// a dose no patient received (R prints "----").
/// </summary>
public sealed record IsotonicDoseEstimate(int Level, int Patients, int Dlts, double? Estimate, double? Lower, double? Upper, double? ProbOverdose);

/// <summary>
/// The per-dose estimates of BOIN's <c>select.mtd</c> (version 2.7): over the doses that treated
/// patients, each under a Beta(0.05, 0.05) prior, the posterior mean (y + 0.05)/(n + 0.1), the
/// 2.5% and 97.5% quantiles of Beta(y + 0.05, n - y + 0.05), each made non-decreasing by PAVA
/// weighted by the inverse posterior variance, and P(p &gt; target) made non-decreasing by
/// unweighted PAVA.
/// </summary>
/// <remarks>
/// Yan F, Zhang L, Zhou Y, Pan H, Liu S, Yuan Y (2020) BOIN: An R package for designing
/// single-agent and drug-combination dose-finding trials using Bayesian optimal interval designs.
/// J Stat Softw 94(13). Versions before 2.7 printed the quantiles without PAVA. R indexes the
/// pooled interval ends by dose number rather than by treated dose, which shifts them only when an
/// untried dose lies below a treated one; here each treated dose gets its own pooled ends.
/// </remarks>
public static class SelectMtdEstimates
{
    /// <summary>The prior pseudo-count on each of DLT and no DLT (R: 0.05).</summary>
    public const double PriorCount = 0.05;

    public static IReadOnlyList<IsotonicDoseEstimate> Compute(double target, ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts)
    {
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "target must be in (0, 1)");
        if (patients.Length != dlts.Length) throw new ArgumentException("patients and DLTs need one count per dose");
        int k = patients.Length;
        var treated = new List<int>();
        for (int d = 0; d < k; d++)
        {
            if (patients[d] < 0 || dlts[d] < 0 || dlts[d] > patients[d])
                throw new ArgumentOutOfRangeException(nameof(dlts), $"dose {d + 1}: {dlts[d]} DLTs in {patients[d]} patients");
            if (patients[d] > 0) treated.Add(d);
        }
        int m = treated.Count;
        var mean = new double[m];
        var lower = new double[m];
        var upper = new double[m];
        var overdose = new double[m];
        var weight = new double[m];
        for (int i = 0; i < m; i++)
        {
            double n = patients[treated[i]], y = dlts[treated[i]];
            double a = y + PriorCount, b = n - y + PriorCount;
            mean[i] = a / (n + 2 * PriorCount);
            weight[i] = 1 / (a * b / ((n + 2 * PriorCount) * (n + 2 * PriorCount) * (n + 2 * PriorCount + 1)));
            lower[i] = Beta.InvCDF(a, b, 0.025);
            upper[i] = Beta.InvCDF(a, b, 0.975);
            overdose[i] = 1 - Beta.CDF(a, b, target);
        }
        IsotonicRegression.FitInPlace(mean, weight);
        IsotonicRegression.FitInPlace(lower, weight);
        IsotonicRegression.FitInPlace(upper, weight);
        IsotonicRegression.FitInPlace(overdose);
        var result = new IsotonicDoseEstimate[k];
        for (int d = 0, i = 0; d < k; d++)
            result[d] = patients[d] > 0
                ? new IsotonicDoseEstimate(d, patients[d], dlts[d], mean[i], lower[i], upper[i], overdose[i++])
                : new IsotonicDoseEstimate(d, 0, 0, null, null, null, null);
        return result;
    }
}
