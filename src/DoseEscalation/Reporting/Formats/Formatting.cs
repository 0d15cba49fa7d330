using System.Globalization;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>Culture-independent number formatting for every report.</summary>
public static class Formatting
{
    public static string Round(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);
    public static string Percent(double v, int digits = 1) => (100 * v).ToString("F" + digits, CultureInfo.InvariantCulture) + "%";
    public static string Exact(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    public static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);
    /// <summary>"12.3% (0.05)": a probability as percent with its standard error in percentage points, or just the value when exact.</summary>
    public static string PercentWithSe(Estimate e) => e.Se > 0 ? $"{Percent(e.Value)} ({Round(100 * e.Se, SeDecimals(100 * e.Se, 2))})" : Percent(e.Value, 2);
    public static string MeanWithSe(Estimate e, int digits = 2) => e.Se > 0 ? $"{Round(e.Value, digits)} ({Round(e.Se, SeDecimals(e.Se, digits + 1))})" : Round(e.Value, digits + 1);

    /// <summary>Enough decimals to show a standard error's first significant digit (at least <paramref name="min"/>, at most 6).</summary>
    private static int SeDecimals(double se, int min) => Math.Clamp(-(int)Math.Floor(Math.Log10(se)), min, 6);
    /// <summary>1-based dose number, or "none".</summary>
    public static string Dose(int level) => level < 0 ? "none" : (level + 1).ToString(CultureInfo.InvariantCulture);
}
