using System.Globalization;

namespace DoseEscalation.Sharding;

/// <summary>A bad shard specification or environment: one line naming what is wrong.</summary>
public sealed class ShardException(string message) : Exception(message);

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (0-based, as Slurm's <c>--array=0-N</c> and
/// Kubernetes' completion index count): the <see cref="Index"/>-th of <see cref="Count"/>
/// contiguous, near-equal ranges of a run's work units (batches of trials, or sweep cells).
/// </summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>Most shards of one run: 100,000 (Slurm's default MaxArraySize is 1,001).</summary>
    public const int MaxCount = 100_000;

    /// <summary>"i/n" with 0 &lt;= i &lt; n &lt;= <see cref="MaxCount"/>.</summary>
    public static Shard Parse(string text, string option = "--shard")
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw new ShardException($"{option} {text}: expected I/N (shard I of N, counted from 0, e.g. 0/4 .. 3/4) or auto");
        return Make(i, n, $"{option} {text}");
    }

    /// <summary>
    /// The shard a scheduler assigned: Slurm job arrays set SLURM_ARRAY_TASK_ID and
    /// SLURM_ARRAY_TASK_COUNT (and SLURM_ARRAY_TASK_MIN, subtracted so that --array=1-4 works as
    /// 0-3); a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX, whose count is
    /// <paramref name="count"/> (--shard-count, the Job's completions).
    /// </summary>
    public static Shard FromEnvironment(Func<string, string?> env, int? count)
    {
        string? slurmId = env("SLURM_ARRAY_TASK_ID"), k8sIndex = env("JOB_COMPLETION_INDEX");
        if (slurmId is not null && k8sIndex is null)
        {
            if (count is not null) throw new ShardException("--shard-count applies to JOB_COMPLETION_INDEX (Kubernetes); under Slurm the count is SLURM_ARRAY_TASK_COUNT");
            int id = Variable(env, "SLURM_ARRAY_TASK_ID", slurmId);
            string? countText = env("SLURM_ARRAY_TASK_COUNT")
                ?? throw new ShardException($"--shard auto: SLURM_ARRAY_TASK_ID is {slurmId} but SLURM_ARRAY_TASK_COUNT is not set (Slurm 17.11 and later set it for job arrays)");
            int n = Variable(env, "SLURM_ARRAY_TASK_COUNT", countText);
            int min = env("SLURM_ARRAY_TASK_MIN") is { } minText ? Variable(env, "SLURM_ARRAY_TASK_MIN", minText) : 0;
            if (env("SLURM_ARRAY_TASK_STEP") is { } step && step.Trim() != "1")
                throw new ShardException($"--shard auto: SLURM_ARRAY_TASK_STEP is {step}; submit the array with consecutive indices (--array=0-{n - 1})");
            return Make(id - min, n, $"--shard auto (SLURM_ARRAY_TASK_ID {slurmId}, SLURM_ARRAY_TASK_MIN {min}, SLURM_ARRAY_TASK_COUNT {countText})");
        }
        if (k8sIndex is not null && slurmId is null)
        {
            int index = Variable(env, "JOB_COMPLETION_INDEX", k8sIndex);
            if (count is not { } n) throw new ShardException($"--shard auto: JOB_COMPLETION_INDEX is {k8sIndex}; give --shard-count N (the Job's completions)");
            return Make(index, n, $"--shard auto (JOB_COMPLETION_INDEX {k8sIndex}, --shard-count {n})");
        }
        if (k8sIndex is not null)
            throw new ShardException($"--shard auto: both SLURM_ARRAY_TASK_ID ({slurmId}) and JOB_COMPLETION_INDEX ({k8sIndex}) are set; give --shard I/N");
        throw new ShardException("--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard I/N");
    }

    private static int Variable(Func<string, string?> env, string name, string text) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v
            : throw new ShardException($"--shard auto: {name} is '{text}', not a whole number");

    private static Shard Make(int i, int n, string what)
    {
        if (n < 1 || n > MaxCount) throw new ShardException($"{what}: the shard count must be 1 to {MaxCount:N0}, not {n}");
        if (i < 0 || i >= n) throw new ShardException($"{what}: the shard index must be 0 to {n - 1}, not {i}");
        return new Shard(i, n);
    }

    /// <summary>This shard's units [First, First + Count) of <paramref name="units"/>: unit boundaries floor(i units / n).</summary>
    public (long First, long Count) Range(long units)
    {
        long first = (long)((Int128)Index * units / Count), end = (long)((Int128)(Index + 1) * units / Count);
        return (first, end - first);
    }

    public override string ToString() => $"{Index}/{Count}";
}
