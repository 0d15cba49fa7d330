using System.Text.Json;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Tests.Designs;
using DoseEscalation.Tests.Reliability;
using DoseEscalation.Tests.Reporting;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace DoseEscalation.Tests.Engines;

/// <summary>
/// P(select an untried dose), <c>p_select_untried</c> (issue 25): the probability that the trial's
/// selected MTD is a dose at which no patient was treated. The case: the CRM on four doses, cohorts
/// of 3, max N 9, from dose 1. At most three doses are ever treated, so dose 4 never is, and dose 3
/// is untried whenever the trial stays below it; dfcrm's final selection (the default
/// <c>final_selection: model</c>) still selects either.
/// </summary>
public class SelectUntriedTests(ITestOutputHelper output)
{
    private static readonly double[] Skeleton = [0.1, 0.2, 0.3, 0.4];
    private static readonly Scenario Mid = new("mid", [0.10, 0.25, 0.45, 0.60]);
    private static readonly Scenario Safe = new("safe", [0.05, 0.10, 0.15, 0.20]);
    private const double Target = 0.3;

    private static IDesign Crm(string finalSelection = "model") =>
        Build.Design("crm", 4, Target, ("skeleton", Skeleton), ("max_n", 9), ("final_selection", finalSelection));

    /// <summary>
    /// The independent value: every path of cohort outcomes, walked from the empty trial with the
    /// design's own decisions and binomial cohort probabilities (no state merging, no tally), summing
    /// the probability of the paths that stop selecting a dose with no patients.
    /// </summary>
    private static (double Untried, double Total, int Paths) Enumerate(IDesign design, Scenario scenario)
    {
        int k = design.DoseCount;
        double untried = 0, total = 0;
        int paths = 0;
        void Walk(int[] patients, int[] dlts, int current, int last, int n, double p)
        {
            var decision = design.Decide(new TrialState(patients, dlts, current, last, n));
            if (decision.IsStop)
            {
                total += p;
                paths++;
                if (decision.Level >= 0 && patients[decision.Level] == 0) untried += p;
                return;
            }
            int d = decision.Level, m = decision.CohortSize;
            for (int x = 0; x <= m; x++)
            {
                var np = (int[])patients.Clone();
                var nd = (int[])dlts.Clone();
                np[d] += m; nd[d] += x;
                Walk(np, nd, d, x, n + m, p * Binomial.PMF(scenario.Dlt[d], m, x));
            }
        }
        Walk(new int[k], new int[k], 0, -1, 0, 1.0);
        return (untried, total, paths);
    }

    [Fact]
    public void Exact_engine_equals_an_independent_path_enumeration_for_the_crm()
    {
        foreach (var scenario in new[] { Mid, Safe })
        {
            var exact = ExactEngine.Run(Crm(), scenario, Target);
            var (untried, total, paths) = Enumerate(Crm(), scenario);
            output.WriteLine($"{scenario.Name}: exact {exact.SelectUntried.Value:R}, enumerated {untried:R} over {paths} paths; P(select dose 4) {exact.Selection[4].Value:R}");
            Assert.Equal(1.0, total, 12);
            Assert.Equal(untried, exact.SelectUntried.Value, 12);
            Assert.Equal(0.0, exact.SelectUntried.Se);
            // Dose 4 is never treated, so selecting it is always selecting an untried dose; dose 3 adds the trials that stayed below it.
            Assert.True(exact.SelectUntried.Value >= exact.Selection[4].Value - 1e-15);
            Assert.True(exact.SelectUntried.Value > exact.Selection[4].Value, "dose 3 is selected untried in some trials");
            Assert.True(exact.SelectUntried.Value < 1);
        }
        // exact prints 43.86% (mid) and 84.45% (safe), the values docs/output.md quotes.
        Assert.InRange(ExactEngine.Run(Crm(), Mid, Target).SelectUntried.Value, 0.43855, 0.43865);
        Assert.InRange(ExactEngine.Run(Crm(), Safe, Target).SelectUntried.Value, 0.84445, 0.84455);
    }

    [Theory]
    [InlineData(SimulationMethod.TrialLoop)]
    [InlineData(SimulationMethod.CompiledGraph)]
    public void Monte_Carlo_is_within_4_standard_errors_of_exact(SimulationMethod method)
    {
        const long trials = 40_000;
        var exact = ExactEngine.Run(Crm(), Mid, Target).SelectUntried.Value;
        var mc = MonteCarloEngine.Run(Crm(), Mid, Target, new MonteCarloOptions { Trials = trials, Seed = 20261206, Method = method });
        double se = Math.Sqrt(exact * (1 - exact) / trials);
        output.WriteLine($"{method}: {mc.SelectUntried.Value:R} (SE {mc.SelectUntried.Se:R}) vs exact {exact:R}");
        Assert.InRange(mc.SelectUntried.Value, exact - 4 * se, exact + 4 * se);
        // Its standard error is the binomial one of the estimate.
        double p = mc.SelectUntried.Value;
        Assert.Equal(Math.Sqrt(p * (1 - p) / trials), mc.SelectUntried.Se, 15);
    }

