using ScottPlot;
using SkiaSharp;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>
/// The one typeface of every chart: DejaVu Sans (regular and bold), embedded in the library (see
/// Reporting/Charts/Fonts/LICENSE-DejaVu.txt) so text is measured and drawn the same on every machine,
/// whatever fonts it has. ScottPlot resolves <see cref="Family"/> to it through a font resolver
/// registered once, ahead of the system's fonts.
/// </summary>
public static class ChartFonts
{
    /// <summary>The family name charts ask for; SVG files name it too.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<(SKTypeface Regular, SKTypeface Bold)> Faces = new(() =>
    {
        var faces = (Load("DoseEscalation.Fonts.DejaVuSans.ttf"), Load("DoseEscalation.Fonts.DejaVuSans-Bold.ttf"));
        lock (Fonts.FontResolvers) Fonts.FontResolvers.Insert(0, new Resolver(faces.Item1, faces.Item2));
        return faces;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    public static SKTypeface Regular => Faces.Value.Regular;
    public static SKTypeface Bold => Faces.Value.Bold;

    /// <summary>Registers the embedded faces with ScottPlot (idempotent); every chart calls it before building a plot.</summary>
    public static void EnsureRegistered() => _ = Faces.Value;

    /// <summary>Width in pixels (at 96 dpi) of <paramref name="text"/> in the chart face at <paramref name="size"/> px.</summary>
    public static float Width(string text, float size, bool bold = false)
    {
        using var font = Font(size, bold);
        return font.MeasureText(text);
    }

    internal static SKFont Font(float size, bool bold) => new(bold ? Bold : Regular, size) { Subpixel = true, Edging = SKFontEdging.Antialias };

    /// <summary>
    /// Greedy word wrap into lines no wider than <paramref name="maxWidth"/> px; a single word wider
    /// than that is broken between characters, so no line is ever wider than the box.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string text, float size, float maxWidth, bool bold = false)
    {
        using var font = Font(size, bold);
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            string line = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = line.Length == 0 ? word : $"{line} {word}";
                if (font.MeasureText(candidate) <= maxWidth) { line = candidate; continue; }
                if (line.Length > 0) lines.Add(line);
                line = word;
                while (font.MeasureText(line) > maxWidth && line.Length > 1)
                {
                    int fit = 1;
                    while (fit < line.Length && font.MeasureText(line[..(fit + 1)]) <= maxWidth) fit++;
                    lines.Add(line[..fit]);
                    line = line[fit..];
                }
            }
            lines.Add(line);
        }
        return lines;
    }

    private static SKTypeface Load(string resource)
    {
        using var stream = typeof(ChartFonts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded font {resource} is missing from the library");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"embedded font {resource} could not be read");
    }

    // Answers the chart family only; other names fall through to ScottPlot's own resolvers.
    private sealed class Resolver(SKTypeface regular, SKTypeface bold) : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Family ? (weight >= FontWeight.SemiBold ? bold : regular) : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold1, bool italic) =>
            fontName == Family ? (bold1 ? bold : regular) : null;
    }
}
