using System.Globalization;
using System.Xml.Linq;
using ScottPlot;
using SkiaSharp;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>
/// One chart (or a stack of panels) as the toolkit draws it: a wrapped title, per panel a legend
/// and a ScottPlot <see cref="ScottPlot.Plot"/>, and a caption stating the inputs. The data and
/// text live in <see cref="Panels"/> (the model tests and scripts read); <see cref="Plots"/> are the
/// ScottPlot objects, free to restyle before saving. Written as PNG (with its dpi), SVG (with a
/// title and description for screen readers) or PDF, all drawn by ScottPlot and SkiaSharp in the
/// embedded <see cref="ChartFonts"/> face. Every line of text is measured and wrapped to the width,
/// so nothing runs past the edge.
/// </summary>
public sealed class Figure
{
    private const float Pad = 16;
    private const float TitleSize = 17;
    private const float PanelTitleSize = 14.5f;
    private const float LegendSize = 12;
    private const float CaptionSize = 11.5f;
    private const float LabelSize = 11.5f;
    private const float LegendRowHeight = 20;
    private const float MinPlotHeight = 220;

    private readonly Layout _layout;
    private readonly IFigureBody? _body;

    internal Figure(string title, string caption, string? description, IReadOnlyList<Chart> panels, bool panelTitles)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(caption);
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0) throw new ArgumentException("need at least one panel", nameof(panels));
        (Title, Caption, Panels) = (title, caption, panels);
        Width = (float)panels.Max(p => p.Width);
        Description = string.Join(" ", panels.Select(Describe).Prepend(description).OfType<string>());
        Plots = panels.Select(p => ChartPlot.Build(p, Width)).ToList();
        _layout = Lay(panelTitles);
        Height = _layout.Height;
        // ScottPlot's first render of a plot lays it out from defaults and later ones from the
        // previous render; one render to nowhere makes every file written the same.
        using var nowhere = new SKNoDrawCanvas((int)Math.Ceiling(Width), (int)Math.Ceiling(Height));
        Draw(nowhere);
    }

    /// <summary>A figure whose body is drawn by <paramref name="body"/> (a diagram, not a plot), under a title and above a caption.</summary>
    internal Figure(string title, string caption, string description, IFigureBody body)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(caption);
        (Title, Caption, Description, _body) = (title, caption, description, body);
        (Panels, Plots) = ([], []);
        Width = body.Width;
        float inner = Width - 2 * Pad;
        var titleLines = ChartFonts.Wrap(Title, TitleSize, inner, bold: true);
        float y = Pad + titleLines.Count * TitleSize * 1.3f + 4;
        float bodyTop = y;
        y += body.Height + 6;
        var captionLines = Caption.Length == 0 ? [] : ChartFonts.Wrap(Caption, CaptionSize, inner);
        float captionTop = y;
        y += captionLines.Count * CaptionSize * 1.35f + Pad / 2;
        _layout = new Layout(titleLines, [], captionLines, captionTop, y) { BodyTop = bodyTop };
        Height = y;
    }

    /// <summary>A figure of one chart, titled and captioned by the chart.</summary>
    public static Figure Of(Chart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return new Figure(chart.Title, chart.Caption, chart.Description is null ? chart.Caption : null, [chart], panelTitles: false);
    }

    /// <summary>Panels stacked under one title and one caption; each panel's own title heads it and its caption is ignored.</summary>
    public static Figure OfPanels(string title, string caption, IReadOnlyList<Chart> panels, string? description = null) =>
        new(title, caption, description ?? caption, panels, panelTitles: true);

    public string Title { get; }
    /// <summary>The inputs of the chart (design, scenario, engine, trials, seed), printed under it.</summary>
    public string Caption { get; }
    /// <summary>Text for screen readers: what the chart shows, then every series' values.</summary>
    public string Description { get; }
    /// <summary>The chart model(s): data, labels and captions, one per panel; empty for a diagram (<see cref="PathwaysChart"/>).</summary>
    public IReadOnlyList<Chart> Panels { get; }
    /// <summary>The first (often only) panel.</summary>
    public Chart Chart => Panels.Count > 0 ? Panels[0] : throw new InvalidOperationException($"'{Title}' is a diagram, not a chart with panels");
    /// <summary>The ScottPlot plot of each panel; restyle them before saving.</summary>
    public IReadOnlyList<Plot> Plots { get; }
    /// <summary>The plot of the first (often only) panel.</summary>
    public Plot Plot => Plots.Count > 0 ? Plots[0] : throw new InvalidOperationException($"'{Title}' is a diagram, not a ScottPlot plot");
    /// <summary>Width in pixels at 96 dpi (CSS pixels).</summary>
    public float Width { get; }
    /// <summary>Height in pixels at 96 dpi, from the layout of the title, legends, panels and caption.</summary>
    public float Height { get; }

    /// <summary>The figure as a PNG of Width·dpi/96 x Height·dpi/96 pixels, its dpi recorded in a pHYs chunk and its title and description in iTXt chunks.</summary>
    public byte[] ToPng(int dpi = ChartFileOptions.DefaultDpi)
    {
        new ChartFileOptions { Dpi = dpi }.Validate();
        float scale = dpi / 96f;
        var info = new SKImageInfo((int)Math.Ceiling(Width * scale), (int)Math.Ceiling(Height * scale), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException("could not allocate the PNG surface");
        surface.Canvas.Scale(scale);
        Draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return PngChunks.AddMetadata(data.ToArray(), dpi, new Dictionary<string, string>
        {
            ["Title"] = Title,
            ["Description"] = Description,
            ["Software"] = $"dose-escalation {ToolInfo.Version} (ScottPlot, SkiaSharp)",
        });
    }

    /// <summary>The figure as a standalone SVG document (no XML declaration, so it can be inlined in HTML).</summary>
    public string ToSvg()
    {
        using var stream = new MemoryStream();
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), stream))
            Draw(canvas);
        stream.Position = 0;
        var doc = XDocument.Load(stream);
        return SvgMetadata.Finish(doc, Width, Height, Title, Description);
    }

    /// <summary>The figure as a one-page PDF, the page Width x Height CSS pixels (0.75 pt each).</summary>
    public byte[] ToPdf()
    {
        using var stream = new MemoryStream();
        var metadata = new SKDocumentPdfMetadata
        {
            Title = Title,
            Subject = Description,
            Creator = $"dose-escalation {ToolInfo.Version}",
            Producer = "ScottPlot and SkiaSharp",
            RasterDpi = ChartFileOptions.DefaultDpi,
        };
        using (var document = SKDocument.CreatePdf(stream, metadata))
        {
            var canvas = document.BeginPage(Width * 0.75f, Height * 0.75f);
            canvas.Scale(0.75f);
            Draw(canvas);
            document.EndPage();
            document.Close();
        }
        return stream.ToArray();
    }

    /// <summary>The bytes of the figure in the format of <paramref name="options"/>.</summary>
    public byte[] Encode(ChartFileOptions? options = null)
    {
        options ??= new ChartFileOptions();
        options.Validate();
        return options.Format switch
        {
            ChartFormat.Png => ToPng(options.Dpi),
            ChartFormat.Svg => new System.Text.UTF8Encoding(false).GetBytes(ToSvg()),
            ChartFormat.Pdf => ToPdf(),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Format, "unknown chart format"),
        };
    }

    /// <summary>
    /// Writes the figure to <paramref name="path"/> atomically. The format is that of
    /// <paramref name="options"/>, else the path's extension (.png, .svg, .pdf); an extension that
    /// names another format is an error.
    /// </summary>
    public void Save(string path, ChartFileOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fromExtension = ChartFileOptions.FromExtension(Path.GetExtension(path));
        if (options is null)
            options = new ChartFileOptions { Format = fromExtension ?? throw new ArgumentException($"{path}: the extension names no chart format (.png, .svg or .pdf)", nameof(path)) };
        else if (fromExtension is { } f && f != options.Format)
            throw new ArgumentException($"{path}: the extension says {f} but the format is {options.Format}", nameof(path));
        AtomicFile.WriteAllBytes(path, Encode(options));
    }

    // ---- layout and drawing, in CSS pixels ----

    private sealed record LegendItem(string Kind, string Color, string Label, bool Dashed, float Width);

    private sealed record PanelLayout(IReadOnlyList<string> TitleLines, float TitleTop, IReadOnlyList<IReadOnlyList<LegendItem>> LegendRows, float LegendTop, float PlotTop, float PlotHeight);

    private sealed record Layout(IReadOnlyList<string> TitleLines, IReadOnlyList<PanelLayout> Panels, IReadOnlyList<string> CaptionLines, float CaptionTop, float Height)
    {
        /// <summary>Where a diagram's body starts.</summary>
        public float BodyTop { get; init; }
    }

    private Layout Lay(bool panelTitles)
    {
        float inner = Width - 2 * Pad;
        float y = Pad;
        var titleLines = ChartFonts.Wrap(Title, TitleSize, inner, bold: true);
        y += titleLines.Count * TitleSize * 1.3f + 4;
        var captionLines = Caption.Length == 0 ? [] : ChartFonts.Wrap(Caption, CaptionSize, inner);
        float captionHeight = captionLines.Count * CaptionSize * 1.35f;
        var panels = new List<PanelLayout>();
        foreach (var chart in Panels)
        {
            float top = y;
            var pt = panelTitles ? ChartFonts.Wrap(chart.Title, PanelTitleSize, inner, bold: true) : [];
            float titleTop = y;
            y += pt.Count * PanelTitleSize * 1.3f + (pt.Count > 0 ? 4 : 0);
            var rows = LegendRows(chart, inner);
            float legendTop = y;
            y += rows.Count * LegendRowHeight + (rows.Count > 0 ? 2 : 0);
            float used = y - top + (panelTitles ? 0 : titleLines.Count * TitleSize * 1.3f + 4 + captionHeight + Pad);
            float plotHeight = Math.Max(MinPlotHeight, (float)chart.Height - used);
            panels.Add(new PanelLayout(pt, titleTop, rows, legendTop, y, plotHeight));
            y += plotHeight + 6;
        }
        float captionTop = y;
        y += captionHeight + Pad / 2;
        return new Layout(titleLines, panels, captionLines, captionTop, y);
    }

    private static List<IReadOnlyList<LegendItem>> LegendRows(Chart chart, float width)
    {
        var items = new List<LegendItem>();
        void Add(string kind, string color, string label, bool dashed = false)
        {
            // A label longer than the row is cut into pieces that fit, so no legend text overflows.
            var pieces = ChartFonts.Wrap(label, LegendSize, width - 26);
            for (int i = 0; i < pieces.Count; i++)
                items.Add(new LegendItem(i == 0 ? kind : "none", color, pieces[i], dashed, 20 + ChartFonts.Width(pieces[i], LegendSize) + 18));
        }
        foreach (var s in chart.Series.Where(s => s.ShowInLegend))
        {
            switch (s)
            {
                case BarSeries: Add("bar", s.Color, s.Name); break;
                case LineSeries l: Add(l.Line ? (l.Markers ? "line-point" : "line") : "point", s.Color, s.Name, l.Dashed); break;
                default: Add("line", s.Color, s.Name, dashed: true); break;
            }
        }
        if (chart.HighlightLegend is not null && chart.Series.OfType<BarSeries>().Any(s => s.Bars.Any(b => b.Highlight)))
            Add("mark", Palette.Ink, chart.HighlightLegend);
        var rows = new List<IReadOnlyList<LegendItem>>();
        var row = new List<LegendItem>();
        float x = 0;
        foreach (var item in items)
        {
            if (row.Count > 0 && (x + item.Width > width || item.Kind == "none")) { rows.Add(row); row = []; x = 0; }
            row.Add(item);
            x += item.Width;
        }
        if (row.Count > 0) rows.Add(row);
        return rows;
    }

    private void Draw(SKCanvas canvas)
    {
        using var background = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Fill };
        canvas.DrawRect(0, 0, Width, Height, background);
        DrawLines(canvas, _layout.TitleLines, Pad, Pad, TitleSize, 1.3f, bold: true, Palette.Ink);
        _body?.Draw(canvas, _layout.BodyTop);
        for (int i = 0; i < Panels.Count; i++)
        {
            var chart = Panels[i];
            var plot = Plots[i];
            var pl = _layout.Panels[i];
            DrawLines(canvas, pl.TitleLines, Pad, pl.TitleTop, PanelTitleSize, 1.3f, bold: true, Palette.Ink);
            for (int r = 0; r < pl.LegendRows.Count; r++)
                DrawLegendRow(canvas, pl.LegendRows[r], pl.LegendTop + r * LegendRowHeight + LegendRowHeight / 2);
            plot.Render(canvas, new PixelRect(new Pixel(0, pl.PlotTop), new PixelSize(Width, pl.PlotHeight)));
            DrawLabels(canvas, chart, plot);
        }
        DrawLines(canvas, _layout.CaptionLines, Pad, _layout.CaptionTop, CaptionSize, 1.35f, bold: false, Palette.Muted);
    }

    // Band and reference-line labels, written just above (or, for horizontal lines, inside) the data area.
    private void DrawLabels(SKCanvas canvas, Chart chart, Plot plot)
    {
        var data = plot.LastRender.DataRect;
        using var muted = Font(LabelSize, false);
        foreach (var band in chart.Bands)
        {
            float x = plot.GetPixel(new Coordinates(band.Category, 0)).X;
            DrawText(canvas, band.Label, x, data.Top - 6, LabelSize, false, Palette.Muted, SKTextAlign.Center);
        }
        foreach (var r in chart.References)
        {
            float w = ChartFonts.Width(r.Label, LabelSize, bold: true);
            if (r.Vertical)
            {
                float x = plot.GetPixel(new Coordinates(r.Value, 0)).X;
                bool flip = x + 4 + w > Width - Pad / 2;
                DrawText(canvas, r.Label, flip ? x - 4 : x + 4, data.Top - 6, LabelSize, true, r.Color, flip ? SKTextAlign.Right : SKTextAlign.Left);
            }
            else
            {
                var yAxis = r.OnY2 ? plot.Axes.Right : plot.Axes.Left;
                float y = plot.GetPixel(new Coordinates(0, r.Value), plot.Axes.Bottom, yAxis).Y;
                DrawText(canvas, r.Label, data.Right - 4, y - 5, LabelSize, true, r.Color, SKTextAlign.Right);
            }
        }
    }

    private static void DrawLegendRow(SKCanvas canvas, IReadOnlyList<LegendItem> row, float y)
    {
        float x = Pad;
        foreach (var item in row)
        {
            var color = SKColor.Parse(item.Color);
            using var fill = new SKPaint { Color = color, Style = SKPaintStyle.Fill, IsAntialias = true };
            using var stroke = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = 2.5f, IsAntialias = true };
            switch (item.Kind)
            {
                case "bar":
                    canvas.DrawRect(x, y - 6, 14, 12, fill);
                    break;
                case "mark":
                    using (var path = new SKPath())
                    {
                        path.MoveTo(x + 7, y + 5);
                        path.LineTo(x + 1, y - 4);
                        path.LineTo(x + 13, y - 4);
                        path.Close();
                        canvas.DrawPath(path, fill);
                    }
                    break;
                case "point":
                    canvas.DrawCircle(x + 7, y, 4, fill);
                    break;
                case "line":
                case "line-point":
                    // Dashes drawn one by one: the SVG writer does not support dash path effects.
                    if (item.Dashed) { canvas.DrawLine(x - 2, y, x + 3, y, stroke); canvas.DrawLine(x + 6, y, x + 11, y, stroke); canvas.DrawLine(x + 14, y, x + 16, y, stroke); }
                    else canvas.DrawLine(x - 2, y, x + 16, y, stroke);
                    if (item.Kind == "line-point") canvas.DrawCircle(x + 7, y, 4, fill);
                    break;
            }
            DrawText(canvas, item.Label, x + 20, y + LegendSize * 0.35f, LegendSize, false, Palette.Ink, SKTextAlign.Left);
            x += item.Width;
        }
    }

    private static void DrawLines(SKCanvas canvas, IReadOnlyList<string> lines, float x, float top, float size, float spacing, bool bold, string color)
    {
        for (int i = 0; i < lines.Count; i++)
            DrawText(canvas, lines[i], x, top + size + i * size * spacing, size, bold, color, SKTextAlign.Left);
    }

    private static void DrawText(SKCanvas canvas, string text, float x, float baseline, float size, bool bold, string color, SKTextAlign align)
    {
        using var font = Font(size, bold);
        using var paint = new SKPaint { Color = SKColor.Parse(color), IsAntialias = true };
        canvas.DrawText(text, x, baseline, align, font, paint);
    }

    private static SKFont Font(float size, bool bold) => ChartFonts.Font(size, bold);

    // Text for screen readers: the chart's own description, then each series' values.
    private static string Describe(Chart chart)
    {
        var parts = new List<string>();
        if (chart.Description is { } d) parts.Add(d);
        string Label(double x) => chart.Categories is { } c && x >= 0 && x < c.Count && x == Math.Floor(x) ? c[(int)x] : x.ToString("0.##", CultureInfo.InvariantCulture);
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

/// <summary>The body of a diagram figure: drawn between the title and the caption, in CSS pixels, from x = 0.</summary>
internal interface IFigureBody
{
    /// <summary>The figure's width (the body's, with its margins).</summary>
    float Width { get; }
    float Height { get; }
    void Draw(SKCanvas canvas, float top);
}
