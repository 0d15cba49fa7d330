using System.Text.Json;
using DoseEscalation.Engines;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>Side-by-side OCs of several designs over the scenarios of one file.</summary>
public sealed record ComparisonSet
{
    public required string TrialName { get; init; }
    public required IReadOnlyList<Scenarios.DoseLevel> Doses { get; init; }
    public required double Target { get; init; }
    public required long Trials { get; init; }
    public required ulong Seed { get; init; }
    public required IReadOnlyList<ScenarioComparison> Scenarios { get; init; }
    /// <summary>Each design with every option resolved, in comparison order.</summary>
    public IReadOnlyList<Designs.Configuration.ResolvedDesign> Setups { get; init; } = [];
    public CorrectSelection CorrectSelection { get; init; } = CorrectSelection.HighestAtOrBelowTarget;
}

/// <summary>Writers for the compare command: console table, tidy CSV, JSON.</summary>
public static class ComparisonReport
{
    public static void WriteTable(ComparisonSet set, TextWriter w)
    {
        w.WriteLine(set.TrialName);
        w.WriteLine($"Design comparison with common random numbers: {Formatting.Int(set.Trials)} trials per scenario, seed {set.Seed}, target {Formatting.Percent(set.Target, 0)}.");
        w.WriteLine("Standard errors in parentheses; differences are paired, against the first design: probabilities in percentage points (pp), utilities in utility points.");
        w.WriteLine("P(below, incl. none): P(select a dose below the true MTD, or no dose when a true MTD exists), as simulate's p_select_below_mtd.");
        w.WriteLine("P(untried): P(select a dose at which no patient was treated), as simulate's p_select_untried.");
        foreach (var d in set.Setups) w.WriteLine($"Design {d.Summary()}");
        w.WriteLine($"Correct selection: {set.CorrectSelection.Describe()}.");
        foreach (var note in RunNotes.Comparison(set)) w.WriteLine($"Note: {note}.");
        foreach (var sc in set.Scenarios)
        {
            w.WriteLine();
            var first = sc.Designs[0].Oc;
            w.WriteLine($"Scenario '{sc.Scenario.Name}' (DLT {string.Join(", ", sc.Scenario.Dlt.Select(p => Formatting.Round(p, 2)))}); true MTD: "
                + (first.TrueMtdLevel < 0 ? "none" : set.Doses[first.TrueMtdLevel].Label));
            foreach (var joint in set.Setups.Select(d => RunNotes.JointOutcome(d.Design, sc.Scenario)).OfType<string>().Distinct()) w.WriteLine($"  Note: {joint}.");
            foreach (var titration in set.Setups.Select(d => RunNotes.Titration(d.Design, sc.Scenario)).OfType<string>().Distinct()) w.WriteLine($"  Note: {titration}.");
            var t = new TextTable("design", "P(correct)", "vs first (pp)", "P(above)", "P(below, incl. none)", "P(none)", "P(untried)", "mean N", "% at MTD", "% above", "DLTs", "P(>=60% above)");
            foreach (var row in sc.Designs)
            {
                var oc = row.Oc;
                t.Add(oc.Design, Formatting.PercentWithSe(oc.CorrectSelection),
                    row == sc.Designs[0] ? "" : SignedPercent(row.CorrectSelectionDifference),
                    Formatting.PercentWithSe(oc.SelectAboveMtd), Formatting.PercentWithSe(oc.SelectBelowMtd), Formatting.PercentWithSe(oc.Selection[0]), Formatting.PercentWithSe(oc.SelectUntried),
                    Formatting.MeanWithSe(oc.MeanN, 1), Formatting.PercentWithSe(oc.ShareAtMtd), Formatting.PercentWithSe(oc.ShareAboveMtd),
                    Formatting.MeanWithSe(oc.MeanTotalDlts, 2), Formatting.PercentWithSe(oc.AtLeast60PctAboveMtd));
            }
            if (sc.BenchmarkCorrectSelection is { } b)
                t.Add($"benchmark (n={sc.BenchmarkPatients})", Formatting.PercentWithSe(b), "", "", "", "", "", "", "", "", "", "");
            t.Write(w);
            if (first.DoseOptimisation is { } opt)
            {
                // Dose optimisation: the true OBD, P(select it) and the utility of the selected dose, paired where the run paired them.
                w.WriteLine($"  Response {string.Join(", ", sc.Scenario.Response!.Select(p => Formatting.Round(p, 2)))}; true utility {string.Join(", ", opt.TrueUtility.Select(u => Formatting.Round(u, 1)))}; true OBD: "
                    + (opt.ObdLevel < 0 ? "none" : set.Doses[opt.ObdLevel].Label));
                var e = new TextTable("design", "P(OBD)", "vs first (pp)", "utility", "vs first (utility)", "responders", "at selected");
                foreach (var row in sc.Designs)
                {
                    var o = row.Oc.DoseOptimisation!;
                    bool isFirst = row == sc.Designs[0];
                    e.Add(row.Oc.Design, Formatting.PercentWithSe(o.SelectObd), isFirst || row.SelectObdDifference is not { } od ? "" : SignedPercent(od),
                        Formatting.MeanWithSe(o.UtilityOfSelected, 2), isFirst || row.UtilityDifference is not { } ud ? "" : Signed(ud),
                        row.Oc.Efficacy is { } ef ? Formatting.MeanWithSe(ef.TotalResponders, 2) : "", row.Oc.Efficacy is { } eg ? Formatting.MeanWithSe(eg.RespondersAtSelected, 2) : "");
                }
                e.Write(w);
            }
            w.WriteLine("  " + string.Join("; ", sc.Designs.Select(r => $"{r.Oc.Design}: {r.Oc.DesignDescription}")));
        }
    }

