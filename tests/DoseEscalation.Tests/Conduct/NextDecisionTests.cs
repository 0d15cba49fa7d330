using DoseEscalation.Conduct;
using DoseEscalation.Designs;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Tests.Conduct;

public class NextDecisionTests
{
    private static ConductResult Next(IDesign design, string data, ConductOptions? options = null) =>
        TrialConduct.Next(design, TrialData.Parse(data, design.DoseCount), options);

    private static double Q(ConductResult r, string name) => r.Reason.Quantities.Single(q => q.Name == name).Value;

    [Theory]
    [InlineData("", "no patients yet, so the design's start: treat 3 at dose 1")]
    [InlineData("1NNN", "0 DLTs in 3 patients at dose 1: fewer than C = 1 in the first 3, so dose 1 passes: treat 3 at dose 2")]
    [InlineData("1NNN 2NTN", "1 DLT in 3 patients at dose 2: C = 1 <= DLTs <= D = 1 in the first 3, so dose 2 needs 3 more: treat 3 at dose 2")]
    [InlineData("1NNN 2NTN 2NNN", "1 DLT in 6 patients at dose 2: at most E = 1 in 6, so dose 2 passes: treat 3 at dose 3")]
    [InlineData("1NNN 2NTN 2NNN 3TTN", "2 DLTs in 3 patients at dose 3: more than D = 1 in the first 3, so dose 3 is too toxic; dose 2 below has been confirmed: stop and select dose 2")]
    [InlineData("1NNN 2TTN", "2 DLTs in 3 patients at dose 2: more than D = 1 in the first 3, so dose 2 is too toxic; dose 1 below is confirmed on 6: treat 3 at dose 1")]
    [InlineData("1NNN 2NNN 3NNN", "0 DLTs in 3 patients at dose 3: fewer than C = 1 in the first 3, so dose 3 passes; it is the highest dose, so 3 more are treated before it can be selected: treat 3 at dose 3")]
    [InlineData("1NNN 2NNN 3NNN 3NNN", "0 DLTs in 6 patients at dose 3: at most E = 1 in 6, so dose 3 passes; no higher dose can be tried, so dose 3 is the MTD: stop and select dose 3")]
    [InlineData("1TTN", "2 DLTs in 3 patients at dose 1: more than D = 1 in the first 3, so dose 1 is too toxic; dose 1 is the lowest dose: stop with no dose selected")]
    public void The_3_plus_3_names_the_branch_of_its_rule(string data, string reason)
    {
        var r = Next(Design.ThreePlusThree(doses: 3), data);
        Assert.Equal(reason, r.Reason.Text);
    }

    [Fact]
    public void Boin_reports_the_observed_rate_and_the_boundaries_at_this_n()
    {
        var boin = Design.Boin(doses: 5, target: 0.3);
        var r = Next(boin, "1NNN 2NNN 3NTN 3NNT");
        Assert.Equal(Decision.Treat(2, 3), r.Decision);
        Assert.Equal("2 DLTs in 6 patients at dose 3 (rate 0.333) is between the boundaries (escalate if DLTs <= 1, de-escalate if DLTs >= 3, eliminate if DLTs >= 4 at n = 6): treat 3 at dose 3", r.Reason.Text);
        Assert.Equal(1.0 / 3, Q(r, "observed_rate"), 12);
        // The boundaries are BOIN's floor(lambda_e n) and ceil(lambda_d n) (Liu & Yuan 2015, Table 1: 1/6 and 3/6).
        Assert.Equal(boin.EscalationBoundary(6), Q(r, "escalate_at_most"));
        Assert.Equal(boin.DeescalationBoundary(6), Q(r, "deescalate_at_least"));
        Assert.Equal(0.2365, Q(r, "lambda_e"), 4);
        Assert.Equal(0.3585, Q(r, "lambda_d"), 4);
        Assert.Equal(1 - Beta.CDF(3, 5, 0.3), Q(r, "prob_above_target"), 12);
    }

