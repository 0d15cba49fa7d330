using System.Text.Json;
using DoseEscalation.Tests.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Cli;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliEntry.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Default_simulate_runs_the_built_in_scenarios()
    {
        var (code, output, err) = Run("simulate", "--trials", "20000", "--seed", "1");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("NCT05008536", output);
        Assert.Contains("Scenario 'all-toxic'", output);
    }

    [Fact]
    public void Json_has_the_documented_keys_and_shapes()
    {
        var (code, output, _) = Run("simulate", "--dlt", "0.10,0.20,0.35", "--trials", "50000", "--seed", "11", "--format", "json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("monte-carlo", root.GetProperty("engine").GetString());
        Assert.Equal("3+3", root.GetProperty("design_name").GetString());
        Assert.Equal(50000, root.GetProperty("trials").GetInt64());
        Assert.Equal(11UL, root.GetProperty("seed").GetUInt64());
        var s = root.GetProperty("scenarios")[0];
        Assert.Equal(4, s.GetProperty("selection").GetArrayLength());
        Assert.Equal(4, s.GetProperty("selection_se").GetArrayLength());
        Assert.Equal(3, s.GetProperty("mean_patients").GetArrayLength());
        Assert.Equal(3, s.GetProperty("mean_dlts").GetArrayLength());
        Assert.Equal(19, s.GetProperty("n_distribution").GetArrayLength());
        Assert.True(s.GetProperty("mean_n").GetDouble() > 3);
        Assert.True(s.GetProperty("mean_total_dlts").GetDouble() > 0);
        Assert.Equal(1.0, s.GetProperty("selection").EnumerateArray().Sum(e => e.GetDouble()), 12);
    }

    [Fact]
    public void Output_is_identical_on_one_and_two_threads()
    {
        string[] args = ["simulate", "--dlt", "0.10,0.20,0.35", "--trials", "300000", "--seed", "11", "--format", "json"];
        var one = Run([.. args, "--threads", "1"]);
        var two = Run([.. args, "--threads", "2"]);
        Assert.Equal(one.Out, two.Out);
    }

    [Fact]
    public void Exact_json_reports_total_probability_and_zero_errors()
    {
        var (code, output, _) = Run("exact", "--dlt", "0.05,0.10,0.20", "--format", "json", "--deescalate", "false");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("exact", doc.RootElement.GetProperty("engine").GetString());
        var s = doc.RootElement.GetProperty("scenarios")[0];
        Assert.Equal(1.0, s.GetProperty("total_probability").GetDouble(), 12);
        Assert.All(s.GetProperty("selection_se").EnumerateArray(), e => Assert.Equal(0, e.GetDouble()));
        Assert.Equal(doc.RootElement.ToString(), Run("simulate", "--engine", "exact", "--dlt", "0.05,0.10,0.20", "--format", "json", "--deescalate", "false").Out is var o ? JsonDocument.Parse(o).RootElement.ToString() : "");
    }

    [Fact]
    public void Csv_is_tidy()
    {
        var (code, output, _) = Run("exact", "--dlt", "0.1,0.2,0.3", "--format", "csv");
        Assert.Equal(0, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal("design,scenario,dose_index,dose_label,quantity,n,value,se,engine,trials,seed,version,design_options", lines[0]);
        // design_options holds no comma for the 3+3 (key=value joined by ';').
        Assert.All(lines.Skip(1), l => Assert.Equal(13, l.Split(',').Length));
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",deescalate=true;expand_top_dose=true;max_n=none;start_dose=1;stop_n_at_dose=none;safety_cutoff=none;safety_doses=none;safety_min_n=none;never_skip=false;accelerated_titration=false;titration_grade2_events=none", l));
        Assert.Contains(lines, l => l.StartsWith("3+3,command-line,2,DL2,selection,,"));
        Assert.Contains(lines, l => l.StartsWith("3+3,command-line,,,p_select_no_dose,,"));
        Assert.Contains(lines, l => l.StartsWith("3+3,command-line,,,n_distribution,9,"));
    }

    [Fact]
    public void Paths_lists_each_outcome_with_its_probability()
    {
        var (code, output, _) = Run("exact", "--dlt", "0.1,0.2,0.3", "--paths", "2", "--format", "csv");
        Assert.Equal(0, code);
        var rows = output.TrimEnd().Split('\n').Skip(1).ToList();
        // First cohort: 4 outcomes; 0/3 and 1/3 continue (4 each), 2/3 and 3/3 stop: 10 rows.
        Assert.Equal(10, rows.Count);
        double total = rows.Sum(r => double.Parse(r.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1.0, total, 12);
        Assert.Contains(rows, r => r.StartsWith("command-line,1:0/3 2:0/3,2,"));
    }

    [Theory]
    [InlineData("--dlt 0.1,1.3,0.2", "--dlt 0.1,1.3,0.2: 1.3 is not a probability in [0, 1]")]
    [InlineData("--dlt 0.1,x", "--dlt 0.1,x: 'x' is not a number")]
    [InlineData("--design foo", "unknown design 'foo'")]
    [InlineData("--trials 0", "--trials 0: must be at least 1")]
    [InlineData("--deescalate perhaps", "--deescalate perhaps: expected true or false")]
    [InlineData("--format xml", "--format xml: expected table, csv or json")]
    [InlineData("--target 1.5", "--target 1.5: must be strictly between 0 and 1")]
    [InlineData("/no/such/file.yaml", "/no/such/file.yaml: file: no such file")]
    public void Bad_input_is_one_line_and_exit_code_1(string args, string message)
    {
        string outFile = Path.Combine(Path.GetTempPath(), $"de-bad-{Guid.NewGuid():N}.json");
        string[] trials = args.Contains("--trials") ? [] : ["--trials", "1000"];
        var (code, output, err) = Run(["simulate", .. args.Split(' '), .. trials, "--out", outFile]);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains(message, err);
        Assert.StartsWith("dose-escalation: error: ", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.False(File.Exists(outFile));
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(outFile)}*"));
    }

    [Fact]
    public void Bad_scenario_file_names_file_field_and_line()
    {
        string dir = Directory.CreateTempSubdirectory("de-test").FullName;
        string path = Path.Combine(dir, "bad.yaml");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(Repo.Root, "scenarios", "nct05008536-bcma-car-nk.yaml")).Replace("[0.05, 0.10, 0.15]", "[0.05, 1.3, 0.15]"));
        string outFile = Path.Combine(dir, "out.json");
        var (code, _, err) = Run("simulate", path, "--out", outFile);
        Assert.Equal(1, code);
        Assert.Matches(@"^dose-escalation: error: .*bad\.yaml:\d+: scenarios\[0\]\.dlt\[1\] = 1\.3: a probability must be in \[0, 1\]\n$", err.Replace("\r", ""));
        Assert.False(File.Exists(outFile));
    }

    [Fact]
    public void Unknown_verb_or_option_is_usage_error_2()
    {
        Assert.Equal(2, Run("frobnicate").Code);
        Assert.Equal(2, Run("simulate", "--no-such-option").Code);
        Assert.Equal(0, Run("--help").Code);
        Assert.Equal(0, Run("simulate", "--help").Code);
    }

    [Fact]
    public void Out_writes_the_file_and_nothing_to_stdout()
    {
        string outFile = Path.Combine(Directory.CreateTempSubdirectory("de-test").FullName, "r.json");
        var (code, output, _) = Run("exact", "--out", outFile, "--format", "json");
        Assert.Equal(0, code);
        Assert.Equal("", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(outFile));
        Assert.Equal(5, doc.RootElement.GetProperty("scenarios").GetArrayLength());
    }

    [Fact]
    public void Non_monotone_dlt_warns_on_stderr_but_runs()
    {
        var (code, _, err) = Run("exact", "--dlt", "0.3,0.1,0.2");
        Assert.Equal(0, code);
        Assert.Contains("warning", err);
    }
}
