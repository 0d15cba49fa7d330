using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DoseEscalation.Rng;

/// <summary>
/// Eight independent xoshiro256** streams advanced together. Every implementation produces exactly
/// the same words: lane j of <c>ForStream(seed, index)</c> is the scalar generator
/// <see cref="Xoshiro256StarStarX8.Lane"/>(seed, index, j). They differ only in how many lanes one
/// vector instruction advances (8, 4, 2 or 1), so a walk written over this interface gives the same
/// bits on every CPU.
/// </summary>
internal interface IXoshiroLanes<TSelf> where TSelf : struct, IXoshiroLanes<TSelf>
{
    /// <summary>Lane j seeded like <c>Xoshiro256StarStarX8.Lane(seed, index, j)</c>.</summary>
    static abstract TSelf ForStream(ulong seed, ulong index);

    /// <summary>Writes the next output of lanes 0..7 to <paramref name="into"/> and the 7 words after it.</summary>
    void Next(ref ulong into);
}

/// <summary>The lanes' seed words: <c>s[w * 8 + j]</c> is word w of lane j.</summary>
internal static class XoshiroLaneSeeds
{
    public const int Lanes = 8;

    public static void Fill(ulong seed, ulong index, Span<ulong> s)
    {
        ulong stream = SplitMix64.StreamSeed(seed, index);
        for (int j = 0; j < Lanes; j++)
        {
            var sm = new SplitMix64(SplitMix64.StreamSeed(stream, (ulong)j));
            for (int w = 0; w < 4; w++) s[w * Lanes + j] = sm.NextUInt64();
        }
    }
}

/// <summary>All eight lanes in one 512-bit vector per state word (AVX-512).</summary>
internal struct XoshiroLanes512 : IXoshiroLanes<XoshiroLanes512>
{
    internal Vector512<ulong> S0, S1, S2, S3;

