using System.Globalization;
using System.Text;
using System.Xml.Linq;
using DoseEscalation;
using DoseEscalation.Engines;
using SkiaSharp;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Tests.Reporting;

public class ChartTests
{
    private static readonly XNamespace S = "http://www.w3.org/2000/svg";
    private static readonly Scenario S2 = new("S2", [0.10, 0.20, 0.35]);

    [Fact]
    public void Selection_bars_are_the_selection_probabilities_with_the_true_MTD_marked()
    {
        var results = new[] { ExactEngine.Run(Design.ThreePlusThree(3), S2, 0.3), ExactEngine.Run(Design.ThreePlusThree(3, false, false), S2, 0.3) };
        var chart = Plots.Selection(results).Chart;
        var bars = chart.Series.OfType<BarSeries>().ToList();
        Assert.Equal(2, bars.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(results[i].Selection.Select(e => e.Value), bars[i].Bars.Select(b => b.Value));
            Assert.Equal([2], bars[i].Bars.Where(b => b.Highlight).Select(b => (int)b.X)); // "No dose" is category 0; dose 2 is the true MTD
            Assert.All(bars[i].Bars, b => Assert.Null(b.Lower)); // exact: no whiskers
        }
        Assert.Equal(Palette.At(0), bars[0].Color);
        Assert.Equal(Palette.At(1), bars[1].Color);
        Assert.Equal(["No dose", "Dose 1 (true p = 0.10)", "Dose 2 (true p = 0.20)", "Dose 3 (true p = 0.35)"], chart.Categories);
        Assert.Contains("Scenario: S2 (p = 0.10, 0.20, 0.35); target DLT rate 0.30", chart.Caption);
        Assert.Contains("Exact calculation", chart.Caption);
    }

