namespace DoseEscalation.Engines;

/// <summary>How the Monte Carlo engine runs a trial.</summary>
public enum SimulationMethod
{
    /// <summary>The compiled state-graph walk when the design's state space fits, else the trial loop.</summary>
    Auto,
    /// <summary>Walk the compiled state graph: one uniform per cohort, table lookups only.</summary>
    CompiledGraph,
    /// <summary>Ask the design at every cohort and draw each patient's DLT separately.</summary>
    TrialLoop,
}

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

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    internal void Validate()
    {
        if (Trials < 1) throw new ArgumentOutOfRangeException(nameof(Trials), Trials, "trials must be at least 1");
        ResourceGuard.Trials(Trials);
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be at least 1");
        if (!Enum.IsDefined(Simd)) throw new ArgumentOutOfRangeException(nameof(Simd), Simd, "unknown SIMD path");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be 0 (all) or more");
    }
}
