using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DoseEscalation.Rng;

namespace DoseEscalation.Engines;

/// <summary>
/// A state graph with one scenario's cohort-outcome thresholds: a trial is a walk from the root,
/// one 53-bit uniform per cohort, until a terminal node, whose counter is incremented. Eight
/// trials walk side by side, each on its own xoshiro256** lane, so the CPU overlaps their
/// dependency chains; every statistic is derived afterwards from the terminal counts.
/// </summary>
internal sealed class CompiledWalk
{
    /// <summary>A non-terminal node: cumulative thresholds of the cohort outcome and the next node per outcome.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Node
    {
        public ulong T0, T1, T2;   // outcome x = #{k : u >= T_k}; unused thresholds are 2^53 (never reached)
        public int N0, N1, N2, N3; // next node after x = 0..3 DLTs
    }

    /// <summary>The AVX2 form of a node: thresholds minus one as signed words (u &gt;= T iff u &gt; T-1), next nodes as byte offsets.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 64)]
    private struct VectorNode
    {
        public Vector256<long> Thresholds; // T0-1, T1-1, T2-1, 2^53-1 (the last never exceeded)
        public int Next0, Next1, Next2, Next3; // byte offsets of the next node
    }

    private readonly Node[]? _nodes3;     // when every cohort has at most 3 patients
    private readonly VectorNode[]? _vectorNodes;
    private readonly int[] _next;         // general layout: Stride entries per node
    private readonly ulong[] _thresholds; // general layout: Stride-1 entries per node
    private readonly int _stride;
    private readonly int _firstTerminal;
    private readonly int _root;
    private readonly int _nodeCount;

    public CompiledWalk(StateGraph graph, Scenario scenario)
    {
        ExactEngine.CheckDoses(graph, scenario);
        _next = graph.Next;
        _stride = graph.Stride;
        _firstTerminal = graph.FirstTerminal;
        _root = graph.Root;
        _nodeCount = graph.NodeCount;
        int width = _stride - 1;
        _thresholds = new ulong[graph.FirstTerminal * width];
        for (int i = 0; i < graph.FirstTerminal; i++)
            CompiledScenario.BinomialThresholds(graph.NextCohortSize(i), scenario.Dlt[graph.NextLevel(i)], _thresholds.AsSpan(i * width, width));
        if (width <= 3)
        {
            _nodes3 = new Node[graph.NodeCount];
            for (int i = 0; i < graph.NodeCount; i++)
            {
                if (i >= graph.FirstTerminal) { _nodes3[i] = _nodes3[_root]; continue; }
                ulong T(int k) => k < width ? _thresholds[i * width + k] : CompiledScenario.One;
                int N(int x) => _next[i * _stride + Math.Min(x, width)];
                _nodes3[i] = new Node { T0 = T(0), T1 = T(1), T2 = T(2), N0 = N(0), N1 = N(1), N2 = N(2), N3 = N(3) };
            }
            if (Avx2.IsSupported)
            {
                int size = Unsafe.SizeOf<VectorNode>();
                _vectorNodes = new VectorNode[graph.NodeCount];
                for (int i = 0; i < graph.NodeCount; i++)
                {
                    var n = _nodes3[i];
                    _vectorNodes[i] = new VectorNode
                    {
                        Thresholds = Vector256.Create((long)n.T0 - 1, (long)n.T1 - 1, (long)n.T2 - 1, (long)CompiledScenario.One - 1),
                        Next0 = n.N0 * size, Next1 = n.N1 * size, Next2 = n.N2 * size, Next3 = n.N3 * size,
                    };
                }
            }
        }
    }

    /// <summary>Counters of one worker, reused across its batches (no allocation per batch).</summary>
    public WalkCounters CreateCounters() => new(_nodeCount, _firstTerminal, _nodeCount - _firstTerminal);

    /// <summary>Runs <paramref name="trials"/> trials of batch <paramref name="batch"/> and adds them to <paramref name="counters"/>.</summary>
    public void RunBatch(ulong seed, long batch, int trials, WalkCounters counters)
    {
        long[] terminalCounts = counters.Tail;
        var rng = Xoshiro256StarStarX8.ForStream(seed, (ulong)batch);
        if (_nodes3 is null) RunGeneral(ref rng, trials, terminalCounts);
        else if (_vectorNodes is not null && UseVectorPath) RunInterleavedAvx2(ref rng, trials, terminalCounts, counters.Visits);
        else RunInterleaved(ref rng, trials, terminalCounts, counters.Visits);
    }

