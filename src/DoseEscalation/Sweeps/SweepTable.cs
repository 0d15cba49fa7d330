using System.Globalization;
using DoseEscalation.Engines.Calendar;
using Parquet;
using Parquet.Schema;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Sweeps;

/// <summary>
/// A sweep's tidy table: one row per cell (design, setting, scenario), the same columns in CSV and
/// in Parquet (R's arrow and pandas read it). Doses are columns selection_1..K and
/// mean_patients_1..K; a setting a design does not take is empty (CSV) or null (Parquet). A sweep
/// with timelines has a <c>timeline</c> column after <c>cohort_size</c> and the calendar's times and
/// counts (<see cref="CalendarStats"/>) after the doses; a sweep without has neither.
/// </summary>
public static class SweepTable
{
    private static readonly string[] Text = ["design", "design_name", "design_options", "scenario", "scenario_source", "dlt"];
    private static readonly string[] Ints = ["cell", "true_mtd", "max_n", "cohort_size"];
    private static readonly string[] Longs = ["trials"];
    private static readonly string[] Stats = ["p_correct_selection", "p_correct_selection_se", "p_select_no_dose", "p_select_above_mtd", "p_select_below_mtd",
        "p_select_untried", "mean_n", "mean_n_se", "mean_total_dlts", "share_patients_at_mtd", "share_patients_above_mtd", "p_any_patient_above_mtd"];

    /// <summary>The calendar columns (days, and patients per trial), after the doses when the sweep has timelines.</summary>
    public static readonly IReadOnlyList<string> CalendarStats = ["duration_mean", "duration_sd", "duration_median", "duration_p10", "duration_p90",
        "time_to_decision_mean", "time_to_decision_sd", "time_to_decision_median", "time_to_decision_p10", "time_to_decision_p90",
        "mean_enrolled", "mean_non_evaluable", "mean_lost", "mean_waited", "mean_wait_days"];

    /// <summary>
    /// The dose-optimisation columns, last, when a scenario of the grid has response probabilities:
    /// the true OBD (utility, docs/designs/boin12.md), P(select it) and the true utility of the
    /// selected dose, each with its Monte Carlo error; empty (null) in rows whose scenario has none.
    /// </summary>
    public static readonly IReadOnlyList<string> EfficacyStats = ["true_obd", "p_select_obd", "p_select_obd_se", "utility_of_selected", "utility_of_selected_se"];

    /// <summary>The column names, in order.</summary>
    public static IReadOnlyList<string> Columns(int doses, bool calendar = false, bool efficacy = false) =>
        [.. Ints[..1], .. Text, .. Ints[1..], .. calendar ? new[] { "timeline" } : [], .. Longs, "seed", .. Stats,
         .. Enumerable.Range(1, doses).Select(d => $"selection_{d}"), .. Enumerable.Range(1, doses).Select(d => $"mean_patients_{d}"),
         .. calendar ? CalendarStats : [], .. efficacy ? EfficacyStats : []];

    private static bool HasEfficacy(IReadOnlyList<(SweepCell Cell, OperatingCharacteristics Oc)> rows) => rows.Any(r => r.Oc.DoseOptimisation is not null);

    /// <summary>True OBD (1-based; null when no dose is acceptable or the scenario has no responses) and the four estimates.</summary>
    private static (int? Obd, double?[] Values) EfficacyValues(OperatingCharacteristics oc) => oc.DoseOptimisation is { } o
        ? (o.ObdLevel >= 0 ? o.ObdLevel + 1 : null, [o.SelectObd.Value, o.SelectObd.Se, o.UtilityOfSelected.Value, o.UtilityOfSelected.Se])
        : (null, [null, null, null, null]);

    private static double[] CalendarValues(CalendarResult r) =>
        [r.Duration.Mean, r.Duration.Sd, r.Duration.Median, r.Duration.P10, r.Duration.P90,
         r.TimeToDecision.Mean, r.TimeToDecision.Sd, r.TimeToDecision.Median, r.TimeToDecision.P10, r.TimeToDecision.P90,
         r.MeanEnrolled, r.MeanNonEvaluable, r.MeanLost, r.MeanWaited, r.MeanWaitDays];

