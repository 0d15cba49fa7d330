using DoseEscalation.Tests.Reliability;

namespace DoseEscalation.Tests.Cluster;

/// <summary>
/// Shards run as separate processes and merged give the bytes of the unsharded run, in every
/// output format; merging a missing, repeated or foreign shard fails with one line, exit code 1 and
/// no output file.
/// </summary>
public class ShardMergeProcessTests
{
    // Small runs with small batches, so that even 7 shards have several batches each (12 and 13 batches;
    // the odd counts make shards start on odd batches, which the AVX-512 walk pairs from there).
    private static readonly string[] Simulate = ["simulate", "--dlt", "0.05,0.10,0.20,0.35", "--trials", "5501", "--batch-size", "500", "--seed", "11"];
    private static readonly string[] SimulateLoop = ["simulate", "--dlt", "0.05,0.15,0.30", "--design", "crm", "--max-n", "12", "--method", "loop", "--trials", "1300", "--batch-size", "100", "--seed", "12"];
    // The built-in scenario file has a timeline: the calendar engine's tallies (day histograms, times in ticks) merge exactly too.
    private static readonly string[] Calendar = ["simulate", "--calendar", "--trials", "1300", "--batch-size", "100", "--seed", "14"];
    private static readonly string[] CompareCalendar = ["compare", "--calendar", "--designs", "3+3,rolling-six,tite-boin", "--trials", "1300", "--batch-size", "100", "--seed", "15"];
    private static readonly string[] Compare = ["compare", "--dlt", "0.05,0.10,0.20,0.35", "--designs", "3+3,boin,crm", "--max-n", "12", "--trials", "1300", "--batch-size", "100", "--seed", "13"];

    // BOIN12 (reads responses): the response engine's counters, responders included; on the calendar, both tallies.
    private const string Boin12Yaml = """
        trial:
          name: BOIN12 shards
        doses: [DL1, DL2, DL3]
        design:
          name: boin12
        target: 0.30
        scenarios:
          - name: rising
            dlt: [0.05, 0.15, 0.35]
            response: [0.2, 0.45, 0.5]
          - name: flat
            dlt: [0.05, 0.1, 0.2]
            response: [0.3, 0.3, 0.3]
        timeline:
          accrual_rate_per_month: 3
          dlt_window_days: 28
          response_days: 56
        """;
    private static readonly string[] Boin12 = ["simulate", "b12.yaml", "--trials", "1300", "--batch-size", "100", "--seed", "16"];

    public static TheoryData<string, int> Runs() => new()
    {
        { "simulate", 1 }, { "simulate", 2 }, { "simulate", 3 }, { "simulate", 7 },
        { "loop", 3 },
        { "boin12", 3 }, { "boin12-calendar", 2 }, { "boin12-compare", 3 }, { "boin12-compare-calendar", 2 },
        { "calendar", 2 }, { "calendar", 3 },
        { "compare-calendar", 2 }, { "compare-calendar", 3 },
        { "compare", 1 }, { "compare", 2 }, { "compare", 3 }, { "compare", 7 },
    };

