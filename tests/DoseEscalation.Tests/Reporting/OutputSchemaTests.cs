using System.Text.Json;
using System.Text.RegularExpressions;
using DoseEscalation.Tests.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Reporting;

/// <summary>
/// One output schema (docs/output-schema.md): every name a CSV or JSON writer of simulate, exact,
/// compare, simulate/compare --calendar and sweep uses is one of <see cref="Vocabulary"/>, one name
/// per quantity, and none of the names retired for it comes back. Each writer runs on a small real
/// run with a dose-finding design, one that reads responses (BOIN12) and a timeline, so the
/// efficacy, dose-optimisation and calendar names are written too.
/// </summary>
public partial class OutputSchemaTests
{
    /// <summary>
    /// The canonical names and what each one is, for every writer. Conventions applied before
    /// looking a name up: a trailing <c>_se</c> is the standard error of the name before it (JSON,
    /// sweep); sweep's per-dose columns are NAME_d (d = 1..K); a JSON summary object's fields
    /// (<c>duration</c>, <c>time_to_decision</c>) are PARENT_FIELD, its <c>se</c> that of PARENT_mean;
    /// the settings objects (<c>designs[].options</c>, <c>correct_selection</c>, the top-level
    /// <c>timeline</c>, <c>dose_optimisation.utility</c>) hold the scenario file's keys and are not
    /// walked.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Vocabulary = new Dictionary<string, string>
    {
        // Run and row identity.
        ["tool"] = "the tool's name (JSON)",
        ["version"] = "the version of the tool that wrote the output",
        ["engine"] = "the engine: monte-carlo, exact or calendar",
        ["trials"] = "simulated trials per scenario",
        ["seed"] = "the random seed",
        ["random_numbers"] = "how compare shares random numbers between designs (JSON)",
        ["trial"] = "the trial's name (JSON)",
        ["target"] = "the target DLT rate (JSON)",
        ["correct_selection"] = "the rule counting a selection as correct (JSON object)",
        ["doses"] = "the dose labels with doses (JSON)",
        ["designs"] = "the designs of the run, or of a scenario in compare (JSON array)",
        ["scenarios"] = "the scenarios (JSON array)",
        ["label"] = "a design's label inside its designs[] object (JSON)",
        ["name"] = "the name of the object it is in: a design's name in designs[], a scenario's name in scenarios[] (JSON)",
        ["options"] = "every option of a design, resolved (JSON object)",
        ["design"] = "the design's label (a row's design; compare's per-scenario designs[])",
        ["design_name"] = "the design's name (3+3, boin, ...)",
        ["design_options"] = "every option of the design, resolved, as text",
        ["design_description"] = "the design and its options in words",
        ["scenario"] = "the scenario's name (CSV)",
        ["scenario_source"] = "where a sweep scenario comes from (listed or generated)",
        ["cell"] = "a sweep cell's index",
        ["timeline"] = "the timeline: its settings (JSON), its name (sweep)",
        ["max_n"] = "the maximum sample size of a sweep cell; in compare's CSV, each design's, written only when the designs' differ",
        ["notes"] = "statements the run makes about itself: designs at different maximum N, a backfill design run without calendar time (JSON, only when there are any)",
        ["cohort_size"] = "the cohort size of a sweep cell",
        // The tidy CSV's columns.
        ["dose_index"] = "the dose's number, 1..K, of a per-dose row",
        ["dose_label"] = "the dose's label, of a per-dose row",
        ["quantity"] = "what a tidy row measures",
        ["n"] = "the sample size, or r, a tidy row is indexed by",
        ["value"] = "a tidy row's estimate",
        ["se"] = "a tidy row's standard error",
        // The scenario's truth.
        ["dlt"] = "true DLT probability per dose",
        ["response"] = "true response probability per dose",
        ["true_mtd"] = "the true MTD, 1-based (0 or null: none)",
        ["true_obd"] = "the true optimal biological dose, 1-based (0 or null: none)",
        ["true_utility"] = "true expected utility per dose",
        ["association"] = "the joint (DLT, response) model's kind",
        ["gumbel_rho"] = "the Gumbel association parameter",
        ["gaussian_rho"] = "the Gaussian association parameter",
        ["cells"] = "the four joint (DLT, response) probabilities per dose",
        // Selection.
        ["selection"] = "P(select dose d) (JSON arrays: index 0 = no dose)",
        ["selection_ci_lower"] = "P(select dose d), lower 95% limit",
        ["selection_ci_upper"] = "P(select dose d), upper 95% limit",
        ["p_select_no_dose"] = "P(no dose selected)",
        ["p_correct_selection"] = "P(correct selection)",
        ["p_select_above_mtd"] = "P(select a dose above the true MTD)",
        ["p_select_below_mtd"] = "P(select a dose below the true MTD, or no dose when a true MTD exists)",
        ["p_top_dose_cleared"] = "P(the highest dose was selected)",
        ["p_select_untried"] = "P(the selected MTD is a dose at which no patient was treated)",
        ["p_select_obd"] = "P(select the true OBD)",
        ["utility_of_selected"] = "expected true utility of the selected dose",
        // Allocation and toxicity.
        ["mean_patients"] = "mean patients treated per dose",
        ["mean_dlts"] = "mean DLTs per dose",
        ["mean_n"] = "mean total sample size",
        ["mean_total_dlts"] = "mean total DLTs",
        ["n_distribution"] = "P(N = n)",
        ["n_cumulative"] = "P(N <= n)",
        ["dlt_total_distribution"] = "P(total DLTs = x)",
        ["share_patients_at_mtd"] = "share of patients at the true MTD",
        ["share_patients_above_mtd"] = "share of patients above the true MTD",
        ["p_any_patient_above_mtd"] = "P(at least one patient above the true MTD)",
        ["p_60pct_patients_above_mtd"] = "P(at least 60% of patients above the true MTD)",
        // Efficacy.
        ["efficacy"] = "the efficacy quantities of a scenario (JSON object)",
        ["dose_optimisation"] = "the dose-optimisation quantities of a scenario (JSON object)",
        ["utility"] = "the outcome utilities (JSON object)",
        ["mean_responders"] = "mean responders per dose",
        ["mean_total_responders"] = "mean total responders",
        ["mean_responders_at_selected"] = "mean responders at the selected dose",
        ["p_at_least_r_responses_at_selected"] = "P(at least r responses at the selected dose)",
        // Exact only.
        ["total_probability"] = "sum of the exact engine's terminal probabilities",
        ["state_count"] = "the exact engine's distinct states",
        // compare.
        ["benchmark_patients"] = "the benchmark's sample size",
        ["benchmark_p_correct_selection"] = "the benchmark's P(correct selection) (JSON)",
        ["p_correct_selection_diff_vs_first"] = "paired difference of P(correct selection) against the first design (probability scale)",
        ["share_patients_above_mtd_diff_vs_first"] = "paired difference of the share above the MTD against the first design (fraction)",
        ["p_select_obd_diff_vs_first"] = "paired difference of P(select the OBD) against the first design (probability scale)",
        ["utility_of_selected_diff_vs_first"] = "paired difference of the utility of the selected dose against the first design (utility points)",
        // Calendar.
        ["calendar"] = "the calendar quantities of a scenario (JSON object)",
        ["duration"] = "trial duration summary (JSON object, days)",
        ["duration_mean"] = "mean trial duration, days",
        ["duration_sd"] = "SD of trial duration, days",
        ["duration_median"] = "median trial duration, days",
        ["duration_p10"] = "10th percentile of trial duration, days",
        ["duration_p90"] = "90th percentile of trial duration, days",
        ["duration_trials_by_day"] = "trials ending on each day (JSON)",
        ["time_to_decision"] = "time to the MTD decision summary (JSON object, days)",
        ["time_to_decision_mean"] = "mean time to the MTD decision, days",
        ["time_to_decision_sd"] = "SD of the time to the MTD decision, days",
        ["time_to_decision_median"] = "median time to the MTD decision, days",
        ["time_to_decision_p10"] = "10th percentile of the time to the MTD decision, days",
        ["time_to_decision_p90"] = "90th percentile of the time to the MTD decision, days",
        ["time_to_decision_trials_by_day"] = "trials deciding on each day (JSON)",
        ["mean_enrolled"] = "mean patients enrolled",
        ["mean_non_evaluable"] = "mean non-evaluable patients",
        ["mean_lost"] = "mean arrivals lost past the waiting limit",
        ["mean_waited"] = "mean enrolled patients who waited for a slot",
        ["mean_wait_days"] = "mean days waited per enrolled patient",
        ["mean_backfilled"] = "mean patients treated at a backfill dose",
        ["duration_mean_diff_vs_first"] = "paired mean difference in duration against the first design, days",
        ["p_shorter_than_first"] = "share of trials finishing strictly earlier than the first design",
    };

