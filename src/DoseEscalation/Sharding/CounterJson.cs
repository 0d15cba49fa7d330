using System.Globalization;
using System.Text.Json;
using DoseEscalation.Engines;

namespace DoseEscalation.Sharding;

/// <summary>
/// The raw integer counters of a shard in JSON: an <see cref="OcTally{T}"/> of <c>long</c> (every
/// sum, square and cross product, as integers) and a comparison's <see cref="ComparisonCounts"/>
/// (its sums of squares are <see cref="Int128"/>, written as decimal strings).
/// </summary>
public static class CounterJson
{
    public static void WriteTally(Utf8JsonWriter w, OcTally<long> t)
    {
        w.WriteStartObject();
        w.WriteNumber("doses", t.DoseCount);
        w.WriteNumber("max_patients", t.MaxPatients);
        w.WriteNumber("true_mtd_level", t.TrueMtdLevel);
        w.WriteNumber("weight", t.Weight);
        Array(w, "selection", t.Selection);
        Array(w, "patients_sum", t.PatientsSum); Array(w, "patients_sq", t.PatientsSq);
        Array(w, "dlts_sum", t.DltsSum); Array(w, "dlts_sq", t.DltsSq);
        Array(w, "n_distribution", t.NDistribution); Array(w, "dlt_total_distribution", t.DltTotalDistribution);
        w.WriteNumber("above_sum", t.AboveSum); w.WriteNumber("above_sq", t.AboveSq); w.WriteNumber("above_times_n", t.AboveTimesN);
        w.WriteNumber("at_sum", t.AtSum); w.WriteNumber("at_sq", t.AtSq); w.WriteNumber("at_times_n", t.AtTimesN);
        w.WriteNumber("any_above", t.AnyAbove); w.WriteNumber("above_60", t.Above60); w.WriteNumber("n_sq", t.NSq);
        w.WriteNumber("selected_untried", t.SelectedUntried);
        if (t.SelectedPatients is not null) { Array(w, "selected_patients", t.SelectedPatients); Array(w, "patients_cross", t.PatientsCross!); }
        w.WriteEndObject();
    }

    /// <summary>A tally as written by <see cref="WriteTally"/>; a wrong shape is a <see cref="FormatException"/>.</summary>
    public static OcTally<long> ReadTally(JsonElement e)
    {
        bool efficacy = e.TryGetProperty("selected_patients", out _);
        int doses = e.GetProperty("doses").GetInt32(), maxPatients = e.GetProperty("max_patients").GetInt32(), trueMtd = e.GetProperty("true_mtd_level").GetInt32();
        // The shape is checked before anything is allocated from it.
        if (doses is < 1 or > ResourceGuard.MaxDoses || maxPatients is < 1 or > ResourceGuard.MaxPatients || trueMtd < -1 || trueMtd >= doses)
            throw new FormatException($"doses {doses}, max_patients {maxPatients} and true_mtd_level {trueMtd} are not a tally's shape (1..{ResourceGuard.MaxDoses} doses, 1..{ResourceGuard.MaxPatients} patients, a dose level or -1)");
        var t = new OcTally<long>(doses, maxPatients, trueMtd, efficacy);
        t.Weight = e.GetProperty("weight").GetInt64();
        Fill(e, "selection", t.Selection);
        Fill(e, "patients_sum", t.PatientsSum); Fill(e, "patients_sq", t.PatientsSq);
        Fill(e, "dlts_sum", t.DltsSum); Fill(e, "dlts_sq", t.DltsSq);
        Fill(e, "n_distribution", t.NDistribution); Fill(e, "dlt_total_distribution", t.DltTotalDistribution);
        t.AboveSum = e.GetProperty("above_sum").GetInt64(); t.AboveSq = e.GetProperty("above_sq").GetInt64(); t.AboveTimesN = e.GetProperty("above_times_n").GetInt64();
        t.AtSum = e.GetProperty("at_sum").GetInt64(); t.AtSq = e.GetProperty("at_sq").GetInt64(); t.AtTimesN = e.GetProperty("at_times_n").GetInt64();
        t.AnyAbove = e.GetProperty("any_above").GetInt64(); t.Above60 = e.GetProperty("above_60").GetInt64(); t.NSq = e.GetProperty("n_sq").GetInt64();
        t.SelectedUntried = e.TryGetProperty("selected_untried", out var untried) ? untried.GetInt64()
            : throw new FormatException("no selected_untried counter: written by a version before p_select_untried; run it again with this version");
        if (efficacy) { Fill(e, "selected_patients", t.SelectedPatients!); Fill(e, "patients_cross", t.PatientsCross!); }
        CounterChecks.Check(t);
        return t;
    }

