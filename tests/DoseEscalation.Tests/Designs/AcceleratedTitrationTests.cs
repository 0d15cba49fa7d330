using DoseEscalation.Designs.Configuration;
using DoseEscalation.Designs.Rules;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Tests.Engines;

namespace DoseEscalation.Tests.Designs;

/// <summary>Accelerated titration (BOIN get.oc's titration = TRUE) as a trial-level rule.</summary>
public class AcceleratedTitrationTests
{
    private static readonly double[] GetOcExample = [0.05, 0.15, 0.3, 0.45, 0.6];

    private static TrialState State(int[] patients, int[] dlts, int level) =>
        new(patients, dlts, level, -1, patients.Sum());

    [Fact]
    public void Titration_treats_one_patient_per_dose_until_the_first_dlt_then_fills_that_dose()
    {
        var design = Build.Design("boin", 5, 0.3, ("accelerated_titration", true));
        Assert.Equal(Decision.Treat(0, 1), design.Decide(State([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], 0)));
        Assert.Equal(Decision.Treat(1, 1), design.Decide(State([1, 0, 0, 0, 0], [0, 0, 0, 0, 0], 0)));
        Assert.Equal(Decision.Treat(3, 1), design.Decide(State([1, 1, 1, 0, 0], [0, 0, 0, 0, 0], 2)));
        // First DLT at dose 3: 2 more there, so dose 3 holds one cohort of 3.
        Assert.Equal(Decision.Treat(2, 2), design.Decide(State([1, 1, 1, 0, 0], [0, 0, 1, 0, 0], 2)));
        // The top dose without a DLT ends titration too.
        Assert.Equal(Decision.Treat(4, 2), design.Decide(State([1, 1, 1, 1, 1], [0, 0, 0, 0, 0], 4)));
        // After the fill BOIN decides on all the data: 1/3 at dose 3 stays (lambda_e 0.2365 * 3 < 1 < lambda_d * 3).
        Assert.Equal(Decision.Treat(2, 3), design.Decide(State([1, 1, 3, 0, 0], [0, 0, 1, 0, 0], 2)));
        // 2/3 de-escalates to dose 2, which gets a full cohort on top of its titration patient (get.oc).
        Assert.Equal(Decision.Treat(1, 3), design.Decide(State([1, 1, 3, 0, 0], [0, 0, 2, 0, 0], 2)));
    }

    [Fact]
    public void Titration_starts_at_the_start_dose()
    {
        var design = Build.Design("boin", 5, 0.3, ("accelerated_titration", true), ("start_dose", 3));
        Assert.Equal(Decision.Treat(2, 1), design.Decide(State([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], 0)));
        Assert.Equal(Decision.Treat(3, 1), design.Decide(State([0, 0, 1, 0, 0], [0, 0, 0, 0, 0], 2)));
    }

    [Fact]
    public void The_3_plus_3_counts_the_titration_patient_in_the_first_cohort_of_a_dose()
    {
        var design = Build.Design("3+3", 5, 0.3, ("accelerated_titration", true));
        // DLT at dose 3 in titration: 2 more make 3; then 2/3 is too toxic and dose 2 (one titration
        // patient) gets 2 more, to be judged at 3 as the 3+3 judges a first cohort.
        Assert.Equal(Decision.Treat(2, 2), design.Decide(State([1, 1, 1, 0, 0], [0, 0, 1, 0, 0], 2)));
        Assert.Equal(Decision.Treat(1, 2), design.Decide(State([1, 1, 3, 0, 0], [0, 0, 2, 0, 0], 2)));
        // 0/3 there: dose 3 above was too toxic, so dose 2 is confirmed on 6.
        Assert.Equal(Decision.Treat(1, 3), design.Decide(State([1, 3, 3, 0, 0], [0, 0, 2, 0, 0], 1)));
        Assert.Equal(Decision.Select(1), design.Decide(State([1, 6, 3, 0, 0], [0, 1, 2, 0, 0], 1)));
        // 1/3 at the DLT dose: 3 more, as the 3+3.
        Assert.Equal(Decision.Treat(2, 3), design.Decide(State([1, 1, 3, 0, 0], [0, 0, 1, 0, 0], 2)));
    }