    /// <summary>The per-design quantities of the CSV and JSON, in order, with their JSON names.</summary>
    private static IEnumerable<(string Name, Estimate Value)> Quantities(DesignComparison row)
    {
        var oc = row.Oc;
        yield return ("p_correct_selection", oc.CorrectSelection);
        yield return ("p_correct_selection_diff_vs_first", row.CorrectSelectionDifference);
        yield return ("p_select_above_mtd", oc.SelectAboveMtd);
        yield return ("p_select_below_mtd", oc.SelectBelowMtd);
        yield return ("p_select_no_dose", oc.Selection[0]);
        yield return ("p_select_untried", oc.SelectUntried);
        yield return ("mean_n", oc.MeanN);
        yield return ("share_patients_at_mtd", oc.ShareAtMtd);
        yield return ("share_patients_above_mtd", oc.ShareAboveMtd);
        yield return ("share_patients_above_mtd_diff_vs_first", row.ShareAboveDifference);
        yield return ("mean_total_dlts", oc.MeanTotalDlts);
        yield return ("p_60pct_patients_above_mtd", oc.AtLeast60PctAboveMtd);
        if (oc.DoseOptimisation is { } o)
        {
            yield return ("p_select_obd", o.SelectObd);
            yield return ("utility_of_selected", o.UtilityOfSelected);
        }
        if (row.SelectObdDifference is { } od) yield return ("p_select_obd_diff_vs_first", od);
        if (row.UtilityDifference is { } ud) yield return ("utility_of_selected_diff_vs_first", ud);
        if (oc.Efficacy is { } e)
        {
            yield return ("mean_total_responders", e.TotalResponders);
            yield return ("mean_responders_at_selected", e.RespondersAtSelected);
        }
    }

    private static string Signed(Estimate e) =>
        (e.Value >= 0 ? "+" : "") + Formatting.Round(e.Value, 2) + $" ({Formatting.Round(e.Se, 3)})";

    private static string SignedPercent(Estimate e) =>
        (e.Value >= 0 ? "+" : "") + Formatting.Round(100 * e.Value, 1) + $" ({Formatting.Round(100 * e.Se, 2)})";

    /// <summary>The tidy CSV of <see cref="CsvReport"/>, with the same columns as simulate and exact.</summary>
    public static void WriteCsv(ComparisonSet set, TextWriter w) => CsvReport.Write(set, w);

    public static void WriteJson(ComparisonSet set, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, JsonWriting.Options);
        w.WriteStartObject();
        w.WriteString("tool", "dose-escalation");
        w.WriteString("version", ToolInfo.Version);
        w.WriteString("engine", "monte-carlo");
        w.WriteString("random_numbers", "common (one latent tolerance per patient)");
        w.WriteNumber("target", set.Target);
        w.WriteDesigns(set.Setups);
        w.WriteCorrectSelection(set.CorrectSelection);
        // Written only when there is something to say, so other comparisons' JSON is unchanged.
        var notes = RunNotes.Comparison(set);
        if (notes.Count > 0) w.WriteStrings("notes", notes);
        w.WriteNumber("trials", set.Trials);
        w.WriteNumber("seed", set.Seed);
        w.WriteString("trial", set.TrialName);
        w.WriteStartArray("scenarios");
        foreach (var sc in set.Scenarios)
        {
            w.WriteStartObject();
            w.WriteString("name", sc.Scenario.Name);
            w.WriteNumbers("dlt", sc.Scenario.Dlt);
            w.WriteNumber("true_mtd", sc.Designs[0].Oc.TrueMtdLevel + 1);
            if (sc.BenchmarkCorrectSelection is { } b)
            {
                w.WriteNumber("benchmark_patients", sc.BenchmarkPatients);
                w.WriteEstimate("benchmark_p_correct_selection", b);
            }
            w.WriteStartArray("designs");
            foreach (var row in sc.Designs)
            {
                var oc = row.Oc;
                w.WriteStartObject();
                w.WriteString("design", oc.Design);
                w.WriteString("design_description", oc.DesignDescription);
                foreach (var (name, e) in Quantities(row)) w.WriteEstimate(name, e);
                w.WriteNumbers("selection", oc.Selection.Select(e => e.Value));
                w.WriteNumbers("mean_patients", oc.MeanPatients.Select(e => e.Value));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
