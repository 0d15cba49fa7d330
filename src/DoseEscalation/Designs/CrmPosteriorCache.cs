using System.Numerics;

namespace DoseEscalation.Designs;

/// <summary>
/// The CRM's posterior (and its unrestricted recommendation) per count state, computed once and
/// then looked up. With no patient pending, the posterior is a function of the patients and DLTs
/// per dose alone, and a trial revisits the same few thousand count vectors over and over; the
/// quadrature behind one posterior costs a few hundred exponentials, a lookup a few multiplies.
/// </summary>
/// <remarks>
/// <para>The key packs each dose's (n, x) pair, 0 &lt;= x &lt;= n &lt;= max N, into the index
/// n(n + 1)/2 + x, and the doses into one or two 64-bit words in mixed radix (max N + 1)(max N + 2)/2,
/// below 2^54 per word. A design whose count space does not fit two such words (e.g. 13 doses at
/// max N 30) is not cached; a state with more patients at a dose than max N (a wrapper adding
/// patients) bypasses the cache.</para>
/// <para>The value stored is what <see cref="Crm.Uncached"/>, <see cref="Crm.Recommend"/> and
/// <see cref="Crm.SafetyStops"/> return for that state, so a lookup gives the same doubles, bit for bit, as computing anew: the
/// results cannot depend on what the cache holds, which thread filled it, or in which order.</para>
/// <para>Memory: an open-addressing table (linear probing; per slot an 8-byte tag with the
/// recommendation and the safety stop, which is all a decision reads, the 16-byte posterior, and the
/// 8-byte high key word when there is one: at most 32 bytes), allocated at the first
/// lookup with room for the design's count space (at most 2^14 slots, 512 KiB), doubled when half
/// full, up to <see cref="MaxSlots"/> slots (8 MiB) holding at most <see cref="MaxEntries"/> states.
/// Entries are never evicted: once the table is at its limit, a state not in it is computed each
/// time (the states a trial visits most, its first ones, come first and stay).</para>
/// <para>Threads share the table without locks: a writer claims an empty slot's tag by
/// compare-and-swap, fills the slot, then publishes the tag with a release write; a reader that sees the tag (acquire) sees
/// the values. A slot being written reads as another key, so a racing reader computes the value
/// itself (the same value). A doubling copies the published slots into a new table and swaps it in;
/// what other threads write meanwhile into the old one is lost, which costs only a recomputation.</para>
/// </remarks>
internal sealed class CrmPosteriorCache
{
    /// <summary>Largest table: 2^18 slots of at most 32 bytes (8 MiB).</summary>
    internal const int MaxSlots = 1 << 18;
    /// <summary>Most count states held: half the largest table, so that a miss ends at an empty slot in a few probes.</summary>
    internal const int MaxEntries = MaxSlots / 2;
    private const int MaxInitialSlots = 1 << 14;
    // A lookup gives up after this many slots (the state is then computed, not stored).
    private const int MaxProbes = 32;
    // Each key word stays below 2^54 so that (word + 1) << 9 | safety stop << 8 | recommended fits a positive long.
    private const ulong WordLimit = 1UL << 54;
    private const long Claimed = -1;
    private const long StopBit = 1 << 8, ValueBits = (1 << 9) - 1;

    private readonly Crm _crm;
    private readonly int _split;      // doses [0, _split) in the low word, [_split, k) in the high word
    private readonly bool _twoWords;  // some doses in the high word
    private readonly uint _maxCount;  // max N: a dose with more patients bypasses the cache
    private readonly ulong _radix;    // (max N + 1)(max N + 2) / 2 pairs (n, x) per dose
    private readonly int _initialSlots;
    private Table? _table;
    private int _growing;

    // Structure of arrays: a decision reads only the 8-byte tag (and the high word, for designs with
    // two), so the slots the trials keep visiting stay in the CPU's caches.
    private sealed class Table
    {
        // 0 empty, -1 being written, else ((low word + 1) << 9) | (safety stop << 8) | recommended level.
        public readonly long[] Tags;
        public readonly ulong[] Highs;
        public readonly CrmPosterior[] Posteriors;
        public readonly int Bits;
        public int Count;

