using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Engines;

/// <summary>
/// The exact engine without a stored graph: states are made level by level (a level = the states
/// with one total N), probabilities flow into a level's children while it is made, its terminal
/// states go into the tallies, and the level is freed. Memory is bounded by the few levels alive at
/// once (the one being read and those its cohorts reach), not by the whole graph: no renumbering,
/// no edge array, nothing kept per state but its packed key and its probability per scenario.
/// </summary>
/// <remarks>
/// The results are bit-identical to <see cref="ExactEngine.Run(StateGraph, Scenario, double)"/>:
/// every sum is made in the same order. That engine adds a node's contributions in the order of its
/// parents' numbers and records terminal states in number order, both (total N, discovery order);
/// this one reads the levels in total N order and each level in discovery order. The two discovery
/// orders are the same when the states are discovered in non-decreasing total N, which holds for
/// every design whose cohorts all have one size (and for a smaller last cohort). A design whose
/// cohort sizes vary otherwise (an A+B with A != B) may discover a smaller total after a larger one;
/// the flow then stops and returns null, and the caller uses the graph.
/// </remarks>
internal static class ExactFlow
{
    /// <summary>
    /// The tallies of every scenario in one pass over the states, with the number of distinct states;
    /// null when the design's discovery order is not by total N (use the graph then).
    /// </summary>
    /// <exception cref="StateSpaceTooLargeException">More than <paramref name="maxStates"/> distinct states.</exception>
    public static (OcTally<double>[] Tallies, int States)? Run(IDesign design, IReadOnlyList<Scenario> scenarios, double target, int maxStates)
    {
        ResourceGuard.Design(design);
        try { ResourceGuard.ExactFlow(design, maxStates, scenarios.Count); }
        catch (ResourceLimitException ex) { throw new StateSpaceTooLargeException(ex.Message); }
        int k = design.DoseCount;
        if (design.MaxPatients > ushort.MaxValue || design.MaxCohortSize > byte.MaxValue)
            throw new StateSpaceTooLargeException(
                $"design '{design.Describe()}' allows {design.MaxPatients:N0} patients in cohorts of up to {design.MaxCohortSize}; the exact state graph takes at most {ushort.MaxValue:N0} patients and cohorts of at most {byte.MaxValue}");
        foreach (var s in scenarios)
            if (s.DoseCount != k)
                throw new ArgumentException($"scenario '{s.Name}' has {s.DoseCount} doses but the design has {k}");

        int stride = design.MaxCohortSize + 1;
        bool keepLast = design.ReadsLastCohort;
        int sc = scenarios.Count;
        var layout = new StateGraph.KeyLayout(k, design.MaxPatients, stride);
        int w = layout.Words;
        // Binomial(m, p_d) per scenario, level and cohort size, as the graph engine computes them.
        var pmf = new double[sc][];
        var tallies = new OcTally<double>[sc];
        for (int s = 0; s < sc; s++)
        {
            var sp = scenarios[s];
            pmf[s] = new double[k * stride * stride];
            for (int d = 0; d < k; d++)
                for (int m = 1; m < stride; m++)
                    for (int x = 0; x <= m; x++) pmf[s][(d * stride + m) * stride + x] = Binomial.PMF(sp.Dlt[d], m, x);
            tallies[s] = new OcTally<double>(k, design.MaxPatients, sp.TrueMtdLevel(target), sp.Response is not null);
        }

        var levels = new Level?[design.MaxPatients + 1];
        try
        {
            Span<ulong> key = stackalloc ulong[w];
            key.Clear();
            layout.Set(key, layout.LevelField, (ulong)ProbeStartLevel(design, k));
            levels[0] = new Level(w, sc, 64);
            levels[0]!.Intern(key, Level.Hash(key));
            levels[0]!.Prob(0).Fill(1.0);
            int states = 1, maxDiscovered = 0;
            var patients = new int[k];
            var dlts = new int[k];
            Span<double> weight = stackalloc double[sc];
            Span<ulong> children = stackalloc ulong[stride * w]; // the children after 0..m DLTs
            Span<uint> hashes = stackalloc uint[stride];
            int previousCount = 1;
            // Read once: the loop below runs once per state.
            int maxN = design.MaxPatients, maxCohort = design.MaxCohortSize;
            var levelField = layout.LevelField;
            var lastField = layout.LastField;
            for (int total = 0; total <= maxN; total++)
            {
                var level = levels[total];
                if (level is null) continue;
                for (int id = 0; id < level.Count; id++)
                {
                    var parent = level.Key(id);
                    layout.Unpack(parent, patients, dlts);
                    int lastDlts = layout.Get(parent, lastField) - 1;
                    Decision dec = design.Decide(new TrialState(patients, dlts, layout.Get(parent, levelField), lastDlts, total));
                    level.Prob(id).CopyTo(weight);
                    if (dec.IsStop)
                    {
                        if (dec.Level < Decision.NoDose || dec.Level >= k)
                            throw new DesignContractException($"{design.Name}: selected level {dec.Level} out of range");
                        for (int s = 0; s < sc; s++)
                            if (weight[s] != 0) tallies[s].Record(dec.Level, patients, dlts, weight[s]);
                        continue;
                    }
                    if (dec.Level < 0 || dec.Level >= k)
                        throw new DesignContractException($"{design.Name}: asked to treat at level {dec.Level}, outside 0..{k - 1}");
                    if (dec.CohortSize < 1 || dec.CohortSize > maxCohort)
                        throw new DesignContractException($"{design.Name}: cohort size {dec.CohortSize} outside 1..{design.MaxCohortSize}");
                    int m = dec.CohortSize, childTotal = total + m;
                    if (childTotal > maxN)
                        throw new DesignContractException($"{design.Name}: did not stop by its maximum of {design.MaxPatients} patients");
                    // A new level starts with room for the growth seen from the last level to this one.
                    var into = levels[childTotal] ??= new Level(w, sc, (int)Math.Min(1L << 28, (long)level.Count * level.Count / previousCount));
                    // Every child's key and hash first, their entries asked for together, then the lookups.
                    var child = children[..w];
                    Copy(parent, child);
                    layout.Set(child, levelField, (ulong)dec.Level);
                    layout.Add(child, layout.PatientsField(dec.Level), (ulong)m);
                    var dltField = layout.DltsField(dec.Level);
                    for (int x = 0; x <= m; x++)
                    {
                        child = children.Slice(x * w, w);
                        if (x > 0)
                        {
                            Copy(children.Slice((x - 1) * w, w), child);
                            layout.Add(child, dltField, 1);
                        }
                        if (keepLast) layout.Set(child, lastField, (ulong)(x + 1));
                        into.Prefetch(hashes[x] = Level.Hash(child));
                    }
                    for (int x = 0; x <= m; x++) into.PrefetchRecord(hashes[x]);
                    int row = (dec.Level * stride + m) * stride;
                    for (int x = 0; x <= m; x++)
                    {
                        int before = into.Count;
                        var cp = into.Prob(into.Intern(children.Slice(x * w, w), hashes[x]));
                        if (into.Count != before)
                        {
                            // A new state: the discovery order must stay by total N for the sums to be the graph engine's.
                            if (childTotal < maxDiscovered) return null;
                            maxDiscovered = childTotal;
                            if (++states > maxStates)
                                throw new StateSpaceTooLargeException(
                                    $"design '{design.Describe()}' has more than {maxStates:N0} distinct trial states; use the Monte Carlo engine (simulate) or raise the state limit");
                        }
                        for (int s = 0; s < sc; s++)
                            if (weight[s] != 0) cp[s] += weight[s] * pmf[s][row + x];
                    }
                }
                previousCount = level.Count;
                level.Dispose();
                levels[total] = null;
            }
            return (tallies, states);
        }
        finally
        {
            foreach (var level in levels) level?.Dispose();
        }
    }

