using System.Globalization;
using DoseEscalation.Designs;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>
/// The charts of the toolkit, one method each. Every chart returns a <see cref="Figure"/>: its
/// model (data and captions), the ScottPlot <see cref="ScottPlot.Plot"/> to restyle, and
/// <c>Save(path)</c> as PNG, SVG or PDF; every caption states the chart's inputs.
/// </summary>
public static class Plots
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// P(select) per dose and "none", one bar series per result (labelled by whatever differs:
    /// design, scenario or both), the true MTD of each series marked by a triangle, and 95%
    /// whiskers for Monte Carlo results. All results must have the same number of doses.
    /// </summary>
    public static Figure Selection(IReadOnlyList<OperatingCharacteristics> results, DoseChartOptions? options = null)
    {
        options ??= new DoseChartOptions();
        int k = CheckSameDoses(results);
        var labels = SeriesLabels(results);
        var categories = DoseLabels(results, options).Prepend("No dose").ToList();
        var series = new List<Series>();
        for (int i = 0; i < results.Count; i++)
        {
            var oc = results[i];
            series.Add(new BarSeries
            {
                Name = labels[i],
                Color = Palette.At(i),
                Bars = oc.Selection.Select((e, j) => ProbabilityBar(j, e) with { Highlight = j == oc.TrueMtdLevel + 1 }).ToList(),
            });
        }
        var mtds = results.Select(r => r.TrueMtdLevel).Distinct().ToList();
        var chart = new Chart
        {
            Title = options.Title ?? "Probability of selecting each dose as the MTD",
            Caption = Captions.Inputs(results),
            Description = $"Bar chart of the probability of selecting each of {k} doses, or none, as the maximum tolerated dose.",
            X = new Axis { Title = "Selected dose" },
            Categories = categories,
            Y = new Axis { Title = "P(selected)", Unit = "%", Percent = true },
            Series = series,
            // One shared true MTD is also shaded; with several, the triangles alone mark them.
            Bands = mtds.Count == 1 ? [new CategoryBand(mtds[0] + 1, mtds[0] < 0 ? "correct: no dose" : "true MTD")] : [],
            HighlightLegend = "true MTD (correct selection)",
            Width = options.Width,
            Height = options.Height,
        };
        return Figure.Of(chart);
    }

    /// <summary>
    /// Mean patients treated per dose (bars) with mean DLTs per dose (darker, narrower bars
    /// inside), one pair per result, with 95% whiskers for Monte Carlo results.
    /// </summary>
    public static Figure Allocation(IReadOnlyList<OperatingCharacteristics> results, DoseChartOptions? options = null)
    {
        options ??= new DoseChartOptions();
        int k = CheckSameDoses(results);
        var labels = SeriesLabels(results);
        var series = new List<Series>();
        for (int i = 0; i < results.Count; i++)
        {
            var oc = results[i];
            string color = Palette.At(i);
            series.Add(new BarSeries { Name = $"{labels[i]}: patients", Color = color, Slot = i, Bars = MeanBars(oc.MeanPatients) });
            series.Add(new BarSeries
            {
                Name = results.Count == 1 ? "DLTs (inner bar)" : $"{labels[i]}: DLTs (inner bar)",
                Color = Palette.Darken(color, 0.55),
                Slot = i,
                WidthFraction = 0.45,
                Bars = MeanBars(oc.MeanDlts),
            });
        }
        var chart = new Chart
        {
            Title = options.Title ?? "Mean patients treated and DLTs seen at each dose",
            Caption = Captions.Inputs(results),
            Description = $"Bar chart of the mean number of patients and of DLTs per trial at each of {k} doses.",
            X = new Axis { Title = "Dose" },
            Categories = DoseLabels(results, options),
            Y = new Axis { Title = "Mean per trial", Unit = "patients" },
            Series = series,
            Width = options.Width,
            Height = options.Height,
        };
        return Figure.Of(chart);
    }

    /// <summary>The sample-size chart's frame: P(N = n) bars on the left axis, P(N &lt;= n) on the right; <paramref name="kind"/> is "total" or "enrolled".</summary>
    private static Chart SampleSizeChart(string title, string caption, string kind, int lastN, int? markN,
        List<Series> series, List<ReferenceLine> references, DoseChartOptions options) => new()
    {
        Title = title,
        Caption = caption,
        Description = $"Bar chart of the probability of each {kind} sample size, with the cumulative probability as a step line.",
        X = new Axis { Title = (kind == "total" ? "Total" : "Enrolled") + " sample size N", Unit = "patients", Min = 0, Max = NiceScale.Ticks(0, Math.Max(lastN + 1, markN ?? 0)).Max },
        Y = new Axis { Title = "P(N = n)", Unit = "%", Percent = true },
        Y2 = new Axis { Title = "P(N ≤ n)", Unit = "%", Percent = true, Min = 0, Max = 1 },
        Series = series,
        References = references,
        Width = options.Width,
        Height = options.Height,
    };

    /// <summary>
    /// The distribution of the total sample size N: P(N = n) as bars (left axis) and the
    /// cumulative P(N &lt;= n) as a step line (right axis). <paramref name="markN"/> (e.g. 13) adds a
    /// reference line there labelled with P(N &lt;= markN).
    /// </summary>
    public static Figure SampleSize(OperatingCharacteristics oc, int? markN = null, DoseChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(oc);
        options ??= new DoseChartOptions();
        if (markN is < 0) throw new ArgumentOutOfRangeException(nameof(markN), markN, "a sample size is at least 0");
        var dist = oc.NDistribution;
        var support = Enumerable.Range(0, dist.Length).Where(n => dist[n] > 0).ToList();
        if (support.Count == 0) throw new ArgumentException("the result has an empty sample-size distribution", nameof(oc));
        var cumulative = new List<DataPoint>();
        foreach (int n in support) cumulative.Add(new DataPoint(n, oc.NCumulative(n)));
        var references = new List<ReferenceLine>();
        var markers = new List<DataPoint>();
        if (markN is int m)
        {
            double cum = oc.NCumulative(m);
            references.Add(new ReferenceLine(true, m, string.Create(Inv, $"P(N ≤ {m}) = {cum:0.000}")) { Color = Palette.Vermillion });
            markers.Add(new DataPoint(m, cum));
        }
        var series = new List<Series>
        {
            new BarSeries { Name = "P(N = n)", Color = Palette.SkyBlue, Bars = support.Select(n => new Bar(n, dist[n])).ToList(), LinearWidth = 1.6 },
            new LineSeries { Name = "P(N ≤ n), right axis", Color = Palette.Blue, Points = cumulative, Step = true, Markers = true, OnY2 = true },
        };
        if (markers.Count > 0)
            series.Add(new LineSeries { Name = "marked N", Color = Palette.Vermillion, Points = markers, Line = false, Markers = true, OnY2 = true, ShowInLegend = false });
        return Figure.Of(SampleSizeChart(
            options.Title ?? string.Create(Inv, $"Distribution of the total sample size N, scenario {oc.Scenario.Name} (mean {oc.MeanN.Value:0.0})"),
            Captions.Inputs([oc]), "total", support[^1], markN, series, references, options));
    }

    /// <summary>
    /// The distribution of the enrolled sample size N under a protocol model (non-evaluable
    /// patients replaced, an expansion cohort at the selected dose), as <c>samplesize</c> reports it:
    /// P(N = n) as bars and P(N &lt;= n) as a step line, over the n holding all but 0.1% of trials.
    /// <paramref name="markN"/> (e.g. the planned 13) adds a reference line labelled with
    /// P(N &lt;= markN), the same figure <c>samplesize</c> prints.
    /// </summary>
    public static Figure SampleSize(SampleSizing.SampleSizeResult result, SampleSizing.SampleSizeModel model, IDesign design, int? markN = null, DoseChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(design);
        options ??= new DoseChartOptions();
        if (markN is < 0) throw new ArgumentOutOfRangeException(nameof(markN), markN, "a sample size is at least 0");
        var dist = result.EnrolledDistribution;
        int last = Math.Max(result.EnrolledQuantile(0.999), markN ?? 0);
        var support = Enumerable.Range(0, Math.Min(dist.Length, last + 1)).Where(n => dist[n] > 0).ToList();
        if (support.Count == 0) throw new ArgumentException("the result has an empty sample-size distribution", nameof(result));
        double shown = support.Sum(n => dist[n]);
        var cumulative = support.Select(n => new DataPoint(n, result.EnrolledAtMost(n).Value)).ToList();
        var references = new List<ReferenceLine>();
        var series = new List<Series>
        {
            new BarSeries { Name = "P(N = n)", Color = Palette.SkyBlue, Bars = support.Select(n => new Bar(n, dist[n])).ToList(), LinearWidth = 0.8 },
            new LineSeries { Name = "P(N ≤ n), right axis", Color = Palette.Blue, Points = cumulative, Step = true, Markers = true, OnY2 = true },
        };
        if (markN is int m)
        {
            var cum = result.EnrolledAtMost(m);
            references.Add(new ReferenceLine(true, m, $"P(N ≤ {m}) = {Formatting.PercentWithSe(cum)}") { Color = Palette.Vermillion });
            series.Add(new LineSeries { Name = "marked N", Color = Palette.Vermillion, Points = [new DataPoint(m, cum.Value)], Line = false, Markers = true, OnY2 = true, ShowInLegend = false });
        }
        string rate = Formatting.Percent(model.NonEvaluableRate, SampleSizeReport.Digits(model.NonEvaluableRate));
        string engine = result.Engine == "exact"
            ? "Exact calculation (no simulation)."
            : string.Create(Inv, $"Monte Carlo, {result.Trials:N0} trials, seed {result.Seed?.ToString(Inv) ?? "none"}.");
        string cut = 1 - shown > 5e-4 ? string.Create(Inv, $" Sizes above {support[^1]} (probability {Formatting.Percent(1 - shown, 2)}) are not drawn.") : "";
        return Figure.Of(SampleSizeChart(
            options.Title ?? string.Create(Inv, $"Distribution of the enrolled sample size N, scenario {result.Scenario.Name} (mean {result.MeanEnrolled.Value:0.0})"),
            $"Design: {design.Describe()}. Scenario: {Captions.Scenario(result.Scenario)}. Enrolled patients with a {rate} non-evaluable rate (replaced)"
                + (model.ExpansionCohort > 0 ? $" and an expansion cohort of {model.ExpansionCohort} at the selected dose" : "") + $". {engine}{cut}",
            "enrolled", support[^1], markN, series, references, options));
    }

    /// <summary>
    /// The operating-characteristic curve of each A+B rule: P(escalating past a dose) against the
    /// dose's true DLT rate on [0, 1], computed exactly by <see cref="AplusB.EscalationProbability"/>.
    /// </summary>
    public static Figure OcCurve(IReadOnlyList<AplusB> designs, OcCurveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(designs);
        if (designs.Count == 0) throw new ArgumentException("need at least one design", nameof(designs));
        options ??= new OcCurveOptions();
        if (options.Points < 2) throw new ArgumentOutOfRangeException(nameof(options), options.Points, "a curve needs at least 2 points");
        if (options.MarkRate is double r && !(r >= 0 && r <= 1)) throw new ArgumentOutOfRangeException(nameof(options), r, "the marked rate must be in [0, 1]");
        var series = new List<Series>();
        for (int i = 0; i < designs.Count; i++)
        {
            var d = designs[i];
            string rule = RuleLabel(d);
            string name = options.MarkRate is double mr ? string.Create(Inv, $"{rule}: {d.EscalationProbability(mr) * 100:0.0}% at p = {mr:0.00}") : rule;
            var points = Enumerable.Range(0, options.Points).Select(j => (double)j / (options.Points - 1)).Select(p => new DataPoint(p, d.EscalationProbability(p))).ToList();
            series.Add(new LineSeries { Name = name, Color = Palette.At(i), Points = points, Dashed = i % 2 == 1 });
            if (options.MarkRate is double m)
                series.Add(new LineSeries { Name = $"{rule} at p", Color = Palette.At(i), Points = [new DataPoint(m, d.EscalationProbability(m))], Line = false, Markers = true, ShowInLegend = false });
        }
        var chart = new Chart
        {
            Title = options.Title ?? "Probability of escalating past a dose, by its true DLT rate",
            Caption = $"{(designs.Count == 1 ? "Rule" : "Rules")}: {string.Join("; ", designs.Select(RuleLabel).Distinct())}. Exact binomial calculation per dose (no simulation); the curve does not depend on the other doses or on de-escalation.",
            Description = "Line chart of the probability that a dose passes the escalation rule as a function of its true DLT probability.",
            X = new Axis { Title = "True DLT probability at the dose", Unit = "%", Percent = true, Min = 0, Max = 1, MaxTicks = 11 },
            Y = new Axis { Title = "P(escalate past the dose)", Unit = "%", Percent = true, Min = 0, Max = 1 },
            Series = series,
            References = options.MarkRate is double ref_ ? [new ReferenceLine(true, ref_, string.Create(Inv, $"p = {ref_:0.00}"))] : [],
            Width = options.Width,
            Height = options.Height,
        };
        return Figure.Of(chart);
    }

    /// <summary>
    /// Designs compared across scenarios in three panels: P(correct selection) (with each
    /// scenario's benchmark ceiling when given), the share of patients treated above the true MTD,
    /// and the mean sample size. Scenarios are the categories and designs the series, in order of
    /// first appearance.
    /// </summary>
    public static Figure Comparison(IReadOnlyList<DesignComparisonRow> rows, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("need at least one row", nameof(rows));
        options ??= new ComparisonOptions();
        var scenarios = rows.Select(r => r.Scenario).Distinct().ToList();
        var designs = rows.Select(r => r.Design).Distinct().ToList();
        if (rows.GroupBy(r => (r.Design, r.Scenario)).Any(g => g.Count() > 1)) throw new ArgumentException("each design and scenario may appear once", nameof(rows));
        var benchmarks = scenarios.Select((s, i) => (i, b: rows.Where(r => r.Scenario == s).Select(r => r.BenchmarkPcs).FirstOrDefault(b => b is not null)))
            .Where(t => t.b is not null).Select(t => new DataPoint(t.i, t.b!.Value)).ToList();

        Chart Panel(string title, Axis y, Func<DesignComparisonRow, Estimate> pick, bool probability, bool legend, IReadOnlyList<Series> extra) => new()
        {
            Title = title,
            Caption = "",
            X = new Axis { Title = "Scenario" },
            Categories = scenarios,
            Y = y,
            Series = designs.Select((d, i) => (Series)new BarSeries
            {
                Name = d,
                Color = Palette.At(i),
                Slot = i,
                ShowInLegend = legend,
                Bars = rows.Where(r => r.Design == d).Select(r =>
                {
                    var e = pick(r);
                    var bar = probability ? ProbabilityBar(scenarios.IndexOf(r.Scenario), e) : MeanBar(scenarios.IndexOf(r.Scenario), e);
                    return bar;
                }).ToList(),
            }).Concat(extra).ToList(),
            Width = options.Width,
            Height = options.PanelHeight,
        };

        var benchmarkSeries = benchmarks.Count == 0 ? [] : new List<Series> { new SegmentSeries { Name = "benchmark (ceiling)", Color = Palette.Ink, Points = benchmarks } };
        var panels = new List<Chart>
        {
            Panel("P(correct selection)", new Axis { Title = "P(correct)", Unit = "%", Percent = true }, r => r.CorrectSelection, true, true, benchmarkSeries),
            Panel("Patients treated above the true MTD", new Axis { Title = "Share above MTD", Unit = "%", Percent = true }, r => r.ShareAboveMtd, true, false, []),
            Panel("Mean sample size", new Axis { Title = "Mean N", Unit = "patients" }, r => r.MeanN, false, false, []),
        };
        var sources = rows.Select(r => r.Source).OfType<string>().Distinct().ToList();
        var captionParts = new List<string>
        {
            $"{(designs.Count == 1 ? "Design" : "Designs")}: {string.Join("; ", designs)}. Scenarios: {string.Join("; ", scenarios)}.",
        };
        if (sources.Count > 0) captionParts.Add($"{Captions.Capitalize(string.Join("; ", sources))}.");
        if (rows.Any(r => r.CorrectSelection.Se > 0 || r.ShareAboveMtd.Se > 0 || r.MeanN.Se > 0)) captionParts.Add("Whiskers: 95% intervals (normal approximation).");
        // Bars at different maximum N are not like for like: the caption says so.
        var maxN = rows.Where(r => r.MaxN is not null).Select(r => (r.Design, r.MaxN!.Value)).Distinct().ToList();
        if (RunNotes.MaxNDifference(maxN) is { } differ) captionParts.Add(differ + ".");
        if (benchmarks.Count > 0) captionParts.Add("Dashed segments: P(correct selection) of the nonparametric optimal benchmark (O'Quigley, Paoletti & Maccario 2002) with the same patients, the usual reference ceiling; a design can exceed it where the true MTD is not the dose closest to the target or is the top dose.");
        return Figure.OfPanels(options.Title ?? "Designs compared across scenarios", string.Join(" ", captionParts), panels,
            "Three bar-chart panels comparing designs across scenarios: probability of correct selection, share of patients above the true MTD, and mean sample size.");
    }

    /// <summary>"3+3" or "A+B (A=3, B=3, C=1, D=2, E=2)": the part of a design that sets its escalation curve.</summary>
    public static string RuleLabel(AplusB design) =>
        design.IsThreePlusThree ? "3+3" : string.Create(Inv, $"A+B (A={design.A}, B={design.B}, C={design.C}, D={design.D}, E={design.E})");

    private static Bar ProbabilityBar(int x, Estimate e) =>
        e.Se > 0 ? new Bar(x, e.Value, Math.Max(0, e.Lower), Math.Min(1, e.Upper)) : new Bar(x, e.Value);

    private static Bar MeanBar(int x, Estimate e) =>
        e.Se > 0 ? new Bar(x, e.Value, Math.Max(0, e.Lower), e.Upper) : new Bar(x, e.Value);

    private static List<Bar> MeanBars(Estimate[] estimates) => estimates.Select((e, j) => MeanBar(j, e)).ToList();

    private static int CheckSameDoses(IReadOnlyList<OperatingCharacteristics> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) throw new ArgumentException("need at least one result", nameof(results));
        int k = results[0].DoseCount;
        if (results.Any(r => r.DoseCount != k)) throw new ArgumentException("all results must have the same number of doses", nameof(results));
        return k;
    }

    private static IReadOnlyList<string> DoseLabels(IReadOnlyList<OperatingCharacteristics> results, DoseChartOptions options)
    {
        int k = results[0].DoseCount;
        if (options.DoseLabels is { } given)
        {
            if (given.Count != k) throw new ArgumentException($"expected {k} dose labels, got {given.Count}", nameof(options));
            return given;
        }
        var scenarios = results.Select(r => r.Scenario).Distinct().ToList();
        return Enumerable.Range(0, k).Select(d => scenarios.Count == 1
            ? string.Create(Inv, $"Dose {d + 1} (true p = {scenarios[0].Dlt[d]:0.00})")
            : string.Create(Inv, $"Dose {d + 1}")).ToList();
    }

    // Series are named by what differs between results: the design, the scenario, or both.
    private static IReadOnlyList<string> SeriesLabels(IReadOnlyList<OperatingCharacteristics> results)
    {
        bool namesUnique = results.Select(r => r.Design).Distinct().Count() == results.Select(r => r.DesignDescription).Distinct().Count();
        string DesignLabel(OperatingCharacteristics r) => namesUnique ? r.Design : r.DesignDescription;
        bool designsVary = results.Select(r => r.DesignDescription).Distinct().Count() > 1;
        bool scenariosVary = results.Select(r => r.Scenario).Distinct().Count() > 1;
        bool enginesVary = results.Select(Captions.Engine).Distinct().Count() > 1;
        return results.Select(r =>
        {
            var parts = new List<string>();
            if (designsVary || !scenariosVary) parts.Add(DesignLabel(r));
            if (scenariosVary) parts.Add($"scenario {r.Scenario.Name}");
            if (enginesVary) parts.Add(r.Engine);
            return string.Join(", ", parts);
        }).ToList();
    }
}
