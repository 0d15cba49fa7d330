namespace DoseEscalation.Application;

/// <summary>Which engine computes operating characteristics.</summary>
public enum EngineChoice
{
    /// <summary>Exact where the design's state space is small enough (<see cref="EngineRule.AutoExactStates"/>), else Monte Carlo.</summary>
    Auto,
    /// <summary>Enumerate every trial state: no simulation error.</summary>
    Exact,
    /// <summary>Simulate trials.</summary>
    MonteCarlo,
}

/// <summary>Shard settings of a run as given (--shard, --shard-count, --batch-size) and, under merge, the parts' counters.</summary>
public sealed record ShardSettings
{
    /// <summary>"I/N" or "auto"; null = the whole run.</summary>
    public string? Shard { get; init; }
    public int? ShardCount { get; init; }
    /// <summary>Trials per batch (the unit of seeding and of sharding); null = the engine's default.</summary>
    public int? BatchSize { get; init; }
    /// <summary>The whole command line, verb first (recorded in a part so that merge can replay it).</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];
    /// <summary>Set by merge: the summed counters of every part, used instead of simulating.</summary>
    public MergedParts? Merged { get; init; }

    internal bool IsShardOrMerge => Shard is not null || Merged is not null;
}

/// <summary>Monte Carlo operating characteristics (simulate).</summary>
public sealed record SimulateRequest
{
    public TrialInput Input { get; init; } = new();
    /// <summary>Trials per scenario; null = the file's (1,000,000 by default).</summary>
    public long? Trials { get; init; }
    public ulong? Seed { get; init; }
    /// <summary>Worker threads; 0 = all cores. Results do not depend on it.</summary>
    public int Threads { get; init; }
    /// <summary>Given only to be refused where it does not apply; null = auto.</summary>
    public SimulationMethod? Method { get; init; }
    /// <summary>MonteCarlo, or Exact (the exact verb's OCs).</summary>
    public EngineChoice Engine { get; init; } = EngineChoice.MonteCarlo;
    /// <summary>Null = the widest accelerated path; a named path must be accelerated here.</summary>
    public SimdPath? Simd { get; init; }
    /// <summary>Simulate in calendar time with the file's timeline.</summary>
    public bool Calendar { get; init; }
    public ShardSettings Sharding { get; init; } = new();
}

/// <summary>Exact operating characteristics, or the dose-transition pathways of the first cohorts.</summary>
public sealed record ExactRequest
{
    public TrialInput Input { get; init; } = new();
    /// <summary>List the outcome paths of the first N cohorts instead of the OCs.</summary>
    public int? Paths { get; init; }
    public int MaxStates { get; init; } = EngineRule.DefaultMaxStates;
    /// <summary>With <see cref="Paths"/>: also draw the pathways as a tree (<see cref="PathsResult.Figure"/>) with these settings.</summary>
    public Reporting.Charts.PathwaysOptions? Figure { get; init; }
}

/// <summary>Several designs on the same simulated patients.</summary>
public sealed record CompareRequest
{
    public TrialInput Input { get; init; } = new();
    /// <summary>Labels or names, comma-separated; null = the file's designs (with <see cref="EngineRule.DefaultComparison"/> added to a file with one).</summary>
    public string? Designs { get; init; }
    /// <summary>Null = 100,000.</summary>
    public long? Trials { get; init; }
    public ulong? Seed { get; init; }
    public int Threads { get; init; }
    public bool Calendar { get; init; }
    /// <summary>With <see cref="Calendar"/>: draw each scenario's duration chart.</summary>
    public bool DurationCharts { get; init; }
    public ShardSettings Sharding { get; init; } = new();
}

/// <summary>A design's decision table.</summary>
public sealed record TableRequest
{
    public TrialInput Input { get; init; } = new();
    /// <summary>
    /// Model-based designs (blrm, crm, tite-crm): the data so far, as <see cref="NextRequest.Data"/>
    /// (null or "": the start of the trial). Refused for a design with a table of counts.
    /// </summary>
    public string? Data { get; init; }
    /// <summary>Where the data came from, for messages.</summary>
    public string DataName { get; init; } = "--data";
    /// <summary>Model-based designs: cohorts the table looks ahead (1..4; null: 1). Refused for a design with a table of counts.</summary>
    public int? Cohorts { get; init; }
    /// <summary>Model-based designs: accept data the design would not have produced.</summary>
    public bool AllowDeviations { get; init; }
}

/// <summary>The sample-size analysis of a protocol.</summary>
public sealed record SampleSizeRequest
{
    public TrialInput Input { get; init; } = new();
    public int? PlannedN { get; init; }
    public double? Coverage { get; init; }
    public double? NonEvaluable { get; init; }
    public int? Expansion { get; init; }
    public int? MinResponses { get; init; }
    public long? Trials { get; init; }
    public ulong? Seed { get; init; }
    public int MaxStates { get; init; } = EngineRule.DefaultMaxStates;
    public int Threads { get; init; }
}

/// <summary>During the trial: the design's next decision from the observed data.</summary>
public sealed record NextRequest
{
    public TrialInput Input { get; init; } = new();
    /// <summary>The observed data: outcome notation or a CSV/TSV patient table (the text, not a path).</summary>
    public required string Data { get; init; }
    /// <summary>Where the data came from, for messages ("--data", a file name, "standard input").</summary>
    public string DataName { get; init; } = "--data";
    public bool Final { get; init; }
    public bool AllowDeviations { get; init; }
    /// <summary>Name of the file's scenario whose DLT probabilities weight the pathways.</summary>
    public string? Scenario { get; init; }
    public int CohortsAhead { get; init; } = 1;
}

/// <summary>Charts of a design's operating characteristics (plot), or the report's runs.</summary>
public sealed record ChartsRequest
{
    public TrialInput Input { get; init; } = new();
    /// <summary>Chart names, comma-separated; null = every chart that applies.</summary>
    public string? Charts { get; init; }
    public EngineChoice Engine { get; init; } = EngineChoice.Auto;
    public long? Trials { get; init; }
    public ulong? Seed { get; init; }
    public int? MarkN { get; init; }
    /// <summary>Designs of the comparison chart, comma-separated; null = <see cref="EngineRule.DefaultComparison"/>.</summary>
    public string? Designs { get; init; }
    /// <summary>Trials per scenario of the comparison; null = 100,000 (plot) or 20,000 (report).</summary>
    public long? CompareTrials { get; init; }
    /// <summary>Cohorts of the dose-transition pathway chart; null = <see cref="Charts.DefaultPathCohorts"/>.</summary>
    public int? Paths { get; init; }
}

/// <summary>A sweep over a grid file.</summary>
public sealed record SweepRequest
{
    /// <summary>Path of the grid (YAML).</summary>
    public required string Grid { get; init; }
    /// <summary>Folder recording finished cells so that a sweep started again skips them; null = no resume state.</summary>
    public string? State { get; init; }
    /// <summary>Whether <see cref="State"/> was given by the user (messages name --state) or derived from the output path.</summary>
    public bool StateGiven { get; init; }
    public int Threads { get; init; }
    public ShardSettings Sharding { get; init; } = new();
}
