using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;

namespace DoseEscalation.Tests.Calendar;

public class CalendarCompareTests
{
    private static readonly Scenario Five = new("s", [0.05, 0.10, 0.20, 0.35, 0.50]);
    private static readonly Timeline Paper = new() { Accrual = AccrualKind.Poisson, RatePerMonth = Timeline.DaysPerMonth / 10, DltWindowDays = 28, MaxWaiting = 0 };

    [Fact]
    public void A_design_against_itself_differs_by_exactly_zero()
    {
        var c = CalendarCompare.Run([Design.ThreePlusThree(5), Design.ThreePlusThree(5)], Five, 0.3, Paper, new MonteCarloOptions { Trials = 5_000, Seed = 4 });
        Assert.Equal(new PairedDuration(0, 0, 0), c.AgainstFirst[1]);
        Assert.Equal(c.Results[0].Duration.Mean, c.Results[1].Duration.Mean);
    }

    [Fact]
    public void Paired_differences_equal_the_difference_of_means_with_a_smaller_error()
    {
        var options = new MonteCarloOptions { Trials = 20_000, Seed = 2008, BatchSize = 5_000 };
        var c = CalendarCompare.Run([Design.ThreePlusThree(5), new RollingSix(5)], Five, 0.3, Paper, options);
        var (three, six) = (c.Results[0].Duration, c.Results[1].Duration);
        var paired = c.AgainstFirst[1];
        Assert.Equal(six.Mean - three.Mean, paired.MeanDifference, 6);
        double unpairedSe = Math.Sqrt(Math.Pow(three.StandardError(options.Trials), 2) + Math.Pow(six.StandardError(options.Trials), 2));
        Assert.True(paired.Se < unpairedSe, $"paired SE {paired.Se} vs unpaired {unpairedSe}");
        Assert.True(paired.MeanDifference < -4 * paired.Se); // the rolling six is shorter, as in docs/designs/rolling-six.md
        Assert.InRange(paired.ShareShorter, 0.5, 1);
        // Same results on one and two threads.
        var again = CalendarCompare.Run([Design.ThreePlusThree(5), new RollingSix(5)], Five, 0.3, Paper, options with { Threads = 1 });
        Assert.Equal(paired, again.AgainstFirst[1]);
    }
}
