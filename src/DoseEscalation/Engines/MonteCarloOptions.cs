namespace DoseEscalation.Engines;

/// <summary>Settings of a Monte Carlo run.</summary>
public sealed record MonteCarloOptions
{
    /// <summary>Number of simulated trials, 1 to <see cref="ResourceGuard.MaxTrials"/> (10^12).</summary>
    public long Trials { get; init; } = 100_000;
    /// <summary>Master seed; trial batch b draws from a stream that is a pure function of (Seed, b).</summary>
    public ulong Seed { get; init; } = 20261122;
    /// <summary>Worker threads; 0 = all cores. Results do not depend on it.</summary>
    public int Threads { get; init; }
    /// <summary>Trials per batch, the unit of parallel work and of seeding. Results depend on it.</summary>
    public int BatchSize { get; init; } = 1 << 16;
    public SimulationMethod Method { get; init; } = SimulationMethod.Auto;
    /// <summary>State limit for the compiled graph under <see cref="SimulationMethod.Auto"/>.</summary>
    public int MaxStates { get; init; } = 200_000;
    /// <summary>Vector width of the compiled walk (default: the widest this CPU accelerates). Results do not depend on it.</summary>
    public SimdPath Simd { get; init; } = SimdPath.Auto;
    /// <summary>Called with the number of trials finished so far (from worker threads).</summary>
    public Action<long>? Progress { get; init; }
    /// <summary>Stops the run between batches (an <see cref="OperationCanceledException"/>); results are all or nothing.</summary>
    public CancellationToken Cancellation { get; init; }
    /// <summary>
    /// First batch to run (0-based). With <see cref="BatchCount"/> it makes a run a shard: any
    /// range of batches counts the same trials wherever it runs, so shards' integer counters add
    /// up to the whole run's exactly. Default 0.
    /// </summary>
    public long FirstBatch { get; init; }
    /// <summary>Batches to run from <see cref="FirstBatch"/>; null = up to the last batch of the run.</summary>
    public long? BatchCount { get; init; }

    /// <summary>Batches of the whole run: ceiling(Trials / BatchSize); the last may be short.</summary>
    public long TotalBatches => (Trials + BatchSize - 1) / BatchSize;
    /// <summary>One past the last batch this run simulates.</summary>
    public long EndBatch => BatchCount is { } count ? FirstBatch + count : TotalBatches;
    /// <summary>Whether this run covers every batch (not a shard).</summary>
    public bool IsWholeRun => FirstBatch == 0 && EndBatch == TotalBatches;
    /// <summary>Trials in batches <see cref="FirstBatch"/> to <see cref="EndBatch"/> - 1.</summary>
    public long RangeTrials => Math.Min(Trials, EndBatch * BatchSize) - Math.Min(Trials, FirstBatch * BatchSize);

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    internal void Validate()
    {
        if (Trials < 1) throw new ArgumentOutOfRangeException(nameof(Trials), Trials, "trials must be at least 1");
        ResourceGuard.Trials(Trials);
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be at least 1");
        if (!Enum.IsDefined(Simd)) throw new ArgumentOutOfRangeException(nameof(Simd), Simd, "unknown SIMD path");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be 0 (all) or more");
        if (FirstBatch < 0 || FirstBatch > TotalBatches) throw new ArgumentOutOfRangeException(nameof(FirstBatch), FirstBatch, $"first batch must be in 0..{TotalBatches}");
        if (BatchCount is { } count && (count < 0 || count > TotalBatches - FirstBatch))
            throw new ArgumentOutOfRangeException(nameof(BatchCount), count, $"batches {FirstBatch}..{FirstBatch + count - 1} run past the last batch {TotalBatches - 1}");
    }
}
