using System.Globalization;
using DoseEscalation.Designs;
using Xunit;

namespace DoseEscalation.Tests.Designs;

/// <summary>
/// TITE-BOIN's decision table against Yuan, Lin, Li, Nie &amp; Warren (2018), Clin Cancer Res 24:4921-4930:
/// Table 1 (target 0.2) and Supplementary Table S1 (target 0.3), 141 cells, each as printed in the paper (a
/// cell is n treated, a range of DLTs, a range of pending patients, and the decision, with the STFT
/// boundary where the decision depends on the pending patients' follow-up). The transcription is the one
/// the R package simFastBOIN 2.1.0 keeps in tests/testthat/fixtures/yuan2018-tables.csv, checked against
/// the paper's layout; no value here comes from our code.
/// </summary>
public sealed class TiteBoinPublishedTableTests
{
    // "table target n xmin-xmax mmin-mmax decision boundary": NA as xmax / mmax means "up to n" (x + m <= n).
    // E S D: escalate, stay, de-escalate; DE: de-escalate and eliminate; SUS: suspend accrual;
    // ES: escalate if STFT >= boundary, else stay; SD: de-escalate if STFT <= boundary, else stay.
    internal static readonly string[] Cells =
    [
        "1 0.2 3 0-0 0-1 E NA",
        "1 0.2 3 0-0 2-NA SUS NA",
        "1 0.2 3 1-1 0-2 D NA",
        "1 0.2 3 2-NA 0-1 DE NA",
        "1 0.2 6 0-0 0-3 E NA",
        "1 0.2 6 0-0 4-NA SUS NA",
        "1 0.2 6 1-1 0-3 S NA",
        "1 0.2 6 1-1 4-NA SUS NA",
        "1 0.2 6 2-2 0-4 D NA",
        "1 0.2 6 3-NA 0-3 DE NA",
        "1 0.2 9 0-0 0-4 E NA",
        "1 0.2 9 0-0 5-NA SUS NA",
        "1 0.2 9 1-1 0-2 E NA",
        "1 0.2 9 1-1 3-3 ES 0.77",
        "1 0.2 9 1-1 4-4 ES 2.15",
        "1 0.2 9 1-1 5-NA SUS NA",
        "1 0.2 9 2-2 0-0 S NA",
        "1 0.2 9 2-2 1-1 SD 0.52",
        "1 0.2 9 2-2 2-2 SD 1.59",
        "1 0.2 9 2-2 3-3 SD 2.66",
        "1 0.2 9 2-2 4-4 SD 3.73",
        "1 0.2 9 2-2 5-NA SUS NA",
        "1 0.2 9 3-3 0-6 D NA",
        "1 0.2 9 4-NA 0-5 DE NA",
        "1 0.2 12 0-0 0-6 E NA",
        "1 0.2 12 0-0 7-NA SUS NA",
        "1 0.2 12 1-1 0-5 E NA",
        "1 0.2 12 1-1 6-6 ES 1.24",
        "1 0.2 12 1-1 7-NA SUS NA",
        "1 0.2 12 2-2 0-6 S NA",
        "1 0.2 12 2-2 7-NA SUS NA",
        "1 0.2 12 3-4 0-9 D NA",
        "1 0.2 12 5-NA 0-7 DE NA",
        "1 0.2 15 0-0 0-7 E NA",
        "1 0.2 15 0-0 8-NA SUS NA",
        "1 0.2 15 1-1 0-7 E NA",
        "1 0.2 15 1-1 8-NA SUS NA",
        "1 0.2 15 2-2 0-2 E NA",
        "1 0.2 15 2-2 3-3 ES 1.14",
        "1 0.2 15 2-2 4-4 ES 2.31",
        "1 0.2 15 2-2 5-5 ES 3.48",
        "1 0.2 15 2-2 6-6 ES 4.65",
        "1 0.2 15 2-2 7-7 ES 5.82",
        "1 0.2 15 2-2 8-NA SUS NA",
        "1 0.2 15 3-3 0-2 S NA",
        "1 0.2 15 3-3 3-3 SD 1.16",
        "1 0.2 15 3-3 4-4 SD 2.34",
        "1 0.2 15 3-3 5-5 SD 3.53",
        "1 0.2 15 3-3 6-6 SD 4.72",
        "1 0.2 15 3-3 7-7 SD 5.90",
        "1 0.2 15 3-3 8-NA SUS NA",
        "1 0.2 15 4-5 0-11 D NA",
        "1 0.2 15 6-NA 0-9 DE NA",
        "S1 0.3 3 0-0 0-1 E NA",
        "S1 0.3 3 0-0 2-NA SUS NA",
        "S1 0.3 3 1-1 0-0 S NA",
        "S1 0.3 3 1-1 1-1 SD 0.88",
        "S1 0.3 3 1-1 2-NA SUS NA",
        "S1 0.3 3 2-2 0-1 D NA",
        "S1 0.3 3 3-3 0-0 DE NA",
        "S1 0.3 6 0-0 0-3 E NA",
        "S1 0.3 6 0-0 4-NA SUS NA",
        "S1 0.3 6 1-1 0-1 E NA",
        "S1 0.3 6 1-1 2-2 ES 0.60",
        "S1 0.3 6 1-1 3-3 ES 1.96",
        "S1 0.3 6 1-1 4-NA SUS NA",
        "S1 0.3 6 2-2 0-0 S NA",
        "S1 0.3 6 2-2 1-1 SD 0.73",
        "S1 0.3 6 2-2 2-2 SD 1.80",
        "S1 0.3 6 2-2 3-3 SD 2.87",
        "S1 0.3 6 2-2 4-NA SUS NA",
        "S1 0.3 6 3-3 0-3 D NA",
        "S1 0.3 6 4-NA 0-2 DE NA",
        "S1 0.3 9 0-0 0-4 E NA",
        "S1 0.3 9 0-0 5-NA SUS NA",
        "S1 0.3 9 1-1 0-4 E NA",
        "S1 0.3 9 1-1 5-NA SUS NA",
        "S1 0.3 9 2-2 0-0 E NA",
        "S1 0.3 9 2-2 1-1 ES 0.59",
        "S1 0.3 9 2-2 2-2 ES 1.65",
        "S1 0.3 9 2-2 3-3 ES 2.71",
        "S1 0.3 9 2-2 4-4 ES 3.77",
        "S1 0.3 9 2-2 5-NA SUS NA",
        "S1 0.3 9 3-3 0-0 S NA",
        "S1 0.3 9 3-3 1-1 SD 0.58",
        "S1 0.3 9 3-3 2-2 SD 1.65",
        "S1 0.3 9 3-3 3-3 SD 2.72",
        "S1 0.3 9 3-3 4-4 SD 3.79",
        "S1 0.3 9 3-3 5-NA SUS NA",
        "S1 0.3 9 4-4 0-5 D NA",
        "S1 0.3 9 5-NA 0-4 DE NA",
        "S1 0.3 12 0-0 0-6 E NA",
        "S1 0.3 12 0-0 7-NA SUS NA",
        "S1 0.3 12 1-1 0-6 E NA",
        "S1 0.3 12 1-1 7-NA SUS NA",
        "S1 0.3 12 2-2 0-3 E NA",
        "S1 0.3 12 2-2 4-4 ES 1.33",
        "S1 0.3 12 2-2 5-5 ES 2.72",
        "S1 0.3 12 2-2 6-6 ES 4.11",
        "S1 0.3 12 2-2 7-NA SUS NA",
        "S1 0.3 12 3-3 0-6 S NA",
        "S1 0.3 12 3-3 7-NA SUS NA",
        "S1 0.3 12 4-4 0-0 S NA",
        "S1 0.3 12 4-4 1-1 SD 0.43",
        "S1 0.3 12 4-4 2-2 SD 1.50",
        "S1 0.3 12 4-4 3-3 SD 2.57",
        "S1 0.3 12 4-4 4-4 SD 3.65",
        "S1 0.3 12 4-4 5-5 SD 4.72",
        "S1 0.3 12 4-4 6-6 SD 5.79",
        "S1 0.3 12 4-4 7-NA SUS NA",
        "S1 0.3 12 5-6 0-7 D NA",
        "S1 0.3 12 7-NA 0-5 DE NA",
        "S1 0.3 15 0-0 0-7 E NA",
        "S1 0.3 15 0-0 8-NA SUS NA",
        "S1 0.3 15 1-1 0-7 E NA",
        "S1 0.3 15 1-1 8-NA SUS NA",
        "S1 0.3 15 2-2 0-5 E NA",
        "S1 0.3 15 2-2 6-6 ES 0.35",
        "S1 0.3 15 2-2 7-7 ES 2.07",
        "S1 0.3 15 2-2 8-NA SUS NA",
        "S1 0.3 15 3-3 0-1 E NA",
        "S1 0.3 15 3-3 2-2 ES 0.11",
        "S1 0.3 15 3-3 3-3 ES 1.29",
        "S1 0.3 15 3-3 4-4 ES 2.46",
        "S1 0.3 15 3-3 5-5 ES 3.64",
        "S1 0.3 15 3-3 6-6 ES 4.81",
        "S1 0.3 15 3-3 7-7 ES 5.98",
        "S1 0.3 15 3-3 8-NA SUS NA",
        "S1 0.3 15 4-4 0-7 S NA",
        "S1 0.3 15 4-4 8-NA SUS NA",
        "S1 0.3 15 5-5 0-0 S NA",
        "S1 0.3 15 5-5 1-1 SD 0.28",
        "S1 0.3 15 5-5 2-2 SD 1.35",
        "S1 0.3 15 5-5 3-3 SD 2.42",
        "S1 0.3 15 5-5 4-4 SD 3.50",
        "S1 0.3 15 5-5 5-5 SD 4.57",
        "S1 0.3 15 5-5 6-6 SD 5.64",
        "S1 0.3 15 5-5 7-7 SD 6.72",
        "S1 0.3 15 5-5 8-NA SUS NA",
        "S1 0.3 15 6-7 0-9 D NA",
        "S1 0.3 15 8-NA 0-7 DE NA",
    ];

