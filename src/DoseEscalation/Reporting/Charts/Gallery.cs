using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>
/// The chart gallery of docs/gallery: every chart of <see cref="Plots"/> built from exact and Monte
/// Carlo runs of the default three-dose 3+3 scenarios. Deterministic: exact results and a fixed
/// seed, so regenerating it gives identical files.
/// </summary>
public static class Gallery
{
    /// <summary>Target DLT rate of the gallery scenarios.</summary>
    public const double Target = 0.30;
    /// <summary>Monte Carlo trials and seed of the gallery's simulated charts.</summary>
    public const long Trials = 20_000;
    public const ulong Seed = 1;

    /// <summary>The default scenarios: true MTD at dose 3, 2 and 1 for a 0.30 target.</summary>
    public static IReadOnlyList<Scenario> Scenarios { get; } =
    [
        new Scenario("S1", [0.05, 0.10, 0.20]) { Rationale = "all doses safe: the MTD is the top dose" },
        new Scenario("S2", [0.10, 0.20, 0.35]) { Rationale = "the MTD is the middle dose" },
        new Scenario("S3", [0.20, 0.35, 0.50]) { Rationale = "only the lowest dose is safe" },
    ];

    /// <summary>Resolution of the gallery's PNG files (lower than the 300 dpi default, to keep the repository small).</summary>
    public const int PngDpi = 96;

    /// <summary>Writes each gallery chart as SVG and PNG into <paramref name="directory"/> (created if needed) and returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var files = new List<(string Name, Action<Stream> Write)>();
        foreach (var (name, figure) in Build())
        {
            byte[] svg = figure.Encode(new ChartFileOptions { Format = ChartFormat.Svg });
            byte[] png = figure.Encode(new ChartFileOptions { Format = ChartFormat.Png, Dpi = PngDpi });
            files.Add(($"{name}.svg", s => s.Write(svg)));
            files.Add(($"{name}.png", s => s.Write(png)));
        }
        // All or nothing: every file is written before any is renamed into place.
        return AtomicOutput.WriteFolder(directory, files);
    }

    /// <summary>The gallery charts by file name (without extension).</summary>
    public static IReadOnlyList<(string Name, Figure Figure)> Build()
    {
        var threePlusThree = Design.ThreePlusThree(3);
        var noDeescalation = Design.ThreePlusThree(3, deescalate: false);
        var exact = Scenarios.Select(s => ExactEngine.Run(threePlusThree, s, Target)).ToList();
        var mc = new MonteCarloOptions { Trials = Trials, Seed = Seed };
        var s2 = Scenarios[1];
        var simulated = new List<OperatingCharacteristics>
        {
            MonteCarloEngine.Run(threePlusThree, s2, Target, mc),
            MonteCarloEngine.Run(noDeescalation, s2, Target, mc),
        };
        var rules = new List<AplusB> { threePlusThree, Design.AplusB(3, 3, 3, 1, 2, 2), Design.AplusB(3, 2, 4, 1, 1, 1) };
        var comparisonDesigns = new List<(string Label, AplusB Design)>
        {
            ("3+3", threePlusThree),
            ("3+3, no de-escalation", noDeescalation),
            ("A+B (3,3,1,2,2)", Design.AplusB(3, 3, 3, 1, 2, 2)),
        };
        var rows = comparisonDesigns.SelectMany(d => Scenarios.Select(s => DesignComparisonRow.From(ExactEngine.Run(d.Design, s, Target), d.Label))).ToList();
        return
        [
            ("selection-by-scenario", Plots.Selection(exact)),
            ("selection-monte-carlo", Plots.Selection(simulated)),
            ("allocation-by-scenario", Plots.Allocation(exact)),
            ("allocation-monte-carlo", Plots.Allocation(simulated)),
            ("sample-size", Plots.SampleSize(exact[1], markN: 13)),
            ("oc-curve", Plots.OcCurve(rules)),
            ("comparison", Plots.Comparison(rows)),
            ("dose-paths", PathwaysChart.Tree(DosePaths.Tree(threePlusThree, Scenarios, 2, PathwaysChart.MaxPaths), threePlusThree.Describe())),
            ("dose-paths-s2", PathwaysChart.Tree(DosePaths.Tree(threePlusThree, [s2], 2, PathwaysChart.MaxPaths), threePlusThree.Describe(),
                new PathwaysOptions { Labels = PathLabels.Letters, Probabilities = PathProbabilities.Edges })),
        ];
    }
}
