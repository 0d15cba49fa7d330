using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>
/// Turns a <see cref="Chart"/> model into a ScottPlot <see cref="Plot"/>: bars, whiskers, lines,
/// segments, reference lines and bands on axes whose limits and ticks come from the model (nice
/// ticks, percent labels, category labels wrapped to their slot). Titles, the legend, the caption
/// and labels above the data area are laid out by <see cref="Figure"/>, which measures them.
/// </summary>
internal static class ChartPlot
{
    public const float TickSize = 12;
    public const float AxisTitleSize = 13;

    /// <summary>The plot of <paramref name="chart"/>, drawn at <paramref name="width"/> px wide (used to wrap category labels).</summary>
    public static Plot Build(Chart chart, float width)
    {
        Validate(chart);
        ChartFonts.EnsureRegistered();
        var plot = new Plot();
        plot.RenderManager.Remove<ScottPlot.Rendering.RenderActions.ClearCanvas>(); // the figure paints its own background
        plot.Font.Set(ChartFonts.Family);
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.HideLegend();
        var ink = Color.FromHex(Palette.Ink);
        foreach (var axis in new IAxis[] { plot.Axes.Left, plot.Axes.Bottom, plot.Axes.Right })
        {
            axis.TickLabelStyle.FontSize = TickSize;
            axis.TickLabelStyle.ForeColor = ink;
            axis.Label.FontSize = AxisTitleSize;
            axis.Label.Bold = false;
            axis.Label.ForeColor = ink;
            axis.FrameLineStyle.Color = ink;
            axis.MajorTickStyle.Color = ink;
            axis.MinorTickStyle.Length = 0;
        }
        plot.Axes.Top.FrameLineStyle.Width = 0;
        // Room above the data area for the band and reference labels the figure writes there.
        plot.Axes.Top.MinimumSize = chart.Bands.Count > 0 || chart.References.Any(r => r.Vertical) ? 22 : 8;
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plot.Grid.YAxisStyle.MajorLineStyle.Color = Color.FromHex(Palette.Grid);

        bool categorical = chart.Categories is not null;
        int nCat = chart.Categories?.Count ?? 0;
        var yTicks = ChartScales.ValueTicks(chart.Y, chart, onY2: false);
        SetTicks(plot.Axes.Left, chart.Y, yTicks);
        plot.Axes.SetLimitsY(yTicks.Min, yTicks.Max, plot.Axes.Left);
        plot.Axes.Left.Label.Text = chart.Y.Label;
        if (chart.Y2 is { } y2)
        {
            var y2Ticks = ChartScales.ValueTicks(y2, chart, onY2: true);
            SetTicks(plot.Axes.Right, y2, y2Ticks);
            plot.Axes.SetLimitsY(y2Ticks.Min, y2Ticks.Max, plot.Axes.Right);
            plot.Axes.Right.Label.Text = y2.Label;
        }
        else plot.Axes.Right.FrameLineStyle.Width = 0;
        plot.Axes.Bottom.Label.Text = chart.X.Label;
        if (categorical)
        {
            // Labels wrap to the width of their category (the data area is about the figure less 140 px of axes).
            float slot = Math.Max(40, (width - 140) / nCat * 0.95f);
            var labels = chart.Categories!.Select(c => string.Join('\n', ChartFonts.Wrap(c, TickSize, slot))).ToArray();
            plot.Axes.Bottom.TickGenerator = new NumericManual(Enumerable.Range(0, nCat).Select(i => (double)i).ToArray(), labels);
            plot.Axes.SetLimitsX(-0.5, nCat - 0.5, plot.Axes.Bottom);
        }
        else
        {
            var xTicks = ChartScales.XTicks(chart);
            SetTicks(plot.Axes.Bottom, chart.X, xTicks);
            plot.Axes.SetLimitsX(xTicks.Min, xTicks.Max, plot.Axes.Bottom);
        }

        foreach (var band in chart.Bands)
        {
            var span = plot.Add.HorizontalSpan(band.Category - 0.5, band.Category + 0.5, Color.FromHex("#F1F1F1"));
            span.LineWidth = 0;
            span.LegendText = band.Label;
        }

        // Bars, grouped in slots within each category.
        var barSeries = chart.Series.OfType<BarSeries>().ToList();
        var slots = new Dictionary<BarSeries, int>();
        int nextSlot = 0;
        foreach (var s in barSeries)
        {
            int slot = s.Slot ?? nextSlot;
            slots[s] = slot;
            nextSlot = Math.Max(nextSlot, slot + 1);
        }
        int slotCount = Math.Max(1, nextSlot);
        double yRange = yTicks.Max - yTicks.Min;
        // Pixels per data unit, estimated from the figure size, to lay out dashes (see AddDashed).
        var xLimits = plot.Axes.GetLimits(plot.Axes.Bottom, plot.Axes.Left);
        var scale = (X: (width - 140) / (xLimits.Right - xLimits.Left), Y: Math.Max(200, chart.Height - 170) / yRange);
        var marks = new List<Coordinates>();
        foreach (var s in barSeries)
        {
            var color = Color.FromHex(s.Color);
            var bars = new List<ScottPlot.Bar>();
            var whiskers = (X: new List<double>(), Y: new List<double>(), Lo: new List<double>(), Hi: new List<double>());
            foreach (var bar in s.Bars)
            {
                double x, size;
                if (categorical)
                {
                    double group = 0.82, slotW = group / slotCount;
                    x = bar.X - group / 2 + (slots[s] + 0.5) * slotW;
                    size = slotW * 0.9 * s.WidthFraction;
                }
                else
                {
                    x = bar.X;
                    size = s.LinearWidth * s.WidthFraction;
                }
                bars.Add(new ScottPlot.Bar { Position = x, Value = bar.Value, ValueBase = 0, Size = size, FillColor = color, LineWidth = 0 });
                if (bar.Lower is double lo && bar.Upper is double hi)
                {
                    whiskers.X.Add(x); whiskers.Y.Add(bar.Value); whiskers.Lo.Add(bar.Value - lo); whiskers.Hi.Add(hi - bar.Value);
                }
                if (bar.Highlight) marks.Add(new Coordinates(x, Math.Max(bar.Value, bar.Upper ?? bar.Value) + yRange * 0.035));
            }
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = s.ShowInLegend ? s.Name : "";
            if (s.OnY2) plottable.Axes.YAxis = plot.Axes.Right;
            if (whiskers.X.Count > 0) AddWhiskers(plot, whiskers.X, whiskers.Y, whiskers.Lo, whiskers.Hi, s.OnY2);
        }

        foreach (var s in chart.Series.OfType<SegmentSeries>())
        {
            foreach (var p in s.Points)
            {
                double half = categorical ? 0.46 : 0.5;
                AddDashed(plot, [p.X - half, p.X + half], [p.Y, p.Y], s.Color, 2.5f, s.OnY2, scale);
            }
        }

        foreach (var s in chart.Series.OfType<LineSeries>())
        {
            var xs = s.Points.Select(p => p.X).ToArray();
            var ys = s.Points.Select(p => p.Y).ToArray();
            if (s.Dashed && s.Line && s.Points.Count > 1) AddDashed(plot, xs, ys, s.Color, (float)s.StrokeWidth, s.OnY2, scale);
            var scatter = plot.Add.Scatter(xs, ys, Color.FromHex(s.Color));
            scatter.LegendText = s.ShowInLegend ? s.Name : "";
            scatter.LineWidth = s.Line && s.Points.Count > 1 && !s.Dashed ? (float)s.StrokeWidth : 0;
            scatter.MarkerSize = s.Markers ? 8 : 0;
            scatter.MarkerShape = MarkerShape.FilledCircle;
            if (s.Step) scatter.ConnectStyle = ConnectStyle.StepHorizontal;
            if (s.OnY2) scatter.Axes.YAxis = plot.Axes.Right;
            var withInterval = s.Points.Where(p => p.Lower is not null && p.Upper is not null).ToList();
            if (withInterval.Count > 0)
                AddWhiskers(plot, withInterval.Select(p => p.X).ToList(), withInterval.Select(p => p.Y).ToList(),
                    withInterval.Select(p => p.Y - p.Lower!.Value).ToList(), withInterval.Select(p => p.Upper!.Value - p.Y).ToList(), s.OnY2);
        }

        if (marks.Count > 0)
        {
            var m = plot.Add.Markers(marks.ToArray(), MarkerShape.FilledTriangleDown, 11, ink);
            m.LegendText = chart.HighlightLegend ?? "";
        }

        foreach (var r in chart.References)
        {
            if (r.Vertical) AddDashed(plot, [r.Value, r.Value], [yTicks.Min, yTicks.Max], r.Color, 1.5f, false, scale);
            else
            {
                var limits = plot.Axes.GetLimits(plot.Axes.Bottom, r.OnY2 ? plot.Axes.Right : plot.Axes.Left);
                AddDashed(plot, [limits.Left, limits.Right], [r.Value, r.Value], r.Color, 1.5f, r.OnY2, scale);
            }
        }
        return plot;
    }

