using System.Text.Json;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Cli;

public class CompareCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        return (CliEntry.Run(args, o, e), o.ToString(), e.ToString());
    }

    [Fact]
    public void Compare_json_has_every_design_and_the_benchmark()
    {
        var (code, output, err) = Run("compare", "--designs", "3+3,boin,mtpi2,keyboard,i3+3", "--trials", "5000", "--seed", "2", "--format", "json");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        using var doc = JsonDocument.Parse(output);
        var scenarios = doc.RootElement.GetProperty("scenarios");
        Assert.Equal(5, scenarios.GetArrayLength());
        var first = scenarios[0];
        Assert.Equal(5, first.GetProperty("designs").GetArrayLength());
        Assert.Equal(0, first.GetProperty("designs")[0].GetProperty("p_correct_selection_diff_vs_first").GetDouble());
        Assert.True(first.GetProperty("benchmark_p_correct_selection").GetDouble() > 0);
        Assert.False(scenarios[4].TryGetProperty("benchmark_p_correct_selection", out _)); // all-toxic: no true MTD
    }

    [Fact]
    public void Compare_is_identical_across_thread_counts()
    {
        string[] args = ["compare", "--designs", "3+3,boin", "--trials", "30000", "--seed", "5", "--format", "csv"];
        Assert.Equal(Run([.. args, "--threads", "1"]).Out, Run([.. args, "--threads", "2"]).Out);
    }

    [Theory]
    [InlineData("--designs 3+3,nope", "unknown design 'nope'")]
    [InlineData("--max-n 0", "--max-n 0: must be in [1, 1000]")]
    [InlineData("--format xml", "--format xml: expected table, csv or json")]
    public void Compare_bad_input(string args, string message)
    {
        var (code, output, err) = Run(["compare", .. args.Split(' '), "--trials", "100"]);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains(message, err);
    }

    [Fact]
    public void Table_prints_the_published_BOIN_boundaries()
    {
        var (code, output, _) = Run("table", "--design", "boin", "--target", "0.3", "--format", "csv");
        Assert.Equal(0, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal("n,escalate_if_dlt_at_most,deescalate_if_dlt_at_least,eliminate_if_dlt_at_least", lines[0]);
        Assert.Equal("3,0,2,3", lines[1]);
        Assert.Equal("30,7,11,14", lines[^1]);
    }

    [Fact]
    public void Table_of_the_3_plus_3()
    {
        var (code, output, _) = Run("table", "--design", "3+3");
        Assert.Equal(0, code);
        Assert.Contains("Escalate if # of DLT <=", output);
    }
}
