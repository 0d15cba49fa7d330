using DoseEscalation;
using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Rng;

namespace DoseEscalation.Tests.Designs;

/// <summary>The CRM's posterior cache gives the doubles the quadrature gives, stays within its memory bound, and leaves results independent of threads.</summary>
public class CrmPosteriorCacheTests
{
    public static TheoryData<string, Crm> Designs => new()
    {
        { "empiric, 5 doses, max N 30", new Crm([0.05, 0.12, 0.25, 0.40, 0.55], 0.25) },
        { "logistic, 3 doses, cohort 1, max N 18", new Crm([0.10, 0.25, 0.40], 0.3, CrmModel.Logistic, cohortSize: 1, maxPatients: 18) },
        { "empiric, 6 doses, safety cutoff, prior variance 0.5", new Crm([0.02, 0.06, 0.12, 0.2, 0.3, 0.45], 0.2, priorVariance: 0.5, safetyCutoff: 0.9, maxPatients: 36) },
        // 8 doses at max N 30: the key takes both words (6 doses in the first, 2 in the second).
        { "empiric, 8 doses, two key words", new Crm([0.01, 0.03, 0.06, 0.1, 0.15, 0.22, 0.3, 0.4], 0.25, cohortSize: 1, maxPatients: 30) },
    };

    // A random count state: up to max N patients spread over the doses, any number of DLTs up to each dose's patients.
    private static void RandomCounts(ref Xoshiro256StarStar rng, int maxN, int[] n, int[] x)
    {
        Array.Clear(n);
        int total = (int)(rng.NextUInt64() % (ulong)(maxN + 1));
        for (int i = 0; i < total; i++) n[(int)(rng.NextUInt64() % (ulong)n.Length)]++;
        for (int d = 0; d < n.Length; d++) x[d] = (int)(rng.NextUInt64() % (ulong)(n[d] + 1));
    }