    // The paper prints boundaries to 2 decimals: the decision is checked 0.006 either side of each.
    internal const double Margin = 0.006;

    private static TiteBoin Design(double target, TiteBoinEstimate estimate) => new(new Boin(5, target, 3, 30), 0.5, estimate);

    /// <summary>Whether every state the cell covers gets the cell's decision under <paramref name="estimate"/>.</summary>
    private static bool Agrees(string cell, TiteBoinEstimate estimate)
    {
        string[] f = cell.Split(' ');
        double target = double.Parse(f[1], CultureInfo.InvariantCulture);
        int n = int.Parse(f[2], CultureInfo.InvariantCulture);
        var (xMin, xMax) = Range(f[3], n);
        var (mMin, mMax) = Range(f[4], n);
        string code = f[5];
        double bound = f[6] == "NA" ? double.NaN : double.Parse(f[6], CultureInfo.InvariantCulture);
        var design = Design(target, estimate);
        for (int x = xMin; x <= xMax; x++)
            for (int m = mMin; m <= Math.Min(mMax, n - x); m++)
                foreach (var (stft, expected) in Expectations(code, bound, m))
                    if (design.Cell(n, x, m, stft) != expected) return false;
        return true;
    }

    internal static (int Min, int Max) Range(string s, int n)
    {
        string[] p = s.Split('-');
        return (int.Parse(p[0], CultureInfo.InvariantCulture), p[1] == "NA" ? n : int.Parse(p[1], CultureInfo.InvariantCulture));
    }

