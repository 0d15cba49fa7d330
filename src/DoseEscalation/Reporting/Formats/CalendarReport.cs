using System.Text.Json;
using System.Text.Json.Nodes;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Scenarios;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>
/// The calendar engine's outputs (docs/calendar.md) in the three formats of <c>simulate</c>: the usual
/// OC report of the result set followed by (table), extended with (CSV rows, JSON fields) the
/// durations, waiting and lost patients of each scenario, in the order of <c>set.Results</c>.
/// </summary>
public static class CalendarReport
{
    public static void WriteTable(ResultSet set, IReadOnlyList<CalendarResult> calendar, TextWriter w)
    {
        ConsoleReport.Write(set, w);
        w.WriteLine();
        var tl = calendar[0].Timeline;
        w.WriteLine("Calendar (days): " + Describe(tl));
        bool backfill = calendar.Any(c => c.MeanBackfilled is not null);
        string[] columns = ["scenario", "duration mean (SE)", "SD", "median", "P10-P90", "to MTD decision", "enrolled", .. (backfill ? new[] { "backfilled" } : []), "non-evaluable", "lost", "waited", "mean wait"];
        var t = new TextTable(columns);
        for (int i = 0; i < calendar.Count; i++)
        {
            var c = calendar[i];
            string[] cells = [set.Results[i].Scenario.Name,
                $"{Formatting.Round(c.Duration.Mean, 1)} ({Formatting.Round(c.Duration.StandardError(set.Trials), 2)})",
                Formatting.Round(c.Duration.Sd, 1), Day(c.Duration.Median), $"{Day(c.Duration.P10)}-{Day(c.Duration.P90)}",
                Formatting.Round(c.TimeToDecision.Mean, 1), Formatting.Round(c.MeanEnrolled, 2),
                .. (backfill ? new[] { Formatting.Round(c.MeanBackfilled ?? 0, 2) } : []), Formatting.Round(c.MeanNonEvaluable, 2),
                Formatting.Round(c.MeanLost, 2), Formatting.Round(c.MeanWaited, 2), Formatting.Round(c.MeanWaitDays, 1)];
            t.Add(cells);
        }
        t.Write(w);
        string lost = tl.Arrivals == Engines.Calendar.ArrivalModel.NextArrival
            ? "arrivals while the cohort's outcomes are awaited and no backfill dose is open (arrivals: next-arrival, nobody waits)"
            : "arrivals past the waiting limit";
        w.WriteLine($"  duration: opening to the MTD decision, or to the last response read if later; lost: {lost}; waited: enrolled patients who waited for a slot; mean wait: days per enrolled patient"
            + (backfill ? "; backfilled: patients treated at a backfill dose (among those enrolled)" : ""));
    }

    public static void WriteCsv(ResultSet set, IReadOnlyList<CalendarResult> calendar, TextWriter w)
    {
        // The tidy CSV of simulate, with each scenario's calendar quantities as trial-level rows.
        var extra = calendar.Select(c => CsvRows(c, set.Trials)).ToList();
        CsvReport.Write(set, w, extra);
    }

    /// <summary>The calendar quantities of one design on one scenario as tidy trial-level rows (simulate --calendar and compare --calendar).</summary>
    internal static IReadOnlyList<(string Quantity, Estimate Value)> CsvRows(CalendarResult c, long trials)
    {
        var rows = new List<(string, Estimate)>();
        foreach (var (name, d) in new[] { ("duration", c.Duration), ("time_to_decision", c.TimeToDecision) })
        {
            rows.Add((name + "_mean", new(d.Mean, d.StandardError(trials))));
            rows.Add((name + "_sd", new(d.Sd, 0)));
            rows.Add((name + "_median", new(d.Median, 0)));
            rows.Add((name + "_p10", new(d.P10, 0)));
            rows.Add((name + "_p90", new(d.P90, 0)));
        }
        rows.Add(("mean_enrolled", new(c.MeanEnrolled, 0)));
        rows.Add(("mean_non_evaluable", new(c.MeanNonEvaluable, 0)));
        rows.Add(("mean_lost", new(c.MeanLost, 0)));
        rows.Add(("mean_waited", new(c.MeanWaited, 0)));
        rows.Add(("mean_wait_days", new(c.MeanWaitDays, 0)));
        if (c.MeanBackfilled is { } b) rows.Add(("mean_backfilled", new(b, 0)));
        return rows;
    }

