using System.Globalization;
using DoseEscalation.Scenarios;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>
/// Tidy CSV of operating characteristics, one observation per row, the same columns for
/// <c>simulate</c>, <c>exact</c> and <c>compare</c>:
/// <c>design, scenario, dose_index, dose_label, quantity, n, value, se, engine, trials, seed, version, design_options</c>
/// (design is the design's label; design_options every option of it resolved, <c>key=value</c> joined by <c>;</c>).
/// Per-dose quantities fill dose_index (1..K) and dose_label; "no dose selected" and the totals
/// are their own quantities with the dose columns empty; quantities indexed by a sample size
/// (<c>n_distribution</c>, <c>n_cumulative</c>) fill n. Exact results have se 0 and empty trials and seed.
/// See docs/output.md for the list of quantities.
/// </summary>
public static class CsvReport
{
    public static readonly string[] Columns = ["design", "scenario", "dose_index", "dose_label", "quantity", "n", "value", "se", "engine", "trials", "seed", "version", "design_options"];

    /// <summary>The rows of one design over the scenarios of a simulate or exact run.</summary>
    public static void Write(ResultSet set, TextWriter w) => Write(set, w, null);

    /// <summary>
    /// As <see cref="Write(ResultSet, TextWriter)"/>, plus trial-level quantities of each scenario
    /// (<paramref name="extra"/>[i] for scenario i, e.g. the calendar's durations) as rows with empty dose columns.
    /// </summary>
    public static void Write(ResultSet set, TextWriter w, IReadOnlyList<IReadOnlyList<(string Quantity, Estimate Value)>>? extra)
    {
        ArgumentNullException.ThrowIfNull(set);
        var csv = new CsvTable(w, Columns);
        var run = new Run(set.Engine, set.Trials, set.Seed, OptionsByLabel(set.Setups));
        string label = set.Setups.Count > 0 ? set.Setups[0].Label : set.Design.Name;
        for (int i = 0; i < set.Results.Count; i++)
        {
            var oc = set.Results[i];
            WriteOc(csv, run, label, oc, set.Doses);
            if (extra is not null)
                foreach (var (quantity, value) in extra[i]) Total(csv, run, label, oc.Scenario.Name, quantity, value);
        }
    }

    /// <summary>The rows of every design of a comparison (the same quantities as <see cref="Write(ResultSet, TextWriter)"/>, plus the paired differences against the first design and the benchmark's P(correct selection)).</summary>
    public static void Write(ComparisonSet set, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(set);
        var csv = new CsvTable(w, Columns);
        var run = new Run("monte-carlo", set.Trials, set.Seed, OptionsByLabel(set.Setups));
        bool calendar = set.Scenarios.Any(sc => sc.Calendar is not null);
        bool differ = RunNotes.MaxNDifference(set.Setups, calendar) is not null;
        foreach (var sc in set.Scenarios)
        {
            foreach (var row in sc.Designs)
            {
                WriteOc(csv, run, row.Oc.Design, row.Oc, set.Doses);
                if (row != sc.Designs[0])
                {
                    Total(csv, run, row.Oc.Design, sc.Scenario.Name, "p_correct_selection_diff_vs_first", row.CorrectSelectionDifference);
                    Total(csv, run, row.Oc.Design, sc.Scenario.Name, "share_patients_above_mtd_diff_vs_first", row.ShareAboveDifference);
                    if (row.SelectObdDifference is { } od) Total(csv, run, row.Oc.Design, sc.Scenario.Name, "p_select_obd_diff_vs_first", od);
                    if (row.UtilityDifference is { } ud) Total(csv, run, row.Oc.Design, sc.Scenario.Name, "utility_of_selected_diff_vs_first", ud);
                }
            }
            if (sc.BenchmarkCorrectSelection is { } b)
            {
                Total(csv, run, "benchmark", sc.Scenario.Name, "p_correct_selection", b);
                Total(csv, run, "benchmark", sc.Scenario.Name, "benchmark_patients", new Estimate(sc.BenchmarkPatients, 0));
            }
            // Each design's maximum N, only when they differ: P(correct) is then not at equal sample size.
            if (differ)
                foreach (var (row, j) in sc.Designs.Select((r, j) => (r, j)))
                    Total(csv, run, row.Oc.Design, sc.Scenario.Name, "max_n", new Estimate(RunNotes.MaxN(set.Setups[j].Design, calendar), 0));
        }
    }

