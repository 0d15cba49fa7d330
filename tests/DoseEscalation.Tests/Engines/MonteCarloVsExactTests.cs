using DoseEscalation;
using DoseEscalation.Engines;

namespace DoseEscalation.Tests.Engines;

/// <summary>Monte Carlo estimates must lie within 4 standard errors of the exact values.</summary>
public static class Agreement
{
    public static void Within4Se(OperatingCharacteristics exact, OperatingCharacteristics mc)
    {
        long t = mc.Trials;
        int maxN = exact.NDistribution.Length - 1;
        for (int i = 0; i < exact.Selection.Length; i++) Proportion(exact.Selection[i].Value, mc.Selection[i], t, $"selection[{i}]");
        for (int d = 0; d < exact.DoseCount; d++)
        {
            Mean(exact.MeanPatients[d].Value, mc.MeanPatients[d], t, maxN, $"mean_patients[{d}]");
            Mean(exact.MeanDlts[d].Value, mc.MeanDlts[d], t, maxN, $"mean_dlts[{d}]");
        }
        // For the totals the exact distributions give the exact standard error.
        Close(exact.MeanN.Value, mc.MeanN with { Se = Math.Max(mc.MeanN.Se, ExactSe(exact.NDistribution, t)) }, "mean_n");
        Close(exact.MeanTotalDlts.Value, mc.MeanTotalDlts with { Se = Math.Max(mc.MeanTotalDlts.Se, ExactSe(exact.DltTotalDistribution, t)) }, "mean_total_dlts");
        Close(exact.ShareAboveMtd.Value, mc.ShareAboveMtd, "share_above_mtd", 10.0 / t);
        Proportion(exact.AnyPatientAboveMtd.Value, mc.AnyPatientAboveMtd, t, "any_above_mtd");
        Proportion(exact.AtLeast60PctAboveMtd.Value, mc.AtLeast60PctAboveMtd, t, "60pct_above_mtd");
    }

    /// <param name="boundIfNoSpread">
    /// When the Monte Carlo sample showed no spread (SE 0), the events it missed have probability
    /// below about 10/T (P(none in T trials) = e^-10 = 4.5e-5, a 4-sigma-like level), so the
    /// estimate may be off by at most the quantity's range times 10/T.
    /// </param>
    public static void Close(double exact, Estimate mc, string what, double boundIfNoSpread = 1e-12)
    {
        if (mc.Se == 0) Assert.True(Math.Abs(exact - mc.Value) <= boundIfNoSpread, $"{what}: exact {exact}, Monte Carlo {mc.Value} with SE 0");
        else Assert.True(Math.Abs(exact - mc.Value) <= 4 * mc.Se,
            $"{what}: exact {exact}, Monte Carlo {mc.Value} +- {mc.Se} ({Math.Abs(exact - mc.Value) / mc.Se:F2} SE)");
    }

    private static void Mean(double exact, Estimate mc, long trials, int range, string what) => Close(exact, mc, what, range * 10.0 / trials);

    /// <summary>A proportion: the standard error under the exact value, so a rare event never seen in T trials still gets a fair test.</summary>
    public static void Proportion(double exact, Estimate mc, long trials, string what) =>
        Close(exact, mc with { Se = Math.Max(mc.Se, Math.Sqrt(exact * (1 - exact) / trials)) }, what);

    private static double ExactSe(double[] pmf, long trials)
    {
        double m = 0, m2 = 0;
        for (int i = 0; i < pmf.Length; i++) { m += i * pmf[i]; m2 += (double)i * i * pmf[i]; }
        return Math.Sqrt(Math.Max(0, m2 - m * m) / trials);
    }
}