    public static void WriteJson(ResultSet set, IReadOnlyList<CalendarResult> calendar, Stream stream)
    {
        using var plain = new MemoryStream();
        JsonReport.Write(set, plain);
        var root = JsonNode.Parse(plain.ToArray())!.AsObject();
        var tl = calendar[0].Timeline;
        root["timeline"] = new JsonObject
        {
            ["accrual"] = tl.Accrual switch { AccrualKind.Poisson => "poisson", AccrualKind.UniformGaps => "uniform_gaps", _ => "fixed_interval" },
            ["accrual_rate_per_month"] = tl.HasRate ? tl.RatePerMonth : null,
            ["accrual_interval_days"] = tl.Accrual == AccrualKind.FixedInterval ? tl.IntervalDays : null,
            ["screening_failure"] = tl.ScreeningFailure,
            ["enrolment_to_infusion_days"] = tl.InfusionDelayDays,
            ["dlt_window_days"] = tl.DltWindowDays,
            ["dlt_time_shape"] = tl.DltTimeShape,
            ["sentinel_days"] = tl.SentinelDays,
            ["max_wait_days"] = double.IsPositiveInfinity(tl.MaxWaitDays) ? null : tl.MaxWaitDays,
            ["max_waiting"] = tl.MaxWaiting == int.MaxValue ? null : tl.MaxWaiting,
            ["non_evaluable_rate"] = tl.NonEvaluableRate,
            ["non_evaluable_days"] = tl.NonEvaluableAfterDays,
            ["response_days"] = tl.ResponseDays,
            ["notes"] = tl.Notes,
        };
        // Written only when set, so the documents of runs without them stay as they were.
        if (tl.Arrivals == ArrivalModel.NextArrival) root["timeline"]!["arrivals"] = "next-arrival";
        if (tl.FirstArrivalAtOpening) root["timeline"]!["first_arrival"] = "at-opening";
        var scenarios = root["scenarios"]!.AsArray();
        for (int i = 0; i < calendar.Count; i++)
        {
            var c = calendar[i];
            scenarios[i]!.AsObject()["calendar"] = new JsonObject
            {
                ["duration"] = Summary(c.Duration, set.Trials),
                ["time_to_decision"] = Summary(c.TimeToDecision, set.Trials),
                ["mean_enrolled"] = c.MeanEnrolled,
                ["mean_non_evaluable"] = c.MeanNonEvaluable,
                ["mean_lost"] = c.MeanLost,
                ["mean_waited"] = c.MeanWaited,
                ["mean_wait_days"] = c.MeanWaitDays,
            };
            if (c.MeanBackfilled is { } b) scenarios[i]!["calendar"]!["mean_backfilled"] = b;
        }
        using var w = new Utf8JsonWriter(stream, JsonWriting.Options);
        root.WriteTo(w);
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static JsonObject Summary(DurationSummary d, long trials) => new()
    {
        ["mean"] = d.Mean, ["se"] = d.StandardError(trials), ["sd"] = d.Sd,
        ["median"] = Finite(d.Median), ["p10"] = Finite(d.P10), ["p90"] = Finite(d.P90),
        ["trials_by_day"] = new JsonArray(d.DayCounts.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
    };

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
    internal static string Day(double v) => double.IsFinite(v) ? Formatting.Round(v, 0) : "beyond 100 years";

    internal static string Describe(Timeline t) =>
        (t.Accrual switch
        {
            AccrualKind.Poisson => $"Poisson accrual {Formatting.Round(t.RatePerMonth, 2)}/month",
            AccrualKind.UniformGaps => $"accrual {Formatting.Round(t.RatePerMonth, 2)}/month (uniform gaps)",
            _ => $"one arrival every {Formatting.Round(t.IntervalDays, 1)} days",
        })
        + (t.FirstArrivalAtOpening ? ", first arrival on day 0" : "")
        + (t.Arrivals == ArrivalModel.NextArrival ? ", cohorts evaluated at the next arrival (no waiting list)" : "")
        + (t.ScreeningFailure > 0 ? $", {Formatting.Percent(t.ScreeningFailure, 0)} screening failure" : "")
        + $", infusion {Formatting.Round(t.InfusionDelayDays, 0)} days after enrolment, DLT window {Formatting.Round(t.DltWindowDays, 0)}"
        + (t.SentinelDays > 0 ? $", sentinel {Formatting.Round(t.SentinelDays, 0)}" : "")
        + (t.MaxWaiting < int.MaxValue ? $", at most {t.MaxWaiting} waiting" : "")
        + (t.MaxWaitDays < double.PositiveInfinity ? $", wait at most {Formatting.Round(t.MaxWaitDays, 0)} days" : "")
        + (t.NonEvaluableRate > 0 ? $", {Formatting.Percent(t.NonEvaluableRate, 0)} non-evaluable (known on day {Formatting.Round(t.NonEvaluableAfterDays, 0)})" : "")
        + (t.ResponseDays > 0 ? $", response read on day {Formatting.Round(t.ResponseDays, 0)}" : "");

    // ---- compare --calendar ------------------------------------------------------------------

    /// <summary>One scenario of a calendar comparison, with the design labels in the order of the results.</summary>
    public sealed record ComparisonScenario(Scenario Scenario, IReadOnlyList<string> Labels, CalendarComparison Comparison);

    public static void WriteComparisonTable(string trialName, long trials, ulong seed, IReadOnlyList<ComparisonScenario> scenarios, TextWriter w,
        IReadOnlyList<Designs.Configuration.ResolvedDesign>? setups = null, CorrectSelection? correctSelection = null)
    {
        w.WriteLine(trialName);
        w.WriteLine($"Calendar comparison, {Formatting.Int(trials)} trials, seed {seed}; every design sees the same arrivals, patient times and DLT tolerances (common random numbers)");
        w.WriteLine("Calendar (days): " + Describe(scenarios[0].Comparison.Results[0].Timeline));
        // As compare's header: every design's options, the correct-selection rule, and a max-N difference.
        foreach (var d in setups ?? []) w.WriteLine($"Design {d.Summary()}");
        if (correctSelection is { } cs) w.WriteLine($"Correct selection: {cs.Describe()}.");
        if (setups is not null && RunNotes.MaxNDifference(setups, calendar: true) is { } differ) w.WriteLine($"Note: {differ}.");
        foreach (var sc in scenarios)
        {
            w.WriteLine();
            w.WriteLine($"Scenario '{sc.Scenario.Name}'");
            bool backfill = sc.Comparison.Results.Any(r => r.MeanBackfilled is not null);
            var t = new TextTable(["design", "P(correct)", "patients", .. (backfill ? new[] { "backfilled" } : []), "DLTs", "duration mean (SE)", "median", "P10-P90", "to decision", "lost", "mean wait", $"vs {sc.Labels[0]} (days, SE)", "P(shorter)"]);
            for (int i = 0; i < sc.Labels.Count; i++)
            {
                var r = sc.Comparison.Results[i];
                var p = sc.Comparison.AgainstFirst[i];
                t.Add([sc.Labels[i], Formatting.PercentWithSe(r.Oc.CorrectSelection), Formatting.Round(r.Oc.MeanN.Value, 2),
                    .. (backfill ? new[] { r.MeanBackfilled is { } b ? Formatting.Round(b, 2) : "" } : []), Formatting.Round(r.Oc.MeanTotalDlts.Value, 2),
                    $"{Formatting.Round(r.Duration.Mean, 1)} ({Formatting.Round(r.Duration.StandardError(trials), 2)})", Day(r.Duration.Median),
                    $"{Day(r.Duration.P10)}-{Day(r.Duration.P90)}", Formatting.Round(r.TimeToDecision.Mean, 1), Formatting.Round(r.MeanLost, 2),
                    Formatting.Round(r.MeanWaitDays, 1), i == 0 ? "" : $"{Formatting.Round(p.MeanDifference, 1)} ({Formatting.Round(p.Se, 2)})",
                    i == 0 ? "" : Formatting.Percent(p.ShareShorter)]);
            }
            t.Write(w);
            if (sc.Comparison.Results.Any(r => r.Oc.DoseOptimisation is not null))
            {
                // Designs that read responses: P(select the OBD) and the utility of the selected dose, as compare prints them (unpaired here).
                var e = new TextTable("design", "P(OBD)", "utility");
                for (int i = 0; i < sc.Labels.Count; i++)
                    if (sc.Comparison.Results[i].Oc.DoseOptimisation is { } o)
                        e.Add(sc.Labels[i], Formatting.PercentWithSe(o.SelectObd), Formatting.MeanWithSe(o.UtilityOfSelected, 2));
                e.Write(w);
            }
        }
        w.WriteLine("  vs: paired mean difference in duration (days) against the first design; P(shorter): share of trials it finished earlier");
    }

    /// <summary>compare --calendar in compare's tidy CSV (<see cref="CsvReport.Write(IReadOnlyList{ComparisonScenario}, long, ulong, IReadOnlyList{Designs.Configuration.ResolvedDesign}, IReadOnlyList{DoseLevel}, TextWriter)"/>).</summary>
    public static void WriteComparisonCsv(IReadOnlyList<ComparisonScenario> scenarios, long trials, ulong seed, IReadOnlyList<Designs.Configuration.ResolvedDesign> setups,
        IReadOnlyList<DoseLevel> doses, TextWriter w) => CsvReport.Write(scenarios, trials, seed, setups, doses, w);

    public static void WriteComparisonJson(string trialName, long trials, ulong seed, IReadOnlyList<ComparisonScenario> scenarios, Stream stream,
        IReadOnlyList<Designs.Configuration.ResolvedDesign>? setups = null, CorrectSelection? correctSelection = null)
    {
        // The top-level designs array, written by the one writer every JSON output uses.
        using var designsJson = new MemoryStream();
        using (var dw = new System.Text.Json.Utf8JsonWriter(designsJson))
        {
            dw.WriteStartObject();
            dw.WriteDesigns(setups ?? []);
            if (correctSelection is { } cs) dw.WriteCorrectSelection(cs);
            if (setups is not null && RunNotes.MaxNDifference(setups, calendar: true) is { } differ) dw.WriteStrings("notes", [differ]);
            dw.WriteEndObject();
        }
        var head = JsonNode.Parse(designsJson.ToArray())!;
        var designsNode = head["designs"]!.DeepClone();
        var root = new JsonObject
        {
            ["designs"] = designsNode,
            ["tool"] = "dose-escalation", ["version"] = ToolInfo.Version, ["engine"] = "calendar", ["trials"] = trials, ["seed"] = seed, ["trial"] = trialName,
            ["scenarios"] = new JsonArray(scenarios.Select(sc => (JsonNode?)new JsonObject
            {
                ["name"] = sc.Scenario.Name,
                ["designs"] = new JsonArray(sc.Labels.Select((label, i) =>
                {
                    var r = sc.Comparison.Results[i];
                    var p = sc.Comparison.AgainstFirst[i];
                    var o = new JsonObject
                    {
                        ["design"] = label,
                        ["p_correct_selection"] = r.Oc.CorrectSelection.Value,
                        ["mean_n"] = r.Oc.MeanN.Value,
                        ["mean_total_dlts"] = r.Oc.MeanTotalDlts.Value,
                        ["selection"] = new JsonArray(r.Oc.Selection.Select(e => (JsonNode?)JsonValue.Create(e.Value)).ToArray()),
                        ["p_select_untried"] = r.Oc.SelectUntried.Value, ["p_select_untried_se"] = r.Oc.SelectUntried.Se,
                        ["duration"] = Summary(r.Duration, trials),
                        ["time_to_decision"] = Summary(r.TimeToDecision, trials),
                        ["mean_lost"] = r.MeanLost, ["mean_waited"] = r.MeanWaited, ["mean_wait_days"] = r.MeanWaitDays,
                        // Paired against the first design, flat as compare's differences: days, and a share of trials.
                        ["duration_mean_diff_vs_first"] = p.MeanDifference, ["duration_mean_diff_vs_first_se"] = p.Se,
                        ["p_shorter_than_first"] = p.ShareShorter,
                    };
                    if (r.MeanBackfilled is { } b) o["mean_backfilled"] = b;
                    if (r.Oc.DoseOptimisation is { } opt)
                    {
                        o["p_select_obd"] = opt.SelectObd.Value; o["p_select_obd_se"] = opt.SelectObd.Se;
                        o["utility_of_selected"] = opt.UtilityOfSelected.Value; o["utility_of_selected_se"] = opt.UtilityOfSelected.Se;
                    }
                    return (JsonNode?)o;
                }).ToArray()),
            }).ToArray()),
        };
        // Added after the existing fields, so a run without them writes the same bytes as before.
        if (head["correct_selection"] is { } rule) root["correct_selection"] = rule.DeepClone();
        if (head["notes"] is { } said) root["notes"] = said.DeepClone();
        using var w = new Utf8JsonWriter(stream, JsonWriting.Options);
        root.WriteTo(w);
        w.Flush();
        stream.WriteByte((byte)'\n');
    }
}
