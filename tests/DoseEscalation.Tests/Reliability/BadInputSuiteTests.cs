using static DoseEscalation.Tests.Reliability.CliHarness;

namespace DoseEscalation.Tests.Reliability;

/// <summary>
/// The bad-input promise over every verb and the scenario format: each bad case exits non-zero with
/// exactly one line on standard error that names the offending input, no stack trace and no output
/// file; its valid twin (the same command with the input corrected) succeeds and writes its output.
/// Assertions are on the exit code, the line count and the offending token, not on wording.
/// Option parsing itself (missing values, unknown or repeated options) is tested with the parser.
/// </summary>
public class BadInputSuiteTests
{
    /// <summary>One case: the verb, its bad arguments, the token the error must name, and the corrected arguments.</summary>
    public sealed record Case(string Verb, string[] Bad, string Token, string[] Good, string? Yaml = null, string? GoodYaml = null);

    /// <summary>A valid scenario file, with one place each mutation edits.</summary>
    internal const string BaseYaml = """
        trial:
          name: Suite trial
        doses: [DL1, DL2, DL3]
        design:
          name: 3+3
        target: 0.30
        scenarios:
          - name: middle
            dlt: [0.05, 0.20, 0.45]
          - name: low
            dlt: [0.02, 0.05, 0.10]
        simulation:
          trials: 200
          seed: 5
        """;

    private static string Edit(string from, string to)
    {
        Assert.Contains(from, BaseYaml);
        return BaseYaml.Replace(from, to);
    }

