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
    private readonly long[]? _registerTables; // see RunRegisterTables512; pinned, starts at _registerTableStart
    private readonly int _registerTableStart;
    private readonly int[] _next;         // general layout: Stride entries per node
    private readonly ulong[] _thresholds; // general layout: Stride-1 entries per node
    private readonly int _stride;
    private readonly int _firstTerminal;
    private readonly int _root;
    private readonly int _nodeCount;

    public CompiledWalk(StateGraph graph, Scenario scenario)
    {
        ExactEngine.CheckDoses(graph, scenario);
        // The walk draws each cohort's DLT count alone; titration's grade-2 events run on the trial loop.
        if (graph.CountsGrade2) throw new ArgumentException("the compiled walk draws DLT counts only; a graph that counts titration's grade-2 events is for the exact engine");
        Designs.Rules.AcceleratedTitration.RefuseGrade2(graph.Design, scenario, "the compiled-graph walk");
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
            if (Avx512F.IsSupported && _firstTerminal <= RegisterTableSlots - 1) (_registerTables, _registerTableStart) = BuildRegisterTables(_nodes3);
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
    public void RunBatch(ulong seed, long batch, int trials, WalkCounters counters) => RunBatch(seed, batch, trials, counters, Path);

    /// <summary>As <see cref="RunBatch(ulong, long, int, WalkCounters)"/> on a given SIMD path: every path gives the same counts.</summary>
    public void RunBatch(ulong seed, long batch, int trials, WalkCounters counters, SimdPath path)
    {
        switch (SimdPaths.Resolve(path))
        {
            case SimdPath.Vector512:
                var r512 = XoshiroLanes512.ForStream(seed, (ulong)batch);
                if (_registerTables is not null) RunRegisterTables512(ref r512, trials, counters);
                else if (_vectorNodes is not null && Avx512F.IsSupported) RunInterleaved512(ref r512, trials, counters);
                else Run(ref r512, trials, counters);
                break;
            case SimdPath.Vector256:
                var r256 = XoshiroLanes256.ForStream(seed, (ulong)batch);
                if (_vectorNodes is not null && Avx2.IsSupported) RunInterleaved256(ref r256, trials, counters);
                else Run(ref r256, trials, counters);
                break;
            case SimdPath.Vector128:
                var r128 = XoshiroLanes128.ForStream(seed, (ulong)batch);
                Run(ref r128, trials, counters);
                break;
            default:
                var r1 = XoshiroLanesScalar.ForStream(seed, (ulong)batch);
                Run(ref r1, trials, counters);
                break;
        }
    }

    /// <summary>
    /// Batches <paramref name="batchA"/> and <paramref name="batchB"/> together: the counts of running
    /// them one after the other, sooner where the path can overlap two batches' walks.
    /// </summary>
    public void RunBatchPair(ulong seed, long batchA, int trialsA, long batchB, int trialsB, WalkCounters counters, SimdPath path)
    {
        if (trialsB <= 0) { RunBatch(seed, batchA, trialsA, counters, path); return; }
        if (SimdPaths.Resolve(path) == SimdPath.Vector512 && _registerTables is not null)
        {
            var ra = XoshiroLanes512.ForStream(seed, (ulong)batchA);
            var rb = XoshiroLanes512.ForStream(seed, (ulong)batchB);
            RunRegisterTablesPair512(ref ra, trialsA, ref rb, trialsB, counters);
            return;
        }
        RunBatch(seed, batchA, trialsA, counters, path);
        RunBatch(seed, batchB, trialsB, counters, path);
    }

    /// <summary>Whether <see cref="RunBatchPair"/> on <see cref="Path"/> walks its two batches together (else one after the other).</summary>
    internal bool WalksPairs => SimdPaths.Resolve(Path) == SimdPath.Vector512 && _registerTables is not null;

    /// <summary>The SIMD path <see cref="RunBatch(ulong, long, int, WalkCounters)"/> uses (default: the widest accelerated one).</summary>
    internal SimdPath Path { get; init; } = SimdPath.Auto;

    private void Run<TLanes>(ref TLanes rng, int trials, WalkCounters counters) where TLanes : struct, IXoshiroLanes<TLanes>
    {
        if (_nodes3 is null) RunGeneral(ref rng, trials, counters.Tail);
        else RunInterleaved(ref rng, trials, counters.Tail, counters.Visits);
    }

    /// <summary>
    /// Phase 1 of <see cref="RunInterleaved"/> with the cohort outcome computed in vector registers:
    /// the lane's uniform is broadcast from the generator's output vector, compared with the four
    /// thresholds at once, and the outcome is the popcount of the mask. Same draws, same results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the hot loop: JIT fully optimised once
    private void RunInterleaved256(ref XoshiroLanes256 rng, int trials, WalkCounters counters)
    {
        const int L = XoshiroLaneSeeds.Lanes;
        int size = Unsafe.SizeOf<VectorNode>();
        int nodeCount = _vectorNodes!.Length;
        ref byte nodes = ref Unsafe.As<VectorNode, byte>(ref MemoryMarshal.GetArrayDataReference(_vectorNodes));
        ref long v0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(counters.Visits), WalkCounters.Pad);
        int firstOffset = _firstTerminal * size, rootOffset = _root * size;
        int done = 0;
        bool walked = false;
        int s0 = rootOffset, s1 = rootOffset, s2 = rootOffset, s3 = rootOffset, s4 = rootOffset, s5 = rootOffset, s6 = rootOffset, s7 = rootOffset;
        var a0 = rng.A0; var a1 = rng.A1; var a2 = rng.A2; var a3 = rng.A3;
        var b0 = rng.B0; var b1 = rng.B1; var b2 = rng.B2; var b3 = rng.B3;
        // Visit counters are indexed by byte offset / 64 (one counter per node) plus the lane's block.
        while (trials - done >= 2 * L)
        {
            walked = true;
            var ua = (Xoshiro256StarStarX8.Step(ref a0, ref a1, ref a2, ref a3) >>> 11).AsInt64();
            var ub = (Xoshiro256StarStarX8.Step(ref b0, ref b1, ref b2, ref b3) >>> 11).AsInt64();
            s0 = AdvanceAvx2(ref nodes, s0, Avx2.Permute4x64(ua, 0x00), ref v0, 0 * nodeCount, firstOffset, ref done);
            s1 = AdvanceAvx2(ref nodes, s1, Avx2.Permute4x64(ua, 0x55), ref v0, 1 * nodeCount, firstOffset, ref done);
            s2 = AdvanceAvx2(ref nodes, s2, Avx2.Permute4x64(ua, 0xAA), ref v0, 2 * nodeCount, firstOffset, ref done);
            s3 = AdvanceAvx2(ref nodes, s3, Avx2.Permute4x64(ua, 0xFF), ref v0, 3 * nodeCount, firstOffset, ref done);
            s4 = AdvanceAvx2(ref nodes, s4, Avx2.Permute4x64(ub, 0x00), ref v0, 4 * nodeCount, firstOffset, ref done);
            s5 = AdvanceAvx2(ref nodes, s5, Avx2.Permute4x64(ub, 0x55), ref v0, 5 * nodeCount, firstOffset, ref done);
            s6 = AdvanceAvx2(ref nodes, s6, Avx2.Permute4x64(ub, 0xAA), ref v0, 6 * nodeCount, firstOffset, ref done);
            s7 = AdvanceAvx2(ref nodes, s7, Avx2.Permute4x64(ub, 0xFF), ref v0, 7 * nodeCount, firstOffset, ref done);
        }
        (rng.A0, rng.A1, rng.A2, rng.A3, rng.B0, rng.B1, rng.B2, rng.B3) = (a0, a1, a2, a3, b0, b1, b2, b3);
        Span<int> state = [s0 / size, s1 / size, s2 / size, s3 / size, s4 / size, s5 / size, s6 / size, s7 / size];
        FinishInFlight(ref rng, trials, done, walked, state, counters.Tail);
    }

    /// <summary>
    /// <see cref="RunInterleaved256"/> with the eight generator lanes in one 512-bit vector: the same
    /// draws, half the generator instructions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the hot loop: JIT fully optimised once
    private void RunInterleaved512(ref XoshiroLanes512 rng, int trials, WalkCounters counters)
    {
        const int L = XoshiroLaneSeeds.Lanes;
        int size = Unsafe.SizeOf<VectorNode>();
        int nodeCount = _vectorNodes!.Length;
        ref byte nodes = ref Unsafe.As<VectorNode, byte>(ref MemoryMarshal.GetArrayDataReference(_vectorNodes));
        ref long v0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(counters.Visits), WalkCounters.Pad);
        int firstOffset = _firstTerminal * size, rootOffset = _root * size;
        int done = 0;
        bool walked = false;
        int s0 = rootOffset, s1 = rootOffset, s2 = rootOffset, s3 = rootOffset, s4 = rootOffset, s5 = rootOffset, s6 = rootOffset, s7 = rootOffset;
        var g0 = rng.S0; var g1 = rng.S1; var g2 = rng.S2; var g3 = rng.S3;
        while (trials - done >= 2 * L)
        {
            walked = true;
            var u = (XoshiroLanes512.Step(ref g0, ref g1, ref g2, ref g3) >>> 11).AsInt64();
            var ua = u.GetLower();
            var ub = u.GetUpper();
            s0 = AdvanceAvx2(ref nodes, s0, Avx2.Permute4x64(ua, 0x00), ref v0, 0 * nodeCount, firstOffset, ref done);
            s1 = AdvanceAvx2(ref nodes, s1, Avx2.Permute4x64(ua, 0x55), ref v0, 1 * nodeCount, firstOffset, ref done);
            s2 = AdvanceAvx2(ref nodes, s2, Avx2.Permute4x64(ua, 0xAA), ref v0, 2 * nodeCount, firstOffset, ref done);
            s3 = AdvanceAvx2(ref nodes, s3, Avx2.Permute4x64(ua, 0xFF), ref v0, 3 * nodeCount, firstOffset, ref done);
            s4 = AdvanceAvx2(ref nodes, s4, Avx2.Permute4x64(ub, 0x00), ref v0, 4 * nodeCount, firstOffset, ref done);
            s5 = AdvanceAvx2(ref nodes, s5, Avx2.Permute4x64(ub, 0x55), ref v0, 5 * nodeCount, firstOffset, ref done);
            s6 = AdvanceAvx2(ref nodes, s6, Avx2.Permute4x64(ub, 0xAA), ref v0, 6 * nodeCount, firstOffset, ref done);
            s7 = AdvanceAvx2(ref nodes, s7, Avx2.Permute4x64(ub, 0xFF), ref v0, 7 * nodeCount, firstOffset, ref done);
        }
        (rng.S0, rng.S1, rng.S2, rng.S3) = (g0, g1, g2, g3);
        Span<int> state = [s0 / size, s1 / size, s2 / size, s3 / size, s4 / size, s5 / size, s6 / size, s7 / size];
        FinishInFlight(ref rng, trials, done, walked, state, counters.Tail);
    }

    /// <summary>Table entries in two 512-bit registers: graphs with at most 15 non-terminal nodes walk entirely in registers.</summary>
    private const int RegisterTableSlots = 16;

    /// <summary>
    /// Per slot (slot = non-terminal node; every later slot, 15 included, repeats the root, whose
    /// transitions a terminal node carries): thresholds minus one T0..T2 and the next nodes N0..N3 in
    /// <see cref="EncodeRegisterState"/> form, each column as a pair of 512-bit vectors (entries 0-7,
    /// 8-15) for a two-register permute.
    /// </summary>
    /// <remarks>
    /// The tables live in a pinned array from its first 64-byte boundary: every permute reads a whole
    /// table from memory, and a read across two cache lines costs twice (an unaligned start made runs
    /// up to twice as slow, depending on where the allocator put the array).
    /// </remarks>
    private static unsafe (long[] Store, int Start) AlignedTables(int vectors)
    {
        var store = GC.AllocateArray<long>(vectors * 8 + 7, pinned: true);
        nuint address = (nuint)Unsafe.AsPointer(ref store[0]);
        int start = (int)((64 - (address & 63)) & 63) / sizeof(long);
        return (store, start);
    }

    private (long[] Store, int Start) BuildRegisterTables(Node[] nodes)
    {
        var (store, start) = AlignedTables(14);
        Span<Vector512<long>> tables = MemoryMarshal.Cast<long, Vector512<long>>(store.AsSpan(start, 14 * 8));
        Span<long> column = stackalloc long[RegisterTableSlots];
        for (int c = 0; c < 7; c++)
        {
            for (int slot = 0; slot < RegisterTableSlots; slot++)
            {
                var n = nodes[slot < _firstTerminal ? slot : _root];
                column[slot] = c switch
                {
                    0 => (long)n.T0 - 1, 1 => (long)n.T1 - 1, 2 => (long)n.T2 - 1,
                    3 => EncodeRegisterState(n.N0), 4 => EncodeRegisterState(n.N1), 5 => EncodeRegisterState(n.N2), _ => EncodeRegisterState(n.N3),
                };
            }
            tables[2 * c] = Vector512.Create<long>(column[..8]);
            tables[2 * c + 1] = Vector512.Create<long>(column[8..]);
        }
        return (store, start);
    }

    /// <summary>
    /// A lane's state in the register walk: a non-terminal node is its number (&lt; 15); terminal node
    /// t is (t - first + 1) * 64 + 15, so it is &gt;= 16 and its low four bits, all a permute reads,
    /// select slot 15, the root. No clamp is needed on the loop's critical path. The factor 64 is
    /// the byte stride of a terminal's <see cref="WalkCounters.CounterCopies"/> counters (one per
    /// lane), so the encoded state plus the lane's base is its counter's address (<see cref="WalkCounters.Strided"/>).
    /// </summary>
    private long EncodeRegisterState(int node) => node < _firstTerminal ? node : ((long)(node - _firstTerminal + 1) << 6) | 15;

    private int DecodeRegisterState(long state) => state < RegisterTableSlots ? (int)state : (int)(state >> 6) - 1 + _firstTerminal;

    /// <summary>Rounds between flushes of the ended-trials buffer into the terminal counts.</summary>
    private const int FlushRounds = 64;

    /// <summary>
    /// Phase 1 for small graphs on AVX-512: the eight lanes' walks are one vector of states, and a
    /// round is a handful of vector instructions. Each table column is looked up for all eight lanes
    /// at once by a two-register permute (vpermi2q); the outcome picks the next state by masked
    /// blends (u &gt; T-1 for the monotone thresholds); lanes that reached a terminal node are
    /// compressed into a small buffer that is added to the terminal counts every 64 rounds. The same
    /// draws and the same stopping rule as <see cref="RunInterleaved"/>, so the same counts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the hot loop: JIT fully optimised once
    private void RunRegisterTables512(ref XoshiroLanes512 rng, int trials, WalkCounters counters)
    {
        var s = Vector512.Create((long)_root);
        int done = 0;
        bool walked = RegisterPhase1(ref rng, ref s, trials, ref done, counters);
        FinishRegisterWalk(ref rng, s, trials, done, walked, counters.Tail);
    }

    /// <summary>Rounds of one batch until fewer than 16 of its trials remain to be ended; true if any round ran.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the hot loop: JIT fully optimised once
    private unsafe bool RegisterPhase1(ref XoshiroLanes512 rng, ref Vector512<long> state, int trials, ref int doneRef, WalkCounters counters)
    {
        const int L = XoshiroLaneSeeds.Lanes;
        ref Vector512<long> t = ref Unsafe.As<long, Vector512<long>>(ref _registerTables![_registerTableStart]);
        var counterBase = LaneCounterBases(counters);
        Span<long> ended = stackalloc long[FlushRounds * L + L];
        ref long e0 = ref MemoryMarshal.GetReference(ended);
        var s = state;
        var g0 = rng.S0; var g1 = rng.S1; var g2 = rng.S2; var g3 = rng.S3;
        int done = doneRef;
        bool walked = false;
        while (trials - done >= 2 * L)
        {
            walked = true;
            nint count = 0;
            int rounds = Math.Min(FlushRounds, SafeRounds(trials - done));
            for (int r = 0; r < rounds; r++)
                RegisterRound(ref t, counterBase, ref s, ref g0, ref g1, ref g2, ref g3, ref e0, ref count);
            Flush((long*)Unsafe.AsPointer(ref e0), count);
            done += (int)count;
        }
        (rng.S0, rng.S1, rng.S2, rng.S3) = (g0, g1, g2, g3);
        state = s;
        doneRef = done;
        return walked;
    }

    /// <summary>
    /// Two batches at once: their rounds interleave, so the CPU overlaps two independent chains of
    /// permutes (one round's latency is longer than its instructions' issue time). Each batch keeps
    /// its own generator, budget and stopping rule, so its counts are exactly those of
    /// <see cref="RunRegisterTables512"/>; when one batch stops, the other continues alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the hot loop: JIT fully optimised once
    private unsafe void RunRegisterTablesPair512(ref XoshiroLanes512 rngA, int trialsA, ref XoshiroLanes512 rngB, int trialsB, WalkCounters counters)
    {
        const int L = XoshiroLaneSeeds.Lanes;
        ref Vector512<long> t = ref Unsafe.As<long, Vector512<long>>(ref _registerTables![_registerTableStart]);
        var counterBase = LaneCounterBases(counters);
        Span<long> ended = stackalloc long[2 * (FlushRounds * L + L)];
        ref long ea = ref MemoryMarshal.GetReference(ended);
        ref long eb = ref Unsafe.Add(ref ea, FlushRounds * L + L);
        var sa = Vector512.Create((long)_root);
        var sb = sa;
        // The fourteen table halves as locals, so that they can live in registers through the loop.
        var (t0, t1, t2, t3, t4, t5, t6) = (t, Unsafe.Add(ref t, 1), Unsafe.Add(ref t, 2), Unsafe.Add(ref t, 3), Unsafe.Add(ref t, 4), Unsafe.Add(ref t, 5), Unsafe.Add(ref t, 6));
        var lastSlot = Vector512.Create((long)RegisterTableSlots - 1); // a register too, not reloaded every round
        var (t7, t8, t9, t10, t11, t12, t13) = (Unsafe.Add(ref t, 7), Unsafe.Add(ref t, 8), Unsafe.Add(ref t, 9), Unsafe.Add(ref t, 10), Unsafe.Add(ref t, 11), Unsafe.Add(ref t, 12), Unsafe.Add(ref t, 13));
        var a0 = rngA.S0; var a1 = rngA.S1; var a2 = rngA.S2; var a3 = rngA.S3;
        var b0 = rngB.S0; var b1 = rngB.S1; var b2 = rngB.S2; var b3 = rngB.S3;
        int doneA = 0, doneB = 0;
        bool walked = false;
        while (trialsA - doneA >= 2 * L && trialsB - doneB >= 2 * L)
        {
            walked = true;
            nint countA = 0, countB = 0;
            int rounds = Math.Min(FlushRounds, Math.Min(SafeRounds(trialsA - doneA), SafeRounds(trialsB - doneB)));
            for (int r = 0; r < rounds; r++)
            {
                RegisterRound(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, lastSlot, counterBase, ref sa, ref a0, ref a1, ref a2, ref a3, ref ea, ref countA);
                RegisterRound(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, lastSlot, counterBase, ref sb, ref b0, ref b1, ref b2, ref b3, ref eb, ref countB);
            }
            Flush((long*)Unsafe.AsPointer(ref ea), countA);
            Flush((long*)Unsafe.AsPointer(ref eb), countB);
            doneA += (int)countA;
            doneB += (int)countB;
        }
        (rngA.S0, rngA.S1, rngA.S2, rngA.S3) = (a0, a1, a2, a3);
        (rngB.S0, rngB.S1, rngB.S2, rngB.S3) = (b0, b1, b2, b3);
        // Fresh copies for the by-ref calls: a local whose address is taken lives in memory, and the
        // loop's states and budgets must stay in registers.
        (var stateA, var stateB, int endedA, int endedB) = (sa, sb, doneA, doneB);
        bool walkedA = RegisterPhase1(ref rngA, ref stateA, trialsA, ref endedA, counters) || walked;
        bool walkedB = RegisterPhase1(ref rngB, ref stateB, trialsB, ref endedB, counters) || walked;
        FinishRegisterWalk(ref rngA, stateA, trialsA, endedA, walkedA, counters.Tail);
        FinishRegisterWalk(ref rngB, stateB, trialsB, endedB, walkedB, counters.Tail);
    }

    /// <summary>
    /// Rounds that may run back to back, with <paramref name="remaining"/> &gt;= 16 trials still to end,
    /// before the stopping rule (continue while at least 16 remain) must be checked again: a round
    /// ends at most eight trials, so the rule holds before each of them, and the walk is exactly
    /// the one that checks every round.
    /// </summary>
    private static int SafeRounds(int remaining) => (remaining - 2 * XoshiroLaneSeeds.Lanes) / XoshiroLaneSeeds.Lanes + 1;

    /// <summary>One round of eight lanes: draw, look up, choose the next states, buffer the lanes that ended a trial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the loop body; its refs are the caller's locals and must stay registers
    private static void RegisterRound(ref Vector512<long> t, Vector512<long> counterBase, ref Vector512<long> s,
        ref Vector512<ulong> g0, ref Vector512<ulong> g1, ref Vector512<ulong> g2, ref Vector512<ulong> g3,
        ref long ended, ref nint count)
    {
        var u = (XoshiroLanes512.Step(ref g0, ref g1, ref g2, ref g3) >>> 11).AsInt64();
        var idx = s;
        var next = Lookup(ref t, 3, idx);
        next = Vector512.ConditionalSelect(Vector512.GreaterThan(u, Lookup(ref t, 0, idx)), Lookup(ref t, 4, idx), next);
        next = Vector512.ConditionalSelect(Vector512.GreaterThan(u, Lookup(ref t, 1, idx)), Lookup(ref t, 5, idx), next);
        next = Vector512.ConditionalSelect(Vector512.GreaterThan(u, Lookup(ref t, 2, idx)), Lookup(ref t, 6, idx), next);
        s = next;
        var terminal = Vector512.GreaterThan(next, Vector512.Create((long)RegisterTableSlots - 1));
        nint ends = (nint)Popcnt.X64.PopCount(terminal.ExtractMostSignificantBits()); // 64-bit: no sign extension before the add
        Unsafe.As<long, Vector512<long>>(ref Unsafe.Add(ref ended, count)) = Avx512F.Compress(Vector512<long>.Zero, terminal, next + counterBase);
        count += ends;
    }

    /// <summary><see cref="RegisterRound(ref Vector512{long}, Vector512{long}, ref Vector512{long}, ref Vector512{ulong}, ref Vector512{ulong}, ref Vector512{ulong}, ref Vector512{ulong}, ref long, ref nint)"/> with the table halves passed as values (t0, t1 = column 0, ...) and the last slot's number (15) as a vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the loop body; its refs are the caller's locals and must stay registers
    private static void RegisterRound(Vector512<long> t0, Vector512<long> t1, Vector512<long> t2, Vector512<long> t3, Vector512<long> t4, Vector512<long> t5, Vector512<long> t6,
        Vector512<long> t7, Vector512<long> t8, Vector512<long> t9, Vector512<long> t10, Vector512<long> t11, Vector512<long> t12, Vector512<long> t13,
        Vector512<long> lastSlot, Vector512<long> counterBase, ref Vector512<long> s, ref Vector512<ulong> g0, ref Vector512<ulong> g1, ref Vector512<ulong> g2, ref Vector512<ulong> g3,
        ref long ended, ref nint count)
    {
        var u = (XoshiroLanes512.Step(ref g0, ref g1, ref g2, ref g3) >>> 11).AsInt64();
        var idx = s;
        var next = Avx512F.PermuteVar8x64x2(t6, idx, t7);
        next = Vector512.ConditionalSelect(Vector512.GreaterThan(u, Avx512F.PermuteVar8x64x2(t0, idx, t1)), Avx512F.PermuteVar8x64x2(t8, idx, t9), next);
        next = Vector512.ConditionalSelect(Vector512.GreaterThan(u, Avx512F.PermuteVar8x64x2(t2, idx, t3)), Avx512F.PermuteVar8x64x2(t10, idx, t11), next);
        next = Vector512.ConditionalSelect(Vector512.GreaterThan(u, Avx512F.PermuteVar8x64x2(t4, idx, t5)), Avx512F.PermuteVar8x64x2(t12, idx, t13), next);
        s = next;
        var terminal = Vector512.GreaterThan(next, lastSlot);
        nint ends = (nint)Popcnt.X64.PopCount(terminal.ExtractMostSignificantBits()); // 64-bit: no sign extension before the add
        Unsafe.As<long, Vector512<long>>(ref Unsafe.Add(ref ended, count)) = Avx512F.Compress(Vector512<long>.Zero, terminal, next + counterBase);
        count += ends;
    }

    /// <summary>
    /// Adds the buffered ended trials (encoded terminal states) to the terminal counts, in the
    /// layout of <see cref="WalkCounters.StridedBase"/>: an encoded state is its first counter's byte
    /// offset, so an ended trial costs a load and an increment (no shift, no subtraction). Four
    /// ended trials an iteration, each into its own copy of the counters: two equal neighbours
    /// (common: a few terminal states take most trials) would otherwise chain one increment on
    /// the other through memory, and that chain, not the loads, set the flush's speed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a call would make the loop's vector registers caller-saved, spilled through the loop
    private static unsafe void Flush(long* ended, nint count)
    {
        long* end = ended + (count & ~(nint)3);
        for (long* e = ended; e < end; e += 4)
        {
            long* a = (long*)e[0], b = (long*)e[1], c = (long*)e[2], d = (long*)e[3];
            (*a)++;
            (*b)++;
            (*c)++;
            (*d)++;
        }
        for (long* e = end; e < ended + count; e++) (*(long*)*e)++;
    }

    /// <summary>Per lane j, the address its ended trials count from: <see cref="WalkCounters.StridedBase"/> + 8j (lane j's copy of the counters).</summary>
    private static unsafe Vector512<long> LaneCounterBases(WalkCounters counters) =>
        Vector512.Create((long)counters.StridedBase) + Vector512.Create(0L, 8, 16, 24, 32, 40, 48, 56);

    private void FinishRegisterWalk(ref XoshiroLanes512 rng, Vector512<long> s, int trials, int done, bool walked, long[] terminalCounts)
    {
        Span<int> state = stackalloc int[XoshiroLaneSeeds.Lanes];
        for (int j = 0; j < state.Length; j++) state[j] = DecodeRegisterState(s[j]);
        FinishInFlight(ref rng, trials, done, walked, state, terminalCounts);
    }

    /// <summary>Entry <paramref name="idx"/> (per lane) of register table <paramref name="column"/>: one vpermi2q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one instruction; must inline into the round
    private static Vector512<long> Lookup(ref Vector512<long> tables, int column, Vector512<long> idx) =>
        Avx512F.PermuteVar8x64x2(Unsafe.Add(ref tables, 2 * column), idx, Unsafe.Add(ref tables, 2 * column + 1));

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
    private void RunInterleaved<TLanes>(ref TLanes rngRef, int trials, long[] terminalCounts, long[] visits) where TLanes : struct, IXoshiroLanes<TLanes>
    {
        const int L = XoshiroLaneSeeds.Lanes;
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
        // The generator state lives in a local for the loop so the JIT keeps it in registers.
        var rng = rngRef;
        ref ulong u0 = ref MemoryMarshal.GetReference(u);
        while (trials - done >= 2 * L)
        {
            walked = true;
            rng.Next(ref u0);
            s0 = Advance(ref nodes, s0, u0, ref v0, 0 * nodeCount, first, ref done);
            s1 = Advance(ref nodes, s1, Unsafe.Add(ref u0, 1), ref v0, 1 * nodeCount, first, ref done);
            s2 = Advance(ref nodes, s2, Unsafe.Add(ref u0, 2), ref v0, 2 * nodeCount, first, ref done);
            s3 = Advance(ref nodes, s3, Unsafe.Add(ref u0, 3), ref v0, 3 * nodeCount, first, ref done);
            s4 = Advance(ref nodes, s4, Unsafe.Add(ref u0, 4), ref v0, 4 * nodeCount, first, ref done);
            s5 = Advance(ref nodes, s5, Unsafe.Add(ref u0, 5), ref v0, 5 * nodeCount, first, ref done);
            s6 = Advance(ref nodes, s6, Unsafe.Add(ref u0, 6), ref v0, 6 * nodeCount, first, ref done);
            s7 = Advance(ref nodes, s7, Unsafe.Add(ref u0, 7), ref v0, 7 * nodeCount, first, ref done);
        }
        rngRef = rng;

        Span<int> state = [s0, s1, s2, s3, s4, s5, s6, s7];
        FinishInFlight(ref rngRef, trials, done, walked, state, terminalCounts);
    }

    /// <summary>
    /// Phase 2: lanes sitting on a terminal node (or never started) begin a new trial only while the
    /// budget allows; the rest finish the trials they are in; idle lanes draw and discard.
    /// </summary>
    private void FinishInFlight<TLanes>(ref TLanes rng, int trials, int done, bool walked, Span<int> state, long[] terminalCounts)
        where TLanes : struct, IXoshiroLanes<TLanes>
    {
        const int L = XoshiroLaneSeeds.Lanes;
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
            rng.Next(ref MemoryMarshal.GetReference(u));
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

    private void RunGeneral<TLanes>(ref TLanes rng, int trials, long[] terminalCounts) where TLanes : struct, IXoshiroLanes<TLanes>
    {
        const int L = XoshiroLaneSeeds.Lanes;
        Span<ulong> u = stackalloc ulong[L];
        Span<int> state = stackalloc int[L];
        int width = _stride - 1;
        int started = Math.Min(L, trials);
        for (int j = 0; j < L; j++) state[j] = j < started ? _root : -1;
        int active = started;
        while (active > 0)
        {
            rng.Next(ref MemoryMarshal.GetReference(u));
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

    /// <summary>Copies of each terminal counter in <see cref="Strided"/>, one per lane of the register walk (see <c>CompiledWalk.Flush</c>).</summary>
    internal const int CounterCopies = 8;

    /// <summary>
    /// The register walk's terminal counts (see <c>CompiledWalk.EncodeRegisterState</c>): lane j's
    /// copy of terminal t's counter is the long at byte (t + 1) * 64 + 15 + 8j from
    /// <see cref="StridedBase"/>, that is at index Pad + 8 (t + 1) + j, so the encoded state
    /// (t + 1) * 64 + 15 plus the lane's base is its counter's address.
    /// </summary>
    /// <remarks>Pinned, so the walk can keep the counters' addresses in a vector.</remarks>
    internal readonly long[] Strided = GC.AllocateArray<long>(Pad + CounterCopies * (terminalCount + 1) + Pad, pinned: true);

    /// <summary>15 bytes before <see cref="Strided"/>[Pad]: inside the array (Pad longs of padding), never read itself.</summary>
    internal unsafe byte* StridedBase => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Strided)) + Pad * sizeof(long) - 15;

    /// <summary>Trials ended in each terminal node (index = node - first terminal).</summary>
    public long[] TerminalCounts()
    {
        var counts = (long[])Tail.Clone();
        for (int t = 0; t < counts.Length; t++)
            for (int c = 0; c < CounterCopies; c++) counts[t] += Strided[Pad + CounterCopies * (t + 1) + c];
        for (int j = 0; j < Xoshiro256StarStarX8.Lanes; j++)
            for (int t = firstTerminal; t < nodeCount; t++) counts[t - firstTerminal] += Visits[Pad + j * nodeCount + t];
        return counts;
    }
}
