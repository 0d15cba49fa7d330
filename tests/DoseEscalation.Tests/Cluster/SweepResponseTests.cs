using System.Globalization;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Response;
using DoseEscalation.Sweeps;
using DoseEscalation.Tests.Reliability;

namespace DoseEscalation.Tests.Cluster;

/// <summary>
/// Sweeps with a design that reads responses (BOIN12) and scenarios with response probabilities:
/// its cells are the response engine's (and, with timelines, the calendar's) numbers for the same
/// trials, seed and batch size, bit for bit; the dose-optimisation columns; shards merge exactly.
/// </summary>
public class SweepResponseTests
{
    private const string Grid = """
        doses: 3
        target: 0.30
        trials: 600
        seed: 5
        batch_size: 200
        designs:
          - boin12
          - boin
        scenarios:
          - name: rising
            dlt: [0.05, 0.15, 0.35]
            response: [0.2, 0.45, 0.5]
          - name: flat
            dlt: [0.05, 0.1, 0.2]
            response: [0.3, 0.3, 0.3]
        """;

    private const string Timelines = """
        timelines:
          - name: monthly
            accrual_rate_per_month: 3
            dlt_window_days: 28
            response_days: 56
        """;

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static Dictionary<string, string>[] Rows(string csv)
    {
        var lines = File.ReadAllLines(csv);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l =>
        {
            int q1 = l.IndexOf('"'), q2 = l.IndexOf('"', q1 + 1);
            string[] values = [.. l[..q1].TrimEnd(',').Split(','), l[(q1 + 1)..q2], .. l[(q2 + 2)..].Split(',')];
            Assert.Equal(header.Length, values.Length);
            return header.Zip(values).ToDictionary(p => p.First, p => p.Second);
        }).ToArray();
    }

    [Fact]
    public void A_boin12_cell_is_the_response_engines_result_for_the_grids_trials_seed_and_batch_size()
    {
        string dir = CliHarness.TempDir();
        string grid = Path.Combine(dir, "grid.yaml");
        File.WriteAllText(grid, Grid);
        var r = CliHarness.Run("sweep", grid, "--out", Path.Combine(dir, "t.csv"), "--quiet");
        Assert.True(r.Code == 0, r.Err);
        var rows = Rows(Path.Combine(dir, "t.csv"));
        Assert.Equal(4, rows.Length);
        var cells = Sweep.Cells(SweepGrid.Parse(Grid, grid));
        foreach (int i in new[] { 0, 1, 2 })
        {
            var cell = cells[i];
            var oc = MonteCarloEngine.Run(cell.Design.Design, cell.Scenario.Scenario, 0.30, new MonteCarloOptions { Trials = 600, Seed = 5, BatchSize = 200 });
            var row = rows[i];
            Assert.Equal(cell.Design.Label, row["design"]);
            for (int d = 0; d < 3; d++)
            {
                Assert.Equal(oc.Selection[d + 1].Value, D(row[$"selection_{d + 1}"]));
                Assert.Equal(oc.MeanPatients[d].Value, D(row[$"mean_patients_{d + 1}"]));
            }
            Assert.Equal(oc.Selection[0].Value, D(row["p_select_no_dose"]));
            Assert.Equal(oc.MeanN.Value, D(row["mean_n"]));
            Assert.Equal(oc.MeanTotalDlts.Value, D(row["mean_total_dlts"]));
            var opt = oc.DoseOptimisation!;
            Assert.Equal(opt.ObdLevel + 1, int.Parse(row["true_obd"], CultureInfo.InvariantCulture));
            Assert.Equal(opt.SelectObd.Value, D(row["p_select_obd"]));
            Assert.Equal(opt.SelectObd.Se, D(row["p_select_obd_se"]));
            Assert.Equal(opt.UtilityOfSelected.Value, D(row["utility_of_selected"]));
        }
        // Rising: utilities (100 r + 40 (1 - r) - 40 p ... ) peak at dose 2, the true OBD; BOIN12 finds it more often than BOIN.
        Assert.Equal("2", rows[0]["true_obd"]);
        Assert.True(D(rows[0]["p_select_obd"]) > D(rows[2]["p_select_obd"]), $"{rows[0]["p_select_obd"]} vs {rows[2]["p_select_obd"]}");
    }

    [Fact]
    public void On_a_timeline_a_boin12_cell_has_the_calendar_engines_numbers()
    {
        var grid = SweepGrid.Parse(Grid + "\n" + Timelines, "grid.yaml");
        var cell = Sweep.Cells(grid)[0];
        Assert.Equal("boin12", cell.Design.Label);
        var options = Sweep.Options(grid);
        var tally = Sweep.CountCalendar(cell, grid, options);
        var result = Sweep.CalendarResult(cell, grid, tally, options);
        var run = ResponseCalendar.Run(cell.Design.Design, cell.Scenario.Scenario, 0.30, cell.Timeline!.Timeline, options);
        Assert.Equal(run.Oc.Selection.Select(e => e.Value), result.Oc.Selection.Select(e => e.Value));
        Assert.Equal(run.Oc.MeanN.Value, result.Oc.MeanN.Value);
        Assert.Equal(run.Duration.Mean, result.Duration.Mean);
        Assert.Equal(run.TimeToDecision.P90, result.TimeToDecision.P90);
        // It waits for the response at day 56 after each cohort's infusion: at least 10 cohorts x 56 days for 30 patients.
        Assert.InRange(run.Duration.Mean, 10 * 56, 2000);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Merged_shards_of_a_sweep_with_boin12_are_byte_identical_to_the_single_run(bool timelines) =>
        SweepProcessTests.ShardedAndMerged(timelines ? Grid + "\n" + Timelines : Grid, 3);
}