    /// <summary>
    /// A response tally (designs that read responses): its <see cref="OcTally{T}"/> (<c>oc</c>) and the
    /// responders' sums, squares and the distribution of responders at the selected dose.
    /// </summary>
    public static void WriteResponseTally(Utf8JsonWriter w, Engines.Response.ResponseTally<long> t)
    {
        w.WriteStartObject();
        w.WritePropertyName("oc");
        WriteTally(w, t.Oc);
        Array(w, "responders_sum", t.RespondersSum); Array(w, "responders_sq", t.RespondersSq);
        w.WriteNumber("total_sum", t.TotalSum); w.WriteNumber("total_sq", t.TotalSq);
        w.WriteNumber("at_selected_sum", t.AtSelectedSum); w.WriteNumber("at_selected_sq", t.AtSelectedSq);
        Array(w, "at_selected_distribution", t.AtSelectedDistribution);
        w.WriteEndObject();
    }

    /// <summary>A response tally as written by <see cref="WriteResponseTally"/>; a wrong shape is a <see cref="FormatException"/>.</summary>
    public static Engines.Response.ResponseTally<long> ReadResponseTally(JsonElement e)
    {
        var oc = ReadTally(e.GetProperty("oc"));
        if (oc.SelectedPatients is not null) throw new FormatException("a response tally's oc has no efficacy counters");
        var t = new Engines.Response.ResponseTally<long>(oc.DoseCount, oc.MaxPatients, oc.TrueMtdLevel);
        t.Oc.Add(oc);
        Fill(e, "responders_sum", t.RespondersSum); Fill(e, "responders_sq", t.RespondersSq);
        t.TotalSum = e.GetProperty("total_sum").GetInt64(); t.TotalSq = e.GetProperty("total_sq").GetInt64();
        t.AtSelectedSum = e.GetProperty("at_selected_sum").GetInt64(); t.AtSelectedSq = e.GetProperty("at_selected_sq").GetInt64();
        Fill(e, "at_selected_distribution", t.AtSelectedDistribution);
        CounterChecks.Check(t);
        return t;
    }