    /// <summary>Names retired for one output schema, old -> new; none may come back in any writer.</summary>
    public static readonly IReadOnlyDictionary<string, string> Retired = new Dictionary<string, string>
    {
        ["p_select"] = "selection", ["true_dlt"] = "dlt", ["true_response"] = "response", ["obd_dose"] = "true_obd", ["obd"] = "true_obd",
        ["total_mean_patients"] = "mean_n", ["total_mean_dlts"] = "mean_total_dlts", ["total_mean_responders"] = "mean_total_responders",
        ["p_n_eq"] = "n_distribution", ["p_n_le"] = "n_cumulative", ["tool_version"] = "version",
        ["p_no_dose"] = "p_select_no_dose", ["p_no_selection"] = "p_select_no_dose",
        ["duration_difference_vs_first"] = "duration_mean_diff_vs_first", ["p_shorter"] = "p_shorter_than_first",
        ["decision_mean"] = "time_to_decision_mean", ["decision_sd"] = "time_to_decision_sd", ["decision_median"] = "time_to_decision_median",
        ["decision_p10"] = "time_to_decision_p10", ["decision_p90"] = "time_to_decision_p90",
        ["enrolled_mean"] = "mean_enrolled", ["non_evaluable_mean"] = "mean_non_evaluable", ["lost_mean"] = "mean_lost",
        ["waited_mean"] = "mean_waited", ["wait_days_mean"] = "mean_wait_days", ["utility_selected"] = "utility_of_selected",
    };