        public Table(int bits, bool twoWords)
        {
            Bits = bits;
            Tags = new long[1 << bits];
            Highs = twoWords ? new ulong[1 << bits] : [];
            Posteriors = new CrmPosterior[1 << bits];
        }
    }

    private CrmPosteriorCache(Crm crm, int split, ulong radix, int initialSlots) =>
        (_crm, _split, _twoWords, _maxCount, _radix, _initialSlots) = (crm, split, split < crm.DoseCount, (uint)crm.MaxPatients, radix, initialSlots);

    /// <summary>A cache for <paramref name="crm"/>, or null if its count space does not fit the key.</summary>
    public static CrmPosteriorCache? For(Crm crm)
    {
        int k = crm.DoseCount, maxN = crm.MaxPatients;
        if (k > 255) return null; // the recommended level is stored in 8 bits
        ulong radix = (ulong)(maxN + 1) * (ulong)(maxN + 2) / 2;
        // Fill the low word with as many doses as keep it below 2^54, then the high word.
        int split = 0;
        double product = 1;
        while (split < k && product * radix < WordLimit) { product *= radix; split++; }
        product = 1;
        for (int d = split; d < k; d++)
        {
            product *= radix;
            if (product >= WordLimit) return null;
        }
        return new CrmPosteriorCache(crm, split, radix, InitialSlots(k, maxN, crm.CohortSize));
    }