    /// <summary>
    /// A dashed polyline drawn as solid dashes (about 6 px on, 4 px off), one plottable each:
    /// SkiaSharp's SVG writer does not support dash path effects and complains on standard error.
    /// </summary>
    private static void AddDashed(Plot plot, double[] xs, double[] ys, string color, float width, bool onY2, (double X, double Y) scale)
    {
        const double On = 6, Off = 4;
        var c = Color.FromHex(color);
        var dash = (X: new List<double>(), Y: new List<double>());
        void Flush()
        {
            if (dash.X.Count > 1)
            {
                var line = plot.Add.ScatterLine(dash.X.ToArray(), dash.Y.ToArray(), c);
                line.LineWidth = width;
                line.MarkerSize = 0;
                if (onY2) line.Axes.YAxis = plot.Axes.Right;
            }
            dash.X.Clear();
            dash.Y.Clear();
        }
        double phase = 0; // distance into the current on+off period, in pixels
        dash.X.Add(xs[0]); dash.Y.Add(ys[0]);
        for (int i = 1; i < xs.Length; i++)
        {
            double dx = (xs[i] - xs[i - 1]) * scale.X, dy = (ys[i] - ys[i - 1]) * scale.Y;
            double length = Math.Sqrt(dx * dx + dy * dy), done = 0;
            while (done < length)
            {
                double toEdge = phase < On ? On - phase : On + Off - phase;
                double step = Math.Min(toEdge, length - done);
                done += step;
                phase += step;
                double t = done / length;
                double x = xs[i - 1] + (xs[i] - xs[i - 1]) * t, y = ys[i - 1] + (ys[i] - ys[i - 1]) * t;
                bool wasOn = phase - step < On;
                if (wasOn) { dash.X.Add(x); dash.Y.Add(y); }
                if (phase >= On + Off) { phase = 0; dash.X.Add(x); dash.Y.Add(y); }
                else if (wasOn && phase >= On) Flush();
            }
        }
        Flush();
    }

