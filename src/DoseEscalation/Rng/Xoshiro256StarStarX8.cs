using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DoseEscalation.Rng;

/// <summary>
/// Eight independent xoshiro256** streams advanced together in two 256-bit vectors (AVX2 lanes).
/// Lane j produces exactly the sequence a scalar <see cref="Xoshiro256StarStar"/> with the same
/// state would, so results do not depend on whether the hardware has vectors.
/// </summary>
public struct Xoshiro256StarStarX8
{
    public const int Lanes = 8;
    // Public so a hot loop can copy the state into locals (kept in registers) and step it with
    // <see cref="Step"/>; a ref to a field would pin the state in memory.
    internal Vector256<ulong> _a0, _a1, _a2, _a3; // lanes 0-3
    internal Vector256<ulong> _b0, _b1, _b2, _b3; // lanes 4-7

    /// <summary>Lane j is seeded like <c>Xoshiro256StarStar.ForStream(streamSeed, j)</c>.</summary>
    public static Xoshiro256StarStarX8 ForStream(ulong seed, ulong index)
    {
        ulong stream = SplitMix64.StreamSeed(seed, index);
        Span<ulong> s = stackalloc ulong[4 * Lanes];
        for (int j = 0; j < Lanes; j++)
        {
            var sm = new SplitMix64(SplitMix64.StreamSeed(stream, (ulong)j));
            for (int w = 0; w < 4; w++) s[w * Lanes + j] = sm.NextUInt64();
        }
        var g = new Xoshiro256StarStarX8();
        g._a0 = Vector256.Create(s[0], s[1], s[2], s[3]);
        g._b0 = Vector256.Create(s[4], s[5], s[6], s[7]);
        g._a1 = Vector256.Create(s[8], s[9], s[10], s[11]);
        g._b1 = Vector256.Create(s[12], s[13], s[14], s[15]);
        g._a2 = Vector256.Create(s[16], s[17], s[18], s[19]);
        g._b2 = Vector256.Create(s[20], s[21], s[22], s[23]);
        g._a3 = Vector256.Create(s[24], s[25], s[26], s[27]);
        g._b3 = Vector256.Create(s[28], s[29], s[30], s[31]);
        return g;
    }

    /// <summary>The scalar generator of lane <paramref name="lane"/> as <see cref="ForStream"/> seeds it (for tests).</summary>
    public static Xoshiro256StarStar Lane(ulong seed, ulong index, int lane) =>
        Xoshiro256StarStar.FromSeed(SplitMix64.StreamSeed(SplitMix64.StreamSeed(seed, index), (ulong)lane));

    /// <summary>Writes the next output of each of the 8 lanes into <paramref name="into"/>[0..7].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the body of the hot loop's draw
    public void Next8(Span<ulong> into)
    {
        Step(ref _a0, ref _a1, ref _a2, ref _a3).CopyTo(into);
        Step(ref _b0, ref _b1, ref _b2, ref _b3).CopyTo(into[4..]);
    }

    /// <summary>As <see cref="Step"/>, for state the caller keeps in locals (inlined, so the refs vanish).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // must inline or the locals become memory
    internal static Vector256<ulong> StepLocal(ref Vector256<ulong> s0, ref Vector256<ulong> s1, ref Vector256<ulong> s2, ref Vector256<ulong> s3) =>
        Step(ref s0, ref s1, ref s2, ref s3);

    /// <summary>One xoshiro256** step of four lanes held in <paramref name="s0"/>..<paramref name="s3"/>; returns their outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a dozen vector ops
    internal static Vector256<ulong> Step(ref Vector256<ulong> s0, ref Vector256<ulong> s1, ref Vector256<ulong> s2, ref Vector256<ulong> s3)
    {
        var x5 = (s1 << 2) + s1;                      // s1 * 5
        var r = (x5 << 7) | (x5 >>> 57);               // rotl(.., 7)
        var result = (r << 3) + r;                     // * 9
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >>> 19);                 // rotl(s3, 45)
        return result;
    }
}
