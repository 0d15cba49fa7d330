
namespace DoseEscalation.Engines;

/// <summary>Thrown when a design's reachable state space exceeds the configured limit.</summary>
public sealed class StateSpaceTooLargeException(string message) : ResourceLimitException(message);

/// <summary>Thrown when a design breaks its contract (e.g. does not stop by its maximum N).</summary>
public sealed class DesignContractException(string message) : Exception(message);

/// <summary>
/// Every reachable trial state of a count-based design, merged: a node is (current level, patients
/// and DLTs per level[, last cohort's DLTs]); an edge is a cohort outcome. The graph depends on the
/// design only, not on the true DLT probabilities, so it is built once and shared by the exact
/// engine (probabilities flow along it) and the compiled Monte Carlo walk (trials run through it).
/// </summary>
/// <remarks>
/// Nodes are numbered so that every edge goes from a lower to a higher total N (a topological
/// order) and all terminal nodes come last: node &gt;= <see cref="FirstTerminal"/> is terminal.
/// </remarks>
internal sealed class StateGraph
{
    /// <summary>Default limit on distinct states; past it, use the Monte Carlo trial loop.</summary>
    public const int DefaultMaxStates = 2_000_000;

    public IDesign Design { get; }
    public int DoseCount { get; }
    /// <summary>Edges per node: MaxCohortSize + 1 (outcome x = 0..m; unused slots repeat the last).</summary>
    public int Stride { get; }
    public int NodeCount { get; }
    public int FirstTerminal { get; }
    public int TerminalCount => NodeCount - FirstTerminal;
    public int Root { get; }

    // Per node: level treated next (or selected, for terminal nodes; -1 none), cohort size (0 terminal).
    internal readonly int[] Level;
    internal readonly int[] CohortSize;
    // Per node, Layout.Words entries: the packed state (patients and DLTs per level), in node order.
    internal readonly ulong[] Keys;
    internal readonly KeyLayout Layout;
    // Per node, DoseCount entries each: patients and DLTs per level, unpacked on first use.
    private int[]? _patients, _dlts;
    internal readonly int[] Total;
    // Per non-terminal node, Stride entries: the child after x DLTs in the cohort.
    internal readonly int[] Next;
    /// <summary>
    /// A graph that counts accelerated titration's grade-2 events (<see cref="Designs.Rules.AcceleratedTitration.Grade2Rule"/>):
    /// per node, true when its cohort is one titration patient with three outcomes, whose children are
    /// <see cref="Child"/>(node, 0) (no DLT, no grade 2), (node, 1) (DLT) and (node, <see cref="Grade2Slot"/>)
    /// (grade 2 without DLT). Null for the usual graph (DLT counts only).
    /// </summary>
    internal readonly bool[]? Grade2Split;
    /// <summary>The outcome slot of a grade 2 toxicity without DLT at a <see cref="Grade2Split"/> node.</summary>
    public const int Grade2Slot = 2;
    /// <summary>True for a graph that counts titration's grade-2 events.</summary>
    public bool CountsGrade2 => Grade2Split is not null;

    private StateGraph(IDesign design, int stride, int root, int firstTerminal,
        int[] level, int[] cohortSize, ulong[] keys, KeyLayout layout, int[] total, int[] next, bool[]? grade2Split = null)
    {
        Grade2Split = grade2Split;
        Design = design;
        DoseCount = design.DoseCount;
        Stride = stride;
        Root = root;
        FirstTerminal = firstTerminal;
        NodeCount = level.Length;
        (Level, CohortSize, Keys, Layout, Total, Next) = (level, cohortSize, keys, layout, total, next);
    }

    internal int[] Patients => _patients ?? Unpack();
    internal int[] Dlts => _dlts ?? Unpack();

