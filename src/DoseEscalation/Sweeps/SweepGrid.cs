using System.Globalization;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Scenarios;
using YamlDotNet.RepresentationModel;

namespace DoseEscalation.Sweeps;

/// <summary>Where a sweep's scenario came from: listed in the grid, every monotone curve on a grid, or pseudo-uniform random.</summary>
public sealed record SweepScenario(Scenario Scenario, string Source);

/// <summary>A named calendar setting of a sweep (an entry of the grid's <c>timelines:</c>).</summary>
public sealed record SweepTimeline(string Name, Timeline Timeline)
{
    /// <summary>Every setting, invariant and round-trip: the timeline's part of a cell's identity.</summary>
    public string Key()
    {
        var t = Timeline;
        static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return string.Join(";", Name, t.Accrual, R(t.RatePerMonth), R(t.IntervalDays), R(t.ScreeningFailure), R(t.InfusionDelayDays), R(t.DltWindowDays),
            R(t.DltTimeShape), R(t.SentinelDays), R(t.MaxWaitDays), t.MaxWaiting.ToString(CultureInfo.InvariantCulture), R(t.NonEvaluableRate),
            t.NonEvaluableDays is { } ne ? R(ne) : "NA", R(t.ResponseDays))
            // Appended only when set, so the keys of timelines without them stay as they were.
            + (t.Arrivals == ArrivalModel.NextArrival ? ";next-arrival" : "") + (t.FirstArrivalAtOpening ? ";at-opening" : "");
    }
}

/// <summary>
/// A sweep: designs x scenarios x sample sizes x cohort sizes, each cell simulated with the same
/// trials, seed and batch size (docs/sweep.md has the file format).
/// </summary>
public sealed record SweepGrid
{
    public required string Path { get; init; }
    public required int DoseCount { get; init; }
    public required double Target { get; init; }
    public required long Trials { get; init; }
    public required ulong Seed { get; init; }
    public int BatchSize { get; init; } = new MonteCarloOptions().BatchSize;
    public SimulationMethod Method { get; init; } = SimulationMethod.Auto;
    public CorrectSelection CorrectSelection { get; init; } = CorrectSelection.HighestAtOrBelowTarget;
    public required IReadOnlyList<DesignConfig> Designs { get; init; }
    public required IReadOnlyList<SweepScenario> Scenarios { get; init; }
    /// <summary>max_n values; empty = each design's own.</summary>
    public IReadOnlyList<int> SampleSizes { get; init; } = [];
    /// <summary>cohort_size values; empty = each design's own.</summary>
    public IReadOnlyList<int> CohortSizes { get; init; } = [];
    /// <summary>Calendar settings; empty = no calendar (the compiled walk or trial loop, as <see cref="Method"/> says).</summary>
    public IReadOnlyList<SweepTimeline> Timelines { get; init; } = [];

    /// <summary>Most cells a grid may have.</summary>
    public const int MaxCells = 1_000_000;

    public static SweepGrid Parse(string yaml, string path, DesignCatalog? catalog = null) => new GridReader(path, catalog ?? DesignCatalog.Default).Read(yaml);

    public static SweepGrid Load(string path, DesignCatalog? catalog = null) => Parse(ReadText(path), path, catalog);

    /// <summary>
    /// The text of the grid at <paramref name="path"/>, under the scenario file's size cap (<see cref="ScenarioFileReader.MaxFileBytes"/>),
    /// every failure a <see cref="ScenarioFileException"/> that calls it a sweep grid.
    /// </summary>
    public static string ReadText(string path) => YamlFields.ReadText(path, YamlFileKind.SweepGrid);

    private sealed class GridReader(string path, DesignCatalog catalog) : YamlFields(path)
    {
        private static readonly string[] GridKeys = ["doses", "target", "trials", "seed", "batch_size", "method", "correct_selection", "designs", "scenarios", "monotone", "random", "sample_sizes", "cohort_sizes", "timelines"];

