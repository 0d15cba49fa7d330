using BenchmarkDotNet.Attributes;
using DoseEscalation.Rng;

namespace DoseEscalation.Benchmarks;

/// <summary>Cost of one 64-bit random word. Baseline: System.Random (seeded: Knuth's subtractive generator).</summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int Words = 1 << 20;

    [Benchmark(Baseline = true, OperationsPerInvoke = Words)]
    public ulong SystemRandom_seeded()
    {
        var r = new Random(1);
        ulong x = 0;
        for (int i = 0; i < Words; i++) x ^= (ulong)r.NextInt64();
        return x;
    }

    [Benchmark(OperationsPerInvoke = Words)]
    public ulong Xoshiro256StarStar_scalar()
    {
        var r = Xoshiro256StarStar.FromSeed(1);
        ulong x = 0;
        for (int i = 0; i < Words; i++) x ^= r.NextUInt64();
        return x;
    }

    [Benchmark(OperationsPerInvoke = Words)]
    public ulong Xoshiro256StarStar_eight_lanes()
    {
        var r = Xoshiro256StarStarX8.ForStream(1, 0);
        Span<ulong> u = stackalloc ulong[8];
        ulong x = 0;
        for (int i = 0; i < Words / 8; i++)
        {
            r.Next8(u);
            x ^= u[0] ^ u[1] ^ u[2] ^ u[3] ^ u[4] ^ u[5] ^ u[6] ^ u[7];
        }
        return x;
    }
}
