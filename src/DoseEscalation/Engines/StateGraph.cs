using System.Runtime.InteropServices;

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
        int k = design.DoseCount;
        int stride = design.MaxCohortSize + 1;
        bool keepLast = design.ReadsLastCohort;
        // Packed state: [level, lastDlts+1, n_1..n_K, x_1..x_K] as ushorts.
        int keyLength = 2 + 2 * k;
        var index = new Dictionary<StateKey, int>();
        var keys = new List<ushort[]>();
        var decisions = new List<Decision>();

        int Intern(ushort[] key)
        {
            var sk = new StateKey(key);
            if (index.TryGetValue(sk, out int id)) return id;
            if (keys.Count >= maxStates)
                throw new StateSpaceTooLargeException(
                    $"design '{design.Describe()}' has more than {maxStates:N0} distinct trial states; use the Monte Carlo engine (simulate) or raise the state limit");
            id = keys.Count;
            index.Add(sk, id);
            keys.Add(key);
            return id;
        }

        var root = new ushort[keyLength];
        root[0] = 0; root[1] = 0;
        int startLevel = ProbeStartLevel(design, k);
        root[0] = (ushort)startLevel;
        Intern(root);

        var patients = new int[k];
        var dlts = new int[k];
        var childEdges = new List<int[]>();
        for (int id = 0; id < keys.Count; id++)
        {
            ushort[] key = keys[id];
            int total = 0;
            for (int i = 0; i < k; i++) { patients[i] = key[2 + i]; dlts[i] = key[2 + k + i]; total += patients[i]; }
            var state = new TrialState(patients, dlts, key[0], key[1] - 1, total);
            Decision dec = design.Decide(state);
            decisions.Add(dec);
            if (dec.IsStop)
            {
                if (dec.Level < Decision.NoDose || dec.Level >= k)
                    throw new DesignContractException($"{design.Name}: selected level {dec.Level} out of range");
                childEdges.Add([]);
                continue;
            }
            if (dec.Level < 0 || dec.Level >= k)
                throw new DesignContractException($"{design.Name}: asked to treat at level {dec.Level}, outside 0..{k - 1}");
            if (dec.CohortSize < 1 || dec.CohortSize > design.MaxCohortSize)
                throw new DesignContractException($"{design.Name}: cohort size {dec.CohortSize} outside 1..{design.MaxCohortSize}");
            if (total + dec.CohortSize > design.MaxPatients)
                throw new DesignContractException($"{design.Name}: did not stop by its maximum of {design.MaxPatients} patients");
            var edges = new int[dec.CohortSize + 1];
            for (int x = 0; x <= dec.CohortSize; x++)
            {
                var child = (ushort[])key.Clone();
                child[0] = (ushort)dec.Level;
                child[1] = keepLast ? (ushort)(x + 1) : (ushort)0;
                child[2 + dec.Level] += (ushort)dec.CohortSize;
                child[2 + k + dec.Level] += (ushort)x;
                edges[x] = Intern(child);
            }
            childEdges.Add(edges);
        }

        // Renumber: non-terminal nodes by total N (topological), then terminal nodes by total N.
        int count = keys.Count;
        var totals = new int[count];
        for (int id = 0; id < count; id++) { int t = 0; for (int i = 0; i < k; i++) t += keys[id][2 + i]; totals[id] = t; }
        var order = Enumerable.Range(0, count)
            .OrderBy(id => decisions[id].IsStop ? 1 : 0).ThenBy(id => totals[id]).ThenBy(id => id).ToArray();
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
            for (int j = 0; j < k; j++) { pat[i * k + j] = keys[id][2 + j]; dl[i * k + j] = keys[id][2 + k + j]; }
            if (i < firstTerminal)
            {
                int[] edges = childEdges[id];
                for (int x = 0; x < stride; x++) next[i * stride + x] = newId[edges[Math.Min(x, edges.Length - 1)]];
            }
        }
        return new StateGraph(design, stride, newId[0], firstTerminal, level, size, pat, dl, tot, next);
    }

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

    private readonly struct StateKey(ushort[] values) : IEquatable<StateKey>
    {
        private readonly ushort[] _values = values;
        public bool Equals(StateKey other) => _values.AsSpan().SequenceEqual(other._values);
        public override bool Equals(object? obj) => obj is StateKey k && Equals(k);
        public override int GetHashCode()
        {
            var h = new HashCode();
            h.AddBytes(MemoryMarshal.AsBytes(_values.AsSpan()));
            return h.ToHashCode();
        }
    }
}
