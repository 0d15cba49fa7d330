using DoseEscalation.Engines;
using DoseEscalation.SampleSizing;
using DoseEscalation.Scenarios;
using static DoseEscalation.Tests.Reliability.CliHarness;

namespace DoseEscalation.Tests.Reliability;

/// <summary>Huge counts and the resource guard: every limit is checked before work starts; accumulators cannot wrap.</summary>
public class LimitsTests
{
    [Theory]
    [InlineData("simulate")]
    [InlineData("compare")]
    [InlineData("samplesize")]
    [InlineData("plot")]
    [InlineData("report")]
    [InlineData("bench")]
    public void Trials_past_the_maximum_are_one_line_naming_the_value(string verb)
    {
        string dir = TempDir();
        string[] extra = verb switch
        {
            "plot" => ["--out", Path.Combine(dir, "charts"), "--engine", "monte-carlo"],
            "report" => ["--out", Path.Combine(dir, "r.html"), "--engine", "monte-carlo"],
            "samplesize" => ["--max-states", "1"],
            _ => [],
        };
        foreach (string trials in new[] { "9223372036854775807", "9223372036854775806", "1000000000001" })
        {
            var r = Run([verb, "--dlt", "0.10,0.25,0.45", "--trials", trials, .. extra]);
            AssertBadInput(r, trials);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        }
    }

    [Fact]
    public void The_largest_accepted_trial_count_passes_validation()
    {
        Assert.Equal(ResourceGuard.MaxTrials, ResourceGuard.Trials(ResourceGuard.MaxTrials));
        new MonteCarloOptions { Trials = ResourceGuard.MaxTrials }.Validate();
        // Batch arithmetic at the maximum does not overflow.
        var o = new MonteCarloOptions { Trials = ResourceGuard.MaxTrials };
        Assert.True((o.Trials + o.BatchSize - 1) / o.BatchSize > 0);
    }

    [Fact]
    public void Engines_refuse_trials_past_the_maximum_before_work()
    {
        var design = Design.ThreePlusThree(3);
        var scenario = new Scenario("s", [0.1, 0.2, 0.3]);
        var options = new MonteCarloOptions { Trials = long.MaxValue };
        Assert.Throws<ResourceLimitException>(() => MonteCarloEngine.Run(design, scenario, 0.3, options));
        Assert.Throws<ResourceLimitException>(() => ComparisonEngine.Run([design], scenario, 0.3, options, 6));
        Assert.Throws<ResourceLimitException>(() => SampleSizeSimulation.Run(design, scenario, 0.3, new SampleSizeModel(), options));
    }

    [Fact]
    public void Yaml_trials_past_the_maximum_is_an_error_naming_the_field()
    {
        var ex = Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(Yaml("simulation:\n  trials: 9223372036854775807\n"), "t.yaml"));
        Assert.Equal("simulation.trials", ex.Field);
        Assert.Equal(ResourceGuard.MaxTrials, ScenarioFileReader.Parse(Yaml("simulation:\n  trials: 1000000000000\n"), "t.yaml").Trials);
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    [InlineData("9223372036854775808", 9223372036854775808UL)]
    public void Yaml_seed_takes_every_64_bit_value_like_the_flag(string text, ulong expected) =>
        Assert.Equal(expected, ScenarioFileReader.Parse(Yaml($"simulation:\n  seed: {text}\n"), "t.yaml").Seed);

    [Theory]
    [InlineData("18446744073709551616")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void Yaml_seed_out_of_range_is_an_error(string text)
    {
        var ex = Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(Yaml($"simulation:\n  seed: {text}\n"), "t.yaml"));
        Assert.Equal("simulation.seed", ex.Field);
    }

    [Fact]
    public void Paired_squares_cannot_wrap_and_match_long_arithmetic_where_a_long_held()
    {
        // 10^7 trials of differences +-10^6 (shares in millionths): sum of squares 10^19 > 2^63.
        var sums = new PairedSums();
        const int n = 10_000_000;
        for (int t = 0; t < n; t++) sums.Record(t % 2 == 0 ? 1_000_000 : -1_000_000);
        Assert.Equal((Int128)n * 1_000_000_000_000, sums.SumSq);
        var e = sums.Estimate(n, scale: 1e-6);
        Assert.Equal(0, e.Value);
        Assert.Equal(Math.Sqrt(1.0 * n / (n - 1) / n), e.Se, 12);

        // Bit-identical with the old long accumulator wherever it did not wrap.
        var rng = new Random(5);
        for (int i = 0; i < 10_000; i++)
        {
            long v = rng.NextInt64(long.MinValue, long.MaxValue) >> rng.Next(0, 60);
            Assert.Equal((double)v, (double)(Int128)v);
        }
    }

