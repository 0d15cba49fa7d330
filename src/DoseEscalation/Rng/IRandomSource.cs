namespace DoseEscalation.Rng;

/// <summary>A source of uniform 64-bit words. Implemented by structs and passed by ref so the JIT specializes.</summary>
public interface IRandomSource
{
    ulong NextUInt64();
}

public static class RandomSourceExtensions
{
    /// <summary>A uniform integer in [0, 2^53): the top 53 bits, the resolution of a double in [0,1).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // one shift; callers are hot loops
    public static ulong Next53<T>(ref this T rng) where T : struct, IRandomSource => rng.NextUInt64() >> 11;

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // one shift and multiply
    public static double NextDouble<T>(ref this T rng) where T : struct, IRandomSource => (rng.NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
