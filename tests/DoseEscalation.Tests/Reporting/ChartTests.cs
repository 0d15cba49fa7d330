using System.Globalization;
using System.Xml.Linq;
using DoseEscalation;
using DoseEscalation.Engines;
using DoseEscalation.Reporting;

namespace DoseEscalation.Tests.Reporting;

public class ChartTests
{
    private static readonly XNamespace S = "http://www.w3.org/2000/svg";
    private static readonly Scenario S2 = new("S2", [0.10, 0.20, 0.35]);

    private static XDocument Parse(SvgDocument svg) => XDocument.Parse(svg.ToString());
    private static double D(XElement e, string a) => double.Parse(e.Attribute(a)!.Value, CultureInfo.InvariantCulture);

    [Fact]
    public void Every_gallery_chart_is_valid_xml_with_size_title_and_description()
    {
        foreach (var (name, svg) in Gallery.Build())
        {
            var doc = Parse(svg);
            var root = doc.Root!;
            Assert.Equal(S + "svg", root.Name);
            Assert.True(D(root, "width") > 100 && D(root, "height") > 100, name);
            Assert.NotNull(root.Attribute("viewBox"));
            Assert.False(string.IsNullOrWhiteSpace(root.Element(S + "title")?.Value), name);
            Assert.False(string.IsNullOrWhiteSpace(root.Element(S + "desc")?.Value), name);
            Assert.Contains(doc.Descendants(S + "text"), t => (string?)t.Attribute("class") == "caption" || t.Ancestors().Any(a => (string?)a.Attribute("class") == "caption"));
            Assert.DoesNotContain(doc.Descendants(S + "text"), t => t.Value == "-0" || t.Value == "-0%");
        }
    }

