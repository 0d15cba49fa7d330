using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>The file formats a <see cref="Figure"/> is written in.</summary>
public enum ChartFormat
{
    /// <summary>Raster image for Word, PowerPoint and the web, with its resolution recorded (pHYs).</summary>
    Png,
    /// <summary>Vector image (SVG 1.1) with a title and description for screen readers.</summary>
    Svg,
    /// <summary>One-page vector PDF with the chart's title and description in its metadata.</summary>
    Pdf,
}

/// <summary>How a chart is written: its format and, for PNG, its resolution.</summary>
public sealed record ChartFileOptions
{
    /// <summary>Default resolution of PNG files: print quality.</summary>
    public const int DefaultDpi = 300;

    public ChartFormat Format { get; init; } = ChartFormat.Png;

    /// <summary>
    /// Dots per inch of a PNG, in [<see cref="MinDpi"/>, <see cref="MaxDpi"/>]: a chart laid out
    /// W x H at 96 dpi (CSS pixels) becomes W·dpi/96 x H·dpi/96 pixels, with dpi recorded in the file.
    /// Vector formats ignore it.
    /// </summary>
    public int Dpi { get; init; } = DefaultDpi;

    public const int MinDpi = 48;
    public const int MaxDpi = 1200;

    /// <summary>The file extension of a format, with its dot: ".png", ".svg" or ".pdf".</summary>
    public static string Extension(ChartFormat format) => format switch
    {
        ChartFormat.Png => ".png",
        ChartFormat.Svg => ".svg",
        ChartFormat.Pdf => ".pdf",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown chart format"),
    };

    /// <summary>The format named by a file extension (".png", "svg", case-insensitive), or null for any other.</summary>
    public static ChartFormat? FromExtension(string extension) => extension.TrimStart('.').ToLowerInvariant() switch
    {
        "png" => ChartFormat.Png,
        "svg" => ChartFormat.Svg,
        "pdf" => ChartFormat.Pdf,
        _ => null,
    };

    internal void Validate()
    {
        if (!Enum.IsDefined(Format)) throw new ArgumentOutOfRangeException(nameof(Format), Format, "unknown chart format");
        if (Dpi is < MinDpi or > MaxDpi) throw new ArgumentOutOfRangeException(nameof(Dpi), Dpi, $"dpi must be between {MinDpi} and {MaxDpi}");
    }
}