    private sealed record Row(SweepCell Cell, OperatingCharacteristics Oc)
    {
        public string?[] Texts => [Cell.Design.Label, Cell.Design.Name, Cell.Design.Summary(), Cell.Scenario.Scenario.Name, Cell.Scenario.Source,
            string.Join(";", Cell.Scenario.Scenario.Dlt.Select(R))];
        public int?[] IntValues => [Oc.TrueMtdLevel >= 0 ? Oc.TrueMtdLevel + 1 : null, Cell.MaxN, Cell.CohortSize];
        public double[] StatValues => [Oc.CorrectSelection.Value, Oc.CorrectSelection.Se, Oc.Selection[0].Value, Oc.SelectAboveMtd.Value, Oc.SelectBelowMtd.Value,
            Oc.SelectUntried.Value, Oc.MeanN.Value, Oc.MeanN.Se, Oc.MeanTotalDlts.Value, Oc.ShareAtMtd.Value, Oc.ShareAboveMtd.Value, Oc.AnyPatientAboveMtd.Value];
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The rows as CSV; <paramref name="calendar"/> (one result per row, in order) adds the calendar columns.</summary>
    public static void WriteCsv(IReadOnlyList<(SweepCell Cell, OperatingCharacteristics Oc)> rows, int doses, TextWriter w, IReadOnlyList<CalendarResult>? calendar = null)
    {
        bool efficacy = HasEfficacy(rows);
        var csv = new CsvTable(w, [.. Columns(doses, calendar is not null, efficacy)]);
        for (int i = 0; i < rows.Count; i++)
        {
            var (cell, oc) = rows[i];
            var r = new Row(cell, oc);
            var ints = r.IntValues.Select(v => v?.ToString(CultureInfo.InvariantCulture));
            var (obd, values) = EfficacyValues(oc);
            csv.Row([cell.Index.ToString(CultureInfo.InvariantCulture), .. r.Texts, .. ints, .. calendar is null ? [] : new[] { cell.Timeline?.Name },
                oc.Trials.ToString(CultureInfo.InvariantCulture), oc.Seed?.ToString(CultureInfo.InvariantCulture),
                .. r.StatValues.Select(R), .. oc.Selection.Skip(1).Select(e => R(e.Value)), .. oc.MeanPatients.Select(e => R(e.Value)),
                .. calendar is null ? [] : CalendarValues(calendar[i]).Select(R),
                .. efficacy ? [obd?.ToString(CultureInfo.InvariantCulture), .. values.Select(v => v is { } x ? R(x) : null)] : Array.Empty<string?>()]);
        }
    }

    /// <summary>The rows as Parquet, the CSV's columns; <paramref name="calendar"/> as in <see cref="WriteCsv"/>.</summary>
    public static void WriteParquet(IReadOnlyList<(SweepCell Cell, OperatingCharacteristics Oc)> rows, int doses, Stream stream, IReadOnlyList<CalendarResult>? calendar = null) =>
        WriteParquetAsync(rows, doses, stream, calendar).GetAwaiter().GetResult();

    private static async Task WriteParquetAsync(IReadOnlyList<(SweepCell Cell, OperatingCharacteristics Oc)> rows, int doses, Stream stream, IReadOnlyList<CalendarResult>? calendar)
    {
        var list = rows.Select(r => new Row(r.Cell, r.Oc)).ToList();
        var cell = new DataField<int>("cell");
        var texts = Text.Select(n => new DataField<string>(n)).ToArray();
        var ints = Ints[1..].Select(n => new DataField<int?>(n)).ToArray();
        var trials = new DataField<long>("trials");
        var seed = new DataField<decimal>("seed"); // a seed is up to 2^64 - 1: decimal (Parquet has no unsigned 64-bit logical type every reader maps)
        var stats = Stats.Select(n => new DataField<double>(n)).ToArray();
        var selection = Enumerable.Range(1, doses).Select(d => new DataField<double>($"selection_{d}")).ToArray();
        var patients = Enumerable.Range(1, doses).Select(d => new DataField<double>($"mean_patients_{d}")).ToArray();
        var timeline = new DataField<string>("timeline");
        var times = CalendarStats.Select(n => new DataField<double>(n)).ToArray();
        bool efficacy = HasEfficacy(rows);
        var obd = new DataField<int?>("true_obd");
        var obdStats = EfficacyStats.Skip(1).Select(n => new DataField<double?>(n)).ToArray();
        Field[] tail = efficacy ? [obd, .. obdStats] : [];
        var schema = calendar is null
            ? new ParquetSchema([cell, .. texts, .. ints, trials, seed, .. stats, .. selection, .. patients, .. tail])
            : new ParquetSchema([cell, .. texts, .. ints, timeline, trials, seed, .. stats, .. selection, .. patients, .. times, .. tail]);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<int>(cell, rows.Select(r => r.Cell.Index).ToArray());
        for (int i = 0; i < texts.Length; i++) await group.WriteAsync(texts[i], list.Select(r => r.Texts[i] ?? "").ToArray());
        for (int i = 0; i < ints.Length; i++) await group.WriteAsync<int>(ints[i], list.Select(r => r.IntValues[i]).ToArray());
        if (calendar is not null) await group.WriteAsync(timeline, rows.Select(r => r.Cell.Timeline?.Name ?? "").ToArray());
        await group.WriteAsync<long>(trials, rows.Select(r => r.Oc.Trials).ToArray());
        await group.WriteAsync<decimal>(seed, rows.Select(r => (decimal)(r.Oc.Seed ?? 0)).ToArray());
        for (int i = 0; i < stats.Length; i++) await group.WriteAsync<double>(stats[i], list.Select(r => r.StatValues[i]).ToArray());
        for (int d = 0; d < doses; d++) await group.WriteAsync<double>(selection[d], rows.Select(r => r.Oc.Selection[d + 1].Value).ToArray());
        for (int d = 0; d < doses; d++) await group.WriteAsync<double>(patients[d], rows.Select(r => r.Oc.MeanPatients[d].Value).ToArray());
        if (calendar is not null)
        {
            var values = calendar.Select(CalendarValues).ToList();
            for (int i = 0; i < times.Length; i++) await group.WriteAsync<double>(times[i], values.Select(v => v[i]).ToArray());
        }
        if (efficacy)
        {
            var values = rows.Select(r => EfficacyValues(r.Oc)).ToList();
            await group.WriteAsync<int>(obd, values.Select(v => v.Obd).ToArray());
            for (int i = 0; i < obdStats.Length; i++) await group.WriteAsync<double>(obdStats[i], values.Select(v => v.Values[i]).ToArray());
        }
    }
}
