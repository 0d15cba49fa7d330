using System.Text.Json;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Efficacy;

/// <summary>simulate, exact and compare run BOIN12 from a scenario file; a scenario without responses is refused by name.</summary>
public class Boin12CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("boin12-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string scenarios)
    {
        string path = Path.Combine(_dir, "t.yaml");
        System.IO.File.WriteAllText(path, $"""
            trial:
              name: t
            doses: [A, B, C]
            designs:
              - name: boin12
                max_n: 12
              - name: boin
                max_n: 12
            target: 0.3
            scenarios:
            {scenarios}
            """);
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        return (CliEntry.Run(args, o, e), o.ToString(), e.ToString());
    }

    private const string WithResponse = "  - name: s\n    dlt: [0.05, 0.15, 0.4]\n    response: [0.1, 0.4, 0.5]\n";

    [Fact]
    public void Simulate_exact_and_compare_run_boin12_and_report_the_obd()
    {
        string f = File(WithResponse);
        var (code, output, err) = Run("exact", f, "--design", "boin12", "--format", "json", "--quiet");
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(output))
        {
            var opt = doc.RootElement.GetProperty("scenarios")[0].GetProperty("dose_optimisation");
            Assert.Equal(2, opt.GetProperty("true_obd").GetInt32());
            Assert.InRange(opt.GetProperty("p_select_obd").GetDouble(), 0.01, 1);
            Assert.Equal("independent", opt.GetProperty("association").GetString());
            var cell = opt.GetProperty("cells")[1].EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.Equal([0.15 * 0.4, 0.15 * 0.6, 0.85 * 0.4, 0.85 * 0.6], cell, (x, y) => Math.Abs(x - y) < 1e-15);
        }
        (code, output, err) = Run("simulate", f, "--design", "boin12", "--trials", "2000", "--seed", "3", "--format", "csv", "--quiet");
        Assert.True(code == 0, err);
        Assert.Contains("p_select_obd", output);
        (code, output, err) = Run("compare", f, "--trials", "2000", "--seed", "3", "--quiet");
        Assert.True(code == 0, err);
        Assert.Contains("true OBD: B", output);
    }

    [Fact]
    public void Calendar_simulate_compare_and_samplesize_run_boin12()
    {
        string f = File(WithResponse + "timeline:\n  accrual_interval_days: 10\n  dlt_window_days: 28\n  response_days: 56\n");
        var (code, output, err) = Run("simulate", f, "--design", "boin12", "--calendar", "--trials", "2000", "--seed", "3", "--format", "json", "--quiet");
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(output))
        {
            var sc = doc.RootElement.GetProperty("scenarios")[0];
            Assert.True(sc.TryGetProperty("dose_optimisation", out _));
            Assert.True(sc.TryGetProperty("efficacy", out _));
            // Four cohorts of 3, each waiting for its last day-56 response: 30 + 56 = 86, then 142, 198 and 254
            // (a trial that stops early, all doses eliminated, ends sooner).
            var duration = sc.GetProperty("calendar").GetProperty("duration");
            Assert.Equal(254, duration.GetProperty("median").GetDouble());
            Assert.InRange(duration.GetProperty("mean").GetDouble(), 250, 254);
        }
        (code, output, err) = Run("compare", f, "--calendar", "--trials", "2000", "--seed", "3", "--quiet");
        Assert.True(code == 0, err);
        Assert.Contains("boin12", output);
        (code, output, err) = Run("samplesize", f, "--design", "boin12", "--trials", "2000", "--seed", "3", "--quiet");
        Assert.True(code == 0, err);
        Assert.Contains("expected responders at the selected dose", output);
    }

    [Fact]
    public void Report_for_boin12_has_the_dose_optimisation_section_and_chart()
    {
        string f = File(WithResponse);
        string md = Path.Combine(_dir, "r.md");
        var (code, _, err) = Run("report", f, "--design", "boin12", "--out", md, "--format", "md", "--quiet");
        Assert.True(code == 0, err);
        string text = System.IO.File.ReadAllText(md);
        Assert.Contains("## Dose optimisation", text);
        Assert.Contains("| s |", text);
        Assert.True(System.IO.File.Exists(Path.Combine(_dir, "r-dose-optimisation.svg")));
    }

    [Fact]
    public void Report_for_boin12_on_a_calendar_has_its_sample_size_and_its_durations()
    {
        string f = File(WithResponse + "timeline:\n  accrual_interval_days: 10\n  dlt_window_days: 28\n  response_days: 56\n");
        string md = Path.Combine(_dir, "c.md");
        var (code, _, err) = Run("report", f, "--design", "boin12", "--designs", "boin12,boin", "--trials", "2000", "--compare-trials", "2000", "--out", md, "--format", "md", "--quiet");
        Assert.True(code == 0, err);
        string text = System.IO.File.ReadAllText(md);
        // The sample-size section is the simulation's (BOIN12 has no DLT state graph), no longer only P(N <= n).
        Assert.Contains("as `dose-escalation samplesize` computes them; engine: Monte Carlo", text);
        // On the calendar BOIN12 waits for each cohort's day-56 responses: 4 cohorts end on day 254 (max_n 12).
        Assert.Contains("| s | boin12 |", text);
        Assert.Contains("| 254 \\[254, 254\\] |", text);
    }

    [Fact]
    public void Next_reads_responses_and_explains_boin12s_ranking()
    {
        // escalation's phase I/II notation: N neither, T DLT, E response, B both.
        var (code, output, err) = Run("next", File(WithResponse), "--design", "boin12", "--data", "1NEN 2ENB", "--format", "json");
        Assert.True(code == 0, err);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var root = json.RootElement;
        var perDose = root.GetProperty("per_dose");
        Assert.Equal(1, perDose[0].GetProperty("responses").GetInt32());
        Assert.Equal(2, perDose[1].GetProperty("responses").GetInt32());
        // Dose 2: 1 DLT, 2 responses in 3: x = (40 x 2 + 60 x 2) / 100 = 2, Beta(3, 2);
        // desirability 1 - (4 t^3 - 3 t^4) at t = 0.715 (the benchmark 71.5) = 0.32194.
        double t = 0.715, expected = 1 - (4 * Math.Pow(t, 3) - 3 * Math.Pow(t, 4));
        Assert.Equal(expected, root.GetProperty("quantities").GetProperty("desirability_dose_2").GetDouble(), 12);
        // The design's own decision on these counts, with the responses.
        var design = DoseEscalation.Tests.Designs.Build.Design("boin12", 3, 0.3, ("max_n", 12), ("target_e", 0.25));
        var decision = design.Decide(new TrialState([3, 3, 0], [0, 1, 0], [1, 2, 0], 1, 1, 6));
        Assert.Equal(decision.Level + 1, root.GetProperty("decision").GetProperty("dose").GetInt32());
    }

    [Fact]
    public void Next_refuses_boin12_data_without_responses_in_one_line()
    {
        string csv = Path.Combine(_dir, "no-response.csv");
        System.IO.File.WriteAllText(csv, "patient,dose,dlt\n1,1,0\n2,1,0\n3,1,0\n");
        var (code, output, err) = Run("next", File(WithResponse), "--design", "boin12", "--data", csv);
        Assert.Equal(1, code);
        Assert.Contains("patient 1: no response recorded", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Equal("", output);
    }

    [Fact]
    public void A_scenario_without_responses_is_refused_for_boin12()
    {
        var (code, _, err) = Run("simulate", File("  - name: s\n    dlt: [0.05, 0.15, 0.4]\n"), "--design", "boin12", "--trials", "100");
        Assert.Equal(1, code);
        Assert.Contains("scenario 's' has no response probabilities", err);
        Assert.DoesNotContain("   at ", err);
    }
}