    private const string File = """
        trial:
          name: Schema check
          dlt_window_days: 28
        doses:
          - label: DL1
          - label: DL2
          - label: DL3
        target: 0.30
        max_n: 12
        designs:
          - name: boin12
            target_e: 0.25
          - name: boin
          - name: 3+3
        scenarios:
          - name: plateau
            dlt: [0.05, 0.10, 0.25]
            response: [0.30, 0.55, 0.58]
          - name: toxic
            dlt: [0.45, 0.55, 0.70]
            response: [0.25, 0.45, 0.55]
        timeline:
          accrual_rate_per_month: 2
          response_days: 56
        """;

    private const string Grid = """
        doses: 3
        target: 0.30
        trials: 200
        seed: 5
        batch_size: 100
        designs:
          - boin12
          - boin
        scenarios:
          - name: rising
            dlt: [0.05, 0.15, 0.35]
            response: [0.2, 0.45, 0.5]
        timelines:
          - name: monthly
            accrual_rate_per_month: 3
            dlt_window_days: 28
            response_days: 56
        """;

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlySet<string>>> Written = new(WriteAll);

    /// <summary>Every writer's names, by writer.</summary>
    private static IReadOnlyDictionary<string, IReadOnlySet<string>> WriteAll()
    {
        string dir = Directory.CreateTempSubdirectory("de-schema").FullName;
        string file = Path.Combine(dir, "schema.yaml");
        System.IO.File.WriteAllText(file, File);
        string[] mc = ["--trials", "200", "--seed", "1"];
        var names = new Dictionary<string, IReadOnlySet<string>>
        {
            ["simulate csv"] = TidyNames(Run(["simulate", file, "--design", "boin12", .. mc, "--format", "csv"])),
            ["simulate json"] = JsonNames(Run(["simulate", file, "--design", "boin12", .. mc, "--format", "json"])),
            ["exact csv"] = TidyNames(Run(["exact", file, "--design", "3+3", "--format", "csv"])),
            ["exact json"] = JsonNames(Run(["exact", file, "--design", "3+3", "--format", "json"])),
            ["compare csv"] = TidyNames(Run(["compare", file, .. mc, "--format", "csv"])),
            ["compare json"] = JsonNames(Run(["compare", file, .. mc, "--format", "json"])),
            ["simulate --calendar csv"] = TidyNames(Run(["simulate", file, "--design", "boin12", "--calendar", .. mc, "--format", "csv"])),
            ["simulate --calendar json"] = JsonNames(Run(["simulate", file, "--design", "boin12", "--calendar", .. mc, "--format", "json"])),
            ["compare --calendar csv"] = TidyNames(Run(["compare", file, "--calendar", .. mc, "--format", "csv"])),
            ["compare --calendar json"] = JsonNames(Run(["compare", file, "--calendar", .. mc, "--format", "json"])),
        };
        string grid = Path.Combine(dir, "grid.yaml");
        System.IO.File.WriteAllText(grid, Grid);
        string table = Path.Combine(dir, "sweep.csv");
        Run(["sweep", grid, "--out", table, "--quiet"]);
        names["sweep csv"] = SweepNames(System.IO.File.ReadAllText(table));
        return names;
    }

