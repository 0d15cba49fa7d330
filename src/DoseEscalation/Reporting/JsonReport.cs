using System.Text.Json;

namespace DoseEscalation.Reporting;

/// <summary>The JSON output of simulate and exact (schema in docs/output.md).</summary>
public static class JsonReport
{
    public static void Write(ResultSet set, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("tool", "dose-escalation");
        w.WriteString("version", ToolInfo.Version);
        w.WriteString("engine", set.Engine);
        w.WriteString("design", set.Design.Name);
        w.WriteString("design_description", set.Design.Describe());
        w.WriteNumber("target", set.Target);
        w.WriteNumber("trials", set.Trials);
        if (set.Seed is { } seed) w.WriteNumber("seed", seed); else w.WriteNull("seed");
        w.WriteString("trial", set.TrialName);
        w.WriteStartArray("doses");
        foreach (var d in set.Doses) w.WriteStringValue(d.Display);
        w.WriteEndArray();
        w.WriteStartArray("scenarios");
        foreach (var oc in set.Results) WriteScenario(w, oc);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteScenario(Utf8JsonWriter w, OperatingCharacteristics oc)
    {
        w.WriteStartObject();
        w.WriteString("name", oc.Scenario.Name);
        if (oc.Scenario.Rationale is { } r) w.WriteString("rationale", r);
        Numbers(w, "dlt", oc.Scenario.Dlt);
        w.WriteNumber("true_mtd", oc.TrueMtdLevel + 1);
        Numbers(w, "selection", oc.Selection.Select(e => e.Value));
        Numbers(w, "selection_se", oc.Selection.Select(e => e.Se));
        Numbers(w, "selection_ci_lower", oc.Selection.Select(e => Math.Max(0, e.Lower)));
        Numbers(w, "selection_ci_upper", oc.Selection.Select(e => Math.Min(1, e.Upper)));
        Numbers(w, "mean_patients", oc.MeanPatients.Select(e => e.Value));
        Numbers(w, "mean_patients_se", oc.MeanPatients.Select(e => e.Se));
        Numbers(w, "mean_dlts", oc.MeanDlts.Select(e => e.Value));
        Numbers(w, "mean_dlts_se", oc.MeanDlts.Select(e => e.Se));
        w.WriteNumber("mean_n", oc.MeanN.Value);
        w.WriteNumber("mean_n_se", oc.MeanN.Se);
        w.WriteNumber("mean_total_dlts", oc.MeanTotalDlts.Value);
        w.WriteNumber("mean_total_dlts_se", oc.MeanTotalDlts.Se);
        Numbers(w, "n_distribution", oc.NDistribution);
        Numbers(w, "n_cumulative", Enumerable.Range(0, oc.NDistribution.Length).Select(oc.NCumulative));
        Numbers(w, "dlt_total_distribution", oc.DltTotalDistribution);
        Estimate(w, "p_top_dose_cleared", oc.TopDoseCleared);
        Estimate(w, "p_correct_selection", oc.CorrectSelection);
        Estimate(w, "p_select_above_mtd", oc.SelectAboveMtd);
        Estimate(w, "p_select_below_mtd", oc.SelectBelowMtd);
        Estimate(w, "share_patients_at_mtd", oc.ShareAtMtd);
        Estimate(w, "share_patients_above_mtd", oc.ShareAboveMtd);
        Estimate(w, "p_any_patient_above_mtd", oc.AnyPatientAboveMtd);
        Estimate(w, "p_60pct_patients_above_mtd", oc.AtLeast60PctAboveMtd);
        if (oc.Engine == "exact")
        {
            w.WriteNumber("total_probability", oc.TotalProbability);
            w.WriteNumber("state_count", oc.StateCount);
        }
        w.WriteEndObject();
    }

    private static void Estimate(Utf8JsonWriter w, string name, Estimate e)
    {
        w.WriteNumber(name, e.Value);
        w.WriteNumber(name + "_se", e.Se);
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (double v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
