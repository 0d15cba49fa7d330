using System.Diagnostics;
using DoseEscalation.Sweeps;
using DoseEscalation.Tests.Reliability;

namespace DoseEscalation.Tests.Cluster;

public class SweepTests
{
    internal const string Grid = """
        doses: 4
        target: 0.30
        trials: 1000
        seed: 7
        batch_size: 250
        designs:
          - 3+3
          - name: boin
            label: boin-safe
            options: { extrasafe: true }
        scenarios:
          - name: middle
            dlt: [0.05, 0.12, 0.30, 0.45]
        monotone:
          grid: [0.05, 0.1, 0.3, 0.5, 0.6]
        random:
          count: 2
          seed: 11
        sample_sizes: [12, 18]
        cohort_sizes: [2, 3]
        """;

    [Fact]
    public void Cells_follow_the_grid_and_a_setting_a_design_does_not_take_gives_one_cell()
    {
        var grid = SweepGrid.Parse(Grid, "grid.yaml");
        // 1 listed, C(5, 4) = 5 strictly increasing curves, 2 random.
        Assert.Equal(["listed", "monotone", "monotone", "monotone", "monotone", "monotone", "random", "random"], grid.Scenarios.Select(s => s.Source));
        var cells = Sweep.Cells(grid);
        // 3+3: 2 sample sizes (its cohorts of 3 are intrinsic: cohort size 2 does not apply); BOIN: 2 x 2.
        int scenarios = grid.Scenarios.Count;
        Assert.Equal((2 + 4) * scenarios, cells.Count);
        Assert.All(cells.Where(c => c.Design.Name == "3+3"), c => Assert.Equal(3, c.CohortSize));
        Assert.Equal([2, 3], cells.Where(c => c.Design.Name == "boin").Select(c => c.CohortSize!.Value).Distinct().Order());
        Assert.Equal(Enumerable.Range(0, cells.Count), cells.Select(c => c.Index));
    }

    [Fact]
    public void A_listed_scenario_takes_response_probabilities_and_refuses_an_unknown_field()
    {
        string withResponse = Grid.Replace("    dlt: [0.05, 0.12, 0.30, 0.45]\n", "    dlt: [0.05, 0.12, 0.30, 0.45]\n    response: [0.1, 0.2, 0.3, 0.4]\n");
        Assert.NotEqual(Grid, withResponse);
        Assert.Equal([0.1, 0.2, 0.3, 0.4], SweepGrid.Parse(withResponse, "grid.yaml").Scenarios[0].Scenario.Response);
        // A field the grid does not know is an error, never dropped.
        string typo = Grid.Replace("    dlt: [0.05, 0.12, 0.30, 0.45]\n", "    dlt: [0.05, 0.12, 0.30, 0.45]\n    respones: [0.1, 0.2, 0.3, 0.4]\n");
        var ex = Assert.ThrowsAny<Exception>(() => SweepGrid.Parse(typo, "grid.yaml"));
        Assert.Contains("scenarios[0].respones", ex.Message);
    }

    [Theory]
    [InlineData(new[] { 0.1, 0.2, 0.3, 0.4, 0.5 }, 3, true, 10)]   // C(5, 3)
    [InlineData(new[] { 0.1, 0.2, 0.3, 0.4, 0.5 }, 3, false, 35)]  // C(7, 3)
    [InlineData(new[] { 0.3, 0.1, 0.2 }, 4, true, 0)]
    public void Monotone_curves_are_every_increasing_choice(double[] grid, int doses, bool strict, int expected)
    {
        var curves = CurveGenerator.Monotone(grid, doses, strict);
        Assert.Equal(expected, curves.Count);
        Assert.Equal(expected, curves.Select(c => string.Join(",", c)).Distinct().Count());
        Assert.All(curves, c => Assert.True(c.Zip(c.Skip(1)).All(p => strict ? p.First < p.Second : p.First <= p.Second)));
    }

    [Fact]
    public void Pseudo_uniform_curves_are_increasing_with_the_placed_MTD_closest_to_the_target_and_placed_uniformly()
    {
        const int k = 5, n = 5000;
        const double target = 0.25;
        var curves = CurveGenerator.PseudoUniform(k, target, n, seed: 3);
        var counts = new int[k];
        foreach (var (dlt, mtd) in curves)
        {
            Assert.True(dlt.Zip(dlt.Skip(1)).All(p => p.First <= p.Second), string.Join(",", dlt));
            Assert.All(dlt, p => Assert.InRange(p, 0, 1));
            int closest = Enumerable.Range(0, k).MinBy(d => Math.Abs(dlt[d] - target));
            Assert.Equal(mtd, closest);
            counts[mtd]++;
        }
        // Each dose is the MTD with probability 1/5: within 4 standard errors (sqrt(n p (1 - p)) = 28.3).
        Assert.All(counts, c => Assert.InRange(c, n / k - 4 * 28.3, n / k + 4 * 28.3));
        // Reproducible from the seed.
        Assert.Equal(curves[17].Dlt, CurveGenerator.PseudoUniform(k, target, 20, seed: 3)[17].Dlt);
    }

    [Fact]
    public void A_bad_grid_is_one_line_naming_the_field()
    {
        string dir = CliHarness.TempDir();
        string file = Path.Combine(dir, "grid.yaml");
        File.WriteAllText(file, Grid.Replace("extrasafe: true", "extrasafe: maybe"));
        var line = CliHarness.AssertBadInput(CliHarness.Run("sweep", file, "--out", Path.Combine(dir, "out.csv")), "designs[1].options.extrasafe");
        Assert.Contains("grid.yaml", line);
        File.WriteAllText(file, Grid.Replace("sample_sizes: [12, 18]", "sample_sizes: [12, 0]"));
        CliHarness.AssertBadInput(CliHarness.Run("sweep", file, "--out", Path.Combine(dir, "out.csv")), "sample_sizes");
        Assert.Equal(["grid.yaml"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Parquet_holds_the_rows_of_the_csv()
    {
        string dir = CliHarness.TempDir();
        string file = Path.Combine(dir, "grid.yaml");
        File.WriteAllText(file, Grid);
        Assert.Equal(0, CliHarness.Run("sweep", file, "--out", Path.Combine(dir, "t.csv")).Code);
        Assert.Equal(0, CliHarness.Run("sweep", file, "--out", Path.Combine(dir, "t.parquet")).Code);
        var csv = File.ReadAllLines(Path.Combine(dir, "t.csv"));
        using var stream = File.OpenRead(Path.Combine(dir, "t.parquet"));
        await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(csv[0].Split(','), fields.Select(f => f.Name));
        using var group = reader.OpenRowGroupReader(0);
        Assert.Equal(csv.Length - 1, group.RowCount);
        var pcs = new double[group.RowCount];
        await group.ReadAsync<double>(fields.Single(f => f.Name == "p_correct_selection"), pcs.AsMemory());
        int col = Array.IndexOf(csv[0].Split(','), "p_correct_selection");
        // The CSV's design_options column is quoted (it holds commas): read its p_correct_selection from the end.
        int fromEnd = csv[0].Split(',').Length - col;
        for (int r = 1; r < csv.Length; r++)
        {
            var cells = csv[r].Split(',');
            Assert.Equal(double.Parse(cells[^fromEnd], System.Globalization.CultureInfo.InvariantCulture), pcs[r - 1]);
        }
    }
}
