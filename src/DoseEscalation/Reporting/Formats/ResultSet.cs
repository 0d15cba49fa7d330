using DoseEscalation.Scenarios;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>One run of one design over the scenarios of a file: what every report writer consumes.</summary>
public sealed record ResultSet
{
    public required string TrialName { get; init; }
    public string? Source { get; init; }
    public required IReadOnlyList<DoseLevel> Doses { get; init; }
    public required IDesign Design { get; init; }
    public required double Target { get; init; }
    /// <summary>"monte-carlo" or "exact".</summary>
    public required string Engine { get; init; }
    public long Trials { get; init; }
    public ulong? Seed { get; init; }
    public required IReadOnlyList<OperatingCharacteristics> Results { get; init; }
    /// <summary>The design with every option resolved (label, name, options), for every output to name what ran.</summary>
    public IReadOnlyList<Designs.Configuration.ResolvedDesign> Setups { get; init; } = [];
    /// <summary>What counts as a correct selection in these results.</summary>
    public CorrectSelection CorrectSelection { get; init; } = CorrectSelection.HighestAtOrBelowTarget;
}