    /// <summary>
    /// compare --calendar: every design's rows as <see cref="Write(ComparisonSet, TextWriter)"/> writes them (engine <c>calendar</c>),
    /// then its calendar quantities as simulate --calendar writes them, the paired duration difference against the first design,
    /// and each design's maximum N when they differ.
    /// </summary>
    public static void Write(IReadOnlyList<CalendarReport.ComparisonScenario> scenarios, long trials, ulong seed,
        IReadOnlyList<Designs.Configuration.ResolvedDesign> setups, IReadOnlyList<DoseLevel> doses, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        var csv = new CsvTable(w, Columns);
        var run = new Run("calendar", trials, seed, OptionsByLabel(setups));
        bool differ = RunNotes.MaxNDifference(setups, calendar: true) is not null;
        foreach (var sc in scenarios)
            for (int i = 0; i < sc.Labels.Count; i++)
            {
                var r = sc.Comparison.Results[i];
                string design = sc.Labels[i], scenario = sc.Scenario.Name;
                WriteOc(csv, run, design, r.Oc, doses);
                foreach (var (quantity, value) in CalendarReport.CsvRows(r, r.Oc.Trials)) Total(csv, run, design, scenario, quantity, value);
                if (i > 0)
                {
                    var p = sc.Comparison.AgainstFirst[i];
                    Total(csv, run, design, scenario, "duration_mean_diff_vs_first", new Estimate(p.MeanDifference, p.Se));
                    Total(csv, run, design, scenario, "p_shorter_than_first", new Estimate(p.ShareShorter, 0));
                }
                if (differ) Total(csv, run, design, scenario, "max_n", new Estimate(RunNotes.MaxN(setups[i].Design, calendar: true), 0));
            }
    }

    /// <summary>Trial-level rows (empty dose columns) in the same columns, with the header: for outputs that are not OCs alone (the calendar comparison).</summary>
    public static void WriteTrialRows(TextWriter w, string engine, long trials, ulong? seed, IEnumerable<(string Design, string Scenario, string Quantity, Estimate Value)> rows)
    {
        var csv = new CsvTable(w, Columns);
        var run = new Run(engine, trials, seed, new Dictionary<string, string>());
        foreach (var (design, scenario, quantity, value) in rows) Total(csv, run, design, scenario, quantity, value);
    }

    private sealed record Run(string Engine, long Trials, ulong? Seed, IReadOnlyDictionary<string, string> Options);

    private static Dictionary<string, string> OptionsByLabel(IReadOnlyList<Designs.Configuration.ResolvedDesign> setups) =>
        setups.ToDictionary(d => d.Label, d => string.Join(";", d.Descriptor.AllOptions.Select(o => $"{o.Key}={Designs.Configuration.DesignOption.Format(d.Options[o.Key])}")));

