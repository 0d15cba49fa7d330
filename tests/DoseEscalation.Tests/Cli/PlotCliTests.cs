using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Cli;

public class PlotCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        return (CliEntry.Run(args, o, e), o.ToString(), e.ToString());
    }

    [Fact]
    public void Plot_writes_one_svg_per_chart_with_stable_names()
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("de-plot").FullName, "out");
        var (code, output, _) = Run("plot", "--out", dir, "--designs", "3+3,boin", "--trials", "2000");
        Assert.Equal(0, code);
        var names = Directory.GetFiles(dir).Select(Path.GetFileName).OrderBy(n => n).ToList();
        Assert.Equal(["allocation.svg", "comparison.svg", "oc-curve.svg", "sample-size-all-safe.svg", "sample-size-all-toxic.svg",
            "sample-size-mtd-at-dl1.svg", "sample-size-mtd-at-dl2.svg", "sample-size-mtd-at-dl3.svg", "selection.svg"], names);
        Assert.Equal(names.Count, output.TrimEnd().Split('\n').Length);
    }

    [Theory]
    [InlineData("plot --charts selection,pie", "unknown chart 'pie'")]
    [InlineData("plot --charts selection", "--out DIR")]
    [InlineData("plot --dlt 0.1,2 --charts selection", "is not a probability")]
    [InlineData("report --format pdf", "--format pdf: expected html or md")]
    [InlineData("report --dlt 0.1,0.2", "--out PATH")]
    public void Bad_input_is_one_line_exit_1_and_writes_nothing(string args, string message)
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("de-plot").FullName, "out");
        string[] argv = args.Split(' ');
        bool needsOut = !message.StartsWith("--out");
        string target = argv[0] == "plot" ? dir : Path.Combine(Path.GetDirectoryName(dir)!, "r.html");
        var (code, output, err) = Run([.. argv, .. needsOut ? new[] { "--out", target } : []]);
        Assert.Equal(1, code);
        Assert.Contains(message, err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(dir));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Markdown_report_writes_its_charts_beside_it()
    {
        string dir = Directory.CreateTempSubdirectory("de-md").FullName;
        string md = Path.Combine(dir, "report.md");
        var (code, _, _) = Run("report", "--out", md, "--format", "md", "--designs", "3+3,boin", "--compare-trials", "1000");
        Assert.Equal(0, code);
        string text = File.ReadAllText(md);
        foreach (var svg in Directory.GetFiles(dir, "*.svg")) Assert.Contains($"]({Path.GetFileName(svg)})", text);
        Assert.Contains("dose-escalation report --out", text);
        Assert.Contains("## Operating characteristics", text);
    }
}