    [Theory]
    [InlineData("1NNN 2NNN 3NNN 4NNN 5NNN", "0 DLTs in 3 patients at dose 5 (rate 0) is at or below the escalation boundary (escalate if DLTs <= 0, de-escalate if DLTs >= 2, eliminate if DLTs >= 3 at n = 3); dose 5 is the highest dose, so stay: treat 3 at dose 5")]
    [InlineData("1NNN 2TTT", "3 DLTs in 3 patients at dose 2 (rate 1) is at or above the elimination boundary: dose 2 and every dose above it are eliminated (P(rate > 0.3) = 0.992 > 0.95) (escalate if DLTs <= 0, de-escalate if DLTs >= 2, eliminate if DLTs >= 3 at n = 3): treat 3 at dose 1")]
    [InlineData("1NNN 2TTT 1NNN", "0 DLTs in 6 patients at dose 1 (rate 0) is at or below the escalation boundary (escalate if DLTs <= 1, de-escalate if DLTs >= 3, eliminate if DLTs >= 4 at n = 6); dose 2 is eliminated, so stay: treat 3 at dose 1")]
    [InlineData("1TTT", "dose 1 is eliminated (3 DLTs in 3: P(rate > 0.3) = 0.992 > 0.95): stop with no dose selected")]
    [InlineData("1TTN", "2 DLTs in 3 patients at dose 1 (rate 0.667) is at or above the de-escalation boundary (escalate if DLTs <= 0, de-escalate if DLTs >= 2, eliminate if DLTs >= 3 at n = 3); dose 1 is the lowest dose, so stay: treat 3 at dose 1")]
    public void Interval_designs_say_why_they_stay_where_the_table_moves(string data, string reason)
    {
        Assert.Equal(reason, Next(Design.Boin(doses: 5, target: 0.3), data).Reason.Text);
    }

    [Fact]
    public void N_earlystop_and_max_n_are_named()
    {
        var r = Next(Design.Boin(doses: 3, target: 0.3, nEarlystop: 6), "1NNN 2NTN 2NNN");
        Assert.Equal("1 DLT in 6 patients at dose 2 (rate 0.167) is at or below the escalation boundary (escalate if DLTs <= 1, de-escalate if DLTs >= 3, eliminate if DLTs >= 4 at n = 6)", r.Reason.Text.Split(':')[0]);
        r = Next(Design.Mtpi2(doses: 3, target: 0.3, maxN: 6), "1NNN 2NTN");
        Assert.Equal("the maximum sample size of 6 is reached; the MTD is the isotonic estimate closest to the target (BOIN's select.mtd): stop and select dose 2", r.Reason.Text);
        Assert.NotNull(r.Final);
    }

    [Fact]
    public void The_crm_reports_the_posterior_and_the_restriction_that_applied()
    {
        var crm = Design.Crm([0.05, 0.10, 0.20, 0.30, 0.50], target: 0.25);
        var r = Next(crm, "1NNN 2NNN 3NTN");
        Assert.Equal(Decision.Treat(2, 3), r.Decision);
        Assert.Equal("at the posterior mean of beta (0.073) the model's DLT probability is closest to the target 0.25 at dose 4 (0.274); "
            + "the last cohort's DLT rate 1/3 reached the target, so no escalation above dose 3: treat 3 at dose 3", r.Reason.Text);
        Assert.Equal(4, Q(r, "recommended_dose"));
        Assert.Equal(3, Q(r, "highest_allowed_dose"));

        var safe = Design.Crm([0.05, 0.10, 0.20, 0.30, 0.50], target: 0.25, safetyCutoff: 0.9);
        r = Next(safe, "1TTT");
        Assert.Equal(Decision.StopNoDose, r.Decision);
        Assert.StartsWith("P(DLT rate of dose 1 > 0.25 | data) = 0.9", r.Reason.Text);
        Assert.True(Q(r, "prob_first_dose_above_target") > 0.9);
        Assert.Equal(0.9, Q(r, "safety_cutoff"));
    }

    // Independent numbers: mpmath (30 digits) adaptive quadrature of the same posterior, and
    // bisection on its CDF. The script:
    //   f = lambda b: exp(-b*b/(2*1.34)) * prod(p**x * (1-p)**(n-x) for p = s**exp(b))
    //   Z = quad(f, [-R,-5,0,5,R]), R = 10*sqrt(1.34); beta mean = quad(b f)/Z;
    //   mean p_d = quad(s_d**exp(b) f)/Z; interval = s_d**exp(beta 95% / 5% quantile).
    [Fact]
    public void Crm_posterior_per_dose_matches_an_independent_integration()
    {
        var crm = new Crm([0.05, 0.10, 0.20, 0.30, 0.50], 0.25);
        var fit = crm.Fit([3, 3, 3, 0, 0], [0, 0, 1, 0, 0]);
        Assert.Equal(0.0732548665923975, fit.Posterior.BetaMean, 10);
        double[][] expected =
        [
            [0.0398185607453819, 0.0637850935121439, 0.00138280359515104, 0.209702893064816],
            [0.0839450825201634, 0.109202805943372, 0.0063434603041593, 0.301002691297279],
            [0.176972164422952, 0.196006819504191, 0.0290999305841763, 0.432052313842905],
            [0.273766303395321, 0.283495007712877, 0.0709386786529211, 0.533771687239848],
            [0.474340599234238, 0.467413201024953, 0.217988846599128, 0.696681123218621],
        ];
        for (int d = 0; d < 5; d++)
        {
            var e = fit.Doses[d];
            Assert.Equal(expected[d][0], e.PlugIn, 9);
            Assert.Equal(expected[d][1], e.Mean, 9);
            Assert.Equal(expected[d][2], e.Lower, 9);
            Assert.Equal(expected[d][3], e.Upper, 9);
        }
        Assert.Equal(3, fit.Recommended);

        // One dose, 2 DLTs in 6, skeleton 0.25.
        var one = new Crm([0.25], 0.25, cohortSize: 1);
        var f1 = one.Fit([6], [2]);
        Assert.Equal(-0.26783930896303, f1.Posterior.BetaMean, 10);
        Assert.Equal(0.348678200716678, f1.Doses[0].Mean, 9);
        Assert.Equal(0.105278406132486, f1.Doses[0].Lower, 9);
        Assert.Equal(0.632089675202367, f1.Doses[0].Upper, 9);
    }