/// <summary>The BOIN12 example in docs/examples runs, and its exact numbers are those quoted in docs/designs/boin12.md.</summary>
public class Boin12ExampleTests
{
    [Fact]
    public void The_docs_example_runs_exact_with_the_quoted_numbers()
    {
        var file = DoseEscalation.Scenarios.ScenarioFileReader.Load(Path.Combine(DoseEscalation.Tests.Scenarios.Repo.Root, "docs", "examples", "boin12-bcma-car-nk.yaml"));
        var setup = DoseEscalation.Scenarios.DesignSetup.Resolve(DoseEscalation.Designs.Configuration.DesignCatalog.Default, file.Designs[0], file.Common, file.Doses.Count, file.Target);
        var results = file.Scenarios.Select(s => DoseEscalation.Engines.ExactEngine.Run(setup.Design, s, file.Target)).ToList();
        Assert.Equal(new[] { 2, 3, 2 }, results.Select(r => r.DoseOptimisation!.ObdLevel + 1)); // 1-based: DL2, DL3, DL2
        // The authors' final selection (final_efficacy: unimodal, the default).
        Assert.Equal(new[] { 0.5840, 0.6359, 0.5676 }, results.Select(r => Math.Round(r.DoseOptimisation!.SelectObd.Value, 4)));
        Assert.All(results, r => Assert.Equal(88_867, r.StateCount));
        // The smoothed observed rates (final_efficacy: observed), the rule before the authors' was adopted: the numbers the doc quotes for it.
        var observed = new DoseEscalation.Designs.Boin12(3, 0.3, 0.25, cohortSize: 3, maxN: 18, finalEfficacy: DoseEscalation.Designs.Boin12FinalEfficacy.Observed);
        Assert.Equal(setup.Design.Describe().Replace("final efficacy unimodal", "final efficacy observed"), observed.Describe());
        var before = file.Scenarios.Select(s => DoseEscalation.Engines.ExactEngine.Run(observed, s, file.Target)).ToList();
        Assert.Equal(new[] { 0.5377, 0.6607, 0.5233 }, before.Select(r => Math.Round(r.DoseOptimisation!.SelectObd.Value, 4)));
    }
}
