using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>Settings shared by the per-dose charts.</summary>
public sealed record DoseChartOptions
{
    /// <summary>Label per dose level (K entries), e.g. "25 mg/m²"; default "Dose d", with its true DLT rate when there is one scenario.</summary>
    public IReadOnlyList<string>? DoseLabels { get; init; }
    /// <summary>Replaces the default title.</summary>
    public string? Title { get; init; }
    public double Width { get; init; } = 760;
    public double Height { get; init; } = 440;
}

/// <summary>Settings of <see cref="Plots.OcCurve"/>.</summary>
public sealed record OcCurveOptions
{
    /// <summary>A DLT rate in [0, 1] marked by a reference line, with each curve's value there; null for none.</summary>
    public double? MarkRate { get; init; } = 0.30;
    /// <summary>Points per curve (&gt;= 2), evenly spaced on [0, 1].</summary>
    public int Points { get; init; } = 201;
    public string? Title { get; init; }
    public double Width { get; init; } = 760;
    public double Height { get; init; } = 440;
}

/// <summary>Settings of <see cref="Plots.Comparison"/>.</summary>
public sealed record ComparisonOptions
{
    public string? Title { get; init; }
    public double Width { get; init; } = 760;
    /// <summary>Height of each of the three panels.</summary>
    public double PanelHeight { get; init; } = 300;
}

/// <summary>
/// One design under one scenario, for <see cref="Plots.Comparison"/>: P(correct selection), the
/// share of patients treated above the true MTD and the mean sample size, each with its standard
/// error (0 when exact), and an optional benchmark P(correct selection) for the scenario (e.g. the
/// nonparametric optimal benchmark of O'Quigley, Paoletti &amp; Maccario 2002), drawn as a ceiling.
/// </summary>
public sealed record DesignComparisonRow(string Design, string Scenario, Estimate CorrectSelection, Estimate ShareAboveMtd,
    Estimate MeanN, double? BenchmarkPcs = null)
{
    /// <summary>How the numbers were obtained (engine, trials, seed), for the caption; null if unknown.</summary>
    public string? Source { get; init; }

    /// <summary>The most patients the design may treat, for the caption's note when the designs' differ; null if unknown.</summary>
    public int? MaxN { get; init; }

    /// <summary>The row of one result; <paramref name="designLabel"/> defaults to the design's name.</summary>
    public static DesignComparisonRow From(OperatingCharacteristics oc, string? designLabel = null, double? benchmarkPcs = null)
    {
        ArgumentNullException.ThrowIfNull(oc);
        return new DesignComparisonRow(designLabel ?? oc.Design, oc.Scenario.Name, oc.CorrectSelection, oc.ShareAboveMtd, oc.MeanN, benchmarkPcs)
        {
            Source = Captions.Engine(oc),
        };
    }
}
