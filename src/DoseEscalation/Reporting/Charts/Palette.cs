using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>
/// The Okabe-Ito palette (Okabe &amp; Ito 2008, "Color Universal Design"), distinguishable under the
/// common colour-vision deficiencies. Black is kept for text and reference marks, so series use
/// the seven colours in the order below.
/// </summary>
public static class Palette
{
    public const string Orange = "#E69F00";
    public const string SkyBlue = "#56B4E9";
    public const string BluishGreen = "#009E73";
    public const string Yellow = "#F0E442";
    public const string Blue = "#0072B2";
    public const string Vermillion = "#D55E00";
    public const string ReddishPurple = "#CC79A7";
    public const string Black = "#000000";

    /// <summary>Series colours, most distinct first; yellow last because it is faint on white.</summary>
    public static IReadOnlyList<string> Series { get; } = [Blue, Orange, BluishGreen, Vermillion, SkyBlue, ReddishPurple, Yellow];

    /// <summary>Ink for text, axes and reference lines: near-black reads softer than pure black.</summary>
    public const string Ink = "#222222";
    public const string Grid = "#E3E3E3";
    public const string Muted = "#555555";

    /// <summary>Series colour <paramref name="i"/> (cycling).</summary>
    public static string At(int i) => Series[((i % Series.Count) + Series.Count) % Series.Count];

    /// <summary>A darker shade of a #RRGGBB colour: each channel scaled by 1 - <paramref name="amount"/> (in [0, 1]).</summary>
    public static string Darken(string hex, double amount)
    {
        if (hex.Length != 7 || hex[0] != '#') throw new ArgumentException("expected #RRGGBB", nameof(hex));
        int Channel(int at) => (int)Math.Round(Convert.ToInt32(hex.Substring(at, 2), 16) * (1 - amount));
        return $"#{Channel(1):X2}{Channel(3):X2}{Channel(5):X2}";
    }
}
