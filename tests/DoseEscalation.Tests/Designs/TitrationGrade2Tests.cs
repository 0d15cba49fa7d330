using DoseEscalation.Designs.Configuration;
using DoseEscalation.Designs.Rules;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Scenarios;
using DoseEscalation.Tests.Engines;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Tests.Designs;

/// <summary>
/// Accelerated titration ending on grade-2 events (Simon et al. 1997: one patient per dose until the
/// first DLT or the second patient with a grade 2 toxicity; the default: the first).
/// </summary>
public class TitrationGrade2Tests
{
    private static TrialState State(int[] patients, int[] dlts, int level, int grade2) =>
        new(patients, dlts, level, -1, patients.Sum()) { Grade2Events = grade2 };

    [Fact]
    public void A_grade_2_event_ends_titration_like_a_dlt_and_uncounted_events_change_nothing()
    {
        var one = Build.Design("boin", 5, 0.3, ("accelerated_titration", true));
        var two = Build.Design("boin", 5, 0.3, ("accelerated_titration", true), ("titration_grade2_events", 2));
        // Engines that draw no grade 2 (-1): titration goes on until the first DLT, as before.
        Assert.Equal(Decision.Treat(3, 1), one.Decide(State([1, 1, 1, 0, 0], [0, 0, 0, 0, 0], 2, -1)));
        // One grade-2 event at dose 3: the default trigger fills dose 3 to a cohort of 3.
        Assert.Equal(Decision.Treat(2, 2), one.Decide(State([1, 1, 1, 0, 0], [0, 0, 0, 0, 0], 2, 1)));
        Assert.Equal(Decision.Treat(3, 1), one.Decide(State([1, 1, 1, 0, 0], [0, 0, 0, 0, 0], 2, 0)));
        // Simon's two events: the first one escalates, the second one fills.
        Assert.Equal(Decision.Treat(3, 1), two.Decide(State([1, 1, 1, 0, 0], [0, 0, 0, 0, 0], 2, 1)));
        Assert.Equal(Decision.Treat(2, 2), two.Decide(State([1, 1, 1, 0, 0], [0, 0, 0, 0, 0], 2, 2)));
        // After the fill the design decides on the counts alone, whatever the grade-2 count.
        Assert.Equal(one.Decide(State([1, 1, 3, 0, 0], [0, 0, 1, 0, 0], 2, -1)), one.Decide(State([1, 1, 3, 0, 0], [0, 0, 1, 0, 0], 2, 1)));
    }

    /// <summary>
    /// BOIN (target 0.3) over 2 doses with max N 4 = K + c - 1, worked by hand. Dose 1's patient ends
    /// titration with probability q1 = P(grade 2 or worse) (a DLT with p1): 2 more there make 3 with x
    /// DLTs (1 + Bin(2, p1) after a DLT, Bin(2, p1) after a grade 2). Then one last patient: at dose 2
    /// after 0/3 (0 &lt;= 3 lambda_e), at dose 1 after 1/3 (stay) and 2/3 (de-escalation from the lowest
    /// dose stays; P(p &gt; 0.3 | Beta(3, 2)) = 0.916 &lt; 0.95 keeps it), none after 3/3 (Beta(4, 1):
    /// 0.992 eliminates dose 1; N = 3). Otherwise (1 - q1) dose 2 holds its titration patient and the
    /// fill: 3 patients, N = 4. Without grade-2 probabilities the same formulas hold with q1 = p1.
    /// </summary>
    [Theory]
    [InlineData(0.1, 0.35, 0.3)]
    [InlineData(0.25, 0.25, 0.45)]
    [InlineData(0.05, 0.6, 0.2)]
    public void Two_doses_with_max_n_4_match_the_hand_computed_ocs(double p1, double q1, double p2)
    {
        var design = Build.Design("boin", 2, 0.3, ("max_n", 4), ("accelerated_titration", true));
        var withGrade2 = new Scenario("g2", [p1, p2]).WithGrade2([q1, Math.Max(p2, 0.5)]);
        var dltOnly = new Scenario("dlt", [p1, p2]);
        foreach (var (scenario, q) in new[] { (withGrade2, q1), (dltOnly, p1) })
        {
            var fill = new double[4]; // P(titration ends at dose 1 and dose 1 then has x DLTs of 3)
            for (int x = 0; x <= 3; x++)
                fill[x] = (x >= 1 ? p1 * Binomial.PMF(p1, 2, x - 1) : 0) + (x <= 2 ? (q - p1) * Binomial.PMF(p1, 2, x) : 0);
            double stay = fill[1] + fill[2], toDose2 = fill[0], top = 1 - q;
            var oc = ExactEngine.Run(design, scenario, 0.3);
            Assert.Equal(1.0, oc.TotalProbability, 12);
            Assert.Equal(3 * q + stay + top, oc.MeanPatients[0].Value, 12);
            Assert.Equal(toDose2 + 3 * top, oc.MeanPatients[1].Value, 12);
            Assert.Equal(fill[1] + 2 * fill[2] + 3 * fill[3] + stay * p1, oc.MeanDlts[0].Value, 12);
            Assert.Equal((toDose2 + 3 * top) * p2, oc.MeanDlts[1].Value, 12);
            Assert.Equal(fill[3], oc.NDistribution[3], 12);
            Assert.Equal(1 - fill[3], oc.NDistribution[4], 12);
        }
    }

