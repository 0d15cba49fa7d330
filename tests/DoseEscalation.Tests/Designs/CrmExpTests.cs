using System.Numerics;
using DoseEscalation.Designs;

namespace DoseEscalation.Tests.Designs;

/// <summary>The CRM posterior's exponential (Crm.ExpOrUnderflow) gives Vector.Exp's doubles, bit for bit, including vectors with lanes below exp's range.</summary>
public class CrmExpTests
{
    [Fact]
    public void The_short_cut_exponential_is_vector_exp_bit_for_bit()
    {
        var random = new Random(28);
        int width = Vector<double>.Count, underflowing = 0;
        var lanes = new double[width];
        for (int t = 0; t < 200_000; t++)
        {
            // Log-density differences as the posterior's nodes give them: near the mode, far in the tails, minus infinity past the range.
            double scale = (t % 4) switch { 0 => 40, 1 => 760, 2 => 5000, _ => 746 };
            for (int i = 0; i < width; i++) lanes[i] = -random.NextDouble() * scale;
            if (t % 10 == 0) lanes[random.Next(width)] = double.NegativeInfinity;
            if (t % 7 == 0) lanes[random.Next(width)] = 0;
            var x = new Vector<double>(lanes);
            var expected = Vector.Exp(x);
            var actual = Crm.ExpOrUnderflow(x);
            if (Vector.LessThanAny(x, new Vector<double>(-745.2))) underflowing++;
            for (int i = 0; i < width; i++)
                Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                    $"lanes [{string.Join(", ", lanes.Select(v => v.ToString("R")))}]: lane {i} Vector.Exp {expected[i]:R}, short cut {actual[i]:R}");
        }
        Assert.True(underflowing > 50_000, $"only {underflowing} vectors reached the short cut");
    }
}