    [Fact]
    public void Crm_prior_interval_is_the_closed_form()
    {
        // No data: beta ~ N(0, 1.34), and p_d = s_d^exp(beta) falls with beta, so the 90% interval of
        // p_d is s_d^exp(+-1.6449 sd) exactly.
        double[] skeleton = [0.05, 0.12, 0.25, 0.40];
        var fit = new Crm(skeleton, 0.25).Fit(new int[4], new int[4]);
        double z = Normal.InvCDF(0, Math.Sqrt(Crm.DefaultPriorVariance), 0.95);
        for (int d = 0; d < 4; d++)
        {
            Assert.Equal(Math.Pow(skeleton[d], Math.Exp(z)), fit.Doses[d].Lower, 10);
            Assert.Equal(Math.Pow(skeleton[d], Math.Exp(-z)), fit.Doses[d].Upper, 10);
            Assert.Equal(skeleton[d], fit.Doses[d].PlugIn, 12);
        }
        Assert.Equal(Math.Sqrt(Crm.DefaultPriorVariance), fit.BetaSd, 8);
    }

    [Fact]
    public void Pathways_list_every_outcome_of_the_next_cohort_with_its_probability()
    {
        var scenario = new Scenario("s", [0.1, 0.2, 0.3]);
        var r = Next(Design.ThreePlusThree(doses: 3), "1NNN 2NTN", new ConductOptions { Scenario = scenario });
        Assert.Equal(["2NNN", "2TNN", "2TTN", "2TTT"], r.Pathways.Select(p => p.Notation));
        Assert.Equal(["treat 3 at dose 3", "treat 3 at dose 1", "treat 3 at dose 1", "treat 3 at dose 1"], r.Pathways.Select(p => p.Next.ToString()));
        for (int x = 0; x <= 3; x++) Assert.Equal(Binomial.PMF(0.2, 3, x), r.Pathways[x].Probability!.Value, 14);

        var two = Next(Design.ThreePlusThree(doses: 3), "1NNN 2NTN", new ConductOptions { Scenario = scenario, CohortsAhead = 2 });
        Assert.Equal(1, two.Pathways.Sum(p => p.Probability!.Value), 12);
        Assert.Contains(two.Pathways, p => p.Notation == "2NNN 3NNN" && p.Next == Decision.Treat(2, 3));
        Assert.All(Next(Design.ThreePlusThree(doses: 3), "1NNN").Pathways, p => Assert.Null(p.Probability));
    }

    [Fact]
    public void A_cohort_in_progress_gives_pathways_over_its_remaining_patients()
    {
        var csv = "patient,dose,dlt\n1,1,0\n2,1,0\n3,1,0\n4,2,1\n";
        var r = TrialConduct.Next(Design.ThreePlusThree(doses: 3), TrialData.Parse(csv, 3), new ConductOptions { Scenario = new Scenario("s", [0.1, 0.2, 0.3]) });
        Assert.Equal(2, r.Replay.Remaining);
        Assert.Equal(["2TNN", "2TTN", "2TTT"], r.Pathways.Select(p => p.Notation));
        Assert.Equal(Binomial.PMF(0.2, 2, 0), r.Pathways[0].Probability!.Value, 14);
        Assert.Contains(r.Notes, n => n.StartsWith("a cohort is in progress: 1 of 3 treated at dose 2"));
    }

    [Fact]
    public void Deviations_and_time_to_event_columns_are_noted()
    {
        var r = Next(Design.ThreePlusThree(doses: 3), "1NNN 3NNN", new ConductOptions { AllowDeviations = true });
        Assert.True(r.DeviationsOccurred);
        Assert.Contains(r.Notes, n => n.StartsWith("deviations occurred"));
        var tte = TrialConduct.Next(Design.ThreePlusThree(doses: 3), TrialData.Parse("patient,dose,dlt,days_followed\n1,1,0,28\n", 3));
        Assert.Contains(tte.Notes, n => n.StartsWith("days_followed and dlt_day were read but not used"));
    }
}
