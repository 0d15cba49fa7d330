using System.Globalization;
using System.Text.Json;
using DoseEscalation.Conduct;
using DoseEscalation.Designs;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>Output formats of the next verb.</summary>
public enum ConductFormat
{
    Table,
    Md,
    Json,
}

/// <summary>
/// The output of <c>next</c>: the decision and its reason, the doses, the rule's quantities, the
/// pathways of the next cohorts and the final MTD, as text, Markdown or JSON (docs/conduct.md).
/// <paramref name="DoseLabels"/> name the doses ("DL1", or "DL1: 1-3 x 10^6 cells/kg").
/// </summary>
public sealed record ConductReportInfo(string? TrialName, IReadOnlyList<string> DoseLabels)
{
    /// <summary>The design with every option resolved, for the JSON <c>designs</c> array.</summary>
    public IReadOnlyList<Designs.Configuration.ResolvedDesign> Setups { get; init; } = [];
}

public static class ConductReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static string F(double v, string format = "0.###") => v.ToString(format, Inv);
    private static string Label(ConductReportInfo info, int level) =>
        level >= 0 && level < info.DoseLabels.Count ? info.DoseLabels[level] : $"dose {level + 1}";

    public static void Write(ConductResult r, ConductReportInfo info, ConductFormat format, Stream stream)
    {
        if (format == ConductFormat.Json) { WriteJson(r, info, stream); return; }
        using var w = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        if (format == ConductFormat.Md) WriteMarkdown(r, info, w); else WriteText(r, info, w);
    }

    private static string DataLine(ConductResult r)
    {
        var steps = r.Replay.Steps;
        string cohorts = steps.Count == 0 ? "no patients yet" : string.Join(" ", steps.Select(s => s.Cohort.Notation));
        string pending = r.Replay.Pending.Count == 0 ? ""
            : $" + in progress {r.Replay.Next.Level + 1}{string.Concat(r.Replay.Pending.Select(Letter))}";
        var backfilled = r.Replay.Data.Patients.Where(p => p.Backfill).ToList();
        string backfill = backfilled.Count == 0 ? ""
            : " + backfilled " + string.Join(" ", backfilled.Select(p => $"{p.Level + 1}{Letter(p)}"));
        int n = r.Replay.TotalPatients + r.Replay.Pending.Count + backfilled.Count;
        return $"{n} {(n == 1 ? "patient" : "patients")}, {steps.Count} complete {(steps.Count == 1 ? "cohort" : "cohorts")}: {cohorts}{pending}{backfill}";
    }

    /// <summary>A patient's outcome letter, '?' while the DLT window is open (the response letters only where responses are read).</summary>
    private static char Letter(PatientOutcome p) => p.Pending ? '?' : p.Response is null ? (p.Dlt ? 'T' : 'N') : p.Letter;

    /// <summary>The backfill rule's answer in words (null when the design does not backfill).</summary>
    private static string? BackfillLine(ConductResult r, ConductReportInfo info)
    {
        if (r.Backfill is not { } b) return null;
        string cohort = b.Observed ? $"the cohort at dose {b.EscalationLevel + 1}" : $"the next cohort (dose {b.EscalationLevel + 1})";
        if (b.Enrolling) return $"none yet: patients who can be enrolled now join {cohort} ({r.Replay.Remaining} more); backfill opens while it is observed";
        return b.Level >= 0
            ? $"a patient who can be enrolled while {cohort} is observed goes to dose {b.Level + 1} ({Label(info, b.Level)}), on today's data"
            : $"no dose is open while {cohort} is observed, on today's data: a patient who can be enrolled waits for the next cohort";
    }

    private static string Status(BackfillDoseStatus s) => s switch
    {
        BackfillDoseStatus.Open => "open",
        BackfillDoseStatus.NoResponse => "closed: no response read yet",
        BackfillDoseStatus.Full => "closed: cap reached",
        BackfillDoseStatus.Unsafe => "closed: DLT data at or above the de-escalation boundary (alone and pooled with the next dose)",
        _ => "closed: above a dose that is not safe",
    };

    private static string StatusCode(BackfillDoseStatus s) => s switch
    {
        BackfillDoseStatus.Open => "open",
        BackfillDoseStatus.NoResponse => "no_response",
        BackfillDoseStatus.Full => "cap_reached",
        BackfillDoseStatus.Unsafe => "unsafe",
        _ => "above_unsafe",
    };

    private static string DecisionLine(ConductResult r, ConductReportInfo info)
    {
        var d = r.Decision;
        if (r.Replay.Pending.Count > 0 && r.Replay.Remaining == 0)
            return $"wait: the cohort at dose {d.Level + 1} ({Label(info, d.Level)}) is in its DLT window; the design decides when its outcomes are known";
        if (r.Replay.Pending.Count > 0)
            return $"complete the cohort: treat {r.Replay.Remaining} more at dose {d.Level + 1} ({Label(info, d.Level)})";
        return d.Kind == DecisionKind.Treat ? $"treat the next {d.CohortSize} at dose {d.Level + 1} ({Label(info, d.Level)})"
            : d.Level == Decision.NoDose ? "stop the trial; no dose is selected"
            : $"stop the trial; select dose {d.Level + 1} ({Label(info, d.Level)}) as the MTD";
    }

    private static string TiteLine(TiteAdvice t, ConductReportInfo info) => t.Decision.Action switch
    {
        PendingAction.Enrol => $"enrol the next patient at dose {t.Decision.Level + 1} ({Label(info, t.Decision.Level)})",
        PendingAction.Wait => "wait: enrol no one until a pending patient's outcome is known",
        _ => t.Decision.Level == Decision.NoDose ? "stop the trial; no dose is selected" : $"stop the trial; select dose {t.Decision.Level + 1} ({Label(info, t.Decision.Level)}) as the MTD",
    };

    private static string ScenarioLine(ConductResult r) => r.Scenario is { } s
        ? $"under scenario '{s.Name}' (P(DLT) {string.Join(", ", s.Dlt.Select(p => F(p)))})"
        : "no scenario given, so no probabilities";

    /// <summary>The final estimates as BOIN's summary(select.mtd(...)) prints its table (values to 2 decimals, "----" untried).</summary>
    public static void WriteSelectMtd(FinalMtd f, TextWriter w)
    {
        w.WriteLine("Dose    Posterior DLT             95%");
        w.WriteLine($"Level     Estimate         Credible Interval   Pr(toxicity>{F(f.Target, "0.####")}|data)");
        foreach (var e in f.Estimates)
        {
            string V(double? v) => v is { } x ? x.ToString("F2", Inv) : "----";
            w.WriteLine($"  {e.Level + 1}          {V(e.Estimate)}           ({V(e.Lower)},{V(e.Upper)})           {V(e.ProbOverdose)}");
        }
        w.WriteLine("NOTE: no estimate is provided for the doses at which no patient was treated.");
    }

    public static void WriteText(ConductResult r, ConductReportInfo info, TextWriter w)
    {
        if (info.TrialName is { } name) w.WriteLine(name);
        w.WriteLine($"Design: {r.Design.Describe()}");
        w.WriteLine($"Data: {DataLine(r)}");
        foreach (var n in r.Notes) w.WriteLine($"Note: {n}");
        foreach (var dv in r.Replay.Deviations) w.WriteLine($"Deviation: {dv.Message}");
        w.WriteLine();
        w.WriteLine($"Next: {(r.Tite is { } tn ? TiteLine(tn, info) : DecisionLine(r, info))}");
        w.WriteLine($"Why: {r.Tite?.Reason ?? r.Reason.Text}");
        if (BackfillLine(r, info) is { } bl) w.WriteLine($"Backfill: {bl}");
        w.WriteLine();
        if (r.Tite is { } tite)
        {
            bool weighted = tite.Doses.Any(d => d.Weights is not null);
            int tw = Math.Max(4, info.DoseLabels.Count == 0 ? 4 : tite.Doses.Max(d => Label(info, d.Level).Split(':')[0].Length));
            w.WriteLine($"Time-to-event data (DLT window {F(tite.WindowDays)} days; follow-up: the pending patients' fractions of the window, summed):");
            string th = $"  {"dose".PadRight(tw)}  complete  DLTs  pending  follow-up" + (weighted ? "  weights  P(DLT) at mean" : "  DLT estimate");
            w.WriteLine(th);
            w.WriteLine("  " + new string('-', th.Length - 2));
            foreach (var d in tite.Doses)
                w.WriteLine($"  {Label(info, d.Level).Split(':')[0].PadRight(tw)}  {d.Complete,8}  {d.Dlts,4}  {d.Pending,7}  {F(d.Followed, "0.000"),9}"
                    + (weighted ? $"  {F(d.Weights!.Value, "0.000"),7}  {F(d.Toxicity!.Value, "0.000"),14}" : $"  {(d.Estimate is { } est ? F(est, "0.000") : "-"),12}"));
            if (tite.Selected is { } sel)
            {
                w.WriteLine();
                w.WriteLine($"Final MTD ({r.Design.Name}): {(sel == Decision.NoDose ? "none selected" : $"dose {sel + 1} ({Label(info, sel)})")}");
                w.WriteLine($"Selection: {tite.SelectionNote}");
            }
            w.WriteLine();
            w.WriteLine("Complete patients only (the replay; the decision above is the design's with the pending patients):");
        }

        bool crm = r.Doses.Any(d => d.Crm is not null);
        bool interval = r.Doses.Any(d => d.Eliminated);
        int width = Math.Max(4, info.DoseLabels.Count == 0 ? 4 : r.Doses.Max(d => Label(info, d.Level).Split(':')[0].Length));
        bool responses = r.Doses.Any(d => d.Responses is not null);
        string header = $"  {"dose".PadRight(width)}  patients  DLTs   rate" + (responses ? "  responses" : "") + (interval ? "  eliminated" : "")
            + (crm ? $"  P(DLT) at mean  posterior mean  {F(100 * r.CredibleLevel)}% interval" : "");
        w.WriteLine(header);
        w.WriteLine("  " + new string('-', header.Length - 2));
        foreach (var d in r.Doses)
        {
            string rate = d.ObservedRate is { } x ? x.ToString("0.00", Inv) : "-";
            string line = $"  {Label(info, d.Level).Split(':')[0].PadRight(width)}  {d.Patients,8}  {d.Dlts,4}  {rate,5}";
            if (responses) line += $"  {d.Responses,9}";
            if (interval) line += $"  {(d.Eliminated ? "yes" : ""),10}";
            if (d.Crm is { } c) line += $"  {c.PlugIn.ToString("0.000", Inv),14}  {c.Mean.ToString("0.000", Inv),14}  [{c.Lower.ToString("0.000", Inv)}, {c.Upper.ToString("0.000", Inv)}]";
            w.WriteLine(line);
        }
        if (r.Backfill is { Doses.Count: > 0 } bf)
        {
            w.WriteLine();
            w.WriteLine($"Doses below {bf.EscalationLevel + 1} for backfill (known: DLT outcome known; responses read):");
            w.WriteLine($"  {"dose".PadRight(width)}  treated  known  DLTs  responses  backfill");
            foreach (var d in bf.Doses)
                w.WriteLine($"  {Label(info, d.Level).Split(':')[0].PadRight(width)}  {d.Treated,7}  {d.Known,5}  {d.KnownDlts,4}  {d.Responses,9}  {Status(d.Status)}");
        }
        if (r.Reason.Quantities.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Quantities the rule used:");
            int lw = r.Reason.Quantities.Max(q => q.Label.Length);
            foreach (var q in r.Reason.Quantities) w.WriteLine($"  {q.Label.PadRight(lw)}  {F(q.Value, "0.####")}");
        }
        if (r.Pathways.Count > 0)
        {
            w.WriteLine();
            int ahead = r.Pathways.Max(p => p.Cohorts.Count);
            w.WriteLine($"What the design does after each outcome of the next {(ahead == 1 ? "cohort" : $"{ahead} cohorts")}, {ScenarioLine(r)}:");
            int pw = Math.Max(7, r.Pathways.Max(p => p.Notation.Length));
            w.WriteLine($"  {"outcome".PadRight(pw)}  {(r.Scenario is null ? "" : "probability  ")}then");
            foreach (var p in r.Pathways)
                w.WriteLine($"  {p.Notation.PadRight(pw)}  {(p.Probability is { } pr ? pr.ToString("0.0000", Inv).PadLeft(11) + "  " : "")}{DecisionExplainer.Verb(p.Next)}");
        }
        if (r.Final is { } tf && r.Tite is { Selected: not null } ts)
        {
            // The time-to-event final selection is printed above; TITE-BOIN's is BOIN's isotonic one on the complete patients.
            w.WriteLine();
            if (ts.Doses.Any(d => d.Weights is not null))
                w.WriteLine($"Estimates: the TITE-CRM posterior per dose in the time-to-event table above (the selection compares P(DLT) at the posterior mean with the target {F(tf.Target)})");
            else
            {
                w.WriteLine($"Isotonic estimates of the complete patients, as BOIN's select.mtd reports them (target {F(tf.Target)}):");
                WriteSelectMtd(tf, w);
            }
        }
        else if (r.Final is { } f)
        {
            w.WriteLine();
            w.WriteLine($"Final {(r.Design.ReadsResponses ? "OBD" : "MTD")}: {(f.SelectedLevel == Decision.NoDose ? "none selected" : $"dose {f.SelectedLevel + 1} ({Label(info, f.SelectedLevel)})")}");
            w.WriteLine($"Reason: {f.Reason}");
            w.WriteLine($"Selection: {f.Rule}");
            if (f.UntriedWarning(r.Design) is { } untried) w.WriteLine($"Warning: {untried}");
            // The CRM selects from its posterior, not from isotonic regression: BOIN's table would
            // show estimates the selection never read (issue 25).
            if (crm)
                w.WriteLine($"Estimates: the CRM posterior per dose above (the selection compares P(DLT) at the posterior mean with the target {F(f.Target)})");
            else
            {
                w.WriteLine($"Isotonic estimates, as BOIN's select.mtd reports them (target {F(f.Target)}):");
                WriteSelectMtd(f, w);
            }
        }
    }

    public static void WriteMarkdown(ConductResult r, ConductReportInfo info, TextWriter w)
    {
        // Dose labels come from the user's file: inert in Markdown, and never a cell separator.
        info = info with { DoseLabels = info.DoseLabels.Select(MarkdownText.Cell).ToList() };
        w.WriteLine($"**Design:** {r.Design.Describe()}  ");
        w.WriteLine($"**Data:** {DataLine(r)}");
        foreach (var n in r.Notes) w.WriteLine($"\n> Note: {MarkdownText.Escape(n)}");
        foreach (var dv in r.Replay.Deviations) w.WriteLine($"\n> Deviation: {MarkdownText.Escape(dv.Message)}");
        w.WriteLine();
        w.WriteLine($"**Next:** {(r.Tite is { } tn ? TiteLine(tn, info) : DecisionLine(r, info))}.  ");
        w.WriteLine($"**Why:** {r.Tite?.Reason ?? r.Reason.Text}.{(BackfillLine(r, info) is { } bl ? "  " : "")}");
        if (BackfillLine(r, info) is { } line) w.WriteLine($"**Backfill:** {line}.");
        w.WriteLine();
        if (r.Tite is { } tite)
        {
            bool weighted = tite.Doses.Any(d => d.Weights is not null);
            w.WriteLine($"Time-to-event data (DLT window {F(tite.WindowDays)} days):");
            w.WriteLine();
            w.WriteLine("| dose | complete | DLTs | pending | follow-up |" + (weighted ? " weights | P(DLT) at posterior mean |" : " DLT estimate |"));
            w.WriteLine("|---|---:|---:|---:|---:|" + (weighted ? "---:|---:|" : "---:|"));
            foreach (var d in tite.Doses)
                w.WriteLine($"| {Label(info, d.Level)} | {d.Complete} | {d.Dlts} | {d.Pending} | {F(d.Followed, "0.000")} |"
                    + (weighted ? $" {F(d.Weights!.Value, "0.000")} | {F(d.Toxicity!.Value, "0.000")} |" : $" {(d.Estimate is { } est ? F(est, "0.000") : "-")} |"));
            if (tite.Selected is { } sel)
                w.WriteLine($"\n**Final ({r.Design.Name}):** {(sel == Decision.NoDose ? "no MTD selected" : $"the MTD is dose {sel + 1} ({Label(info, sel)})")}. {MarkdownText.Escape(tite.SelectionNote!)}.");
            w.WriteLine();
            w.WriteLine("Complete patients only (the replay; the decision above is the design's with the pending patients):");
            w.WriteLine();
        }
        bool crm = r.Doses.Any(d => d.Crm is not null);
        bool responders = r.Doses.Any(d => d.Responses is not null);
        w.WriteLine("| dose | patients | DLTs | rate |" + (responders ? " responses |" : "") + (crm ? $" P(DLT) at posterior mean | posterior mean | {F(100 * r.CredibleLevel)}% interval |" : ""));
        w.WriteLine("|---|---:|---:|---:|" + (responders ? "---:|" : "") + (crm ? "---:|---:|---|" : ""));
        foreach (var d in r.Doses)
            w.WriteLine($"| {Label(info, d.Level)}{(d.Eliminated ? " (eliminated)" : "")} | {d.Patients} | {d.Dlts} | {(d.ObservedRate is { } x ? x.ToString("0.00", Inv) : "-")} |"
                + (d.Responses is { } resp ? $" {resp} |" : "")
                + (d.Crm is { } c ? $" {c.PlugIn.ToString("0.000", Inv)} | {c.Mean.ToString("0.000", Inv)} | {c.Lower.ToString("0.000", Inv)} to {c.Upper.ToString("0.000", Inv)} |" : ""));
        if (r.Backfill is { Doses.Count: > 0 } bf)
        {
            w.WriteLine();
            w.WriteLine($"| dose below {bf.EscalationLevel + 1} | treated | known | DLTs | responses | backfill |");
            w.WriteLine("|---|---:|---:|---:|---:|---|");
            foreach (var d in bf.Doses)
                w.WriteLine($"| {Label(info, d.Level)} | {d.Treated} | {d.Known} | {d.KnownDlts} | {d.Responses} | {Status(d.Status)} |");
        }
        if (r.Reason.Quantities.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("| quantity the rule used | value |");
            w.WriteLine("|---|---:|");
            foreach (var q in r.Reason.Quantities) w.WriteLine($"| {q.Label} | {F(q.Value, "0.####")} |");
        }
        if (r.Pathways.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"After each outcome of the next cohort(s), {ScenarioLine(r)}:");
            w.WriteLine();
            w.WriteLine(r.Scenario is null ? "| outcome | then |\n|---|---|" : "| outcome | probability | then |\n|---|---:|---|");
            foreach (var p in r.Pathways)
                w.WriteLine($"| {p.Notation} |{(p.Probability is { } pr ? $" {pr.ToString("0.0000", Inv)} |" : "")} {DecisionExplainer.Verb(p.Next)} |");
        }
        if (r.Final is { } tf && r.Tite is { Selected: not null } ts)
        {
            w.WriteLine();
            if (ts.Doses.Any(d => d.Weights is not null))
                w.WriteLine($"Estimates: the TITE-CRM posterior per dose in the time-to-event table above (the selection compares P(DLT) at the posterior mean with the target {F(tf.Target)}).");
            else
            {
                w.WriteLine($"| dose | isotonic estimate (complete patients) | 95% credible interval | P(DLT rate > {F(tf.Target)}) |");
                w.WriteLine("|---|---:|---|---:|");
                foreach (var e in tf.Estimates)
                {
                    string V(double? v) => v is { } x ? x.ToString("F2", Inv) : "----";
                    w.WriteLine($"| {Label(info, e.Level)} | {V(e.Estimate)} | ({V(e.Lower)},{V(e.Upper)}) | {V(e.ProbOverdose)} |");
                }
            }
        }
        else if (r.Final is { } f)
        {
            w.WriteLine();
            w.WriteLine($"**Final:** {(f.SelectedLevel == Decision.NoDose ? (r.Design.ReadsResponses ? "no OBD selected" : "no MTD selected") : $"the {(r.Design.ReadsResponses ? "OBD" : "MTD")} is dose {f.SelectedLevel + 1} ({Label(info, f.SelectedLevel)})")}. {f.Reason}. Selection rule: {f.Rule}.");
            if (f.UntriedWarning(r.Design) is { } untried) w.WriteLine($"\n> Warning: {MarkdownText.Escape(untried)}");
            w.WriteLine();
            if (crm)
                w.WriteLine($"Estimates: the CRM posterior per dose above (the selection compares P(DLT) at the posterior mean with the target {F(f.Target)}).");
            else
            {
                w.WriteLine($"| dose | isotonic estimate | 95% credible interval | P(DLT rate > {F(f.Target)}) |");
                w.WriteLine("|---|---:|---|---:|");
                foreach (var e in f.Estimates)
                {
                    string V(double? v) => v is { } x ? x.ToString("F2", Inv) : "----";
                    w.WriteLine($"| {Label(info, e.Level)} | {V(e.Estimate)} | ({V(e.Lower)},{V(e.Upper)}) | {V(e.ProbOverdose)} |");
                }
            }
        }
    }

    public static void WriteJson(ConductResult r, ConductReportInfo info, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, JsonWriting.Options);
        w.WriteStartObject();
        w.WriteString("tool", "dose-escalation");
        w.WriteString("version", ToolInfo.Version);
        if (info.TrialName is { } name) w.WriteString("trial", name);
        w.WriteString("design", r.Design.Name);
        w.WriteDesigns(info.Setups);
        w.WriteString("design_description", r.Design.Describe());
        w.WriteStartArray("doses");
        for (int i = 0; i < r.Doses.Count; i++) w.WriteStringValue(Label(info, i));
        w.WriteEndArray();
        w.WriteStartArray("cohorts");
        foreach (var s in r.Replay.Steps)
        {
            w.WriteStartObject();
            w.WriteNumber("dose", s.Cohort.Level + 1);
            w.WriteNumber("patients", s.Cohort.Size);
            w.WriteNumber("dlts", s.Cohort.Dlts);
            w.WriteString("notation", s.Cohort.Notation);
            w.WriteString("advised", DecisionExplainer.Verb(s.Advised));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("pending_patients", r.Replay.Pending.Count);
        if (r.Replay.Data.HasBackfill || r.Backfill is not null)
        {
            w.WriteStartArray("backfilled");
            foreach (var p in r.Replay.Data.Patients.Where(p => p.Backfill))
            {
                w.WriteStartObject();
                w.WriteString("patient", p.Id);
                w.WriteNumber("dose", p.Level + 1);
                w.WriteString("dlt", p.Pending ? "pending" : p.Dlt ? "yes" : "no");
                if (p.Response is { } resp) w.WriteBoolean("response", resp); else w.WriteNull("response");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteBoolean("deviations_occurred", r.DeviationsOccurred);
        w.WriteStartArray("deviations");
        foreach (var dv in r.Replay.Deviations)
        {
            w.WriteStartObject();
            w.WriteString("kind", dv.Kind switch
            {
                DeviationKind.DoseNotChosen => "dose_not_chosen",
                DeviationKind.SkippedDose => "skipped_dose",
                DeviationKind.AfterStop => "after_stop",
                _ => "cohort_size",
            });
            w.WriteString("message", dv.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteDecision(w, "decision", r.Decision);
        w.WriteString("reason", r.Reason.Text);
        w.WriteStartObject("quantities");
        foreach (var q in r.Reason.Quantities) w.WriteNumber(q.Name, q.Value);
        w.WriteEndObject();
        if (r.Doses.Any(d => d.Crm is not null)) w.WriteNumber("credible_level", r.CredibleLevel);
        w.WriteStartArray("per_dose");
        foreach (var d in r.Doses)
        {
            w.WriteStartObject();
            w.WriteNumber("dose", d.Level + 1);
            w.WriteNumber("patients", d.Patients);
            w.WriteNumber("dlts", d.Dlts);
            if (d.Responses is { } resp) w.WriteNumber("responses", resp);
            if (d.ObservedRate is { } x) w.WriteNumber("observed_rate", x); else w.WriteNull("observed_rate");
            w.WriteBoolean("eliminated", d.Eliminated);
            if (d.Crm is { } c)
            {
                w.WriteNumber("p_dlt_plug_in", c.PlugIn);
                w.WriteNumber("p_dlt_posterior_mean", c.Mean);
                w.WriteNumber("p_dlt_interval_lower", c.Lower);
                w.WriteNumber("p_dlt_interval_upper", c.Upper);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (r.Scenario is { } sc) { w.WriteString("scenario", sc.Name); w.WriteNumbers("scenario_dlt", sc.Dlt); }
        else w.WriteNull("scenario");
        w.WriteStartArray("pathways");
        foreach (var p in r.Pathways)
        {
            w.WriteStartObject();
            w.WriteString("outcome", p.Notation);
            if (p.Probability is { } pr) w.WriteNumber("probability", pr); else w.WriteNull("probability");
            WriteDecision(w, "then", p.Next);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (r.Final is { } f)
        {
            w.WriteStartObject("final");
            if (f.SelectedLevel >= 0) w.WriteNumber("mtd", f.SelectedLevel + 1); else w.WriteNull("mtd");
            w.WriteString("reason", f.Reason);
            w.WriteString("rule", f.Rule);
            w.WriteBoolean("selected_untried", f.SelectedUntried);
            w.WriteNumber("target", f.Target);
            w.WriteStartArray("estimates");
            foreach (var e in f.Estimates)
            {
                w.WriteStartObject();
                w.WriteNumber("dose", e.Level + 1);
                w.WriteNumber("patients", e.Patients);
                w.WriteNumber("dlts", e.Dlts);
                Nullable(w, "estimate", e.Estimate);
                Nullable(w, "ci_lower", e.Lower);
                Nullable(w, "ci_upper", e.Upper);
                Nullable(w, "p_overdose", e.ProbOverdose);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else w.WriteNull("final");
        if (r.Backfill is { } b)
        {
            w.WriteStartObject("backfill");
            w.WriteNumber("escalation_dose", b.EscalationLevel + 1);
            w.WriteBoolean("cohort_observed", b.Observed);
            w.WriteBoolean("cohort_enrolling", b.Enrolling);
            if (b.Level >= 0) w.WriteNumber("dose", b.Level + 1); else w.WriteNull("dose");
            w.WriteString("advice", BackfillLine(r, info));
            w.WriteStartArray("per_dose");
            foreach (var d in b.Doses)
            {
                w.WriteStartObject();
                w.WriteNumber("dose", d.Level + 1);
                w.WriteNumber("treated", d.Treated);
                w.WriteNumber("known", d.Known);
                w.WriteNumber("dlts", d.KnownDlts);
                w.WriteNumber("responses", d.Responses);
                w.WriteString("status", StatusCode(d.Status));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        if (r.Tite is { } t)
        {
            w.WriteStartObject("time_to_event");
            w.WriteNumber("dlt_window_days", t.WindowDays);
            w.WriteString("action", t.Decision.Action switch { PendingAction.Enrol => "enrol", PendingAction.Wait => "wait", _ => "stop" });
            if (t.Decision.Level >= 0) w.WriteNumber("dose", t.Decision.Level + 1); else w.WriteNull("dose");
            w.WriteString("text", TiteLine(t, info));
            w.WriteString("reason", t.Reason);
            w.WriteStartArray("pending");
            foreach (var p in t.PendingPatients)
            {
                w.WriteStartObject();
                w.WriteString("patient", p.Id);
                w.WriteNumber("dose", p.Level + 1);
                w.WriteNumber("days_followed", p.DaysFollowed!.Value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("per_dose");
            foreach (var d in t.Doses)
            {
                w.WriteStartObject();
                w.WriteNumber("dose", d.Level + 1);
                w.WriteNumber("complete", d.Complete);
                w.WriteNumber("dlts", d.Dlts);
                w.WriteNumber("pending", d.Pending);
                w.WriteNumber("follow_up", d.Followed);
                if (d.Weights is { } ws) { w.WriteNumber("weights", ws); Nullable(w, "p_dlt_at_mean", d.Toxicity); }
                else Nullable(w, "dlt_estimate", d.Estimate);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (t.Selected is { } sel)
            {
                w.WriteStartObject("final");
                if (sel >= 0) w.WriteNumber("dose", sel + 1); else w.WriteNull("dose");
                w.WriteString("selection", t.SelectionNote);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteStartArray("notes");
        foreach (var n in r.Notes) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter w, string name, double? v)
    {
        if (v is { } x) w.WriteNumber(name, x); else w.WriteNull(name);
    }

    private static void WriteDecision(Utf8JsonWriter w, string name, Decision d)
    {
        w.WriteStartObject(name);
        w.WriteString("action", d.Kind == DecisionKind.Treat ? "treat" : "stop");
        if (d.Level >= 0) w.WriteNumber("dose", d.Level + 1); else w.WriteNull("dose");
        w.WriteNumber("cohort_size", d.CohortSize);
        w.WriteString("text", DecisionExplainer.Verb(d));
        w.WriteEndObject();
    }
}