    /// <summary>
    /// A calendar tally: its <see cref="OcTally{T}"/> (<c>oc</c>), the day histograms as their
    /// non-zero stretch (<c>first</c> day and <c>counts</c> from there to the last non-zero day),
    /// the tick sums, the <see cref="Int128"/> squares as decimal strings and the patient counters.
    /// </summary>
    public static void WriteCalendarTally(Utf8JsonWriter w, Engines.Calendar.CalendarTally t)
    {
        w.WriteStartObject();
        w.WritePropertyName("oc");
        WriteTally(w, t.Oc);
        Days(w, "duration_days", t.DurationDays);
        Days(w, "decision_days", t.DecisionDays);
        w.WriteNumber("duration_ticks", t.DurationTicks);
        w.WriteNumber("decision_ticks", t.DecisionTicks);
        w.WriteString("duration_sq", t.DurationSq.ToString(CultureInfo.InvariantCulture));
        w.WriteString("decision_sq", t.DecisionSq.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("enrolled", t.Enrolled); w.WriteNumber("non_evaluable", t.NonEvaluable); w.WriteNumber("lost", t.Lost);
        w.WriteNumber("waited", t.Waited); w.WriteNumber("wait_ticks", t.WaitTicks); w.WriteNumber("backfilled", t.Backfilled);
        w.WriteEndObject();
    }

    /// <summary>A calendar tally as written by <see cref="WriteCalendarTally"/>; a wrong shape is a <see cref="FormatException"/>.</summary>
    public static Engines.Calendar.CalendarTally ReadCalendarTally(JsonElement e)
    {
        var oc = ReadTally(e.GetProperty("oc"));
        var t = new Engines.Calendar.CalendarTally(oc.DoseCount, oc.MaxPatients, oc.TrueMtdLevel, oc.SelectedPatients is not null);
        t.Oc.Add(oc);
        Days(e, "duration_days", t.DurationDays);
        Days(e, "decision_days", t.DecisionDays);
        t.DurationTicks = e.GetProperty("duration_ticks").GetInt64();
        t.DecisionTicks = e.GetProperty("decision_ticks").GetInt64();
        t.DurationSq = Big(e.GetProperty("duration_sq"));
        t.DecisionSq = Big(e.GetProperty("decision_sq"));
        t.Enrolled = e.GetProperty("enrolled").GetInt64(); t.NonEvaluable = e.GetProperty("non_evaluable").GetInt64(); t.Lost = e.GetProperty("lost").GetInt64();
        t.Waited = e.GetProperty("waited").GetInt64(); t.WaitTicks = e.GetProperty("wait_ticks").GetInt64(); t.Backfilled = e.GetProperty("backfilled").GetInt64();
        CounterChecks.Check(t);
        return t;
    }

    private static void Days(Utf8JsonWriter w, string name, long[] histogram)
    {
        int first = System.Array.FindIndex(histogram, v => v != 0), last = System.Array.FindLastIndex(histogram, v => v != 0);
        w.WriteStartObject(name);
        w.WriteNumber("first", Math.Max(first, 0));
        w.WriteStartArray("counts");
        for (int d = first; first >= 0 && d <= last; d++) w.WriteNumberValue(histogram[d]);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Days(JsonElement e, string name, long[] into)
    {
        var h = e.GetProperty(name);
        int first = h.GetProperty("first").GetInt32();
        var counts = h.GetProperty("counts");
        if (first < 0 || (long)first + counts.GetArrayLength() > into.Length) throw new FormatException($"{name} runs past day {into.Length - 1}");
        int d = first;
        foreach (var v in counts.EnumerateArray()) into[d++] = v.GetInt64();
    }

    public static void WriteComparison(Utf8JsonWriter w, ComparisonCounts c)
    {
        w.WriteStartObject();
        w.WriteNumber("benchmark_correct", c.BenchmarkCorrect);
        w.WriteStartArray("designs");
        for (int j = 0; j < c.Tallies.Length; j++)
        {
            w.WriteStartObject();
            if (c.Responses is not null)
            {
                // With a design that reads responses: the responders' tally (its oc is the design's tally) and the paired efficacy differences.
                w.WritePropertyName("responses");
                WriteResponseTally(w, c.Responses[j]);
                Paired(w, "select_obd_difference", c.ObdDifference![j]);
                Paired(w, "utility_difference", c.UtilityDifference![j]);
            }
            else
            {
                w.WritePropertyName("tally");
                WriteTally(w, c.Tallies[j]);
            }
            Paired(w, "correct_selection_difference", c.CorrectSelectionDifference[j]);
            Paired(w, "share_above_difference", c.ShareAboveDifference[j]);
            if (c.Times is not null)
            {
                // compare --calendar: the design's calendar tally and its paired duration difference (ticks).
                w.WritePropertyName("calendar");
                WriteCalendarTally(w, c.Times[j]);
                Paired(w, "duration_difference", c.DurationDifference![j]);
                w.WriteNumber("shorter", c.Shorter![j]);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static ComparisonCounts ReadComparison(JsonElement e)
    {
        var c = ReadComparisonUnchecked(e);
        CounterChecks.Check(c);
        return c;
    }

    private static ComparisonCounts ReadComparisonUnchecked(JsonElement e)
    {
        var designs = e.GetProperty("designs").EnumerateArray().ToList();
        bool calendar = designs.Count > 0 && designs[0].TryGetProperty("calendar", out _);
        bool responders = designs.Count > 0 && designs[0].TryGetProperty("responses", out _);
        var responses = responders ? designs.Select(d => ReadResponseTally(d.GetProperty("responses"))).ToArray() : null;
        return new ComparisonCounts(
            responses?.Select(r => r.Oc).ToArray() ?? designs.Select(d => ReadTally(d.GetProperty("tally"))).ToArray(),
            designs.Select(d => Paired(d.GetProperty("correct_selection_difference"))).ToArray(),
            designs.Select(d => Paired(d.GetProperty("share_above_difference"))).ToArray(),
            e.GetProperty("benchmark_correct").GetInt64())
        {
            Times = calendar ? designs.Select(d => ReadCalendarTally(d.GetProperty("calendar"))).ToArray() : null,
            DurationDifference = calendar ? designs.Select(d => Paired(d.GetProperty("duration_difference"))).ToArray() : null,
            Shorter = calendar ? designs.Select(d => d.GetProperty("shorter").GetInt64()).ToArray() : null,
            Responses = responses,
            ObdDifference = responders ? designs.Select(d => Paired(d.GetProperty("select_obd_difference"))).ToArray() : null,
            UtilityDifference = responders ? designs.Select(d => Paired(d.GetProperty("utility_difference"))).ToArray() : null,
        };
    }

    private static void Paired(Utf8JsonWriter w, string name, PairedSums p)
    {
        w.WriteStartObject(name);
        w.WriteNumber("sum", p.Sum);
        w.WriteString("sum_sq", p.SumSq.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    private static PairedSums Paired(JsonElement e) => new()
    {
        Sum = e.GetProperty("sum").GetInt64(),
        SumSq = Big(e.GetProperty("sum_sq")),
    };

    /// <summary>A non-negative <see cref="Int128"/> written as a decimal string (at most 39 digits).</summary>
    private static Int128 Big(JsonElement e)
    {
        string text = e.GetString() ?? throw new FormatException("a square sum is not a string");
        if (text.Length is 0 or > 39) throw new FormatException($"square sum '{(text.Length > 40 ? text[..40] + "..." : text)}' is not a whole number of at most 39 digits");
        return Int128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FormatException($"square sum '{text}' is not a whole number below 2^127");
    }

    private static void Array(Utf8JsonWriter w, string name, long[] values)
    {
        w.WriteStartArray(name);
        foreach (long v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void Fill(JsonElement e, string name, long[] into)
    {
        var a = e.GetProperty(name);
        if (a.GetArrayLength() != into.Length) throw new FormatException($"{name} has {a.GetArrayLength()} entries, expected {into.Length}");
        int i = 0;
        foreach (var v in a.EnumerateArray()) into[i++] = v.GetInt64();
    }
}
