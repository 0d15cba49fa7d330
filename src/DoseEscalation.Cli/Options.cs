using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Cli;

/// <summary>
/// Inputs every running verb shares, as parsed from the command line: the scenario file or --dlt,
/// the design(s) and their options, output. Null means "not given" (the file's value, then the
/// design's default, applies); nothing here has a silent default.
/// </summary>
public abstract class InputOptions
{
    public string? File { get; set; }
    /// <summary>The text of <see cref="File"/> when it was already read (a shard hashes what it parses; merge parses the text its parts carry).</summary>
    public string? FileText { get; set; }
    public string? Dlt { get; set; }
    /// <summary>--design: a label of the file's designs or a design name (single-design verbs).</summary>
    public string? Design { get; set; }
    /// <summary>Design-specific flags given (e.g. --extrasafe, --skeleton), by option key, typed and range-checked.</summary>
    public OptionValues DesignFlags { get; set; } = OptionValues.Empty;
    /// <summary>Common settings given as flags (start_dose, max_n, cohort_size), by option key.</summary>
    public OptionValues Common { get; set; } = OptionValues.Empty;
    public double? Target { get; set; }
    /// <summary>--set LABEL.OPTION=VALUE, in the order given.</summary>
    public IReadOnlyList<string> Set { get; set; } = [];
    public string? CorrectSelection { get; set; }
    public string? CorrectWindow { get; set; }
    public string Format { get; set; } = "table";
    public string? Out { get; set; }
    public bool Quiet { get; set; }
}

public sealed class SimulateOptions : InputOptions
{
    public long? Trials { get; set; }
    public ulong? Seed { get; set; }
    public int Threads { get; set; }
    public string Method { get; set; } = "auto";
    public string Engine { get; set; } = "monte-carlo";
    public Engines.SimdPath Simd { get; set; } = Engines.SimdPath.Auto;
    /// <summary>Simulate in calendar time (the file's timeline:).</summary>
    public bool Calendar { get; set; }
    public ShardSettings Sharding { get; set; } = new();
}

/// <summary>--shard, --shard-count and --batch-size as given, the command line they came with, and (under merge) the merged parts.</summary>
public sealed class ShardSettings
{
    /// <summary>--shard: "I/N" or "auto"; null = the whole run.</summary>
    public string? Shard { get; set; }
    public int? ShardCount { get; set; }
    /// <summary>--batch-size: trials per batch (the unit of seeding and of sharding); null = the engine's default.</summary>
    public int? BatchSize { get; set; }
    /// <summary>The whole command line, verb first (recorded in a part so that merge can replay it).</summary>
    public IReadOnlyList<string> CommandLine { get; set; } = [];
    /// <summary>Set by merge: the summed counters of every part, used instead of simulating.</summary>
    internal MergedParts? Merged { get; set; }
}

public sealed class ExactOptions : InputOptions
{
    public int? Paths { get; set; }
    public int MaxStates { get; set; } = 2_000_000;
}

public sealed class BenchOptions
{
    public long Trials { get; set; } = 200_000_000L;
    public string Dlt { get; set; } = "0.10,0.25,0.40";
    public string Method { get; set; } = "graph";
    public bool Designs { get; set; }
    /// <summary>--vs-c: the reference C program to time this program against; null = no comparison.</summary>
    public string? VersusC { get; set; }
    /// <summary>--c-trials (only with --vs-c; default 10^9).</summary>
    public long? CTrials { get; set; }
    /// <summary>--pairs (only with --vs-c; default 7).</summary>
    public int? Pairs { get; set; }
}

public sealed class CompareOptions : InputOptions
{
    /// <summary>--designs: labels or names, comma-separated; null = the file's designs.</summary>
    public string? Designs { get; set; }
    public long? Trials { get; set; }
    public ulong? Seed { get; set; }
    public int Threads { get; set; }
    public ShardSettings Sharding { get; set; } = new();
}

public sealed class TableOptions : InputOptions
{
}

public sealed class PlotOptions : InputOptions
{
    public string Charts { get; set; } = PlotCommand.DefaultCharts;
    public string Engine { get; set; } = "auto";
    public long? Trials { get; set; }
    public ulong? Seed { get; set; }
    public int? MarkN { get; set; }
    public string Designs { get; set; } = "3+3,boin,mtpi2,keyboard,i3+3,crm";
    public int? Dpi { get; set; }
    public string? Gallery { get; set; }
}

public sealed class ReportOptions : InputOptions
{
    public string Engine { get; set; } = "auto";
    public long? Trials { get; set; }
    public ulong? Seed { get; set; }
    public int? MarkN { get; set; }
    public string Designs { get; set; } = "3+3,boin,mtpi2,keyboard,i3+3,crm";
    public long CompareTrials { get; set; } = 20_000;
}

public sealed class SampleSizeOptions : InputOptions
{
    public int? N { get; set; }
    public double? Coverage { get; set; }
    public double? NonEvaluable { get; set; }
    public int? Expansion { get; set; }
    public int? MinResponses { get; set; }
    public long? Trials { get; set; }
    public ulong? Seed { get; set; }
    public int MaxStates { get; set; } = Engines.StateGraph.DefaultMaxStates;
    public int Threads { get; set; }
}

public sealed class NextOptions : InputOptions
{
    public string Data { get; set; } = "";
    public bool Final { get; set; }
    public bool AllowDeviations { get; set; }
    public string? Scenario { get; set; }
    public int CohortsAhead { get; set; } = 1;
}