    private int[] Unpack()
    {
        var patients = new int[NodeCount * DoseCount];
        var dlts = new int[NodeCount * DoseCount];
        for (int i = 0; i < NodeCount; i++) CountsAt(i, patients.AsSpan(i * DoseCount, DoseCount), dlts.AsSpan(i * DoseCount, DoseCount));
        System.Threading.Interlocked.CompareExchange(ref _dlts, dlts, null);
        System.Threading.Interlocked.CompareExchange(ref _patients, patients, null);
        return _patients;
    }

    /// <summary>Writes the patients and DLTs per level of <paramref name="node"/> (no allocation, nothing cached).</summary>
    internal void CountsAt(int node, Span<int> patients, Span<int> dlts) =>
        Layout.Unpack(Keys.AsSpan(node * Layout.Words, Layout.Words), patients, dlts);

    public bool IsTerminal(int node) => node >= FirstTerminal;
    public int SelectedLevel(int terminal) => Level[terminal];
    public int TotalPatients(int node) => Total[node];
    public ReadOnlySpan<int> PatientsAt(int node) => Patients.AsSpan(node * DoseCount, DoseCount);
    public ReadOnlySpan<int> DltsAt(int node) => Dlts.AsSpan(node * DoseCount, DoseCount);
    public int NextLevel(int node) => Level[node];
    public int NextCohortSize(int node) => CohortSize[node];
    public int Child(int node, int dlts) => Next[node * Stride + dlts];

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IDesign, StateGraph> Cache = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IDesign, StateGraph> Grade2Cache = new();

    /// <summary>
    /// The graph of <paramref name="design"/> that counts accelerated titration's grade-2 events, built
    /// once per design instance (<see cref="Build"/> with grade2). The design must have accelerated titration.
    /// </summary>
    /// <exception cref="StateSpaceTooLargeException">More than <paramref name="maxStates"/> distinct states.</exception>
    public static StateGraph ForGrade2(IDesign design, int maxStates = DefaultMaxStates)
    {
        if (Grade2Cache.TryGetValue(design, out var cached))
        {
            if (cached.NodeCount > maxStates)
                throw new StateSpaceTooLargeException(
                    $"design '{design.Describe()}' has {cached.NodeCount:N0} distinct trial states with titration's grade-2 events, more than {maxStates:N0}; use the Monte Carlo engine (simulate) or raise the state limit");
            return cached;
        }
        var graph = Build(design, maxStates, grade2: true);
        return Grade2Cache.GetValue(design, _ => graph);
    }

    /// <summary>The graph of <paramref name="design"/> if one has been built and cached, else null.</summary>
    internal static StateGraph? Cached(IDesign design) => Cache.TryGetValue(design, out var graph) ? graph : null;

    /// <summary>
    /// The graph of <paramref name="design"/>, built once per design instance and then reused (designs
    /// are immutable, and the graph does not depend on the scenario).
    /// </summary>
    /// <exception cref="StateSpaceTooLargeException">More than <paramref name="maxStates"/> distinct states.</exception>
    public static StateGraph For(IDesign design, int maxStates = DefaultMaxStates)
    {
        if (Cache.TryGetValue(design, out var cached))
        {
            if (cached.NodeCount > maxStates)
                throw new StateSpaceTooLargeException(
                    $"design '{design.Describe()}' has {cached.NodeCount:N0} distinct trial states, more than {maxStates:N0}; use the Monte Carlo engine (simulate) or raise the state limit");
            return cached;
        }
        var graph = Build(design, maxStates);
        return Cache.GetValue(design, _ => graph);
    }