    /// <summary>Slots of the first table: twice the number of count vectors of cohorts of the design's size (a power of 2, at most 2^14).</summary>
    private static int InitialSlots(int doses, int maxN, int cohortSize)
    {
        // vectors[t]: count vectors over the doses so far with t patients in all; each dose adds n
        // patients (a multiple of the cohort size) with n + 1 possible DLT counts. Saturates at the cap.
        double cap = MaxInitialSlots;
        var vectors = new double[maxN + 1];
        vectors[0] = 1;
        for (int d = 0; d < doses; d++)
            for (int t = maxN; t >= 0; t--)
            {
                double sum = 0;
                for (int n = 0; n <= t; n += cohortSize) sum += vectors[t - n] * (n + 1);
                vectors[t] = Math.Min(sum, cap);
            }
        double total = Math.Min(vectors.Sum() * 2, cap);
        return (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, (int)total));
    }

    /// <summary>Slots in the current table (0 before the first lookup).</summary>
    internal int Capacity => Volatile.Read(ref _table)?.Tags.Length ?? 0;

    /// <summary>Count states stored in the current table.</summary>
    internal int Count => Volatile.Read(ref _table) is { } t ? Volatile.Read(ref t.Count) : 0;

    /// <summary>The unrestricted recommendation at the posterior mean, and whether the safety stop applies (P(p_1 &gt; target) above the cutoff), at these counts.</summary>
    public int Recommended(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, out bool safetyStop)
    {
        long value = Find(patients, dlts, out _, out _, out _);
        safetyStop = (value & StopBit) != 0;
        return (int)(value & 0xFF);
    }

    /// <summary>The posterior at these counts and the unrestricted recommendation at its mean.</summary>
    public CrmPosterior Posterior(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, out int recommended)
    {
        long value = Find(patients, dlts, out var table, out int slot, out var computed);
        recommended = (int)(value & 0xFF);
        return slot >= 0 ? table!.Posteriors[slot] : computed;
    }

    // The entry's value bits (recommended level, safety stop) and where its posterior is: slot `slot`
    // of `table`, or (slot -1) computed here into `computed`. Stores a state not yet in the table if there is room.
    private long Find(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, out Table? table, out int slot, out CrmPosterior computed)
    {
        table = null;
        slot = -1;
        computed = default;
        if (!TryKey(patients, dlts, out ulong low, out ulong high)) return Compute(patients, dlts, out computed);
        var t = Volatile.Read(ref _table) ?? Create();
        var tags = t.Tags;
        int mask = tags.Length - 1;
        int i = (int)(Hash(low, high) >> (64 - t.Bits));
        long key = (long)(low + 1) << 9;
        for (int probe = 0; probe < MaxProbes; probe++)
        {
            long tag = Volatile.Read(ref tags[i]);
            if (tag == 0)
            {
                if (Volatile.Read(ref t.Count) >= MaxEntries) break; // full: compute, do not store
                if (Interlocked.CompareExchange(ref tags[i], Claimed, 0) == 0)
                {
                    long value = Compute(patients, dlts, out computed);
                    if (_twoWords) t.Highs[i] = high;
                    t.Posteriors[i] = computed;
                    Volatile.Write(ref tags[i], key | value);
                    if (Interlocked.Increment(ref t.Count) > tags.Length / 2) Grow(t);
                    return value;
                }
                // Another thread took this slot for some key: it is no longer empty, look again.
                tag = Volatile.Read(ref tags[i]);
            }
            if ((tag & ~ValueBits) == key && (!_twoWords || t.Highs[i] == high))
            {
                (table, slot) = (t, i);
                return tag & ValueBits;
            }
            i = (i + 1) & mask;
        }
        return Compute(patients, dlts, out computed);
    }

    private long Compute(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, out CrmPosterior post)
    {
        post = _crm.Uncached(patients, dlts);
        return (long)(uint)_crm.Recommend(post.BetaMean) | (_crm.SafetyStops(post) ? StopBit : 0);
    }

    // Mixed radix over the doses' (n, x) indices; false if a count is out of range (or the spans are not the design's).
    private bool TryKey(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, out ulong low, out ulong high)
    {
        low = high = 0;
        int k = patients.Length;
        if (k != _crm.DoseCount || dlts.Length != k) return false;
        ulong word = 0;
        for (int d = 0; d < k; d++)
        {
            uint n = (uint)patients[d], x = (uint)dlts[d];
            if (n > _maxCount || x > n) return false;
            if (d == _split) { low = word; word = 0; }
            word = word * _radix + (ulong)n * (n + 1) / 2 + x;
        }
        if (k > _split) high = word; else low = word;
        return true;
    }

    private static ulong Hash(ulong low, ulong high)
    {
        ulong h = low * 0x9E3779B97F4A7C15UL ^ (high + 0x632BE59BD9B4E019UL) * 0xC2B2AE3D27D4EB4FUL;
        return h ^ (h >> 31);
    }

    private Table Create()
    {
        var fresh = new Table(BitOperations.Log2((uint)_initialSlots), _twoWords);
        return Interlocked.CompareExchange(ref _table, fresh, null) ?? fresh;
    }

    // Double the table if it is still the current one and below the largest size; one thread at a time.
    private void Grow(Table old)
    {
        if (old.Tags.Length >= MaxSlots || Interlocked.CompareExchange(ref _growing, 1, 0) != 0) return;
        try
        {
            if (!ReferenceEquals(Volatile.Read(ref _table), old)) return;
            var bigger = new Table(old.Bits + 1, _twoWords);
            int mask = bigger.Tags.Length - 1;
            for (int j = 0; j < old.Tags.Length; j++)
            {
                long tag = Volatile.Read(ref old.Tags[j]);
                if (tag <= 0) continue; // empty, or still being written (lost: recomputed when next needed)
                ulong low = (ulong)(tag >> 9) - 1, high = _twoWords ? old.Highs[j] : 0;
                int i = (int)(Hash(low, high) >> (64 - bigger.Bits));
                while (bigger.Tags[i] != 0) i = (i + 1) & mask;
                bigger.Tags[i] = tag;
                if (_twoWords) bigger.Highs[i] = high;
                bigger.Posteriors[i] = old.Posteriors[j];
                bigger.Count++;
            }
            Volatile.Write(ref _table, bigger);
        }
        finally { Volatile.Write(ref _growing, 0); }
    }
}