    [Fact]
    public void The_calendar_engine_counts_it_too()
    {
        // No one is non-evaluable and the CRM decides per cohort: the calendar's trials have the exact engine's law.
        const long trials = 20_000;
        var exact = ExactEngine.Run(Crm(), Mid, Target).SelectUntried.Value;
        var timeline = new Timeline { IntervalDays = 10, DltWindowDays = 28 };
        var cal = CalendarEngine.Run(Crm(), Mid, Target, timeline, new MonteCarloOptions { Trials = trials, Seed = 7 });
        double se = Math.Sqrt(exact * (1 - exact) / trials);
        output.WriteLine($"calendar: {cal.Oc.SelectUntried.Value:R} vs exact {exact:R}");
        Assert.InRange(cal.Oc.SelectUntried.Value, exact - 4 * se, exact + 4 * se);
        Assert.Equal(0.0, CalendarEngine.Run(Crm("tried"), Mid, Target, timeline, new MonteCarloOptions { Trials = 2_000, Seed = 7 }).Oc.SelectUntried.Value);
    }

    [Fact]
    public void Final_selection_tried_and_designs_selecting_among_treated_doses_give_exactly_0()
    {
        var options = new MonteCarloOptions { Trials = 20_000, Seed = 3 };
        IDesign[] designs = [Crm("tried"), Build.Design("3+3", 4, Target), Build.Shared("boin", 4, Target, 3, 9), Build.Shared("boin", 4, Target, 3, 30)];
        foreach (var design in designs)
            foreach (var scenario in new[] { Mid, Safe })
            {
                var exact = ExactEngine.Run(design, scenario, Target);
                var mc = MonteCarloEngine.Run(design, scenario, Target, options);
                Assert.Equal(new Estimate(0, 0), exact.SelectUntried);
                Assert.Equal(new Estimate(0, 0), mc.SelectUntried);
            }
        // The same trials under model selection do select untried doses.
        Assert.True(MonteCarloEngine.Run(Crm(), Mid, Target, options).SelectUntried.Value > 0.3);
    }

    private static string ScenarioFile()
    {
        string dir = CliHarness.TempDir();
        string file = Path.Combine(dir, "untried.yaml");
        File.WriteAllText(file, """
            trial:
              name: Untried
              dlt_window_days: 28
            doses: [DL1, DL2, DL3, DL4]
            target: 0.30
            max_n: 9
            designs:
              - name: crm
                skeleton: [0.1, 0.2, 0.3, 0.4]
              - name: boin
              - name: 3+3
              - name: crm
                label: crm-tried
                skeleton: [0.1, 0.2, 0.3, 0.4]
                final_selection: tried
            scenarios:
              - name: mid
                dlt: [0.10, 0.25, 0.45, 0.60]
            timeline:
              accrual_interval_days: 10
            """);
        return file;
    }