        public SweepGrid Read(string yaml)
        {
            var root = LoadRoot(yaml, FilePath, YamlFileKind.SweepGrid);
            UnknownKeys(root, "", GridKeys, $"unknown field (a grid has: {string.Join(", ", GridKeys)})");
            int doses = (int)Whole(root, "", "doses", 1, ResourceGuard.MaxDoses, required: true)!.Value;
            double target = GridNumber(root, "target", v => v > 0 && v < 1, "strictly between 0 and 1") ?? 0.30;
            long trials = Whole(root, "", "trials", 1, ResourceGuard.MaxTrials) ?? 10_000;
            ulong seed = Has(root, "seed", out var sn) ? GridSeed(sn, "seed") : 20261122;
            int batch = (int?)Whole(root, "", "batch_size", 1, int.MaxValue) ?? new MonteCarloOptions().BatchSize;
            var method = Scalar(root, "", "method") switch
            {
                null or "auto" => SimulationMethod.Auto,
                "graph" => SimulationMethod.CompiledGraph,
                "loop" => SimulationMethod.TrialLoop,
                var m => throw Error("method", At(root, "method"), m, "expected auto, graph or loop"),
            };
            var correct = Scalar(root, "", "correct_selection") switch
            {
                null or "highest-at-or-below-target" => CorrectSelection.HighestAtOrBelowTarget,
                "closest-to-target" => CorrectSelection.ClosestToTarget,
                var c => throw Error("correct_selection", At(root, "correct_selection"), c, "expected highest-at-or-below-target or closest-to-target"),
            };
            var designs = Designs(root);
            var scenarios = new List<SweepScenario>();
            if (Has(root, "scenarios", out var listed))
            {
                if (listed is not YamlSequenceNode seq) throw Error("scenarios", listed, null, "expected a list of {name, dlt}");
                int i = 0;
                foreach (var item in seq)
                {
                    string field = $"scenarios[{i++}]";
                    if (item is not YamlMappingNode m) throw Error(field, item, null, "expected {name, dlt}");
                    UnknownKeys(m, field, ["name", "dlt", "response"], "unknown field (a scenario has name, dlt, response)");
                    string name = Scalar(m, field, "name") ?? $"scenario {i}";
                    if (string.IsNullOrWhiteSpace(name)) throw Error($"{field}.name", At(m, "name"), name, "is only spaces; give a name");
                    // Two scenarios of one name would be two rows no reader could tell apart.
                    if (scenarios.Any(x => string.Equals(x.Scenario.Name, name, StringComparison.OrdinalIgnoreCase)))
                        throw Error($"{field}.name", Has(m, "name", out var nameNode) ? nameNode : m, name, "duplicate scenario name");
                    var dlt = GridProbabilities(m, "dlt", field, doses);
                    // Response probabilities, for the designs that read them or open backfill doses on them.
                    var response = Has(m, "response") ? GridProbabilities(m, "response", field, doses) : null;
                    scenarios.Add(new SweepScenario(new Scenario(name, dlt) { Response = response }, "listed"));
                }
            }
            if (Has(root, "monotone", out var mono))
            {
                if (mono is not YamlMappingNode m) throw Error("monotone", mono, null, "expected {grid: [p1, p2, ...], strict: true}");
                var grid = GridProbabilities(m, "grid", "monotone", null);
                bool strict = Scalar(m, "monotone", "strict") switch { null or "true" => true, "false" => false, var s => throw Error("monotone.strict", m, s, "expected true or false") };
                IReadOnlyList<double[]> curves;
                try { curves = CurveGenerator.Monotone(grid, doses, strict); }
                catch (ArgumentException ex) { throw Error("monotone.grid", m, null, ex.Message); }
                if (curves.Count == 0) throw Error("monotone.grid", m, null, $"has {grid.Distinct().Count()} distinct values: no {(strict ? "strictly increasing " : "")}curve of {doses} doses");
                int c = 0;
                foreach (var curve in curves) scenarios.Add(new SweepScenario(new Scenario($"monotone {++c}", curve), "monotone"));
            }
            if (Has(root, "random", out var rnd))
            {
                if (rnd is not YamlMappingNode m) throw Error("random", rnd, null, "expected {count: N, seed: S}");
                int count = (int)Whole(m, "random", "count", 1, CurveGenerator.MaxCurves, required: true)!.Value;
                ulong rs = Has(m, "seed", out var rsn) ? GridSeed(rsn, "random.seed") : seed;
                if (doses < 2) throw Error("random", m, null, "random curves need at least 2 doses");
                int c = 0;
                foreach (var (dlt, mtd) in CurveGenerator.PseudoUniform(doses, target, count, rs))
                    scenarios.Add(new SweepScenario(new Scenario($"random {++c}", dlt) { Rationale = $"pseudo-uniform, dose {mtd + 1} closest to the target" }, "random"));
            }
            if (scenarios.Count == 0) throw Error("scenarios", root, null, "the grid has no scenarios: give scenarios, monotone or random");
            var sizes = Wholes(root, "sample_sizes", 1, 1000);
            var cohorts = Wholes(root, "cohort_sizes", 1, 100);
            var timelines = Timelines(root);
            if (timelines.Count > 0 && method == SimulationMethod.CompiledGraph)
                throw Error("method", At(root, "method"), "graph", "the calendar (timelines) runs each patient in time: give method auto or loop, or no timelines");
            long cells = (long)designs.Count * scenarios.Count * Math.Max(1, sizes.Count) * Math.Max(1, cohorts.Count) * Math.Max(1, timelines.Count);
            if (cells > MaxCells) throw Error("(grid)", root, null, $"has {cells:N0} cells, more than {MaxCells:N0}");
            return new SweepGrid
            {
                Path = FilePath, DoseCount = doses, Target = target, Trials = trials, Seed = seed, BatchSize = batch, Method = method,
                CorrectSelection = correct, Designs = designs, Scenarios = scenarios, SampleSizes = sizes, CohortSizes = cohorts, Timelines = timelines,
            };
        }

