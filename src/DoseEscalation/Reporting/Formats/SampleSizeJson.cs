using System.Globalization;
using System.Text.Json;
using DoseEscalation.SampleSizing;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>The JSON output of samplesize (schema in docs/protocol.md).</summary>
public static class SampleSizeJson
{
    public static void Write(SampleSizeReport report, Stream stream)
    {
        var a = report.Analysis;
        var m = a.Model;
        using var w = new Utf8JsonWriter(stream, JsonWriting.Options);
        w.WriteStartObject();
        w.WriteString("tool", "dose-escalation");
        w.WriteString("version", ToolInfo.Version);
        w.WriteString("command", "samplesize");
        w.WriteString("engine", a.Engine);
        w.WriteString("engine_description", report.EngineLine());
        w.WriteNumber("trials", a.Trials);
        if (a.Seed is { } seed) w.WriteNumber("seed", seed); else w.WriteNull("seed");
        w.WriteNumber("state_count", a.StateCount);
        if (a.Engine == "exact") w.WriteNumber("tail_cut", SampleSizeExact.TailCut); else w.WriteNull("tail_cut");
        w.WriteString("trial", report.Trial.Name);
        if (report.Trial.RegistryId is { } id) w.WriteString("registry_id", id); else w.WriteNull("registry_id");
        w.WriteString("source", report.Source);
        w.WriteString("design", a.Design.Name);
        w.WriteString("design_description", a.Design.Describe());
        w.WriteStartArray("design_rules");
        foreach (var line in report.DesignRules()) w.WriteStringValue(line);
        w.WriteEndArray();
        w.WriteNumber("target", a.Target);
        w.WriteDesigns(report.Setups);
        w.WriteStartArray("doses");
        foreach (var d in report.Doses) w.WriteStringValue(d.Display);
        w.WriteEndArray();

        w.WriteStartObject("model");
        w.WriteNumber("non_evaluable_rate", m.NonEvaluableRate);
        w.WriteNumber("expansion_cohort", m.ExpansionCohort);
        if (m.PlannedN is { } pn) w.WriteNumber("planned_n", pn); else w.WriteNull("planned_n");
        w.WriteNumber("coverage", m.Coverage);
        if (m.MinResponses is { } mr) w.WriteNumber("min_responses", mr); else w.WriteNull("min_responses");
        w.WriteEndObject();

        w.WriteStartObject("summary");
        w.WriteNumber("recommended_n", a.RecommendedN);
        w.WriteString("worst_scenario", a.WorstScenario.Scenario.Name);
        w.WriteNumber("max_evaluable", a.MaxEvaluable);
        if (m.PlannedN is { } p)
        {
            var ps = a.Results.Select(r => r.EnrolledAtMost(p).Value).ToList();
            w.WriteNumber("p_planned_n_suffices_min", ps.Min());
            w.WriteNumber("p_planned_n_suffices_max", ps.Max());
        }
        else { w.WriteNull("p_planned_n_suffices_min"); w.WriteNull("p_planned_n_suffices_max"); }
        w.WriteString("statement", report.Statement());
        w.WriteEndObject();

        w.WriteStartArray("scenarios");
        foreach (var r in a.Results) Scenario(w, r, m);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Scenario(Utf8JsonWriter w, SampleSizeResult r, SampleSizeModel m)
    {
        w.WriteStartObject();
        w.WriteString("name", r.Scenario.Name);
        if (r.Scenario.Rationale is { } why) w.WriteString("rationale", why); else w.WriteNull("rationale");
        w.WriteNumbers("dlt", r.Scenario.Dlt);
        if (r.Scenario.Response is { } resp) w.WriteNumbers("response", resp); else w.WriteNull("response");
        w.WriteNumber("true_mtd", r.TrueMtdLevel + 1);
        w.WriteNumbers("evaluable_distribution", r.EvaluableDistribution);
        w.WriteNumbers("enrolled_distribution", r.EnrolledDistribution);
        w.WriteNumber("truncated_mass", r.TruncatedMass);
        w.WriteEstimate("mean_evaluable", r.MeanEvaluable);
        w.WriteEstimate("mean_enrolled", r.MeanEnrolled);
        w.WriteNumber("min_evaluable", r.MinEvaluable);
        w.WriteNumber("max_evaluable", r.MaxEvaluable);
        w.WriteBoolean("evaluable_range_exact", r.EvaluableRangeIsExact);
        w.WriteNumber("min_enrolled", r.MinEnrolled);
        if (r.MaxEnrolled is { } me) w.WriteNumber("max_enrolled", me); else w.WriteNull("max_enrolled");
        Quantiles(w, "evaluable_quantiles", r.EvaluableQuantile, m.Coverage);
        Quantiles(w, "enrolled_quantiles", r.EnrolledQuantile, m.Coverage);
        w.WriteNumber("coverage_n", r.EnrolledQuantile(m.Coverage));
        if (m.PlannedN is { } p)
        {
            w.WriteEstimate("p_enrolled_at_most_planned", r.EnrolledAtMost(p));
            w.WriteEstimate("p_evaluable_at_most_planned", r.EvaluableAtMost(p));
        }
        else
        {
            w.WriteNull("p_enrolled_at_most_planned"); w.WriteNull("p_enrolled_at_most_planned_se");
            w.WriteNull("p_evaluable_at_most_planned"); w.WriteNull("p_evaluable_at_most_planned_se");
        }
        w.WriteEstimate("expected_dlts", r.ExpectedDlts);
        w.WriteEstimate("p_any_patient_above_mtd", r.AnyPatientAboveMtd);
        w.WriteEstimate("p_select_above_mtd", r.SelectAboveMtd);
        w.WriteEstimate("p_correct_selection", r.CorrectSelection);
        w.WriteNumbers("selection", r.Selection.Select(e => e.Value));
        w.WriteNumbers("selection_se", r.Selection.Select(e => e.Se));
        w.WriteNumbers("mean_patients", r.MeanPatients.Select(e => e.Value));
        w.WriteNumbers("mean_patients_se", r.MeanPatients.Select(e => e.Se));
        w.WriteNumbers("mean_dlts", r.MeanDlts.Select(e => e.Value));
        w.WriteNumbers("mean_dlts_se", r.MeanDlts.Select(e => e.Se));
        if (r.ExpectedResponders is { } er)
        {
            w.WriteStartObject("efficacy");
            w.WriteNumbers("expected_responders", er.Select(e => e.Value));
            w.WriteNumbers("expected_responders_se", er.Select(e => e.Se));
            w.WriteEstimate("expected_responders_at_selected", r.ExpectedRespondersAtSelected!.Value);
            if (r.MinResponses is { } mr) w.WriteNumber("min_responses", mr); else w.WriteNull("min_responses");
            if (r.AtLeastMinResponses is { } al) w.WriteEstimate("p_at_least_min_responses", al);
            else { w.WriteNull("p_at_least_min_responses"); w.WriteNull("p_at_least_min_responses_se"); }
            w.WriteEndObject();
        }
        else w.WriteNull("efficacy");
        w.WriteEndObject();
    }

    private static void Quantiles(Utf8JsonWriter w, string name, Func<double, int> quantile, double coverage)
    {
        w.WriteStartObject(name);
        foreach (double q in SampleSizeReport.Quantiles.Append(coverage).Distinct())
            w.WriteNumber(q.ToString("R", CultureInfo.InvariantCulture), quantile(q));
        w.WriteEndObject();
    }


}
