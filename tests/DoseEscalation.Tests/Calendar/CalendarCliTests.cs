using System.Text.Json;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Scenarios;
using DoseEscalation.Tests.Designs;
using DoseEscalation.Tests.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Calendar;

public class CalendarCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliEntry.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static string File(string name) => Path.Combine(Repo.Root, "scenarios", name);

    [Fact]
    public void Simulate_calendar_writes_the_duration_table()
    {
        var (code, output, err) = Run("simulate", File("nct05008536-bcma-car-nk.yaml"), "--calendar", "--trials", "5000", "--seed", "3");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("Calendar (days): Poisson accrual 1.00/month, 20% screening failure, infusion 7 days after enrolment, DLT window 28", output);
        Assert.Contains("duration mean (SE)", output);
        Assert.Contains("P(correct MTD)", output); // the usual OCs come first
    }

    [Fact]
    public void Simulate_calendar_json_and_csv_carry_the_numbers_of_the_library()
    {
        string path = File("crb401-bcma-car-t.yaml");
        var file = ScenarioFileReader.Load(path);
        var design = Build.Design("3+3", 4, 0.3);
        var lib = CalendarEngine.Run(design, file.Scenarios[1], file.Target, file.Timeline!, new MonteCarloOptions { Trials = 4000, Seed = 5 });

        var (code, json, _) = Run("simulate", path, "--calendar", "--trials", "4000", "--seed", "5", "--format", "json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(28, doc.RootElement.GetProperty("timeline").GetProperty("enrolment_to_infusion_days").GetDouble());
        var cal = doc.RootElement.GetProperty("scenarios")[1].GetProperty("calendar");
        Assert.Equal(lib.Duration.Mean, cal.GetProperty("duration").GetProperty("mean").GetDouble());
        Assert.Equal(lib.Duration.P90, cal.GetProperty("duration").GetProperty("p90").GetDouble());
        Assert.Equal(4000, cal.GetProperty("duration").GetProperty("trials_by_day").EnumerateArray().Sum(e => e.GetInt64()));
        Assert.Equal(lib.MeanLost, cal.GetProperty("mean_lost").GetDouble());

        var (code2, csv, _) = Run("simulate", path, "--calendar", "--trials", "4000", "--seed", "5", "--format", "csv");
        Assert.Equal(0, code2);
        string row = csv.Split('\n').Single(l => l.Contains(",mtd-at-dl3,,,duration_mean,"));
        Assert.Equal(lib.Duration.Mean, double.Parse(row.Split(',')[6], System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(csv.Split('\n').Where(l => l.Length > 0), l => Assert.Equal(13, l.Split(',').Length));
    }

    [Fact]
    public void Calendar_without_a_timeline_or_with_exact_is_refused()
    {
        var (code, output, err) = Run("simulate", "--dlt", "0.1,0.2,0.3", "--calendar", "--trials", "100");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("has no timeline: block", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        var (code2, _, err2) = Run("simulate", File("crb401-bcma-car-t.yaml"), "--calendar", "--engine", "exact");
        Assert.Equal(2, code2);
        Assert.Contains("--calendar", err2);
    }

    [Fact]
    public void Compare_calendar_gives_paired_differences_as_the_library()
    {
        string path = File("crb401-bcma-car-t.yaml");
        var file = ScenarioFileReader.Load(path);
        var lib = CalendarCompare.Run([Build.Design("3+3", 4, 0.3), Build.Design("rolling-six", 4, 0.3)], file.Scenarios[0], file.Target, file.Timeline!,
            new MonteCarloOptions { Trials = 3000, Seed = 8 });
        var (code, json, err) = Run("compare", path, "--calendar", "--designs", "3+3,rolling-six", "--trials", "3000", "--seed", "8", "--format", "json");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        using var doc = JsonDocument.Parse(json);
        var six = doc.RootElement.GetProperty("scenarios")[0].GetProperty("designs")[1];
        Assert.Equal("rolling-six", six.GetProperty("design").GetString());
        Assert.Equal(lib.AgainstFirst[1].MeanDifference, six.GetProperty("duration_mean_diff_vs_first").GetDouble());
        Assert.Equal(lib.Results[1].Duration.Mean, six.GetProperty("duration").GetProperty("mean").GetDouble());

        var (code2, table, _) = Run("compare", path, "--calendar", "--designs", "3+3,rolling-six", "--trials", "3000", "--seed", "8");
        Assert.Equal(0, code2);
        Assert.Contains("vs 3+3 (days, SE)", table);
        var (code3, csv, _) = Run("compare", path, "--calendar", "--designs", "3+3,rolling-six", "--trials", "3000", "--seed", "8", "--format", "csv");
        Assert.Equal(0, code3);
        Assert.Contains("rolling-six,all-safe,,,duration_mean_diff_vs_first,", csv);
        Assert.All(csv.Split('\n').Where(l => l.Length > 0), l => Assert.Equal(13, l.Split(',').Length));
    }

    [Fact]
    public void Compare_calendar_csv_is_compares_tidy_csv_with_the_durations_and_its_numbers_are_the_jsons()
    {
        string path = Path.Combine(Repo.Root, "docs", "examples", "rolling-six-skolnik.yaml");
        string[] run = ["compare", path, "--calendar", "--designs", "3+3,rolling-six,tite-boin", "--trials", "1500", "--seed", "11"];
        var (code, csv, err) = Run([.. run, "--format", "csv"]);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        var (code2, json, _) = Run([.. run, "--format", "json"]);
        Assert.Equal(0, code2);
        var rows = DoseEscalation.Tests.Reporting.CsvTests.Parse(csv);
        Assert.Equal(DoseEscalation.Reporting.Formats.CsvReport.Columns, rows[0]);
        var body = rows.Skip(1).ToList();
        Assert.All(body, r => Assert.Equal("calendar", r[8]));
        Assert.All(body, r => Assert.Equal("1500", r[9]));
        Assert.All(body, r => Assert.Equal("11", r[10]));
        Assert.All(body, r => Assert.False(string.IsNullOrEmpty(r[12])));
        // One value per (design, scenario, dose index, quantity, n).
        double Value(string design, string scenario, string quantity, string dose = "")
        {
            var hit = body.Where(r => r[0] == design && r[1] == scenario && r[2] == dose && r[4] == quantity && r[5] == "").ToList();
            Assert.True(hit.Count == 1, $"{design} {scenario} {quantity} {dose}: {hit.Count} rows");
            return double.Parse(hit[0][6], System.Globalization.CultureInfo.InvariantCulture);
        }
        double Se(string design, string scenario, string quantity) =>
            double.Parse(body.Single(r => r[0] == design && r[1] == scenario && r[2] == "" && r[4] == quantity)[7], System.Globalization.CultureInfo.InvariantCulture);
        using var doc = JsonDocument.Parse(json);
        int checkedDesigns = 0;
        foreach (var sc in doc.RootElement.GetProperty("scenarios").EnumerateArray())
        {
            string name = sc.GetProperty("name").GetString()!;
            int i = 0;
            foreach (var d in sc.GetProperty("designs").EnumerateArray())
            {
                string label = d.GetProperty("design").GetString()!;
                foreach (var q in new[] { "p_correct_selection", "mean_n", "mean_total_dlts", "mean_lost", "mean_waited", "mean_wait_days" })
                    Assert.Equal(d.GetProperty(q).GetDouble(), Value(label, name, q));
                foreach (var s in new[] { "duration", "time_to_decision" })
                {
                    var summary = d.GetProperty(s);
                    foreach (var f in new[] { "mean", "sd", "median", "p10", "p90" })
                        Assert.Equal(summary.GetProperty(f).GetDouble(), Value(label, name, $"{s}_{f}"));
                    Assert.Equal(summary.GetProperty("se").GetDouble(), Se(label, name, $"{s}_mean"));
                }
                var selection = d.GetProperty("selection").EnumerateArray().Select(e => e.GetDouble()).ToList();
                Assert.Equal(selection[0], Value(label, name, "p_select_no_dose"));
                for (int k = 1; k < selection.Count; k++)
                    Assert.Equal(selection[k], Value(label, name, "selection", k.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Assert.Equal(1.0, selection.Sum(), 12);
                if (i > 0)
                {
                    Assert.Equal(d.GetProperty("duration_mean_diff_vs_first").GetDouble(), Value(label, name, "duration_mean_diff_vs_first"));
                    Assert.Equal(d.GetProperty("duration_mean_diff_vs_first_se").GetDouble(), Se(label, name, "duration_mean_diff_vs_first"));
                    Assert.Equal(d.GetProperty("p_shorter_than_first").GetDouble(), Value(label, name, "p_shorter_than_first"));
                }
                else Assert.DoesNotContain(body, r => r[0] == label && r[1] == name && r[4] == "duration_mean_diff_vs_first");
                i++;
                checkedDesigns++;
            }
        }
        Assert.Equal(3 * 3, checkedDesigns); // three scenarios, three designs
    }

    [Fact]
    public void Compare_calendar_writes_a_duration_chart_per_scenario()
    {
        string dir = Path.Combine(Path.GetTempPath(), "cal-charts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, _, err) = Run("compare", File("crb401-bcma-car-t.yaml"), "--calendar", "--designs", "3+3,rolling-six", "--trials", "2000", "--duration-charts", dir);
            Assert.Equal(0, code);
            Assert.Equal("", err);
            var files = Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(["duration-all-safe.svg", "duration-all-toxic.svg", "duration-mtd-at-dl1.svg", "duration-mtd-at-dl2.svg", "duration-mtd-at-dl3.svg"], files);
            string svg = System.IO.File.ReadAllText(Path.Combine(dir, "duration-mtd-at-dl2.svg"));
            Assert.Contains("3+3 (median", svg);
            Assert.Contains("rolling-six (median", svg);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
        var (code2, _, err2) = Run("compare", File("crb401-bcma-car-t.yaml"), "--duration-charts", dir);
        Assert.Equal(2, code2);
        Assert.Contains("--duration-charts needs --calendar", err2);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Plot_and_report_show_the_duration_of_the_compared_designs_on_the_calendar()
    {
        string dir = Path.Combine(Path.GetTempPath(), "cal-plot-" + Guid.NewGuid().ToString("N"));
        try
        {
            string file = File("crb401-bcma-car-t.yaml");
            var (code, output, err) = Run("plot", file, "--out", dir, "--format", "svg", "--charts", "duration", "--designs", "3+3,rolling-six", "--trials", "2000", "--seed", "5");
            Assert.Equal(0, code);
            Assert.Equal("", err);
            Assert.Equal(5, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            string svg = System.IO.File.ReadAllText(Path.Combine(dir, "duration-mtd-at-dl2.svg"));
            // The legend's medians are the library's, for the same designs, trials and seed.
            var f = ScenarioFileReader.Load(file);
            var scenario = f.Scenarios.First(s => s.Name == "mtd-at-dl2");
            var lib = CalendarCompare.Run([Build.Design("3+3", f.Doses.Count, f.Target), Build.Design("rolling-six", f.Doses.Count, f.Target)], scenario, f.Target, f.Timeline!,
                new MonteCarloOptions { Trials = 2000, Seed = 5 });
            Assert.Contains($"3+3 (median {lib.Results[0].Duration.Median:0} days)", svg);
            Assert.Contains($"rolling-six (median {lib.Results[1].Duration.Median:0} days)", svg);

            string md = Path.Combine(dir, "report.md");
            (code, _, err) = Run("report", file, "--out", md, "--designs", "3+3,rolling-six", "--compare-trials", "2000", "--seed", "5", "--trials", "2000", "--engine", "monte-carlo");
            Assert.Equal(0, code);
            string text = System.IO.File.ReadAllText(md);
            Assert.Contains("## Calendar time", text);
            Assert.Contains($"| mtd-at-dl2 | rolling-six | {lib.Results[1].Duration.Mean:0.0} (", text);
            Assert.Contains($"{lib.AgainstFirst[1].MeanDifference:0.0} ({lib.AgainstFirst[1].Se:0.00}) |", text);
            Assert.True(System.IO.File.Exists(Path.Combine(dir, "report-duration-mtd-at-dl2.svg")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }

        // A file without a timeline: the duration chart is left out of the default set, and refused when asked for.
        string noTimeline = Path.Combine(Path.GetTempPath(), "no-timeline-" + Guid.NewGuid().ToString("N") + ".yaml");
        try
        {
            System.IO.File.WriteAllText(noTimeline, "trial: { name: t }\ndoses: [DL1, DL2, DL3]\ntarget: 0.3\nscenarios:\n  - { name: s, dlt: [0.1, 0.2, 0.4] }\n");
            var (code2, _, err2) = Run("plot", noTimeline, "--out", dir, "--charts", "duration");
            Assert.Equal(1, code2);
            Assert.Contains("the duration chart needs a timeline", err2);
            Assert.False(Directory.Exists(dir));
        }
        finally { System.IO.File.Delete(noTimeline); }
    }

    public static TheoryData<string> Files() => new(Repo.ScenarioFiles().Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shipped_file_has_a_timeline_with_notes_and_runs_on_the_calendar(string name)
    {
        var file = ScenarioFileReader.Load(File(name));
        Assert.NotNull(file.Timeline);
        Assert.Contains("assumption", file.Timeline!.Notes ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(file.Trial.DltWindowDays, (int)file.Timeline.DltWindowDays);
        var r = CalendarEngine.Run(Build.Design(file.Designs[0].Name, file.Doses.Count, file.Target), file.Scenarios[0], file.Target, file.Timeline,
            new MonteCarloOptions { Trials = 2000, Seed = 1 });
        Assert.True(r.Duration.Mean > r.Timeline.DltWindowDays);
    }
}