    private static int ProbeStartLevel(IDesign design, int k)
    {
        Span<int> zeros = stackalloc int[k];
        zeros.Clear();
        var d = design.Decide(new TrialState(zeros, zeros, 0, -1, 0));
        if (d.IsStop) throw new DesignContractException($"{design.Name}: stopped before treating anyone");
        return d.Level;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a key is a few words: a call to a general copy costs more
    private static void Copy(ReadOnlySpan<ulong> from, Span<ulong> to)
    {
        for (int i = 0; i < from.Length; i++) to[i] = from[i];
    }

    /// <summary>
    /// The states of one total N in discovery order: a record per state (its packed key, then its
    /// probability per scenario, side by side so that a lookup that finds a state touches one place)
    /// and an open-addressing index of entries (hash &lt;&lt; 32) | (id + 1), 0 = empty, kept small so
    /// that it stays in cache as far as it can. Both are rented from the shared pool and returned when
    /// the level has been read.
    /// </summary>
    private sealed class Level : IDisposable
    {
        private readonly int _words, _record; // record = words + scenarios ulongs
        private ulong[] _records;
        private ulong[] _table;
        private int _mask;
        public int Count;

        public Level(int words, int scenarios, int expected)
        {
            (_words, _record) = (words, words + scenarios);
            int capacity = Math.Max(64, expected);
            _records = Rent<ulong>(capacity * _record);
            int length = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2);
            _table = Rent<ulong>(length);
            Array.Clear(_table, 0, length);
            _mask = length - 1;
        }

        /// <summary>The packed key of state <paramref name="id"/>.</summary>
        public ReadOnlySpan<ulong> Key(int id) => _records.AsSpan(id * _record, _words);

        /// <summary>The probability per scenario of state <paramref name="id"/> (valid until the next <see cref="Intern"/>).</summary>
        public Span<double> Prob(int id) => MemoryMarshal.Cast<ulong, double>(_records.AsSpan(id * _record + _words, _record - _words));

        /// <summary>Asks the memory system for the index entry a key with <paramref name="hash"/> is looked up at first (a hint, no effect on results).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // a single instruction in a hot loop
        public unsafe void Prefetch(uint hash)
        {
            if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref _table[(int)(hash & (uint)_mask)]));
        }

        /// <summary>Asks the memory system for the record the first index entry for <paramref name="hash"/> points at, if any.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // a few instructions in a hot loop
        public unsafe void PrefetchRecord(uint hash)
        {
            ulong entry = _table[(int)(hash & (uint)_mask)];
            if (Sse.IsSupported && entry != 0) Sse.Prefetch0(Unsafe.AsPointer(ref _records[((int)(uint)entry - 1) * _record]));
        }

        /// <summary>
        /// The id of <paramref name="key"/> (whose <see cref="Hash"/> is <paramref name="hash"/>), adding
        /// it with probability 0 if new.
        /// </summary>
        public int Intern(ReadOnlySpan<ulong> key, uint hash)
        {
            ulong[] table = _table;
            int slot = (int)hash & _mask;
            while (true)
            {
                ulong entry = table[slot];
                if (entry == 0) break;
                if ((uint)(entry >> 32) == hash && Equal(Key((int)(uint)entry - 1), key)) return (int)(uint)entry - 1;
                slot = (slot + 1) & _mask;
            }
            int id = Count++;
            if ((id + 1) * _record > _records.Length) Grow(ref _records, id * _record, _records.Length * 2);
            Copy(key, _records.AsSpan(id * _record, _words));
            _records.AsSpan(id * _record + _words, _record - _words).Clear();
            table[slot] = ((ulong)hash << 32) | (uint)(id + 1);
            if (Count * 2 > _mask + 1) GrowTable();
            return id;
        }

        private void GrowTable()
        {
            int oldLength = _mask + 1, length = oldLength * 2, mask = length - 1;
            var table = Rent<ulong>(length);
            Array.Clear(table, 0, length);
            for (int i = 0; i < oldLength; i++)
            {
                ulong entry = _table[i];
                if (entry == 0) continue;
                int slot = (int)(entry >> 32) & mask;
                while (table[slot] != 0) slot = (slot + 1) & mask;
                table[slot] = entry;
            }
            Return(_table);
            (_table, _mask) = (table, mask);
        }

        public void Dispose()
        {
            Return(_records); Return(_table);
            _records = []; _table = [];
        }

        private static T[] Rent<T>(int length) => System.Buffers.ArrayPool<T>.Shared.Rent(length);
        private static void Return<T>(T[] array) { if (array.Length > 0) System.Buffers.ArrayPool<T>.Shared.Return(array); }
        private static void Grow<T>(ref T[] array, int used, int length)
        {
            var bigger = Rent<T>(length);
            Array.Copy(array, bigger, used);
            Return(array);
            array = bigger;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)] // on every probe
        private static bool Equal(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
        {
            for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per child
        public static uint Hash(ReadOnlySpan<ulong> key)
        {
            ulong h = 0x9E3779B97F4A7C15UL;
            foreach (ulong v in key) h = (h ^ v) * 0xBF58476D1CE4E5B9UL;
            return (uint)Rng.SplitMix64.Mix(h);
        }
    }
}
