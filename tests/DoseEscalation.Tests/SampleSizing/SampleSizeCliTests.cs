using System.Text.Json;
using DoseEscalation.Tests.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.SampleSizing;

public class SampleSizeCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliEntry.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static string File13 => Path.Combine(Repo.Root, "scenarios", "henan-bcma-car-nk-13-patients.yaml");

    public static TheoryData<string, string> FilesAndFormats()
    {
        var data = new TheoryData<string, string>();
        foreach (var f in Repo.ScenarioFiles())
            foreach (var format in new[] { "table", "md", "json" }) data.Add(Path.GetFileName(f), format);
        return data;
    }

    [Theory]
    [MemberData(nameof(FilesAndFormats))]
    public void Every_scenario_file_gives_a_samplesize_report(string name, string format)
    {
        var (code, output, err) = Run("samplesize", Path.Combine(Repo.Root, "scenarios", name), "--format", format, "--quiet", "--n", "13");
        Assert.Equal("", err);
        Assert.Equal(0, code);
        Assert.Contains("exact", output);
        Assert.Contains("13 enrolled patients suffice in", output);
        if (format == "json")
        {
            using var doc = JsonDocument.Parse(output);
            Assert.Equal("exact", doc.RootElement.GetProperty("engine").GetString());
        }
        if (format == "md") Assert.StartsWith("## Statistical considerations", output);
    }

    [Fact]
    public void The_13_patient_file_reports_per_scenario_sufficiency_and_the_90pct_n()
    {
        var (code, output, _) = Run("samplesize", File13, "--n", "13");
        Assert.Equal(0, code);
        Assert.Contains("non-evaluable rate 10% (replaced)", output);
        Assert.Contains("P(enrolled N <= 13) = ", output);
        Assert.Contains("patients cover 90% of trials in the worst scenario", output);
        Assert.Contains("DL3: 0.6-1.2 x 10^7 CAR-NK cells/kg", output);
        Assert.Contains("unbounded", output);
    }

    [Fact]
    public void Json_summary_matches_the_scenarios_and_the_file_model()
    {
        var (code, output, _) = Run("samplesize", File13, "--format", "json", "--expansion", "3", "--coverage", "0.8");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        var model = root.GetProperty("model");
        Assert.Equal(0.1, model.GetProperty("non_evaluable_rate").GetDouble());
        Assert.Equal(3, model.GetProperty("expansion_cohort").GetInt32());
        Assert.Equal(13, model.GetProperty("planned_n").GetInt32());
        Assert.Equal(0.8, model.GetProperty("coverage").GetDouble());
        var scenarios = root.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal(4, scenarios.Count);
        int recommended = root.GetProperty("summary").GetProperty("recommended_n").GetInt32();
        Assert.Equal(scenarios.Max(s => s.GetProperty("coverage_n").GetInt32()), recommended);
        foreach (var s in scenarios)
        {
            Assert.Equal(JsonValueKind.Null, s.GetProperty("max_enrolled").ValueKind);
            Assert.Equal(s.GetProperty("enrolled_quantiles").GetProperty("0.8").GetInt32(), s.GetProperty("coverage_n").GetInt32());
            double total = s.GetProperty("enrolled_distribution").EnumerateArray().Sum(e => e.GetDouble()) + s.GetProperty("truncated_mass").GetDouble();
            Assert.Equal(1.0, total, 12);
        }
    }

    [Theory]
    [InlineData("table", "Engine: Monte Carlo (40000 simulated trials per scenario, seed 5")]
    [InlineData("md", "Seed 5, 40000 simulated trials per scenario.")]
    [InlineData("json", "\"engine\": \"monte-carlo\"")]
    public void Monte_carlo_fallback_is_named_in_every_format(string format, string expected)
    {
        var (code, output, _) = Run("samplesize", "--dlt", "0.1,0.2,0.4", "--non-evaluable", "0.1", "--n", "13", "--format", format,
            "--max-states", "10", "--trials", "40000", "--seed", "5");
        Assert.Equal(0, code);
        Assert.Contains(expected, output);
        Assert.DoesNotContain("exact (all", output);
    }

    [Fact]
    public void Exact_is_named_in_markdown()
    {
        var (code, output, _) = Run("samplesize", "--dlt", "0.1,0.2,0.4", "--non-evaluable", "0.1", "--n", "13", "--format", "md");
        Assert.Equal(0, code);
        Assert.Contains("engine: exact", output);
        Assert.Contains("Exact: no simulated trials, no seed.", output);
    }

    [Theory]
    [InlineData("--non-evaluable", "1.2", "--non-evaluable 1.2: must be a probability in [0, 0.95)")]
    [InlineData("--non-evaluable", "-0.1", "--non-evaluable -0.1: must be a probability in [0, 0.95)")]
    [InlineData("--coverage", "0", "--coverage 0: must be strictly between 0 and 1")]
    [InlineData("--coverage", "1", "--coverage 1: must be strictly between 0 and 1")]
    [InlineData("--n", "0", "--n 0: must be at least 1")]
    [InlineData("--expansion", "-1", "--expansion -1: must be 0 or more")]
    [InlineData("--min-responses", "0", "--min-responses 0: must be at least 1")]
    [InlineData("--format", "csv", "--format csv: expected table, md or json")]
    public void Bad_input_is_one_line_exit_1_and_no_output_file(string option, string value, string message)
    {
        string dir = Path.Combine(Path.GetTempPath(), "de-samplesize-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string outPath = Path.Combine(dir, "out.md");
            var (code, output, err) = Run("samplesize", File13, option, value, "--out", outPath);
            Assert.Equal(1, code);
            Assert.Equal("", output);
            Assert.Equal($"dose-escalation: error: {message}\n", err.Replace("\r\n", "\n"));
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Out_writes_the_markdown_file()
    {
        string path = Path.Combine(Path.GetTempPath(), "de-samplesize-" + Guid.NewGuid().ToString("N") + ".md");
        try
        {
            var (code, output, _) = Run("samplesize", File13, "--format", "md", "--out", path);
            Assert.Equal(0, code);
            Assert.Equal("", output);
            Assert.Contains("**Sample size.** With up to 18 evaluable patients and a 10% non-evaluable rate, 13 enrolled patients suffice in", File.ReadAllText(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Docs_example_is_the_current_output()
    {
        string docs = File.ReadAllText(Path.Combine(Repo.Root, "docs", "protocol.md")).Replace("\r\n", "\n");
        // The docs were made from the repository root with a relative path; the test passes an absolute one.
        string Relative(string output) => output.Replace(Repo.Root + Path.DirectorySeparatorChar, "");
        var md = Relative(Run("samplesize", File13, "--n", "13", "--format", "md").Out);
        string quoted = string.Join("\n", md.TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? ">" : "> " + l));
        Assert.Contains(quoted, docs);
        Assert.Contains(Relative(Run("samplesize", File13, "--n", "13").Out), docs);
    }
}
