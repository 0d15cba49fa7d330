using DoseEscalation;
using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Scenarios;
using DoseEscalation.Tests.Engines;
using MathNet.Numerics;

namespace DoseEscalation.Tests.Designs;

public class BlrmTests
{
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
    /// Independent posterior: nested adaptive Gauss-Kronrod (relative tolerance 1e-11) in the original
    /// (log alpha, log beta) coordinates with the bivariate normal density and the binomial likelihood
    /// written out directly; the log alpha integral of an interval probability ends at the cut's point.
    /// </summary>
    internal static (double Mean, double Under, double Target, double Over) Independent(double[] doses, double dref, BlrmPrior prior, int[] n, int[] x, int level, double low, double high)
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
        // A coarse scan: the largest log density (a shift so the integrand's peak is near 1) and the
        // box outside which the density is below exp(-60) of it, widened by two scan steps.
        double shift = double.NegativeInfinity;
        double stepA = sa / 20, stepB = sb / 20;
        for (double la = ma - 10 * sa; la <= ma + 10 * sa; la += stepA)
            for (double lb = mb - 10 * sb; lb <= mb + 10 * sb; lb += stepB)
                shift = Math.Max(shift, LogPrior(la, lb) + LogLik(la, lb));
        double aLo = double.PositiveInfinity, aHi = double.NegativeInfinity, bLo = double.PositiveInfinity, bHi = double.NegativeInfinity;
        for (double la = ma - 10 * sa; la <= ma + 10 * sa; la += stepA)
            for (double lb = mb - 10 * sb; lb <= mb + 10 * sb; lb += stepB)
                if (LogPrior(la, lb) + LogLik(la, lb) > shift - 60)
                    (aLo, aHi, bLo, bHi) = (Math.Min(aLo, la - 2 * stepA), Math.Max(aHi, la + 2 * stepA), Math.Min(bLo, lb - 2 * stepB), Math.Max(bHi, lb + 2 * stepB));
        double Density(double la, double lb) => Math.Exp(LogPrior(la, lb) + LogLik(la, lb) - shift);
        double Inner(Func<double, double> g, double lb, double upper)
        {
            upper = Math.Min(upper, aHi);
            return upper <= aLo ? 0 : Integrate.GaussKronrod(la => g(la) * Density(la, lb), aLo, upper, out _, out _, 1e-11, 20);
        }
        double Outer(Func<double, double> f) => Integrate.GaussKronrod(f, bLo, bHi, out _, out _, 1e-11, 20);
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
                // Stated tolerance: 1e-10 on the posterior means, 1e-6 on the interval probabilities (the
                // largest difference, 7e-7, is with 90 patients; up to 21 patients it is below 1e-8).
                Assert.True(Math.Abs(post[d].Mean - want.Mean) < 1e-10, $"{name}, dose {d + 1}: mean {post[d].Mean} vs {want.Mean}");
                Assert.True(Math.Abs(post[d].Under - want.Under) < 1e-6, $"{name}, dose {d + 1}: under {post[d].Under} vs {want.Under}");
                Assert.True(Math.Abs(post[d].Target - want.Target) < 1e-6, $"{name}, dose {d + 1}: target {post[d].Target} vs {want.Target}");
                Assert.True(Math.Abs(post[d].Over - want.Over) < 1e-6, $"{name}, dose {d + 1}: over {post[d].Over} vs {want.Over}");
            }
        }
    }

    [Fact]
    public void Decide_follows_the_rules_it_reports()
    {
        var blrm = new Blrm([1, 2, 4, 8, 16], 0.3, BlrmPrior.Default);
        // Every state of a small tree: the decision equals the rule applied to the reported quantities.
        int[][] ns = [[3, 0, 0, 0, 0], [3, 3, 0, 0, 0], [3, 3, 3, 0, 0], [3, 6, 6, 3, 0], [6, 3, 0, 0, 0]];
        foreach (var n in ns)
            for (int mask = 0; mask < 64; mask++)
            {
                var x = new int[5];
                int bits = mask;
                for (int d = 0; d < 5; d++) { x[d] = Math.Min(n[d], bits & 3); bits >>= 2; }
                int last = Array.FindLastIndex(n, v => v > 0);
                var s = new TrialState(n, x, last, -1, n.Sum());
                var r = blrm.RuleQuantities(s);
                var decision = blrm.Decide(s);
                if (!(r.Doses[0].Over < 0.25)) { Assert.Equal(Decision.StopNoDose, decision); continue; }
                Assert.Equal(Decision.Treat(r.Recommended, 3), decision);
                Assert.True(r.Recommended <= r.Cap && r.Doses[r.Recommended].Over < 0.25);
                for (int d = 0; d <= r.Cap; d++)
                    if (r.Doses[d].Over < 0.25) Assert.True(r.Doses[d].Target <= r.Doses[r.Recommended].Target);
                for (int d = 0; d < 5; d++)
                    Assert.Equal(1.0, r.Doses[d].Under + r.Doses[d].Target + r.Doses[d].Over, 12);
            }
    }

    [Fact]
    public void Escalation_is_limited_by_the_relative_increment_and_untried_doses()
    {
        double[] doses = [1, 3, 6, 12, 24];
        int[] n = [3, 0, 0, 0, 0], x = [0, 0, 0, 0, 0];
        var s = new TrialState(n, x, 0, 0, 3);
        // From dose 1 (value 1), doubling allows values up to 2: dose 2 (value 3) is out of reach.
        Assert.Equal(0, new Blrm(doses, 0.3, BlrmPrior.Default).Cap(s));
        Assert.Equal(1, new Blrm(doses, 0.3, BlrmPrior.Default, maxIncrement: 2).Cap(s));
        // A larger increment still stops at the first untried dose unless skipping is allowed.
        Assert.Equal(1, new Blrm(doses, 0.3, BlrmPrior.Default, maxIncrement: 100).Cap(s));
        Assert.Equal(4, new Blrm(doses, 0.3, BlrmPrior.Default, maxIncrement: 100, skipUntried: true).Cap(s));
        // After 6 -> 12 exactly doubles (within the limit).
        var at6 = new TrialState([3, 3, 3, 0, 0], [0, 0, 0, 0, 0], 2, 0, 9);
        Assert.Equal(3, new Blrm(doses, 0.3, BlrmPrior.Default).Cap(at6));
    }

    [Fact]
    public void Stops_for_safety_and_selects_the_tried_admissible_dose_with_the_highest_target_probability()
    {
        var blrm = new Blrm([1, 2, 4, 8, 16], 0.3, BlrmPrior.Default, maxPatients: 12);
        var toxic = new TrialState([3, 0, 0, 0, 0], [3, 0, 0, 0, 0], 0, 3, 3);
        Assert.True(blrm.Posterior([3, 0, 0, 0, 0], [3, 0, 0, 0, 0])[0].Over >= 0.25);
        Assert.Equal(Decision.StopNoDose, blrm.Decide(toxic));
        // At max N (12 patients, cohorts of 3): select among tried doses only.
        int[] n = [3, 3, 3, 3, 0], x = [0, 0, 1, 1, 0];
        var end = new TrialState(n, x, 3, 1, 12);
        var post = blrm.Posterior(n, x);
        int want = -1;
        for (int d = 0; d < 4; d++)
            if (post[d].Over < 0.25 && (want < 0 || post[d].Target > post[want].Target)) want = d;
        Assert.True(want >= 0);
        Assert.Equal(Decision.Select(want), blrm.Decide(end));
        Assert.Equal(want, blrm.SelectMtd(end));
    }

    [Fact]
    public void Monte_Carlo_agrees_with_the_exact_engine()
    {
        var design = Build.Design("blrm", 5, 0.3, ("dose_values", new[] { 1.0, 2, 4, 8, 16 }), ("max_n", 18));
        var scenario = new Scenario("s", [0.05, 0.12, 0.25, 0.42, 0.6]);
        var exact = ExactEngine.Run(design, scenario, 0.3);
        Assert.Equal(1.0, exact.TotalProbability, 12);
        // Within 4 standard errors on every selection probability, mean patients and DLTs per dose.
        Agreement.Within4Se(exact, MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 40_000, Seed = 29 }));
    }

    private const string File = """
        trial:
          name: t
        doses: [DL1, DL2, DL3, DL4]
        dose_values: [1, 3, 6, 12]
        design:
          name: blrm
          max_increment: 2
        scenarios:
          - name: s
            dlt: [0.05, 0.1, 0.25, 0.4]
        """;

    [Fact]
    public void Scenario_file_dose_values_reach_the_design()
    {
        var f = ScenarioFileReader.Parse(File, "t.yaml");
        Assert.Equal([1.0, 3, 6, 12], f.DoseValues);
        var design = DesignSetup.Resolve(DoseEscalation.Designs.Configuration.DesignCatalog.Default, f.Designs[0], f.Common, 4, f.Target, null, f.DoseValues).Design;
        var blrm = Assert.IsType<Blrm>(design.TryGet<Blrm>());
        Assert.Equal([1.0, 3, 6, 12], blrm.DoseValues);
        Assert.Equal(12, blrm.ReferenceDose);
    }

    [Theory]
    [InlineData("dose_values: [1, 3, 6, 12]", "dose_values: [1, 3, 6]", "t.yaml:4: dose_values = [1, 3, 6]: has 3 values but there are 4 dose levels")]
    [InlineData("dose_values: [1, 3, 6, 12]", "dose_values: [1, 3, 3, 12]", "t.yaml:4: dose_values[2] = 3: dose values must increase strictly (dose 3 is not above dose 2's 3)")]
    [InlineData("dose_values: [1, 3, 6, 12]", "dose_values: [0, 3, 6, 12]", "t.yaml:4: dose_values[0] = 0: a dose value must be positive")]
    [InlineData("dose_values: [1, 3, 6, 12]", "dose_values: [1, x, 6, 12]", "t.yaml:4: dose_values[1] = x:")]
    [InlineData("  max_increment: 2", "  max_increment: 2\n  dose_values: [1, 2, 6, 12]", "t.yaml:8: design.dose_values = [1, 2, 6, 12]: design 'blrm': differs from the scenario file's dose_values; give them in one place")]
    public void Bad_dose_values_are_named_in_one_line(string replace, string with, string message)
    {
        var ex = Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(File.Replace(replace, with.Replace("\\n", "\n")), "t.yaml"));
        Assert.Contains(message, ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }
}
