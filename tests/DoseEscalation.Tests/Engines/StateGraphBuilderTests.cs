using DoseEscalation;
using DoseEscalation.Engines;

namespace DoseEscalation.Tests.Engines;

/// <summary>
/// The state-graph builder before packed keys and pooled scratch arrays (ushort keys, a list of
/// decisions, a renumbering pass), kept here as the reference the new builder must reproduce node
/// for node: same numbering, counts, decisions and children, so every result is bit-identical.
/// </summary>
internal static class ReferenceStateGraph
{
    public sealed record Graph(int Root, int FirstTerminal, int[] Level, int[] CohortSize, int[] Patients, int[] Dlts, int[] Total, int[] Next);

    public static Graph Build(IDesign design)
    {
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
                    throw new InvalidOperationException($"{design.Name}: selected level {dec.Level} out of range");
                for (int x = 0; x < stride; x++) edges.Add(-1);
                continue;
            }
            if (dec.Level < 0 || dec.Level >= k)
                throw new InvalidOperationException($"{design.Name}: asked to treat at level {dec.Level}, outside 0..{k - 1}");
            if (dec.CohortSize < 1 || dec.CohortSize > design.MaxCohortSize)
                throw new InvalidOperationException($"{design.Name}: cohort size {dec.CohortSize} outside 1..{design.MaxCohortSize}");
            if (total + dec.CohortSize > design.MaxPatients)
                throw new InvalidOperationException($"{design.Name}: did not stop by its maximum of {design.MaxPatients} patients");
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
        return new Graph(newId[0], firstTerminal, level, size, pat, dl, tot, next);
    }

    private static int SortBucket(bool stop, int total, int maxTotal) => (stop ? maxTotal + 1 : 0) + total;

    private static int ProbeStartLevel(IDesign design, int k)
    {
        Span<int> zeros = stackalloc int[k];
        zeros.Clear();
        var d = design.Decide(new TrialState(zeros, zeros, 0, -1, 0));
        if (d.IsStop) throw new InvalidOperationException($"{design.Name}: stopped before treating anyone");
        return d.Level;
    }

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
            return (uint)DoseEscalation.Rng.SplitMix64.Mix(h);
        }
    }
}

public class StateGraphBuilderTests
{
    public static TheoryData<string> Designs => new() { "3+3 3", "3+3 10", "3+3 5 no-deesc", "a+b 4", "boin 4 24", "boin 5 30 c2", "mtpi2 4 24", "keyboard 4 24", "i3+3 4 24", "crm 4 18" }; // CRM reads the last cohort's DLTs, so its state keeps them

    private static IDesign Make(string name) => name switch
    {
        "3+3 3" => Design.ThreePlusThree(3),
        "3+3 10" => Design.ThreePlusThree(10),
        "3+3 5 no-deesc" => Design.ThreePlusThree(5, deescalate: false, expandTopDose: false),
        "a+b 4" => Design.AplusB(4, 3, 3, 1, 1, 1),
        "boin 4 24" => Design.Boin(4, 0.3, maxN: 24),
        "boin 5 30 c2" => Design.Boin(5, 0.25, cohortSize: 2, maxN: 30),
        "mtpi2 4 24" => Design.Mtpi2(4, 0.3, maxN: 24),
        "keyboard 4 24" => Design.Keyboard(4, 0.3, maxN: 24),
        "i3+3 4 24" => Design.IThreePlusThree(4, 0.3, maxN: 24),
        "crm 4 18" => Design.Crm(4, 0.3, 0.05, 2, maxN: 18),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Designs))]
    public void Builder_reproduces_the_reference_graph_node_for_node(string name)
    {
        var design = Make(name);
        var reference = ReferenceStateGraph.Build(design);
        var graph = StateGraph.Build(design);
        Assert.Equal(reference.Level.Length, graph.NodeCount);
        Assert.Equal(reference.Root, graph.Root);
        Assert.Equal(reference.FirstTerminal, graph.FirstTerminal);
        Assert.Equal(reference.Level, graph.Level);
        Assert.Equal(reference.CohortSize, graph.CohortSize);
        Assert.Equal(reference.Total, graph.Total);
        Assert.Equal(reference.Next, graph.Next);
        Assert.Equal(reference.Patients, graph.Patients);
        Assert.Equal(reference.Dlts, graph.Dlts);
        Span<int> patients = stackalloc int[design.DoseCount], dlts = stackalloc int[design.DoseCount];
        for (int node = 0; node < graph.NodeCount; node += 7)
        {
            graph.CountsAt(node, patients, dlts);
            Assert.Equal(reference.Patients.AsSpan(node * design.DoseCount, design.DoseCount).ToArray(), patients.ToArray());
            Assert.Equal(reference.Dlts.AsSpan(node * design.DoseCount, design.DoseCount).ToArray(), dlts.ToArray());
        }
    }

    [Fact]
    public void Too_many_states_still_stops_at_the_limit()
    {
        var design = Design.ThreePlusThree(10);
        Assert.Throws<StateSpaceTooLargeException>(() => StateGraph.Build(design, 1000));
        Assert.Equal(90_637, StateGraph.Build(design).NodeCount);
    }
}
