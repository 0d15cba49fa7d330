using DoseEscalation.Engines;
using DoseEscalation.Sharding;

namespace DoseEscalation.Tests.Cluster;

public class ShardTests
{
    [Theory]
    [InlineData(1L, 1)]
    [InlineData(12L, 7)]
    [InlineData(13L, 3)]
    [InlineData(1_000_003L, 100_000)]
    public void Ranges_tile_the_units_in_order_with_sizes_differing_by_at_most_one(long units, int n)
    {
        long next = 0, min = long.MaxValue, max = 0;
        for (int i = 0; i < n; i++)
        {
            var (first, count) = new Shard(i, n).Range(units);
            Assert.Equal(next, first);
            next = first + count;
            min = Math.Min(min, count); max = Math.Max(max, count);
        }
        Assert.Equal(units, next);
        Assert.True(max - min <= 1);
    }

    [Theory]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1", 0, 1)]
    public void Parse_reads_index_and_count(string text, int i, int n) => Assert.Equal(new Shard(i, n), Shard.Parse(text));

    [Theory]
    [InlineData("4/4", "--shard 4/4: the shard index must be 0 to 3, not 4")]
    [InlineData("1/0", "--shard 1/0: the shard count must be 1 to 100,000, not 0")]
    [InlineData("1-4", "--shard 1-4: expected I/N (shard I of N, counted from 0, e.g. 0/4 .. 3/4) or auto")]
    [InlineData("-1/4", "--shard -1/4: expected I/N (shard I of N, counted from 0, e.g. 0/4 .. 3/4) or auto")]
    public void Parse_refuses_with_one_line(string text, string message) =>
        Assert.Equal(message, Assert.Throws<ShardException>(() => Shard.Parse(text)).Message);

    [Fact]
    public void Environment_gives_Slurm_or_Kubernetes_shards_and_names_what_is_wrong()
    {
        Func<string, string?> Env(params (string K, string V)[] vars) => k => vars.FirstOrDefault(v => v.K == k).V;
        Assert.Equal(new Shard(2, 4), Shard.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4")), null));
        Assert.Equal(new Shard(0, 4), Shard.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "4")), null));
        Assert.Equal(new Shard(5, 6), Shard.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "5")), 6));
        Assert.Contains("give --shard-count N", Assert.Throws<ShardException>(() => Shard.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "5")), null)).Message);
        Assert.Contains("the shard index must be 0 to 5, not 6", Assert.Throws<ShardException>(() => Shard.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "6")), 6)).Message);
        Assert.Contains("SLURM_ARRAY_TASK_STEP is 2", Assert.Throws<ShardException>(() => Shard.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_STEP", "2")), null)).Message);
        Assert.Contains("both SLURM_ARRAY_TASK_ID", Assert.Throws<ShardException>(() => Shard.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "2"), ("JOB_COMPLETION_INDEX", "1")), 3)).Message);
    }

    [Fact]
    public void Counters_of_the_shards_add_up_to_the_whole_run_in_process()
    {
        var design = Design.Boin(doses: 4, target: 0.3, maxN: 18);
        var scenario = new Scenario("s", [0.05, 0.12, 0.3, 0.45]);
        var options = new MonteCarloOptions { Trials = 7_001, BatchSize = 500, Seed = 9 };
        var whole = MonteCarloEngine.Run(design, scenario, 0.3, options);
        OcTally<long>? sum = null;
        for (int i = 0; i < 5; i++)
        {
            var (first, count) = new Shard(i, 5).Range(options.TotalBatches);
            var part = MonteCarloEngine.Count(design, scenario, 0.3, options with { FirstBatch = first, BatchCount = count });
            if (sum is null) sum = part; else sum.Add(part);
        }
        var merged = OperatingCharacteristics.FromTally(sum!, design, scenario, 0.3, "monte-carlo", options.Trials, options.Seed);
        Assert.Equal(7_001, sum!.Weight);
        Assert.Equal(whole.Selection.Select(e => e.Value), merged.Selection.Select(e => e.Value));
        Assert.Equal(whole.MeanN, merged.MeanN);
        Assert.Throws<ArgumentException>(() => MonteCarloEngine.Run(design, scenario, 0.3, options with { FirstBatch = 1 }));
    }
}

public class ShardCliTests
{
    [Fact]
    public void A_shard_needs_out_takes_no_format_and_no_more_shards_than_batches()
    {
        string dir = DoseEscalation.Tests.Reliability.CliHarness.TempDir();
        string part = Path.Combine(dir, "p.json");
        string[] run = ["simulate", "--dlt", "0.1,0.2,0.3", "--trials", "1000", "--batch-size", "300", "--quiet"];
        var r = DoseEscalation.Tests.Reliability.CliHarness.Run([.. run, "--shard", "0/2"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("--shard writes a partial result: give --out FILE", r.Err);
        r = DoseEscalation.Tests.Reliability.CliHarness.Run([.. run, "--shard", "0/2", "--format", "csv", "--out", part]);
        Assert.Equal(2, r.Code);
        Assert.Contains("--format applies to the merged output", r.Err);
        r = DoseEscalation.Tests.Reliability.CliHarness.Run([.. run, "--shard", "4/5", "--out", part]);
        Assert.Equal(1, r.Code);
        Assert.Equal("dose-escalation: error: --shard 4/5: the run has 4 batches of up to 300 trials, fewer than 5 shards; use at most 4 shards or a smaller --batch-size", r.Err.Trim());
        r = DoseEscalation.Tests.Reliability.CliHarness.Run([.. run, "--shard", "0/2", "--shard-count", "2", "--out", part]);
        Assert.Equal(2, r.Code);
        Assert.Contains("--shard-count goes with --shard auto", r.Err);
        r = DoseEscalation.Tests.Reliability.CliHarness.Run("simulate", "--dlt", "0.1,0.2,0.3", "--engine", "exact", "--batch-size", "5");
        Assert.NotEqual(0, r.Code);
        Assert.False(File.Exists(part));
    }
}