    /// <summary>
    /// Where titration ends, read off the exact graph, against a direct walk of the titration chain
    /// over (dose, grade-2 events so far): each patient has a DLT (p), a grade 2 without DLT (q - p)
    /// or neither (1 - q); a DLT or the trigger-th grade-2 event ends titration at that dose, and the
    /// top dose ends it in any case.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Where_titration_ends_follows_the_grade_2_chain(int trigger)
    {
        double[] p = [0.05, 0.15, 0.3, 0.45, 0.6], q = [0.2, 0.3, 0.55, 0.6, 0.8];
        var scenario = new Scenario("s", p).WithGrade2(q);
        var design = Build.Design("boin", 5, 0.3, ("max_n", 30), ("accelerated_titration", true), ("titration_grade2_events", trigger));
        var graph = StateGraph.ForGrade2(design);
        Assert.True(graph.CountsGrade2);
        var prob = ExactEngine.NodeProbabilities(graph, scenario);
        Assert.Equal(1.0, ExactEngine.Run(graph, scenario, 0.3).TotalProbability, 12);
        double[] ends = new double[5];
        for (int node = 0; node < graph.NodeCount; node++)
        {
            var n = graph.PatientsAt(node).ToArray();
            int last = Array.FindLastIndex(n, v => v > 0);
            if (last < 0 || n.Sum() != last + 3 || n[last] != 3 || n.Take(last).Any(v => v != 1)) continue;
            ends[last] += prob[node];
        }
        var expected = new double[5];
        var alive = new double[trigger]; // P(still titrating at this dose with g grade-2 events)
        alive[0] = 1;
        for (int j = 0; j < 5; j++)
        {
            var next = new double[trigger];
            for (int g = 0; g < trigger; g++)
            {
                if (j == 4) { expected[j] += alive[g]; continue; }
                expected[j] += alive[g] * p[j];
                if (g + 1 == trigger) expected[j] += alive[g] * (q[j] - p[j]);
                else next[g + 1] += alive[g] * (q[j] - p[j]);
                next[g] += alive[g] * (1 - q[j]);
            }
            alive = next;
        }
        for (int j = 0; j < 5; j++) Assert.Equal(expected[j], ends[j], 12);
    }

    public static TheoryData<string, int> Cases() => new() { { "3+3", 1 }, { "boin", 1 }, { "boin", 2 }, { "crm", 1 }, { "mtpi2", 2 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Monte_Carlo_and_the_calendar_agree_with_exact(string name, int trigger)
    {
        var design = Build.Design(name, 4, 0.3, ("accelerated_titration", true), ("titration_grade2_events", trigger));
        var scenario = new Scenario("s", [0.08, 0.18, 0.32, 0.5]).WithGrade2([0.3, 0.4, 0.6, 0.7]);
        var exact = ExactEngine.Run(design, scenario, 0.3);
        Assert.Equal(1.0, exact.TotalProbability, 12);
        Agreement.Within4Se(exact, MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 60_000, Seed = 41 }));
        var timeline = new Timeline { Accrual = AccrualKind.Poisson, RatePerMonth = 3, DltWindowDays = 28, MaxWaitDays = 60 };
        Agreement.Within4Se(exact, CalendarEngine.Run(design, scenario, 0.3, timeline, new MonteCarloOptions { Trials = 30_000, Seed = 42 }).Oc);
        // The trigger moves patients down: fewer reach dose 4 than with titration until the first DLT.
        var dltOnly = ExactEngine.Run(Build.Design(name, 4, 0.3, ("accelerated_titration", true)), new Scenario("d", scenario.Dlt), 0.3);
        Assert.True(exact.StateCount > dltOnly.StateCount); // the titration states with grade-2 events
        Assert.True(exact.MeanPatients[3].Value < dltOnly.MeanPatients[3].Value, $"{exact.MeanPatients[3].Value} vs {dltOnly.MeanPatients[3].Value}");
    }

