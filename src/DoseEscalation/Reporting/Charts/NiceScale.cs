using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>Axis bounds and tick values: ticks run from <see cref="Min"/> to <see cref="Max"/> in steps of <see cref="Step"/>.</summary>
public sealed record AxisTicks(double Min, double Max, double Step, IReadOnlyList<double> Values, int Decimals);

/// <summary>
/// "Nice" axis ticks after Heckbert, "Nice numbers for graph labels", Graphics Gems (1990):
/// steps are 1, 2 or 5 times a power of ten and the bounds are multiples of the step that
/// enclose the data (loose labelling).
/// </summary>
public static class NiceScale
{
    /// <summary>
    /// The nice number near <paramref name="x"/> (&gt; 0): rounded to the nearest of 1, 2, 5, 10
    /// times a power of ten when <paramref name="round"/>, else the smallest such number &gt;= x.
    /// </summary>
    public static double NiceNumber(double x, bool round)
    {
        if (!(x > 0) || double.IsInfinity(x)) throw new ArgumentOutOfRangeException(nameof(x), x, "must be positive and finite");
        double exp = Math.Floor(Math.Log10(x));
        double pow = Math.Pow(10, exp);
        double f = x / pow;
        double nf = round
            ? f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
            : f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nf * pow;
    }

    /// <summary>
    /// Loose nice ticks covering [<paramref name="min"/>, <paramref name="max"/>] with about
    /// <paramref name="maxTicks"/> (&gt;= 2) ticks. A degenerate range is widened first.
    /// </summary>
    public static AxisTicks Ticks(double min, double max, int maxTicks = 6)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) throw new ArgumentException("axis range must be finite");
        if (maxTicks < 2) throw new ArgumentOutOfRangeException(nameof(maxTicks), maxTicks, "need at least 2 ticks");
        if (min > max) (min, max) = (max, min);
        if (max == min)
        {
            // A single value: open a range around it (or [0, 1] for zero) so there is an axis to draw.
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min == 0 ? 0 : min - pad, max + pad);
        }
        double range = NiceNumber(max - min, false);
        double step = NiceNumber(range / (maxTicks - 1), true);
        double lo = Math.Floor(min / step + 1e-9) * step;
        double hi = Math.Ceiling(max / step - 1e-9) * step;
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step)));
        var values = new List<double>();
        int count = (int)Math.Round((hi - lo) / step);
        // Rounding each tick removes binary noise such as 0.30000000000000004.
        // Adding 0.0 folds a negative zero (from flooring a tiny negative) into +0, which prints as "0".
        for (int i = 0; i <= count; i++) values.Add(Math.Round(lo + i * step, decimals + 1) + 0.0);
        return new AxisTicks(values[0], values[^1], step, values, decimals);
    }

    /// <summary>Ticks inside fixed bounds [<paramref name="min"/>, <paramref name="max"/>], with a nice step.</summary>
    public static AxisTicks TicksWithin(double min, double max, int maxTicks = 6)
    {
        if (!(max > min)) throw new ArgumentException("max must exceed min");
        double step = NiceNumber(NiceNumber(max - min, false) / (maxTicks - 1), true);
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step)));
        var values = new List<double>();
        for (double v = Math.Ceiling(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step)
            values.Add(Math.Round(v, decimals + 1) + 0.0);
        return new AxisTicks(min, max, step, values, decimals);
    }
}