    /// <summary>Builds the graph by a forward walk from the empty trial, merging equal states.</summary>
    /// <remarks>
    /// States are numbered in discovery order during the walk (parents in that order, children by
    /// their DLT count) and then renumbered by (stop, total N), stable in the discovery order. A state
    /// is a packed key of a few 64-bit words (<see cref="KeyLayout"/>); a child's key is its parent's
    /// plus the cohort in the treated level's fields, so nothing is unpacked to make it. Per-state data
    /// live in flat arrays that double when full; nothing is allocated per state.
    /// <para>With <paramref name="grade2"/>: count accelerated titration's grade-2 events: a titration patient (a cohort of one while
    /// <see cref="Designs.Rules.AcceleratedTitration.Grade2Matters"/>) has a third outcome, grade 2 without
    /// DLT, which adds one to a count kept in the state; the count is reset to 0 once titration is over
    /// (a DLT, or a dose with two patients), so the states after titration merge as in the usual graph.</para>
    /// </remarks>
    /// <exception cref="StateSpaceTooLargeException">More than <paramref name="maxStates"/> distinct states.</exception>
    public static StateGraph Build(IDesign design, int maxStates = DefaultMaxStates, bool grade2 = false)
    {
        ResourceGuard.Design(design);
        if (design.ReadsResponses)
            throw new StateSpaceTooLargeException($"design '{design.Name}' reads responses, which this graph does not count; ExactEngine.Run(design, ...) and MonteCarloEngine.Run use the response engine");
        // A limit past the guard's maximum, or a graph that large not fitting in memory, is "too large" (callers fall back to simulation).
        try { ResourceGuard.StateGraph(design, maxStates); }
        catch (ResourceLimitException ex) { throw new StateSpaceTooLargeException(ex.Message); }
        int k = design.DoseCount;
        int stride = design.MaxCohortSize + 1;
        bool keepLast = design.ReadsLastCohort;
        if (design.MaxPatients > ushort.MaxValue || design.MaxCohortSize > byte.MaxValue)
            throw new StateSpaceTooLargeException(
                $"design '{design.Describe()}' allows {design.MaxPatients:N0} patients in cohorts of up to {design.MaxCohortSize}; the exact state graph takes at most {ushort.MaxValue:N0} patients and cohorts of at most {byte.MaxValue}");
        Designs.Rules.AcceleratedTitration? titration = null;
        if (grade2)
        {
            titration = design.TryGet<Designs.Rules.AcceleratedTitration>()
                ?? throw new ArgumentException($"design '{design.Name}' has no accelerated titration, so no grade-2 event can end it", nameof(grade2));
            if (stride <= Grade2Slot)
                throw new DesignContractException($"{design.Name}: accelerated titration needs cohorts of at least 2 (largest cohort {design.MaxCohortSize})");
        }
        var layout = new KeyLayout(k, design.MaxPatients, stride, titration?.Grade2Trigger ?? 0);
        int w = layout.Words;
        using var store = new StateStore(w, design.MaxPatients);
        // Scratch arrays come from the shared pool (a build touches no fresh memory but its result's).
        int capacity = 1024;
        var levels = Pool<int>.Rent(capacity);   // per discovered state: level (treated next, or selected)
        var sizes = Pool<byte>.Rent(capacity);   // cohort size; 0 = stop
        var totals = Pool<ushort>.Rent(capacity);
        var edges = Pool<int>.Rent(capacity * stride); // stride entries per non-terminal state (children after 0..m DLTs)
        var splits = grade2 ? Pool<bool>.Rent(capacity) : null; // per discovered state: a three-outcome titration patient
        int[]? bucketStart = null, order = null, newId = null;
        try
        {
            Span<ulong> key = stackalloc ulong[w];
            Span<ulong> child = stackalloc ulong[w];
            key.Clear();
            layout.Set(key, layout.LevelField, (ulong)ProbeStartLevel(design, k));
            store.Intern(key, 0);

            var patients = new int[k];
            var dlts = new int[k];
            int maxTotal = 0, nonTerminal = 0;
            for (int id = 0; id < store.Count; id++)
            {
                Copy(store.Key(id), key);
                int total = 0;
                for (int i = 0; i < k; i++)
                {
                    patients[i] = layout.Get(key, layout.PatientsField(i));
                    dlts[i] = layout.Get(key, layout.DltsField(i));
                    total += patients[i];
                }
                int lastDlts = layout.Get(key, layout.LastField) - 1;
                int grade2Events = grade2 ? layout.Get(key, layout.Grade2Field) : -1;
                var state = new TrialState(patients, dlts, layout.Get(key, layout.LevelField), lastDlts, total) { Grade2Events = grade2Events };
                Decision dec = design.Decide(state);
                if (id == capacity)
                {
                    capacity *= 2;
                    if (splits is not null) Pool<bool>.Grow(ref splits, id, capacity);
                    Pool<int>.Grow(ref levels, id, capacity);
                    Pool<byte>.Grow(ref sizes, id, capacity);
                    Pool<ushort>.Grow(ref totals, id, capacity);
                    Pool<int>.Grow(ref edges, id * stride, capacity * stride);
                }
                levels[id] = dec.Level;
                totals[id] = (ushort)total;
                maxTotal = Math.Max(maxTotal, total);
                if (splits is not null) splits[id] = false;
                if (dec.IsStop)
                {
                    if (dec.Level < Decision.NoDose || dec.Level >= k)
                        throw new DesignContractException($"{design.Name}: selected level {dec.Level} out of range");
                    sizes[id] = 0;
                    continue;
                }
                if (dec.Level < 0 || dec.Level >= k)
                    throw new DesignContractException($"{design.Name}: asked to treat at level {dec.Level}, outside 0..{k - 1}");
                if (dec.CohortSize < 1 || dec.CohortSize > design.MaxCohortSize)
                    throw new DesignContractException($"{design.Name}: cohort size {dec.CohortSize} outside 1..{design.MaxCohortSize}");
                if (total + dec.CohortSize > design.MaxPatients)
                    throw new DesignContractException($"{design.Name}: did not stop by its maximum of {design.MaxPatients} patients");
                nonTerminal++;
                sizes[id] = (byte)dec.CohortSize;
                // The child after 0 DLTs: the treated level's patients grow by the cohort; then one more DLT per outcome.
                Copy(key, child);
                layout.Set(child, layout.LevelField, (ulong)dec.Level);
                layout.Add(child, layout.PatientsField(dec.Level), (ulong)dec.CohortSize);
                var dltField = layout.DltsField(dec.Level);
                int row = id * stride, last = -1;
                // With grade-2 events counted: the count lives only while titrating (no DLT, no dose with
                // two patients); a titration patient has the third outcome in slot Grade2Slot.
                bool split = grade2 && dec.CohortSize == 1 && titration!.Grade2Matters(state);
                bool overAfterCohort = patients[dec.Level] + dec.CohortSize >= 2;
                if (grade2 && overAfterCohort) layout.Set(child, layout.Grade2Field, 0);
                for (int x = 0; x < stride; x++)
                {
                    if (split && x == Grade2Slot)
                    {
                        // Grade 2 without DLT: the patient as after no DLT, one more grade-2 event.
                        Copy(key, child);
                        layout.Set(child, layout.LevelField, (ulong)dec.Level);
                        layout.Add(child, layout.PatientsField(dec.Level), 1);
                        layout.Set(child, layout.Grade2Field, overAfterCohort ? 0UL : (ulong)(grade2Events + 1));
                        if (keepLast) layout.Set(child, layout.LastField, 1);
                        last = store.Intern(child, total + 1);
                        if (store.Count > maxStates)
                            throw new StateSpaceTooLargeException(
                                $"design '{design.Describe()}' has more than {maxStates:N0} distinct trial states; use the Monte Carlo engine (simulate) or raise the state limit");
                    }
                    else if (x <= dec.CohortSize)
                    {
                        if (grade2 && x == 1) layout.Set(child, layout.Grade2Field, 0); // a DLT ends titration
                        if (keepLast) layout.Set(child, layout.LastField, (ulong)(x + 1));
                        last = store.Intern(child, total + dec.CohortSize);
                        if (store.Count > maxStates)
                            throw new StateSpaceTooLargeException(
                                $"design '{design.Describe()}' has more than {maxStates:N0} distinct trial states; use the Monte Carlo engine (simulate) or raise the state limit");
                        if (x < dec.CohortSize) layout.Add(child, dltField, 1);
                    }
                    edges[row + x] = last; // unused outcome slots repeat the last real child
                }
                if (split) splits![id] = true;
            }

            // Renumber: non-terminal nodes by total N (topological), then terminal nodes by total N, ties
            // in discovery order: a counting sort on (stop, total N), stable in the id.
            int count = store.Count;
            bucketStart = Pool<int>.Rent(2 * (maxTotal + 1) + 1);
            Array.Clear(bucketStart);
            for (int id = 0; id < count; id++) bucketStart[SortBucket(sizes[id] == 0, totals[id], maxTotal) + 1]++;
            for (int b = 1; b < bucketStart.Length; b++) bucketStart[b] += bucketStart[b - 1];
            order = Pool<int>.Rent(count);
            for (int id = 0; id < count; id++) order[bucketStart[SortBucket(sizes[id] == 0, totals[id], maxTotal)]++] = id;
            newId = Pool<int>.Rent(count);
            for (int i = 0; i < count; i++) newId[order[i]] = i;
            int firstTerminal = nonTerminal;

            var level = GC.AllocateUninitializedArray<int>(count);
            var size = GC.AllocateUninitializedArray<int>(count);
            var keys = GC.AllocateUninitializedArray<ulong>(count * w);
            var tot = GC.AllocateUninitializedArray<int>(count);
            var next = GC.AllocateUninitializedArray<int>(firstTerminal * stride);
            var splitAt = splits is null ? null : new bool[count];
            for (int i = 0; i < count; i++)
            {
                int id = order[i];
                if (splitAt is not null) splitAt[i] = splits![id];
                level[i] = levels[id];
                size[i] = sizes[id];
                tot[i] = totals[id];
                Copy(store.Key(id), keys.AsSpan(i * w, w));
                if (i < firstTerminal)
                    for (int x = 0; x < stride; x++) next[i * stride + x] = newId[edges[id * stride + x]];
            }
            return new StateGraph(design, stride, newId[0], firstTerminal, level, size, keys, layout, tot, next, splitAt);
        }
        finally
        {
            Pool<bool>.Return(splits);
            Pool<int>.Return(levels); Pool<byte>.Return(sizes); Pool<ushort>.Return(totals); Pool<int>.Return(edges);
            Pool<int>.Return(bucketStart); Pool<int>.Return(order); Pool<int>.Return(newId);
        }
    }

