using System.Text.Json.Nodes;
using DoseEscalation.Sharding;
using DoseEscalation.Tests.Reliability;
using DoseEscalation.Tests.Scenarios;

namespace DoseEscalation.Tests.Cluster;

/// <summary>
/// merge refuses damaged or edited parts in one line naming the part, whether the edit left the
/// digest stale (caught by counters_sha256) or recomputed it (caught by the counters' own
/// identities or the run's trial count); each case has its valid twin, which merges.
/// </summary>
public class MergeIntegrityTests
{
    private static readonly string[] Run = ["simulate", "--dlt", "0.1,0.2,0.35", "--trials", "1000", "--batch-size", "300", "--seed", "4", "--quiet"];

    private static (string Dir, string P0, string P1) Parts(params string[] extra)
    {
        string dir = CliHarness.TempDir();
        string p0 = Path.Combine(dir, "p0.json"), p1 = Path.Combine(dir, "p1.json");
        Assert.Equal(0, CliHarness.Run([.. Run, .. extra, "--shard", "0/2", "--out", p0]).Code);
        Assert.Equal(0, CliHarness.Run([.. Run, .. extra, "--shard", "1/2", "--out", p1]).Code);
        return (dir, p0, p1);
    }

    /// <summary>Edits the part's counters; with <paramref name="redigest"/> the digest is recomputed, as a careful forger would.</summary>
    private static void Edit(string part, Action<JsonNode> edit, bool redigest = true)
    {
        var root = JsonNode.Parse(File.ReadAllText(part))!;
        edit(root["counters"]!);
        if (redigest)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(root["counters"]!.ToJsonString());
            root["counters_sha256"] = PartialResult.Sha256(PartialResult.Canonical(doc.RootElement));
        }
        File.WriteAllText(part, root.ToJsonString());
    }

    private static string Refused(string p0, string p1, string dir)
    {
        string outPath = Path.Combine(dir, "merged.csv");
        var r = CliHarness.Run("merge", p0, p1, "--out", outPath);
        Assert.Equal(1, r.Code);
        Assert.False(File.Exists(outPath));
        Assert.DoesNotContain("\n", r.Err.Trim());
        Assert.DoesNotContain("   at ", r.Err);
        return r.Err.Trim();
    }

    [Fact]
    public void The_valid_twin_merges_to_the_single_run()
    {
        var (dir, p0, p1) = Parts();
        var r = CliHarness.Run("merge", p0, p1, "--format", "csv");
        Assert.Equal(0, r.Code);
        Assert.Equal(CliHarness.Run([.. Run, "--format", "csv"]).Out, r.Out);
    }

    [Fact]
    public void A_reindented_part_merges_as_written()
    {
        var (_, p0, p1) = Parts();
        var root = JsonNode.Parse(File.ReadAllText(p1))!;
        File.WriteAllText(p1, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var r = CliHarness.Run("merge", p0, p1, "--format", "json");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(CliHarness.Run([.. Run, "--format", "json"]).Out, r.Out);
    }

    [Fact]
    public void An_edit_that_leaves_the_digest_stale_is_refused_naming_the_part()
    {
        var (dir, p0, p1) = Parts();
        Edit(p1, c => c[0]!["selection"]![1] = c[0]!["selection"]![1]!.GetValue<long>() + 1, redigest: false);
        Assert.Equal($"dose-escalation: error: {p1}: the counters do not match their counters_sha256 (the part was edited or damaged)", Refused(p0, p1, dir));
    }

    [Theory]
    [InlineData("selection-not-summing", "the selection counts add up to")]
    [InlineData("swapped", "add up to")]
    [InlineData("halved-weight", "add up to")]
    [InlineData("negative", "is negative")]
    [InlineData("n-sq-max", "n_sq add up to")]
    [InlineData("true-mtd-99", "true_mtd_level 99")]
    [InlineData("untried-past-selected", "selected_untried")]
    [InlineData("untried-missing", "no selected_untried counter: written by a version before p_select_untried")]
    public void Counters_that_break_their_identities_are_refused_naming_the_part(string edit, string message)
    {
        var (dir, p0, p1) = Parts();
        Edit(p1, c =>
        {
            var t = c[0]!;
            switch (edit)
            {
                case "selection-not-summing": t["selection"]![0] = t["selection"]![0]!.GetValue<long>() + 1000; break;
                case "swapped": (t["selection"]![0], t["patients_sum"]![0]) = (t["patients_sum"]![0]!.GetValue<long>(), t["selection"]![0]!.GetValue<long>()); break;
                case "halved-weight": t["weight"] = t["weight"]!.GetValue<long>() / 2; break;
                case "negative": t["above_sum"] = -5; break;
                case "n-sq-max": t["n_sq"] = long.MaxValue; break;
                case "true-mtd-99": t["true_mtd_level"] = 99; break;
                case "untried-missing": t.AsObject().Remove("selected_untried"); break;
                case "untried-past-selected": t["selected_untried"] = t["weight"]!.GetValue<long>() - t["selection"]![0]!.GetValue<long>() + 1; break;
            }
        });
        string err = Refused(p0, p1, dir);
        Assert.StartsWith($"dose-escalation: error: {p1}: damaged counters of scenario 1 (", err);
        Assert.Contains(message, err);
    }

    [Fact]
    public void Parts_that_add_up_but_count_other_trials_than_the_run_are_refused()
    {
        // Both parts consistent, one of them a copy of the other's counters for fewer trials: the sum is not the run's 1,000 trials.
        var (dir, p0, p1) = Parts();
        var first = JsonNode.Parse(File.ReadAllText(p0))!["counters"]!.ToJsonString();
        Edit(p1, c => { c[0] = JsonNode.Parse(first)![0]!.DeepClone(); });
        Assert.Equal("dose-escalation: error: the parts' counters of scenario 1 count 1,200 trials, not the run's 1,000 (a part was edited or damaged)", Refused(p0, p1, dir));
    }

    [Fact]
    public void Square_sums_past_Int128_or_thousands_of_digits_are_refused()
    {
        // The calendar parts need a timeline: made from a scenario file with one.
        string file = Path.Combine(Repo.Root, "scenarios", "nct06379451-nkg2d-car-nk.yaml");
        string d2 = CliHarness.TempDir();
        string c0 = Path.Combine(d2, "c0.json"), c1 = Path.Combine(d2, "c1.json");
        string[] run = ["simulate", file, "--calendar", "--trials", "600", "--batch-size", "300", "--seed", "2", "--quiet"];
        Assert.Equal(0, CliHarness.Run([.. run, "--shard", "0/2", "--out", c0]).Code);
        Assert.Equal(0, CliHarness.Run([.. run, "--shard", "1/2", "--out", c1]).Code);
        foreach (var (value, message) in new[] { ("170141183460469231731687303715884105728", "below 2^127"), (new string('9', 5000), "at most 39 digits") })
        {
            File.Copy(c1, c1 + ".bak", overwrite: true);
            Edit(c1, c => c[0]!["duration_sq"] = value);
            Assert.Contains(message, Refused(c0, c1, d2));
            File.Copy(c1 + ".bak", c1, overwrite: true);
        }
        Edit(c1, c => c[0]!["duration_days"]!["first"] = int.MaxValue);
        Assert.Contains("duration_days runs past day", Refused(c0, c1, d2));
    }

    [Fact]
    public void A_folder_as_a_part_is_named_as_a_folder()
    {
        var (dir, p0, _) = Parts();
        string folder = Path.Combine(dir, "folder.json");
        Directory.CreateDirectory(folder);
        Assert.Equal($"dose-escalation: error: {folder}: is a folder, not a partial result", Refused(p0, folder, dir));
    }
}
