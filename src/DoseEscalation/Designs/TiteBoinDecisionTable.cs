using System.Globalization;
using System.Text;

namespace DoseEscalation.Designs;

/// <summary>
/// A range of the pending patients' standardized total follow-up time (STFT, in [0, m]) over which a
/// TITE-BOIN cell gives one decision; each end is included when <see cref="FromClosed"/> / <see cref="ToClosed"/>.
/// </summary>
public readonly record struct StftRange(TiteBoinAction Action, double From, bool FromClosed, double To, bool ToClosed)
{
    /// <summary>All of [0, <paramref name="m"/>].</summary>
    public static StftRange Whole(TiteBoinAction action, int m) => new(action, 0, true, m, true);

    /// <summary>Whether <paramref name="stft"/> lies in the range.</summary>
    public bool Contains(double stft) => (FromClosed ? stft >= From : stft > From) && (ToClosed ? stft <= To : stft < To);
}

/// <summary>
/// One row of TITE-BOIN's decision table: <see cref="Patients"/> treated at the current dose (pending ones
/// included), <see cref="Dlts"/> DLTs observed, <see cref="Pending"/> patients pending, and the decision for
/// each STFT in [0, <see cref="Pending"/>]: <see cref="Ranges"/> partition it, in increasing STFT.
/// </summary>
public sealed record TiteBoinTableRow(int Patients, int Dlts, int Pending, IReadOnlyList<StftRange> Ranges)
{
    /// <summary>The decision at <paramref name="stft"/> (in [0, <see cref="Pending"/>]).</summary>
    public TiteBoinAction ActionAt(double stft)
    {
        foreach (var r in Ranges)
            if (r.Contains(stft)) return r.Action;
        throw new ArgumentOutOfRangeException(nameof(stft), stft, $"the STFT must be in [0, {Pending}]");
    }

    /// <summary>The one decision of a row that does not depend on the follow-up; null when it does.</summary>
    public TiteBoinAction? Single => Ranges.Count == 1 ? Ranges[0].Action : null;
}

/// <summary>
/// TITE-BOIN's decision table as Yuan et al. (2018, Clin Cancer Res) print it in Table 1: for n patients at
/// the current dose, x DLTs and m pending, the decision as a function of the pending patients' STFT
/// (<see cref="TiteBoin.ToPendingDecisionTable"/>).
/// </summary>
public sealed class TiteBoinDecisionTable
{
    /// <summary>The cohorts the paper's Table 1 and Table S1 show (n = 3 to 15 with cohorts of 3).</summary>
    public const int PublishedCohorts = 5;

    public IReadOnlyList<TiteBoinTableRow> Rows { get; }

    /// <summary>What the rows mean (one sentence, for captions).</summary>
    public string Note => (Scope is null ? "" : Scope + "; ") +
        "n patients at the current dose (pending ones included), x DLTs observed, m pending; STFT: the pending patients' follow-up as fractions of the DLT window, summed (0 to m); "
        + "eliminate: de-escalate and eliminate the dose and every dose above it; suspend: enrol no one until more outcomes are known; before the rules at dose 1, the top dose and eliminated doses";

    /// <summary>Where the rows stop short of max N, why (the paper's five cohorts); null when they reach it or the caller chose the last n.</summary>
    public string? Scope { get; }

    public TiteBoinDecisionTable(IReadOnlyList<TiteBoinTableRow> rows, string? scope = null) => (Rows, Scope) = (rows, scope);

    /// <summary>The decision's word in every format: escalate, stay, de-escalate, eliminate, suspend.</summary>
    public static string Word(TiteBoinAction a) => a switch
    {
        TiteBoinAction.Escalate => "escalate",
        TiteBoinAction.Stay => "stay",
        TiteBoinAction.Deescalate => "de-escalate",
        TiteBoinAction.Eliminate => "eliminate",
        _ => "suspend",
    };