    [Fact]
    public void Comparison_is_unchanged_by_the_wide_accumulator()
    {
        // The paired SE from per-trial shares recomputed independently with doubles.
        var designs = new IDesign[] { Design.ThreePlusThree(3), Design.Boin(3, 0.3, maxN: 12) };
        var scenario = new Scenario("s", [0.1, 0.3, 0.5]);
        var r = ComparisonEngine.Run(designs, scenario, 0.3, new MonteCarloOptions { Trials = 20_000, Seed = 3, Threads = 1 }, 12);
        var r2 = ComparisonEngine.Run(designs, scenario, 0.3, new MonteCarloOptions { Trials = 20_000, Seed = 3, Threads = 2 }, 12);
        Assert.Equal(r.Designs[1].ShareAboveDifference, r2.Designs[1].ShareAboveDifference);
        Assert.True(r.Designs[1].ShareAboveDifference.Se > 0);
        Assert.Equal(0, r.Designs[0].ShareAboveDifference.Se);
    }

    [Fact]
    public void Too_many_doses_fail_at_once_naming_the_input()
    {
        string many = string.Join(',', Enumerable.Repeat("0.1", 300_000));
        AssertBadInput(Run("simulate", "--dlt", many), "--dlt");
        AssertBadInput(Run("exact", "--dlt", string.Join(',', Enumerable.Repeat("0.1", 101))), "--dlt");
        var ok = Run("simulate", "--dlt", string.Join(',', Enumerable.Repeat("0.1", 100)), "--trials", "100", "--method", "loop", "--format", "csv");
        Assert.Equal(0, ok.Code);
        var yaml = "trial: {name: t}\ndoses: [" + string.Join(", ", Enumerable.Range(1, 101).Select(i => $"D{i}")) + "]\nscenarios:\n  - name: s\n    dlt: [" + string.Join(", ", Enumerable.Repeat("0.1", 101)) + "]\n";
        var ex = Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(yaml, "t.yaml"));
        Assert.Equal("doses", ex.Field);
    }

    [Fact]
    public void Designs_past_the_patient_maximum_are_refused_before_work()
    {
        var big = Design.AplusB(100, 20, 20, 1, 1, 1); // up to 4,000 patients
        var ex = Assert.Throws<ResourceLimitException>(() => MonteCarloEngine.Run(big, new Scenario("s", Enumerable.Repeat(0.1, 100).ToList()), 0.3, new MonteCarloOptions { Trials = 1 }));
        Assert.Contains("4000", ex.Message);
        Assert.Throws<ResourceLimitException>(() => StateGraph.Build(big));
    }

    [Fact]
    public void State_limits_and_memory_are_checked_up_front()
    {
        var design = Design.ThreePlusThree(30);
        Assert.Throws<ResourceLimitException>(() => ResourceGuard.StateGraph(design, int.MaxValue, "--max-states"));
        Assert.Throws<StateSpaceTooLargeException>(() => StateGraph.Build(design, int.MaxValue));
        Assert.True(ResourceGuard.EstimateStateGraphBytes(design, ResourceGuard.MaxStates) > 0);
        AssertBadInput(Run("exact", "--dlt", "0.1,0.2,0.3", "--max-states", "2147483647"), "2147483647");
        AssertBadInput(Run("samplesize", "--dlt", "0.1,0.2,0.3", "--max-states", "2147483647"), "2147483647");
        // The default limit fits comfortably on any machine the tool supports.
        ResourceGuard.StateGraph(Design.ThreePlusThree(30), StateGraph.DefaultMaxStates); // about 1.9 GB: fits on a machine with 4 GB
    }

    [Theory]
    [InlineData("3+3", 8)]
    [InlineData("boin", 5)]
    public void The_memory_estimate_bounds_what_building_and_walking_a_graph_allocates(string kind, int doses)
    {
        IDesign design = kind == "3+3" ? Design.ThreePlusThree(doses) : Design.Boin(doses, 0.3, cohortSize: 1, maxN: 18);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var graph = StateGraph.Build(design);
        ExactEngine.NodeProbabilities(graph, new Scenario("s", Enumerable.Repeat(0.2, doses).ToList()));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long estimate = ResourceGuard.EstimateStateGraphBytes(design, graph.NodeCount);
        Assert.True(graph.NodeCount > 1000, graph.NodeCount.ToString());
        Assert.True(allocated <= estimate, $"{graph.NodeCount} states allocated {allocated:N0} bytes, estimate {estimate:N0}");
        // The builder borrows its scratch arrays from the shared array pool, so what this thread
        // allocates depends on what earlier work left in the pool: a lower bound on the memory used,
        // not an estimate of it. The estimate is only checked to stay within a sane multiple of the
        // graph's own retained size (states x the bytes a state keeps).
        Assert.True(estimate <= 64L * graph.NodeCount * (16 + 4 * (design.MaxCohortSize + 1) + 12), $"estimate {estimate:N0} is far above the graph's size");
    }

    [Theory]
    [InlineData("3+3", 8)]
    [InlineData("boin", 5)]
    public void The_exact_flow_estimate_bounds_what_the_flow_allocates(string kind, int doses)
    {
        IDesign design = kind == "3+3" ? Design.ThreePlusThree(doses) : Design.Boin(doses, 0.3, cohortSize: 1, maxN: 18);
        Scenario[] scenarios = [new("a", Enumerable.Repeat(0.2, doses).ToList()), new("b", Enumerable.Repeat(0.4, doses).ToList())];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var flow = ExactFlow.Run(design, scenarios, 0.3, StateGraph.DefaultMaxStates);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotNull(flow);
        long estimate = ResourceGuard.EstimateExactFlowBytes(design, flow.Value.States, scenarios.Length);
        Assert.True(flow.Value.States > 1000, flow.Value.States.ToString());
        Assert.True(allocated <= estimate, $"{flow.Value.States} states allocated {allocated:N0} bytes, estimate {estimate:N0}");
        // The default limit fits comfortably on any machine the tool supports; the largest limit is refused with the reason.
        ResourceGuard.ExactFlow(Design.ThreePlusThree(30), StateGraph.DefaultMaxStates, 10);
        Assert.Throws<ResourceLimitException>(() => ResourceGuard.ExactFlow(design, int.MaxValue, 1, "--max-states"));
    }

    [Fact]
    public void Unused_trials_are_still_validated_in_plot_and_report()
    {
        string dir = TempDir();
        AssertBadInput(Run("report", "--dlt", "0.1,0.2,0.3", "--trials", "-7", "--out", Path.Combine(dir, "r.html")), "-7");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    /// <summary>A design that breaks its contract in one chosen way.</summary>
    private sealed class Faulty(Decision decision) : IDesign
    {
        public string Name => "faulty";
        public int DoseCount => 3;
        public int MaxCohortSize => 3;
        public int MaxPatients => 9;
        public bool ReadsLastCohort => false;
        public Decision Decide(in TrialState state) => decision;
        public string Describe() => "faulty";
    }

    [Theory]
    [InlineData(DecisionKind.Treat, 0, 0)]   // a cohort of 0 would loop forever
    [InlineData(DecisionKind.Treat, 0, -2)]
    [InlineData(DecisionKind.Treat, 3, 3)]   // level out of range
    [InlineData(DecisionKind.Treat, -1, 3)]
    [InlineData(DecisionKind.Treat, 0, 4)]   // larger than its largest cohort
    [InlineData(DecisionKind.Stop, 7, 0)]    // selects a level that does not exist
    [InlineData(DecisionKind.Stop, -2, 0)]
    public void Per_patient_loops_check_every_decision(DecisionKind kind, int level, int cohort)
    {
        var design = new Faulty(new Decision(kind, level, cohort));
        var scenario = new Scenario("s", [0.1, 0.2, 0.3]);
        var options = new MonteCarloOptions { Trials = 10, Threads = 1, Method = SimulationMethod.TrialLoop };
        Assert.Throws<DesignContractException>(() => MonteCarloEngine.RunTrialLoop(design, scenario, 0.3, options));
        Assert.Throws<DesignContractException>(() => SampleSizeSimulation.Run(design, scenario, 0.3, new SampleSizeModel(), options));
        var ex = Record.Exception(() => ComparisonEngine.Run([design], scenario, 0.3, options with { MaxStates = 1 }, 0));
        Assert.IsType<DesignContractException>(ex);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(100)]
    public void Crm_with_many_doses_and_no_skeleton_names_the_dose_count_not_a_skeleton(int doses)
    {
        string line = AssertBadInput(Run("simulate", "--design", "crm", "--trials", "10", "--dlt", string.Join(',', Enumerable.Repeat("0.1", doses))), $"{doses} doses");
        Assert.DoesNotContain("skeleton = 0", line);
        Assert.Equal(0, Run("simulate", "--design", "crm", "--trials", "10", "--method", "loop", "--dlt", string.Join(',', Enumerable.Repeat("0.1", 20))).Code);
    }

    internal static string Yaml(string extra) =>
        "trial: {name: t}\ndoses: [D1, D2, D3]\nscenarios:\n  - name: s\n    dlt: [0.1, 0.2, 0.3]\n" + extra;
}
