using System.Text.Json;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Calendar;

/// <summary>--accrual-rate, --accrual-interval, --dlt-window and --max-waiting: the timeline without YAML.</summary>
public class TimelineFlagTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliEntry.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static JsonElement Calendar(params string[] args)
    {
        var (code, json, err) = Run([.. args, "--calendar", "--trials", "2000", "--seed", "11", "--format", "json", "--quiet"]);
        Assert.True(code == 0, err);
        return JsonDocument.Parse(json).RootElement.GetProperty("scenarios")[0].GetProperty("calendar").Clone();
    }

    private static double Mean(JsonElement calendar) => calendar.GetProperty("duration").GetProperty("mean").GetDouble();

    // The same trial written as a scenario file: the flags must give the file's numbers exactly.
    private static string FileWith(string timeline)
    {
        string path = Path.Combine(Path.GetTempPath(), $"timeline-flags-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            trial:
              name: flags
            doses: [DL1, DL2, DL3]
            target: 0.3
            designs:
              - {"{"} name: 3+3 {"}"}
            scenarios:
              - {"{"} name: command-line, dlt: [0.05, 0.1, 0.3] {"}"}
            timeline:
            {timeline}
            """);
        return path;
    }

    [Theory]
    [InlineData("--accrual-rate", "2", "  accrual_rate_per_month: 2")]
    [InlineData("--accrual-interval", "10", "  accrual_interval_days: 10")]
    public void Accrual_flags_give_the_numbers_of_the_same_timeline_in_a_file(string flag, string value, string yaml)
    {
        string path = FileWith(yaml + "\n  dlt_window_days: 28");
        try
        {
            double fromFile = Mean(Calendar("simulate", path));
            double fromFlags = Mean(Calendar("simulate", "--dlt", "0.05,0.1,0.3", "--target", "0.3", flag, value, "--dlt-window", "28"));
            Assert.Equal(fromFile, fromFlags);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void With_everyone_there_at_once_the_duration_is_a_multiple_of_the_dlt_window()
    {
        // Interval 0: every cohort takes exactly one window, so doubling the window doubles every trial's duration.
        double w28 = Mean(Calendar("simulate", "--dlt", "0.05,0.1,0.3", "--accrual-interval", "0", "--dlt-window", "28"));
        double w56 = Mean(Calendar("simulate", "--dlt", "0.05,0.1,0.3", "--accrual-interval", "0", "--dlt-window", "56"));
        Assert.Equal(2 * w28, w56, 9);
        Assert.True(w28 >= 3 * 28, $"{w28}"); // 3+3 treats at least three cohorts over three doses
    }

    [Fact]
    public void Max_waiting_0_loses_arrivals_and_a_file_field_it_replaces_is_named()
    {
        string path = FileWith("  accrual_rate_per_month: 6\n  dlt_window_days: 28");
        try
        {
            var noLimit = Calendar("simulate", path);
            Assert.Equal(0, noLimit.GetProperty("mean_lost").GetDouble());
            var limited = Calendar("simulate", path, "--max-waiting", "0");
            Assert.True(limited.GetProperty("mean_lost").GetDouble() > 1, limited.GetProperty("mean_lost").ToString());

            var (code, _, err) = Run("simulate", path, "--calendar", "--trials", "100", "--dlt-window", "21", "--accrual-interval", "7", "--format", "json");
            Assert.Equal(0, code);
            Assert.Contains($"--dlt-window 21 replaces {path}'s timeline dlt_window_days 28", err);
            Assert.Contains($"--accrual-interval 7 replaces {path}'s timeline accrual_rate_per_month 6", err);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_run_that_does_not_use_the_calendar_says_so()
    {
        var (code, _, err) = Run("simulate", "--dlt", "0.05,0.1,0.3", "--accrual-rate", "2", "--dlt-window", "28", "--trials", "100");
        Assert.Equal(0, code);
        Assert.Contains("note: --accrual-rate, --accrual-interval, --dlt-window and --max-waiting set the timeline; this run does not use it", err);
    }

    [Theory]
    [InlineData("--accrual-rate 0 --dlt-window 28", "--accrual-rate 0: must be between 0.01 and 10000 patients per month")]
    [InlineData("--accrual-rate 10001 --dlt-window 28", "--accrual-rate 10001: must be between 0.01 and 10000")]
    [InlineData("--accrual-interval 0.001 --dlt-window 28", "--accrual-interval 0.001: must be 0 (everyone at once) or between 0.01 and 3650 days")]
    [InlineData("--accrual-interval 4000 --dlt-window 28", "--accrual-interval 4000: must be 0")]
    [InlineData("--accrual-rate 2 --accrual-interval 5 --dlt-window 28", "--accrual-interval 5: give --accrual-rate (Poisson) or --accrual-interval (fixed), not both")]
    [InlineData("--accrual-rate 2 --dlt-window 3651", "--dlt-window 3651: must be between 0 and 3650 days")]
    [InlineData("--accrual-rate 2 --dlt-window -1", "--dlt-window -1: must be between 0 and 3650 days")]
    [InlineData("--accrual-rate 2", "--accrual-rate 2: give --dlt-window too")]
    [InlineData("--dlt-window 28", "--dlt-window 28: (command line) has no timeline: block; give --accrual-rate or --accrual-interval too")]
    [InlineData("--accrual-rate 2 --dlt-window 28 --max-waiting 100001", "--max-waiting 100001: must be between 0 and 100000")]
    [InlineData("--accrual-interval 0 --dlt-window 28 --max-waiting 0", "--accrual-interval 0 --dlt-window 28 --max-waiting 0: accrual_interval_days = 0: must be above 0 when arrivals can be lost")]
    public void Bad_values_are_refused_naming_the_flag(string flags, string message)
    {
        var (code, output, err) = Run(["simulate", "--dlt", "0.05,0.1,0.3", "--calendar", "--trials", "10", .. flags.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains(message, err);
        Assert.Single(err.Trim().Split('\n'));
    }
}