    /// <summary>For tests: force the portable path, which must give bit-identical results.</summary>
    internal bool UseVectorPath { get; set; } = true;

    /// <summary>
    /// Phase 1 of <see cref="RunInterleaved"/> with the cohort outcome computed in vector registers:
    /// the lane's uniform is broadcast from the generator's output vector, compared with the four
    /// thresholds at once, and the outcome is the popcount of the mask. Same draws, same results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the hot loop: JIT fully optimised once
    private void RunInterleavedAvx2(ref Xoshiro256StarStarX8 rng, int trials, long[] terminalCounts, long[] visits)
    {
        const int L = Xoshiro256StarStarX8.Lanes;
        int size = Unsafe.SizeOf<VectorNode>();
        int nodeCount = _vectorNodes!.Length;
        ref byte nodes = ref Unsafe.As<VectorNode, byte>(ref MemoryMarshal.GetArrayDataReference(_vectorNodes));
        ref long v0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(visits), WalkCounters.Pad);
        int firstOffset = _firstTerminal * size, rootOffset = _root * size;
        int done = 0;
        bool walked = false;
        int s0 = rootOffset, s1 = rootOffset, s2 = rootOffset, s3 = rootOffset, s4 = rootOffset, s5 = rootOffset, s6 = rootOffset, s7 = rootOffset;
        var a0 = rng._a0; var a1 = rng._a1; var a2 = rng._a2; var a3 = rng._a3;
        var b0 = rng._b0; var b1 = rng._b1; var b2 = rng._b2; var b3 = rng._b3;
        // Visit counters are indexed by byte offset / 64 (one counter per node) plus the lane's block.
        while (trials - done >= 2 * L)
        {
            walked = true;
            var ua = (Xoshiro256StarStarX8.StepLocal(ref a0, ref a1, ref a2, ref a3) >>> 11).AsInt64();
            var ub = (Xoshiro256StarStarX8.StepLocal(ref b0, ref b1, ref b2, ref b3) >>> 11).AsInt64();
            s0 = AdvanceAvx2(ref nodes, s0, Avx2.Permute4x64(ua, 0x00), ref v0, 0 * nodeCount, firstOffset, ref done);
            s1 = AdvanceAvx2(ref nodes, s1, Avx2.Permute4x64(ua, 0x55), ref v0, 1 * nodeCount, firstOffset, ref done);
            s2 = AdvanceAvx2(ref nodes, s2, Avx2.Permute4x64(ua, 0xAA), ref v0, 2 * nodeCount, firstOffset, ref done);
            s3 = AdvanceAvx2(ref nodes, s3, Avx2.Permute4x64(ua, 0xFF), ref v0, 3 * nodeCount, firstOffset, ref done);
            s4 = AdvanceAvx2(ref nodes, s4, Avx2.Permute4x64(ub, 0x00), ref v0, 4 * nodeCount, firstOffset, ref done);
            s5 = AdvanceAvx2(ref nodes, s5, Avx2.Permute4x64(ub, 0x55), ref v0, 5 * nodeCount, firstOffset, ref done);
            s6 = AdvanceAvx2(ref nodes, s6, Avx2.Permute4x64(ub, 0xAA), ref v0, 6 * nodeCount, firstOffset, ref done);
            s7 = AdvanceAvx2(ref nodes, s7, Avx2.Permute4x64(ub, 0xFF), ref v0, 7 * nodeCount, firstOffset, ref done);
        }
        (rng._a0, rng._a1, rng._a2, rng._a3, rng._b0, rng._b1, rng._b2, rng._b3) = (a0, a1, a2, a3, b0, b1, b2, b3);
        Span<int> state = [s0 / size, s1 / size, s2 / size, s3 / size, s4 / size, s5 / size, s6 / size, s7 / size];
        FinishInFlight(ref rng, trials, done, walked, state, terminalCounts);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one lane's cohort in vector registers: must inline into the round
    private static int AdvanceAvx2(ref byte nodes, int offset, Vector256<long> u, ref long visits, int laneBase, int firstOffset, ref int done)
    {
        ref VectorNode n = ref Unsafe.As<byte, VectorNode>(ref Unsafe.Add(ref nodes, offset));
        uint mask = (uint)Avx.MoveMask(Avx2.CompareGreaterThan(u, n.Thresholds).AsDouble());
        int next = Unsafe.Add(ref n.Next0, BitOperations.PopCount(mask));
        Unsafe.Add(ref visits, laneBase + (next >> 6))++;
        done += next >= firstOffset ? 1 : 0;
        return next;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the hot loop: skip tier-0/OSR, JIT fully optimised once
    private void RunInterleaved(ref Xoshiro256StarStarX8 rng, int trials, long[] terminalCounts, long[] visits)
    {
        const int L = Xoshiro256StarStarX8.Lanes;
        Span<ulong> u = stackalloc ulong[L];
        int first = _firstTerminal, root = _root;
        int nodeCount = _nodes3!.Length;
        ref Node nodes = ref MemoryMarshal.GetArrayDataReference(_nodes3);
        // Per-lane visit counters (see WalkCounters), so increments of one popular node by several
        // lanes do not chain through memory.
        ref long v0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(visits), WalkCounters.Pad);
        int done = 0;
        bool walked = false;
        int s0 = root, s1 = root, s2 = root, s3 = root, s4 = root, s5 = root, s6 = root, s7 = root;

        // Phase 1, branch-free: a terminal node carries the root's transitions, so a lane that ends
        // a trial starts the next one on its following draw. At most 8 trials end per round, so
        // stopping with >= 16 left guarantees no lane has begun a trial beyond the budget.
        // The generator state lives in locals for the loop so the JIT keeps it in vector registers.
        var a0 = rng._a0; var a1 = rng._a1; var a2 = rng._a2; var a3 = rng._a3;
        var b0 = rng._b0; var b1 = rng._b1; var b2 = rng._b2; var b3 = rng._b3;
        ref ulong u0 = ref MemoryMarshal.GetReference(u);
        while (trials - done >= 2 * L)
        {
            walked = true;
            Unsafe.As<ulong, Vector256<ulong>>(ref u0) = Xoshiro256StarStarX8.StepLocal(ref a0, ref a1, ref a2, ref a3);
            Unsafe.As<ulong, Vector256<ulong>>(ref Unsafe.Add(ref u0, 4)) = Xoshiro256StarStarX8.StepLocal(ref b0, ref b1, ref b2, ref b3);
            s0 = Advance(ref nodes, s0, u[0], ref v0, 0 * nodeCount, first, ref done);
            s1 = Advance(ref nodes, s1, u[1], ref v0, 1 * nodeCount, first, ref done);
            s2 = Advance(ref nodes, s2, u[2], ref v0, 2 * nodeCount, first, ref done);
            s3 = Advance(ref nodes, s3, u[3], ref v0, 3 * nodeCount, first, ref done);
            s4 = Advance(ref nodes, s4, u[4], ref v0, 4 * nodeCount, first, ref done);
            s5 = Advance(ref nodes, s5, u[5], ref v0, 5 * nodeCount, first, ref done);
            s6 = Advance(ref nodes, s6, u[6], ref v0, 6 * nodeCount, first, ref done);
            s7 = Advance(ref nodes, s7, u[7], ref v0, 7 * nodeCount, first, ref done);
        }
        (rng._a0, rng._a1, rng._a2, rng._a3, rng._b0, rng._b1, rng._b2, rng._b3) = (a0, a1, a2, a3, b0, b1, b2, b3);

        Span<int> state = [s0, s1, s2, s3, s4, s5, s6, s7];
        FinishInFlight(ref rng, trials, done, walked, state, terminalCounts);
    }