    /// <summary>
    /// The rows as printed: for each n and x, consecutive m with one decision whatever the STFT share a line
    /// ("0-3"), and consecutive x whose every m (0 to n - x) has the same decision share one ("any").
    /// </summary>
    public IReadOnlyList<(string N, string X, string M, string Decision)> Lines()
    {
        static string Span(int a, int b) => a == b ? I(a) : I(a) + "-" + I(b);
        var lines = new List<(string, string, string, string)>();
        foreach (var byN in Rows.GroupBy(r => r.Patients))
        {
            int n = byN.Key;
            var byX = byN.GroupBy(r => r.Dlts).Select(g => (X: g.Key, Groups: MergeM(g.ToList()))).ToList();
            for (int i = 0; i < byX.Count;)
            {
                var (x, groups) = byX[i];
                int j = i;
                // x's whose single group covers every m with one decision merge with the next such x of the same decision.
                if (groups.Count == 1 && groups[0].Row.Single is { } a)
                    while (j + 1 < byX.Count && byX[j + 1].Groups.Count == 1 && byX[j + 1].Groups[0].Row.Single == a) j++;
                if (j > i)
                {
                    lines.Add((I(n), Span(x, byX[j].X), "any", Word(groups[0].Row.Single!.Value)));
                    i = j + 1;
                    continue;
                }
                foreach (var (row, last) in groups)
                    lines.Add((I(n), I(x), Span(row.Pending, last), Describe(row)));
                i++;
            }
        }
        return lines;
    }

    // Consecutive m of one row group with the same STFT-free decision: (first row, last m).
    private static List<(TiteBoinTableRow Row, int LastM)> MergeM(List<TiteBoinTableRow> rows)
    {
        var groups = new List<(TiteBoinTableRow, int)>();
        foreach (var r in rows)
        {
            if (groups.Count > 0 && groups[^1].Item1.Single is { } a && r.Single == a && groups[^1].Item2 == r.Pending - 1)
                groups[^1] = (groups[^1].Item1, r.Pending);
            else groups.Add((r, r.Pending));
        }
        return groups;
    }

    /// <summary>A row's decision in words: one word, or "de-escalate if STFT &lt;= 0.52; stay if STFT &gt; 0.52" with the ends stated (boundaries to 2 decimals, as the paper prints them).</summary>
    public static string Describe(TiteBoinTableRow row)
    {
        if (row.Single is { } a) return Word(a);
        return string.Join("; ", row.Ranges.Select(r => Word(r.Action) + " if " + Condition(r, row.Pending)));
    }

    private static string Condition(StftRange r, int m)
    {
        bool fromStart = r.From == 0 && r.FromClosed, toEnd = r.To == m && r.ToClosed;
        if (r.From == r.To) return "STFT = " + F(r.From);
        if (fromStart) return "STFT " + (r.ToClosed ? "<= " : "< ") + F(r.To);
        if (toEnd) return "STFT " + (r.FromClosed ? ">= " : "> ") + F(r.From);
        return F(r.From) + (r.FromClosed ? " <= " : " < ") + "STFT" + (r.ToClosed ? " <= " : " < ") + F(r.To);
    }

    /// <summary>The table as text: one line per row group, columns aligned. Invariant culture.</summary>
    public string Render()
    {
        var lines = Lines();
        string[] head = ["n", "DLTs", "pending", "decision"];
        int w0 = Math.Max(head[0].Length, lines.Max(l => l.N.Length)), w1 = Math.Max(head[1].Length, lines.Max(l => l.X.Length)),
            w2 = Math.Max(head[2].Length, lines.Max(l => l.M.Length));
        var sb = new StringBuilder();
        sb.Append(head[0].PadLeft(w0)).Append("  ").Append(head[1].PadRight(w1)).Append("  ").Append(head[2].PadRight(w2)).Append("  ").Append(head[3]).Append('\n');
        foreach (var (n, x, m, d) in lines)
            sb.Append(n.PadLeft(w0)).Append("  ").Append(x.PadRight(w1)).Append("  ").Append(m.PadRight(w2)).Append("  ").Append(d).Append('\n');
        return sb.ToString();
    }

    /// <summary>The table as a Markdown table, the same lines as <see cref="Render"/>.</summary>
    public string RenderMarkdown()
    {
        var sb = new StringBuilder("| n | DLTs | pending | decision |\n|---:|---|---|---|\n");
        foreach (var (n, x, m, d) in Lines()) sb.Append(CultureInfo.InvariantCulture, $"| {n} | {x} | {m} | {d} |\n");
        return sb.ToString();
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
