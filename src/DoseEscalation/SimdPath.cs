namespace DoseEscalation;

/// <summary>
/// Which vector width the compiled Monte Carlo walk advances its eight xoshiro256** lanes with.
/// Every path draws the same numbers and gives bit-identical results; only the speed differs.
/// </summary>
public enum SimdPath
{
    /// <summary>The widest path this CPU runs in hardware (<see cref="Engines.SimdPaths.Best"/>).</summary>
    Auto,
    /// <summary>No vector instructions: eight scalar generators.</summary>
    Scalar,
    /// <summary>128-bit vectors: SSE2 on x64, AdvSimd (NEON) on ARM64 and Apple Silicon.</summary>
    Vector128,
    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256,
    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512,
}
