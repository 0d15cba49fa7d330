using System.Globalization;

namespace DoseEscalation.Reporting;

/// <summary>
/// Lays out and draws <see cref="Chart"/>s as SVG. Geometry follows the data exactly (a bar of
/// value v is v/(max-min) of the plot height), and every data mark carries <c>data-*</c>
/// attributes with its value so tests and scripts can read the picture back.
/// </summary>
public static class ChartRenderer
{
    private const double Pad = 16;
    private const double TitleSize = 17;
    private const double PanelTitleSize = 14.5;
    private const double TickSize = 12;
    private const double AxisTitleSize = 13;
    private const double LegendSize = 12;
    private const double CaptionSize = 11.5;
    private const double MinPlotHeight = 160;
    private const double RotateDegrees = 35;

    /// <summary>Renders one chart as a standalone SVG document.</summary>
    public static SvgDocument Render(Chart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var root = new SvgElement("g").Set("class", "chart");
        double height = Draw(root, chart, chart.Width, chart.Height, TitleSize, caption: chart.Caption);
        var doc = new SvgDocument(chart.Width, height, chart.Title, Describe(chart));
        doc.Add(Background(chart.Width, height));
        doc.Add(root);
        return doc;
    }

    /// <summary>
    /// Renders <paramref name="panels"/> stacked vertically in one SVG under a shared title, with
    /// one caption at the bottom; each panel's own title becomes its heading and its caption is ignored.
    /// </summary>
    public static SvgDocument RenderPanels(string title, string caption, IReadOnlyList<Chart> panels, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0) throw new ArgumentException("need at least one panel", nameof(panels));
        double width = panels.Max(p => p.Width);
        var content = new List<SvgElement>();
        double y = Pad;
        var titleLines = TextMeasure.Wrap(title, TitleSize, width - 2 * Pad);
        content.Add(Text(Pad, y + TitleSize, titleLines, TitleSize, "start", bold: true).Set("class", "title"));
        y += titleLines.Count * TitleSize * 1.3 + 4;
        foreach (var panel in panels)
        {
            var g = new SvgElement("g").Set("class", "panel").Set("transform", $"translate(0 {Svg.Number(y)})");
            y += Draw(g, panel, width, panel.Height, PanelTitleSize, caption: null);
            content.Add(g);
        }
        var captionLines = TextMeasure.Wrap(caption, CaptionSize, width - 2 * Pad);
        content.Add(Text(Pad, y + CaptionSize, captionLines, CaptionSize, "start", fill: Palette.Muted).Set("class", "caption"));
        y += captionLines.Count * CaptionSize * 1.35 + Pad;
        string desc = string.Join(" ", panels.Select(Describe).Prepend(description ?? caption));
        var doc = new SvgDocument(width, y, title, desc);
        doc.Add(Background(width, y));
        foreach (var e in content) doc.Add(e);
        return doc;
    }

    private static SvgElement Background(double w, double h) =>
        new SvgElement("rect").Set("class", "background").Set("x", 0).Set("y", 0).Set("width", w).Set("height", h).Set("fill", "#FFFFFF");

    private sealed record Scale(AxisTicks Ticks, double PixelLow, double PixelHigh)
    {
        public double Map(double v) => PixelLow + (v - Ticks.Min) / (Ticks.Max - Ticks.Min) * (PixelHigh - PixelLow);
    }

    private sealed record LegendEntry(string Kind, string Color, string Label, bool Dashed = false);

    // Draws the chart into g within a box of the given width; returns the height used.
    private static double Draw(SvgElement g, Chart chart, double width, double height, double titleSize, string? caption)
    {
        Validate(chart);
        bool categorical = chart.Categories is not null;
        int nCat = chart.Categories?.Count ?? 0;
        var yTicks = ValueTicks(chart.Y, chart, onY2: false);
        var y2Ticks = chart.Y2 is null ? null : ValueTicks(chart.Y2, chart, onY2: true);
        var xTicks = categorical ? null : XTicks(chart);

        // Top: title, legend.
        double top = Pad;
        var titleLines = TextMeasure.Wrap(chart.Title, titleSize, width - 2 * Pad);
        g.Add(Text(Pad, top + titleSize, titleLines, titleSize, "start", bold: true).Set("class", "title"));
        top += titleLines.Count * titleSize * 1.3 + 6;
        var legend = LegendEntries(chart);
        var legendRows = LayoutLegend(legend, width - 2 * Pad);
        double legendTop = top;
        top += legendRows.Count * 20 + (legendRows.Count > 0 ? 6 : 0);
        // Room for band and reference labels written just inside the top of the plot.
        double plotTop = top + (chart.Bands.Count > 0 || chart.References.Any(r => r.Vertical) ? 20 : 6);

        // Left and right margins from the widest tick labels.
        double yLabelWidth = yTicks.Values.Max(v => TextMeasure.Width(FormatTick(v, chart.Y, yTicks), TickSize));
        double left = Pad + AxisTitleSize * 1.4 + yLabelWidth + 10;
        double right = Pad + 6;
        if (y2Ticks is not null && chart.Y2 is not null)
            right = Pad + AxisTitleSize * 1.4 + y2Ticks.Values.Max(v => TextMeasure.Width(FormatTick(v, chart.Y2, y2Ticks), TickSize)) + 10;
        else if (xTicks is not null)
            right = Math.Max(right, TextMeasure.Width(FormatTick(xTicks.Values[^1], chart.X, xTicks), TickSize) / 2 + 8);
        double plotLeft = left, plotRight = width - right, plotWidth = plotRight - plotLeft;

        // X labels: one line if they fit their category, else two lines, else rotated.
        var xLabelLines = new List<IReadOnlyList<string>>();
        bool rotate = false;
        double xLabelHeight = TickSize * 1.3;
        if (categorical)
        {
            double room = plotWidth / nCat * 0.95;
            bool fitsOne = chart.Categories!.All(c => TextMeasure.Width(c, TickSize) <= room);
            var split = chart.Categories!.Select(c => fitsOne ? [c] : TextMeasure.SplitInTwo(c)).ToList();
            bool fitsTwo = split.All(lines => lines.All(l => TextMeasure.Width(l, TickSize) <= room));
            if (fitsOne || fitsTwo)
            {
                xLabelLines.AddRange(split);
                xLabelHeight = split.Max(l => l.Count) * TickSize * 1.25;
            }
            else
            {
                rotate = true;
                xLabelLines.AddRange(chart.Categories!.Select(c => (IReadOnlyList<string>)[c]));
                double widest = chart.Categories!.Max(c => TextMeasure.Width(c, TickSize));
                double a = RotateDegrees * Math.PI / 180;
                xLabelHeight = widest * Math.Sin(a) + TickSize * Math.Cos(a) + 4;
            }
        }
        var captionLines = caption is null ? [] : TextMeasure.Wrap(caption, CaptionSize, width - 2 * Pad);
        double bottom = 8 + xLabelHeight + 10 + AxisTitleSize * 1.3 + 6
            + (captionLines.Count > 0 ? captionLines.Count * CaptionSize * 1.35 + 8 : 0) + Pad / 2;
        double plotBottom = Math.Max(height - bottom, plotTop + MinPlotHeight);
        double totalHeight = plotBottom + bottom;

        var ys = new Scale(yTicks, plotBottom, plotTop);
        var y2s = y2Ticks is null ? null : new Scale(y2Ticks, plotBottom, plotTop);
        Scale? xs = xTicks is null ? null : new Scale(xTicks, plotLeft, plotRight);
        double catWidth = categorical ? plotWidth / nCat : 0;
        double CatCenter(double i) => plotLeft + (i + 0.5) * catWidth;
        double XMap(double x) => categorical ? CatCenter(x) : xs!.Map(x);
        Scale YFor(Series s) => s.OnY2 ? y2s! : ys;

        var plot = g.Add(new SvgElement("g").Set("class", "plot"));

        // Bands behind everything.
        foreach (var band in chart.Bands)
        {
            double x0 = plotLeft + band.Category * catWidth;
            plot.Add(new SvgElement("rect").Set("class", "band").Set("data-x", band.Category)
                .Set("x", x0).Set("y", plotTop).Set("width", catWidth).Set("height", plotBottom - plotTop).Set("fill", "#F1F1F1"));
            plot.Add(Text(x0 + catWidth / 2, plotTop - 6, [band.Label], LegendSize - 0.5, "middle", fill: Palette.Muted).Set("class", "band-label"));
        }

        // Grid and y ticks.
        foreach (var v in yTicks.Values)
        {
            double py = ys.Map(v);
            plot.Add(new SvgElement("line").Set("class", "grid").Set("x1", plotLeft).Set("x2", plotRight).Set("y1", py).Set("y2", py)
                .Set("stroke", Palette.Grid).Set("stroke-width", 1));
            plot.Add(new SvgElement("line").Set("class", "tick-y").Set("data-value", Invariant(v))
                .Set("x1", plotLeft - 5).Set("x2", plotLeft).Set("y1", py).Set("y2", py).Set("stroke", Palette.Ink));
            plot.Add(Text(plotLeft - 8, py + TickSize * 0.35, [FormatTick(v, chart.Y, yTicks)], TickSize, "end").Set("class", "tick-label-y"));
        }
        if (y2s is not null && chart.Y2 is not null)
        {
            foreach (var v in y2s.Ticks.Values)
            {
                double py = y2s.Map(v);
                plot.Add(new SvgElement("line").Set("class", "tick-y2").Set("data-value", Invariant(v))
                    .Set("x1", plotRight).Set("x2", plotRight + 5).Set("y1", py).Set("y2", py).Set("stroke", Palette.Ink));
                plot.Add(Text(plotRight + 8, py + TickSize * 0.35, [FormatTick(v, chart.Y2, y2s.Ticks)], TickSize, "start").Set("class", "tick-label-y2"));
            }
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
        var whiskers = new List<SvgElement>();
        var marks = new List<SvgElement>();
        foreach (var s in barSeries)
        {
            var sy = YFor(s);
            foreach (var bar in s.Bars)
            {
                double cx, w;
                if (categorical)
                {
                    double group = catWidth * 0.82, slotW = group / slotCount;
                    cx = CatCenter(bar.X) - group / 2 + (slots[s] + 0.5) * slotW;
                    w = slotW * 0.9 * s.WidthFraction;
                }
                else
                {
                    cx = xs!.Map(bar.X);
                    w = Math.Abs(xs.Map(bar.X + s.LinearWidth / 2) - xs.Map(bar.X - s.LinearWidth / 2)) * s.WidthFraction;
                }
                double y0 = sy.Map(Math.Max(sy.Ticks.Min, 0)), y1 = sy.Map(bar.Value);
                plot.Add(new SvgElement("rect").Set("class", "bar").Set("data-series", s.Name).Set("data-x", Invariant(bar.X))
                    .Set("data-value", Invariant(bar.Value)).Set("x", cx - w / 2).Set("y", Math.Min(y0, y1)).Set("width", w)
                    .Set("height", Math.Abs(y0 - y1)).Set("fill", s.Color));
                if (bar.Lower is double lo && bar.Upper is double hi)
                    whiskers.Add(Whisker(cx, sy, lo, hi, Math.Min(w * 0.5, 10), s.Name));
                if (bar.Highlight)
                {
                    double tipY = sy.Map(Math.Max(bar.Value, bar.Upper ?? bar.Value)) - 4;
                    marks.Add(Triangle(cx, tipY, 6).Set("class", "mark").Set("data-series", s.Name).Set("data-x", Invariant(bar.X)));
                }
            }
        }
        foreach (var e in whiskers) plot.Add(e);

        // Segments (benchmarks) across the category group.
        foreach (var s in chart.Series.OfType<SegmentSeries>())
        {
            var sy = YFor(s);
            foreach (var p in s.Points)
            {
                double half = categorical ? catWidth * 0.46 : 12;
                double px = XMap(p.X), py = sy.Map(p.Y);
                plot.Add(new SvgElement("line").Set("class", "segment").Set("data-series", s.Name).Set("data-x", Invariant(p.X))
                    .Set("data-value", Invariant(p.Y)).Set("x1", px - half).Set("x2", px + half).Set("y1", py).Set("y2", py)
                    .Set("stroke", s.Color).Set("stroke-width", 2.5).Set("stroke-dasharray", "7 4"));
            }
        }

        // Lines and points.
        foreach (var s in chart.Series.OfType<LineSeries>())
        {
            var sy = YFor(s);
            if (s.Line && s.Points.Count > 1)
            {
                var d = new System.Text.StringBuilder();
                for (int i = 0; i < s.Points.Count; i++)
                {
                    double px = XMap(s.Points[i].X), py = sy.Map(s.Points[i].Y);
                    if (i == 0) d.Append(CultureInfo.InvariantCulture, $"M{Svg.Number(px)} {Svg.Number(py)}");
                    else if (s.Step) d.Append(CultureInfo.InvariantCulture, $" H{Svg.Number(px)} V{Svg.Number(py)}");
                    else d.Append(CultureInfo.InvariantCulture, $" L{Svg.Number(px)} {Svg.Number(py)}");
                }
                var path = plot.Add(new SvgElement("path").Set("class", "line").Set("data-series", s.Name).Set("d", d.ToString())
                    .Set("fill", "none").Set("stroke", s.Color).Set("stroke-width", s.StrokeWidth).Set("stroke-linejoin", "round"));
                if (s.Dashed) path.Set("stroke-dasharray", "6 4");
            }
            foreach (var p in s.Points)
            {
                double px = XMap(p.X);
                if (p.Lower is double lo && p.Upper is double hi) plot.Add(Whisker(px, sy, lo, hi, 5, s.Name));
                if (s.Markers)
                    plot.Add(new SvgElement("circle").Set("class", "point").Set("data-series", s.Name).Set("data-x", Invariant(p.X))
                        .Set("data-value", Invariant(p.Y)).Set("cx", px).Set("cy", sy.Map(p.Y)).Set("r", 4)
                        .Set("fill", s.Color).Set("stroke", "#FFFFFF").Set("stroke-width", 1.2));
            }
        }
        foreach (var e in marks) plot.Add(e);

        // Reference lines with labels.
        foreach (var r in chart.References)
        {
            if (r.Vertical)
            {
                double px = XMap(r.Value);
                plot.Add(new SvgElement("line").Set("class", "reference").Set("data-value", Invariant(r.Value))
                    .Set("x1", px).Set("x2", px).Set("y1", plotTop).Set("y2", plotBottom)
                    .Set("stroke", r.Color).Set("stroke-width", 1.5).Set("stroke-dasharray", "5 4"));
                // Label at the top; flipped to the left of the line when it would run off the plot.
                double tw = TextMeasure.Width(r.Label, LegendSize);
                bool flip = px + 4 + tw > width - Pad / 2;
                plot.Add(Text(flip ? px - 4 : px + 4, plotTop - 6, [r.Label], LegendSize, flip ? "end" : "start", bold: true, fill: r.Color)
                    .Set("class", "reference-label"));
            }
            else
            {
                var sy = r.OnY2 ? y2s ?? ys : ys;
                double py = sy.Map(r.Value);
                plot.Add(new SvgElement("line").Set("class", "reference").Set("data-value", Invariant(r.Value))
                    .Set("x1", plotLeft).Set("x2", plotRight).Set("y1", py).Set("y2", py)
                    .Set("stroke", r.Color).Set("stroke-width", 1.5).Set("stroke-dasharray", "5 4"));
                plot.Add(Text(plotRight - 4, py - 5, [r.Label], LegendSize, "end", fill: r.Color).Set("class", "reference-label"));
            }
        }

        // Axes.
        plot.Add(new SvgElement("line").Set("class", "axis-x").Set("x1", plotLeft).Set("x2", plotRight).Set("y1", plotBottom).Set("y2", plotBottom)
            .Set("stroke", Palette.Ink).Set("stroke-width", 1.2));
        plot.Add(new SvgElement("line").Set("class", "axis-y").Set("x1", plotLeft).Set("x2", plotLeft).Set("y1", plotTop).Set("y2", plotBottom)
            .Set("stroke", Palette.Ink).Set("stroke-width", 1.2));
        if (y2s is not null)
            plot.Add(new SvgElement("line").Set("class", "axis-y2").Set("x1", plotRight).Set("x2", plotRight).Set("y1", plotTop).Set("y2", plotBottom)
                .Set("stroke", Palette.Ink).Set("stroke-width", 1.2));
        double labelTop = plotBottom + 8;
        if (categorical)
        {
            for (int i = 0; i < nCat; i++)
            {
                double px = CatCenter(i);
                if (rotate)
                    plot.Add(Text(px + 3, labelTop + TickSize * 0.8, xLabelLines[i], TickSize, "end")
                        .Set("class", "xlabel").Set("transform", $"rotate(-{Svg.Number(RotateDegrees)} {Svg.Number(px + 3)} {Svg.Number(labelTop + TickSize * 0.8)})"));
                else
                    plot.Add(Text(px, labelTop + TickSize, xLabelLines[i], TickSize, "middle").Set("class", "xlabel"));
            }
        }
        else
        {
            foreach (var v in xTicks!.Values)
            {
                double px = xs!.Map(v);
                plot.Add(new SvgElement("line").Set("class", "tick-x").Set("data-value", Invariant(v))
                    .Set("x1", px).Set("x2", px).Set("y1", plotBottom).Set("y2", plotBottom + 5).Set("stroke", Palette.Ink));
                plot.Add(Text(px, labelTop + TickSize, [FormatTick(v, chart.X, xTicks)], TickSize, "middle").Set("class", "xlabel"));
            }
        }
        double xTitleY = labelTop + xLabelHeight + 10 + AxisTitleSize;
        plot.Add(Text((plotLeft + plotRight) / 2, xTitleY, [chart.X.Label], AxisTitleSize, "middle").Set("class", "axis-title-x"));
        double yTitleX = Pad + AxisTitleSize;
        double midY = (plotTop + plotBottom) / 2;
        plot.Add(Text(yTitleX, midY, [chart.Y.Label], AxisTitleSize, "middle").Set("class", "axis-title-y")
            .Set("transform", $"rotate(-90 {Svg.Number(yTitleX)} {Svg.Number(midY)})"));
        if (chart.Y2 is not null)
        {
            double y2TitleX = width - Pad - AxisTitleSize * 0.4;
            plot.Add(Text(y2TitleX, midY, [chart.Y2.Label], AxisTitleSize, "middle").Set("class", "axis-title-y2")
                .Set("transform", $"rotate(90 {Svg.Number(y2TitleX)} {Svg.Number(midY)})"));
        }

        // Legend.
        var lg = g.Add(new SvgElement("g").Set("class", "legend"));
        for (int row = 0; row < legendRows.Count; row++)
        {
            double ly = legendTop + row * 20 + 10;
            double lx = Pad;
            foreach (var e in legendRows[row])
            {
                var item = lg.Add(new SvgElement("g").Set("class", "legend-item"));
                switch (e.Kind)
                {
                    case "bar":
                        item.Add(new SvgElement("rect").Set("x", lx).Set("y", ly - 6).Set("width", 14).Set("height", 12).Set("fill", e.Color));
                        break;
                    case "mark":
                        item.Add(Triangle(lx + 7, ly + 5, 6));
                        break;
                    default:
                        var line = item.Add(new SvgElement("line").Set("x1", lx - 2).Set("x2", lx + 16).Set("y1", ly).Set("y2", ly)
                            .Set("stroke", e.Color).Set("stroke-width", 2.5));
                        if (e.Dashed) line.Set("stroke-dasharray", "5 3");
                        if (e.Kind == "point") item.Add(new SvgElement("circle").Set("cx", lx + 7).Set("cy", ly).Set("r", 4).Set("fill", e.Color));
                        break;
                }
                item.Add(Text(lx + 20, ly + LegendSize * 0.35, [e.Label], LegendSize, "start"));
                lx += LegendItemWidth(e);
            }
        }

        if (captionLines.Count > 0)
            g.Add(Text(Pad, xTitleY + 10 + CaptionSize * 1.2, captionLines, CaptionSize, "start", fill: Palette.Muted).Set("class", "caption"));
        return totalHeight;
    }

    private static void Validate(Chart chart)
    {
        if (chart.Y2 is null && chart.Series.Any(s => s.OnY2)) throw new ArgumentException("a series is on the second y axis but the chart has none");
        if (chart.Categories is { Count: 0 }) throw new ArgumentException("a category axis needs at least one category");
        if (chart.Categories is null && chart.Bands.Count > 0) throw new ArgumentException("category bands need a category axis");
        foreach (var s in chart.Series.OfType<BarSeries>())
            if (!(s.WidthFraction > 0 && s.WidthFraction <= 1)) throw new ArgumentException($"bar width fraction of '{s.Name}' must be in (0, 1]");
    }

    private static SvgElement Whisker(double x, Scale sy, double lower, double upper, double cap, string series)
    {
        double y1 = sy.Map(lower), y2 = sy.Map(upper);
        var g = new SvgElement("g").Set("class", "whisker").Set("data-series", series)
            .Set("data-lower", Invariant(lower)).Set("data-upper", Invariant(upper)).Set("stroke", Palette.Ink).Set("stroke-width", 1.3);
        g.Add(new SvgElement("line").Set("class", "whisker-stem").Set("x1", x).Set("x2", x).Set("y1", y1).Set("y2", y2));
        g.Add(new SvgElement("line").Set("class", "whisker-lower").Set("x1", x - cap / 2).Set("x2", x + cap / 2).Set("y1", y1).Set("y2", y1));
        g.Add(new SvgElement("line").Set("class", "whisker-upper").Set("x1", x - cap / 2).Set("x2", x + cap / 2).Set("y1", y2).Set("y2", y2));
        return g;
    }

    // A downward-pointing triangle whose tip is at (x, tipY).
    private static SvgElement Triangle(double x, double tipY, double size) =>
        new SvgElement("path").Set("d", string.Create(CultureInfo.InvariantCulture,
                $"M{Svg.Number(x)} {Svg.Number(tipY)} L{Svg.Number(x - size)} {Svg.Number(tipY - size * 1.4)} L{Svg.Number(x + size)} {Svg.Number(tipY - size * 1.4)} Z"))
            .Set("fill", Palette.Ink);

    internal static SvgElement Text(double x, double y, IReadOnlyList<string> lines, double size, string anchor, bool bold = false, string? fill = null)
    {
        var t = new SvgElement("text").Set("x", x).Set("y", y).Set("font-size", size).Set("text-anchor", anchor).Set("fill", fill ?? Palette.Ink);
        if (bold) t.Set("font-weight", "bold");
        if (lines.Count == 1) t.Text = lines[0];
        else
            for (int i = 0; i < lines.Count; i++)
                t.Add(new SvgElement("tspan", lines[i]).Set("x", x).Set("dy", i == 0 ? 0 : size * 1.25));
        return t;
    }

    private static List<LegendEntry> LegendEntries(Chart chart)
    {
        var list = new List<LegendEntry>();
        foreach (var s in chart.Series.Where(s => s.ShowInLegend))
        {
            list.Add(s switch
            {
                BarSeries => new LegendEntry("bar", s.Color, s.Name),
                LineSeries l => new LegendEntry(l.Line ? "line" : "point", s.Color, s.Name, l.Dashed),
                _ => new LegendEntry("line", s.Color, s.Name, Dashed: true),
            });
        }
        if (chart.HighlightLegend is not null && chart.Series.OfType<BarSeries>().Any(s => s.Bars.Any(b => b.Highlight)))
            list.Add(new LegendEntry("mark", Palette.Ink, chart.HighlightLegend));
        return list;
    }

    private static double LegendItemWidth(LegendEntry e) => 20 + TextMeasure.Width(e.Label, LegendSize) + 18;

    private static List<List<LegendEntry>> LayoutLegend(List<LegendEntry> entries, double width)
    {
        var rows = new List<List<LegendEntry>>();
        double x = 0;
        foreach (var e in entries)
        {
            double w = LegendItemWidth(e);
            if (rows.Count == 0 || (x + w > width && rows[^1].Count > 0)) { rows.Add([]); x = 0; }
            rows[^1].Add(e);
            x += w;
        }
        return rows;
    }

    private static AxisTicks ValueTicks(Axis axis, Chart chart, bool onY2)
    {
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

    private static AxisTicks XTicks(Chart chart)
    {
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

    private static string FormatTick(double v, Axis axis, AxisTicks ticks)
    {
        // A tick computed as -0.0 (or -1e-17) must print as 0, not "-0".
        if (Math.Abs(v) < 1e-9 * Math.Max(1, Math.Abs(ticks.Values[^1] - ticks.Values[0]))) v = 0;
        if (axis.Percent)
        {
            int d = Math.Max(0, ticks.Decimals - 2);
            return string.Create(CultureInfo.InvariantCulture, $"{(v * 100).ToString($"F{d}", CultureInfo.InvariantCulture)}%");
        }
        return v.ToString($"F{ticks.Decimals}", CultureInfo.InvariantCulture);
    }

    private static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    // Text for screen readers: the chart's own description, then each series' values.
    private static string Describe(Chart chart)
    {
        var parts = new List<string> { chart.Description ?? chart.Caption };
        string Label(double x) => chart.Categories is { } c && x >= 0 && x < c.Count && x == Math.Floor(x) ? c[(int)x] : Svg.Number(x);
        string Value(double v, bool y2) => (y2 ? chart.Y2 : chart.Y) is { Percent: true }
            ? string.Create(CultureInfo.InvariantCulture, $"{v * 100:0.#}%") : v.ToString("0.###", CultureInfo.InvariantCulture);
        foreach (var s in chart.Series)
        {
            string body = s switch
            {
                BarSeries b => string.Join(", ", b.Bars.Select(bar => $"{Label(bar.X)} {Value(bar.Value, s.OnY2)}")),
                LineSeries l when l.Points.Count <= 25 => string.Join(", ", l.Points.Select(p => $"{Label(p.X)} {Value(p.Y, s.OnY2)}")),
                LineSeries l => $"{l.Points.Count} points from {Label(l.Points[0].X)} ({Value(l.Points[0].Y, s.OnY2)}) to {Label(l.Points[^1].X)} ({Value(l.Points[^1].Y, s.OnY2)})",
                SegmentSeries g => string.Join(", ", g.Points.Select(p => $"{Label(p.X)} {Value(p.Y, s.OnY2)}")),
                _ => "",
            };
            parts.Add($"{s.Name}: {body}.");
        }
        parts.AddRange(chart.References.Select(r => $"{r.Label}."));
        return string.Join(" ", parts);
    }
}
