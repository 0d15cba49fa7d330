using System.Globalization;
using DoseEscalation.Designs;
using Xunit;

namespace DoseEscalation.Tests.Designs;

/// <summary>
/// TITE-BOIN's decision table (<see cref="TiteBoin.ToPendingDecisionTable"/>): its STFT ranges, solved from the
/// rule, against the published cells of Yuan et al. (2018) and against <see cref="TiteBoin.Cell"/> evaluated
/// state by state.
/// </summary>
public sealed class TiteBoinDecisionTableTests
{
    private static TiteBoin Design(double target, TiteBoinEstimate estimate, double maxPending = 0.5, int cohort = 3, int maxN = 30) =>
        new(new Boin(5, target, cohort, maxN), maxPending, estimate);

    /// <summary>Every state of every published cell, as (target, n, x, m, STFT, expected decision).</summary>
    internal static IEnumerable<(double Target, int N, int X, int M, double Stft, TiteBoinAction Expected)> PublishedStates()
    {
        foreach (string cell in TiteBoinPublishedTableTests.Cells)
        {
            string[] f = cell.Split(' ');
            double target = double.Parse(f[1], CultureInfo.InvariantCulture);
            int n = int.Parse(f[2], CultureInfo.InvariantCulture);
            var (xMin, xMax) = TiteBoinPublishedTableTests.Range(f[3], n);
            var (mMin, mMax) = TiteBoinPublishedTableTests.Range(f[4], n);
            double bound = f[6] == "NA" ? double.NaN : double.Parse(f[6], CultureInfo.InvariantCulture);
            for (int x = xMin; x <= xMax; x++)
                for (int m = mMin; m <= Math.Min(mMax, n - x); m++)
                    foreach (var (stft, expected) in TiteBoinPublishedTableTests.Expectations(f[5], bound, m))
                        yield return (target, n, x, m, stft, expected);
        }
    }

    [Fact]
    public void The_default_table_reproduces_every_published_cell()
    {
        var tables = new Dictionary<double, Dictionary<(int, int, int), TiteBoinTableRow>>
        {
            [0.2] = Design(0.2, TiteBoinEstimate.Imputation).ToPendingDecisionTable().Rows.ToDictionary(r => (r.Patients, r.Dlts, r.Pending)),
            [0.3] = Design(0.3, TiteBoinEstimate.Imputation).ToPendingDecisionTable().Rows.ToDictionary(r => (r.Patients, r.Dlts, r.Pending)),
        };
        int states = 0;
        var wrong = new List<string>();
        foreach (var (target, n, x, m, stft, expected) in PublishedStates())
        {
            states++;
            var got = tables[target][(n, x, m)].ActionAt(stft);
            if (got != expected) wrong.Add(FormattableString.Invariant($"target {target} n {n} x {x} m {m} STFT {stft}: {got}, published {expected}"));
        }
        Assert.Empty(wrong);
        Assert.True(states > 1000, $"only {states} states checked");
    }

    [Fact]
    public void Each_published_boundary_is_a_range_end_rounded_as_the_paper_prints_it()
    {
        foreach (string cell in TiteBoinPublishedTableTests.Cells.Where(c => !c.EndsWith("NA", StringComparison.Ordinal)))
        {
            string[] f = cell.Split(' ');
            int n = int.Parse(f[2], CultureInfo.InvariantCulture), x = int.Parse(f[3].Split('-')[0], CultureInfo.InvariantCulture), m = int.Parse(f[4].Split('-')[0], CultureInfo.InvariantCulture);
            var ranges = Design(double.Parse(f[1], CultureInfo.InvariantCulture), TiteBoinEstimate.Imputation).CellRanges(n, x, m);
            Assert.Equal(2, ranges.Count);
            // ES: stay below, escalate from the boundary on (closed); SD: de-escalate up to the boundary (closed), stay above.
            var (first, second) = f[5] == "ES" ? (TiteBoinAction.Stay, TiteBoinAction.Escalate) : (TiteBoinAction.Deescalate, TiteBoinAction.Stay);
            Assert.Equal(first, ranges[0].Action);
            Assert.Equal(second, ranges[1].Action);
            Assert.Equal(f[5] == "SD", ranges[0].ToClosed);
            Assert.Equal(f[5] == "ES", ranges[1].FromClosed);
            Assert.Equal(ranges[0].To, ranges[1].From);
            Assert.Equal(f[6], ranges[0].To.ToString("F2", CultureInfo.InvariantCulture));
        }
    }

