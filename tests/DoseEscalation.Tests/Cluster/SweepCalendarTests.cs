using System.Globalization;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Sweeps;
using DoseEscalation.Tests.Reliability;

namespace DoseEscalation.Tests.Cluster;

/// <summary>Sweeps over calendar settings (the grid's <c>timelines:</c>): cells on the calendar engine, their counters sharded, merged and resumed exactly.</summary>
public class SweepCalendarTests
{
    internal const string Grid = """
        doses: 4
        target: 0.30
        trials: 600
        seed: 5
        batch_size: 200
        designs:
          - 3+3
          - name: boin
            options: { cohort_size: 3 }
        scenarios:
          - name: middle
            dlt: [0.05, 0.12, 0.30, 0.45]
          - name: low
            dlt: [0.02, 0.05, 0.10, 0.25]
        sample_sizes: [18]
        timelines:
          - name: fast
            accrual_rate_per_month: 4
            dlt_window_days: 28
          - name: slow
            accrual_interval_days: 20
            dlt_window_days: 28
            enrolment_to_infusion_days: 14
            max_wait_days: 60
            non_evaluable_rate: 0.1
        """;

    private static Dictionary<string, string>[] ReadCsv(string file)
    {
        var lines = File.ReadAllLines(file);
        var header = lines[0].Split(',');
        // design_options is quoted (it holds commas): split it out, the rest has none.
        return lines.Skip(1).Select(l =>
        {
            int q1 = l.IndexOf('"'), q2 = l.IndexOf('"', q1 + 1);
            var before = l[..q1].TrimEnd(',').Split(',');
            var after = l[(q2 + 2)..].Split(',');
            string[] values = [.. before, l[(q1 + 1)..q2], .. after];
            Assert.Equal(header.Length, values.Length);
            return header.Zip(values).ToDictionary(p => p.First, p => p.Second);
        }).ToArray();
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Cells_cross_every_timeline_and_a_cell_has_the_calendar_engines_numbers()
    {
        var grid = SweepGrid.Parse(Grid, "grid.yaml");
        Assert.Equal(["fast", "slow"], grid.Timelines.Select(t => t.Name));
        Assert.Equal(AccrualKind.Poisson, grid.Timelines[0].Timeline.Accrual);
        Assert.Equal(0.1, grid.Timelines[1].Timeline.NonEvaluableRate);
        Assert.Equal(60, grid.Timelines[1].Timeline.MaxWaitDays);
        var cells = Sweep.Cells(grid);
        // Design, sample size, cohort size, timeline, scenario.
        Assert.Equal(["3+3 fast middle", "3+3 fast low", "3+3 slow middle", "3+3 slow low", "boin fast middle", "boin fast low", "boin slow middle", "boin slow low"],
            cells.Select(c => $"{c.Design.Label} {c.Timeline!.Name} {c.Scenario.Scenario.Name}"));

        string dir = CliHarness.TempDir();
        File.WriteAllText(Path.Combine(dir, "grid.yaml"), Grid);
        Assert.Equal(0, CliHarness.Run("sweep", Path.Combine(dir, "grid.yaml"), "--out", Path.Combine(dir, "t.csv"), "--quiet").Code);
        var rows = ReadCsv(Path.Combine(dir, "t.csv"));
        Assert.Equal(8, rows.Length);

        // Cell 6 (BOIN, slow, middle) against CalendarEngine.Run with the grid's trials, seed and batch size.
        var cell = cells[6];
        var r = CalendarEngine.Run(cell.Design.Design, cell.Scenario.Scenario, 0.30, cell.Timeline!.Timeline,
            new MonteCarloOptions { Trials = 600, Seed = 5, BatchSize = 200 });
        var row = rows[6];
        Assert.Equal("slow", row["timeline"]);
        Assert.Equal(r.Oc.CorrectSelection.Value, D(row["p_correct_selection"]));
        Assert.Equal(r.Oc.MeanN.Value, D(row["mean_n"]));
        Assert.Equal(r.Duration.Mean, D(row["duration_mean"]));
        Assert.Equal(r.Duration.Sd, D(row["duration_sd"]));
        Assert.Equal(r.Duration.Median, D(row["duration_median"]));
        Assert.Equal(r.Duration.P10, D(row["duration_p10"]));
        Assert.Equal(r.Duration.P90, D(row["duration_p90"]));
        Assert.Equal(r.TimeToDecision.Mean, D(row["time_to_decision_mean"]));
        Assert.Equal(r.MeanEnrolled, D(row["mean_enrolled"]));
        Assert.Equal(r.MeanNonEvaluable, D(row["mean_non_evaluable"]));
        Assert.Equal(r.MeanLost, D(row["mean_lost"]));
        Assert.Equal(r.MeanWaited, D(row["mean_waited"]));
        Assert.Equal(r.MeanWaitDays, D(row["mean_wait_days"]));
        // The numbers are the calendar's: 18 evaluable patients one every 20 days take at least 340 days, and
        // one non-evaluable patient in ten is replaced (the enrolled exceed the evaluable).
        Assert.InRange(r.Duration.Mean, 340, 1000);
        Assert.True(r.MeanEnrolled > r.Oc.MeanN.Value);
        Assert.True(D(rows[4]["duration_mean"]) < r.Duration.Mean); // fast accrual, no infusion delay
        Assert.All(rows.Where(x => x["timeline"] == "fast"), x => Assert.Equal(0, D(x["mean_non_evaluable"])));

        // Parquet has the CSV's columns and rows.
        Assert.Equal(0, CliHarness.Run("sweep", Path.Combine(dir, "grid.yaml"), "--out", Path.Combine(dir, "t.parquet"), "--quiet").Code);
        using (var stream = File.OpenRead(Path.Combine(dir, "t.parquet")))
        {
            await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
            var fields = reader.Schema.GetDataFields();
            Assert.Equal(File.ReadLines(Path.Combine(dir, "t.csv")).First().Split(','), fields.Select(f => f.Name));
            using var group = reader.OpenRowGroupReader(0);
            var duration = new double[group.RowCount];
            await group.ReadAsync<double>(fields.Single(f => f.Name == "duration_mean"), duration.AsMemory());
            Assert.Equal(rows.Select(x => D(x["duration_mean"])), duration);
            var names = new string?[group.RowCount];
            await group.ReadAsync(fields.Single(f => f.Name == "timeline"), names.AsMemory());
            Assert.Equal(rows.Select(x => x["timeline"]), names);
        }

        // A design that reads only evaluated counts gets the trial loop's operating characteristics on any timeline.
        File.WriteAllText(Path.Combine(dir, "plain.yaml"), Grid[..Grid.IndexOf("timelines:", StringComparison.Ordinal)] + "method: loop\n");
        Assert.Equal(0, CliHarness.Run("sweep", Path.Combine(dir, "plain.yaml"), "--out", Path.Combine(dir, "plain.csv"), "--quiet").Code);
        var plain = ReadCsv(Path.Combine(dir, "plain.csv"));
        Assert.Equal(4, plain.Length);
        Assert.DoesNotContain("timeline", File.ReadLines(Path.Combine(dir, "plain.csv")).First().Split(','));
        for (int i = 0; i < rows.Length; i++)
        {
            var p = plain.Single(x => x["design"] == rows[i]["design"] && x["scenario"] == rows[i]["scenario"]);
            foreach (var col in new[] { "p_correct_selection", "mean_n", "selection_1", "selection_4", "mean_patients_2", "mean_total_dlts" })
                Assert.Equal(p[col], rows[i][col]);
        }
    }

    [Fact]
    public void A_calendar_tally_round_trips_through_its_JSON_counters_exactly()
    {
        var grid = SweepGrid.Parse(Grid, "grid.yaml");
        var cell = Sweep.Cells(grid)[2]; // 3+3, slow (non-evaluable and waiting patients), middle
        var tally = Sweep.CountCalendar(cell, grid, Sweep.Options(grid));
        tally.DurationSq += (Int128)long.MaxValue * 3; // beyond 64 bits, as a long run's squares are
        var json = Sharding.PartialResult.Json(w => Sharding.CounterJson.WriteCalendarTally(w, tally));
        var back = Sharding.CounterJson.ReadCalendarTally(System.Text.Json.JsonDocument.Parse(json).RootElement);
        Assert.Equal(json, Sharding.PartialResult.Json(w => Sharding.CounterJson.WriteCalendarTally(w, back)));
        Assert.Equal(tally.DurationDays, back.DurationDays);
        Assert.Equal(tally.DecisionDays, back.DecisionDays);
        Assert.Equal(tally.DurationSq, back.DurationSq);
        Assert.True(tally.DurationSq > long.MaxValue);
        Assert.Equal((tally.Enrolled, tally.NonEvaluable, tally.Lost, tally.Waited, tally.WaitTicks), (back.Enrolled, back.NonEvaluable, back.Lost, back.Waited, back.WaitTicks));
        Assert.True(tally.NonEvaluable > 0 && tally.Waited > 0);
        Assert.Equal(tally.Oc.Selection, back.Oc.Selection);
        Assert.Equal(tally.Oc.NDistribution, back.Oc.NDistribution);
        // The day histograms are written as their non-zero stretch, not 36,527 entries each.
        Assert.True(json.Length < 20_000, $"{json.Length} characters");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Merged_calendar_sweep_shards_are_byte_identical_to_the_single_run(int n) => SweepProcessTests.ShardedAndMerged(Grid, n);

    private const string SlowGrid = """
        doses: 4
        target: 0.30
        trials: 800
        seed: 3
        batch_size: 400
        designs:
          - name: crm
        monotone:
          grid: [0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5]
        sample_sizes: [12]
        timelines:
          - name: monthly
            accrual_rate_per_month: 2
            dlt_window_days: 28
          - name: weekly
            accrual_interval_days: 7
            dlt_window_days: 21
            sentinel_days: 3
        """;

    [Fact]
    public void A_calendar_sweep_killed_with_SIGTERM_and_started_again_writes_the_uninterrupted_bytes() =>
        SweepProcessTests.KilledAndResumed(SlowGrid, cells: 70); // 2 timelines x C(7, 4) = 35 curves

    [Fact]
    public void A_bad_timeline_is_one_line_naming_the_grid_the_field_and_the_value()
    {
        string dir = CliHarness.TempDir();
        string file = Path.Combine(dir, "grid.yaml");
        string Bad() => CliHarness.AssertBadInput(CliHarness.Run("sweep", file, "--out", Path.Combine(dir, "out.csv")), "grid.yaml");

        File.WriteAllText(file, Grid.Replace("    dlt_window_days: 28\n  - name: slow", "  - name: slow"));
        Assert.Contains("timelines[0].dlt_window_days: is required", Bad());
        File.WriteAllText(file, Grid.Replace("accrual_rate_per_month: 4", "accrual_rate_per_month: -4"));
        Assert.Contains("timelines[0].accrual_rate_per_month = -4: must be above 0", Bad());
        File.WriteAllText(file, Grid.Replace("enrolment_to_infusion_days: 14", "enrolment_to_infusion: 14"));
        Assert.Contains("timelines[1].enrolment_to_infusion: unknown key", Bad());
        File.WriteAllText(file, Grid.Replace("non_evaluable_rate: 0.1", "non_evaluable_rate: 0.97"));
        Assert.Contains("timelines[1].non_evaluable_rate = 0.97: must be below 0.95", Bad());
        File.WriteAllText(file, Grid.Replace("name: slow", "name: fast"));
        Assert.Contains("timelines[1].name = fast: a second timeline with this name", Bad());
        File.WriteAllText(file, Grid + "\nmethod: graph\n");
        Assert.Contains("method = graph: the calendar (timelines) runs each patient in time", Bad());
        // Malformed YAML in a grid is one line too (the parser's exception used to escape with its stack trace).
        File.WriteAllText(file, Grid + "method: graph\n");
        Assert.Contains("(document): not valid YAML", Bad());

        // A design the calendar cannot run with a timeline: named with the timeline, before any cell runs.
        File.WriteAllText(file, Grid.Replace("  - 3+3\n", "  - rolling-six\n").Replace("max_wait_days: 60", "sentinel_days: 2"));
        string line = Bad();
        Assert.Contains("timelines[1] = slow", line);
        Assert.Contains("design 'rolling-six'", line);
        Assert.Contains("sentinel_days = 2", line);
        // BOIN12 reads responses: a scenario without them is named, before any cell runs (SweepResponseTests runs it).
        File.WriteAllText(file, Grid.Replace("  - 3+3\n", "  - boin12\n"));
        line = Bad();
        Assert.Contains("designs (boin12)", line);
        Assert.Contains("design boin12 reads responses, but scenario 'middle' (listed) has no response probabilities", line);
        Assert.Equal(["grid.yaml"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
    }
}