    private static void AddWhiskers(Plot plot, List<double> xs, List<double> ys, List<double> lo, List<double> hi, bool onY2)
    {
        var e = plot.Add.ErrorBar(xs, ys, hi);
        e.YErrorNegative = lo;
        e.Color = Color.FromHex(Palette.Ink);
        e.LineWidth = 1.3f;
        e.CapSize = 6;
        if (onY2) e.Axes.YAxis = plot.Axes.Right;
    }

    private static void SetTicks(IAxis axis, Axis model, AxisTicks ticks) =>
        axis.TickGenerator = new NumericManual(ticks.Values.ToArray(), ticks.Values.Select(v => ChartScales.FormatTick(v, model, ticks)).ToArray());

    private static void Validate(Chart chart)
    {
        if (chart.Y2 is null && chart.Series.Any(s => s.OnY2)) throw new ArgumentException("a series is on the second y axis but the chart has none");
        if (chart.Categories is { Count: 0 }) throw new ArgumentException("a category axis needs at least one category");
        if (chart.Categories is null && chart.Bands.Count > 0) throw new ArgumentException("category bands need a category axis");
        foreach (var s in chart.Series.OfType<BarSeries>())
            if (!(s.WidthFraction > 0 && s.WidthFraction <= 1)) throw new ArgumentException($"bar width fraction of '{s.Name}' must be in (0, 1]");
    }
}