    private static string Run(string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.True(CliEntry.Run(args, o, e) == 0, string.Join(' ', args) + ": " + e);
        return o.ToString();
    }

    /// <summary>The tidy CSV's header and every quantity it writes.</summary>
    private static HashSet<string> TidyNames(string csv)
    {
        var rows = CsvTests.Parse(csv);
        int q = rows[0].IndexOf("quantity");
        Assert.True(q >= 0);
        return [.. rows[0], .. rows.Skip(1).Select(r => r[q])];
    }

    [GeneratedRegex("^(.+)_[0-9]+$")]
    private static partial Regex PerDose();

    private static HashSet<string> SweepNames(string csv) =>
        [.. CsvTests.Parse(csv)[0].Select(c => PerDose().Match(c) is { Success: true } m && Vocabulary.ContainsKey(m.Groups[1].Value) ? m.Groups[1].Value : c).Select(Base)];

    private static readonly HashSet<string> Settings = ["options", "correct_selection", "utility"];
    private static readonly HashSet<string> Summaries = ["duration", "time_to_decision"];

    private static HashSet<string> JsonNames(string json)
    {
        var names = new HashSet<string>();
        void Walk(JsonElement e, bool top)
        {
            if (e.ValueKind == JsonValueKind.Array) { foreach (var x in e.EnumerateArray()) Walk(x, false); return; }
            if (e.ValueKind != JsonValueKind.Object) return;
            foreach (var p in e.EnumerateObject())
            {
                names.Add(Base(p.Name));
                if (Settings.Contains(p.Name) || (top && p.Name == "timeline")) continue;
                if (Summaries.Contains(p.Name) && p.Value.ValueKind == JsonValueKind.Object)
                {
                    foreach (var f in p.Value.EnumerateObject()) if (f.Name != "se") names.Add($"{p.Name}_{f.Name}");
                    continue;
                }
                Walk(p.Value, false);
            }
        }
        using var doc = JsonDocument.Parse(json);
        Walk(doc.RootElement, true);
        return names;
    }

    // NAME_se is the standard error of NAME.
    private static string Base(string name) => name.EndsWith("_se", StringComparison.Ordinal) && Vocabulary.ContainsKey(name[..^3]) ? name[..^3] : name;

    public static TheoryData<string> Writers() =>
        ["simulate csv", "simulate json", "exact csv", "exact json", "compare csv", "compare json", "simulate --calendar csv",
         "simulate --calendar json", "compare --calendar csv", "compare --calendar json", "sweep csv"];

