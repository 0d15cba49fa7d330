using System.Text.Json;
using DoseEscalation.Conduct;

namespace DoseEscalation.Reporting.Formats;

/// <summary>
/// The hypothetical-outcomes table of a model-based design (<c>table --design blrm|crm|tite-crm</c>):
/// text and Markdown one block per row, CSV one line per row and dose, JSON one object per row.
/// Probabilities are written to 4 decimals in text and Markdown, in full precision in CSV and JSON.
/// </summary>
public static class OutcomeTableReport
{
    /// <summary>The per-dose columns of the model: (CSV/JSON key, text header, value).</summary>
    private static IEnumerable<(string Key, string Header, double? Value)> Columns(OutcomeTable t, OutcomeDose d) => t.Model == OutcomeModel.Blrm
        ?
        [
            ("mean", "mean", d.Mean), ("p_under", "P(under)", d.Under), ("p_target", "P(target)", d.Target), ("p_over", "P(over)", d.Over),
        ]
        :
        [
            ("mean", "mean", d.Mean), ("plug_in", "plug-in", d.PlugIn), ("lower", "lower", d.Lower), ("upper", "upper", d.Upper),
        ];

    private static string Header(OutcomeTable t) => t.Model == OutcomeModel.Blrm
        ? $"under = P(DLT rate < {Formatting.Exact(Blrm(t).TargetLow)}), target = P({Formatting.Exact(Blrm(t).TargetLow)} <= DLT rate < {Formatting.Exact(Blrm(t).TargetHigh)}), over = P(DLT rate >= {Formatting.Exact(Blrm(t).TargetHigh)}); a dose is admissible if P(over) < {Formatting.Exact(Blrm(t).MaxOverdoseProb)}"
        : $"posterior mean DLT probability, the plug-in estimate at the posterior mean of beta, and the {Formatting.Percent(OutcomeTable.CredibleLevel, 0)} credible interval (lower, upper)";

    private static Designs.Blrm Blrm(OutcomeTable t) => Designs.Rules.DesignRule.Unwrap(t.Design).Base as Designs.Blrm
        ?? throw new InvalidOperationException("not a BLRM table");

    /// <summary>What the rows are, for captions.</summary>
    public static string Note(OutcomeTable t) =>
        $"Each row: the data so far followed by the hypothetical cohorts in its first column (outcome notation: dose, then T for a DLT and N for none), "
        + $"up to {t.Cohorts} cohort(s) ahead, the design's decision after them, and every dose's posterior on those data ({Header(t)}).";

    private static string After(OutcomeRow r) => r.Depth == 0 ? "data so far" : "+ " + r.Notation;

    private static string DecisionText(Decision d) => DecisionExplainer.Verb(d);

    private static string P(double? v) => v is { } x ? Formatting.Round(x, 4) : "";

    public static void WriteText(OutcomeTable t, IReadOnlyList<string> doseLabels, TextWriter w)
    {
        w.WriteLine(t.Design.Describe());
        w.WriteLine($"Data so far: {DataLine(t)}");
        w.WriteLine(Note(t));
        foreach (var r in t.Rows)
        {
            w.WriteLine();
            w.WriteLine($"{After(r)} ({r.TotalPatients} patients): {DecisionText(r.Decision)}");
            var header = new[] { "dose", "patients", "DLTs" }.Concat(Columns(t, r.Doses[0]).Select(c => c.Header)).ToArray();
            var table = new TextTable(header);
            for (int d = 0; d < r.Doses.Count; d++)
                table.Add(new[] { doseLabels[d], Formatting.Int(r.Doses[d].Patients), Formatting.Int(r.Doses[d].Dlts) }
                    .Concat(Columns(t, r.Doses[d]).Select(c => P(c.Value))).ToArray());
            table.Write(w);
        }
    }

    public static void WriteMarkdown(OutcomeTable t, IReadOnlyList<string> doseLabels, TextWriter w)
    {
        w.WriteLine($"Hypothetical outcomes: {t.Design.Describe()}. Data so far: {DataLine(t)}. {Note(t)}");
        foreach (var r in t.Rows)
        {
            w.WriteLine();
            w.WriteLine($"**{MarkdownText.Escape(After(r))}** ({r.TotalPatients} patients): {DecisionText(r.Decision)}");
            w.WriteLine();
            var cols = Columns(t, r.Doses[0]).Select(c => c.Header).ToArray();
            w.WriteLine("| dose | patients | DLTs | " + string.Join(" | ", cols) + " |");
            w.WriteLine("|---|---:|---:|" + string.Concat(cols.Select(_ => "---:|")));
            for (int d = 0; d < r.Doses.Count; d++)
                w.WriteLine($"| {MarkdownText.Escape(doseLabels[d])} | {r.Doses[d].Patients} | {r.Doses[d].Dlts} | "
                    + string.Join(" | ", Columns(t, r.Doses[d]).Select(c => P(c.Value))) + " |");
        }
    }

