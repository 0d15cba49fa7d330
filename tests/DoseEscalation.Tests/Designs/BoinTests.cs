using DoseEscalation;
using DoseEscalation.Designs;

namespace DoseEscalation.Tests.Designs;

public class BoinTests
{
    private static readonly Boin Default = Design.Boin(5, 0.30, cohortSize: 3, maxN: 30);

    [Fact]
    public void Boundaries_match_Liu_and_Yuan_for_target_030()
    {
        Assert.Equal(0.2365, Default.LambdaE, 4);
        Assert.Equal(0.3585, Default.LambdaD, 4);
    }

    // BOIN R package get.boundary(target = 0.3, ncohort = 10, cohortsize = 3)$boundary_tab, as published.
    [Fact]
    public void Decision_table_matches_the_published_table()
    {
        var table = DecisionTable.For(Default);
        Assert.Equal(new[] { 3, 6, 9, 12, 15, 18, 21, 24, 27, 30 }, table.Rows.Select(r => r.Patients));
        Assert.Equal(new int?[] { 0, 1, 2, 2, 3, 4, 4, 5, 6, 7 }, table.Rows.Select(r => r.EscalateAtMost));
        Assert.Equal(new int?[] { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, table.Rows.Select(r => r.DeescalateAtLeast));
        Assert.Equal(new int?[] { 3, 4, 5, 7, 8, 9, 10, 11, 12, 14 }, table.Rows.Select(r => r.EliminateAtLeast));
    }

    [Fact]
    public void Rendered_table_has_the_get_boundary_layout()
    {
        string text = DecisionTable.For(Default).Render();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("Number of patients treated", lines[0]);
        Assert.EndsWith("14", lines[3].TrimEnd());
    }

    // Five doses, cohorts of 3, N = 30.
    [Theory]
    [InlineData("", "treat 3 at 1")]
    [InlineData("1NNN", "treat 3 at 2")]
    [InlineData("1NTN", "treat 3 at 1")]                  // 1/3 = 0.33: between the boundaries
    [InlineData("1TTN", "treat 3 at 1")]                  // de-escalation at dose 1 stays there
    [InlineData("1TTT", "none")]                          // 3/3 eliminates dose 1
    [InlineData("1NNN 2TTT", "treat 3 at 1")]             // dose 2 eliminated
    [InlineData("1NNN 2TTT 1NNN", "treat 3 at 1")]        // cannot escalate into an eliminated dose
    [InlineData("1NNN 2NTN 2NNN", "treat 3 at 3")]        // 1/6 <= 0.2365*6
    [InlineData("1NNN 2NTN 2NTN", "treat 3 at 2")]        // 2/6 stays
    [InlineData("1NNN 2NTN 2TTN", "treat 3 at 1")]        // 3/6 de-escalates
    [InlineData("1NNN 2NNN 3NNN 4NNN 5NNN", "treat 3 at 5")] // top dose: stay
    public void Rules_in_outcome_notation(string outcomes, string expected) =>
        Assert.Equal(Outcomes.Parse(expected), Outcomes.Decide(Default, outcomes));

    [Fact]
    public void Stops_at_the_maximum_sample_size_and_selects_by_isotonic_regression()
    {
        // select.mtd's example: n = (3, 3, 15, 9, 0), y = (0, 0, 4, 4, 0) selects dose 3.
        var d = Design.Boin(5, 0.3, maxN: 30);
        var decision = Outcomes.Decide(d, "1NNN 2NNN 3NNN 3NNN 3NNN 3NNT 3TTT 4NNN 4NNT 4TTT");
        Assert.Equal(Decision.Select(2), decision);
    }

    [Fact]
    public void Last_cohort_is_cut_to_the_maximum_sample_size()
    {
        var d = Design.Boin(3, 0.3, cohortSize: 3, maxN: 8);
        Assert.Equal(Decision.Treat(2, 2), Outcomes.Decide(d, "1NNN 2NNN"));
    }

    [Theory]
    [InlineData("1NNN 2NTN 2NTN", "select 2")]       // 6 at dose 2, stay: stop
    [InlineData("1NNN 2NNN 2NNN", "treat 3 at 3")]   // 0/6 escalates: n_earlystop does not stop an escalation
    [InlineData("1NNN 2NNN 3NNN 3NNN", "select 3")]  // top dose, would escalate: stop
    [InlineData("1NTT 1NNN", "select 1")]            // 2/6 at dose 1 stays: stop
    public void N_earlystop_stops_only_when_the_dose_is_kept(string outcomes, string expected) =>
        Assert.Equal(Outcomes.Parse(expected), Outcomes.Decide(Design.Boin(3, 0.3, nEarlystop: 6), outcomes));

    [Fact]
    public void Extra_safe_stops_earlier_at_dose_one()
    {
        // P(p1 > 0.3 | 2/3) = 0.9163 > 0.95 - 0.05: stop with extrasafe, continue without.
        Assert.Equal(0.9163, IntervalDesign.ProbabilityAboveTarget(0.3, 3, 2), 4);
        Assert.Equal(Decision.StopNoDose, Outcomes.Decide(Design.Boin(3, 0.3, extraSafe: true), "1NTT"));
        Assert.Equal(Decision.Treat(0, 3), Outcomes.Decide(Design.Boin(3, 0.3), "1NTT"));
    }

    [Fact]
    public void Bound_mtd_excludes_estimates_at_or_above_lambda_d()
    {
        // At N = 12: dose 1 0/3 (estimate 0.016), dose 2 4/9 (0.445 >= lambda_d = 0.3585). Dose 2 is
        // closer to 0.3, so it is selected unless boundMTD removes it.
        const string trial = "1NNN 2NTN 2NTN 2TTN";
        Assert.Equal(Decision.Select(1), Outcomes.Decide(Design.Boin(3, 0.3, maxN: 12), trial));
        Assert.Equal(Decision.Select(0), Outcomes.Decide(Design.Boin(3, 0.3, maxN: 12, boundMtd: true), trial));
        // Every tried dose at or above lambda_d: no dose.
        Assert.Equal(Decision.StopNoDose, Outcomes.Decide(Design.Boin(3, 0.3, maxN: 6, boundMtd: true), "1NTT 1NTN"));
    }

    [Fact]
    public void Selection_evaluates_elimination_from_zero_DLTs_as_select_mtd_does()
    {
        // Target 0.1, cutoff 0.5: P(p > 0.1 | 0/3) = 0.9^4 = 0.656 > 0.5. get.boundary's loop starts
        // at one DLT, so the trial goes on; select.mtd's direct check eliminates dose 1 at the end.
        Assert.Equal(Decision.Treat(1, 3), Outcomes.Decide(Design.Boin(3, 0.1, cutoffEli: 0.5, maxN: 6), "1NNN"));
        Assert.Equal(Decision.StopNoDose, Outcomes.Decide(Design.Boin(3, 0.1, cutoffEli: 0.5, maxN: 3), "1NNN"));
    }

    [Theory]
    [InlineData(0.04)]
    [InlineData(0.61)]
    public void Targets_outside_the_R_range_are_rejected(double target) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Design.Boin(3, target));
}
