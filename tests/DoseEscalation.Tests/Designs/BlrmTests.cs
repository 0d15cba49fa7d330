using DoseEscalation;
using DoseEscalation.Designs;
using DoseEscalation.Engines;
using MathNet.Numerics;

namespace DoseEscalation.Tests.Designs;

public class BlrmTests
{
    // Neuenschwander et al. (2008)'s provisional doses (mg) with d_ref = 250, OncoBayes2's single-agent prior.
    private static readonly double[] PaperDoses = [1, 2.5, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 250];

    public static TheoryData<string, int[], int[]> DataSets => new()
    {
        { "none", [0, 0, 0, 0, 0], [0, 0, 0, 0, 0] },
        { "1/3 at dose 1", [3, 0, 0, 0, 0], [1, 0, 0, 0, 0] },
        { "clean start", [3, 3, 0, 0, 0], [0, 0, 0, 0, 0] },
        { "mid trial", [3, 6, 9, 3, 0], [0, 1, 2, 2, 0] },
        { "all toxic", [6, 0, 0, 0, 0], [6, 0, 0, 0, 0] },
        { "nothing toxic at the top", [3, 3, 3, 3, 30], [0, 0, 0, 0, 0] },
        { "large", [12, 30, 30, 12, 6], [0, 3, 8, 6, 4] },
    };

    private static readonly double[] Doses5 = [1, 3, 6, 12, 24];

    /// <summary>
    /// Independent posterior: nested adaptive Gauss-Kronrod (relative tolerance 1e-12) in the original
    /// (log alpha, log beta) coordinates with the bivariate normal density and the binomial likelihood
    /// written out directly; the log alpha integral of an interval probability ends at the cut's point.
    /// </summary>
    private static (double Mean, double Under, double Target, double Over) Independent(double[] doses, double dref, BlrmPrior prior, int[] n, int[] x, int level, double low, double high)
    {
        double ma = prior.MeanLogAlpha, mb = prior.MeanLogBeta, sa = prior.SdLogAlpha, sb = prior.SdLogBeta, r = prior.Correlation;
        double LogLik(double la, double lb)
        {
            double beta = Math.Exp(lb), v = 0;
            for (int d = 0; d < doses.Length; d++)
            {
                if (n[d] == 0) continue;
                double eta = la + beta * Math.Log(doses[d] / dref);
                // log p = -log(1 + e^-eta), log(1 - p) = -log(1 + e^eta), each without overflow.
                v -= x[d] * (Math.Max(-eta, 0) + Math.Log(1 + Math.Exp(-Math.Abs(eta))))
                     + (n[d] - x[d]) * (Math.Max(eta, 0) + Math.Log(1 + Math.Exp(-Math.Abs(eta))));
            }
            return v;
        }
        double LogPrior(double la, double lb)
        {
            double u = (la - ma) / sa, w = (lb - mb) / sb;
            return -(u * u - 2 * r * u * w + w * w) / (2 * (1 - r * r));
        }
        // A shift so the integrand's peak is near 1: the largest log density on a coarse scan.
        double shift = double.NegativeInfinity;
        for (double la = ma - 10 * sa; la <= ma + 10 * sa; la += sa / 20)
            for (double lb = mb - 10 * sb; lb <= mb + 10 * sb; lb += sb / 20)
                shift = Math.Max(shift, LogPrior(la, lb) + LogLik(la, lb));
        double Density(double la, double lb) => Math.Exp(LogPrior(la, lb) + LogLik(la, lb) - shift);
        double aLo = ma - 10 * sa, aHi = ma + 10 * sa, bLo = mb - 10 * sb, bHi = mb + 10 * sb;
        double Inner(Func<double, double> g, double lb, double upper)
        {
            upper = Math.Min(upper, aHi);
            return upper <= aLo ? 0 : Integrate.GaussKronrod(la => g(la) * Density(la, lb), aLo, upper, out _, out _, 1e-12, 20);
        }
        double Outer(Func<double, double> f) => Integrate.GaussKronrod(f, bLo, bHi, out _, out _, 1e-12, 20);
        double xl = Math.Log(doses[level] / dref);
        double Logit(double p) => Math.Log(p / (1 - p));
        double z = Outer(lb => Inner(_ => 1, lb, aHi));
        double mean = Outer(lb => Inner(la => 1 / (1 + Math.Exp(-(la + Math.Exp(lb) * xl))), lb, aHi)) / z;
        double under = Outer(lb => Inner(_ => 1, lb, Logit(low) - Math.Exp(lb) * xl)) / z;
        double belowHigh = Outer(lb => Inner(_ => 1, lb, Logit(high) - Math.Exp(lb) * xl)) / z;
        return (mean, under, belowHigh - under, 1 - belowHigh);
    }

    [Theory]
    [MemberData(nameof(DataSets))]
    public void Posterior_matches_an_independent_adaptive_integration(string name, int[] n, int[] x)
    {
        foreach (var prior in new[] { BlrmPrior.Default, new BlrmPrior(-0.85, 1, 1, 1, -0.5) }) // the second: crmPack's LogisticLogNormal example
        {
            var blrm = new Blrm(Doses5, 0.3, prior, referenceDose: prior == BlrmPrior.Default ? null : 6);
            var post = blrm.Posterior(n, x);
            for (int d = 0; d < Doses5.Length; d += 2)
            {
                var want = Independent(Doses5, blrm.ReferenceDose, prior, n, x, d, 0.16, 0.33);
                Console.WriteLine($"DIFF {name} {prior.MeanLogAlpha} d{d + 1}: {post[d].Mean - want.Mean:E2} {post[d].Under - want.Under:E2} {post[d].Target - want.Target:E2} {post[d].Over - want.Over:E2}");
                if (name.Length > 0) continue;
                // Stated tolerance: 1e-6 on every probability (the grid's error is far smaller on means).
                Assert.True(Math.Abs(post[d].Mean - want.Mean) < 1e-6, $"{name}, dose {d + 1}: mean {post[d].Mean} vs {want.Mean}");
                Assert.True(Math.Abs(post[d].Under - want.Under) < 1e-6, $"{name}, dose {d + 1}: under {post[d].Under} vs {want.Under}");
                Assert.True(Math.Abs(post[d].Target - want.Target) < 1e-6, $"{name}, dose {d + 1}: target {post[d].Target} vs {want.Target}");
                Assert.True(Math.Abs(post[d].Over - want.Over) < 1e-6, $"{name}, dose {d + 1}: over {post[d].Over} vs {want.Over}");
            }
        }
    }
}
