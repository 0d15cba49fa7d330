using System.Text.Json;
using DoseEscalation.Tests.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Reporting;

/// <summary>Issue 25: outputs say when the compared designs differ in maximum N, and when a backfill design ran without calendar time.</summary>
public class FairComparisonTests
{
    private static string Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.True(CliEntry.Run(args, o, e) == 0, string.Join(' ', args) + ": " + e);
        return o.ToString();
    }

    private static readonly string[] Compare = ["compare", "--designs", "3+3,boin", "--dlt", "0.05,0.12,0.30", "--trials", "500", "--seed", "3"];

    [Fact]
    public void CompareTableNamesEachDesignsMaxN()
    {
        string table = Run(Compare);
        Assert.Contains("Note: Designs differ in maximum N: 3+3 18, boin 30; P(correct) is not at equal sample size.", table);
    }

    [Fact]
    public void CompareJsonHasNotesAndCsvHasMaxNRows()
    {
        using var doc = JsonDocument.Parse(Run([.. Compare, "--format", "json"]));
        var notes = doc.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains(notes, n => n!.Contains("3+3 18, boin 30", StringComparison.Ordinal));
        string csv = Run([.. Compare, "--format", "csv"]);
        Assert.Contains("3+3,command-line,,,max_n,,18,0,", csv);
        Assert.Contains("boin,command-line,,,max_n,,30,0,", csv);
    }

    [Fact]
    public void EqualMaxNAddsNothing()
    {
        string[] same = ["compare", "--designs", "boin,crm", "--dlt", "0.05,0.12,0.30", "--trials", "200", "--seed", "3"];
        Assert.DoesNotContain("Designs differ", Run(same));
        Assert.DoesNotContain("\"notes\"", Run([.. same, "--format", "json"]));
        Assert.DoesNotContain(",max_n,", Run([.. same, "--format", "csv"]));
    }

    [Fact]
    public void BackfillWithoutCalendarSaysSoInTheOutput()
    {
        string table = Run("simulate", "--design", "bf-boin", "--dlt", "0.05,0.12,0.30", "--trials", "200");
        Assert.Contains("Note: design 'bf-boin' backfills only in calendar time", table);
        using var doc = JsonDocument.Parse(Run("simulate", "--design", "bf-boin", "--dlt", "0.05,0.12,0.30", "--trials", "200", "--format", "json"));
        Assert.Contains("escalation rule", doc.RootElement.GetProperty("notes")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReportComparisonStatesBothTrialCounts()
    {
        string dir = Directory.CreateTempSubdirectory("fair-report-").FullName;
        try
        {
            string md = Path.Combine(dir, "r.md");
            Run("report", "--design", "boin", "--dlt", "0.05,0.12,0.30", "--trials", "700", "--compare-trials", "300", "--designs", "boin,3+3", "--format", "md", "--out", md);
            string text = File.ReadAllText(md);
            Assert.Contains("Trials: this comparison 300 per scenario (--compare-trials); the results above exact (no simulation).", text);
            Assert.Contains("Designs differ in maximum N: boin 30, 3+3 18", text);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void CompareCalendarShowsOptionsAndCorrectSelection()
    {
        string file = Path.Combine(Repo.Root, "scenarios", "nct05008536-bcma-car-nk.yaml");
        string[] args = ["compare", file, "--calendar", "--designs", "3+3,boin", "--trials", "300", "--seed", "3"];
        string table = Run(args);
        Assert.Contains("Design boin: target 0.3", table);
        Assert.Contains("Correct selection: ", table);
        using var doc = JsonDocument.Parse(Run([.. args, "--format", "json"]));
        Assert.Equal("highest-at-or-below-target", doc.RootElement.GetProperty("correct_selection").GetProperty("rule").GetString());
        Assert.True(doc.RootElement.GetProperty("designs")[1].GetProperty("options").TryGetProperty("max_n", out _));
    }
}
