using System.Numerics;
using System.Runtime.CompilerServices;

namespace DoseEscalation.Rng;

/// <summary>
/// xoshiro256** 1.0 (Blackman &amp; Vigna 2018), the reference algorithm from xoshiro256starstar.c.
/// A mutable struct: pass it by ref, never store it in a readonly field (it would be copied).
/// </summary>
public struct Xoshiro256StarStar : IRandomSource
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>State from four words, as the reference code's s[0..3]. Not all zero.</summary>
    public Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0) throw new ArgumentException("xoshiro256** state must not be all zero.");
        _s0 = s0; _s1 = s1; _s2 = s2; _s3 = s3;
    }

    /// <summary>Seeds the state with four SplitMix64 outputs, as the reference authors recommend.</summary>
    public static Xoshiro256StarStar FromSeed(ulong seed)
    {
        var sm = new SplitMix64(seed);
        return new Xoshiro256StarStar(sm.NextUInt64(), sm.NextUInt64(), sm.NextUInt64(), sm.NextUInt64());
    }

    /// <summary>The generator of stream <paramref name="index"/> (e.g. a batch) under master <paramref name="seed"/>.</summary>
    public static Xoshiro256StarStar ForStream(ulong seed, ulong index) => FromSeed(SplitMix64.StreamSeed(seed, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a dozen ALU ops; must inline into the trial loop
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }
}