/// <summary>Axis ranges and tick labels of a <see cref="Chart"/>, from its data and axis settings.</summary>
public static class ChartScales
{
    /// <summary>Ticks of a value axis: the axis's fixed bounds, else nice ticks around the data on that axis (and 0 when asked).</summary>
    public static AxisTicks ValueTicks(Axis axis, Chart chart, bool onY2)
    {
        ArgumentNullException.ThrowIfNull(axis);
        ArgumentNullException.ThrowIfNull(chart);
        if (axis.Min is double fmin && axis.Max is double fmax) return NiceScale.TicksWithin(fmin, fmax, axis.MaxTicks);
        var values = new List<double>();
        foreach (var s in chart.Series.Where(s => s.OnY2 == onY2))
        {
            switch (s)
            {
                case BarSeries b:
                    foreach (var bar in b.Bars) { values.Add(bar.Value); if (bar.Upper is double u) values.Add(u); if (bar.Lower is double l) values.Add(l); }
                    break;
                case LineSeries l:
                    foreach (var p in l.Points) { values.Add(p.Y); if (p.Upper is double u) values.Add(u); if (p.Lower is double pl) values.Add(pl); }
                    break;
                case SegmentSeries g:
                    values.AddRange(g.Points.Select(p => p.Y));
                    break;
            }
        }
        values.AddRange(chart.References.Where(r => !r.Vertical && r.OnY2 == onY2).Select(r => r.Value));
        if (axis.IncludeZero || values.Count == 0) values.Add(0);
        double lo = axis.Min ?? values.Min(), hi = axis.Max ?? values.Max();
        var t = NiceScale.Ticks(lo, hi, axis.MaxTicks);
        // Probabilities never need an axis past 100%.
        if (axis.Percent && t.Max > 1 && hi <= 1) t = NiceScale.TicksWithin(t.Min, 1, axis.MaxTicks);
        return t;
    }

    /// <summary>Ticks of a linear x axis.</summary>
    public static AxisTicks XTicks(Chart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        if (chart.X.Min is double fmin && chart.X.Max is double fmax) return NiceScale.TicksWithin(fmin, fmax, chart.X.MaxTicks);
        var xs = new List<double>();
        foreach (var s in chart.Series)
        {
            switch (s)
            {
                case BarSeries b: xs.AddRange(b.Bars.SelectMany(bar => new[] { bar.X - b.LinearWidth / 2, bar.X + b.LinearWidth / 2 })); break;
                case LineSeries l: xs.AddRange(l.Points.Select(p => p.X)); break;
                case SegmentSeries g: xs.AddRange(g.Points.Select(p => p.X)); break;
            }
        }
        xs.AddRange(chart.References.Where(r => r.Vertical).Select(r => r.Value));
        if (chart.X.IncludeZero || xs.Count == 0) xs.Add(0);
        return NiceScale.Ticks(chart.X.Min ?? xs.Min(), chart.X.Max ?? xs.Max(), chart.X.MaxTicks);
    }

    /// <summary>A tick label: "40%" on a percent axis, else the value with the ticks' decimals; never "-0".</summary>
    public static string FormatTick(double v, Axis axis, AxisTicks ticks)
    {
        ArgumentNullException.ThrowIfNull(axis);
        ArgumentNullException.ThrowIfNull(ticks);
        if (Math.Abs(v) < 1e-9 * Math.Max(1, Math.Abs(ticks.Values[^1] - ticks.Values[0]))) v = 0;
        if (axis.Percent)
        {
            int d = Math.Max(0, ticks.Decimals - 2);
            return string.Create(CultureInfo.InvariantCulture, $"{(v * 100).ToString($"F{d}", CultureInfo.InvariantCulture)}%");
        }
        return v.ToString($"F{ticks.Decimals}", CultureInfo.InvariantCulture);
    }
}