    private static void WriteOc(CsvTable csv, Run run, string design, OperatingCharacteristics oc, IReadOnlyList<DoseLevel> doses)
    {
        string scenario = oc.Scenario.Name;
        string Label(int d) => d < doses.Count ? doses[d].Label : Formatting.Dose(d);
        void Dose(int d, string quantity, Estimate e) =>
            Row(csv, run, design, scenario, (d + 1).ToString(CultureInfo.InvariantCulture), Label(d), quantity, null, e);
        for (int d = 0; d < oc.DoseCount; d++) Dose(d, "dlt", new Estimate(oc.Scenario.Dlt[d], 0));
        // The true MTD: its dose, or empty dose columns and value 0 when no dose is at or below the target.
        if (oc.TrueMtdLevel >= 0) Row(csv, run, design, scenario, (oc.TrueMtdLevel + 1).ToString(CultureInfo.InvariantCulture), Label(oc.TrueMtdLevel), "true_mtd", null, new Estimate(oc.TrueMtdLevel + 1, 0));
        else Total(csv, run, design, scenario, "true_mtd", new Estimate(0, 0));
        for (int d = 0; d < oc.DoseCount; d++) Dose(d, "selection", oc.Selection[d + 1]);
        Total(csv, run, design, scenario, "p_select_no_dose", oc.Selection[0]);
        for (int d = 0; d < oc.DoseCount; d++) Dose(d, "mean_patients", oc.MeanPatients[d]);
        for (int d = 0; d < oc.DoseCount; d++) Dose(d, "mean_dlts", oc.MeanDlts[d]);
        Total(csv, run, design, scenario, "mean_n", oc.MeanN);
        Total(csv, run, design, scenario, "mean_total_dlts", oc.MeanTotalDlts);
        Total(csv, run, design, scenario, "p_correct_selection", oc.CorrectSelection);
        Total(csv, run, design, scenario, "p_select_above_mtd", oc.SelectAboveMtd);
        Total(csv, run, design, scenario, "p_select_below_mtd", oc.SelectBelowMtd);
        Total(csv, run, design, scenario, "p_top_dose_cleared", oc.TopDoseCleared);
        Total(csv, run, design, scenario, "p_select_untried", oc.SelectUntried);
        Total(csv, run, design, scenario, "share_patients_at_mtd", oc.ShareAtMtd);
        Total(csv, run, design, scenario, "share_patients_above_mtd", oc.ShareAboveMtd);
        Total(csv, run, design, scenario, "p_any_patient_above_mtd", oc.AnyPatientAboveMtd);
        Total(csv, run, design, scenario, "p_60pct_patients_above_mtd", oc.AtLeast60PctAboveMtd);
        if (oc.Efficacy is { } eff)
        {
            for (int d = 0; d < oc.DoseCount; d++) Dose(d, "response", new Estimate(oc.Scenario.Response![d], 0));
            for (int d = 0; d < oc.DoseCount; d++) Dose(d, "mean_responders", eff.RespondersPerDose[d]);
            Total(csv, run, design, scenario, "mean_total_responders", eff.TotalResponders);
            Total(csv, run, design, scenario, "mean_responders_at_selected", eff.RespondersAtSelected);
            for (int r = 1; r < eff.AtLeastResponsesAtSelected.Length && eff.AtLeastResponsesAtSelected[r].Value > 0; r++)
                Row(csv, run, design, scenario, null, null, "p_at_least_r_responses_at_selected", r.ToString(CultureInfo.InvariantCulture), eff.AtLeastResponsesAtSelected[r]);
        }
        if (oc.DoseOptimisation is { } opt)
        {
            for (int d = 0; d < oc.DoseCount; d++) Dose(d, "true_utility", new Estimate(opt.TrueUtility[d], 0));
            Total(csv, run, design, scenario, "true_obd", new Estimate(opt.ObdLevel + 1, 0));
            Total(csv, run, design, scenario, "p_select_obd", opt.SelectObd);
            Total(csv, run, design, scenario, "utility_of_selected", opt.UtilityOfSelected);
        }
        for (int n = 0; n < oc.NDistribution.Length; n++)
        {
            if (oc.NDistribution[n] <= 0) continue;
            string nText = n.ToString(CultureInfo.InvariantCulture);
            Row(csv, run, design, scenario, null, null, "n_distribution", nText, Proportion(oc.NDistribution[n], run.Trials));
            Row(csv, run, design, scenario, null, null, "n_cumulative", nText, Proportion(oc.NCumulative(n), run.Trials));
        }
    }

    // A Monte Carlo proportion's binomial standard error; exact results (no trials) have none.
    private static Estimate Proportion(double p, long trials) =>
        new(p, trials > 0 ? Math.Sqrt(Math.Max(0, p * (1 - p)) / trials) : 0);

    private static void Total(CsvTable csv, Run run, string design, string scenario, string quantity, Estimate e) =>
        Row(csv, run, design, scenario, null, null, quantity, null, e);

    private static void Row(CsvTable csv, Run run, string design, string scenario, string? doseIndex, string? doseLabel, string quantity, string? n, Estimate e) =>
        csv.Row(design, scenario, doseIndex, doseLabel, quantity, n, Formatting.Exact(e.Value), Formatting.Exact(e.Se), run.Engine,
            run.Trials > 0 ? run.Trials.ToString(CultureInfo.InvariantCulture) : null, run.Seed?.ToString(CultureInfo.InvariantCulture), ToolInfo.Version,
            run.Options.TryGetValue(design, out var options) ? options : null);

    internal static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