public class MonteCarloVsExactTests
{
    public static TheoryData<bool, bool, double[]> Cases() => new()
    {
        { true, true, [0.10, 0.20, 0.35] },
        { false, false, [0.10, 0.20, 0.35] },
        { true, false, [0.05, 0.10, 0.20] },
        { false, true, [0.30, 0.45, 0.60, 0.7] },
        { true, true, [0.02, 0.05, 0.1, 0.15, 0.25] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compiled_graph_walk_agrees_with_exact(bool deescalate, bool expandTop, double[] p)
    {
        var design = Design.ThreePlusThree(p.Length, deescalate, expandTop);
        var scenario = new Scenario("s", p);
        var exact = ExactEngine.Run(design, scenario, 0.3);
        var mc = MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 400_000, Seed = 11, Method = SimulationMethod.CompiledGraph });
        Agreement.Within4Se(exact, mc);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trial_loop_agrees_with_exact(bool deescalate, bool expandTop, double[] p)
    {
        var design = Design.ThreePlusThree(p.Length, deescalate, expandTop);
        var scenario = new Scenario("s", p);
        var exact = ExactEngine.Run(design, scenario, 0.3);
        var mc = MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 200_000, Seed = 12, Method = SimulationMethod.TrialLoop });
        Agreement.Within4Se(exact, mc);
    }

    [Fact]
    public void Passing_probability_by_simulation_is_within_4_se_of_closed_form()
    {
        // One dose, no top expansion: the trial "passes" dose 1 iff it selects it.
        const double p = 0.30;
        double closed = Math.Pow(1 - p, 3) + 3 * p * Math.Pow(1 - p, 5); // 0.4943
        var mc = MonteCarloEngine.Run(Design.ThreePlusThree(1, expandTopDose: false), new Scenario("one", [p]), 0.3,
            new MonteCarloOptions { Trials = 1_000_000, Seed = 5, Method = SimulationMethod.TrialLoop });
        Assert.True(Math.Abs(mc.Selection[1].Value - closed) <= 4 * mc.Selection[1].Se, $"{mc.Selection[1]} vs {closed}");
    }

    [Theory]
    [InlineData(3, 3, 1, 2, 2)]
    [InlineData(4, 2, 1, 2, 2)] // cohorts of 4: the compiled walk's general (non-3) path
    [InlineData(2, 4, 1, 1, 2)]
    public void AplusB_agrees_with_exact(int a, int b, int c, int d, int e)
    {
        var design = Design.AplusB(4, a, b, c, d, e);
        var scenario = new Scenario("s", [0.1, 0.2, 0.3, 0.5]);
        var exact = ExactEngine.Run(design, scenario, 0.3);
        Assert.Equal(1.0, exact.TotalProbability, 12);
        Agreement.Within4Se(exact, MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 200_000, Seed = 3, Method = SimulationMethod.TrialLoop }));
        Agreement.Within4Se(exact, MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 200_000, Seed = 3, Method = SimulationMethod.CompiledGraph }));
    }
}

public class DeterminismTests
{
    [Theory]
    [InlineData(SimulationMethod.CompiledGraph)]
    [InlineData(SimulationMethod.TrialLoop)]
    public void Same_seed_gives_identical_results_on_one_and_all_threads(SimulationMethod method)
    {
        var design = Design.ThreePlusThree(3);
        var scenario = new Scenario("s", [0.1, 0.2, 0.35]);
        var options = new MonteCarloOptions { Trials = 300_001, Seed = 99, Method = method, BatchSize = 10_000 };
        var one = MonteCarloEngine.Run(design, scenario, 0.3, options with { Threads = 1 });
        var all = MonteCarloEngine.Run(design, scenario, 0.3, options with { Threads = Math.Max(2, Environment.ProcessorCount) });
        Assert.Equal(one.Selection, all.Selection);
        Assert.Equal(one.MeanPatients, all.MeanPatients);
        Assert.Equal(one.NDistribution, all.NDistribution);
        Assert.Equal(1.0, one.Selection.Sum(s => s.Value), 12);
    }

