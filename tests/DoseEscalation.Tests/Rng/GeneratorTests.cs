using DoseEscalation.Rng;

namespace DoseEscalation.Tests.Rng;

// Expected values printed by the reference C code of Blackman & Vigna (xoshiro256starstar.c and
// splitmix64.c), compiled with gcc.
public class GeneratorTests
{
    [Fact]
    public void Xoshiro256StarStar_matches_reference_from_state_1_2_3_4()
    {
        var rng = new Xoshiro256StarStar(1, 2, 3, 4);
        ulong[] expected = [11520UL, 0UL, 1509978240UL, 1215971899390074240UL, 1216172134540287360UL, 607988272756665600UL];
        foreach (ulong e in expected) Assert.Equal(e, rng.NextUInt64());
    }

    [Fact]
    public void SplitMix64_matches_reference_from_seed_1234567()
    {
        var rng = new SplitMix64(1234567);
        ulong[] expected = [6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL, 4593380528125082431UL, 16408922859458223821UL];
        foreach (ulong e in expected) Assert.Equal(e, rng.NextUInt64());
    }

    [Fact]
    public void Seeding_through_SplitMix64_matches_reference()
    {
        var rng = Xoshiro256StarStar.FromSeed(42);
        ulong[] expected = [1546998764402558742UL, 6990951692964543102UL, 12544586762248559009UL, 17057574109182124193UL];
        foreach (ulong e in expected) Assert.Equal(e, rng.NextUInt64());
    }

    [Fact]
    public void Streams_differ_and_are_reproducible()
    {
        var a = Xoshiro256StarStar.ForStream(7, 0);
        var b = Xoshiro256StarStar.ForStream(7, 1);
        var a2 = Xoshiro256StarStar.ForStream(7, 0);
        ulong x = a.NextUInt64();
        Assert.NotEqual(x, b.NextUInt64());
        Assert.Equal(x, a2.NextUInt64());
    }

    [Fact]
    public void All_zero_state_is_rejected() => Assert.Throws<ArgumentException>(() => new Xoshiro256StarStar(0, 0, 0, 0));

    [Fact]
    public void NextDouble_is_in_unit_interval_with_mean_one_half()
    {
        var rng = Xoshiro256StarStar.FromSeed(3);
        double sum = 0;
        const int n = 1_000_000;
        for (int i = 0; i < n; i++)
        {
            double u = rng.NextDouble();
            Assert.InRange(u, 0.0, 0.9999999999999999);
            sum += u;
        }
        // mean of U(0,1) has SE sqrt(1/12/n) = 2.9e-4; allow 4 SE
        Assert.InRange(sum / n, 0.5 - 4 * 2.9e-4, 0.5 + 4 * 2.9e-4);
    }
}