    public static TheoryData<double, TiteBoinEstimate, double> Rules() => new()
    {
        { 0.2, TiteBoinEstimate.Imputation, 0.5 },
        { 0.3, TiteBoinEstimate.Imputation, 0.5 },
        { 0.25, TiteBoinEstimate.Imputation, 1.0 },
        { 0.2, TiteBoinEstimate.Ess, 0.5 },
        { 0.3, TiteBoinEstimate.Ess, 0.5 },
        { 0.25, TiteBoinEstimate.Ess, 1.0 },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void The_ranges_partition_the_follow_up_and_agree_with_the_rule_state_by_state(double target, TiteBoinEstimate estimate, double maxPending)
    {
        var design = Design(target, estimate, maxPending);
        int checkedStates = 0;
        for (int n = 1; n <= 30; n++)
            for (int x = 0; x <= n; x++)
                for (int m = 0; x + m <= n; m++)
                {
                    var ranges = design.CellRanges(n, x, m);
                    // A partition of [0, m] in increasing STFT: closed at 0 and m, each inner end in exactly one range, no two neighbours alike.
                    Assert.True(ranges[0].From == 0 && ranges[0].FromClosed && ranges[^1].To == m && ranges[^1].ToClosed);
                    for (int i = 1; i < ranges.Count; i++)
                    {
                        Assert.Equal(ranges[i - 1].To, ranges[i].From);
                        Assert.NotEqual(ranges[i - 1].ToClosed, ranges[i].FromClosed);
                        Assert.NotEqual(ranges[i - 1].Action, ranges[i].Action);
                    }
                    var row = new TiteBoinTableRow(n, x, m, ranges);
                    var points = new List<double>();
                    for (int k = 0; k <= 40; k++) points.Add(m * k / 40.0);
                    foreach (var r in ranges.Skip(1)) points.AddRange([r.From - 1e-9, r.From + 1e-9]);
                    foreach (double s in points.Where(s => s >= 0 && s <= m))
                    {
                        Assert.Equal(design.Cell(n, x, m, s), row.ActionAt(s));
                        checkedStates++;
                    }
                }
        Assert.True(checkedStates > 100_000);
    }

    [Fact]
    public void Solved_boundaries_by_hand()
    {
        // Target 0.2: lambda_e = ln(1.1) / ln(0.176 / 0.096), lambda_d = ln(0.8 / 0.72) / ln(0.224 / 0.144) (BOIN, phi 0.6 and 1.4 target).
        double lambdaE = Math.Log(1.1) / Math.Log(0.176 / 0.096), lambdaD = Math.Log(0.8 / 0.72) / Math.Log(0.224 / 0.144);
        var imputation = Design(0.2, TiteBoinEstimate.Imputation);
        // n 9, x 1, m 3: p = 1.1 / 7, q = p / (1 - p) = 1.1 / 5.9; escalate once 3 - (9 lambda_e - 1) / q <= STFT (the paper's 0.77).
        double q = 1.1 / 5.9, escalate = 3 - (9 * lambdaE - 1) / q;
        var r = imputation.CellRanges(9, 1, 3);
        Assert.Equal(escalate, r[1].From, 12);
        Assert.Equal(0.7731, escalate, 4);
        // The effective sample size: escalate once 1 / (6 + STFT) <= lambda_e, STFT >= 1 / lambda_e - 6.
        var ess = Design(0.2, TiteBoinEstimate.Ess).CellRanges(9, 1, 3);
        Assert.Equal(1 / lambdaE - 6, ess[1].From, 12);
        Assert.Equal(0.3596, ess[1].From, 4);
        // n 6, x 1, m 3: ess de-escalates while 1 / (3 + STFT) >= lambda_d, STFT <= 1 / lambda_d - 3 = 1.19;
        // under imputation the observed 1/6 is below the target, so coherence keeps the dose (the paper's "stay").
        var essCoherence = Design(0.2, TiteBoinEstimate.Ess).CellRanges(6, 1, 3);
        Assert.Equal([TiteBoinAction.Deescalate, TiteBoinAction.Stay], essCoherence.Select(x => x.Action));
        Assert.Equal(1 / lambdaD - 3, essCoherence[0].To, 12);
        Assert.Equal([StftRange.Whole(TiteBoinAction.Stay, 3)], imputation.CellRanges(6, 1, 3));
        // n 3, x 1, m 2: two of three pending suspends under ess; imputation de-escalates on the observed 1/3 >= lambda_d whatever the pending outcomes.
        Assert.Equal([StftRange.Whole(TiteBoinAction.Suspend, 2)], Design(0.2, TiteBoinEstimate.Ess).CellRanges(3, 1, 2));
        Assert.Equal([StftRange.Whole(TiteBoinAction.Deescalate, 2)], imputation.CellRanges(3, 1, 2));
    }

    [Fact]
    public void The_ess_table_differs_from_the_papers_only_in_rows_with_pending_patients()
    {
        var a = Design(0.2, TiteBoinEstimate.Imputation).ToPendingDecisionTable().Rows;
        var b = Design(0.2, TiteBoinEstimate.Ess).ToPendingDecisionTable().Rows;
        Assert.Equal(a.Select(r => (r.Patients, r.Dlts, r.Pending)), b.Select(r => (r.Patients, r.Dlts, r.Pending)));
        var differing = a.Zip(b).Where(p => !p.First.Ranges.SequenceEqual(p.Second.Ranges)).Select(p => p.First).ToList();
        Assert.All(differing, r => Assert.True(r.Pending > 0));
        Assert.Contains(differing, r => (r.Patients, r.Dlts, r.Pending) == (9, 1, 3));
        Assert.Contains(differing, r => (r.Patients, r.Dlts, r.Pending) == (6, 1, 3));
        Assert.Contains(differing, r => (r.Patients, r.Dlts, r.Pending) == (3, 1, 2));
        // With nothing pending both are BOIN's: every m = 0 row is the same.
        Assert.DoesNotContain(differing, r => r.Pending == 0);
    }

    [Fact]
    public void The_rows_run_over_the_papers_five_cohorts_unless_a_last_n_is_given()
    {
        var table = Design(0.2, TiteBoinEstimate.Imputation).ToPendingDecisionTable();
        Assert.Equal([3, 6, 9, 12, 15], table.Rows.Select(r => r.Patients).Distinct());
        Assert.Equal(10 + 28 + 55 + 91 + 136, table.Rows.Count); // (n + 1)(n + 2) / 2 rows of (x, m) for each n
        Assert.NotNull(table.Scope);
        var toMaxN = Design(0.2, TiteBoinEstimate.Imputation, maxN: 20).ToPendingDecisionTable(20);
        Assert.Equal([3, 6, 9, 12, 15, 18, 20], toMaxN.Rows.Select(r => r.Patients).Distinct());
        Assert.Null(toMaxN.Scope);
        Assert.Equal([2, 4, 6], Design(0.2, TiteBoinEstimate.Imputation, cohort: 2, maxN: 6).ToPendingDecisionTable().Rows.Select(r => r.Patients).Distinct());
    }

    [Fact]
    public void The_doc_table_is_the_generated_table()
    {
        string path = "docs/designs/tite-boin.md";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "docs", "designs", "tite-boin.md"))) { path = Path.Combine(dir.FullName, "docs", "designs", "tite-boin.md"); break; }
        string text = File.ReadAllText(path).Replace("\r\n", "\n");
        const string start = "<!-- generated table -->\n", end = "<!-- end generated table -->";
        int a = text.IndexOf(start, StringComparison.Ordinal), b = text.IndexOf(end, StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a, "tite-boin.md lacks the generated-table markers");
        Assert.Equal(Design(0.2, TiteBoinEstimate.Imputation).ToPendingDecisionTable().RenderMarkdown(), text[(a + start.Length)..b]);
    }

    [Fact]
    public void Printed_lines_merge_as_the_paper_does()
    {
        var lines = Design(0.2, TiteBoinEstimate.Imputation).ToPendingDecisionTable().Lines();
        Assert.Contains(("3", "0", "0-1", "escalate"), lines);
        Assert.Contains(("3", "2-3", "any", "eliminate"), lines);
        Assert.Contains(("9", "1", "3", "stay if STFT < 0.77; escalate if STFT >= 0.77"), lines);
        Assert.Contains(("9", "2", "1", "de-escalate if STFT <= 0.52; stay if STFT > 0.52"), lines);
        Assert.Contains(("12", "3-4", "any", "de-escalate"), lines);
        Assert.Contains(("15", "6-15", "any", "eliminate"), lines);
    }
}
