using DoseEscalation.Application;
using DoseEscalation.Sweeps;
using static DoseEscalation.Tests.Reliability.CliHarness;

namespace DoseEscalation.Tests.Reliability;

/// <summary>Hostile input to the newer features (issue 24), each beside the input that works.</summary>
public class HostileInputTests
{
    private const string Grid = "doses: 3\ntrials: 200\nbatch_size: 100\ndesigns: [3+3]\nscenarios:\n  - name: a\n    dlt: [0.05, 0.2, 0.4]\n  - name: b\n    dlt: [0.1, 0.3, 0.5]\n";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_resumed_sweep_refuses_an_edited_state_cell_and_resumes_from_an_intact_one(bool edit)
    {
        string dir = TempDir();
        string grid = Path.Combine(dir, "grid.yaml"), state = Path.Combine(dir, "state"), outPath = Path.Combine(dir, "out.csv");
        File.WriteAllText(grid, Grid);
        // A run whose output was never written leaves its finished cells in the state folder.
        SweepRuns.Run(new SweepRequest { Grid = grid, State = state, StateGiven = true });
        string cell = Path.Combine(state, "cell-0000000.json");
        Assert.True(File.Exists(cell));
        if (edit)
        {
            // The selection of no dose raised by 90 trials, the dose-1 count lowered by as many: still summing, but the digest no longer matches.
            string text = File.ReadAllText(cell);
            var m = System.Text.RegularExpressions.Regex.Match(text, "\"selection\":\\[(\\d+),(\\d+)");
            Assert.True(m.Success);
            long none = long.Parse(m.Groups[1].Value), d1 = long.Parse(m.Groups[2].Value);
            File.WriteAllText(cell, text.Replace(m.Value, $"\"selection\":[{none + Math.Min(90, d1)},{d1 - Math.Min(90, d1)}"));
        }
        var r = Run("sweep", grid, "--state", state, "--out", outPath, "--quiet");
        if (edit)
        {
            Assert.Equal(1, r.Code);
            Assert.Contains($"{cell}: damaged state file (its counters do not match their tally_sha256", r.Err);
            Assert.False(File.Exists(outPath));
        }
        else
        {
            Assert.True(r.Code == 0, r.Err);
            Assert.Equal(Run("sweep", grid, "--quiet").Out, File.ReadAllText(outPath));
        }
    }

    [Fact]
    public void Scenarios_whose_names_make_one_file_name_get_a_chart_each()
    {
        Assert.Equal(["a-b", "a-b-2", "a-b-3", "scenario-4"], Charts.FileNames(["a/b", "a b", "a?b", "???"]));
        string dir = TempDir();
        string file = Path.Combine(dir, "t.yaml");
        File.WriteAllText(file, "trial:\n  name: T\ndoses: [DL1, DL2, DL3]\ndesign: 3+3\nscenarios:\n  - name: a/b\n    dlt: [0.05, 0.2, 0.4]\n  - name: a b\n    dlt: [0.1, 0.2, 0.3]\n  - name: a?b\n    dlt: [0.2, 0.3, 0.4]\n");
        string charts = Path.Combine(dir, "charts");
        var r = Run("plot", file, "--charts", "samplesize", "--format", "svg", "--out", charts, "--quiet");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal<string>(["sample-size-a-b-2.svg", "sample-size-a-b-3.svg", "sample-size-a-b.svg"], Directory.GetFiles(charts).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Control_characters_from_the_data_reach_the_error_line_as_escapes()
    {
        string dir = TempDir();
        string data = Path.Combine(dir, "p.csv");
        File.WriteAllText(data, "patient,dose,dlt\n1,1,0\n2,\u001b[31m1\u0000\u007f,0\n");
        var r = Run("next", "--dlt", "0.1,0.2,0.3", "--data", data);
        Assert.Equal(1, r.Code);
        string line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain('\u001b', line);
        Assert.DoesNotContain('\u0000', line);
        Assert.DoesNotContain('\u007f', line);
        Assert.Contains("\\u001B", line);
        // The valid twin.
        File.WriteAllText(data, "patient,dose,dlt\n1,1,0\n2,1,0\n");
        Assert.Equal(0, Run("next", "--dlt", "0.1,0.2,0.3", "--data", data, "--allow-deviations").Code);
    }

    [Fact]
    public void Next_in_markdown_keeps_dose_labels_inert()
    {
        string dir = TempDir();
        string file = Path.Combine(dir, "t.yaml");
        File.WriteAllText(file, "trial:\n  name: T\ndoses:\n  - label: \"DL1 | <script>alert(1)</script>\"\n  - label: \"<img src=x onerror=alert(1)>\"\n  - label: DL3\ndesign: 3+3\nscenarios:\n  - name: a\n    dlt: [0.05, 0.2, 0.4]\n");
        var r = Run("next", file, "--data", "1NNN 2NNN", "--format", "md");
        Assert.True(r.Code == 0, r.Err);
        // Escaped with a backslash, Markdown shows them as text.
        Assert.DoesNotMatch(@"(?<!\\)<script", r.Out);
        Assert.DoesNotMatch(@"(?<!\\)<img", r.Out);
        Assert.Contains("DL1 \\| \\<script>alert(1)\\</script>", r.Out);
        // Every table row keeps its cell count: the label's '|' does not open a cell.
        foreach (var row in r.Out.Split('\n').Where(l => l.StartsWith("| DL1", StringComparison.Ordinal)))
            Assert.Equal(5, row.Replace("\\|", "").Count(c => c == '|'));
    }
}