    private static double Value(List<List<string>> rows, string design, string quantity)
    {
        int q = rows[0].IndexOf("quantity"), v = rows[0].IndexOf("value"), d = rows[0].IndexOf("design");
        return double.Parse(rows.Single(r => r[d] == design && r[q] == quantity)[v], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Every_output_writes_it_with_the_engine_value()
    {
        string file = ScenarioFile();
        double exact = ExactEngine.Run(Crm(), Mid, Target).SelectUntried.Value;
        const int trials = 4_000;
        double se = Math.Sqrt(exact * (1 - exact) / trials);
        string[] mc = ["--trials", trials.ToString(), "--seed", "5"];

        // exact: table, CSV, JSON, with the engine's value.
        var table = CliHarness.Run("exact", file, "--design", "crm");
        Assert.Equal(0, table.Code);
        Assert.Contains($"\n  P(select an untried dose, one with no patients) {DoseEscalation.Reporting.Formats.Formatting.PercentWithSe(new Estimate(exact, 0))}\n", table.Out.Replace("\r", ""));
        var csv = CsvTests.Parse(CliHarness.Run("exact", file, "--design", "crm", "--format", "csv").Out);
        Assert.Equal(exact, Value(csv, "crm", "p_select_untried"), 15);
        using (var json = JsonDocument.Parse(CliHarness.Run("exact", file, "--design", "crm", "--format", "json").Out))
        {
            Assert.Equal(exact, json.RootElement.GetProperty("scenarios")[0].GetProperty("p_select_untried").GetDouble(), 15);
            Assert.Equal(0, json.RootElement.GetProperty("scenarios")[0].GetProperty("p_select_untried_se").GetDouble());
        }

        // compare: every design, in CSV and JSON; the text table has the column.
        var cmp = CsvTests.Parse(CliHarness.Run(["compare", file, .. mc, "--format", "csv"]).Out);
        Assert.InRange(Value(cmp, "crm", "p_select_untried"), exact - 4 * se, exact + 4 * se);
        foreach (var zero in new[] { "boin", "3+3", "crm-tried" }) Assert.Equal(0, Value(cmp, zero, "p_select_untried"));
        using (var json = JsonDocument.Parse(CliHarness.Run(["compare", file, .. mc, "--format", "json"]).Out))
        {
            var designs = json.RootElement.GetProperty("scenarios")[0].GetProperty("designs");
            Assert.Equal(Value(cmp, "crm", "p_select_untried"), designs[0].GetProperty("p_select_untried").GetDouble());
            Assert.True(designs[0].GetProperty("p_select_untried_se").GetDouble() > 0);
            Assert.Equal(0, designs[3].GetProperty("p_select_untried").GetDouble());
        }
        Assert.Contains("P(untried)", CliHarness.Run(["compare", file, .. mc]).Out);

        // simulate --calendar and compare --calendar.
        var cal = CsvTests.Parse(CliHarness.Run(["simulate", file, "--design", "crm", "--calendar", .. mc, "--format", "csv"]).Out);
        Assert.InRange(Value(cal, "crm", "p_select_untried"), exact - 4 * se, exact + 4 * se);
        var cmpCal = CliHarness.Run(["compare", file, "--calendar", .. mc, "--format", "json"]);
        Assert.True(cmpCal.Code == 0, cmpCal.Err);
        using (var json = JsonDocument.Parse(cmpCal.Out))
        {
            var designs = json.RootElement.GetProperty("scenarios")[0].GetProperty("designs");
            Assert.InRange(designs[0].GetProperty("p_select_untried").GetDouble(), exact - 4 * se, exact + 4 * se);
            for (int j = 1; j < 4; j++) Assert.Equal(0, designs[j].GetProperty("p_select_untried").GetDouble());
        }
    }

    [Fact]
    public void Shards_of_a_crm_run_merge_to_the_single_run_with_it()
    {
        string file = ScenarioFile();
        string dir = CliHarness.TempDir();
        string[] run = ["simulate", file, "--design", "crm", "--trials", "3000", "--batch-size", "1000", "--seed", "9", "--quiet"];
        string p0 = Path.Combine(dir, "p0.json"), p1 = Path.Combine(dir, "p1.json");
        Assert.Equal(0, CliHarness.Run([.. run, "--shard", "0/2", "--out", p0]).Code);
        Assert.Equal(0, CliHarness.Run([.. run, "--shard", "1/2", "--out", p1]).Code);
        var merged = CliHarness.Run("merge", p0, p1, "--format", "csv");
        Assert.True(merged.Code == 0, merged.Err);
        Assert.Equal(CliHarness.Run([.. run, "--format", "csv"]).Out, merged.Out);
        Assert.True(Value(CsvTests.Parse(merged.Out), "crm", "p_select_untried") > 0);
    }

    [Fact]
    public void Counters_read_back_carry_it_and_an_impossible_count_is_refused()
    {
        var tally = MonteCarloEngine.Count(Crm(), Mid, Target, new MonteCarloOptions { Trials = 1_000, Seed = 1 });
        Assert.True(tally.SelectedUntried > 0);
        string json = Sharding.PartialResult.Json(w => Sharding.CounterJson.WriteTally(w, tally));
        var back = Sharding.CounterJson.ReadTally(JsonDocument.Parse(json).RootElement);
        Assert.Equal(tally.SelectedUntried, back.SelectedUntried);
        // More trials selecting an untried dose than trials selecting a dose.
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["selected_untried"] = tally.Weight - tally.Selection[0] + 1;
        var ex = Assert.Throws<FormatException>(() => Sharding.CounterJson.ReadTally(JsonDocument.Parse(node.ToJsonString()).RootElement));
        Assert.StartsWith("selected_untried ", ex.Message);
        // With the efficacy counters, the count must match the selected_patients cells with 0 patients.
        var withResponse = Mid with { Response = [0.1, 0.2, 0.3, 0.4] };
        var eff = MonteCarloEngine.Count(Crm(), withResponse, Target, new MonteCarloOptions { Trials = 1_000, Seed = 1 });
        Assert.NotNull(eff.SelectedPatients);
        var effNode = System.Text.Json.Nodes.JsonNode.Parse(Sharding.PartialResult.Json(w => Sharding.CounterJson.WriteTally(w, eff)))!;
        Assert.Equal(eff.SelectedUntried, Sharding.CounterJson.ReadTally(JsonDocument.Parse(effNode.ToJsonString()).RootElement).SelectedUntried);
        effNode["selected_untried"] = eff.SelectedUntried - 1;
        ex = Assert.Throws<FormatException>(() => Sharding.CounterJson.ReadTally(JsonDocument.Parse(effNode.ToJsonString()).RootElement));
        Assert.Contains("selected_patients", ex.Message);
    }
}
