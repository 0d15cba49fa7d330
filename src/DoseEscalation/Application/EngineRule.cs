using DoseEscalation.Engines;

namespace DoseEscalation.Application;

/// <summary>The one rule that picks an engine, and the defaults every front end shows.</summary>
public static class EngineRule
{
    /// <summary>Under <see cref="EngineChoice.Auto"/>, the exact engine runs when the design has at most this many trial states.</summary>
    public const int AutoExactStates = 200_000;

    /// <summary>Most trial states the exact engine enumerates unless told otherwise.</summary>
    public const int DefaultMaxStates = StateGraph.DefaultMaxStates;

    /// <summary>Trials per batch, the unit of seeding and of sharding.</summary>
    public static int DefaultBatchSize { get; } = new MonteCarloOptions().BatchSize;

    /// <summary>Trials per scenario of compare (and plot's comparison chart) when none are given.</summary>
    public const long DefaultCompareTrials = 100_000;

    /// <summary>Trials per scenario of the report's comparison section when none are given.</summary>
    public const long DefaultReportCompareTrials = 20_000;

    /// <summary>
    /// The designs a comparison shows by default: compare adds them to a file with one design; the
    /// comparison chart and the report's comparison section draw them.
    /// </summary>
    public static IReadOnlyList<string> DefaultComparison { get; } = ["3+3", "boin", "mtpi2", "keyboard", "i3+3", "crm"];

    /// <summary>Whether the SIMD path is accelerated on this CPU (Auto always is).</summary>
    public static bool IsAccelerated(SimdPath path) => SimdPaths.IsAccelerated(path);

    /// <summary>The SIMD paths this CPU accelerates, in lower case as the CLI names them.</summary>
    public static IReadOnlyList<string> AcceleratedPaths => SimdPaths.Accelerated.Select(p => p.ToString().ToLowerInvariant()).ToList();
}