    [Fact]
    public void Monte_Carlo_bars_carry_95_percent_whiskers_and_the_caption_says_so()
    {
        var oc = MonteCarloEngine.Run(Design.ThreePlusThree(3), S2, 0.3, new MonteCarloOptions { Trials = 20_000, Seed = 1 });
        var chart = Plots.Selection([oc]).Chart;
        var bars = chart.Series.OfType<BarSeries>().Single().Bars;
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(Math.Max(0, oc.Selection[i].Value - 1.959963984540054 * oc.Selection[i].Se), bars[i].Lower!.Value, 9);
            Assert.Equal(Math.Min(1, oc.Selection[i].Upper), bars[i].Upper!.Value, 9);
        }
        Assert.Contains("Monte Carlo, 20,000 trials, seed 1", chart.Caption);
        Assert.Contains("Whiskers: 95% intervals", chart.Caption);
    }

    [Fact]
    public void Marked_N_is_a_reference_line_labelled_with_its_cumulative_probability_and_the_title_names_the_scenario()
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(3), S2, 0.3);
        var figure = Plots.SampleSize(oc, markN: 13);
        var reference = figure.Chart.References.Single();
        Assert.True(reference.Vertical);
        Assert.Equal(13, reference.Value);
        Assert.Contains(oc.NCumulative(13).ToString("0.000", CultureInfo.InvariantCulture), reference.Label);
        Assert.Contains("scenario S2", figure.Title);
        Assert.Equal("Total sample size N (patients)", figure.Chart.X.Label);
    }

    [Fact]
    public void Dose_labels_with_units_become_the_categories()
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(2), new Scenario("two", [0.1, 0.4]), 0.3);
        var chart = Plots.Allocation([oc], new DoseChartOptions { DoseLabels = ["DL1: 25 mg/m²", "DL2: 50 mg/m²"] }).Chart;
        Assert.Equal(["DL1: 25 mg/m²", "DL2: 50 mg/m²"], chart.Categories);
        var svg = XDocument.Parse(Plots.Allocation([oc], new DoseChartOptions { DoseLabels = ["DL1: 25 mg/m²", "DL2: 50 mg/m²"] }).ToSvg());
        Assert.Contains(svg.Descendants(S + "text"), t => t.Value.Contains("25 mg/m²"));
    }

    [Fact]
    public void Png_has_the_size_and_dpi_asked_for_is_not_blank_and_carries_its_title()
    {
        var figure = Plots.SampleSize(ExactEngine.Run(Design.ThreePlusThree(3), S2, 0.3), markN: 13);
        foreach (int dpi in new[] { 96, 300 })
        {
            byte[] png = figure.ToPng(dpi);
            var (w, h) = PngChunks.Size(png);
            Assert.Equal((int)Math.Ceiling(figure.Width * dpi / 96.0), w);
            Assert.Equal((int)Math.Ceiling(figure.Height * dpi / 96.0), h);
            Assert.Equal(dpi, PngChunks.Dpi(png)!.Value, 0);
            Assert.Equal(figure.Title, PngChunks.Text(png)["Title"]);
            using var bitmap = SKBitmap.Decode(png);
            Assert.Equal((w, h), (bitmap.Width, bitmap.Height));
            var colours = new HashSet<uint>();
            for (int y = 0; y < h; y += 3) for (int x = 0; x < w; x += 3) colours.Add((uint)bitmap.GetPixel(x, y));
            Assert.True(colours.Count > 20, $"{colours.Count} colours: blank?");
            Assert.Equal(SKColors.White, bitmap.GetPixel(1, 1)); // opaque white background, not transparent
            // The Okabe-Ito sky blue of the bars is drawn.
            Assert.Contains(colours, c => new SKColor(c) == SKColor.Parse(Palette.SkyBlue));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => figure.ToPng(20_000));
    }

    [Fact]
    public void Svg_is_valid_xml_with_viewbox_title_description_and_the_caption_text()
    {
        var figure = Plots.Selection([ExactEngine.Run(Design.ThreePlusThree(3), S2, 0.3)]);
        var doc = XDocument.Parse(figure.ToSvg());
        var root = doc.Root!;
        Assert.Equal(S + "svg", root.Name);
        Assert.Equal($"0 0 {figure.Width.ToString(CultureInfo.InvariantCulture)} {figure.Height.ToString("0.##", CultureInfo.InvariantCulture)}", (string?)root.Attribute("viewBox"));
        Assert.Equal(figure.Title, root.Element(S + "title")!.Value);
        Assert.Contains("Dose 2 (true p = 0.20) ", root.Element(S + "desc")!.Value); // the data, for screen readers
        string text = string.Join(" ", doc.Descendants(S + "text").Select(t => t.Value.Trim()));
        Assert.Contains("Exact calculation", text);
        Assert.Contains("true MTD", text);
        Assert.DoesNotContain(doc.Descendants(S + "text"), t => t.Value.Trim() is "-0" or "-0%");
        // Every id is prefixed by the figure's own, so two charts inlined in one page do not clash.
        string id = ((string)root.Attribute("aria-labelledby")!).Split(' ')[0].Replace("-title", "");
        Assert.All(doc.Descendants().Attributes("id"), a => Assert.StartsWith(id, a.Value));
    }

    [Fact]
    public void Rendering_twice_gives_the_same_svg()
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(3), S2, 0.3);
        var figure = Plots.Selection([oc]);
        string first = figure.ToSvg();
        Assert.Equal(first, figure.ToSvg());
        Assert.Equal(first, Plots.Selection([oc]).ToSvg());
    }

    [Fact]
    public void Pdf_is_one_page_with_the_title_in_its_metadata()
    {
        var figure = Plots.OcCurve([Design.ThreePlusThree(3)]);
        byte[] pdf = figure.ToPdf();
        string head = Encoding.Latin1.GetString(pdf, 0, 8);
        Assert.StartsWith("%PDF-1.", head);
        string body = Encoding.Latin1.GetString(pdf);
        Assert.Contains("/Type /Page", body);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(body, @"/Type /Page\b"));
        Assert.Contains("/Title", body);
        Assert.EndsWith("%%EOF", body.TrimEnd());
    }

    [Fact]
    public void Save_takes_the_format_from_the_options_or_the_extension_and_refuses_a_contradiction()
    {
        var figure = Plots.OcCurve([Design.ThreePlusThree(3)]);
        string dir = Directory.CreateTempSubdirectory("de-figure").FullName;
        figure.Save(Path.Combine(dir, "a.svg"));
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(dir, "a.svg")));
        figure.Save(Path.Combine(dir, "b"), new ChartFileOptions { Format = ChartFormat.Pdf });
        Assert.StartsWith("%PDF", File.ReadAllText(Path.Combine(dir, "b")));
        Assert.Throws<ArgumentException>(() => figure.Save(Path.Combine(dir, "c.png"), new ChartFileOptions { Format = ChartFormat.Svg }));
        Assert.Throws<ArgumentException>(() => figure.Save(Path.Combine(dir, "d.txt")));
        Assert.False(File.Exists(Path.Combine(dir, "c.png")));
    }

    [Fact]
    public void Text_never_runs_past_the_edge_even_with_long_names()
    {
        string longName = string.Concat(Enumerable.Repeat("very-long-scenario-name-without-spaces ", 3)) + "Supercalifragilisticexpialidocious_and_then_some_more_text_without_any_break_at_all";
        var scenario = new Scenario(longName, [0.05, 0.10, 0.20, 0.30, 0.45]);
        var oc = MonteCarloEngine.Run(Design.ThreePlusThree(5), scenario, 0.3, new MonteCarloOptions { Trials = 2_000, Seed = 3 });
        var labels = Enumerable.Range(1, 5).Select(i => $"DL{i}: {i} x 10^6 CAR-NK cells/kg body weight, single infusion").ToList();
        var figures = new[]
        {
            Plots.Selection([oc], new DoseChartOptions { DoseLabels = labels, Title = longName + " " + longName }),
            Plots.Allocation([oc], new DoseChartOptions { DoseLabels = labels }),
            Plots.SampleSize(oc, markN: 30),
            Plots.Comparison([DesignComparisonRow.From(oc, longName)]),
        };
        foreach (var figure in figures)
        {
            var doc = XDocument.Parse(figure.ToSvg());
            foreach (var t in doc.Descendants(S + "text"))
            {
                string transform = (string?)t.Attribute("transform") ?? "";
                if (transform.StartsWith("matrix")) continue; // the rotated y-axis titles
                double tx = 0;
                if (transform.StartsWith("translate(")) tx = double.Parse(transform[10..^1].Split(' ')[0], CultureInfo.InvariantCulture);
                var xs = ((string)t.Attribute("x")!).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
                string s = t.Value.Trim();
                float size = float.Parse((string)t.Attribute("font-size")!, CultureInfo.InvariantCulture);
                double right = tx + xs[^1] + ChartFonts.Width(s[^1].ToString(), size, bold: t.Attribute("font-weight") is not null);
                Assert.True(tx + xs[0] >= 0 && right <= figure.Width + 0.5, $"'{s}' spans {tx + xs[0]:0.#}..{right:0.#} of {figure.Width} in '{figure.Title}'");
            }
        }
    }

    [Fact]
    public void Library_users_get_the_ScottPlot_plot_of_each_panel()
    {
        var figure = Plots.Comparison([DesignComparisonRow.From(ExactEngine.Run(Design.ThreePlusThree(3), S2, 0.3))]);
        Assert.Equal(3, figure.Plots.Count);
        Assert.Equal(3, figure.Panels.Count);
        figure.Plots[0].Axes.Left.Label.Text = "restyled";
        Assert.Contains(XDocument.Parse(figure.ToSvg()).Descendants(S + "text"), t => t.Value.Trim() == "restyled");
    }

    [Fact]
    public void The_example_of_docs_charts_md_runs()
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(3), S2, 0.3);
        string dir = Directory.CreateTempSubdirectory("de-doc").FullName;
        // As in docs/charts.md:
        var figure = Plots.SampleSize(oc, markN: 13);
        Assert.Equal("P(N ≤ 13) = 0.612", figure.Chart.References[0].Label);
        figure.Plot.Axes.Left.Label.Text = "Probability";
        figure.Save(Path.Combine(dir, "sample-size.png"));
        figure.Save(Path.Combine(dir, "fig1.png"), new ChartFileOptions { Format = ChartFormat.Png, Dpi = 600 });
        byte[] pdf = figure.ToPdf(); string svg = figure.ToSvg();
        Assert.Equal(300, PngChunks.Dpi(File.ReadAllBytes(Path.Combine(dir, "sample-size.png")))!.Value, 0);
        Assert.Equal(600, PngChunks.Dpi(File.ReadAllBytes(Path.Combine(dir, "fig1.png")))!.Value, 0);
        Assert.Contains("Probability", svg);
        Assert.True(pdf.Length > 1000);
    }

    [Fact]
    public void Escalation_probability_curve_matches_the_closed_form()
    {
        var d = Design.ThreePlusThree(3);
        Assert.Equal(0.4943, d.EscalationProbability(0.30), 4);
        for (double p = 0; p <= 1; p += 0.05)
            Assert.Equal(Math.Pow(1 - p, 3) + 3 * p * Math.Pow(1 - p, 5), d.EscalationProbability(p), 12);
        var curve = Plots.OcCurve([d]).Chart.Series.OfType<LineSeries>().First();
        Assert.Equal(201, curve.Points.Count);
        Assert.All(curve.Points, p => Assert.Equal(d.EscalationProbability(p.X), p.Y, 12));
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

    [Fact]
    public void Png_chunks_round_trip_with_valid_crcs()
    {
        byte[] png = Plots.OcCurve([Design.ThreePlusThree(3)]).ToPng(150);
        var chunks = PngChunks.Read(png); // throws on a bad CRC
        Assert.Equal(["IHDR", "pHYs"], chunks.Take(2).Select(c => c.Type));
        Assert.Single(chunks, c => c.Type == "pHYs");
        Assert.Equal("IEND", chunks[^1].Type);
    }
}