    private static void AssertSameBits(CrmPosterior expected, CrmPosterior actual)
    {
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.BetaMean), BitConverter.DoubleToInt64Bits(actual.BetaMean));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.ProbFirstDoseAboveTarget), BitConverter.DoubleToInt64Bits(actual.ProbFirstDoseAboveTarget));
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void Cached_and_uncached_posteriors_are_bit_identical(string name, Crm crm)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.NotNull(crm.Cache);
        var rng = Xoshiro256StarStar.FromSeed(20261206);
        int k = crm.DoseCount;
        int[] n = new int[k], x = new int[k];
        // Twice over the same states: the first pass fills the table, the second reads it.
        var states = new List<(int[] N, int[] X)>();
        for (int i = 0; i < 3000; i++)
        {
            RandomCounts(ref rng, crm.MaxPatients, n, x);
            states.Add((n.ToArray(), x.ToArray()));
        }
        for (int pass = 0; pass < 2; pass++)
            foreach (var (sn, sx) in states)
            {
                var direct = crm.Uncached(sn, sx);
                AssertSameBits(direct, crm.Posterior(sn, sx));
                int total = sn.Sum();
                if (total == 0) continue;
                // Decide reads the cached recommendation: it must be the one at the computed posterior mean.
                var s = new TrialState(sn, sx, Array.IndexOf(sn, sn.First(v => v > 0)), 0, total);
                var q = crm.RuleQuantities(s);
                Assert.Equal(crm.Recommend(direct.BetaMean), q.Recommended);
                Assert.Equal(crm.Final(sn, q.Recommended), crm.SelectMtd(s));
                var expected = q.SafetyStop ? Decision.StopNoDose
                    : q.AtMaxPatients ? Decision.Select(crm.Final(sn, q.Recommended))
                    : Decision.Treat(Math.Min(q.Recommended, q.Cap), crm.CohortSize);
                Assert.Equal(expected, crm.Decide(s));
            }
        Assert.InRange(crm.Cache!.Count, 100, states.Count);
    }

    [Fact]
    public void The_cache_is_bounded_and_states_beyond_it_are_computed()
    {
        // 10 doses, cohorts of 1, max N 50 (the key fills both words): far more count states than the cache holds.
        var crm = new Crm([0.01, 0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.26, 0.33, 0.4], 0.25, cohortSize: 1, maxPatients: 50, priorVariance: 0.2);
        var cache = crm.Cache!;
        Assert.NotNull(cache);
        Assert.Equal(0, cache.Capacity); // nothing allocated before the first lookup
        var rng = Xoshiro256StarStar.FromSeed(7);
        int[] n = new int[10], x = new int[10];
        int distinct = CrmPosteriorCache.MaxEntries + 20_000;
        var seen = new HashSet<string>();
        var beyond = new List<(int[] N, int[] X)>();
        while (seen.Count < distinct)
        {
            RandomCounts(ref rng, 50, n, x);
            if (!seen.Add(string.Join(",", n) + "|" + string.Join(",", x))) continue;
            var post = crm.Posterior(n, x);
            if (seen.Count > CrmPosteriorCache.MaxEntries + 10_000) beyond.Add((n.ToArray(), x.ToArray()));
            else if (seen.Count % 1000 == 0) AssertSameBits(crm.Uncached(n, x), post);
        }
        Assert.Equal(CrmPosteriorCache.MaxSlots, cache.Capacity);
        Assert.Equal(CrmPosteriorCache.MaxEntries, cache.Count);
        // States that found the table full are computed each time, and still the same doubles.
        foreach (var (sn, sx) in beyond) AssertSameBits(crm.Uncached(sn, sx), crm.Posterior(sn, sx));
        Assert.Equal(CrmPosteriorCache.MaxEntries, cache.Count);
    }

    [Fact]
    public void A_count_space_too_large_for_the_key_is_not_cached_and_out_of_range_counts_bypass_it()
    {
        // 14 doses at max N 90: (91 * 92 / 2)^14 is far beyond two 55-bit words.
        double[] skeleton = Enumerable.Range(1, 14).Select(d => d / 20.0).ToArray();
        var uncached = new Crm(skeleton, 0.3, maxPatients: 90);
        Assert.Null(uncached.Cache);
        int[] n = new int[14], x = new int[14];
        n[0] = 3; x[0] = 1; n[1] = 3;
        AssertSameBits(uncached.Uncached(n, x), uncached.Posterior(n, x));
        // More patients at a dose than max N (a wrapper adding patients): computed, not stored.
        var crm = new Crm([0.05, 0.12, 0.25], 0.25, maxPatients: 9);
        int[] many = [12, 3, 0], dlts = [2, 1, 0];
        AssertSameBits(crm.Uncached(many, dlts), crm.Posterior(many, dlts));
        Assert.Equal(0, crm.Cache!.Count);
    }

    [Fact]
    public void Threads_filling_one_cache_at_once_read_the_computed_doubles()
    {
        var crm = new Crm([0.05, 0.12, 0.25, 0.40, 0.55], 0.25, cohortSize: 1, maxPatients: 30);
        // Each thread walks the same states in its own order, so they race on the same slots.
        var states = new List<(int[] N, int[] X)>();
        var rng = Xoshiro256StarStar.FromSeed(99);
        int[] n = new int[5], x = new int[5];
        for (int i = 0; i < 6000; i++) { RandomCounts(ref rng, 30, n, x); states.Add((n.ToArray(), x.ToArray())); }
        var expected = states.Select(s => new Crm([0.05, 0.12, 0.25, 0.40, 0.55], 0.25, cohortSize: 1, maxPatients: 30).Uncached(s.N, s.X)).ToArray();
        int mismatches = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            for (int r = 0; r < 3; r++)
                for (int j = 0; j < states.Count; j++)
                {
                    int i = (j * (2 * t + 1) + 1237 * t + 101 * r) % states.Count;
                    var got = crm.Posterior(states[i].N, states[i].X);
                    if (BitConverter.DoubleToInt64Bits(got.BetaMean) != BitConverter.DoubleToInt64Bits(expected[i].BetaMean)
                        || BitConverter.DoubleToInt64Bits(got.ProbFirstDoseAboveTarget) != BitConverter.DoubleToInt64Bits(expected[i].ProbFirstDoseAboveTarget))
                        Interlocked.Increment(ref mismatches);
                }
        });
        Assert.Equal(0, mismatches);
    }

    [Theory]
    [InlineData(SimulationMethod.TrialLoop)]
    [InlineData(SimulationMethod.CompiledGraph)]
    public void Results_do_not_depend_on_the_thread_count_or_on_what_the_cache_holds(SimulationMethod method)
    {
        var scenario = new Scenario("s", [0.05, 0.10, 0.20, 0.30, 0.45]);
        Crm Fresh() => new([0.05, 0.12, 0.25, 0.40, 0.55], 0.25, safetyCutoff: 0.9, maxPatients: 30);
        MonteCarloOptions Mc(int threads) => new() { Trials = 60_000, Seed = 31, Threads = threads, Method = method, BatchSize = 1 << 12 };
        var one = MonteCarloEngine.Run(Fresh(), scenario, 0.25, Mc(1));
        // A shared design whose cache was filled by another run, and fresh designs on 2 and 4 threads.
        var shared = Fresh();
        MonteCarloEngine.Run(shared, new Scenario("toxic", [0.3, 0.4, 0.5, 0.6, 0.7]), 0.25, Mc(2));
        foreach (var oc in new[] { MonteCarloEngine.Run(shared, scenario, 0.25, Mc(4)), MonteCarloEngine.Run(Fresh(), scenario, 0.25, Mc(2)), MonteCarloEngine.Run(Fresh(), scenario, 0.25, Mc(4)) })
        {
            Assert.Equal(one.Selection, oc.Selection);
            Assert.Equal(one.MeanPatients, oc.MeanPatients);
            Assert.Equal(one.MeanDlts, oc.MeanDlts);
        }
    }
}
