using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Engines.Response;

namespace DoseEscalation.Sharding;

/// <summary>
/// What every set of counters read back from a part or a state file must satisfy before it is
/// added or turned into results: shapes in range, no negative count, and the identities that tie
/// the counters of one set of trials together (every trial selects once and has one N, the sums
/// of N and N^2 agree with N's distribution, and so on). A damaged or edited file breaks at least
/// one of them; each failure is a <see cref="FormatException"/> naming the counter.
/// </summary>
internal static class CounterChecks
{
    /// <summary>Far above any honest square sum (10^12 trials of 10^9 ticks squared is 2^80), far below where sums of parts could wrap.</summary>
    private static readonly Int128 MaxSquareSum = Int128.One << 100;

    public static void Check(OcTally<long> t)
    {
        if (t.DoseCount is < 1 or > ResourceGuard.MaxDoses) throw Bad($"doses {t.DoseCount} is not in 1..{ResourceGuard.MaxDoses}");
        if (t.MaxPatients is < 1 or > ResourceGuard.MaxPatients) throw Bad($"max_patients {t.MaxPatients} is not in 1..{ResourceGuard.MaxPatients}");
        if (t.TrueMtdLevel < -1 || t.TrueMtdLevel >= t.DoseCount) throw Bad($"true_mtd_level {t.TrueMtdLevel} is not a dose level (-1..{t.DoseCount - 1})");
        long w = t.Weight;
        if (w < 0 || w > ResourceGuard.MaxTrials) throw Bad($"weight {w} is not a number of trials (0..{ResourceGuard.MaxTrials})");
        NonNegative("selection", t.Selection); NonNegative("patients_sum", t.PatientsSum); NonNegative("patients_sq", t.PatientsSq);
        NonNegative("dlts_sum", t.DltsSum); NonNegative("dlts_sq", t.DltsSq);
        NonNegative("n_distribution", t.NDistribution); NonNegative("dlt_total_distribution", t.DltTotalDistribution);
        NonNegative(("above_sum", t.AboveSum), ("above_sq", t.AboveSq), ("above_times_n", t.AboveTimesN), ("at_sum", t.AtSum), ("at_sq", t.AtSq), ("at_times_n", t.AtTimesN), ("any_above", t.AnyAbove), ("above_60", t.Above60), ("n_sq", t.NSq), ("selected_untried", t.SelectedUntried));
        if (t.SelectedPatients is { } sp) NonNegative("selected_patients", sp);
        if (t.PatientsCross is { } pc) NonNegative("patients_cross", pc);
        // Every trial selects once (or no dose) and ends with one N and one DLT total.
        Equal("the selection counts", Sum(t.Selection), w);
        Equal("n_distribution", Sum(t.NDistribution), w);
        Equal("dlt_total_distribution", Sum(t.DltTotalDistribution), w);
        Int128 n = 0, n2 = 0, k = 0;
        for (int i = 0; i < t.NDistribution.Length; i++) { n += (Int128)i * t.NDistribution[i]; n2 += (Int128)i * i * t.NDistribution[i]; }
        for (int i = 0; i < t.DltTotalDistribution.Length; i++) k += (Int128)i * t.DltTotalDistribution[i];
        Equal("patients_sum (over doses)", Sum(t.PatientsSum), n, "the sum of N over n_distribution");
        Equal("n_sq", t.NSq, n2, "the sum of N^2 over n_distribution");
        Equal("dlts_sum (over doses)", Sum(t.DltsSum), k, "the sum over dlt_total_distribution");
        for (int d = 0; d < t.DoseCount; d++)
        {
            // Whole counts: n^2 >= n per trial, and no more DLTs than patients.
            if (t.PatientsSq[d] < t.PatientsSum[d]) throw Bad($"patients_sq[{d}] {t.PatientsSq[d]} is below patients_sum[{d}] {t.PatientsSum[d]}");
            if (t.DltsSum[d] > t.PatientsSum[d]) throw Bad($"dlts_sum[{d}] {t.DltsSum[d]} exceeds patients_sum[{d}] {t.PatientsSum[d]}");
        }
        if (t.AnyAbove > w || t.Above60 > t.AnyAbove) throw Bad($"any_above {t.AnyAbove} and above_60 {t.Above60} do not fit {w} trials (above_60 <= any_above <= trials)");
        if (t.AboveSum > n || t.AtSum > n) throw Bad($"above_sum {t.AboveSum} or at_sum {t.AtSum} exceeds the {n} patients treated");
        if (t.SelectedPatients is { } selected) Equal("selected_patients", Sum(selected), w - t.Selection[0], "the trials that selected a dose");
        // A trial that selected an untried dose selected a dose.
        if (t.SelectedUntried > w - t.Selection[0]) throw Bad($"selected_untried {t.SelectedUntried} exceeds the {w - t.Selection[0]} trials that selected a dose");
        // With the efficacy counters, the trials that selected a dose with 0 patients there are counted twice: they must agree.
        if (t.SelectedPatients is { } cells)
        {
            long none = 0;
            for (int d = 0; d < t.DoseCount; d++) none += cells[d * (t.MaxPatients + 1)];
            if (t.SelectedUntried != none) throw Bad($"selected_untried {t.SelectedUntried} is not the {none} trials selected_patients counts with 0 patients at the selected dose");
        }
    }

