using DoseEscalation;
using DoseEscalation.Engines;
using MathNet.Numerics;

namespace DoseEscalation.Tests.Engines;

public class ComparisonEngineTests
{
    private static readonly Scenario Three = new("s", [0.10, 0.25, 0.45]);

    [Fact]
    public void Each_design_agrees_with_its_exact_OCs()
    {
        IDesign[] designs = [Design.ThreePlusThree(3), Design.Boin(3, 0.3, 3, 18), Design.ThreePlusThree(3, false, false)];
        var result = ComparisonEngine.Run(designs, Three, 0.3, new MonteCarloOptions { Trials = 100_000, Seed = 4 }, 18);
        for (int j = 0; j < designs.Length; j++)
            Agreement.Within4Se(ExactEngine.Run(designs[j], Three, 0.3), result.Designs[j].Oc);
    }

    [Fact]
    public void Graph_walk_and_Decide_loop_see_the_same_patients_and_give_identical_results()
    {
        IDesign[] designs = [Design.ThreePlusThree(3), Design.Boin(3, 0.3, 3, 18), Design.Crm([0.1, 0.2, 0.3], 0.3, maxN: 12)];
        var o = new MonteCarloOptions { Trials = 20_000, Seed = 9 };
        var walked = ComparisonEngine.Run(designs, Three, 0.3, o, 18);
        var decided = ComparisonEngine.Run(designs, Three, 0.3, o with { MaxStates = 1 }, 18); // no graph fits: Decide every cohort
        for (int j = 0; j < designs.Length; j++)
        {
            Assert.Equal(walked.Designs[j].Oc.Selection, decided.Designs[j].Oc.Selection);
            Assert.Equal(walked.Designs[j].Oc.MeanPatients, decided.Designs[j].Oc.MeanPatients);
            Assert.Equal(walked.Designs[j].CorrectSelectionDifference, decided.Designs[j].CorrectSelectionDifference);
        }
    }

    [Fact]
    public void A_design_against_itself_differs_by_exactly_zero()
    {
        IDesign[] designs = [Design.ThreePlusThree(3), Design.ThreePlusThree(3)];
        var result = ComparisonEngine.Run(designs, Three, 0.3, new MonteCarloOptions { Trials = 20_000, Seed = 4 }, 0);
        Assert.Equal(new Estimate(0, 0), result.Designs[1].CorrectSelectionDifference);
        Assert.Equal(new Estimate(0, 0), result.Designs[1].ShareAboveDifference);
        Assert.Equal(result.Designs[0].Oc.Selection, result.Designs[1].Oc.Selection);
        Assert.Null(result.BenchmarkCorrectSelection);
    }

    [Fact]
    public void Paired_difference_is_the_difference_of_the_two_estimates_with_a_smaller_error()
    {
        IDesign[] designs = [Design.ThreePlusThree(3), Design.ThreePlusThree(3, deescalate: false, expandTopDose: false)];
        var r = ComparisonEngine.Run(designs, Three, 0.3, new MonteCarloOptions { Trials = 100_000, Seed = 8 }, 0);
        var a = r.Designs[0].Oc.CorrectSelection;
        var b = r.Designs[1].Oc.CorrectSelection;
        Assert.Equal(b.Value - a.Value, r.Designs[1].CorrectSelectionDifference.Value, 12);
        // Common random numbers: the paired SE is below the SE of a difference of independent estimates.
        Assert.True(r.Designs[1].CorrectSelectionDifference.Se < Math.Sqrt(a.Se * a.Se + b.Se * b.Se));
    }

    [Theory]
    [InlineData(30)]
    [InlineData(12)]
    public void Benchmark_agrees_with_its_exact_multinomial_value(int n)
    {
        // Tolerances fall in [0,p1), [p1,p2), [p2,p3), [p3,1) with multinomial counts; dose d's DLT
        // count is the number below p_d. Enumerate every count vector exactly.
        double[] p = [.. Three.Dlt];
        double[] cell = [p[0], p[1] - p[0], p[2] - p[1], 1 - p[2]];
        int mtd = Three.TrueMtdLevel(0.3);
        double exact = 0;
        for (int c0 = 0; c0 <= n; c0++)
            for (int c1 = 0; c0 + c1 <= n; c1++)
                for (int c2 = 0; c0 + c1 + c2 <= n; c2++)
                {
                    int c3 = n - c0 - c1 - c2;
                    int[] x = [c0, c0 + c1, c0 + c1 + c2];
                    int best = 0;
                    double gap = double.MaxValue;
                    for (int d = 0; d < 3; d++)
                    {
                        double g = Math.Abs((double)x[d] / n - 0.3);
                        if (g < gap - 1e-12) { gap = g; best = d; }
                    }
                    if (best != mtd) continue;
                    double logP = SpecialFunctions.FactorialLn(n) - SpecialFunctions.FactorialLn(c0) - SpecialFunctions.FactorialLn(c1)
                        - SpecialFunctions.FactorialLn(c2) - SpecialFunctions.FactorialLn(c3)
                        + c0 * Math.Log(cell[0]) + c1 * Math.Log(cell[1]) + c2 * Math.Log(cell[2]) + c3 * Math.Log(cell[3]);
                    exact += Math.Exp(logP);
                }
        var r = ComparisonEngine.Run([Design.ThreePlusThree(3)], Three, 0.3, new MonteCarloOptions { Trials = 200_000, Seed = 21 }, n);
        var b = r.BenchmarkCorrectSelection!.Value;
        Assert.True(Math.Abs(b.Value - exact) <= 4 * b.Se, $"benchmark {b} vs exact {exact}");
    }

    [Fact]
    public void Results_do_not_depend_on_thread_count()
    {
        IDesign[] designs = [Design.ThreePlusThree(3), Design.Boin(3, 0.3, 3, 18)];
        var o = new MonteCarloOptions { Trials = 50_001, Seed = 3, BatchSize = 5_000 };
        var one = ComparisonEngine.Run(designs, Three, 0.3, o with { Threads = 1 }, 18);
        var two = ComparisonEngine.Run(designs, Three, 0.3, o with { Threads = 2 }, 18);
        for (int j = 0; j < 2; j++)
        {
            Assert.Equal(one.Designs[j].Oc.Selection, two.Designs[j].Oc.Selection);
            Assert.Equal(one.Designs[j].CorrectSelectionDifference, two.Designs[j].CorrectSelectionDifference);
        }
        Assert.Equal(one.BenchmarkCorrectSelection, two.BenchmarkCorrectSelection);
    }
}
