using System.Text.Json;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>The JSON output of simulate and exact (schema in docs/output.md).</summary>
public static class JsonReport
{
    public static void Write(ResultSet set, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, JsonWriting.Options);
        w.WriteStartObject();
        w.WriteString("tool", "dose-escalation");
        w.WriteString("version", ToolInfo.Version);
        w.WriteString("engine", set.Engine);
        w.WriteString("design_name", set.Design.Name);
        w.WriteString("design_description", set.Design.Describe());
        w.WriteNumber("target", set.Target);
        w.WriteDesigns(set.Setups);
        w.WriteCorrectSelection(set.CorrectSelection);
        // Only when there is something to say, so other runs' JSON is unchanged.
        var notes = set.Engine == "calendar" ? [] : RunNotes.Backfill(set.Setups).ToList();
        if (notes.Count > 0) w.WriteStrings("notes", notes);
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
        w.WriteNumbers("dlt", oc.Scenario.Dlt);
        if (oc.Scenario.Grade2 is { } grade2) w.WriteNumbers("grade2", grade2); // only when given: other files stay as they were
        w.WriteNumber("true_mtd", oc.TrueMtdLevel + 1);
        w.WriteNumbers("selection", oc.Selection.Select(e => e.Value));
        w.WriteNumbers("selection_se", oc.Selection.Select(e => e.Se));
        w.WriteNumbers("selection_ci_lower", oc.Selection.Select(e => Math.Max(0, e.Lower)));
        w.WriteNumbers("selection_ci_upper", oc.Selection.Select(e => Math.Min(1, e.Upper)));
        w.WriteNumbers("mean_patients", oc.MeanPatients.Select(e => e.Value));
        w.WriteNumbers("mean_patients_se", oc.MeanPatients.Select(e => e.Se));
        w.WriteNumbers("mean_dlts", oc.MeanDlts.Select(e => e.Value));
        w.WriteNumbers("mean_dlts_se", oc.MeanDlts.Select(e => e.Se));
        w.WriteEstimate("mean_n", oc.MeanN);
        w.WriteEstimate("mean_total_dlts", oc.MeanTotalDlts);
        w.WriteNumbers("n_distribution", oc.NDistribution);
        w.WriteNumbers("n_cumulative", Enumerable.Range(0, oc.NDistribution.Length).Select(oc.NCumulative));
        w.WriteNumbers("dlt_total_distribution", oc.DltTotalDistribution);
        w.WriteEstimate("p_top_dose_cleared", oc.TopDoseCleared);
        w.WriteEstimate("p_correct_selection", oc.CorrectSelection);
        w.WriteEstimate("p_select_no_dose", oc.Selection[0]); // selection[0], under the name every other output gives it
        w.WriteEstimate("p_select_above_mtd", oc.SelectAboveMtd);
        w.WriteEstimate("p_select_below_mtd", oc.SelectBelowMtd);
        w.WriteEstimate("p_select_untried", oc.SelectUntried);
        w.WriteEstimate("share_patients_at_mtd", oc.ShareAtMtd);
        w.WriteEstimate("share_patients_above_mtd", oc.ShareAboveMtd);
        w.WriteEstimate("p_any_patient_above_mtd", oc.AnyPatientAboveMtd);
        w.WriteEstimate("p_60pct_patients_above_mtd", oc.AtLeast60PctAboveMtd);
        if (oc.Efficacy is { } e)
        {
            w.WriteStartObject("efficacy");
            w.WriteNumbers("response", oc.Scenario.Response!);
            w.WriteNumbers("mean_responders", e.RespondersPerDose.Select(x => x.Value));
            w.WriteNumbers("mean_responders_se", e.RespondersPerDose.Select(x => x.Se));
            w.WriteEstimate("mean_total_responders", e.TotalResponders);
            w.WriteEstimate("mean_responders_at_selected", e.RespondersAtSelected);
            w.WriteNumbers("p_at_least_r_responses_at_selected", e.AtLeastResponsesAtSelected.Select(x => x.Value));
            w.WriteNumbers("p_at_least_r_responses_at_selected_se", e.AtLeastResponsesAtSelected.Select(x => x.Se));
            w.WriteEndObject();
        }
        if (oc.DoseOptimisation is { } o)
        {
            w.WriteStartObject("dose_optimisation");
            w.WriteStartObject("utility");
            w.WriteNumber("response_no_dlt", o.Utility.ResponseNoDlt);
            w.WriteNumber("neither", o.Utility.Neither);
            w.WriteNumber("dlt_response", o.Utility.DltResponse);
            w.WriteNumber("dlt_no_response", o.Utility.DltNoResponse);
            w.WriteNumber("min_response", o.Utility.MinResponse);
            w.WriteEndObject();
            // The joint (DLT, response) model the utilities come from: its kind and the four cells per dose.
            w.WriteString("association", oc.Scenario.Association.ToString().ToLowerInvariant());
            if (oc.Scenario.Association == AssociationKind.Gumbel) w.WriteNumber("gumbel_rho", oc.Scenario.GumbelRho);
            if (oc.Scenario.Association == AssociationKind.Gaussian) w.WriteNumber("gaussian_rho", oc.Scenario.GaussianRho);
            w.WriteStartArray("cells");
            foreach (var c in oc.Scenario.JointOutcomes!)
            {
                w.WriteStartArray();
                w.WriteNumberValue(c.DltResponse); w.WriteNumberValue(c.DltNoResponse); w.WriteNumberValue(c.ResponseNoDlt); w.WriteNumberValue(c.Neither);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteNumbers("true_utility", o.TrueUtility);
            if (o.ObdLevel >= 0) w.WriteNumber("true_obd", o.ObdLevel + 1); else w.WriteNull("true_obd");
            w.WriteEstimate("p_select_obd", o.SelectObd);
            w.WriteEstimate("utility_of_selected", o.UtilityOfSelected);
            w.WriteEndObject();
        }
        if (oc.Engine == "exact")
        {
            w.WriteNumber("total_probability", oc.TotalProbability);
            w.WriteNumber("state_count", oc.StateCount);
        }
        w.WriteEndObject();
    }


}
