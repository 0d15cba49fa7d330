using System.Globalization;
using System.Text;
using CliEntry = DoseEscalation.Cli.Cli;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Tests.Reporting;

/// <summary>Every CSV the tool writes, with names that need quoting: the same number of fields in every row, values read back intact.</summary>
public class CsvTests
{
    private const string NastyScenario = "mtd at \"DL2\", #2\nsecond line";
    private const string NastyLabel = "DL1, 25 mg/m² \"low\"";

    private static readonly string File = WriteScenarioFile();

    private static string WriteScenarioFile()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("de-csv").FullName, "nasty.yaml");
        System.IO.File.WriteAllText(path, """
            trial:
              name: "Trial, with \"quotes\""
            doses:
              - label: "DL1, 25 mg/m² \"low\""
              - label: DL2
              - label: DL3
            design:
              name: 3+3
            target: 0.30
            scenarios:
              - name: "mtd at \"DL2\", #2\nsecond line"
                dlt: [0.08, 0.20, 0.40]
              - name: plain
                dlt: [0.05, 0.10, 0.15]
            simulation:
              trials: 3000
              seed: 7
            """);
        return path;
    }

    /// <summary>An RFC 4180 reader, independent of the writer: rows of fields.</summary>
    internal static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, fieldStarted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && field.Length == 0) { quoted = true; fieldStarted = true; }
            else if (c == '"') throw new FormatException($"a quote inside an unquoted field at {i}");
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); fieldStarted = false; }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; fieldStarted = false; }
            else { field.Append(c); fieldStarted = true; }
        }
        if (quoted) throw new FormatException("unterminated quoted field");
        if (fieldStarted || row.Count > 0) { row.Add(field.ToString()); rows.Add(row); }
        return rows;
    }

    private static List<List<string>> RunCsv(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.True(CliEntry.Run(args, o, e) == 0, e.ToString());
        string text = o.ToString();
        Assert.EndsWith("\n", text);
        var rows = Parse(text);
        Assert.True(rows.Count > 1);
        Assert.All(rows, r => Assert.Equal(rows[0].Count, r.Count));
        return rows;
    }

    public static TheoryData<string> Commands() => new()
    {
        "simulate --format csv --trials 3000",
        "exact --format csv",
        "compare --designs 3+3,boin --trials 3000 --format csv",
        "exact --paths 2 --format csv",
        "table --format csv",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_row_of_every_csv_has_the_header_s_number_of_fields(string command)
    {
        var args = command.Split(' ').ToList();
        args.Insert(1, File);
        var rows = RunCsv([.. args]);
        if (rows[0][0] == "design" || rows[0][0] == "scenario")
        {
            int s = rows[0].IndexOf("scenario");
            Assert.Contains(rows.Skip(1), r => r[s] == NastyScenario);
        }
        if (rows[0].Contains("dose_label")) Assert.Contains(rows.Skip(1), r => r[rows[0].IndexOf("dose_label")] == NastyLabel);
    }

    private static Dictionary<string, List<string>> Keyed(List<List<string>> rows, string design) =>
        rows.Skip(1).Where(r => r[0] == design).ToDictionary(r => string.Join("|", r.Take(6)), r => r);

    [Fact]
    public void Simulate_exact_and_compare_write_the_same_columns_and_rows()
    {
        var simulated = RunCsv("simulate", File, "--format", "csv", "--trials", "3000");
        var exact = RunCsv("exact", File, "--format", "csv");
        var compared = RunCsv("compare", File, "--designs", "3+3,boin", "--trials", "3000", "--format", "csv");
        Assert.Equal(CsvReport.Columns, simulated[0]);
        Assert.Equal(CsvReport.Columns, exact[0]);
        Assert.Equal(CsvReport.Columns, compared[0]);
        var mc = Keyed(simulated, "3+3");
        var ex = Keyed(exact, "3+3");
        // The same observations; the sample sizes N reached are the same here, so even the p_n rows agree.
        Assert.Equal(ex.Keys.Order(), mc.Keys.Order());
        Assert.Subset(Keyed(compared, "3+3").Keys.ToHashSet(), mc.Keys.ToHashSet());
        Assert.Contains(Keyed(compared, "boin").Keys, k => k.EndsWith("|p_correct_selection_diff_vs_first|"));
        Assert.Contains(compared.Skip(1), r => r[0] == "benchmark" && r[4] == "p_correct_selection");

        foreach (var (rows, engine) in new[] { (simulated, "monte-carlo"), (exact, "exact") })
        {
            var plain = rows.Skip(1).Where(r => r[1] == "plain").ToList();
            double V(List<string> r) => double.Parse(r[6], CultureInfo.InvariantCulture);
            double total = plain.Where(r => r[4] is "selection" or "p_select_no_dose").Sum(V);
            Assert.Equal(1.0, total, 9);
            Assert.Single(plain, r => r[4] == "share_patients_at_mtd");
            Assert.All(plain, r => Assert.Equal(engine, r[8]));
            var pn = plain.Where(r => r[4] == "n_distribution").ToList();
            Assert.Equal(1.0, pn.Sum(V), 9);
            Assert.All(pn, r => Assert.True(int.Parse(r[5], CultureInfo.InvariantCulture) > 0));
            if (engine == "monte-carlo")
            {
                Assert.All(plain, r => Assert.Equal(("3000", "7"), (r[9], r[10])));
                Assert.All(pn, r => Assert.True(double.Parse(r[7], CultureInfo.InvariantCulture) > 0, "a Monte Carlo P(N = n) has a standard error"));
            }
            else Assert.All(plain, r => Assert.Equal(("", ""), (r[9], r[10])));
        }
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("#1", "\"#1\"")]
    [InlineData(" padded", "\" padded\"")]
    [InlineData("", "")]
    public void Fields_are_quoted_only_when_needed(string value, string written) => Assert.Equal(written, CsvTable.Field(value));
}