    /// <summary>The option-value cases shared by every verb that reads a scenario (--dlt, design options, FILE, --out).</summary>
    private static IEnumerable<(string Name, string[] Bad, string Token, string[] Good)> InputCases()
    {
        string doses101 = string.Join(',', Enumerable.Repeat("0.1", 101));
        string doses30 = string.Join(',', Enumerable.Range(1, 30).Select(i => (i / 31.0).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)));
        yield return ("dlt-word", ["--dlt", "0.1,abc"], "abc", ["--dlt", "0.1,0.2"]);
        yield return ("dlt-above-1", ["--dlt", "0,1.0001"], "1.0001", ["--dlt", "0,1"]);
        yield return ("dlt-negative", ["--dlt", "0.1,-0.2"], "-0.2", ["--dlt", "0.1,0.2"]);
        yield return ("dlt-nan", ["--dlt", "0.1,NaN"], "NaN", ["--dlt", "0.1,0.5"]);
        yield return ("dlt-infinity", ["--dlt", "0.1,Infinity"], "Infinity", ["--dlt", "0.1,0.9"]);
        yield return ("dlt-empty-item", ["--dlt", "0.1,,0.2"], "--dlt", ["--dlt", "0.1,0.2"]);
        yield return ("dlt-empty", ["--dlt", ""], "--dlt", ["--dlt", "0.3"]);
        yield return ("dlt-101-doses", ["--dlt", doses101], "--dlt", ["--dlt", doses30]);
        yield return ("target-0", ["--dlt", "0.1,0.2", "--target", "0"], "--target", ["--dlt", "0.1,0.2", "--target", "0.25"]);
        yield return ("target-1", ["--dlt", "0.1,0.2", "--target", "1"], "--target", ["--dlt", "0.1,0.2", "--target", "0.33"]);
        yield return ("target-negative", ["--dlt", "0.1,0.2", "--target", "-0.1"], "--target", ["--dlt", "0.1,0.2", "--target", "0.2"]);
        yield return ("target-nan", ["--dlt", "0.1,0.2", "--target", "NaN"], "--target", ["--dlt", "0.1,0.2", "--target", "0.3"]);
        yield return ("start-dose-0", ["--dlt", "0.1,0.2,0.3", "--start-dose", "0"], "start", ["--dlt", "0.1,0.2,0.3", "--start-dose", "1"]);
        yield return ("start-dose-past-top", ["--dlt", "0.1,0.2,0.3", "--start-dose", "4"], "start", ["--dlt", "0.1,0.2,0.3", "--start-dose", "3"]);
        yield return ("design-unknown", ["--dlt", "0.1,0.2", "--design", "nosuch"], "nosuch", ["--dlt", "0.1,0.2", "--design", "boin"]);
        yield return ("cohort-size-0", ["--dlt", "0.1,0.2", "--design", "boin", "--cohort-size", "0"], "cohort", ["--dlt", "0.1,0.2", "--design", "boin", "--cohort-size", "1"]);
        yield return ("max-n-0", ["--dlt", "0.1,0.2", "--design", "mtpi2", "--max-n", "0"], "max", ["--dlt", "0.1,0.2", "--design", "mtpi2", "--max-n", "6"]);
        yield return ("max-n-huge", ["--dlt", "0.1,0.2", "--design", "keyboard", "--max-n", "100000"], "100000", ["--dlt", "0.1,0.2", "--design", "keyboard", "--max-n", "9"]);
        yield return ("n-earlystop-0", ["--dlt", "0.1,0.2", "--design", "boin", "--n-earlystop", "0"], "earlystop", ["--dlt", "0.1,0.2", "--design", "boin", "--n-earlystop", "9"]);
        yield return ("cutoff-eli-1.5", ["--dlt", "0.1,0.2", "--design", "boin", "--cutoff-eli", "1.5"], "cutoff", ["--dlt", "0.1,0.2", "--design", "boin", "--cutoff-eli", "0.9"]);
        yield return ("skeleton-short", ["--dlt", "0.1,0.2,0.3", "--design", "crm", "--max-n", "6", "--skeleton", "0.1,0.2"], "skeleton", ["--dlt", "0.1,0.2,0.3", "--design", "crm", "--max-n", "6", "--skeleton", "0.1,0.2,0.3"]);
        yield return ("skeleton-decreasing", ["--dlt", "0.1,0.2,0.3", "--design", "crm", "--max-n", "6", "--skeleton", "0.3,0.2,0.1"], "skeleton", ["--dlt", "0.1,0.2,0.3", "--design", "crm", "--max-n", "6", "--skeleton", "0.1,0.25,0.4"]);
        yield return ("skeleton-word", ["--dlt", "0.1,0.2", "--design", "crm", "--max-n", "6", "--skeleton", "0.1,x"], "x", ["--dlt", "0.1,0.2", "--design", "crm", "--max-n", "6", "--skeleton", "0.1,0.3"]);
        yield return ("crm-model", ["--dlt", "0.1,0.2", "--design", "crm", "--max-n", "6", "--model", "quadratic"], "quadratic", ["--dlt", "0.1,0.2", "--design", "crm", "--max-n", "6", "--model", "logistic"]);
        yield return ("ab-c-zero", ["--dlt", "0.1,0.2", "--design", "a+b", "--c", "0"], "--c", ["--dlt", "0.1,0.2", "--design", "a+b", "--c", "1"]);
        yield return ("ab-c-above-a", ["--dlt", "0.1,0.2", "--design", "a+b", "--c", "5", "--d", "5", "--e", "5"], "5", ["--dlt", "0.1,0.2", "--design", "a+b", "--c", "1", "--d", "2", "--e", "2"]);
        yield return ("option-design-does-not-take", ["--dlt", "0.1,0.2", "--design", "3+3", "--cohort-size", "2"], "cohort", ["--dlt", "0.1,0.2", "--design", "3+3"]);
        yield return ("crm-200-doses", ["--dlt", string.Join(',', Enumerable.Repeat("0.2", 200)), "--design", "crm", "--max-n", "6"], "--dlt", ["--dlt", "0.1,0.3", "--design", "crm", "--max-n", "6"]);
        yield return ("file-missing", ["/no/such/dir/scenario.yaml"], "/no/such/dir/scenario.yaml", ["--dlt", "0.1,0.2"]);
        yield return ("file-and-dlt-count", ["{FILE}", "--dlt", "0.1,0.2"], "--dlt", ["{FILE}", "--dlt", "0.1,0.2,0.3"]);
        yield return ("out-folder-missing", ["--dlt", "0.1,0.2", "--out", "/no/such/folder/out.txt"], "/no/such/folder", ["--dlt", "0.1,0.2"]);
        yield return ("out-empty", ["--dlt", "0.1,0.2", "--out", ""], "--out", ["--dlt", "0.1,0.2"]);
    }

    /// <summary>Scenario-file mutations (run through the verbs that read files), each with the field the error must name.</summary>
    internal static IEnumerable<(string Name, string Yaml, string Token)> YamlCases()
    {
        yield return ("yaml-target-0", Edit("target: 0.30", "target: 0"), "target");
        yield return ("yaml-target-1", Edit("target: 0.30", "target: 1"), "target");
        yield return ("yaml-target-empty", Edit("target: 0.30", "target:"), "target");
        yield return ("yaml-target-quoted-empty", Edit("target: 0.30", "target: \"\""), "target");
        yield return ("yaml-target-word", Edit("target: 0.30", "target: thirty"), "target");
        yield return ("yaml-doses-empty", Edit("doses: [DL1, DL2, DL3]", "doses: []"), "doses");
        yield return ("yaml-doses-101", Edit("doses: [DL1, DL2, DL3]", "doses: [" + string.Join(", ", Enumerable.Range(1, 101).Select(i => $"D{i}")) + "]"), "doses");
        yield return ("yaml-dlt-length", Edit("dlt: [0.05, 0.20, 0.45]", "dlt: [0.05, 0.20]"), "dlt");
        yield return ("yaml-dlt-above-1", Edit("dlt: [0.05, 0.20, 0.45]", "dlt: [0.05, 0.20, 1.45]"), "dlt");
        yield return ("yaml-dlt-negative", Edit("dlt: [0.05, 0.20, 0.45]", "dlt: [-0.05, 0.20, 0.45]"), "dlt");
        yield return ("yaml-dlt-word", Edit("dlt: [0.05, 0.20, 0.45]", "dlt: [0.05, high, 0.45]"), "high");
        yield return ("yaml-scenarios-empty", Edit("scenarios:\n  - name: middle\n    dlt: [0.05, 0.20, 0.45]\n  - name: low\n    dlt: [0.02, 0.05, 0.10]", "scenarios: []"), "scenarios");
        yield return ("yaml-duplicate-scenario", Edit("name: low", "name: middle"), "middle");
        yield return ("yaml-unknown-key", Edit("target: 0.30", "target: 0.30\ntargett: 0.25"), "targett");
        yield return ("yaml-design-unknown", Edit("name: 3+3", "name: 4+4"), "4+4");
        yield return ("yaml-design-foreign-option", Edit("name: 3+3", "name: boin\n  a: 3"), "design.a");
        yield return ("yaml-design-cohort-0", Edit("name: 3+3", "name: boin\n  cohort_size: 0"), "cohort_size");
        yield return ("yaml-design-max-n-5000", Edit("name: 3+3", "name: boin\n  max_n: 5000"), "max_n");
        yield return ("yaml-crm-skeleton", Edit("name: 3+3", "name: crm\n  skeleton: [0.3, 0.2, 0.1]"), "skeleton");
        yield return ("yaml-trials-0", Edit("trials: 200", "trials: 0"), "simulation.trials");
        yield return ("yaml-trials-huge", Edit("trials: 200", "trials: 9223372036854775807"), "simulation.trials");
        yield return ("yaml-trials-past-max", Edit("trials: 200", "trials: 1000000000001"), "simulation.trials");
        yield return ("yaml-seed-negative", Edit("seed: 5", "seed: -1"), "simulation.seed");
        yield return ("yaml-seed-past-64-bits", Edit("seed: 5", "seed: 18446744073709551616"), "simulation.seed");
        yield return ("yaml-protocol-non-evaluable", BaseYaml + "\nprotocol:\n  non_evaluable_rate: 0.95\n", "non_evaluable_rate");
        yield return ("yaml-protocol-planned-n-0", BaseYaml + "\nprotocol:\n  planned_n: 0\n", "planned_n");
        yield return ("yaml-second-document", BaseYaml + "\n---\ntrial: {name: other}\n", "(yaml)");
        yield return ("yaml-malformed", Edit("doses: [DL1, DL2, DL3]", "doses: [DL1, DL2, DL3"), "(yaml)");
        yield return ("yaml-not-a-mapping", "- just\n- a list\n", "(document)");
        yield return ("yaml-empty-file", "", "(document)");
        yield return ("yaml-deep-nesting", BaseYaml + "\nextra: " + new string('[', 5000) + new string(']', 5000) + "\n", "(yaml)");
        yield return ("yaml-alias-bomb", "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n" + BaseYaml, "(yaml)");
        yield return ("yaml-control-character", Edit("name: Suite trial", "name: \"Suite\\u0007trial\""), "trial.name");
        yield return ("yaml-missing-trial", Edit("trial:\n  name: Suite trial\n", ""), "trial");
        yield return ("yaml-design-label-spaces", Edit("name: 3+3", "name: 3+3\n  label: \"   \""), "design.label");
        // Timelines the calendar cannot honour (1/1024-day ticks, bounded waiting lists), refused before any work.
        yield return ("yaml-timeline-rate-tiny", BaseYaml + "\ntimeline:\n  accrual_rate_per_month: 1e-12\n  dlt_window_days: 28\n", "accrual_rate_per_month");
        yield return ("yaml-timeline-interval-tiny", BaseYaml + "\ntimeline:\n  accrual_interval_days: 1e-300\n  max_waiting: 0\n  dlt_window_days: 28\n", "accrual_interval_days");
        yield return ("yaml-timeline-waiting-list", BaseYaml + "\ntimeline:\n  accrual_interval_days: 0.01\n  max_wait_days: 36500\n  dlt_window_days: 28\n", "max_wait_days");
    }

    private static readonly string[] ScenarioVerbs = ["simulate", "exact", "table", "samplesize", "plot", "report"];

    /// <summary>Arguments every run of the verb gets: small and fast, quiet, and its output in the case's folder.</summary>
    private static string[] Extra(string verb, string dir) => verb switch
    {
        "simulate" => ["--quiet", "--out", Path.Combine(dir, "out.txt")],
        "exact" => ["--quiet", "--out", Path.Combine(dir, "out.txt")],
        "table" => ["--quiet", "--out", Path.Combine(dir, "out.txt")],
        "samplesize" => ["--quiet", "--trials", "200", "--out", Path.Combine(dir, "out.txt")],
        "plot" => ["--quiet", "--trials", "200", "--designs", "3+3", "--charts", "selection,samplesize", "--out", Path.Combine(dir, "charts")],
        "report" => ["--quiet", "--trials", "200", "--designs", "3+3", "--out", Path.Combine(dir, "report.html")],
        "compare" => ["--quiet", "--trials", "200", "--out", Path.Combine(dir, "out.txt")],
        "merge" => ["--out", Path.Combine(dir, "out.txt")],
        "sweep" => ["--quiet", "--out", Path.Combine(dir, "out.csv")],
        "next" => ["--quiet", "--out", Path.Combine(dir, "out.txt")],
        _ => [],
    };

    private static string[] WithoutDlt(string[] args)
    {
        var list = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--dlt") { i++; continue; }
            list.Add(args[i]);
        }
        return [.. list];
    }

    private static readonly Dictionary<string, Case> All = Build();

    private static Dictionary<string, Case> Build()
    {
        var all = new Dictionary<string, Case>();
        void Add(string name, Case c) => all.Add(name, c);

        foreach (var verb in ScenarioVerbs)
            foreach (var (name, badArgs, token, goodArgs) in InputCases())
            {
                // table does not run trials, needs a design with a decision table, and takes no --dlt
                // (its doses come from FILE or the built-in file): the --dlt cases are not its own.
                if (verb == "table" && (name.StartsWith("crm", StringComparison.Ordinal) || name.StartsWith("skeleton", StringComparison.Ordinal)
                    || name.StartsWith("dlt", StringComparison.Ordinal) || name.StartsWith("file-and-dlt", StringComparison.Ordinal))) continue;
                // 30 doses: simulated; the exact graph of a 30-dose 3+3 is past the default state limit, so the other verbs get 10.
                string[] bad = badArgs, good = goodArgs;
                if (verb == "table") { bad = WithoutDlt(bad); good = WithoutDlt(good); }
                string[] g = name == "dlt-101-doses" && verb != "simulate" ? ["--dlt", string.Join(',', Enumerable.Repeat("0.1", 10))] : good;
                Add($"{verb} {name}", new Case(verb, bad, token, g, bad.Contains("{FILE}") ? BaseYaml : null));
            }

        foreach (var verb in new[] { "simulate", "exact", "samplesize", "report" })
            foreach (var (name, yaml, token) in YamlCases())
                Add($"{verb} {name}", new Case(verb, ["{FILE}"], token, ["{FILE}"], yaml, BaseYaml));

        // Per-verb values, each beside the value that works (edges: 1 trial, the largest trial count a file may give).
        string[] d = ["--dlt", "0.1,0.2,0.4"];
        Add("simulate trials-0", new("simulate", [.. d, "--trials", "0"], "0", [.. d, "--trials", "1"]));
        Add("simulate trials-negative", new("simulate", [.. d, "--trials", "-5"], "-5", [.. d, "--trials", "1"]));
        Add("simulate trials-past-max", new("simulate", [.. d, "--trials", "1000000000001"], "1000000000001", [.. d, "--trials", "1000"]));
        Add("simulate trials-long-max", new("simulate", [.. d, "--trials", "9223372036854775807"], "9223372036854775807", [.. d, "--trials", "1000"]));
        Add("simulate threads-negative", new("simulate", [.. d, "--threads", "-3"], "-3", [.. d, "--threads", "1"]));
        Add("simulate method", new("simulate", [.. d, "--method", "turbo"], "turbo", [.. d, "--method", "loop"]));
        Add("simulate engine", new("simulate", [.. d, "--engine", "warp"], "warp", [.. d, "--engine", "exact"]));
        Add("simulate trials-200", new("simulate", [.. d, "--trials", "-200"], "-200", [.. d, "--trials", "200"]));
        // With --engine exact the Monte Carlo options are refused even when valid (a usage error); a bad value is named first.
        Add("simulate exact-trials-negative", new("simulate", [.. d, "--engine", "exact", "--trials", "-5"], "-5", [.. d, "--engine", "exact"]));
        Add("simulate exact-threads-negative", new("simulate", [.. d, "--engine", "exact", "--threads", "-3"], "-3", [.. d, "--engine", "exact"]));
        Add("simulate exact-method", new("simulate", [.. d, "--engine", "exact", "--method", "turbo"], "turbo", [.. d, "--engine", "exact"]));
        Add("simulate format", new("simulate", [.. d, "--format", "xml"], "xml", [.. d, "--format", "json"]));
        Add("simulate p-edges", new("simulate", ["--dlt", "0,1,1.01"], "1.01", ["--dlt", "0,1,1"]));
        // An option without its value, followed by another option: named as such, not as a stray argument.
        Add("simulate max-n-no-value", new("simulate", [.. d, "--design", "boin", "--max-n", "--seed", "5"], "--max-n needs a value", [.. d, "--design", "boin", "--max-n", "9", "--seed", "5"]));
        Add("simulate backfill-cap-negative", new("simulate", [.. d, "--design", "bf-boin", "--backfill-cap", "-1"], "-1", [.. d, "--design", "bf-boin", "--backfill-cap", "0"]));
        Add("simulate backfill-dose", new("simulate", [.. d, "--design", "bf-boin", "--backfill-dose", "random"], "random", [.. d, "--design", "bf-boin", "--backfill-dose", "lowest"]));
        Add("simulate three-plus-three-target", new("simulate", [.. d, "--design", "bf-boin", "--three-plus-three"], "three_plus_three", [.. d, "--design", "bf-boin", "--three-plus-three", "--target", "0.25"]));
        Add("exact max-states-0", new("exact", [.. d, "--max-states", "0"], "--max-states", [.. d, "--max-states", "1000"]));
        Add("exact max-states-huge", new("exact", [.. d, "--max-states", "2147483647"], "2147483647", [.. d, "--max-states", "1000000"]));
        Add("exact too-many-states", new("exact", [.. d, "--max-states", "5"], "5", [.. d, "--max-states", "500"]));
        Add("exact paths-0", new("exact", [.. d, "--paths", "0"], "--paths", [.. d, "--paths", "2"]));
        Add("exact paths-json", new("exact", [.. d, "--paths", "2", "--format", "json"], "json", [.. d, "--paths", "2", "--format", "csv"]));
        Add("exact format", new("exact", [.. d, "--format", "yaml"], "yaml", [.. d, "--format", "csv"]));
        Add("exact one-dose", new("exact", ["--dlt", "1.5"], "1.5", ["--dlt", "0.3"]));
        Add("exact trials-largest-file", new("exact", ["{FILE}"], "simulation.trials", ["{FILE}"], Edit("trials: 200", "trials: 1000000000001"), Edit("trials: 200", "trials: 1000000000000")));
        Add("compare designs-empty", new("compare", [.. d, "--designs", ""], "--designs", [.. d, "--designs", "3+3"]));
        Add("compare designs-unknown", new("compare", [.. d, "--designs", "3+3,nosuch"], "nosuch", [.. d, "--designs", "3+3,boin"]));
        Add("compare max-n-0", new("compare", [.. d, "--max-n", "0"], "--max-n", [.. d, "--max-n", "9"]));
        Add("compare cohort-size-0", new("compare", [.. d, "--cohort-size", "0"], "--cohort-size", [.. d, "--cohort-size", "1"]));
        Add("compare trials-0", new("compare", [.. d, "--trials", "0"], "0", [.. d, "--trials", "1"]));
        Add("compare trials-past-max", new("compare", [.. d, "--trials", "9223372036854775807"], "9223372036854775807", [.. d, "--trials", "300"]));
        Add("compare threads-negative", new("compare", [.. d, "--threads", "-1"], "-1", [.. d, "--threads", "2"]));
        Add("compare format", new("compare", [.. d, "--format", "xml"], "xml", [.. d, "--format", "csv"]));
        Add("compare dlt", new("compare", ["--dlt", "0.1,x"], "x", ["--dlt", "0.1,0.9"]));
        Add("compare target", new("compare", [.. d, "--target", "2"], "--target", [.. d, "--target", "0.2"]));
        Add("compare file-missing", new("compare", ["/no/such.yaml"], "/no/such.yaml", ["{FILE}"], null, BaseYaml));
        Add("compare yaml", new("compare", ["{FILE}"], "target", ["{FILE}"], Edit("target: 0.30", "target: 3"), BaseYaml));
        Add("table format", new("table", ["--format", "json"], "json", ["--format", "md"]));
        Add("table rolling-six", new("table", ["--design", "rolling-six"], "rolling-six", ["--design", "boin"]));
        Add("table crm cohorts-5", new("table", ["--design", "crm", "--cohorts", "5"], "--cohorts", ["--design", "crm", "--cohorts", "2"]));
        Add("table boin data", new("table", ["--design", "boin", "--data", "1NNN"], "--data", ["--design", "crm", "--data", "1NNN"]));
        Add("table crm data", new("table", ["--design", "crm", "--data", "1NNN 3NNN"], "--data", ["--design", "crm", "--data", "1NNN 2NNN"]));
        Add("samplesize n-0", new("samplesize", [.. d, "--n", "0"], "0", [.. d, "--n", "9"]));
        Add("samplesize coverage-0", new("samplesize", [.. d, "--coverage", "0"], "--coverage", [.. d, "--coverage", "0.5"]));
        Add("samplesize coverage-1", new("samplesize", [.. d, "--coverage", "1"], "--coverage", [.. d, "--coverage", "0.99"]));
        Add("samplesize non-evaluable-0.95", new("samplesize", [.. d, "--non-evaluable", "0.95"], "--non-evaluable", [.. d, "--non-evaluable", "0.2"]));
        Add("samplesize non-evaluable-negative", new("samplesize", [.. d, "--non-evaluable", "-0.1"], "--non-evaluable", [.. d, "--non-evaluable", "0"]));
        Add("samplesize expansion-negative", new("samplesize", [.. d, "--expansion", "-1"], "--expansion", [.. d, "--expansion", "6"]));
        Add("samplesize min-responses-0", new("samplesize", [.. d, "--min-responses", "0"], "--min-responses", [.. d, "--min-responses", "1"]));
        Add("samplesize trials-0", new("samplesize", [.. d, "--trials", "0"], "0", [.. d, "--trials", "1"]));
        Add("samplesize max-states-0", new("samplesize", [.. d, "--max-states", "0"], "--max-states", [.. d, "--max-states", "1"]));
        Add("samplesize threads-negative", new("samplesize", [.. d, "--threads", "-2"], "-2", [.. d, "--threads", "1"]));
        Add("samplesize format", new("samplesize", [.. d, "--format", "csv"], "csv", [.. d, "--format", "md"]));
        Add("plot charts", new("plot", [.. d, "--charts", "pie"], "pie", [.. d, "--charts", "allocation"]));
        Add("plot engine", new("plot", [.. d, "--engine", "warp"], "warp", [.. d, "--engine", "monte-carlo"]));
        Add("plot mark-n-0", new("plot", [.. d, "--mark-n", "0"], "--mark-n", [.. d, "--mark-n", "6"]));
        Add("plot trials-0", new("plot", [.. d, "--trials", "0"], "0", [.. d, "--trials", "1"]));
        Add("plot trials-past-max", new("plot", [.. d, "--trials", "1000000000001"], "1000000000001", [.. d, "--trials", "10"]));
        Add("plot designs-unknown", new("plot", [.. d, "--designs", "3+3,nosuch"], "nosuch", [.. d, "--designs", "3+3,boin"]));
        Add("report format", new("report", [.. d, "--format", "pdf"], "pdf", [.. d, "--format", "html"]));
        Add("report engine", new("report", [.. d, "--engine", "warp"], "warp", [.. d, "--engine", "exact"]));
        Add("report compare-trials-0", new("report", [.. d, "--compare-trials", "0"], "--compare-trials", [.. d, "--compare-trials", "1"]));
        Add("report trials-negative", new("report", [.. d, "--trials", "-7"], "-7", [.. d, "--trials", "7"]));
        Add("report mark-n-0", new("report", [.. d, "--mark-n", "0"], "--mark-n", [.. d, "--mark-n", "3"]));
        Add("report designs-unknown", new("report", [.. d, "--designs", "3+3,nosuch", "--compare-trials", "100"], "nosuch", [.. d, "--designs", "3+3,boin", "--compare-trials", "100"]));
        Add("bench trials-0", new("bench", ["--trials", "0"], "0", ["--trials", "100000"]));
        Add("bench trials-past-max", new("bench", ["--trials", "9223372036854775807"], "9223372036854775807", ["--trials", "100000"]));
        Add("bench dlt", new("bench", ["--dlt", "0.1,zz", "--trials", "1000"], "zz", ["--dlt", "0.1,0.2", "--trials", "100000"]));
        Add("bench method", new("bench", ["--method", "turbo", "--trials", "1000"], "turbo", ["--method", "loop", "--trials", "100000"]));
        Add("bench vs-c missing", new("bench", ["--vs-c", "/nonexistent/threeplusthree", "--trials", "1000"], "/nonexistent/threeplusthree", ["--trials", "100000"]));
        Add("bench vs-c doses", new("bench", ["--vs-c", "/bin/sh", "--dlt", "0.1,0.2", "--trials", "1000"], "--dlt", ["--dlt", "0.1,0.2", "--trials", "100000"]));
        Add("bench pairs-without-vs-c", new("bench", ["--pairs", "3", "--trials", "1000"], "--pairs", ["--trials", "100000"]));
        Add("bench c-trials-without-vs-c", new("bench", ["--c-trials", "1000", "--trials", "1000"], "--c-trials", ["--trials", "100000"]));
        const string grid = "doses: 3\ntrials: 200\nbatch_size: 100\ndesigns: [3+3, boin]\nscenarios:\n  - name: a\n    dlt: [0.05, 0.2, 0.4]\nsample_sizes: [9, 12]\n";
        Add("sweep option-value", new("sweep", ["{FILE}"], "designs[1].options.extrasafe", ["{FILE}"], grid.Replace("designs: [3+3, boin]", "designs:\n  - 3+3\n  - name: boin\n    options: { extrasafe: maybe }"), grid));
        Add("sweep dlt-count", new("sweep", ["{FILE}"], "scenarios[0].dlt", ["{FILE}"], grid.Replace("[0.05, 0.2, 0.4]", "[0.05, 0.2]"), grid));
        Add("sweep unknown-field", new("sweep", ["{FILE}"], "cohorts", ["{FILE}"], grid + "cohorts: [3]\n", grid));
        Add("sweep shard", new("sweep", ["{FILE}", "--shard", "2/2"], "2/2", ["{FILE}", "--shard", "1/2"], grid, grid));
        Add("sweep duplicate-scenario", new("sweep", ["{FILE}"], "scenarios[1].name", ["{FILE}"], grid.Replace("sample_sizes", "  - name: A\n    dlt: [0.1, 0.2, 0.3]\nsample_sizes"), grid.Replace("sample_sizes", "  - name: b\n    dlt: [0.1, 0.2, 0.3]\nsample_sizes")));
        Add("sweep label-spaces", new("sweep", ["{FILE}"], "designs[1].label", ["{FILE}"], grid.Replace("designs: [3+3, boin]", "designs:\n  - 3+3\n  - name: boin\n    label: \"  \""), grid));
        Add("simulate set-twice", new("simulate", [.. d, "--design", "boin", "--set", "boin.cutoff_eli=0.9", "--set", "boin.cutoff_eli=0.95"], "boin.cutoff_eli", [.. d, "--design", "boin", "--set", "boin.cutoff_eli=0.9"]));
        Add("next pathways-past-limit", new("next", [.. d, "--design", "boin", "--cohort-size", "100", "--max-n", "1000", "--cohorts-ahead", "4", "--data", ""], "--cohorts-ahead",
            [.. d, "--design", "boin", "--cohort-size", "100", "--max-n", "1000", "--cohorts-ahead", "1", "--data", ""]));
        Add("next data-folder", new("next", [.. d, "--data", "/tmp"], "/tmp", [.. d, "--data", "1NNN"]));
        string timeline = BaseYaml + "\ntimeline:\n  accrual_rate_per_month: 2\n  dlt_window_days: 28\n";
        Add("compare duration-charts-folder-missing", new("compare", ["{FILE}", "--calendar", "--duration-charts", "/no/such/folder/charts"], "--duration-charts",
            ["{FILE}", "--calendar"], timeline, timeline));
        string parts = PartsDir(), p0 = Path.Combine(parts, "p0.json"), p1 = Path.Combine(parts, "p1.json");
        Add("merge stale-digest", new("merge", [p0, Path.Combine(parts, "p1-edited.json")], "counters_sha256", [p0, p1]));
        Add("merge folder-part", new("merge", [p0, Path.Combine(parts, "folder.json")], "is a folder", [p0, p1]));
        Add("merge missing-shard", new("merge", [p0], "batches 1..1 of 2 are missing", [p0, p1]));
        Add("merge no-such-part", new("merge", [p0, p1 + ".nosuch"], "p1.json.nosuch", [p0, p1]));
        Add("merge repeated-shard", new("merge", [p0, p1, p0], "p0.json", [p1, p0]));
        Add("merge format", new("merge", [p0, p1, "--format", "xlsx"], "xlsx", [p0, p1, "--format", "csv"]));
        return all;
    }

    /// <summary>The two shards of a small simulate run, written once for the merge cases.</summary>
    private static string PartsDir()
    {
        string dir = TempDir();
        for (int i = 0; i < 2; i++)
            Assert.Equal(0, Run("simulate", "--dlt", "0.1,0.2,0.3", "--trials", "200", "--batch-size", "100", "--shard", $"{i}/2", "--out", Path.Combine(dir, $"p{i}.json")).Code);
        // A part edited without its digest, and a folder where a part should be.
        string text = File.ReadAllText(Path.Combine(dir, "p1.json"));
        int at = text.IndexOf("\"weight\":", StringComparison.Ordinal);
        Assert.True(at > 0);
        File.WriteAllText(Path.Combine(dir, "p1-edited.json"), text[..at] + "\"weight\": 7, \"was\":" + text[(at + 9)..]);
        Directory.CreateDirectory(Path.Combine(dir, "folder.json"));
        return dir;
    }

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Keys) data.Add(name);
        return data;
    }

    [Fact]
    public void The_suite_has_at_least_150_cases_over_every_verb()
    {
        Assert.True(All.Count >= 150, $"{All.Count} cases");
        foreach (var verb in DoseEscalation.Cli.Cli.VerbNames.Where(v => v is not ("next" or "serve")))  // serve runs until stopped: its bad input is in Web/ServeTests
            Assert.Contains(All.Values, c => c.Verb == verb);
    }

    private static string[] Args(Case c, string[] args, string dir, string? yaml)
    {
        string? file = null;
        if (yaml is not null)
        {
            file = Path.Combine(dir, "..", Path.GetFileName(dir) + ".yaml");
            File.WriteAllText(file, yaml);
        }
        // The run's defaults, except an option the case sets itself (repeating an option is a parse error).
        var extra = new List<string>();
        var defaults = Extra(c.Verb, dir);
        for (int i = 0; i < defaults.Length; i++)
        {
            bool flag = i + 1 >= defaults.Length || defaults[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (!args.Contains(defaults[i])) { extra.Add(defaults[i]); if (!flag) extra.Add(defaults[i + 1]); }
            if (!flag) i++;
        }
        return [c.Verb, .. args.Select(a => a == "{FILE}" ? file ?? throw new InvalidOperationException("no file") : a), .. extra];
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_input_is_one_line_naming_it_with_nothing_written(string name)
    {
        var c = All[name];
        string dir = TempDir();
        var r = Run(Args(c, c.Bad, dir, c.Yaml));
        string line = AssertBadInput(r, c.Token);
        Assert.StartsWith("dose-escalation: ", line);
        Assert.Equal("", r.Out);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_valid_twin_succeeds_and_writes_its_output(string name)
    {
        var c = All[name];
        string dir = TempDir();
        var r = Run(Args(c, c.Good, dir, c.GoodYaml ?? c.Yaml));
        Assert.True(r.Code == 0, $"exit {r.Code}: {r.Err}");
        Assert.DoesNotContain("error", r.Err);
        if (c.Verb != "bench") Assert.NotEmpty(Directory.EnumerateFileSystemEntries(dir));
    }
}
