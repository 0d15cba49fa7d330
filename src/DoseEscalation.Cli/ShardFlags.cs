using System.CommandLine;
using DoseEscalation.Application;

namespace DoseEscalation.Cli;

/// <summary>--shard, --shard-count and --batch-size of simulate, compare and sweep.</summary>
internal sealed class ShardFlags
{
    private readonly Option<string?> _shard = Flags.Text("--shard",
        "Run only shard I of N (I counted from 0: 0/4 .. 3/4), the I-th of N contiguous ranges of batches (sweep: of cells), and write its partial result (JSON, with the raw counters) to --out; "
        + "merge adds the parts into the output of the whole run. auto: from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (a Slurm job array), or JOB_COMPLETION_INDEX with --shard-count (a Kubernetes Indexed Job). See the cluster guide.", "I/N|auto");
    private readonly Option<int?> _count = Flags.Int("--shard-count", "With --shard auto under Kubernetes: the number of shards (the Indexed Job's completions).", 1);
    private readonly Option<int?>? _batch;

    public ShardFlags(Command command, bool withBatchSize = true)
    {
        command.Options.Add(_shard);
        command.Options.Add(_count);
        if (!withBatchSize) return;
        _batch = Flags.Int("--batch-size", $"Trials per batch, the unit of seeding and of --shard (default {EngineRule.DefaultBatchSize:N0}). Batch b draws from a stream seeded from (seed, b), so results depend on it; shards of one run must use the same.", 1);
        command.Options.Add(_batch);
    }

    /// <summary>Whether --shard was given (the run writes a part).</summary>
    public bool IsShard(ParseResult pr) => pr.GetResult(_shard) is not null;

    public ShardSettings Bind(ParseResult pr, string[] commandLine, MergedParts? merged)
    {
        var s = new ShardSettings { Shard = pr.Given(_shard), ShardCount = pr.Given(_count), BatchSize = _batch is null ? null : pr.Given(_batch), CommandLine = commandLine, Merged = merged };
        if (s.ShardCount is not null && s.Shard != "auto") throw new UsageException("--shard-count goes with --shard auto (under a Kubernetes Indexed Job)");
        return s;
    }
}
