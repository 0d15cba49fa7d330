using System.Globalization;

namespace DoseEscalation;

/// <summary>A run that would exceed one of the documented limits of <see cref="ResourceGuard"/>; the message names the input.</summary>
public class ResourceLimitException(string message) : Exception(message);

/// <summary>
/// The documented maxima of a run (docs/reliability.md), each checked before any work starts, so a
/// huge input fails at once with one line instead of overflowing, running for years or running out
/// of memory half-way.
/// </summary>
/// <remarks>
/// The limits are what the integer counters hold without wrapping: a Monte Carlo tally adds, per
/// trial, squares of patient counts (at most <see cref="MaxPatients"/>² = 10^6) in a <c>long</c>, so
/// <see cref="MaxTrials"/> × 10^6 = 10^18 stays below 2^63 ≈ 9.2 × 10^18.
/// </remarks>
public static class ResourceGuard
{
    /// <summary>Most simulated trials per scenario: 10^12 (about a day per scenario at 10^7 trials/s).</summary>
    public const long MaxTrials = 1_000_000_000_000;

    /// <summary>Most dose levels of a scenario or design: 100.</summary>
    public const int MaxDoses = 100;

    /// <summary>Most patients a design may treat in one trial (its <see cref="IDesign.MaxPatients"/>): 1,000.</summary>
    public const int MaxPatients = 1_000;

    /// <summary>Most distinct trial states of an exact state graph (the <c>--max-states</c> ceiling): 50,000,000.</summary>
    public const int MaxStates = 50_000_000;

    /// <summary>
    /// Most memory a state graph may be estimated to need: half the memory available to this process
    /// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>), at most 16 GiB.
    /// </summary>
    public static long MemoryLimitBytes { get; } =
        Math.Min(16L << 30, Math.Max(256L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2));

    /// <summary>Throws unless 1 &lt;= <paramref name="trials"/> &lt;= <see cref="MaxTrials"/>; <paramref name="source"/> names the input (e.g. "--trials").</summary>
    public static long Trials(long trials, string source = "trials")
    {
        if (trials < 1) throw new ResourceLimitException($"{source} {Int(trials)}: must be at least 1");
        if (trials > MaxTrials)
            throw new ResourceLimitException($"{source} {Int(trials)}: more than the maximum of {Int(MaxTrials)} trials per scenario");
        return trials;
    }

    /// <summary>Throws unless 1 &lt;= <paramref name="doses"/> &lt;= <see cref="MaxDoses"/>.</summary>
    public static int Doses(int doses, string source = "doses")
    {
        if (doses < 1) throw new ResourceLimitException($"{source}: needs at least one dose level");
        if (doses > MaxDoses) throw new ResourceLimitException($"{source}: {Int(doses)} dose levels, more than the maximum of {MaxDoses}");
        return doses;
    }

    /// <summary>Throws unless the design's dose count and maximum sample size are within the limits.</summary>
    public static void Design(IDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        Doses(design.DoseCount, $"design {design.Name}");
        if (design.MaxPatients > MaxPatients)
            throw new ResourceLimitException($"design {design.Name}: up to {Int(design.MaxPatients)} patients per trial, more than the maximum of {Int(MaxPatients)}");
        if (design.MaxCohortSize < 1 || design.MaxCohortSize > design.MaxPatients)
            throw new ResourceLimitException($"design {design.Name}: largest cohort {Int(design.MaxCohortSize)} outside 1..{Int(design.MaxPatients)}");
    }

    /// <summary>
    /// An upper bound on the bytes building a state graph of <paramref name="states"/> states of
    /// <paramref name="design"/> and flowing probabilities through it allocates (so also on the
    /// memory it holds at once): the packed keys, their index, the decisions and edges (each an array
    /// that doubles as it grows, so up to 4 times the bytes it finally needs, growth garbage
    /// included), the renumbered node arrays and the exact engine's probability per node.
    /// A test checks it against the bytes really allocated.
    /// </summary>
    public static long EstimateStateGraphBytes(IDesign design, long states)
    {
        long k = design.DoseCount, stride = design.MaxCohortSize + 1L;
        long perState =
            4 * 2 * (2 + 2 * k)     // packed ushort keys
            + 4 * 2 * 4             // open-addressing index (load <= 1/2)
            + 4 * 12 + 4 * 4 * stride // decisions and edges (growing lists)
            + 6 * 4 + 8             // level, size, total, totals, order, new id; sort keys
            + 2 * 4 * k             // patients and DLTs per node
            + 4 * stride            // child table
            + 8;                    // exact engine: probability per node
        return states * perState;
    }

    /// <summary>
    /// An upper bound on the bytes the exact engine's level-by-level flow (no stored graph) holds at
    /// once for <paramref name="states"/> states of <paramref name="design"/> and
    /// <paramref name="scenarios"/> scenarios, as if every state were alive at once (in practice only
    /// the few levels being read and written are): per state its packed key and a probability per
    /// scenario (in arrays that double, so up to 3 times that while one is copied) and up to 6 index
    /// entries of 8 bytes (an index at most half full, and the old one while it doubles).
    /// </summary>
    public static long EstimateExactFlowBytes(IDesign design, long states, int scenarios)
    {
        // The packed key: 2 + 2K fields (level, last cohort, patients and DLTs per level), none across two words.
        int bits = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Max(Math.Max(design.MaxPatients, design.DoseCount), design.MaxCohortSize + 1));
        long fields = 2 + 2L * design.DoseCount, perWord = 64 / bits, words = (fields + perWord - 1) / perWord;
        return states * (3 * 8 * (words + Math.Max(1, scenarios)) + 6 * 8);
    }

    /// <summary>Throws unless the state limit is within <see cref="MaxStates"/> and the exact flow over that many states fits in <see cref="MemoryLimitBytes"/>.</summary>
    public static void ExactFlow(IDesign design, int maxStates, int scenarios, string source = "max states")
    {
        Design(design);
        if (maxStates < 1) throw new ResourceLimitException($"{source} {Int(maxStates)}: must be at least 1");
        if (maxStates > MaxStates) throw new ResourceLimitException($"{source} {Int(maxStates)}: more than the maximum of {Int(MaxStates)} states");
        long bytes = EstimateExactFlowBytes(design, maxStates, scenarios);
        if (bytes > MemoryLimitBytes)
            throw new ResourceLimitException(
                $"{source} {Int(maxStates)}: the exact engine over that many states of {design.Name} with {design.DoseCount} doses needs up to {Mib(bytes)} MiB, more than the limit of {Mib(MemoryLimitBytes)} MiB; lower the state limit or simulate");
    }

    /// <summary>Throws unless the state limit is within <see cref="MaxStates"/> and a graph that large fits in <see cref="MemoryLimitBytes"/>.</summary>
    public static void StateGraph(IDesign design, int maxStates, string source = "max states")
    {
        Design(design);
        if (maxStates < 1) throw new ResourceLimitException($"{source} {Int(maxStates)}: must be at least 1");
        if (maxStates > MaxStates) throw new ResourceLimitException($"{source} {Int(maxStates)}: more than the maximum of {Int(MaxStates)} states");
        long bytes = EstimateStateGraphBytes(design, maxStates);
        if (bytes > MemoryLimitBytes)
            throw new ResourceLimitException(
                $"{source} {Int(maxStates)}: a state graph that large for {design.Name} with {design.DoseCount} doses needs up to {Mib(bytes)} MiB, more than the limit of {Mib(MemoryLimitBytes)} MiB; lower the state limit or simulate");
    }

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Mib(long bytes) => (bytes >> 20).ToString(CultureInfo.InvariantCulture);
}
