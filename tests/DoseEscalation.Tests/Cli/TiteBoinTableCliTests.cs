using System.Globalization;
using DoseEscalation.Designs;
using DoseEscalation.Tests.Designs;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Cli;

/// <summary><c>table --design tite-boin</c> in each format, and TITE-BOIN's option flags in compare.</summary>
public sealed class TiteBoinTableCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        return (CliEntry.Run(args, o, e), o.ToString(), e.ToString());
    }

    /// <summary>The CSV read back: (n, x, m) to its STFT ranges.</summary>
    private static Dictionary<(int, int, int), List<StftRange>> ReadCsv(string csv)
    {
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("n,dlts,pending,decision,stft_from,stft_from_included,stft_to,stft_to_included", lines[0]);
        var rows = new Dictionary<(int, int, int), List<StftRange>>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            var action = f[3] switch
            {
                "escalate" => TiteBoinAction.Escalate, "stay" => TiteBoinAction.Stay, "de-escalate" => TiteBoinAction.Deescalate,
                "eliminate" => TiteBoinAction.Eliminate, "suspend" => TiteBoinAction.Suspend, _ => throw new FormatException(f[3]),
            };
            var key = (int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture));
            if (!rows.TryGetValue(key, out var list)) rows[key] = list = [];
            list.Add(new StftRange(action, double.Parse(f[4], CultureInfo.InvariantCulture), bool.Parse(f[5]), double.Parse(f[6], CultureInfo.InvariantCulture), bool.Parse(f[7])));
        }
        return rows;
    }

    [Fact]
    public void The_csv_read_back_reproduces_every_published_cell()
    {
        var tables = new Dictionary<double, Dictionary<(int, int, int), List<StftRange>>>();
        foreach (double target in new[] { 0.2, 0.3 })
        {
            var (code, output, err) = Run("table", "--design", "tite-boin", "--target", target.ToString(CultureInfo.InvariantCulture), "--format", "csv");
            Assert.Equal(0, code);
            Assert.Equal("", err);
            tables[target] = ReadCsv(output);
        }
        int states = 0;
        foreach (var (target, n, x, m, stft, expected) in TiteBoinDecisionTableTests.PublishedStates())
        {
            var row = new TiteBoinTableRow(n, x, m, tables[target][(n, x, m)]);
            Assert.Equal(expected, row.ActionAt(stft));
            states++;
        }
        Assert.True(states > 1000);
    }

    [Fact]
    public void The_text_and_markdown_tables_print_the_papers_rows()
    {
        var text = Run("table", "--design", "tite-boin", "--target", "0.2");
        Assert.Equal(0, text.Code);
        var lines = text.Out.Split('\n');
        Assert.StartsWith("TITE-BOIN, target 0.2, cohort 3, max N 30", lines[0]);
        Assert.StartsWith("n up to 15, the paper's 5 cohorts", lines[1]);
        Assert.Equal(" n  DLTs  pending  decision", lines[3]);
        Assert.Contains(" 9  1     3        stay if STFT < 0.77; escalate if STFT >= 0.77", lines);
        Assert.Contains(" 9  2     1        de-escalate if STFT <= 0.52; stay if STFT > 0.52", lines);
        Assert.Contains("15  6-15  any      eliminate", lines);
        var md = Run("table", "--design", "tite-boin", "--target", "0.3", "--format", "md");
        Assert.Equal(0, md.Code);
        Assert.Contains("| n | DLTs | pending | decision |\n|---:|---|---|---|\n| 3 | 0 | 0-1 | escalate |\n", md.Out);
        Assert.Contains("| 15 | 3 | 2 | stay if STFT < 0.11; escalate if STFT >= 0.11 |\n", md.Out);
    }

    [Fact]
    public void Options_change_the_table()
    {
        var ess = Run("table", "--design", "tite-boin", "--target", "0.2", "--estimate", "ess");
        Assert.Equal(0, ess.Code);
        Assert.Contains(" 9  1     3        stay if STFT < 0.36; escalate if STFT >= 0.36", ess.Out.Split('\n'));
        Assert.Contains(" 6  1     3        de-escalate if STFT <= 1.19; stay if STFT > 1.19", ess.Out.Split('\n'));
        // Suspension at more than 70% pending: 3 of 6 no longer suspends at x = 0.
        var pending = Run("table", "--design", "tite-boin", "--target", "0.2", "--max-pending", "0.7", "--format", "csv");
        Assert.Contains("\n6,0,4,escalate,0,true,4,true\n", pending.Out);
        Assert.Contains("\n6,0,5,suspend,0,true,5,true\n", pending.Out);
        // --max-n extends the rows to max N; --cohort-size changes the n's.
        var wide = ReadCsv(Run("table", "--design", "tite-boin", "--max-n", "30", "--format", "csv").Out);
        Assert.Equal(30, wide.Keys.Max(k => k.Item1));
        Assert.DoesNotContain("n up to", Run("table", "--design", "tite-boin", "--max-n", "30").Out);
        var ones = ReadCsv(Run("table", "--design", "tite-boin", "--cohort-size", "1", "--format", "csv").Out);
        Assert.Equal([1, 2, 3, 4, 5], ones.Keys.Select(k => k.Item1).Distinct());
    }

    [Fact]
    public void Compare_sets_tite_boin_options_from_flags_as_set_does()
    {
        string[] common = ["compare", "--dlt", "0.05,0.1,0.2,0.3,0.5", "--designs", "boin,tite-boin", "--trials", "500", "--seed", "3", "--format", "json"];
        var flag = Run([.. common, "--estimate", "ess", "--max-pending", "0.7"]);
        var set = Run([.. common, "--set", "tite-boin.estimate=ess", "--set", "tite-boin.max_pending=0.7"]);
        Assert.Equal(0, flag.Code);
        Assert.Equal(set.Out, flag.Out);
        Assert.Contains("\"max_pending\": 0.7,\n        \"estimate\": \"ess\"", flag.Out);
        // boin takes neither: each is noted, not dropped silently.
        Assert.Contains("estimate ess does not apply to design 'boin'", flag.Err);
        Assert.Contains("max_pending 0.7 does not apply to design 'boin'", flag.Err);
        Assert.NotEqual(Run(common).Out, flag.Out);
    }

    [Fact]
    public void Compare_refuses_a_design_flag_no_design_takes()
    {
        var (code, output, err) = Run("compare", "--dlt", "0.05,0.1,0.2,0.3,0.5", "--designs", "3+3,boin", "--trials", "100", "--estimate", "ess");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("--estimate ess: no design in this run (3+3, boin) takes estimate", err);
    }
}
