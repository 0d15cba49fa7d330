using System.Text.RegularExpressions;
using DoseEscalation.Tests.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Cli;

/// <summary>The report says what the other commands say about the same file and seed.</summary>
public class ReportConsistencyTests
{
    private static readonly string Henan = Path.Combine(Repo.Root, "scenarios", "henan-bcma-car-nk-13-patients.yaml");

    private static string Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.True(CliEntry.Run(args, o, e) == 0, e.ToString());
        return o.ToString();
    }

    // "P(enrolled N <= 13) = 44.11%" per scenario, in the order samplesize prints them.
    private static List<string> PlannedNLines(string samplesize) =>
        Regex.Matches(samplesize, @"P\(enrolled N <= 13\) = ([0-9.]+% \([0-9.]+\)|[0-9.]+%)").Select(m => m.Groups[1].Value).ToList();

    private static string Report(string dir, params string[] extra)
    {
        string md = Path.Combine(dir, "r.md");
        Run(["report", Henan, "--out", md, "--designs", "3+3", .. extra]);
        return File.ReadAllText(md);
    }

    [Fact]
    public void Report_and_its_charts_give_the_samplesize_figures_with_the_non_evaluable_rate()
    {
        string dir = Directory.CreateTempSubdirectory("de-consistent").FullName;
        string report = Report(dir);
        var expected = PlannedNLines(Run("samplesize", Henan));
        Assert.Equal(4, expected.Count);
        Assert.Contains("non-evaluable rate 10% (replaced)", report);
        Assert.Contains("| P(enrolled N <= 13) |", report);
        string[] scenarios = ["all-safe", "mtd-at-dl2", "mtd-at-dl1", "all-toxic"];
        int start = report.IndexOf("## Sample size", StringComparison.Ordinal);
        string section = report[start..report.IndexOf("\n## ", start, StringComparison.Ordinal)];
        for (int i = 0; i < 4; i++)
        {
            string row = section.Split('\n').Single(l => l.StartsWith($"| {scenarios[i]} | "));
            Assert.Equal(expected[i], row.Split('|', StringSplitOptions.TrimEntries)[5]);
            string svg = File.ReadAllText(Path.Combine(dir, $"r-sample-size-{scenarios[i]}.svg"));
            Assert.Contains($"P(N ≤ 13) = {expected[i]}", svg);
            Assert.Contains($"scenario {scenarios[i]}", Regex.Match(svg, "<title[^>]*>([^<]*)</title>").Groups[1].Value);
        }
        Assert.DoesNotContain("= 1.000", report);
    }

    [Fact]
    public void With_Monte_Carlo_the_report_uses_the_samplesize_simulation_with_the_same_trials_and_seed()
    {
        string dir = Directory.CreateTempSubdirectory("de-consistent").FullName;
        string report = Report(dir, "--engine", "monte-carlo", "--trials", "4000", "--seed", "11");
        var expected = PlannedNLines(Run("samplesize", Henan, "--max-states", "1", "--trials", "4000", "--seed", "11"));
        Assert.Equal(4, expected.Count);
        Assert.All(expected, e => Assert.Contains("(", e)); // Monte Carlo: with a standard error
        foreach (var e in expected) Assert.Contains($"| {e} |", report);
        Assert.Contains("Monte Carlo (4000 simulated trials per scenario, seed 11", report);
    }

    [Fact]
    public void A_BOIN_report_and_plot_leave_out_the_3_plus_3_OC_curve()
    {
        string dir = Directory.CreateTempSubdirectory("de-boin").FullName;
        string report = Report(dir, "--design", "boin");
        Assert.DoesNotContain("oc-curve", report);
        Assert.DoesNotContain("escalating past a dose", report);
        Assert.False(File.Exists(Path.Combine(dir, "r-oc-curve.svg")));
        Assert.Contains("Design: BOIN", File.ReadAllText(Path.Combine(dir, "r-selection.svg")));

        string plots = Path.Combine(dir, "plots");
        Run("plot", Henan, "--design", "boin", "--designs", "boin", "--out", plots, "--format", "svg");
        Assert.DoesNotContain(Directory.GetFiles(plots), f => f.Contains("oc-curve"));
        var e = new StringWriter();
        Assert.Equal(1, CliEntry.Run(["plot", Henan, "--design", "boin", "--charts", "occurve", "--out", Path.Combine(dir, "x")], new StringWriter(), e));
        Assert.Contains("the OC curve (occurve) is drawn for 3+3 and A+B designs", e.ToString());
        // A 3+3 file keeps it.
        Assert.Contains("oc-curve", Report(dir));
    }
}
