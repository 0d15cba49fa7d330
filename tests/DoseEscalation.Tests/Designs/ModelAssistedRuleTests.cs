using DoseEscalation;
using DoseEscalation.Designs;

namespace DoseEscalation.Tests.Designs;

public class ModelAssistedRuleTests
{
    // Target 0.3, epsilon 0.05, the first two cohorts, where mTPI-2, Keyboard and i3+3 agree:
    // E at 0/3, S at 1/3, D at 2/3, DU at 3/3; E at <= 1/6, S at 2/6, D at 3/6, DU at >= 4/6.
    public static TheoryData<IDesign> Designs() => new() { Design.Mtpi2(5, 0.3), Design.Keyboard(5, 0.3), Design.IThreePlusThree(5, 0.3) };

    [Theory]
    [MemberData(nameof(Designs))]
    public void First_two_cohorts_at_target_030(IDesign design)
    {
        var rows = DecisionTable.For(design).Rows;
        Assert.Equal([0], rows[0].Escalate);
        Assert.Equal([1], rows[0].Stay);
        Assert.Equal([2, 3], rows[0].Deescalate);
        Assert.Equal([3], rows[0].Eliminate);
        Assert.Equal([0, 1], rows[1].Escalate);
        Assert.Equal([2], rows[1].Stay);
        Assert.Equal([3, 4, 5, 6], rows[1].Deescalate);
        Assert.Equal([4, 5, 6], rows[1].Eliminate);
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void Rules_in_outcome_notation(IDesign design)
    {
        Assert.Equal(Outcomes.Parse("treat 3 at 1"), Outcomes.Decide(design, ""));
        Assert.Equal(Outcomes.Parse("treat 3 at 2"), Outcomes.Decide(design, "1NNN"));
        Assert.Equal(Outcomes.Parse("treat 3 at 2"), Outcomes.Decide(design, "1NNN 2NTN"));
        Assert.Equal(Outcomes.Parse("treat 3 at 1"), Outcomes.Decide(design, "1NNN 2NTT"));
        Assert.Equal(Outcomes.Parse("treat 3 at 1"), Outcomes.Decide(design, "1NNN 2TTT"));       // dose 2 eliminated
        Assert.Equal(Outcomes.Parse("treat 3 at 1"), Outcomes.Decide(design, "1NNN 2TTT 1NNN")); // and stays out
        Assert.Equal(Outcomes.Parse("none"), Outcomes.Decide(design, "1TTT"));
        Assert.Equal(Outcomes.Parse("treat 3 at 1"), Outcomes.Decide(design, "1NTT"));           // D at dose 1: stay
    }

    // The keys of Yan et al. (2017) for target 0.3: width 0.1 outward from [0.25, 0.35], incomplete keys at both ends.
    [Fact]
    public void Keyboard_keys_for_target_030()
    {
        var keys = Design.Keyboard(3, 0.3).Breaks;
        double[] expected = [0, 0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95, 1];
        Assert.Equal(expected.Length, keys.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], keys[i], 12);
    }

    [Fact]
    public void Keys_that_tile_exactly_leave_no_sliver()
    {
        var keys = Design.Keyboard(3, 0.25).Breaks;
        Assert.Equal(11, keys.Count); // 0, 0.1, ..., 1
        Assert.Equal(0.1, keys[1], 12);
    }

    // mTPI-2 and Keyboard choose the same interval (Yan et al. 2017; Ji & Yang 2017): the Keyboard
    // score is the unit probability mass times the common width. They may differ only on exact ties.
    [Theory]
    [InlineData(0.15, 0.05, 0.05)]
    [InlineData(0.2, 0.05, 0.05)]
    [InlineData(0.25, 0.05, 0.05)]
    [InlineData(0.3, 0.05, 0.05)]
    [InlineData(0.33, 0.03, 0.07)]
    [InlineData(0.4, 0.05, 0.05)]
    public void Mtpi2_and_Keyboard_tables_coincide(double target, double e1, double e2)
    {
        var m = Design.Mtpi2(3, target, cohortSize: 1, maxN: 30, epsilon1: e1, epsilon2: e2);
        var k = Design.Keyboard(3, target, cohortSize: 1, maxN: 30, epsilon1: e1, epsilon2: e2);
        for (int n = 1; n <= 30; n++)
            for (int x = 0; x <= n; x++)
                Assert.True(m.ActionAt(n, x) == k.ActionAt(n, x), $"n={n} x={x}: {m.ActionAt(n, x)} vs {k.ActionAt(n, x)}");
    }

    // i3+3 (Liu, Wang & Ji 2020) at target 0.25, EI [0.20, 0.30]: 1/3 is above the interval but 0/3
    // is below it, so the design stays, as the 3+3 would.
    [Theory]
    [InlineData(3, 0, IntervalAction.Escalate)]
    [InlineData(3, 1, IntervalAction.Stay)]
    [InlineData(3, 2, IntervalAction.Deescalate)]
    [InlineData(5, 1, IntervalAction.Stay)]        // 0.2 is on the interval's edge: inside
    [InlineData(6, 1, IntervalAction.Escalate)]    // 0.167 below
    [InlineData(6, 2, IntervalAction.Stay)]        // 0.333 above, 0.167 below
    [InlineData(6, 3, IntervalAction.Deescalate)]
    [InlineData(10, 3, IntervalAction.Stay)]       // 0.3 on the edge: inside
    [InlineData(10, 4, IntervalAction.Deescalate)] // 0.4 above, 0.3 not below
    public void I3plus3_rule_at_target_025(int n, int x, IntervalAction expected) =>
        Assert.Equal(expected, Design.IThreePlusThree(3, 0.25, maxN: 30, epsilon1: 0.05, epsilon2: 0.05).ActionAt(n, x));

    [Fact]
    public void I3plus3_differs_from_mTPI2_where_the_rate_minus_one_DLT_falls_below_the_interval()
    {
        // Target 0.25 at 1/3: mTPI-2's most likely interval is above the EI (de-escalate), i3+3 stays.
        var i3 = Design.IThreePlusThree(3, 0.25);
        var m2 = Design.Mtpi2(3, 0.25);
        Assert.Equal(IntervalAction.Stay, i3.ActionAt(3, 1));
        Assert.NotEqual(IntervalAction.Stay, m2.ActionAt(3, 1));
    }

    [Theory]
    [InlineData(0.0, 0.05)]
    [InlineData(0.05, 0.0)]
    [InlineData(0.3, 0.05)]
    [InlineData(0.05, 0.7)]
    public void Bad_intervals_are_rejected(double e1, double e2)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Design.Mtpi2(3, 0.3, epsilon1: e1, epsilon2: e2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Design.Keyboard(3, 0.3, epsilon1: e1, epsilon2: e2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Design.IThreePlusThree(3, 0.3, epsilon1: e1, epsilon2: e2));
    }

    [Fact]
    public void ThreePlusThree_table_has_two_rows()
    {
        var rows = DecisionTable.For(Design.ThreePlusThree(3)).Rows;
        Assert.Equal([3, 6], rows.Select(r => r.Patients));
        Assert.Equal([0], rows[0].Escalate);
        Assert.Equal([1], rows[0].Stay);
        Assert.Equal([0, 1], rows[1].Escalate);
        Assert.Equal(2, rows[1].DeescalateAtLeast);
    }
}