public class GalleryTests
{
    [Fact]
    public void The_committed_gallery_is_what_the_gallery_command_draws_today()
    {
        string dir = Path.Combine(DoseEscalation.Tests.Scenarios.Repo.Root, "docs", "gallery");
        foreach (var (name, figure) in Gallery.Build())
        {
            string svg = Path.Combine(dir, name + ".svg");
            string png = Path.Combine(dir, name + ".png");
            Assert.True(File.Exists(svg) && File.Exists(png), $"{name} is missing: run `dose-escalation plot --gallery docs/gallery`");
            Assert.True(File.ReadAllText(svg) == figure.ToSvg(), $"{svg} is out of date: run `dose-escalation plot --gallery docs/gallery`");
            // PNG bytes may differ by a rasteriser's rounding between machines; size and dpi must not.
            byte[] bytes = File.ReadAllBytes(png);
            Assert.Equal(((int)Math.Ceiling(figure.Width), (int)Math.Ceiling(figure.Height)), PngChunks.Size(bytes));
            Assert.Equal(Gallery.PngDpi, PngChunks.Dpi(bytes)!.Value, 0);
        }
        var expected = Gallery.Build().SelectMany(g => new[] { g.Name + ".svg", g.Name + ".png" }).Order().ToList();
        Assert.Equal(expected, Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Where(f => f is not "README.md").Order().ToList());
    }
}
