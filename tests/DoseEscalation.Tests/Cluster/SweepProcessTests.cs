using System.Diagnostics;
using DoseEscalation.Tests.Reliability;

namespace DoseEscalation.Tests.Cluster;

/// <summary>Sweeps as separate processes: shards merged give the single run's bytes; a sweep killed with SIGTERM and started again gives them too.</summary>
public class SweepProcessTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Merged_sweep_shards_are_byte_identical_to_the_single_run(int n) => ShardedAndMerged(SweepTests.Grid, n);

    /// <summary>Runs <paramref name="gridText"/> as <paramref name="n"/> shard processes, merges them and checks the bytes against one run (CSV; Parquet too for n = 3).</summary>
    internal static void ShardedAndMerged(string gridText, int n)
    {
        string dir = CliHarness.TempDir();
        File.WriteAllText(Path.Combine(dir, "grid.yaml"), gridText);
        var parts = new List<string>();
        for (int i = 0; i < n; i++)
        {
            ClusterProcess.Ok(dir, "sweep", "grid.yaml", "--shard", $"{i}/{n}", "--out", $"part-{i}.json", "--quiet");
            parts.Add($"part-{i}.json");
        }
        foreach (var ext in n == 3 ? new[] { "csv", "parquet" } : ["csv"])
        {
            ClusterProcess.Ok(dir, "sweep", "grid.yaml", "--out", $"single.{ext}", "--quiet");
            ClusterProcess.Ok(dir, ["merge", .. parts, "--out", $"merged.{ext}"]);
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, $"single.{ext}")), File.ReadAllBytes(Path.Combine(dir, $"merged.{ext}")));
        }
        // Nothing left behind but the inputs, the parts and the outputs (the state folders are removed).
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(dir), e => e.EndsWith(".cells", StringComparison.Ordinal));
    }

    private const string SlowGrid = """
        doses: 4
        target: 0.30
        trials: 1500
        seed: 3
        batch_size: 500
        method: loop
        designs:
          - name: crm
        monotone:
          grid: [0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
        sample_sizes: [12]
        """;

    [Fact]
    public void A_sweep_killed_with_SIGTERM_and_started_again_writes_the_uninterrupted_bytes() =>
        KilledAndResumed(SlowGrid, cells: 70); // C(8, 4) = 70

    /// <summary>
    /// Runs <paramref name="gridText"/> uninterrupted; runs it again, kills it with SIGTERM once 5
    /// cells are finished, starts it once more (other thread count) and checks the bytes are the
    /// uninterrupted run's and the state folder is gone.
    /// </summary>
    internal static void KilledAndResumed(string gridText, int cells)
    {
        string dir = CliHarness.TempDir();
        File.WriteAllText(Path.Combine(dir, "grid.yaml"), gridText);
        ClusterProcess.Ok(dir, "sweep", "grid.yaml", "--out", "whole.csv", "--quiet", "--threads", "1");
        Assert.Equal(cells, File.ReadAllLines(Path.Combine(dir, "whole.csv")).Length - 1);

        string state = Path.Combine(dir, "resumed.csv.cells");
        using (var process = Process.Start(ClusterProcess.Start(dir, null, ["sweep", "grid.yaml", "--out", "resumed.csv", "--quiet", "--threads", "1"]))!)
        {
            var watch = Stopwatch.StartNew();
            while (!process.HasExited && (!Directory.Exists(state) || Directory.GetFiles(state, "cell-*.json").Length < 5) && watch.Elapsed < TimeSpan.FromMinutes(2))
                Thread.Sleep(20);
            Assert.False(process.HasExited, "the sweep ended before it could be interrupted");
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) kill.WaitForExit();
            Assert.True(process.WaitForExit(60_000));
        }
        Assert.False(File.Exists(Path.Combine(dir, "resumed.csv")));
        int done = Directory.GetFiles(state, "cell-*.json").Length;
        Assert.InRange(done, 5, cells - 1);

        ClusterProcess.Ok(dir, "sweep", "grid.yaml", "--out", "resumed.csv", "--quiet", "--threads", "2");
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "whole.csv")), File.ReadAllBytes(Path.Combine(dir, "resumed.csv")));
        Assert.False(Directory.Exists(state));
    }
}
