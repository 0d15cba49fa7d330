
namespace DoseEscalation.Engines;

/// <summary>Thrown when a design's reachable state space exceeds the configured limit.</summary>
public sealed class StateSpaceTooLargeException(string message) : Exception(message);

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
public sealed class StateGraph
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
    // Per node, DoseCount entries each: patients and DLTs per level.
    internal readonly int[] Patients;
    internal readonly int[] Dlts;
    internal readonly int[] Total;
    // Per non-terminal node, Stride entries: the child after x DLTs in the cohort.
    internal readonly int[] Next;

    private StateGraph(IDesign design, int stride, int root, int firstTerminal,
        int[] level, int[] cohortSize, int[] patients, int[] dlts, int[] total, int[] next)
    {
        Design = design;
        DoseCount = design.DoseCount;
        Stride = stride;
        Root = root;
        FirstTerminal = firstTerminal;
        NodeCount = level.Length;
        (Level, CohortSize, Patients, Dlts, Total, Next) = (level, cohortSize, patients, dlts, total, next);
    }

    public bool IsTerminal(int node) => node >= FirstTerminal;
    public int SelectedLevel(int terminal) => Level[terminal];
    public int TotalPatients(int node) => Total[node];
    public ReadOnlySpan<int> PatientsAt(int node) => Patients.AsSpan(node * DoseCount, DoseCount);
    public ReadOnlySpan<int> DltsAt(int node) => Dlts.AsSpan(node * DoseCount, DoseCount);
    public int NextLevel(int node) => Level[node];
    public int NextCohortSize(int node) => CohortSize[node];
    public int Child(int node, int dlts) => Next[node * Stride + dlts];

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IDesign, StateGraph> Cache = new();

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
    /// <exception cref="StateSpaceTooLargeException">More than <paramref name="maxStates"/> distinct states.</exception>
    public static StateGraph Build(IDesign design, int maxStates = DefaultMaxStates)
    {
        ResourceGuard.Design(design);
        // A limit past the guard's maximum, or a graph that large not fitting in memory, is "too large" (callers fall back to simulation).
        try { ResourceGuard.StateGraph(design, maxStates); }
        catch (ResourceLimitException ex) { throw new StateSpaceTooLargeException(ex.Message); }
        int k = design.DoseCount;
        int stride = design.MaxCohortSize + 1;
        bool keepLast = design.ReadsLastCohort;
        // Packed state: [level, lastDlts+1, n_1..n_K, x_1..x_K] as ushorts, all states in one flat store.
        int keyLength = 2 + 2 * k;
        var store = new StateStore(keyLength, design.MaxPatients);
        var decisions = new List<Decision>();
        var edges = new List<int>(); // stride entries per state (children after 0..m DLTs; -1 for a stop)

        Span<ushort> key = stackalloc ushort[keyLength];
        Span<ushort> child = stackalloc ushort[keyLength];
        key.Clear();
        key[0] = (ushort)ProbeStartLevel(design, k);
        store.Intern(key, 0);

        var patients = new int[k];
        var dlts = new int[k];
        for (int id = 0; id < store.Count; id++)
        {
            store.Key(id).CopyTo(key);
            int total = 0;
            for (int i = 0; i < k; i++) { patients[i] = key[2 + i]; dlts[i] = key[2 + k + i]; total += patients[i]; }
            Decision dec = design.Decide(new TrialState(patients, dlts, key[0], key[1] - 1, total));
            decisions.Add(dec);
            if (dec.IsStop)
            {
                if (dec.Level < Decision.NoDose || dec.Level >= k)
                    throw new DesignContractException($"{design.Name}: selected level {dec.Level} out of range");
                for (int x = 0; x < stride; x++) edges.Add(-1);
                continue;
            }
            if (dec.Level < 0 || dec.Level >= k)
                throw new DesignContractException($"{design.Name}: asked to treat at level {dec.Level}, outside 0..{k - 1}");
            if (dec.CohortSize < 1 || dec.CohortSize > design.MaxCohortSize)
                throw new DesignContractException($"{design.Name}: cohort size {dec.CohortSize} outside 1..{design.MaxCohortSize}");
            if (total + dec.CohortSize > design.MaxPatients)
                throw new DesignContractException($"{design.Name}: did not stop by its maximum of {design.MaxPatients} patients");
            int last = -1;
            for (int x = 0; x < stride; x++)
            {
                if (x <= dec.CohortSize)
                {
                    key.CopyTo(child);
                    child[0] = (ushort)dec.Level;
                    child[1] = keepLast ? (ushort)(x + 1) : (ushort)0;
                    child[2 + dec.Level] += (ushort)dec.CohortSize;
                    child[2 + k + dec.Level] += (ushort)x;
                    last = store.Intern(child, total + dec.CohortSize);
                    if (store.Count > maxStates)
                        throw new StateSpaceTooLargeException(
                            $"design '{design.Describe()}' has more than {maxStates:N0} distinct trial states; use the Monte Carlo engine (simulate) or raise the state limit");
                }
                edges.Add(last); // unused outcome slots repeat the last real child
            }
        }

        // Renumber: non-terminal nodes by total N (topological), then terminal nodes by total N, ties
        // in discovery order: a counting sort on (stop, total N), stable in the id.
        int count = store.Count;
        var totals = new int[count];
        var order = new int[count];
        int maxTotal = 0;
        for (int id = 0; id < count; id++)
        {
            var kk = store.Key(id);
            int t = 0;
            for (int i = 0; i < k; i++) t += kk[2 + i];
            totals[id] = t;
            maxTotal = Math.Max(maxTotal, t);
        }
        var bucketStart = new int[2 * (maxTotal + 1) + 1];
        for (int id = 0; id < count; id++) bucketStart[SortBucket(decisions[id].IsStop, totals[id], maxTotal) + 1]++;
        for (int b = 1; b < bucketStart.Length; b++) bucketStart[b] += bucketStart[b - 1];
        for (int id = 0; id < count; id++) order[bucketStart[SortBucket(decisions[id].IsStop, totals[id], maxTotal)]++] = id;
        var newId = new int[count];
        for (int i = 0; i < count; i++) newId[order[i]] = i;
        int firstTerminal = decisions.Count(d => !d.IsStop);

        var level = new int[count];
        var size = new int[count];
        var pat = new int[count * k];
        var dl = new int[count * k];
        var tot = new int[count];
        var next = new int[firstTerminal * stride];
        for (int i = 0; i < count; i++)
        {
            int id = order[i];
            level[i] = decisions[id].Level;
            size[i] = decisions[id].CohortSize;
            tot[i] = totals[id];
            var kk = store.Key(id);
            for (int j = 0; j < k; j++) { pat[i * k + j] = kk[2 + j]; dl[i * k + j] = kk[2 + k + j]; }
            if (i < firstTerminal)
                for (int x = 0; x < stride; x++) next[i * stride + x] = newId[edges[id * stride + x]];
        }
        return new StateGraph(design, stride, newId[0], firstTerminal, level, size, pat, dl, tot, next);
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
    /// Distinct packed states in one flat array, indexed by one open-addressing table per total N:
    /// no allocation per state, which makes the forward walk several times faster than a dictionary
    /// of arrays. A child is looked up only among states with its total N; that table and those
    /// states' keys (discovered together) stay in cache, where one big table missed it on most
    /// lookups of a large graph.
    /// </summary>
    private sealed class StateStore(int keyLength, int maxTotal)
    {
        private ushort[] _data = new ushort[keyLength * 1024];
        private readonly int[]?[] _tables = new int[]?[maxTotal + 1]; // per total N: state id + 1; 0 = empty
        private readonly int[] _counts = new int[maxTotal + 1];
        public int Count { get; private set; }

        public ReadOnlySpan<ushort> Key(int id) => _data.AsSpan(id * keyLength, keyLength);

        /// <summary>The id of <paramref name="key"/>, whose patients sum to <paramref name="total"/>, adding it if new.</summary>
        public int Intern(ReadOnlySpan<ushort> key, int total)
        {
            int[] table = _tables[total] ??= new int[64];
            int mask = table.Length - 1;
            int slot = (int)Hash(key) & mask;
            while (true)
            {
                int entry = table[slot];
                if (entry == 0) break;
                if (Key(entry - 1).SequenceEqual(key)) return entry - 1;
                slot = (slot + 1) & mask;
            }
            int id = Count++;
            if ((id + 1) * keyLength > _data.Length) Array.Resize(ref _data, _data.Length * 2);
            key.CopyTo(_data.AsSpan(id * keyLength));
            table[slot] = id + 1;
            if (++_counts[total] * 2 > table.Length) _tables[total] = Grow(table);
            return id;
        }

        private int[] Grow(int[] old)
        {
            var table = new int[old.Length * 2];
            int mask = table.Length - 1;
            foreach (int entry in old)
            {
                if (entry == 0) continue;
                int slot = (int)Hash(Key(entry - 1)) & mask;
                while (table[slot] != 0) slot = (slot + 1) & mask;
                table[slot] = entry;
            }
            return table;
        }

        /// <summary>Four key entries per step (the key is read as 64-bit words), then a full finaliser.</summary>
        private static uint Hash(ReadOnlySpan<ushort> key)
        {
            ulong h = 0x9E3779B97F4A7C15UL;
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, ulong>(key);
            foreach (ulong w in words) h = (h ^ w) * 0xBF58476D1CE4E5B9UL;
            for (int i = words.Length * 4; i < key.Length; i++) h = (h ^ key[i]) * 0xBF58476D1CE4E5B9UL;
            return (uint)Rng.SplitMix64.Mix(h);
        }
    }
}
