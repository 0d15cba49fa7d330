using DoseEscalation.Numerics;

namespace DoseEscalation.Tests.Numerics;

public class IsotonicRegressionTests
{
    [Fact]
    public void Monotone_input_is_unchanged()
    {
        double[] v = [0.1, 0.2, 0.2, 0.5];
        IsotonicRegression.FitInPlace(v);
        Assert.Equal([0.1, 0.2, 0.2, 0.5], v);
    }

    [Fact]
    public void Unweighted_violators_are_pooled_to_their_mean()
    {
        double[] v = [1, 3, 2, 4, 3.5, 0];
        IsotonicRegression.FitInPlace(v);
        // 3,2 -> 2.5; then 4,3.5,0 -> 2.5, which pools back with the 2.5s: (3+2+4+3.5+0)/5.
        Assert.Equal(1, v[0], 12);
        for (int i = 1; i < 6; i++) Assert.Equal(12.5 / 5, v[i], 12);
    }

    [Fact]
    public void Weighted_pool_is_the_weighted_mean()
    {
        double[] y = [0.5, 0.1];
        double[] w = [1, 3];
        var fit = new double[2];
        IsotonicRegression.Fit(y, w, fit);
        Assert.Equal((0.5 + 0.3) / 4, fit[0], 15);
        Assert.Equal(fit[0], fit[1]);
    }

    [Fact]
    public void Result_is_non_decreasing_and_preserves_the_weighted_sum()
    {
        var rng = new System.Random(7);
        for (int t = 0; t < 200; t++)
        {
            int n = rng.Next(1, 12);
            var y = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            var w = Enumerable.Range(0, n).Select(_ => 0.1 + rng.NextDouble()).ToArray();
            var fit = new double[n];
            IsotonicRegression.Fit(y, w, fit);
            for (int i = 1; i < n; i++) Assert.True(fit[i] >= fit[i - 1]);
            Assert.Equal(y.Zip(w, (a, b) => a * b).Sum(), fit.Zip(w, (a, b) => a * b).Sum(), 10);
        }
    }

    [Fact]
    public void Large_inputs_work_beyond_the_stack_buffer()
    {
        var v = Enumerable.Range(0, 1000).Select(i => (double)(1000 - i)).ToArray();
        IsotonicRegression.FitInPlace(v);
        Assert.All(v, x => Assert.Equal(500.5, x, 9));
    }

    [Fact]
    public void Does_not_allocate_for_small_inputs()
    {
        double[] v = [0.3, 0.1, 0.2, 0.6, 0.4];
        double[] w = [1, 2, 3, 4, 5];
        IsotonicRegression.FitInPlace(v, w);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) IsotonicRegression.FitInPlace(v, w);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Bad_weights_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IsotonicRegression.FitInPlace(new double[] { 1, 2 }, new double[] { 1, 0 }));
        Assert.Throws<ArgumentException>(() => IsotonicRegression.FitInPlace(new double[] { 1, 2 }, new double[] { 1 }));
    }
}
