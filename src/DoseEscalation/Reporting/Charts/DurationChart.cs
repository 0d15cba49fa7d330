using System.Globalization;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>The distribution of trial duration per design, from the calendar engine (docs/calendar.md).</summary>
public static class DurationChart
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// P(duration &lt;= d) against d in days, one step line per design (weekly steps), with each
    /// design's median marked; <paramref name="results"/> pairs a label with its calendar result.
    /// </summary>
    public static Figure Cumulative(IReadOnlyList<(string Label, CalendarResult Result)> results, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) throw new ArgumentException("need at least one design", nameof(results));
        int lastDay = results.Max(r => r.Result.Duration.DayCounts.Count);
        int weeks = lastDay / 7 + 1;
        var series = new List<Series>();
        for (int i = 0; i < results.Count; i++)
        {
            var counts = results[i].Result.Duration.DayCounts;
            double total = counts.Sum();
            var points = new List<DataPoint> { new(0, 0) };
            double cumulative = 0;
            for (int w = 0; w < weeks; w++)
            {
                for (int d = 7 * w; d < Math.Min(7 * (w + 1), counts.Count); d++) cumulative += counts[d];
                points.Add(new DataPoint(7 * (w + 1), cumulative / total));
            }
            series.Add(new LineSeries { Name = string.Create(Inv, $"{results[i].Label} (median {results[i].Result.Duration.Median:0} days)"), Color = Palette.At(i), Points = points, Step = true });
        }
        var first = results[0].Result;
        var chart = new Chart
        {
            Title = title ?? string.Create(Inv, $"Trial duration, scenario '{first.Oc.Scenario.Name}'"),
            // No whiskers here: the step lines are empirical distributions of the simulated trials.
            Caption = Captions.Inputs(results.Select(r => r.Result.Oc)).Replace(" Whiskers: 95% intervals (normal approximation).", "", StringComparison.Ordinal)
                + " Calendar: " + CalendarReport.Describe(first.Timeline) + ".",
            Description = "Step lines of the cumulative probability that the trial has ended by each week, one per design.",
            X = new Axis { Title = "Time from opening", Unit = "days", Min = 0, Max = NiceScale.Ticks(0, 7 * weeks).Max },
            Y = new Axis { Title = "P(trial ended)", Unit = "%", Percent = true, Min = 0, Max = 1 },
            Series = series,
            References = [new ReferenceLine(false, 0.5, "median") { Color = Palette.Darken(Palette.At(0), 0.3) }],
        };
        return Figure.Of(chart);
    }
}