    [Fact]
    public void Grade_2_probabilities_equal_to_the_dlt_probabilities_give_the_dlt_only_ocs()
    {
        // No grade 2 without a DLT: the trigger never fires, so the OCs are those of DLT-only titration.
        var design = Build.Design("boin", 4, 0.3, ("accelerated_titration", true));
        double[] p = [0.08, 0.18, 0.32, 0.5];
        var a = ExactEngine.Run(design, new Scenario("s", p).WithGrade2(p), 0.3);
        var b = ExactEngine.Run(design, new Scenario("s", p), 0.3);
        for (int i = 0; i < a.Selection.Length; i++) Assert.Equal(b.Selection[i].Value, a.Selection[i].Value, 13);
        for (int d = 0; d < 4; d++) Assert.Equal(b.MeanPatients[d].Value, a.MeanPatients[d].Value, 12);
    }

    [Fact]
    public void Without_grade_2_probabilities_the_monte_carlo_stream_is_unchanged()
    {
        // The same seed, scenario and design: the trial loop draws exactly as before (the grade is read
        // from the DLT's own uniform only when the scenario gives grade-2 probabilities).
        var design = Build.Design("boin", 4, 0.3, ("accelerated_titration", true));
        double[] p = [0.08, 0.18, 0.32, 0.5];
        var options = new MonteCarloOptions { Trials = 20_000, Seed = 5, Method = SimulationMethod.TrialLoop };
        var plain = MonteCarloEngine.Run(design, new Scenario("s", p), 0.3, options);
        var equal = MonteCarloEngine.Run(design, new Scenario("s", p).WithGrade2(p), 0.3, options);
        for (int i = 0; i < plain.Selection.Length; i++) Assert.Equal(plain.Selection[i].Value, equal.Selection[i].Value);
        for (int d = 0; d < 4; d++) Assert.Equal(plain.MeanDlts[d].Value, equal.MeanDlts[d].Value);
    }