    [Fact]
    public void With_one_dose_titration_is_the_first_cohort_split_so_the_exact_ocs_are_unchanged()
    {
        // One patient, then cohort - 1 more at the same dose: the same binomial first cohort.
        var scenario = new Scenario("one", [0.3]);
        foreach (var (name, opts) in new (string, (string, object)[])[]
            { ("3+3", []), ("boin", [("max_n", 12)]), ("crm", [("max_n", 12), ("skeleton", new[] { 0.3 })]), ("mtpi2", [("max_n", 12)]) })
        {
            var plain = ExactEngine.Run(Build.Design(name, 1, 0.3, opts), scenario, 0.3);
            var titrated = ExactEngine.Run(Build.Design(name, 1, 0.3, [.. opts, ("accelerated_titration", true)]), scenario, 0.3);
            for (int i = 0; i < plain.Selection.Length; i++) Assert.Equal(plain.Selection[i].Value, titrated.Selection[i].Value, 13);
            Assert.Equal(plain.NDistribution.Length, titrated.NDistribution.Length);
            for (int n = 0; n < plain.NDistribution.Length; n++) Assert.Equal(plain.NDistribution[n], titrated.NDistribution[n], 13);
        }
    }

    [Fact]
    public void Where_titration_ends_has_the_geometric_law_of_the_first_dlt()
    {
        var scenario = new Scenario("s", GetOcExample);
        var graph = StateGraph.Build(Build.Design("boin", 5, 0.3, ("max_n", 30), ("accelerated_titration", true)));
        Assert.Equal(1.0, ExactEngine.Run(graph, scenario, 0.3).TotalProbability, 12);
        var p = ExactEngine.NodeProbabilities(graph, scenario);
        // The states after the fill: exactly one per titration outcome. Their probabilities, summed over
        // the fill's DLT counts, are the geometric law of the first DLT (the top dose: no DLT below it).
        double[] ends = new double[5];
        for (int node = 0; node < graph.NodeCount; node++)
        {
            var n = graph.PatientsAt(node).ToArray();
            if (n.Sum() != Array.FindLastIndex(n, v => v > 0) + 3) continue;
            int top = Array.FindLastIndex(n, v => v > 0);
            if (n[top] != 3 || n.Take(top).Any(v => v != 1)) continue;
            ends[top] += p[node];
        }
        double below = 1;
        for (int j = 0; j < 5; j++)
        {
            double expected = j < 4 ? below * GetOcExample[j] : below;
            Assert.Equal(expected, ends[j], 12);
            below *= 1 - GetOcExample[j];
        }
    }

    /// <summary>
    /// tests/independent/boin_titration_sim.py (written from the BOIN package's get.oc, not from our
    /// code), 400,000 trials, seed 6: get.oc's documented example with titration = TRUE and ncohort 10.
    /// Our exact OCs must lie within 4 of its standard errors.
    /// </summary>
    [Fact]
    public void Boin_with_titration_matches_an_independent_get_oc_simulation()
    {
        var oc = ExactEngine.Run(Build.Design("boin", 5, 0.3, ("max_n", 30), ("accelerated_titration", true)), new Scenario("s", GetOcExample), 0.3);
        (double P, double Se)[] selection = [(0.0106, 0.00016), (0.2173, 0.00065), (0.5697, 0.00078), (0.1923, 0.00062), (0.0099, 0.00016)];
        (double N, double Se)[] patients = [(1.907, 0.005), (7.116, 0.011), (11.874, 0.011), (6.944, 0.010), (2.154, 0.006)];
        for (int d = 0; d < 5; d++)
        {
            Assert.InRange(oc.Selection[d + 1].Value, selection[d].P - 4 * selection[d].Se - 5e-5, selection[d].P + 4 * selection[d].Se + 5e-5);
            Assert.InRange(oc.MeanPatients[d].Value, patients[d].N - 4 * patients[d].Se - 5e-4, patients[d].N + 4 * patients[d].Se + 5e-4);
        }
        Assert.InRange(oc.MeanN.Value, 29.996 - 4 * 0.0012 - 5e-4, 29.996 + 4 * 0.0012 + 5e-4);
    }