    private static string[] Args(string run) => run switch
    {
        "simulate" => Simulate, "loop" => SimulateLoop, "calendar" => Calendar, "compare-calendar" => CompareCalendar,
        "boin12" => Boin12, "boin12-calendar" => [.. Boin12, "--calendar"],
        "boin12-compare" => ["compare", .. Boin12[1..], "--designs", "boin12,boin,3+3"],
        "boin12-compare-calendar" => ["compare", .. Boin12[1..], "--designs", "boin12,3+3", "--calendar"], _ => Compare,
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Merged_shards_are_byte_identical_to_the_single_run(string run, int n)
    {
        string dir = CliHarness.TempDir();
        File.WriteAllText(Path.Combine(dir, "b12.yaml"), Boin12Yaml);
        string[] args = Args(run);
        var parts = new List<string>();
        for (int i = 0; i < n; i++)
        {
            string part = $"part-{i}.json";
            // Threads differ between shards: they change nothing.
            ClusterProcess.Ok(dir, [.. args, "--shard", $"{i}/{n}", "--threads", (1 + i % 2).ToString(), "--out", part]);
            parts.Add(part);
        }
        parts.Reverse(); // merge takes the parts in any order
        // Every format once (n = 3); JSON, which carries every number in full, for the other n.
        foreach (var format in n == 3 ? new[] { "json", "csv", "table" } : ["json"])
        {
            string single = ClusterProcess.Ok(dir, [.. args, "--format", format]);
            ClusterProcess.Ok(dir, ["merge", .. parts, "--format", format, "--out", $"merged.{format}"]);
            Assert.Equal(single, File.ReadAllText(Path.Combine(dir, $"merged.{format}")));
        }
    }

    [Fact]
    public void Shard_auto_reads_the_Slurm_and_Kubernetes_variables()
    {
        string dir = CliHarness.TempDir();
        ClusterProcess.Ok(dir, [.. Simulate, "--shard", "1/3", "--out", "explicit.json"]);
        ClusterProcess.Ok(dir, new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "3" },
            [.. Simulate, "--shard", "auto", "--out", "slurm.json"]);
        ClusterProcess.Ok(dir, new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "1" },
            [.. Simulate, "--shard", "auto", "--shard-count", "3", "--out", "k8s.json"]);
        string expected = File.ReadAllText(Path.Combine(dir, "explicit.json"));
        Assert.Equal(expected, File.ReadAllText(Path.Combine(dir, "slurm.json")));
        Assert.Equal(expected, File.ReadAllText(Path.Combine(dir, "k8s.json")));

        var r = ClusterProcess.Run(dir, new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "x1", ["SLURM_ARRAY_TASK_COUNT"] = "3" }, [.. Simulate, "--shard", "auto", "--out", "bad.json"]);
        Assert.Equal(1, r.Code);
        Assert.Equal("dose-escalation: error: --shard auto: SLURM_ARRAY_TASK_ID is 'x1', not a whole number", r.Err.Trim());
        r = ClusterProcess.Run(dir, null, [.. Simulate, "--shard", "auto", "--out", "bad.json"]);
        Assert.Equal(1, r.Code);
        Assert.Contains("neither SLURM_ARRAY_TASK_ID", r.Err);
        Assert.False(File.Exists(Path.Combine(dir, "bad.json")));
    }

    [Fact]
    public void Merging_a_missing_repeated_or_foreign_shard_fails_with_one_line_and_no_output()
    {
        string dir = CliHarness.TempDir();
        for (int i = 0; i < 3; i++) ClusterProcess.Ok(dir, [.. Simulate, "--shard", $"{i}/3", "--out", $"p{i}.json"]);
        string[] otherSeed = [.. Simulate[..^1], "99"];
        ClusterProcess.Ok(dir, [.. otherSeed, "--shard", "1/3", "--out", "foreign.json"]);
        ClusterProcess.Ok(dir, [.. Compare, "--shard", "1/3", "--out", "compare.json"]);
        File.WriteAllText(Path.Combine(dir, "junk.json"), "{\"hello\": 1}");

        void Refused(string expected, params string[] parts)
        {
            var r = ClusterProcess.Run(dir, null, ["merge", .. parts, "--format", "csv", "--out", "result.csv"]);
            Assert.Equal(1, r.Code);
            Assert.Equal("", r.Out);
            var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1, r.Err);
            Assert.Equal("dose-escalation: error: " + expected, lines[0]);
            Assert.False(File.Exists(Path.Combine(dir, "result.csv")));
        }

        Refused("batches 8..11 of 12 are missing: no part has them (merge every shard; the parts given cover 0..3, 4..7)", "p0.json", "p1.json");
        Refused("batches 0..3 of 12 are missing: no part has them (merge every shard; the parts given cover 4..7, 8..11)", "p2.json", "p1.json");
        Refused("p1.json is given twice: merge each shard once", "p0.json", "p1.json", "p1.json", "p2.json");
        Refused("foreign.json is not a shard of the same run as p0.json: seed 99, not 11", "p0.json", "foreign.json", "p2.json");
        Refused("compare.json is not a shard of the same run as p0.json: verb compare, not simulate", "p0.json", "compare.json", "p2.json");
        Refused("junk.json: not a dose-escalation partial result (no \"format\" field); a shard writes one with --shard I/N --out FILE", "p0.json", "junk.json");
        Refused("nothing.json: no such file", "p0.json", "nothing.json");
    }
}