    [Fact]
    public void A_grade_2_count_without_grade_2_probabilities_is_refused()
    {
        var design = Build.Design("boin", 4, 0.3, ("accelerated_titration", true), ("titration_grade2_events", 2));
        var scenario = new Scenario("plain", [0.08, 0.18, 0.32, 0.5]);
        foreach (var run in new Action[]
        {
            () => ExactEngine.Run(design, scenario, 0.3),
            () => MonteCarloEngine.Run(design, scenario, 0.3, new MonteCarloOptions { Trials = 100, Seed = 1 }),
            () => CalendarEngine.Run(design, scenario, 0.3, new Timeline { RatePerMonth = 3, DltWindowDays = 28 }, new MonteCarloOptions { Trials = 100, Seed = 1 }),
        })
        {
            var ex = Assert.Throws<ArgumentException>(run);
            Assert.StartsWith("titration_grade2_events 2: scenario 'plain' gives no grade2 probabilities", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }
    }

    [Fact]
    public void The_option_needs_titration_and_a_count_of_at_least_one()
    {
        var off = Assert.Throws<DesignOptionException>(() => Build.Design("boin", 4, 0.3, ("titration_grade2_events", 2)));
        Assert.Equal("titration_grade2_events", off.Option);
        Assert.Contains("applies only with accelerated_titration: true", off.Message);
        var zero = Assert.Throws<DesignOptionException>(() => Build.Design("boin", 4, 0.3, ("accelerated_titration", true), ("titration_grade2_events", 0)));
        Assert.Equal("titration_grade2_events", zero.Option);
        Assert.EndsWith(", with accelerated titration (until the first DLT or 2 grade-2 events)",
            Build.Design("boin", 4, 0.3, ("accelerated_titration", true), ("titration_grade2_events", 2)).Describe());
    }

    [Fact]
    public void Engines_that_do_not_draw_grade_2_refuse_rather_than_titrate_on_dlts_alone()
    {
        var design = Build.Design("boin", 4, 0.3, ("accelerated_titration", true));
        var scenario = new Scenario("g", [0.08, 0.18, 0.32, 0.5]).WithGrade2([0.3, 0.4, 0.6, 0.7]);
        var forced = Assert.Throws<ArgumentException>(() => MonteCarloEngine.Run(design, scenario, 0.3,
            new MonteCarloOptions { Trials = 100, Seed = 1, Method = SimulationMethod.CompiledGraph }));
        Assert.Contains("runs on the trial loop only", forced.Message);
        var paths = Assert.Throws<ArgumentException>(() => DosePaths.Enumerate(StateGraph.For(design), scenario, 3));
        Assert.Contains("does not draw grade-2 events", paths.Message);
        var tree = Assert.Throws<ArgumentException>(() => DosePaths.Tree(design, [scenario], 3, 1000));
        Assert.Contains("does not draw grade-2 events", tree.Message);
    }

    [Fact]
    public void Compare_draws_grade_2_on_the_shared_tolerances_and_agrees_with_exact()
    {
        // The grade-2 design leaves the graph walk for the per-patient engine; the DLT-only one still walks its graph.
        var titrated = Build.Design("boin", 4, 0.3, ("accelerated_titration", true), ("titration_grade2_events", 2));
        var plain = Build.Design("boin", 4, 0.3);
        var scenario = new Scenario("g", [0.08, 0.18, 0.32, 0.5]).WithGrade2([0.3, 0.4, 0.6, 0.7]);
        var c = ComparisonEngine.Run([titrated, plain], scenario, 0.3, new MonteCarloOptions { Trials = 60_000, Seed = 43 }, 0);
        Agreement.Within4Se(ExactEngine.Run(titrated, scenario, 0.3), c.Designs[0].Oc);
        Agreement.Within4Se(ExactEngine.Run(plain, scenario, 0.3), c.Designs[1].Oc);
    }

    [Fact]
    public void Sample_size_exact_and_simulated_agree_with_non_evaluable_patients()
    {
        // Replacement of non-evaluable patients (q = 0.2) on top of the grade-2 trigger: the exact
        // sample-size engine (on the graph that counts grade-2 events) against its simulation.
        var design = Build.Design("boin", 4, 0.3, ("accelerated_titration", true), ("titration_grade2_events", 2));
        var scenario = new Scenario("g", [0.08, 0.18, 0.32, 0.5]).WithGrade2([0.3, 0.4, 0.6, 0.7]);
        var model = new DoseEscalation.SampleSizing.SampleSizeModel { NonEvaluableRate = 0.2 };
        var exact = DoseEscalation.SampleSizing.SampleSize.Analyze(design, [scenario], 0.3, model, new MonteCarloOptions { Trials = 1, Seed = 1 }).Results[0];
        Assert.Equal("exact", exact.Engine);
        var mc = DoseEscalation.SampleSizing.SampleSizeSimulation.Run(design, scenario, 0.3, model, new MonteCarloOptions { Trials = 60_000, Seed = 44 });
        foreach (var (e, m) in new[] { (exact.MeanEnrolled.Value, mc.MeanEnrolled), (exact.ExpectedDlts.Value, mc.ExpectedDlts), (exact.CorrectSelection.Value, mc.CorrectSelection) })
            Assert.True(Math.Abs(e - m.Value) <= 4 * m.Se + 1e-12, $"exact {e} vs Monte Carlo {m.Value} (se {m.Se})");
        for (int d = 0; d <= 4; d++)
            Assert.True(Math.Abs(exact.Selection[d].Value - mc.Selection[d].Value) <= 4 * mc.Selection[d].Se + 1e-12, $"selection {d}");
        // The exact OCs of the same design and scenario, without replacement, match the exact engine's.
        var plain = DoseEscalation.SampleSizing.SampleSize.Analyze(design, [scenario], 0.3, new DoseEscalation.SampleSizing.SampleSizeModel(), new MonteCarloOptions { Trials = 1, Seed = 1 }).Results[0];
        Assert.Equal(ExactEngine.Run(design, scenario, 0.3).MeanN.Value, plain.MeanEnrolled.Value, 12);
    }

    [Theory]
    [InlineData("grade2: [0.2, 0.3]", "t.yaml:10: scenarios[0].grade2 = [0.2, 0.3]: has 2 probabilities but there are 3 dose levels")]
    [InlineData("grade2: [0.2, 0.1, 0.5]", "t.yaml:10: scenarios[0].grade2[1] = 0.1: is below the dose's DLT probability 0.2")]
    [InlineData("grade2: [0.2, 0.3, 1.5]", "t.yaml:10: scenarios[0].grade2")]
    public void Bad_grade_2_probabilities_name_file_field_and_value(string line, string expectedStart)
    {
        string yaml = Valid.Replace("dlt: [0.1, 0.2, 0.3]", "dlt: [0.1, 0.2, 0.3]\n    " + line);
        var ex = Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(yaml, "t.yaml"));
        Assert.StartsWith(expectedStart, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_file_reads_grade_2_probabilities_and_the_trigger_at_the_top()
    {
        string yaml = Valid.Replace("dlt: [0.1, 0.2, 0.3]", "dlt: [0.1, 0.2, 0.3]\n    grade2: [0.3, 0.4, 0.5]")
            + "\naccelerated_titration: true\ntitration_grade2_events: 2\n";
        var f = ScenarioFileReader.Parse(yaml, "t.yaml");
        Assert.Equal([0.3, 0.4, 0.5], f.Scenarios[0].Grade2!);
        var design = DesignSetup.Resolve(DesignCatalog.Default, f.Designs[0], f.Common, f.Doses.Count, f.Target).Design;
        Assert.Equal(2, Assert.IsType<AcceleratedTitration>(design).Grade2Events);
    }

    private const string Valid = """
        trial:
          name: Test
        doses: [DL1, DL2, DL3]
        design:
          name: boin
        target: 0.3
        scenarios:
          - name: a
            dlt: [0.1, 0.2, 0.3]
        """;
}