    public static XoshiroLanes512 ForStream(ulong seed, ulong index)
    {
        Span<ulong> s = stackalloc ulong[4 * XoshiroLaneSeeds.Lanes];
        XoshiroLaneSeeds.Fill(seed, index, s);
        return new XoshiroLanes512
        {
            S0 = Vector512.Create<ulong>(s[0..8]), S1 = Vector512.Create<ulong>(s[8..16]),
            S2 = Vector512.Create<ulong>(s[16..24]), S3 = Vector512.Create<ulong>(s[24..32]),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the hot loop's draw: one vector store
    public void Next(ref ulong into) => Unsafe.As<ulong, Vector512<ulong>>(ref into) = Step(ref S0, ref S1, ref S2, ref S3);

    /// <summary>One xoshiro256** step of the eight lanes; returns their outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a dozen vector ops; state must stay in registers
    internal static Vector512<ulong> Step(ref Vector512<ulong> s0, ref Vector512<ulong> s1, ref Vector512<ulong> s2, ref Vector512<ulong> s3)
    {
        var x5 = (s1 << 2) + s1;                // s1 * 5
        var result = Rotl(x5, 7);
        result = (result << 3) + result;        // * 9
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Rotl(s3, 45);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one vprolq
    private static Vector512<ulong> Rotl(Vector512<ulong> x, [ConstantExpected] byte k) =>
        Avx512F.IsSupported ? Avx512F.RotateLeft(x, k) : (x << k) | (x >>> (64 - k));
}

/// <summary>Lanes 0-3 and 4-7 in two 256-bit vectors per state word (AVX2).</summary>
internal struct XoshiroLanes256 : IXoshiroLanes<XoshiroLanes256>
{
    internal Vector256<ulong> A0, A1, A2, A3, B0, B1, B2, B3;

    public static XoshiroLanes256 ForStream(ulong seed, ulong index)
    {
        var x8 = Xoshiro256StarStarX8.ForStream(seed, index);
        return new XoshiroLanes256
        {
            A0 = x8._a0, A1 = x8._a1, A2 = x8._a2, A3 = x8._a3,
            B0 = x8._b0, B1 = x8._b1, B2 = x8._b2, B3 = x8._b3,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the hot loop's draw: two vector stores
    public void Next(ref ulong into)
    {
        Unsafe.As<ulong, Vector256<ulong>>(ref into) = Xoshiro256StarStarX8.Step(ref A0, ref A1, ref A2, ref A3);
        Unsafe.As<ulong, Vector256<ulong>>(ref Unsafe.Add(ref into, 4)) = Xoshiro256StarStarX8.Step(ref B0, ref B1, ref B2, ref B3);
    }
}

/// <summary>Lanes in pairs, four 128-bit vectors per state word (SSE2, AdvSimd on ARM64).</summary>
internal struct XoshiroLanes128 : IXoshiroLanes<XoshiroLanes128>
{
    internal Vector128<ulong> A0, A1, A2, A3, B0, B1, B2, B3, C0, C1, C2, C3, D0, D1, D2, D3;

    public static XoshiroLanes128 ForStream(ulong seed, ulong index)
    {
        Span<ulong> s = stackalloc ulong[4 * XoshiroLaneSeeds.Lanes];
        XoshiroLaneSeeds.Fill(seed, index, s);
        static Vector128<ulong> V(ReadOnlySpan<ulong> s, int w, int pair) => Vector128.Create(s[w * 8 + 2 * pair], s[w * 8 + 2 * pair + 1]);
        return new XoshiroLanes128
        {
            A0 = V(s, 0, 0), A1 = V(s, 1, 0), A2 = V(s, 2, 0), A3 = V(s, 3, 0),
            B0 = V(s, 0, 1), B1 = V(s, 1, 1), B2 = V(s, 2, 1), B3 = V(s, 3, 1),
            C0 = V(s, 0, 2), C1 = V(s, 1, 2), C2 = V(s, 2, 2), C3 = V(s, 3, 2),
            D0 = V(s, 0, 3), D1 = V(s, 1, 3), D2 = V(s, 2, 3), D3 = V(s, 3, 3),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the hot loop's draw: four vector stores
    public void Next(ref ulong into)
    {
        Unsafe.As<ulong, Vector128<ulong>>(ref into) = Step(ref A0, ref A1, ref A2, ref A3);
        Unsafe.As<ulong, Vector128<ulong>>(ref Unsafe.Add(ref into, 2)) = Step(ref B0, ref B1, ref B2, ref B3);
        Unsafe.As<ulong, Vector128<ulong>>(ref Unsafe.Add(ref into, 4)) = Step(ref C0, ref C1, ref C2, ref C3);
        Unsafe.As<ulong, Vector128<ulong>>(ref Unsafe.Add(ref into, 6)) = Step(ref D0, ref D1, ref D2, ref D3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a dozen vector ops
    private static Vector128<ulong> Step(ref Vector128<ulong> s0, ref Vector128<ulong> s1, ref Vector128<ulong> s2, ref Vector128<ulong> s3)
    {
        var x5 = (s1 << 2) + s1;
        var r = (x5 << 7) | (x5 >>> 57);
        var result = (r << 3) + r;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >>> 19);
        return result;
    }
}

/// <summary>Eight scalar generators, one after another (no vector unit needed).</summary>
internal struct XoshiroLanesScalar : IXoshiroLanes<XoshiroLanesScalar>
{
    internal Xoshiro256StarStar L0, L1, L2, L3, L4, L5, L6, L7;

    public static XoshiroLanesScalar ForStream(ulong seed, ulong index) => new()
    {
        L0 = Xoshiro256StarStarX8.Lane(seed, index, 0), L1 = Xoshiro256StarStarX8.Lane(seed, index, 1),
        L2 = Xoshiro256StarStarX8.Lane(seed, index, 2), L3 = Xoshiro256StarStarX8.Lane(seed, index, 3),
        L4 = Xoshiro256StarStarX8.Lane(seed, index, 4), L5 = Xoshiro256StarStarX8.Lane(seed, index, 5),
        L6 = Xoshiro256StarStarX8.Lane(seed, index, 6), L7 = Xoshiro256StarStarX8.Lane(seed, index, 7),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // eight scalar steps
    public void Next(ref ulong into)
    {
        into = L0.NextUInt64();
        Unsafe.Add(ref into, 1) = L1.NextUInt64();
        Unsafe.Add(ref into, 2) = L2.NextUInt64();
        Unsafe.Add(ref into, 3) = L3.NextUInt64();
        Unsafe.Add(ref into, 4) = L4.NextUInt64();
        Unsafe.Add(ref into, 5) = L5.NextUInt64();
        Unsafe.Add(ref into, 6) = L6.NextUInt64();
        Unsafe.Add(ref into, 7) = L7.NextUInt64();
    }
}
