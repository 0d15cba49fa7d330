using System.Globalization;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>
/// Dose optimisation charts: per scenario, the true dose-toxicity and dose-response curves with the
/// true MTD and the true OBD marked, and each design's selection probabilities against both.
/// </summary>
public static class DoseOptimisationChart
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// One panel per scenario (in order of first appearance in <paramref name="results"/>): lines of
    /// the true P(DLT) and P(response) per dose, bars of P(select) per dose for each design run on
    /// that scenario (95% whiskers for Monte Carlo), the target DLT rate as a reference line, and
    /// shaded bands at the true MTD and the true OBD. Every result needs response probabilities and
    /// the same number of doses.
    /// </summary>
    public static Figure Curves(IReadOnlyList<OperatingCharacteristics> results, DoseChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) throw new ArgumentException("need at least one result", nameof(results));
        options ??= new DoseChartOptions();
        int k = results[0].DoseCount;
        if (results.Any(r => r.DoseCount != k)) throw new ArgumentException("all results must have the same number of doses", nameof(results));
        if (results.FirstOrDefault(r => r.DoseOptimisation is null) is { } none)
            throw new ArgumentException($"scenario '{none.Scenario.Name}' has no response probabilities: no dose-response curve or OBD to draw", nameof(results));
        var labels = options.DoseLabels ?? Enumerable.Range(1, k).Select(d => $"Dose {d}").ToList();
        if (labels.Count != k) throw new ArgumentException($"expected {k} dose labels, got {labels.Count}", nameof(options));
        var designs = results.Select(r => r.Design).Distinct().ToList();
        var panels = new List<Chart>();
        foreach (var group in results.GroupBy(r => r.Scenario.Name))
        {
            var first = group.First();
            var scenario = first.Scenario;
            var opt = first.DoseOptimisation!;
            var series = new List<Series>();
            foreach (var oc in group)
            {
                int colour = designs.IndexOf(oc.Design);
                series.Add(new BarSeries
                {
                    Name = $"P(select), {oc.Design}",
                    Color = Palette.At(colour + 2),
                    Bars = Enumerable.Range(0, k).Select(d => Bar(d, oc.Selection[d + 1])).ToList(),
                    ShowInLegend = true,
                });
            }
            series.Add(new LineSeries { Name = "true P(DLT)", Color = Palette.At(0), Markers = true, Points = Enumerable.Range(0, k).Select(d => new DataPoint(d, scenario.Dlt[d])).ToList() });
            series.Add(new LineSeries { Name = "true P(response)", Color = Palette.At(1), Markers = true, Dashed = true, Points = Enumerable.Range(0, k).Select(d => new DataPoint(d, scenario.Response![d])).ToList() });
            var bands = new List<CategoryBand>();
            int mtd = first.TrueMtdLevel, obd = opt.ObdLevel;
            if (mtd >= 0 && mtd == obd) bands.Add(new CategoryBand(mtd, "MTD = OBD"));
            else
            {
                if (mtd >= 0) bands.Add(new CategoryBand(mtd, "true MTD"));
                if (obd >= 0) bands.Add(new CategoryBand(obd, "true OBD"));
            }
            panels.Add(new Chart
            {
                Title = string.Create(Inv, $"Scenario '{scenario.Name}': MTD {(mtd >= 0 ? labels[mtd] : "none")}, OBD {(obd >= 0 ? labels[obd] : "none")}"),
                Caption = Captions.Inputs(group.ToList()),
                Description = $"True dose-toxicity and dose-response curves over {k} doses with the probability each design selects each dose.",
                X = new Axis { Title = "Dose" },
                Categories = labels,
                Y = new Axis { Title = "Probability", Unit = "%", Percent = true, Min = 0, Max = 1 },
                Series = series,
                References = [new ReferenceLine(false, first.Target, string.Create(Inv, $"target DLT rate {first.Target:0.##}"))],
                Bands = bands,
                Width = options.Width,
                Height = options.Height,
            });
        }
        return Figure.OfPanels(options.Title ?? "Dose-toxicity and dose-response: selection against the MTD and the OBD",
            Captions.Inputs(results), panels,
            "For each scenario, the true probabilities of a DLT and of a response at each dose, the true MTD and optimal biological dose, and each design's probability of selecting each dose.");
    }

    private static Bar Bar(int x, Estimate e) =>
        e.Se > 0 ? new Bar(x, e.Value, Math.Max(0, e.Lower), Math.Min(1, e.Upper)) : new Bar(x, e.Value);
}