        // timelines: [{name, <the keys of a scenario file's timeline block>}], each read by the scenario file's reader.
        private List<SweepTimeline> Timelines(YamlMappingNode root)
        {
            if (!Has(root, "timelines", out var node)) return [];
            if (node is not YamlSequenceNode seq || seq.Children.Count == 0) throw Error("timelines", node, null, "expected a list of timelines ({name, accrual_rate_per_month, dlt_window_days, ...})");
            var list = new List<SweepTimeline>();
            for (int i = 0; i < seq.Children.Count; i++)
            {
                string field = $"timelines[{i}]";
                var item = seq.Children[i];
                if (item is not YamlMappingNode m) throw Error(field, item, null, "expected {name, accrual_rate_per_month, dlt_window_days, ...}");
                string name = Scalar(m, field, "name") is { Length: > 0 } n ? n : throw Error($"{field}.name", m, null, "required (a timeline names its rows)");
                if (list.Any(t => t.Name == name)) throw Error($"{field}.name", At(m, "name"), name, "a second timeline with this name");
                var timeline = ScenarioFileReader.ReadTimeline(m, FilePath, field, catalog);
                try { timeline.Validate(); }
                catch (ArgumentException ex) { throw Error(field, m, name, ex.Message); }
                list.Add(new SweepTimeline(name, timeline));
            }
            return list;
        }

        private List<DesignConfig> Designs(YamlMappingNode root)
        {
            if (!Has(root, "designs", out var node) || node is not YamlSequenceNode seq || seq.Children.Count == 0)
                throw Error("designs", node ?? root, null, "expected a list of designs ({name, label, options})");
            var list = new List<DesignConfig>();
            int i = 0;
            foreach (var item in seq)
            {
                string field = $"designs[{i++}]";
                DesignConfig config;
                if (item is YamlScalarNode s) config = new DesignConfig(s.Value ?? "");
                else if (item is YamlMappingNode m)
                {
                    UnknownKeys(m, field, ["name", "label", "options"], "unknown field (a design has name, label, options)");
                    config = new DesignConfig(Scalar(m, field, "name") ?? throw Error($"{field}.name", m, null, "required"), Scalar(m, field, "label"), OptionValues.Empty);
                    if (config.Label is { } label && string.IsNullOrWhiteSpace(label)) throw Error($"{field}.label", At(m, "label"), label, "is only spaces; give a label");
                    if (Has(m, "options", out var opts))
                    {
                        if (opts is not YamlMappingNode om) throw Error($"{field}.options", opts, null, "expected a mapping of option: value");
                        var descriptor = catalog.Find(config.Name) ?? throw Error($"{field}.name", m, config.Name, $"unknown design (known: {string.Join(", ", catalog.Names)})");
                        foreach (var (k, v) in om.Children)
                        {
                            string key = (k as YamlScalarNode)?.Value ?? "?";
                            var option = descriptor.Option(key) ?? throw Error($"{field}.options.{key}", k, null, $"{descriptor.Name} takes no option '{key}' (it takes: {string.Join(", ", descriptor.AllOptions.Select(o => o.Key))})");
                            // A mapping, or a list holding one, was an unhandled cast before; it is a one-line error like any other.
                            string text = v is YamlScalarNode vsc ? vsc.Value ?? ""
                                : v is YamlSequenceNode vs && vs.Children.All(c => c is YamlScalarNode) ? string.Join(",", vs.Children.Select(c => ((YamlScalarNode)c).Value))
                                : throw Error($"{field}.options.{key}", v, Show(v), "expected a value or a list of values");
                            try { config = config.With(key, option.Parse(text)); }
                            catch (OptionValueException ex) { throw Error($"{field}.options.{key}", v, text, ex.Message); }
                        }
                    }
                }
                else throw Error(field, item, null, "expected a design name or {name, label, options}");
                if (catalog.Find(config.Name) is null) throw Error($"{field}.name", item, config.Name, $"unknown design (known: {string.Join(", ", catalog.Names)})");
                if (list.Any(d => string.Equals(d.EffectiveLabel, config.EffectiveLabel, StringComparison.OrdinalIgnoreCase)))
                    throw Error(field, item, config.EffectiveLabel, "a second design with this label; give each a label");
                list.Add(config);
            }
            return list;
        }