    [Fact]
    public void Different_seeds_give_different_results()
    {
        var design = Design.ThreePlusThree(3);
        var scenario = new Scenario("s", [0.1, 0.2, 0.35]);
        var a = MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 10_000, Seed = 1 });
        var b = MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 10_000, Seed = 2 });
        Assert.NotEqual(a.Selection, b.Selection);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    [InlineData(65_536)]
    [InlineData(100_003)]
    public void Every_simd_path_gives_identical_counts(int trials)
    {
        var graph = StateGraph.Build(Design.ThreePlusThree(3));
        var scenario = new Scenario("s", [0.1, 0.25, 0.4]);
        var walk = new CompiledWalk(graph, scenario);
        var reference = walk.CreateCounters();
        walk.RunBatch(7, 3, trials, reference, SimdPath.Scalar);
        long[] expected = reference.TerminalCounts();
        Assert.Equal(trials, expected.Sum());
        foreach (var path in new[] { SimdPath.Vector128, SimdPath.Vector256, SimdPath.Vector512, SimdPath.Auto })
        {
            var counters = walk.CreateCounters();
            walk.RunBatch(7, 3, trials, counters, path);
            Assert.Equal(expected, counters.TerminalCounts());
        }
    }

    [Fact]
    public void Every_simd_path_gives_identical_counts_with_cohorts_above_three()
    {
        // Cohorts of 4 take the general layout (any cohort size), stepped by each path's generator.
        var design = Design.Boin(3, 0.3, cohortSize: 4, maxN: 24);
        var graph = StateGraph.Build(design);
        var walk = new CompiledWalk(graph, new Scenario("s", [0.1, 0.25, 0.4]));
        var reference = walk.CreateCounters();
        walk.RunBatch(11, 2, 20_011, reference, SimdPath.Scalar);
        foreach (var path in new[] { SimdPath.Vector128, SimdPath.Vector256, SimdPath.Vector512 })
        {
            var counters = walk.CreateCounters();
            walk.RunBatch(11, 2, 20_011, counters, path);
            Assert.Equal(reference.TerminalCounts(), counters.TerminalCounts());
        }
    }

    [Fact]
    public void Every_lane_generator_matches_the_scalar_generators()
    {
        void Check<T>() where T : struct, DoseEscalation.Rng.IXoshiroLanes<T>
        {
            var g = T.ForStream(5, 9);
            var lanes = Enumerable.Range(0, 8).Select(j => DoseEscalation.Rng.Xoshiro256StarStarX8.Lane(5, 9, j)).ToArray();
            Span<ulong> w = stackalloc ulong[8];
            for (int step = 0; step < 5; step++)
            {
                g.Next(ref w[0]);
                for (int j = 0; j < 8; j++) Assert.Equal(lanes[j].NextUInt64(), w[j]);
            }
        }
        Check<DoseEscalation.Rng.XoshiroLanes512>();
        Check<DoseEscalation.Rng.XoshiroLanes256>();
        Check<DoseEscalation.Rng.XoshiroLanes128>();
        Check<DoseEscalation.Rng.XoshiroLanesScalar>();
    }

    [Fact]
    public void Vector_generator_lanes_match_scalar_generators()
    {
        var x8 = DoseEscalation.Rng.Xoshiro256StarStarX8.ForStream(5, 9);
        var lanes = Enumerable.Range(0, 8).Select(j => DoseEscalation.Rng.Xoshiro256StarStarX8.Lane(5, 9, j)).ToArray();
        Span<ulong> u = stackalloc ulong[8];
        for (int step = 0; step < 5; step++)
        {
            x8.Next8(u);
            for (int j = 0; j < 8; j++) Assert.Equal(lanes[j].NextUInt64(), u[j]);
        }
    }

    [Fact]
    public void Allocation_per_trial_does_not_grow_with_trial_count()
    {
        var graph = StateGraph.Build(Design.ThreePlusThree(3));
        var walk = new CompiledWalk(graph, new Scenario("s", [0.1, 0.25, 0.4]));
        var counts = walk.CreateCounters();
        for (int i = 0; i < 50; i++) walk.RunBatch(1, i, 10_000, counts); // warm up (JIT, tiering)
        long before = GC.GetAllocatedBytesForCurrentThread();
        walk.RunBatch(1, 0, 1_000, counts);
        long small = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        walk.RunBatch(1, 1, 1_000_000, counts);
        long large = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, small);
        Assert.Equal(0, large);
    }

    [Theory]
    [InlineData(SimdPath.Vector512)]
    [InlineData(SimdPath.Vector256)]
    [InlineData(SimdPath.Vector128)]
    [InlineData(SimdPath.Scalar)]
    public void Every_path_allocates_nothing_per_batch_pair(SimdPath path)
    {
        var graph = StateGraph.Build(Design.ThreePlusThree(3, deescalate: false, expandTopDose: false));
        var walk = new CompiledWalk(graph, new Scenario("s", [0.1, 0.25, 0.4]));
        var counts = walk.CreateCounters();
        for (int i = 0; i < 40; i++) walk.RunBatchPair(1, 2 * i, 10_000, 2 * i + 1, 9_000, counts, path); // warm up (JIT, tiering)
        long before = GC.GetAllocatedBytesForCurrentThread();
        walk.RunBatchPair(1, 0, 200_000, 1, 150_001, counts, path);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_batch_pair_counts_what_its_two_batches_count_alone()
    {
        var graph = StateGraph.Build(Design.ThreePlusThree(3, deescalate: false, expandTopDose: false));
        var walk = new CompiledWalk(graph, new Scenario("s", [0.1, 0.25, 0.4]));
        foreach (var (a, b) in new[] { (65_536, 65_536), (65_536, 17), (3, 40_000), (100_003, 99_991) })
        {
            var pair = walk.CreateCounters();
            walk.RunBatchPair(3, 10, a, 11, b, pair, SimdPath.Auto);
            var alone = walk.CreateCounters();
            walk.RunBatch(3, 10, a, alone, SimdPath.Scalar);
            walk.RunBatch(3, 11, b, alone, SimdPath.Scalar);
            Assert.Equal(alone.TerminalCounts(), pair.TerminalCounts());
        }
    }
}
