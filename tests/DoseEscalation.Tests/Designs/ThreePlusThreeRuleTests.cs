using DoseEscalation;

namespace DoseEscalation.Tests.Designs;

public class ThreePlusThreeRuleTests
{
    // Three doses, de-escalation and top-dose expansion on (the defaults).
    [Theory]
    [InlineData("", "treat 3 at 1")]
    [InlineData("1NNN", "treat 3 at 2")]
    [InlineData("1NTN", "treat 3 at 1")]
    [InlineData("1NTN 1NNN", "treat 3 at 2")]
    [InlineData("1NTN 1NTN", "none")]
    [InlineData("1TTN", "none")]
    [InlineData("1TTT", "none")]
    [InlineData("1NNN 2NTN", "treat 3 at 2")]
    [InlineData("1NNN 2NTN 2NNN", "treat 3 at 3")]
    [InlineData("1NNN 2NTN 2NNT", "treat 3 at 1")]          // 2/6 at dose 2: dose 1 has only 3, expand it
    [InlineData("1NNN 2NTN 2NNT 1NNN", "select 1")]         // 0/6 at dose 1
    [InlineData("1NNN 2NTN 2NNT 1NNT", "select 1")]         // 1/6 at dose 1
    [InlineData("1NNN 2NTN 2NNT 1NTT", "none")]             // 2/6 at dose 1: too toxic, nothing below
    [InlineData("1NNN 2TTN", "treat 3 at 1")]
    [InlineData("1NTN 1NNN 2TTN", "select 1")]              // dose 1 already has 6 with 1 DLT
    [InlineData("1NNN 2NNN 3NNN", "treat 3 at 3")]          // top dose 0/3: expand
    [InlineData("1NNN 2NNN 3NNN 3NNT", "select 3")]
    [InlineData("1NNN 2NNN 3NNN 3NTT", "treat 3 at 2")]     // top too toxic after 6: confirm dose 2
    [InlineData("1NNN 2NNN 3NNN 3NTT 2NNN", "select 2")]
    [InlineData("1NNN 2NNN 3NNN 3NTT 2TTN", "treat 3 at 1")]
    [InlineData("1NNN 2NNN 3NNN 3NTT 2TTN 1NNT", "select 1")]
    [InlineData("1NNN 2NNN 3NTN", "treat 3 at 3")]
    [InlineData("1NNN 2NNN 3NTN 3NNN", "select 3")]
    [InlineData("1NNN 2NNN 3TTT", "treat 3 at 2")]
    [InlineData("1NNN 2NTN 2NNN 3TT", "select 2")]          // dose 2 has 1/6
    [InlineData("1NNN 2NTN 2NNN 3TTN", "select 2")]
    public void Deescalating_with_top_expansion(string outcomes, string expected) =>
        Assert.Equal(Outcomes.Parse(expected), Outcomes.Decide(Design.ThreePlusThree(3), outcomes));

    // Escalation only: stop at the first too-toxic dose; the top dose is selected after 0/3 or 1/6.
    [Theory]
    [InlineData("1NNN 2NTN 2NNT", "select 1")]   // dose 1 selected with 3 patients
    [InlineData("1NNN 2TTN", "select 1")]
    [InlineData("1TTN", "none")]
    [InlineData("1NTN 1TNN", "none")]
    [InlineData("1NNN 2NNN 3NNN", "select 3")]
    [InlineData("1NNN 2NNN 3TNN", "treat 3 at 3")]
    [InlineData("1NNN 2NNN 3TNN 3NNN", "select 3")]
    [InlineData("1NNN 2NNN 3TNN 3NTN", "select 2")]
    [InlineData("1NNN 2NNN 3TTT", "select 2")]
    public void Escalation_only(string outcomes, string expected) =>
        Assert.Equal(Outcomes.Parse(expected), Outcomes.Decide(Design.ThreePlusThree(3, deescalate: false, expandTopDose: false), outcomes));

    [Theory]
    [InlineData("1NNN 2NNN 3NNN", true, false, "select 3")]
    [InlineData("1NNN 2NNN 3NNN", false, true, "treat 3 at 3")]
    [InlineData("1NNN 2NTN 2NNT", false, true, "select 1")]
    [InlineData("1NNN 2NTN 2NNT", true, false, "treat 3 at 1")]
    public void Options_are_independent(string outcomes, bool deescalate, bool expandTop, string expected) =>
        Assert.Equal(Outcomes.Parse(expected), Outcomes.Decide(Design.ThreePlusThree(3, deescalate, expandTop), outcomes));

    [Theory]
    [InlineData("", "treat 3 at 2")]
    [InlineData("2TTN", "treat 3 at 1")]
    [InlineData("2TTN 1NNN", "treat 3 at 1")]      // dose 2 is too toxic: confirm dose 1 on six
    [InlineData("2TTN 1NNN 1NNN", "select 1")]
    public void Start_dose_above_one(string outcomes, string expected) =>
        Assert.Equal(Outcomes.Parse(expected), Outcomes.Decide(Design.ThreePlusThree(3, startDose: 2), outcomes));

    // A+B (Lin & Shih 2001) with A=3, B=3, C=1, D=2, E=2: 2/3 expands, <= 2/6 escalates.
    [Theory]
    [InlineData("1NTT", "treat 3 at 1")]
    [InlineData("1NTT 1NNN", "treat 3 at 2")]
    [InlineData("1NTT 1NTN", "none")]
    [InlineData("1TTT", "none")]
    [InlineData("1NNN 2TNT 2NNN 3TTT", "select 2")]
    public void AplusB_generalises_the_rule(string outcomes, string expected) =>
        Assert.Equal(Outcomes.Parse(expected), Outcomes.Decide(Design.AplusB(3, 3, 3, 1, 2, 2), outcomes));

    [Fact]
    public void ThreePlusThree_is_the_AplusB_with_3_3_1_1_1()
    {
        var d = Design.AplusB(4, 3, 3, 1, 1, 1);
        Assert.True(d.IsThreePlusThree);
        Assert.Equal("3+3", d.Name);
        Assert.Equal(24, d.MaxPatients);
    }

    [Theory]
    [InlineData(0, 3, 3, 1, 1, 1)]
    [InlineData(3, 0, 3, 1, 1, 1)]
    [InlineData(3, 3, 3, 2, 1, 1)]
    [InlineData(3, 3, 3, 1, 1, 7)]
    [InlineData(3, 3, 3, 1, 4, 4)]
    public void Invalid_parameters_are_rejected(int doses, int a, int b, int c, int d, int e) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Design.AplusB(doses, a, b, c, d, e));
}