    /// <summary>Scratch arrays from <see cref="System.Buffers.ArrayPool{T}.Shared"/> (contents arbitrary when rented).</summary>
    private static class Pool<T>
    {
        public static T[] Rent(int length) => System.Buffers.ArrayPool<T>.Shared.Rent(length);
        public static void Return(T[]? array) { if (array != null) System.Buffers.ArrayPool<T>.Shared.Return(array); }
        /// <summary>Replaces <paramref name="array"/> by one of at least <paramref name="length"/> holding its first <paramref name="used"/> items.</summary>
        public static void Grow(ref T[] array, int used, int length)
        {
            if (array.Length >= length) return;
            var bigger = Rent(length);
            Array.Copy(array, bigger, used);
            Return(array);
            array = bigger;
        }
    }

    private static int SortBucket(bool stop, int total, int maxTotal) => (stop ? maxTotal + 1 : 0) + total;

    private static int ProbeStartLevel(IDesign design, int k)
    {
        Span<int> zeros = stackalloc int[k];
        zeros.Clear();
        var d = design.Decide(new TrialState(zeros, zeros, 0, -1, 0));
        if (d.IsStop) throw new DesignContractException($"{design.Name}: stopped before treating anyone");
        return d.Level;
    }

    /// <summary>
    /// Number of distinct complete outcome paths (sequences of cohort outcomes from the first cohort
    /// to a stop): the published measure of a design's branching (10, 46, 154, 442 for the 3+3).
    /// </summary>
    public long CountPaths()
    {
        var paths = new long[NodeCount];
        for (int i = NodeCount - 1; i >= 0; i--)
        {
            if (IsTerminal(i)) { paths[i] = 1; continue; }
            long sum = 0;
            for (int x = 0; x <= CohortSize[i]; x++) sum += paths[Next[i * Stride + x]];
            paths[i] = sum;
        }
        return paths[Root];
    }

