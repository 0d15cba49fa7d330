using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>A value axis. Bounds default to nice ticks around the data; set both to fix them.</summary>
public sealed record Axis
{
    public required string Title { get; init; }
    /// <summary>Unit shown in parentheses after the title, e.g. "patients" or "%".</summary>
    public string? Unit { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    /// <summary>Stretch the range to include 0 (bars always start at 0).</summary>
    public bool IncludeZero { get; init; } = true;
    /// <summary>Values are probabilities in [0, 1] shown as percentages on the ticks.</summary>
    public bool Percent { get; init; }
    public int MaxTicks { get; init; } = 6;

    public string Label => Unit is null ? Title : $"{Title} ({Unit})";
}

/// <summary>One bar at position <see cref="X"/> (a category index on a category axis) with an optional 95% interval.</summary>
public sealed record Bar(double X, double Value, double? Lower = null, double? Upper = null)
{
    /// <summary>Draw a marker above the bar (e.g. the true MTD); explained by <see cref="Chart.HighlightLegend"/>.</summary>
    public bool Highlight { get; init; }
}

/// <summary>A point with an optional 95% interval on y.</summary>
public sealed record DataPoint(double X, double Y, double? Lower = null, double? Upper = null);

/// <summary>A named data series drawn in one colour.</summary>
public abstract record Series
{
    public required string Name { get; init; }
    public required string Color { get; init; }
    /// <summary>Plot against the second (right) y axis.</summary>
    public bool OnY2 { get; init; }
    public bool ShowInLegend { get; init; } = true;
}

/// <summary>
/// Bars. On a category axis, bar series share each category's width side by side in slots; a
/// series that names the <see cref="Slot"/> of another and has a smaller <see cref="WidthFraction"/>
/// is drawn over it (e.g. mean DLTs inside mean patients).
/// </summary>
public sealed record BarSeries : Series
{
    public required IReadOnlyList<Bar> Bars { get; init; }
    /// <summary>Slot within a category group; null takes the next free slot.</summary>
    public int? Slot { get; init; }
    /// <summary>Share of the slot's width, in (0, 1].</summary>
    public double WidthFraction { get; init; } = 1;
    /// <summary>Bar width in x units on a linear axis (ignored on a category axis).</summary>
    public double LinearWidth { get; init; } = 0.8;
}

/// <summary>A polyline and/or point markers, with optional whiskers.</summary>
public sealed record LineSeries : Series
{
    public required IReadOnlyList<DataPoint> Points { get; init; }
    public bool Line { get; init; } = true;
    public bool Markers { get; init; }
    public bool Dashed { get; init; }
    /// <summary>Draw as a right-continuous step function (for cumulative distributions).</summary>
    public bool Step { get; init; }
    public double StrokeWidth { get; init; } = 2.25;
}

/// <summary>Short horizontal segments across a category group (e.g. a benchmark ceiling per scenario).</summary>
public sealed record SegmentSeries : Series
{
    public required IReadOnlyList<DataPoint> Points { get; init; }
}

/// <summary>A labelled reference line: vertical at an x value or horizontal at a y (or y2) value.</summary>
public sealed record ReferenceLine(bool Vertical, double Value, string Label)
{
    public bool OnY2 { get; init; }
    public string Color { get; init; } = Palette.Ink;
}

/// <summary>A shaded band behind one category, labelled at the top of the plot.</summary>
public sealed record CategoryBand(int Category, string Label);

/// <summary>
/// A single-panel chart: an x axis (categories or linear), a y axis, an optional second y axis,
/// series, reference lines, a legend and a caption stating the inputs.
/// </summary>
public sealed record Chart
{
    public required string Title { get; init; }
    /// <summary>Inputs of the chart (design, scenario, engine, trials, seed), printed under it.</summary>
    public required string Caption { get; init; }
    public required Axis X { get; init; }
    /// <summary>Category labels; when set the x axis is categorical with positions 0..n-1.</summary>
    public IReadOnlyList<string>? Categories { get; init; }
    public required Axis Y { get; init; }
    public Axis? Y2 { get; init; }
    public required IReadOnlyList<Series> Series { get; init; }
    public IReadOnlyList<ReferenceLine> References { get; init; } = [];
    public IReadOnlyList<CategoryBand> Bands { get; init; } = [];
    /// <summary>Legend text for the marker over highlighted bars; null hides it.</summary>
    public string? HighlightLegend { get; init; }
    /// <summary>Text for screen readers; a summary of the series data is appended.</summary>
    public string? Description { get; init; }
    public double Width { get; init; } = 760;
    public double Height { get; init; } = 440;
}