        // The grid's own wording below (one message per value, quoting the text as written) predates the shared reader; it is kept so no message changes.

        private long? Whole(YamlMappingNode m, string parent, string key, long min, long max, bool required = false)
        {
            string field = Field(parent, key);
            string? t = Scalar(m, parent, key);
            if (t is null) return required ? throw Error(field, m, null, "required") : null;
            return TryWhole(t, out long v) && v >= min && v <= max
                ? v : throw Error(field, At(m, key), t, $"expected a whole number from {min:N0} to {max:N0}");
        }

        // Unlike a scenario file's seed, a grid's takes a sign and surrounding spaces (NumberStyles.Integer), as it always has.
        private ulong GridSeed(YamlNode node, string field) =>
            node is YamlScalarNode { Value: { } t } && TrySeed(t, NumberStyles.Integer, out ulong v) ? v : throw Error(field, node, (node as YamlScalarNode)?.Value, SeedRange);

        private double? GridNumber(YamlMappingNode m, string key, Func<double, bool> ok, string range)
        {
            string? t = Scalar(m, "", key);
            if (t is null) return null;
            return TryNumber(t, out double v) && ok(v) ? v : throw Error(key, At(m, key), t, "expected a number " + range);
        }

        private List<double> GridProbabilities(YamlMappingNode m, string key, string parent, int? count)
        {
            string field = $"{parent}.{key}";
            if (!Has(m, key, out var node) || node is not YamlSequenceNode seq)
                throw Error(field, node ?? m, null, "expected a list of probabilities [p1, p2, ...]");
            var values = new List<double>();
            foreach (var item in seq)
            {
                string? t = (item as YamlScalarNode)?.Value;
                if (!TryNumber(t, out double v) || !(v >= 0 && v <= 1)) throw Error(field, item, t, "expected probabilities in [0, 1]");
                values.Add(v);
            }
            if (count is { } k && values.Count != k) throw Error(field, node, null, $"has {values.Count} probabilities; the grid has {k} doses");
            if (values.Count == 0) throw Error(field, node, null, "is empty");
            return values;
        }

        private List<int> Wholes(YamlMappingNode m, string key, int min, int max)
        {
            if (!Has(m, key, out var node)) return [];
            if (node is not YamlSequenceNode seq || seq.Children.Count == 0) throw Error(key, node, null, "expected a list of whole numbers");
            var values = new List<int>();
            foreach (var item in seq)
            {
                string? t = (item as YamlScalarNode)?.Value;
                // No underscores here (9_0 is refused), as before the shared reader.
                if (!TryWhole(t, out long v, underscores: false) || v < min || v > max) throw Error(key, item, t, $"expected whole numbers from {min} to {max}");
                if (values.Contains((int)v)) throw Error(key, item, t, "listed twice");
                values.Add((int)v);
            }
            return values;
        }
    }
}
