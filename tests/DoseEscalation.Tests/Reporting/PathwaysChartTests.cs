using DoseEscalation.Engines;
using DoseEscalation.Reporting.Charts;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Reporting;

/// <summary>The dose-transition pathway tree (DosePaths.Tree), its layout and figure, and the CLI that draws it.</summary>
public class PathwaysChartTests
{
    private static readonly Scenario S1 = new("S1", [0.05, 0.10, 0.20]);
    private static readonly Scenario S2 = new("S2", [0.10, 0.20, 0.35]);

    public static TheoryData<string, int> Designs() => new()
    {
        { "3+3", 1 }, { "3+3", 2 }, { "3+3", 3 }, { "boin", 2 }, { "boin", 3 }, { "crm", 3 }, { "crm1", 5 }, { "a+b", 3 },
    };

    private static IDesign Make(string name) => name switch
    {
        "3+3" => Design.ThreePlusThree(3),
        "boin" => Design.Boin(3, 0.30),
        "crm" => Design.Crm([0.10, 0.20, 0.30], 0.30, maxN: 12),
        "crm1" => Design.Crm([0.10, 0.20, 0.30], 0.30, cohortSize: 1, maxN: 12),
        "a+b" => Design.AplusB(3, 3, 3, 1, 2, 2),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Designs))]
    public void The_tree_leaves_are_the_listed_paths_with_the_same_probabilities_bit_for_bit(string name, int cohorts)
    {
        // The tree walks the design's decisions directly; the listing walks the exact engine's state graph: two independent walks.
        var design = Make(name);
        var tree = DosePaths.Tree(design, [S1, S2], cohorts, 10_000);
        var graph = StateGraph.For(design);
        for (int j = 0; j < 2; j++)
        {
            var listed = DosePaths.Enumerate(graph, j == 0 ? S1 : S2, cohorts);
            var leaves = tree.Leaves.ToList();
            Assert.Equal(listed.Count, leaves.Count);
            for (int i = 0; i < listed.Count; i++)
            {
                var steps = tree.PathTo(leaves[i].Id).Select(n => n.Outcome!.Value).ToList();
                Assert.Equal(listed[i].Cohorts, steps);
                Assert.Equal(listed[i].Probability, leaves[i].Probability[j]);
                Assert.Equal(listed[i].Next, leaves[i].Decision);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void Edge_probabilities_sum_to_one_under_each_parent_and_multiply_down_the_path(string name, int cohorts)
    {
        var tree = DosePaths.Tree(Make(name), [S1, S2], cohorts, 10_000);
        foreach (var node in tree.Nodes)
        {
            var children = tree.Children(node.Id);
            Assert.Equal(node.IsLeaf, children.Count == 0);
            for (int j = 0; j < 2; j++)
            {
                if (children.Count > 0) Assert.Equal(1.0, children.Sum(c => tree.Nodes[c].EdgeProbability[j]), 12);
                if (node.Parent >= 0) Assert.Equal(tree.Nodes[node.Parent].Probability[j] * node.EdgeProbability[j], node.Probability[j]);
            }
        }
        for (int j = 0; j < 2; j++) Assert.Equal(1.0, tree.Leaves.Sum(l => l.Probability[j]), 12);
    }

    [Fact]
    public void The_three_plus_three_tree_of_two_cohorts_has_13_nodes_and_10_paths_with_binomial_probabilities()
    {
        var tree = DosePaths.Tree(Design.ThreePlusThree(3), [S1], 2, 100);
        // Root (dose 1); after 0/3 -> dose 2 (4 children), 1/3 -> dose 1 again (4 children), 2/3 and 3/3 -> stop.
        Assert.Equal(13, tree.Nodes.Count);
        Assert.Equal(10, tree.Leaves.Count());
        Assert.Equal(Decision.Treat(0, 3), tree.Root.Decision);
        var rootChildren = tree.Children(0).Select(c => tree.Nodes[c]).ToList();
        Assert.Equal([Decision.Treat(1, 3), Decision.Treat(0, 3), Decision.StopNoDose, Decision.StopNoDose], rootChildren.Select(n => n.Decision));
        // P(0/3 at dose 1, then 0/3 at dose 2) = 0.95^3 * 0.90^3.
        var first = tree.Nodes[tree.Children(rootChildren[0].Id)[0]];
        Assert.Equal(Math.Pow(0.95, 3) * Math.Pow(0.90, 3), first.Probability[0], 14);
        Assert.Equal(Decision.Treat(2, 3), first.Decision);
    }

    [Fact]
    public void Layout_is_a_tidy_tree_leaves_one_row_apart_parents_centred_one_column_per_cohort()
    {
        var tree = DosePaths.Tree(Design.ThreePlusThree(3), [S1, S2], 2, 100);
        var layout = PathwaysChart.Lay(tree);
        Assert.Equal(tree.Nodes.Count, layout.Nodes.Count);
        Assert.Equal(tree.Nodes.Count - 1, layout.Edges.Count);
        var leafY = tree.Leaves.Select(l => layout.Nodes[l.Id].Y).ToList();
        for (int i = 1; i < leafY.Count; i++) Assert.Equal(layout.RowPitch, leafY[i] - leafY[i - 1], 3);
        foreach (var n in tree.Nodes)
        {
            var children = tree.Children(n.Id);
            if (children.Count > 0) Assert.Equal((layout.Nodes[children[0]].Y + layout.Nodes[children[^1]].Y) / 2, layout.Nodes[n.Id].Y, 3);
            Assert.Equal(layout.Nodes[0].X + n.Depth * (layout.Nodes[tree.Children(0)[0]].X - layout.Nodes[0].X), layout.Nodes[n.Id].X, 3);
        }
        Assert.Equal(["0/3", "1/3", "2/3", "3/3"], tree.Children(0).Select(c => layout.Edges.Single(e => e.To == c).Label));
        Assert.Equal(["Dose 2", "Dose 1", "Stop: none", "Stop: none"], tree.Children(0).Select(c => layout.Nodes[c].Label));
        var letters = PathwaysChart.Lay(tree, new PathwaysOptions { Labels = PathLabels.Letters });
        Assert.Equal(["NNN", "NNT", "NTT", "TTT"], tree.Children(0).Select(c => letters.Edges.Single(e => e.To == c).Label));
        // Edge probabilities (one scenario): the binomial probability of the cohort's outcome, as a percentage.
        var one = DosePaths.Tree(Design.ThreePlusThree(3), [S2], 2, 100);
        var edges = PathwaysChart.Lay(one, new PathwaysOptions { Probabilities = PathProbabilities.Edges });
        Assert.Equal("0/3  72.9%", edges.Edges.Single(e => e.To == one.Children(0)[0]).Label); // 0.9^3
        Assert.Equal("1/3  24.3%", edges.Edges.Single(e => e.To == one.Children(0)[1]).Label); // 3 * 0.1 * 0.9^2
        Assert.Throws<ArgumentException>(() => PathwaysChart.Lay(tree, new PathwaysOptions { Probabilities = PathProbabilities.Edges }));
    }

    [Fact]
    public void The_svg_names_the_doses_the_outcomes_and_each_paths_probability_and_the_png_and_pdf_encode()
    {
        var design = Design.ThreePlusThree(3);
        var figure = PathwaysChart.Tree(DosePaths.Tree(design, [S1, S2], 2, 100), design.Describe(), new PathwaysOptions { DoseLabels = ["10 mg", "20 mg", "40 mg"] });
        string svg = figure.ToSvg();
        foreach (var text in new[] { "Dose 1", "Dose 2", "Dose 3", "Stop: none", "0/3", "3/3", "After cohort 2", "P(path)", "S1", "S2", "Dose 2 (20 mg)" })
            Assert.Contains(text, svg);
        // 0/3 then 0/3: S1 0.95^3 0.90^3 = 62.5%, S2 0.90^3 0.80^3 = 37.3%.
        Assert.Contains(PathwaysChart.Percent(Math.Pow(0.95, 3) * Math.Pow(0.90, 3)), svg);
        Assert.Equal("62.5%", PathwaysChart.Percent(Math.Pow(0.95, 3) * Math.Pow(0.90, 3)));
        Assert.Contains("37.3%", svg);
        Assert.Contains("Path 1: dose 1 0/3, dose 2 0/3, then treat 3 at dose 3; P = 62.5% ('S1'), 37.3% ('S2').", figure.Description);
        Assert.Throws<InvalidOperationException>(() => figure.Chart);
        Assert.Equal("%PDF-", System.Text.Encoding.ASCII.GetString(figure.ToPdf()[..5]));
        byte[] png = figure.ToPng(96);
        Assert.Equal(96, PngChunks.Dpi(png)!.Value, 0);
        Assert.Equal("<0.1%", PathwaysChart.Percent(0.0004));
        Assert.Equal("0%", PathwaysChart.Percent(0));
    }

    [Fact]
    public void More_paths_than_a_figure_draws_is_refused_naming_the_limit()
    {
        // BOIN with cohorts of 3 and 5 doses: 4^4 = 256 paths in 4 cohorts, minus the few that stop.
        var ex = Assert.Throws<StateSpaceTooLargeException>(() => DosePaths.Tree(Design.Boin(5, 0.30), [new Scenario("s", [0.1, 0.2, 0.3, 0.4, 0.5])], 4, PathwaysChart.MaxPaths));
        Assert.Contains($"at most {PathwaysChart.MaxPaths}", ex.Message);
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        return (CliEntry.Run(args, o, e), o.ToString(), e.ToString());
    }

    [Fact]
    public void Exact_paths_figure_writes_the_file_by_its_extension_and_still_prints_the_table()
    {
        string dir = Directory.CreateTempSubdirectory("de-pathfig").FullName;
        foreach (var (ext, magic) in new[] { ("svg", "<svg"), ("png", "\u0089PNG"), ("pdf", "%PDF-") })
        {
            string file = Path.Combine(dir, "paths." + ext);
            var (code, output, err) = Run("exact", "--dlt", "0.05,0.10,0.20", "--paths", "2", "--figure", file, "--path-labels", "letters", "--quiet");
            Assert.True(code == 0, err);
            Assert.Contains("Dose-transition pathways of the first 2 cohorts", output);
            Assert.StartsWith(magic, System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file)[..magic.Length]));
        }
        string svg = File.ReadAllText(Path.Combine(dir, "paths.svg"));
        Assert.Contains("NNT", svg);
        Assert.Contains("62.5%", svg);
        var (c2, _, _) = Run("exact", "--dlt", "0.05,0.10,0.20", "--paths", "2", "--figure", Path.Combine(dir, "edges.svg"), "--path-probabilities", "edges", "--quiet");
        Assert.Equal(0, c2);
        string edges = File.ReadAllText(Path.Combine(dir, "edges.svg"));
        Assert.Contains("85.7%", edges); // 0/3 at dose 1: 0.95^3
        Assert.Contains("72.9%", edges); // then 0/3 at dose 2: 0.90^3
        Assert.DoesNotContain("72.9%", svg); // without edge probabilities no path has 0.90^3 alone
    }

    [Fact]
    public void Exact_paths_figure_refuses_bad_requests_in_one_line_and_writes_nothing()
    {
        string dir = Directory.CreateTempSubdirectory("de-pathfig").FullName;
        string jpg = Path.Combine(dir, "paths.jpg"), svg = Path.Combine(dir, "paths.svg");
        var cases = new (string[] Args, int Code, string Says)[]
        {
            (["exact", "--dlt", "0.05,0.10,0.20", "--paths", "2", "--figure", jpg], 1, "--figure " + jpg + ": the extension names no chart format"),
            (["exact", "--dlt", "0.05,0.10,0.20", "--figure", svg], 2, "--figure draws the pathways of --paths N"),
            (["exact", "--dlt", "0.05,0.10,0.20", "--paths", "2", "--path-labels", "letters"], 2, "--path-labels applies to the pathway figure"),
            (["exact", "--paths", "2", "--figure", svg, "--path-probabilities", "edges"], 1, "--path-probabilities edges: shows one scenario's probabilities"),
            (["exact", "--dlt", "0.1,0.2,0.3,0.4,0.5", "--design", "boin", "--paths", "4", "--figure", svg], 1, $"a pathway figure draws at most {PathwaysChart.MaxPaths}"),
            (["exact", "--dlt", "0.1,0.2,0.3", "--response", "0.1,0.3,0.5", "--design", "boin12", "--paths", "2", "--figure", svg], 1, "reads responses"),
        };
        foreach (var (args, want, says) in cases)
        {
            var (code, output, err) = Run([.. args, "--quiet"]);
            Assert.True(code == want, $"{string.Join(' ', args)}: exit {code}, {err}");
            Assert.Contains(says, err);
            Assert.Single(err.TrimEnd().Split('\n'));
            Assert.Equal("", output);
        }
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void Plot_draws_the_paths_chart_when_asked_and_the_report_holds_it()
    {
        string root = Directory.CreateTempSubdirectory("de-pathfig").FullName;
        string dir = Path.Combine(root, "plots");
        var (code, _, err) = Run("plot", "--dlt", "0.05,0.10,0.20", "--charts", "paths", "--paths", "3", "--out", dir, "--format", "svg", "--quiet");
        Assert.True(code == 0, err);
        Assert.Equal(["paths.svg"], Directory.GetFiles(dir).Select(Path.GetFileName));
        Assert.Contains("After cohort 3", File.ReadAllText(Path.Combine(dir, "paths.svg")));
        var (c2, _, e2) = Run("plot", "--dlt", "0.05,0.10,0.20", "--charts", "selection", "--paths", "3", "--out", Path.Combine(root, "p2"), "--quiet");
        Assert.Equal(1, c2);
        Assert.Contains("--paths 3: sets the cohorts of the pathway chart, which --charts selection leaves out", e2);
        var (c3, _, e3) = Run("plot", "--dlt", "0.1,0.2,0.3,0.4,0.5", "--design", "boin", "--charts", "paths", "--paths", "4", "--out", Path.Combine(root, "p3"), "--quiet");
        Assert.Equal(1, c3);
        Assert.Contains($"at most {PathwaysChart.MaxPaths}", e3);
        string html = Path.Combine(root, "report.html");
        var (c4, _, e4) = Run("report", "--dlt", "0.05,0.10,0.20", "--out", html, "--designs", "3+3", "--compare-trials", "200", "--quiet");
        Assert.True(c4 == 0, e4);
        string text = File.ReadAllText(html);
        Assert.Contains("<figure id=\"paths\">", text);
        Assert.Contains("Dose-transition pathways of the first 2 cohorts", text);
    }
}