    internal static IEnumerable<(double Stft, TiteBoinAction Expected)> Expectations(string code, double bound, int m)
    {
        double[] spread = m == 0 ? [0.0] : [0.0, m / 2.0, m];
        TiteBoinAction? single = code switch
        {
            "E" => TiteBoinAction.Escalate, "S" => TiteBoinAction.Stay, "D" => TiteBoinAction.Deescalate,
            "DE" => TiteBoinAction.Eliminate, "SUS" => TiteBoinAction.Suspend, _ => null,
        };
        if (single is TiteBoinAction a)
        {
            foreach (double t in spread) yield return (t, a);
            yield break;
        }
        var (below, above) = code == "ES" ? (TiteBoinAction.Stay, TiteBoinAction.Escalate) : (TiteBoinAction.Deescalate, TiteBoinAction.Stay);
        foreach (double t in spread)
            if (Math.Abs(t - bound) > Margin) yield return (t, t < bound ? below : above);
        if (bound - Margin >= 0) yield return (bound - Margin, below);
        if (bound + Margin <= m) yield return (bound + Margin, above);
    }

    [Fact]
    public void The_table_has_the_papers_141_cells()
    {
        Assert.Equal(141, Cells.Length);
        Assert.Equal(53, Cells.Count(c => c.StartsWith("1 ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Single_mean_imputation_reproduces_every_published_cell()
    {
        var wrong = Cells.Where(c => !Agrees(c, TiteBoinEstimate.Imputation)).ToList();
        Assert.Empty(wrong);
    }

    [Fact]
    public void The_effective_sample_size_agrees_with_74_of_the_141_cells()
    {
        // A diagnostic: the other rule is not the paper's (docs/designs/tite-boin.md states the count).
        Assert.Equal(74, Cells.Count(c => Agrees(c, TiteBoinEstimate.Ess)));
    }

    [Theory]
    [InlineData(0.2, TiteBoinEstimate.Imputation)]
    [InlineData(0.2, TiteBoinEstimate.Ess)]
    [InlineData(0.3, TiteBoinEstimate.Imputation)]
    [InlineData(0.3, TiteBoinEstimate.Ess)]
    public void With_nothing_pending_a_cell_is_boins_decision(double target, TiteBoinEstimate estimate)
    {
        var design = Design(target, estimate);
        for (int n = 1; n <= 30; n++)
            for (int x = 0; x <= n; x++)
            {
                double p = (double)x / n;
                var expected = n >= 3 && design.Boin.Eliminates(n, x) ? TiteBoinAction.Eliminate
                    : p <= design.Boin.LambdaE ? TiteBoinAction.Escalate
                    : p >= design.Boin.LambdaD ? TiteBoinAction.Deescalate : TiteBoinAction.Stay;
                Assert.Equal(expected, design.Cell(n, x, 0, 0));
            }
    }

    [Fact]
    public void A_worked_cell_by_hand()
    {
        // Table 1, 9 patients, 2 DLTs, 1 pending: p = 2.1 / 9 from 8 completed, q = p / (1 - p) = 2.1 / 6.9;
        // estimate (2 + q (1 - STFT)) / 9 >= lambda_d = 0.2385 while STFT <= 0.520 (the paper's 0.52).
        var design = Design(0.2, TiteBoinEstimate.Imputation);
        double q = 2.1 / 6.9, boundary = 1 - (9 * design.Boin.LambdaD - 2) / q;
        Assert.Equal(0.5198, boundary, 4);
        Assert.Equal(TiteBoinAction.Deescalate, design.Cell(9, 2, 1, boundary - 1e-9));
        Assert.Equal(TiteBoinAction.Stay, design.Cell(9, 2, 1, boundary + 1e-9));
    }
}
