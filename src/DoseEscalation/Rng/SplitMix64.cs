using System.Runtime.CompilerServices;

namespace DoseEscalation.Rng;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014; Vigna's reference splitmix64.c). Used to expand a seed into
/// generator state and to derive independent per-batch seeds.
/// </summary>
public struct SplitMix64 : IRandomSource
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // three multiplies/xors; used while seeding batches
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        return Mix(z);
    }

    /// <summary>The SplitMix64 output function (a bijective finaliser).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // pure arithmetic
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// The seed of stream <paramref name="index"/> under master <paramref name="seed"/>: two rounds of the
    /// finaliser, so nearby (seed, index) pairs give unrelated streams. A pure function: any batch can
    /// be rerun anywhere.
    /// </summary>
    public static ulong StreamSeed(ulong seed, ulong index) => Mix(Mix(seed) ^ (index * 0xD1B54A32D192ED03UL + 0x8CB92BA72F3D8DD7UL));
}
