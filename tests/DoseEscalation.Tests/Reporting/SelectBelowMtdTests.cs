using System.Globalization;
using DoseEscalation.Engines;
using DoseEscalation.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Reporting;

/// <summary>
/// What P(select below the true MTD) counts, in simulate's <c>p_select_below_mtd</c> and compare's
/// "P(below, incl. none)" (the same estimate): a dose below the true MTD, or no dose at all when a
/// true MTD exists. With no true MTD nothing is below it, and the quantity is 0.
/// </summary>
public class SelectBelowMtdTests
{
    [Fact]
    public void With_the_mtd_at_the_lowest_dose_p_below_is_p_no_dose_by_hand()
    {
        // 3+3 (no de-escalation) on two doses, DLT 0.2 and 0.9, target 0.25: the true MTD is dose 1, so
        // the only way to select below it is to select no dose, i.e. dose 1 fails: not (0/3, or 1/3 then 0/3).
        var oc = ExactEngine.Run(Design.ThreePlusThree(2, deescalate: false, expandTopDose: false), new Scenario("low", [0.2, 0.9]), 0.25);
        double pass = Math.Pow(0.8, 3) + 3 * 0.2 * 0.8 * 0.8 * Math.Pow(0.8, 3);
        Assert.Equal(0, oc.TrueMtdLevel);
        Assert.Equal(1 - pass, oc.Selection[0].Value, 1e-12); // 0.291392
        Assert.Equal(1 - pass, oc.SelectBelowMtd.Value, 1e-12);
    }

    [Fact]
    public void P_below_is_the_doses_below_the_mtd_plus_no_dose()
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(3), new Scenario("mid", [0.05, 0.2, 0.9]), 0.25);
        Assert.Equal(1, oc.TrueMtdLevel);
        Assert.True(oc.Selection[0].Value > 0.01);
        Assert.Equal(oc.Selection[1].Value + oc.Selection[0].Value, oc.SelectBelowMtd.Value, 1e-15);
    }

    [Fact]
    public void Without_a_true_mtd_nothing_is_below_it()
    {
        var oc = ExactEngine.Run(Design.ThreePlusThree(2), new Scenario("toxic", [0.5, 0.9]), 0.25);
        Assert.Equal(-1, oc.TrueMtdLevel);
        Assert.True(oc.Selection[0].Value > 0.5);
        Assert.Equal(0, oc.SelectBelowMtd.Value);
    }

    [Fact]
    public void Simulate_and_compare_report_the_same_definition()
    {
        string dir = Directory.CreateTempSubdirectory("de-below").FullName;
        string file = Path.Combine(dir, "below.yaml");
        File.WriteAllText(file, """
            trial:
              name: P(below)
            doses:
              - label: DL1
              - label: DL2
              - label: DL3
            target: 0.25
            designs:
              - name: 3+3
              - name: boin
            scenarios:
              - name: mid
                dlt: [0.05, 0.2, 0.9]
              - name: toxic
                dlt: [0.5, 0.6, 0.9]
            """);
        // simulate (exact 3+3): the CSV's p_select_below_mtd is the hand sum above.
        var exact = Csv("exact", file, "--design", "3+3", "--format", "csv");
        var mid = ExactEngine.Run(Design.ThreePlusThree(3), new Scenario("mid", [0.05, 0.2, 0.9]), 0.25);
        Assert.Equal(mid.Selection[1].Value + mid.Selection[0].Value, Value(exact, "3+3", "mid", "p_select_below_mtd"), 1e-15);

        // compare: for every design and scenario, p_select_below_mtd = P(select below the MTD) + P(no dose) when there is a true MTD, else 0.
        var compared = Csv("compare", file, "--trials", "4000", "--seed", "3", "--format", "csv");
        foreach (var design in new[] { "3+3", "boin" })
        {
            double below = compared.Where(r => r[0] == design && r[1] == "mid" && r[4] == "selection" && r[2] == "1").Sum(r => D(r[6]));
            double none = Value(compared, design, "mid", "p_select_no_dose");
            Assert.True(none > 0);
            Assert.Equal(below + none, Value(compared, design, "mid", "p_select_below_mtd"), 1e-12);
            Assert.Equal(0, Value(compared, design, "toxic", "p_select_below_mtd"));
            Assert.True(Value(compared, design, "toxic", "p_select_no_dose") > 0);
        }

        var o = new StringWriter();
        Assert.Equal(0, CliEntry.Run(["compare", file, "--trials", "1000", "--seed", "3"], o, new StringWriter()));
        Assert.Contains("P(below, incl. none)", o.ToString());
        Assert.Contains("or no dose when a true MTD exists", o.ToString());
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static double Value(List<List<string>> rows, string design, string scenario, string quantity) =>
        D(rows.Single(r => r[0] == design && r[1] == scenario && r[4] == quantity)[6]);

    private static List<List<string>> Csv(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.True(CliEntry.Run(args, o, e) == 0, e.ToString());
        return CsvTests.Parse(o.ToString());
    }
}