    [Fact]
    public void Bar_heights_are_proportional_to_the_values_and_ticks_cover_the_data()
    {
        var results = new[] { ExactEngine.Run(Design.ThreePlusThree(3), S2, 0.3), ExactEngine.Run(Design.ThreePlusThree(3, false, false), S2, 0.3) };
        var doc = Parse(Plots.Selection(results));
        var bars = doc.Descendants(S + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToList();
        Assert.Equal(2 * 4, bars.Count);
        var big = bars.OrderByDescending(b => D(b, "data-value")).First();
        double pxPerUnit = D(big, "height") / D(big, "data-value");
        foreach (var b in bars)
            Assert.True(Math.Abs(D(b, "height") - D(b, "data-value") * pxPerUnit) < 0.5, $"bar {b}");
        // Values are the selection probabilities, in order.
        var first = bars.Where(b => (string?)b.Attribute("data-series") == bars[0].Attribute("data-series")!.Value).Select(b => D(b, "data-value")).ToList();
        Assert.Equal(results[0].Selection.Select(e => e.Value), first, new Tolerance(1e-12));
        double maxTick = doc.Descendants().Where(e => (string?)e.Attribute("class") == "tick-y").Max(e => D(e, "data-value"));
        Assert.True(maxTick >= bars.Max(b => D(b, "data-value")));
    }

    [Fact]
    public void Monte_Carlo_bars_carry_95_percent_whiskers_at_the_interval_ends()
    {
        var oc = MonteCarloEngine.Run(Design.ThreePlusThree(3), S2, 0.3, new MonteCarloOptions { Trials = 20_000, Seed = 1 });
        var doc = Parse(Plots.Selection([oc]));
        var whiskers = doc.Descendants(S + "g").Where(g => (string?)g.Attribute("class") == "whisker").ToList();
        Assert.Equal(4, whiskers.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(Math.Max(0, oc.Selection[i].Lower), D(whiskers[i], "data-lower"), 9);
            Assert.Equal(Math.Min(1, oc.Selection[i].Upper), D(whiskers[i], "data-upper"), 9);
        }
        Assert.DoesNotContain(Parse(Plots.Selection([ExactEngine.Run(Design.ThreePlusThree(3), S2, 0.3)])).Descendants(), e => (string?)e.Attribute("class") == "whisker");
    }

    [Fact]
    public void Marked_N_is_drawn_at_its_x_with_its_cumulative_probability()
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(3), S2, 0.3);
        var doc = Parse(Plots.SampleSize(oc, markN: 13));
        var reference = doc.Descendants(S + "line").Single(l => (string?)l.Attribute("class") == "reference");
        var ticks = doc.Descendants(S + "line").Where(l => (string?)l.Attribute("class") == "tick-x").ToList();
        var t0 = ticks.First();
        var t1 = ticks.Last();
        double x13 = D(t0, "x1") + (13 - D(t0, "data-value")) * (D(t1, "x1") - D(t0, "x1")) / (D(t1, "data-value") - D(t0, "data-value"));
        Assert.True(Math.Abs(D(reference, "x1") - x13) < 0.5);
        string label = doc.Descendants(S + "text").Single(t => (string?)t.Attribute("class") == "reference-label").Value;
        Assert.Contains(oc.NCumulative(13).ToString("0.000", CultureInfo.InvariantCulture), label);
    }

    [Fact]
    public void Labels_with_markup_characters_are_escaped()
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(2), new Scenario("A & B <test>", [0.1, 0.4]), 0.3);
        var svg = Plots.Selection([oc], new DoseChartOptions { DoseLabels = ["<1 & 2>", "\"3\" > 2"] });
        var doc = Parse(svg); // would throw on unescaped markup
        Assert.Contains(doc.Descendants(S + "text"), t => t.Value.Contains("<1 & 2>"));
    }

    [Fact]
    public void Escalation_probability_curve_matches_the_closed_form()
    {
        var d = Design.ThreePlusThree(3);
        Assert.Equal(0.4943, d.EscalationProbability(0.30), 4);
        for (double p = 0; p <= 1; p += 0.05)
            Assert.Equal(Math.Pow(1 - p, 3) + 3 * p * Math.Pow(1 - p, 5), d.EscalationProbability(p), 12);
    }

    [Theory]
    [InlineData(3, 3, 1, 2, 2)]
    [InlineData(2, 4, 1, 1, 1)]
    [InlineData(4, 2, 1, 2, 2)]
    public void AplusB_escalation_probability_equals_the_exact_one_dose_trial(int a, int b, int c, int d, int e)
    {
        // With one dose and no top-dose expansion, selecting it is exactly passing it.
        var design = Design.AplusB(1, a, b, c, d, e, deescalate: false, expandTopDose: false);
        foreach (double p in new[] { 0.05, 0.2, 0.3, 0.45, 0.7 })
            Assert.Equal(ExactEngine.Run(design, new Scenario("one", [p]), 0.3).Selection[1].Value, design.EscalationProbability(p), 12);
    }

    [Theory]
    [InlineData(0.0, 1.0, 0.2)]
    [InlineData(3, 18, 5)]
    [InlineData(0, 0.83, 0.2)]
    [InlineData(-0.0, 12.9, 5)]
    public void Nice_ticks_cover_the_range_with_a_nice_step(double min, double max, double step)
    {
        var t = NiceScale.Ticks(min, max);
        Assert.True(t.Values[0] <= min + 1e-12 && t.Values[^1] >= max - 1e-12);
        Assert.Equal(step, t.Step, 12);
        Assert.DoesNotContain(t.Values, v => double.IsNegative(v) && v == 0);
    }

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(double v) => 0;
    }
}

public class GalleryTests
{
    [Fact]
    public void The_committed_gallery_is_what_the_gallery_command_draws_today()
    {
        string dir = Path.Combine(DoseEscalation.Tests.Scenarios.Repo.Root, "docs", "gallery");
        foreach (var (name, svg) in Gallery.Build())
        {
            string path = Path.Combine(dir, name + ".svg");
            Assert.True(File.Exists(path), $"{path} is missing: run `dose-escalation plot --gallery docs/gallery`");
            Assert.True(File.ReadAllText(path) == svg.ToString(), $"{path} is out of date: run `dose-escalation plot --gallery docs/gallery`");
        }
    }
}