    /// <summary>
    /// Phase 2: lanes sitting on a terminal node (or never started) begin a new trial only while the
    /// budget allows; the rest finish the trials they are in; idle lanes draw and discard.
    /// </summary>
    private void FinishInFlight(ref Xoshiro256StarStarX8 rng, int trials, int done, bool walked, Span<int> state, long[] terminalCounts)
    {
        const int L = Xoshiro256StarStarX8.Lanes;
        Span<ulong> u = stackalloc ulong[L];
        ref Node nodes = ref MemoryMarshal.GetArrayDataReference(_nodes3!);
        int first = _firstTerminal, root = _root;
        int inFlight = 0;
        for (int j = 0; j < L; j++)
        {
            // After a round no lane sits on the root (no edge leads there): a lane is mid-trial
            // unless it has just finished one on a terminal node.
            if (!walked || state[j] >= first) state[j] = -1; else inFlight++;
        }
        int toStart = trials - done - inFlight;
        for (int j = 0; j < L && toStart > 0; j++)
            if (state[j] < 0) { state[j] = root; toStart--; inFlight++; }
        while (inFlight > 0)
        {
            rng.Next8(u);
            for (int j = 0; j < L; j++)
            {
                int s = state[j];
                if (s < 0) continue;
                s = Step(ref Unsafe.Add(ref nodes, s), u[j]);
                if (s >= first)
                {
                    terminalCounts[s - first]++;
                    if (toStart > 0) { toStart--; s = root; }
                    else { s = -1; inFlight--; }
                }
                state[j] = s;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one lane's cohort: must inline into the unrolled round
    private static int Advance(ref Node nodes, int s, ulong word, ref long visits, int laneOffset, int first, ref int done)
    {
        int next = Step(ref Unsafe.Add(ref nodes, s), word);
        Unsafe.Add(ref visits, laneOffset + next)++;
        done += next >= first ? 1 : 0;
        return next;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // three compares and a load: the whole cohort
    private static int Step(ref Node n, ulong word)
    {
        ulong v = word >> 11;
        int x = (v >= n.T0 ? 1 : 0) + (v >= n.T1 ? 1 : 0) + (v >= n.T2 ? 1 : 0);
        return Unsafe.Add(ref n.N0, x);
    }

    private void RunGeneral(ref Xoshiro256StarStarX8 rng, int trials, long[] terminalCounts)
    {
        const int L = Xoshiro256StarStarX8.Lanes;
        Span<ulong> u = stackalloc ulong[L];
        Span<int> state = stackalloc int[L];
        int width = _stride - 1;
        int started = Math.Min(L, trials);
        for (int j = 0; j < L; j++) state[j] = j < started ? _root : -1;
        int active = started;
        while (active > 0)
        {
            rng.Next8(u);
            for (int j = 0; j < L; j++)
            {
                int s = state[j];
                if (s < 0) continue;
                ulong v = u[j] >> 11;
                int x = 0, b = s * width;
                for (int k = 0; k < width; k++) x += v >= _thresholds[b + k] ? 1 : 0;
                s = _next[s * _stride + x];
                if (s >= _firstTerminal)
                {
                    terminalCounts[s - _firstTerminal]++;
                    if (started < trials) { started++; s = _root; }
                    else { s = -1; active--; }
                }
                state[j] = s;
            }
        }
    }
}

/// <summary>
/// One worker's counts from the compiled walk: per-lane visit counters of every node (the
/// branch-free phase counts every step; only terminal nodes are read) plus direct terminal counts
/// from the exact finishing phase. Integers, so workers merge exactly in any order.
/// </summary>
internal sealed class WalkCounters(int nodeCount, int firstTerminal, int terminalCount)
{
    /// <summary>
    /// Longs of padding before the counters (two cache lines), so two workers' counter arrays, which
    /// the allocator may place side by side, never share a cache line (false sharing halves scaling).
    /// </summary>
    internal const int Pad = 16;

    internal readonly long[] Visits = new long[Pad + Xoshiro256StarStarX8.Lanes * nodeCount + Pad];
    internal readonly long[] Tail = new long[terminalCount];

    /// <summary>Trials ended in each terminal node (index = node - first terminal).</summary>
    public long[] TerminalCounts()
    {
        var counts = (long[])Tail.Clone();
        for (int j = 0; j < Xoshiro256StarStarX8.Lanes; j++)
            for (int t = firstTerminal; t < nodeCount; t++) counts[t - firstTerminal] += Visits[Pad + j * nodeCount + t];
        return counts;
    }
}