    public static void Check(ResponseTally<long> t)
    {
        NonNegative("responders_sum", t.RespondersSum); NonNegative("responders_sq", t.RespondersSq);
        NonNegative(("total_sum", t.TotalSum), ("total_sq", t.TotalSq), ("at_selected_sum", t.AtSelectedSum), ("at_selected_sq", t.AtSelectedSq));
        NonNegative("at_selected_distribution", t.AtSelectedDistribution);
        Equal("responders_sum (over doses)", Sum(t.RespondersSum), t.TotalSum, "total_sum");
        for (int d = 0; d < t.Oc.DoseCount; d++)
            if (t.RespondersSum[d] > t.Oc.PatientsSum[d]) throw Bad($"responders_sum[{d}] {t.RespondersSum[d]} exceeds patients_sum[{d}] {t.Oc.PatientsSum[d]}");
    }

    public static void Check(CalendarTally t)
    {
        long w = t.Oc.Weight;
        NonNegative("duration_days", t.DurationDays); NonNegative("decision_days", t.DecisionDays);
        NonNegative(("duration_ticks", t.DurationTicks), ("decision_ticks", t.DecisionTicks), ("enrolled", t.Enrolled), ("non_evaluable", t.NonEvaluable), ("lost", t.Lost), ("waited", t.Waited), ("wait_ticks", t.WaitTicks), ("backfilled", t.Backfilled));
        Equal("duration_days", Sum(t.DurationDays), w);
        Equal("decision_days", Sum(t.DecisionDays), w);
        Square("duration_sq", t.DurationSq, t.DurationTicks, w);
        Square("decision_sq", t.DecisionSq, t.DecisionTicks, w);
        if (t.NonEvaluable > t.Enrolled || t.Waited > t.Enrolled) throw Bad($"non_evaluable {t.NonEvaluable} or waited {t.Waited} exceeds enrolled {t.Enrolled}");
    }

    public static void Check(ComparisonCounts c)
    {
        if (c.Tallies.Length == 0) throw Bad("a comparison of no designs");
        long w = c.Tallies[0].Weight;
        foreach (var t in c.Tallies)
            if (t.Weight != w) throw Bad($"the designs' counters count {t.Weight} and {w} trials; paired designs count the same trials");
        if (c.BenchmarkCorrect < 0 || c.BenchmarkCorrect > w) throw Bad($"benchmark_correct {c.BenchmarkCorrect} is not in 0..{w}");
        foreach (var p in c.CorrectSelectionDifference) Paired("correct_selection_difference", p, w, 1);
        foreach (var p in c.ShareAboveDifference) Paired("share_above_difference", p, w, null);
        foreach (var p in c.DurationDifference ?? []) Paired("duration_difference", p, w, null);
        foreach (var p in c.ObdDifference ?? []) Paired("select_obd_difference", p, w, 1);
        foreach (var p in c.UtilityDifference ?? []) Paired("utility_difference", p, w, null);
        foreach (var s in c.Shorter ?? []) if (s < 0 || s > w) throw Bad($"shorter {s} is not in 0..{w}");
        foreach (var t in c.Times ?? []) if (t.Oc.Weight != w) throw Bad($"a calendar tally counts {t.Oc.Weight} trials, not {w}");
    }

    /// <summary>A paired difference's sums: sum^2 &lt;= n sum_sq (Cauchy-Schwarz), and |sum| &lt;= sum_sq when each difference is a whole number in -1..1.</summary>
    private static void Paired(string name, PairedSums p, long n, int? unit)
    {
        if (p.SumSq < 0 || p.SumSq > MaxSquareSum) throw Bad($"{name}.sum_sq {p.SumSq} is out of range");
        if ((Int128)p.Sum * p.Sum > p.SumSq * n) throw Bad($"{name}: sum {p.Sum} and sum_sq {p.SumSq} cannot come from {n} trials");
        if (unit is not null && (Int128)Math.Abs(p.Sum) > p.SumSq) throw Bad($"{name}: sum {p.Sum} exceeds sum_sq {p.SumSq} for differences of -1, 0 or 1");
    }

    private static void Square(string name, Int128 sq, long sum, long n)
    {
        if (sq < 0 || sq > MaxSquareSum) throw Bad($"{name} {sq} is out of range");
        if ((Int128)sum * sum > sq * n) throw Bad($"{name} {sq} is too small for a sum of {sum} over {n} trials");
    }

    private static Int128 Sum(long[] values)
    {
        Int128 s = 0;
        foreach (var v in values) s += v;
        return s;
    }

    private static void Equal(string what, Int128 value, Int128 expected, string? against = null)
    {
        if (value != expected) throw Bad($"{what} add up to {value}, not {(against is null ? "the" : against + ",")} {expected}{(against is null ? " trials" : "")}");
    }

    private static void NonNegative(string name, long[] values)
    {
        for (int i = 0; i < values.Length; i++)
            if (values[i] < 0) throw Bad($"{name}[{i}] is negative ({values[i]})");
    }

    private static void NonNegative(params (string Name, long Value)[] values)
    {
        foreach (var (name, value) in values)
            if (value < 0) throw Bad($"{name} is negative ({value})");
    }

    private static FormatException Bad(string problem) => new(problem);
}