    /// <summary>
    /// Where each count of a state lives in its packed key: a field is (word, shift, bits), no field
    /// straddles two words. Fields: the current level, the last cohort's DLTs + 1 (0 before any
    /// cohort, and always 0 for a design that does not read it), then patients and DLTs per level,
    /// each wide enough for the design's maximum N.
    /// </summary>
    internal sealed class KeyLayout
    {
        public readonly record struct Field(int Word, int Shift, ulong Mask);

        private readonly Field[] _fields; // level, last, then (patients, DLTs) per level[, titration's grade-2 events]
        public int Words { get; }
        /// <summary>Titration's grade-2 events (only in a layout made with a grade-2 trigger).</summary>
        public Field Grade2Field => _fields[^1];
        public Field LevelField => _fields[0];
        public Field LastField => _fields[1];
        public Field PatientsField(int level) => _fields[2 + 2 * level];
        public Field DltsField(int level) => _fields[3 + 2 * level];

        public KeyLayout(int doses, int maxPatients, int stride, int grade2Trigger = 0)
        {
            _fields = new Field[2 + 2 * doses + (grade2Trigger > 0 ? 1 : 0)];
            int word = 0, shift = 0;
            Field Next(int maxValue)
            {
                int bits = Math.Max(1, 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)maxValue));
                if (shift + bits > 64) { word++; shift = 0; }
                var f = new Field(word, shift, (1UL << bits) - 1);
                shift += bits;
                return f;
            }
            _fields[0] = Next(doses - 1);
            _fields[1] = Next(stride);
            for (int i = 0; i < 2 * doses; i++) _fields[2 + i] = Next(maxPatients);
            if (grade2Trigger > 0) _fields[^1] = Next(grade2Trigger); // after the counts, which Unpack reads as one run
            Words = word + 1;
            _countBits = System.Numerics.BitOperations.PopCount(_fields[2].Mask);
            (_firstCountWord, _firstCountShift) = (_fields[2].Word, _fields[2].Shift);
        }

        // The count fields (patients, DLTs per level, interleaved) all have one width and follow each
        // other, a new word starting where the next field would not fit.
        private readonly int _countBits, _firstCountWord, _firstCountShift;

        /// <summary>Patients and DLTs per level of a packed key.</summary>
        public void Unpack(ReadOnlySpan<ulong> key, Span<int> patients, Span<int> dlts)
        {
            int bits = _countBits, word = _firstCountWord;
            ulong mask = (1UL << bits) - 1;
            ulong current = key[word] >> _firstCountShift;
            int left = 64 - _firstCountShift;
            for (int j = 0; j < patients.Length; j++)
            {
                if (left < bits) { current = key[++word]; left = 64; }
                patients[j] = (int)(current & mask);
                current >>= bits; left -= bits;
                if (left < bits) { current = key[++word]; left = 64; }
                dlts[j] = (int)(current & mask);
                current >>= bits; left -= bits;
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // once or twice per state
        public int Get(ReadOnlySpan<ulong> key, Field f) => (int)((key[f.Word] >> f.Shift) & f.Mask);
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // once or twice per child
        public void Set(Span<ulong> key, Field f, ulong value) =>
            key[f.Word] = (key[f.Word] & ~(f.Mask << f.Shift)) | (value << f.Shift);
        /// <summary>Adds to a field; the caller keeps the result within the field (counts never pass max N).</summary>
        public void Add(Span<ulong> key, Field f, ulong value) => key[f.Word] += value << f.Shift;
    }

    /// <summary>
    /// Distinct packed states in one flat array, indexed by one open-addressing table per total N:
    /// no allocation per state. A child is looked up only among states with its total N; that table
    /// and those states' keys (discovered together) stay in cache, where one big table missed it on
    /// most lookups of a large graph.
    /// </summary>
    private sealed class StateStore(int words, int maxTotal) : IDisposable
    {
        private ulong[] _data = Pool<ulong>.Rent(words * 1024);
        // Per total N: entries (hash << 32) | (state id + 1); 0 = empty. The hash is kept so that a probe
        // reads a key only when the hashes agree and a table grows without reading keys.
        private readonly ulong[]?[] _tables = new ulong[]?[maxTotal + 1];
        private readonly int[] _counts = new int[maxTotal + 1];
        private readonly int[] _masks = new int[maxTotal + 1]; // table length - 1 (a rented table may be longer)
        private int _largest; // the longest table so far
        public int Count { get; private set; }

        public ReadOnlySpan<ulong> Key(int id) => _data.AsSpan(id * words, words);

        /// <summary>The id of <paramref name="key"/>, whose patients sum to <paramref name="total"/>, adding it if new.</summary>
        public int Intern(ReadOnlySpan<ulong> key, int total)
        {
            if (_tables[total] == null)
            {
                // A level's table starts at half the largest so far (levels near each other are of
                // similar size), which saves most of the doublings.
                _largest = Math.Max(_largest, 128);
                (_tables[total], _masks[total]) = (NewTable(_largest / 2), _largest / 2 - 1);
            }
            ulong[] table = _tables[total]!;
            int mask = _masks[total];
            uint hash = Hash(key);
            int slot = (int)hash & mask;
            while (true)
            {
                ulong entry = table[slot];
                if (entry == 0) break;
                if ((uint)(entry >> 32) == hash && Equal(Key((int)(uint)entry - 1), key)) return (int)(uint)entry - 1;
                slot = (slot + 1) & mask;
            }
            int id = Count++;
            if ((long)(id + 1) * words > _data.Length) Pool<ulong>.Grow(ref _data, id * words, _data.Length * 2);
            Copy(key, _data.AsSpan(id * words, words));
            table[slot] = ((ulong)hash << 32) | (uint)(id + 1);
            if (++_counts[total] * 2 > mask + 1)
            {
                (_tables[total], _masks[total]) = Grow(table, mask + 1);
                _largest = Math.Max(_largest, _masks[total] + 1);
            }
            return id;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static bool Equal(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
        {
            for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
            return true;
        }

        private static ulong[] NewTable(int length)
        {
            var table = Pool<ulong>.Rent(length);
            Array.Clear(table, 0, length);
            return table;
        }

        public void Dispose()
        {
            Pool<ulong>.Return(_data);
            foreach (var table in _tables) Pool<ulong>.Return(table);
        }

        private static (ulong[], int) Grow(ulong[] old, int oldLength)
        {
            var table = NewTable(oldLength * 2);
            int mask = oldLength * 2 - 1;
            for (int i = 0; i < oldLength; i++)
            {
                ulong entry = old[i];
                if (entry == 0) continue;
                int slot = (int)(entry >> 32) & mask;
                while (table[slot] != 0) slot = (slot + 1) & mask;
                table[slot] = entry;
            }
            Pool<ulong>.Return(old);
            return (table, mask);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static uint Hash(ReadOnlySpan<ulong> key)
        {
            ulong h = 0x9E3779B97F4A7C15UL;
            foreach (ulong w in key) h = (h ^ w) * 0xBF58476D1CE4E5B9UL;
            return (uint)Rng.SplitMix64.Mix(h);
        }
    }

    /// <summary>Copies a key word by word (a key is a few words: a call to a general copy costs more).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Copy(ReadOnlySpan<ulong> from, Span<ulong> to)
    {
        for (int i = 0; i < from.Length; i++) to[i] = from[i];
    }
}