    public static TheoryData<string> Designs() => new("3+3", "boin", "crm", "mtpi2", "keyboard", "i3+3");

    [Theory]
    [MemberData(nameof(Designs))]
    public void Monte_Carlo_agrees_with_exact(string name)
    {
        var design = Build.Design(name, 4, 0.3, ("accelerated_titration", true));
        var scenario = new Scenario("s", [0.08, 0.18, 0.32, 0.5]);
        var exact = ExactEngine.Run(design, scenario, 0.3);
        Assert.Equal(1.0, exact.TotalProbability, 12);
        Agreement.Within4Se(exact, MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 60_000, Seed = 29, Method = SimulationMethod.TrialLoop }));
        Agreement.Within4Se(exact, MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 200_000, Seed = 30, Method = SimulationMethod.CompiledGraph }));
        // And it changes the trial: titration moves patients off dose 1.
        var plain = ExactEngine.Run(Build.Design(name, 4, 0.3), scenario, 0.3);
        Assert.True(exact.MeanPatients[0].Value < plain.MeanPatients[0].Value - 0.5);
    }

    [Fact]
    public void The_calendar_engine_runs_titration_one_patient_per_dlt_window_with_the_same_ocs()
    {
        var design = Build.Design("boin", 4, 0.3, ("max_n", 18), ("accelerated_titration", true));
        var scenario = new Scenario("s", [0.08, 0.18, 0.32, 0.5]);
        var timeline = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 3, DltWindowDays = 28, MaxWaitDays = 60 };
        var options = new MonteCarloOptions { Trials = 40_000, Seed = 31 };
        var cal = CalendarEngine.Run(design, scenario, 0.3, timeline, options);
        Agreement.Within4Se(ExactEngine.Run(design, scenario, 0.3), cal.Oc);
        // Titration patients are cohorts of one, each waiting out the DLT window: arrivals wait longer.
        var plain = CalendarEngine.Run(Build.Design("boin", 4, 0.3, ("max_n", 18)), scenario, 0.3, timeline, options);
        Assert.True(cal.MeanWaitDays > plain.MeanWaitDays + 1, $"{cal.MeanWaitDays} vs {plain.MeanWaitDays}");
    }

    [Theory]
    [InlineData("tite-crm", "it enrols on the calendar with patients pending")]
    [InlineData("tite-boin", "it enrols on the calendar with patients pending")]
    [InlineData("rolling-six", "it enrols on the calendar with patients pending")]
    [InlineData("bf-boin", "it backfills on the calendar")]
    [InlineData("boin12", "it decides on responses")]
    public void Designs_it_does_not_fit_are_refused_by_name(string name, string why)
    {
        var ex = Assert.Throws<DesignOptionException>(() => Build.Design(name, 5, 0.3, ("accelerated_titration", true)));
        Assert.Equal("accelerated_titration", ex.Option);
        Assert.Contains(why, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Cohorts_of_one_a_3_plus_3_without_deescalation_and_a_too_small_max_n_are_refused()
    {
        var one = Assert.Throws<DesignOptionException>(() => Build.Design("crm", 5, 0.3, ("cohort_size", 1), ("accelerated_titration", true)));
        Assert.Contains("cohort size of at least 2", one.Message);
        var noDe = Assert.Throws<DesignOptionException>(() => Build.Design("3+3", 5, 0.3, ("deescalate", false), ("accelerated_titration", true)));
        Assert.Contains("needs deescalate: true", noDe.Message);
        var small = Assert.Throws<DesignOptionException>(() => Build.Design("boin", 5, 0.3, ("max_n", 6), ("accelerated_titration", true)));
        Assert.Equal("max_n", small.Option);
        Assert.Contains("at least 7 patients", small.Message);
    }

    [Fact]
    public void The_description_says_with_accelerated_titration()
    {
        Assert.EndsWith(", with accelerated titration", Build.Design("3+3", 5, 0.3, ("accelerated_titration", true)).Describe());
        Assert.DoesNotContain("titration", Build.Design("3+3", 5, 0.3).Describe());
        Assert.IsType<AcceleratedTitration>(Design.Boin(5, 0.3).WithAcceleratedTitration());
    }
}
