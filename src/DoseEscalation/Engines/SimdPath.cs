using System.Runtime.Intrinsics;

namespace DoseEscalation.Engines;

/// <summary>The SIMD paths of this CPU, decided at run time from what the runtime reports as hardware accelerated.</summary>
public static class SimdPaths
{
    /// <summary>The widest accelerated path (the one <see cref="SimdPath.Auto"/> runs).</summary>
    public static SimdPath Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdPath.Vector512
        : Vector256.IsHardwareAccelerated ? SimdPath.Vector256
        : Vector128.IsHardwareAccelerated ? SimdPath.Vector128
        : SimdPath.Scalar;

    /// <summary>Whether <paramref name="path"/> runs on this CPU's vector unit (scalar always does).</summary>
    public static bool IsAccelerated(SimdPath path) => path switch
    {
        SimdPath.Auto or SimdPath.Scalar => true,
        SimdPath.Vector128 => Vector128.IsHardwareAccelerated,
        SimdPath.Vector256 => Vector256.IsHardwareAccelerated,
        SimdPath.Vector512 => Vector512.IsHardwareAccelerated,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "unknown SIMD path"),
    };

    /// <summary>The accelerated paths, widest first, ending with <see cref="SimdPath.Scalar"/>.</summary>
    public static IReadOnlyList<SimdPath> Accelerated { get; } =
        new[] { SimdPath.Vector512, SimdPath.Vector256, SimdPath.Vector128, SimdPath.Scalar }.Where(IsAccelerated).ToArray();

    /// <summary>A short name for reports: "AVX-512", "AVX2", "128-bit", "scalar".</summary>
    public static string Describe(SimdPath path) => Resolve(path) switch
    {
        SimdPath.Vector512 => "Vector512 (AVX-512)",
        SimdPath.Vector256 => "Vector256 (AVX2)",
        SimdPath.Vector128 => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64
            ? "Vector128 (AdvSimd)" : "Vector128 (SSE2)",
        _ => "scalar",
    };

    internal static SimdPath Resolve(SimdPath path) => path == SimdPath.Auto ? Best : path;
}
