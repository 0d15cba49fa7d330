using System.Globalization;
using System.Text;

namespace DoseEscalation.Designs;

/// <summary>
/// One column of a published decision table: with <see cref="Patients"/> treated at the current
/// dose, the DLT counts that escalate, stay, de-escalate and eliminate the dose. Thresholds are
/// null where no count leads to that decision.
/// </summary>
public sealed record DecisionTableRow(
    int Patients,
    int? EscalateAtMost,
    int? DeescalateAtLeast,
    int? EliminateAtLeast,
    IReadOnlyList<int> Escalate,
    IReadOnlyList<int> Stay,
    IReadOnlyList<int> Deescalate,
    IReadOnlyList<int> Eliminate);

/// <summary>
/// A design's decision table as the papers and R packages print it: one row per number of patients
/// at the current dose (cohort size, twice it, ... up to max N), with the DLT counts leading to each
/// decision. For interval designs "de-escalate" includes the counts that also eliminate the dose.
/// </summary>
public sealed class DecisionTable
{
    public string Design { get; }
    public IReadOnlyList<DecisionTableRow> Rows { get; }
    /// <summary>What the rows mean for this design (one sentence, for captions).</summary>
    public string Note { get; }

    /// <summary>A table of <paramref name="rows"/> for the design named <paramref name="design"/>; designs build their own (<see cref="IDecisionTableSource"/>).</summary>
    public DecisionTable(string design, IReadOnlyList<DecisionTableRow> rows, string note) =>
        (Design, Rows, Note) = (design, rows, note);

    /// <summary>The table of <paramref name="design"/> (any <see cref="IDecisionTableSource"/>: the interval designs, the A+B/3+3), under any trial-level rules.</summary>
    /// <exception cref="NotSupportedException">The design has no table of counts at one dose (e.g. the CRM).</exception>
    public static DecisionTable For(IDesign design) =>
        design.TryGet<IDecisionTableSource>()?.ToDecisionTable()
        ?? throw new NotSupportedException($"design '{design.Name}' decides from the whole dose-toxicity curve, not from counts at one dose; it has no decision table");

    /// <summary>
    /// The table in the layout of the BOIN package's get.boundary: a header row of patient counts and
    /// one row per decision, "NA" where no count leads to it. Invariant culture.
    /// </summary>
    public string Render()
    {
        string[] labels = ["Number of patients treated", "Escalate if # of DLT <=", "De-escalate if # of DLT >=", "Eliminate if # of DLT >="];
        int labelWidth = labels.Max(l => l.Length);
        static string Cell(int? v) => v is { } i ? i.ToString(CultureInfo.InvariantCulture) : "NA";
        var columns = Rows.Select(r => new[] { Cell(r.Patients), Cell(r.EscalateAtMost), Cell(r.DeescalateAtLeast), Cell(r.EliminateAtLeast) }).ToArray();
        int width = columns.Length == 0 ? 2 : columns.Max(c => c.Max(s => s.Length));
        var sb = new StringBuilder();
        for (int line = 0; line < labels.Length; line++)
        {
            sb.Append(labels[line].PadRight(labelWidth));
            foreach (var c in columns) sb.Append(' ').Append(c[line].PadLeft(width));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The table as a Markdown table (one row per patient count), for the design docs.</summary>
    public string RenderMarkdown()
    {
        // Runs of consecutive counts print as "a-b" so a row stays readable at large n.
        static string List(IReadOnlyList<int> xs)
        {
            if (xs.Count == 0) return "-";
            var parts = new List<string>();
            for (int i = 0; i < xs.Count;)
            {
                int j = i;
                while (j + 1 < xs.Count && xs[j + 1] == xs[j] + 1) j++;
                parts.Add(j == i ? xs[i].ToString(CultureInfo.InvariantCulture)
                    : string.Create(CultureInfo.InvariantCulture, $"{xs[i]}-{xs[j]}"));
                i = j + 1;
            }
            return string.Join(", ", parts);
        }
        var sb = new StringBuilder();
        sb.Append("| n | escalate | stay | de-escalate | eliminate |\n|---:|---|---|---|---|\n");
        foreach (var r in Rows)
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Patients} | {List(r.Escalate)} | {List(r.Stay)} | {List(r.Deescalate)} | {List(r.Eliminate)} |\n");
        return sb.ToString();
    }

    public override string ToString() => Render();
}