    public static void WriteCsv(OutcomeTable t, IReadOnlyList<string> doseLabels, TextWriter w)
    {
        var keys = Columns(t, t.Rows[0].Doses[0]).Select(c => c.Key);
        var csv = new CsvTable(w, new[] { "row", "cohorts_ahead", "outcome", "total_patients", "decision", "next_dose", "cohort_size", "selected_dose", "dose", "dose_label", "patients", "dlts" }.Concat(keys).ToArray());
        for (int i = 0; i < t.Rows.Count; i++)
        {
            var r = t.Rows[i];
            for (int d = 0; d < r.Doses.Count; d++)
                csv.Row(new[]
                {
                    Formatting.Int(i + 1), Formatting.Int(r.Depth), r.Notation, Formatting.Int(r.TotalPatients), Word(r.Decision),
                    r.Decision.IsStop ? "" : Formatting.Int(r.Decision.Level + 1), r.Decision.IsStop ? "" : Formatting.Int(r.Decision.CohortSize),
                    r.Decision.IsStop ? Formatting.Dose(r.Decision.Level) : "",
                    Formatting.Int(d + 1), doseLabels[d], Formatting.Int(r.Doses[d].Patients), Formatting.Int(r.Doses[d].Dlts),
                }.Concat(Columns(t, r.Doses[d]).Select(c => c.Value is { } v ? Formatting.Exact(v) : "")).ToArray());
        }
    }

    public static void WriteJson(OutcomeTable t, IReadOnlyList<string> doseLabels, string? trialName, IReadOnlyList<Designs.Configuration.ResolvedDesign> setups, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, JsonWriting.Options);
        w.WriteStartObject();
        w.WriteString("tool", "dose-escalation");
        w.WriteString("version", ToolInfo.Version);
        w.WriteString("command", "table");
        if (trialName is null) w.WriteNull("trial"); else w.WriteString("trial", trialName);
        w.WriteString("design", t.Design.Name);
        w.WriteString("design_description", t.Design.Describe());
        w.WriteDesigns(setups);
        w.WriteStrings("doses", doseLabels);
        w.WriteString("model", t.Model == OutcomeModel.Blrm ? "blrm" : "crm");
        w.WriteString("data", DataNotation(t));
        w.WriteNumber("cohorts_ahead", t.Cohorts);
        if (t.Model == OutcomeModel.Crm) w.WriteNumber("credible_level", OutcomeTable.CredibleLevel);
        w.WriteString("note", Note(t));
        w.WriteStartArray("rows");
        foreach (var r in t.Rows)
        {
            w.WriteStartObject();
            w.WriteNumber("cohorts_ahead", r.Depth);
            w.WriteString("outcome", r.Notation);
            w.WriteNumber("total_patients", r.TotalPatients);
            w.WriteString("decision", Word(r.Decision));
            w.WriteString("decision_text", DecisionText(r.Decision));
            if (r.Decision.IsStop) { w.WriteNull("next_dose"); w.WriteNull("cohort_size"); }
            else { w.WriteNumber("next_dose", r.Decision.Level + 1); w.WriteNumber("cohort_size", r.Decision.CohortSize); }
            if (r.Decision.IsStop && r.Decision.Level >= 0) w.WriteNumber("selected_dose", r.Decision.Level + 1); else w.WriteNull("selected_dose");
            w.WriteStartArray("doses");
            for (int d = 0; d < r.Doses.Count; d++)
            {
                w.WriteStartObject();
                w.WriteNumber("dose", d + 1);
                w.WriteNumber("patients", r.Doses[d].Patients);
                w.WriteNumber("dlts", r.Doses[d].Dlts);
                foreach (var c in Columns(t, r.Doses[d]))
                    if (c.Value is { } v) w.WriteNumber(c.Key, v); else w.WriteNull(c.Key);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>"treat", "stop_select" or "stop_no_dose".</summary>
    public static string Word(Decision d) => !d.IsStop ? "treat" : d.Level >= 0 ? "stop_select" : "stop_no_dose";

    private static string DataNotation(OutcomeTable t)
    {
        var replay = t.Conduct.Replay;
        var cohorts = replay.Steps.Select(s => s.Cohort.Notation).ToList();
        if (replay.Pending.Count > 0)
            cohorts.Add(Formatting.Int(t.Conduct.Decision.Level + 1) + string.Concat(replay.Pending.Select(p => p.Letter)));
        return string.Join(" ", cohorts);
    }

    private static string DataLine(OutcomeTable t)
    {
        string data = DataNotation(t);
        string line = data.Length == 0 ? "none (the start of the trial)" : $"{t.Conduct.Replay.TotalPatients} patients, {data}";
        if (t.Conduct.Replay.Pending.Count > 0)
            line += $"; a cohort is in progress ({t.Conduct.Replay.Pending.Count} of {t.Conduct.Decision.CohortSize} treated): the rows after the data complete it";
        return line;
    }
}
