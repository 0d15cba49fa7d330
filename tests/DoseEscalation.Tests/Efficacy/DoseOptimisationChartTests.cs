using System.Xml.Linq;
using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;
namespace DoseEscalation.Tests.Efficacy;

public class DoseOptimisationChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Curves_draw_true_toxicity_and_response_with_mtd_and_obd_marked_and_each_designs_selection()
    {
        var a = new Scenario("a", [0.05, 0.15, 0.35]) { Response = [0.2, 0.5, 0.6] };   // MTD dose 2, OBD dose 2
        var b = new Scenario("b", [0.02, 0.05, 0.25]) { Response = [0.45, 0.46, 0.47] }; // MTD dose 3, OBD dose 1 (utility 66.2, 65.6, 58.2)
        var b12 = new Boin12(3, 0.3, 0.25, maxN: 12);
        var results = new[] { a, b }.SelectMany(s => new[] { ExactEngine.Run(Design.ThreePlusThree(3), s, 0.3), ExactEngine.Run(b12, s, 0.3) }).ToList();
        Assert.Equal(0, results[2].DoseOptimisation!.ObdLevel);
        var figure = DoseOptimisationChart.Curves(results);
        Assert.Equal(2, figure.Panels.Count);
        var pa = figure.Panels[0];
        Assert.Equal([new CategoryBand(1, "MTD = OBD")], pa.Bands);
        Assert.Equal([new CategoryBand(2, "true MTD"), new CategoryBand(0, "true OBD")], figure.Panels[1].Bands);
        var bars = pa.Series.OfType<BarSeries>().ToList();
        Assert.Equal(2, bars.Count);
        Assert.Equal(results[1].Selection.Skip(1).Select(e => e.Value), bars[1].Bars.Select(x => x.Value));
        var lines = pa.Series.OfType<LineSeries>().ToList();
        Assert.Equal(a.Dlt, lines[0].Points.Select(p => p.Y));
        Assert.Equal(a.Response!, lines[1].Points.Select(p => p.Y));
        var doc = XDocument.Parse(figure.ToSvg());
        string text = string.Join(" ", doc.Descendants(Svg + "text").Select(t => t.Value.Trim()));
        Assert.Contains("true OBD", text);
        Assert.Contains("MTD = OBD", text);
        Assert.Equal(figure.ToSvg(), DoseOptimisationChart.Curves(results).ToSvg());
        // Without response probabilities there is nothing to draw.
        Assert.Throws<ArgumentException>(() => DoseOptimisationChart.Curves([ExactEngine.Run(Design.ThreePlusThree(3), new Scenario("t", [0.1, 0.2, 0.3]), 0.3)]));
    }
}