    [Theory]
    [MemberData(nameof(Writers))]
    public void Every_name_a_writer_uses_is_canonical(string writer)
    {
        var names = Written.Value[writer];
        Assert.NotEmpty(names);
        var retired = names.Where(Retired.ContainsKey).Select(n => $"{n} (now {Retired[n]})").ToList();
        Assert.True(retired.Count == 0, $"{writer} writes retired names: {string.Join(", ", retired)}");
        var unknown = names.Where(n => !Vocabulary.ContainsKey(n)).Order().ToList();
        Assert.True(unknown.Count == 0, $"{writer} writes names outside the vocabulary (add them to Vocabulary and docs/output-schema.md, or use the canonical name): {string.Join(", ", unknown)}");
    }

    [Fact]
    public void The_quantities_shared_between_writers_are_written_under_one_name()
    {
        // The quantities every OC writer has, and those of each family, appear under their one name.
        string[] everywhere = ["p_correct_selection", "mean_n", "mean_total_dlts"];
        Assert.All(Written.Value, w => Assert.All(everywhere, n => Assert.True(w.Value.Contains(n), $"{w.Key} lacks {n}")));
        string[] ocWriters = ["simulate csv", "simulate json", "exact csv", "exact json", "compare csv", "compare json", "sweep csv", "compare --calendar csv"];
        string[] oc = ["selection", "p_select_no_dose", "p_select_above_mtd", "p_select_below_mtd", "p_select_untried", "share_patients_at_mtd", "share_patients_above_mtd", "dlt", "true_mtd", "mean_patients"];
        foreach (var w in ocWriters)
            foreach (var n in oc)
                Assert.True(Written.Value[w].Contains(n), $"{w} lacks {n}");
        foreach (var w in new[] { "simulate csv", "simulate json", "compare csv", "compare json", "sweep csv", "compare --calendar csv" })
            foreach (var n in new[] { "p_select_obd", "utility_of_selected" })
                Assert.True(Written.Value[w].Contains(n), $"{w} lacks {n}");
        foreach (var w in new[] { "simulate --calendar csv", "simulate --calendar json", "sweep csv", "compare --calendar csv" })
            foreach (var n in new[] { "duration_mean", "time_to_decision_p90", "mean_enrolled", "mean_lost", "mean_wait_days" })
                Assert.True(Written.Value[w].Contains(n), $"{w} lacks {n}");
        foreach (var w in new[] { "compare --calendar csv", "compare --calendar json" })
            foreach (var n in new[] { "duration_mean_diff_vs_first", "p_shorter_than_first", "mean_lost", "p_select_untried" })
                Assert.True(Written.Value[w].Contains(n), $"{w} lacks {n}");
        foreach (var w in new[] { "compare csv", "compare json" })
            foreach (var n in new[] { "p_correct_selection_diff_vs_first", "share_patients_above_mtd_diff_vs_first", "p_select_obd_diff_vs_first", "utility_of_selected_diff_vs_first" })
                Assert.True(Written.Value[w].Contains(n), $"{w} lacks {n}");
    }

    [Fact]
    public void The_vocabulary_has_one_name_per_quantity_and_the_doc_lists_it()
    {
        var meanings = Vocabulary.GroupBy(v => v.Value).Where(g => g.Count() > 1).Select(g => string.Join(" = ", g.Select(v => v.Key))).ToList();
        Assert.True(meanings.Count == 0, "two names for one quantity: " + string.Join("; ", meanings));
        Assert.DoesNotContain(Retired.Keys, Vocabulary.ContainsKey);
        Assert.All(Retired.Values, n => Assert.True(Vocabulary.ContainsKey(n), n));
        string doc = System.IO.File.ReadAllText(Path.Combine(Repo.Root, "docs", "output-schema.md"));
        Assert.All(Vocabulary.Keys, n => Assert.True(doc.Contains($"`{n}`"), $"docs/output-schema.md does not list `{n}`"));
        Assert.All(Retired, r => Assert.True(doc.Contains($"`{r.Key}`"), $"docs/output-schema.md does not list the retired `{r.Key}`"));
    }
}
