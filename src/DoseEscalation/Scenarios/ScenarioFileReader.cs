using System.Globalization;
using DoseEscalation.Designs.Configuration;
using YamlDotNet.RepresentationModel;

namespace DoseEscalation.Scenarios;

/// <summary>
/// Reads and validates a YAML scenario file (schema in docs/scenarios.md). Every problem is one
/// <see cref="ScenarioFileException"/> naming the file, field path, line and value; unknown keys
/// are errors, so a misspelt option never passes silently.
/// </summary>
public static class ScenarioFileReader
{
    /// <summary>Largest scenario file read: 1 MiB (the examples are a few kilobytes). Larger input, or endless input like /dev/zero, is an error.</summary>
    public const int MaxFileBytes = YamlFields.MaxFileBytes;

    /// <summary>Deepest nesting of lists and mappings: 32 (a scenario file needs 4).</summary>
    public const int MaxDepth = YamlFields.MaxDepth;

    /// <summary>Most nodes the document may hold with every alias expanded: 1,000,000 (a "billion laughs" file is refused, not expanded).</summary>
    public const long MaxExpandedNodes = YamlFields.MaxExpandedNodes;

    public static ScenarioFile Load(string path, DesignCatalog? catalog = null) => Parse(ReadText(path), path, catalog);

    /// <summary>The text of the file at <paramref name="path"/> (at most <see cref="MaxFileBytes"/>), every failure a <see cref="ScenarioFileException"/>.</summary>
    public static string ReadText(string path) => YamlFields.ReadText(path, YamlFileKind.ScenarioFile);

    public static ScenarioFile Parse(string yaml, string path, DesignCatalog? catalog = null) =>
        new Reader(path, catalog ?? DesignCatalog.Default).File(YamlFields.LoadRoot(yaml, path, YamlFileKind.ScenarioFile));

    /// <summary>
    /// The file's document as written, for a form that shows every key the file sets (the web page):
    /// a mapping is a list of key-value pairs in the file's order, a list an <see cref="IReadOnlyList{T}"/>
    /// of nodes, a scalar its text as written (<c>0.30</c> stays "0.30"); aliases are expanded. The
    /// text is held to <see cref="Parse"/>'s limits; call <see cref="Parse"/> first to validate it.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, object>> Document(string yaml, string path) =>
        (IReadOnlyList<KeyValuePair<string, object>>)Node(YamlFields.LoadRoot(yaml, path, YamlFileKind.ScenarioFile));

    private static object Node(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.Select(c => new KeyValuePair<string, object>(c.Key is YamlScalarNode k ? k.Value ?? "" : c.Key.ToString(), Node(c.Value))).ToList(),
        YamlSequenceNode s => s.Children.Select(Node).ToList(),
        YamlScalarNode v => v.Value ?? "",
        _ => node.ToString(), // an alias: the loader has already resolved every one to its anchor's node
    };

    /// <summary>
    /// A <c>timeline:</c> block outside a scenario file (an entry of a sweep grid's <c>timelines:</c>):
    /// the same keys, defaults and messages as the scenario file's block, plus <c>name</c> (read by
    /// the caller) and <c>non_evaluable_rate</c> (a scenario file's <c>protocol.non_evaluable_rate</c>);
    /// with no trial block to default it from, <c>dlt_window_days</c> is required.
    /// </summary>
    internal static Engines.Calendar.Timeline ReadTimeline(YamlNode node, string path, string field, DesignCatalog? catalog = null) =>
        new Reader(path, catalog ?? DesignCatalog.Default).StandaloneTimeline(node, field);

    private sealed class Reader(string path, DesignCatalog catalog) : YamlFields(path)
    {
        private readonly List<string> _warnings = [];

        public ScenarioFile File(YamlMappingNode root)
        {
            Keys(root, "", "trial", "doses", "dose_values", "design", "designs", "target", "start_dose", "max_n", "cohort_size", "accelerated_titration",
                "titration_grade2_events", "correct_selection", "correct_window", "scenarios", "simulation", "protocol", "timeline", "utility");
            var trial = Trial(Required<YamlMappingNode>(root, "", "trial"));
            var dosesNode = Required<YamlSequenceNode>(root, "", "doses");
            if (dosesNode.Children.Count == 0) throw Error("doses", dosesNode, "[]", "the dose list is empty");
            if (dosesNode.Children.Count > ResourceGuard.MaxDoses)
                throw Error("doses", dosesNode, null, $"{dosesNode.Children.Count} dose levels, more than the maximum of {ResourceGuard.MaxDoses}");
            var doses = dosesNode.Children.Select((n, i) => Dose(n, $"doses[{i}]")).ToList();
            var doseValues = Has(root, "dose_values", out var dvn) ? DoseValues(dvn, doses.Count) : null;
            if (Has(root, "target", out var tn) && tn is YamlScalarNode { Value: null or "" or "~" or "null" })
                throw Error("target", tn, null, "is empty; give the target DLT rate (e.g. 0.30) or leave the key out for 0.30");
            double target = Optional(root, "", "target", (n, f) => Probability(n, f, open: true)) ?? 0.30;
            var common = new OptionValues();
            foreach (var key in new[] { "start_dose", "max_n", "cohort_size" })
                if (Present(root, "", key, out var node, out string field))
                    common = common.With(key, (int)Integer(node, field, 1, key == "start_dose" ? doses.Count : 1000));
            // A trial-level rule: every design of the file is titrated (or the file says no).
            if (Present(root, "", "accelerated_titration", out var titration, out string titrationField))
                common = common.With("accelerated_titration", Boolean(titration, titrationField));
            if (Present(root, "", "titration_grade2_events", out var grade2Events, out string grade2EventsField))
                common = common.With("titration_grade2_events", (int)Integer(grade2Events, grade2EventsField, 1, 1000));
            var correct = CorrectSelectionNode(root);

            // design: (one) or designs: (a list), each entry a name or a mapping of name, label and options.
            bool hasOne = Has(root, "design", out var one);
            bool hasMany = Has(root, "designs", out var many);
            if (hasOne && hasMany) throw Error("designs", many!, null, "give either design (one) or designs (a list), not both");
            var entries = new List<(YamlNode Node, string Field)>();
            if (hasMany)
            {
                if (many is not YamlSequenceNode seq) throw Error("designs", many!, Show(many!), "expected a list of designs");
                if (seq.Children.Count == 0) throw Error("designs", seq, "[]", "the design list is empty");
                entries.AddRange(seq.Children.Select((n, i) => (n, $"designs[{i}]")));
            }
            else if (hasOne) entries.Add((one!, "design"));
            var designs = new List<DesignConfig>();
            var labels = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (node, field) in entries)
            {
                var (config, labelNode) = DesignNode(node, field);
                if (!labels.Add(config.EffectiveLabel))
                    throw Error(field + (config.Label is null ? ".name" : ".label"), labelNode, config.EffectiveLabel, "two designs have this label; give each a unique label");
                designs.Add(config);
            }
            if (designs.Count == 0) designs.Add(new DesignConfig("3+3"));

            var scenariosNode = Required<YamlSequenceNode>(root, "", "scenarios");
            if (scenariosNode.Children.Count == 0) throw Error("scenarios", scenariosNode, "[]", "no toxicity scenarios");
            var utility = Has(root, "utility", out var un) ? Utility(un, "utility") : UtilityTable.Boin12Default;
            var scenarios = scenariosNode.Children.Select((n, i) => ScenarioNode(n, $"scenarios[{i}]", doses.Count) with { Utility = utility }).ToList();
            if (un is not null && !scenarios.Any(s => s.HasResponse))
                throw Error("utility", un, Show(un), "no scenario has response probabilities, so the utility table would be unused");
            var names = new HashSet<string>();
            for (int i = 0; i < scenarios.Count; i++)
                if (!names.Add(scenarios[i].Name)) throw Error($"scenarios[{i}].name", scenariosNode.Children[i], scenarios[i].Name, "duplicate scenario name");
            long trials = 1_000_000; ulong seed = 20261122;
            if (Has(root, "simulation", out var sim))
            {
                var m = Mapping(sim, "simulation");
                Keys(m, "simulation", "trials", "seed");
                trials = Optional(m, "simulation", "trials", (n, f) => Integer(n, f, 1, ResourceGuard.MaxTrials)) ?? trials;
                seed = Optional(m, "simulation", "seed", Seed) ?? seed;
            }
            var protocol = Has(root, "protocol", out var pn) ? Protocol(pn, "protocol") : new ProtocolOptions();
            var timeline = Has(root, "timeline", out var tln) ? TimelineNode(tln, "timeline", trial, protocol) : null;

            // Every design must build: an error names the entry's field and line.
            for (int i = 0; i < designs.Count; i++)
            {
                var (node, field) = entries.Count > 0 ? entries[i] : ((YamlNode)root, "design");
                try { DesignSetup.Resolve(catalog, designs[i], common, doses.Count, target, NotApplied(designs.Count, root, field, designs[i]), doseValues); }
                catch (DesignOptionException ex)
                {
                    YamlNode at = node is YamlMappingNode dm && Has(dm, ex.Option == "design" ? "name" : ex.Option, out var on) ? on
                        : Has(root, ex.Option, out var cn) ? cn : node;
                    bool inherited = !(node is YamlMappingNode m2 && Has(m2, ex.Option)) && common.Has(ex.Option);
                    string where = ex.Option == "design" ? field + ".name" : inherited ? ex.Option : $"{field}.{ex.Option}";
                    throw Error(where, at, ex.Value is null ? designs[i].Name : DesignOption.Format(ex.Value),
                        (inherited ? $"inherited by design '{designs[i].EffectiveLabel}': " : ex.Option == "design" ? "" : $"design '{designs[i].EffectiveLabel}': ") + ex.Problem);
                }
            }
            return new ScenarioFile
            {
                Path = FilePath, Trial = trial, Doses = doses, DoseValues = doseValues, Designs = designs, Common = common, Target = target, CorrectSelection = correct,
                Scenarios = scenarios, Trials = trials, Seed = seed, Protocol = protocol, Timeline = timeline, Warnings = _warnings,
            };

        }

        // A common setting the one design does not take is an error.
        private Action<string, object> NotApplied(int designCount, YamlMappingNode root, string field, DesignConfig design) => (key, value) =>
        {
            string who = design.EffectiveLabel == design.Name ? $"design '{design.Name}'" : $"design '{design.EffectiveLabel}' ({design.Name})";
            // With several designs, the run reports it (after command-line overrides), naming the design.
            if (designCount == 1) throw Error(key, At(root, key), DesignOption.Format(value), $"{who} does not take {key}");
        };

        private CorrectSelection CorrectSelectionNode(YamlMappingNode root)
        {
            string? rule = OptionalRef(root, "", "correct_selection", Text);
            bool hasWindow = Present(root, "", "correct_window", out var wn, out _);
            switch (rule)
            {
                case null or "highest-at-or-below-target":
                    if (hasWindow) throw Error("correct_window", wn, Show(wn), "a window needs correct_selection: window");
                    return CorrectSelection.HighestAtOrBelowTarget;
                case "closest-to-target":
                    if (hasWindow) throw Error("correct_window", wn, Show(wn), "a window needs correct_selection: window");
                    return CorrectSelection.ClosestToTarget;
                case "window":
                    if (!hasWindow) throw Error("correct_window", root, null, "is required with correct_selection: window, e.g. [0.05, 0.05]");
                    var w = Probabilities(wn, "correct_window");
                    if (w.Count != 2) throw Error("correct_window", wn, Show(wn), "expected two numbers [d1, d2]: the window is [target - d1, target + d2]");
                    return CorrectSelection.Window(w[0], w[1]);
                default:
                    throw Error("correct_selection", At(root, "correct_selection"), rule,
                        $"expected one of {string.Join(", ", CorrectSelection.Keys)}");
            }
        }

        private TrialInfo Trial(YamlMappingNode m)
        {
            Keys(m, "trial", "name", "registry_id", "source", "dlt_window_days", "notes");
            return new TrialInfo
            {
                Name = Text(Required<YamlScalarNode>(m, "trial", "name"), "trial.name"),
                RegistryId = OptionalRef(m, "trial", "registry_id", Text),
                Source = OptionalRef(m, "trial", "source", Text),
                DltWindowDays = Optional(m, "trial", "dlt_window_days", (n, f) => (int)Integer(n, f, 1, 3650)),
                Notes = OptionalRef(m, "trial", "notes", Text),
            };
        }

        // dose_values: one positive number per dose level, strictly increasing (the BLRM's model reads them).
        private double[] DoseValues(YamlNode node, int doseCount)
        {
            if (node is not YamlSequenceNode seq || seq.Children.Count == 0)
                throw Error("dose_values", node, Show(node), "expected a list of positive dose values, one per dose level (e.g. [1, 3, 6, 12])");
            if (seq.Children.Count != doseCount)
                throw Error("dose_values", node, Show(node), $"has {seq.Children.Count} values but there are {doseCount} dose levels");
            var values = new double[doseCount];
            for (int d = 0; d < doseCount; d++)
            {
                string f = $"dose_values[{d}]";
                var n = seq.Children[d];
                double v = Number(n, f);
                if (!(v > 0) || !double.IsFinite(v)) throw Error(f, n, Show(n), "a dose value must be positive");
                if (d > 0 && !(v > values[d - 1])) throw Error(f, n, Show(n), $"dose values must increase strictly (dose {d + 1} is not above dose {d}'s {Fmt(values[d - 1])})");
                values[d] = v;
            }
            return values;
        }

        private DoseLevel Dose(YamlNode node, string field)
        {
            if (node is YamlScalarNode s) return new DoseLevel(Text(s, field));
            var m = Mapping(node, field);
            Keys(m, field, "label", "dose");
            return new DoseLevel(Text(Required<YamlScalarNode>(m, field, "label"), field + ".label"), OptionalRef(m, field, "dose", Text));
        }

        private (DesignConfig Config, YamlNode LabelNode) DesignNode(YamlNode node, string field)
        {
            if (node is YamlScalarNode s) return (new DesignConfig(Text(s, field)), s);
            var m = Mapping(node, field);
            var nameNode = Required<YamlScalarNode>(m, field, "name");
            string name = Text(nameNode, field + ".name");
            var descriptor = catalog.Find(name)
                ?? throw Error(field + ".name", nameNode, name, $"unknown design '{name}' (known: {string.Join(", ", catalog.Names)})");
            Keys(m, field, ["name", "label", .. descriptor.AllOptions.Select(o => o.Key)]);
            string? label = OptionalRef(m, field, "label", Text);
            var values = new OptionValues();
            foreach (var option in descriptor.AllOptions)
                if (Present(m, field, option.Key, out var vn, out string f))
                    values = values.With(option.Key, OptionValue(option, vn, f));
            return (new DesignConfig(descriptor.Name, label, values), label is null ? nameNode : At(m, "label"));
        }

        // A design option's value from YAML, by the option's type; range errors name the field and line.
        private object OptionValue(DesignOption option, YamlNode node, string field)
        {
            object value = option.Kind switch
            {
                OptionKind.Switch => Boolean(node, field),
                OptionKind.Integer => (int)Integer(node, field, int.MinValue, int.MaxValue),
                OptionKind.Number => Number(node, field),
                OptionKind.Probabilities => node is YamlSequenceNode seq && seq.Children.Count > 0
                    ? seq.Children.Select((c, i) => Number(c, $"{field}[{i}]")).ToArray()
                    : throw Error(field, node, Show(node), "expected a list of numbers, e.g. [0.05, 0.10, 0.20]"),
                _ => Text(node, field),
            };
            try { return option.Kind == OptionKind.Choice ? option.Parse((string)value) : Checked(option, value); }
            catch (OptionValueException ex) { throw Error(field, node, Show(node), ex.Message); }
        }

        private static object Checked(DesignOption option, object value) { option.Check(value); return value; }

        private Scenario ScenarioNode(YamlNode node, string field, int doseCount)
        {
            var m = Mapping(node, field);
            Keys(m, field, "name", "dlt", "grade2", "response", "association", "cells", "rationale");
            string name = Text(Required<YamlScalarNode>(m, field, "name"), field + ".name");
            bool hasCells = Has(m, "cells", out var cn);
            IReadOnlyList<double>? dlt = null;
            YamlNode? dltNode = null;
            if (!hasCells || Has(m, "dlt"))
            {
                dltNode = Required<YamlSequenceNode>(m, field, "dlt");
                dlt = Probabilities(dltNode, field + ".dlt");
                if (dlt.Count != doseCount)
                    throw Error(field + ".dlt", dltNode, $"[{string.Join(", ", dlt.Select(Fmt))}]", $"has {dlt.Count} probabilities but there are {doseCount} dose levels");
            }
            IReadOnlyList<double>? response = null;
            YamlNode? rn = null;
            if (Has(m, "response", out rn))
            {
                response = Probabilities(rn, field + ".response");
                if (response.Count != doseCount)
                    throw Error(field + ".response", rn, $"[{string.Join(", ", response.Select(Fmt))}]", $"has {response.Count} probabilities but there are {doseCount} dose levels");
            }
            string? rationale = OptionalRef(m, field, "rationale", Text);
            Scenario scenario;
            if (hasCells)
            {
                if (Has(m, "association", out var an))
                    throw Error(field + ".association", an, Show(an), "give cells or an association, not both: the cells already say how DLT and response go together");
                var cells = Cells(cn!, field + ".cells", doseCount);
                // Marginals given beside the cells must agree with them.
                for (int d = 0; d < doseCount; d++)
                {
                    if (dlt is not null && Math.Abs(dlt[d] - cells[d].Dlt) > OutcomeCells.Tolerance)
                        throw Error($"{field}.dlt[{d}]", ((YamlSequenceNode)dltNode!).Children[d], Fmt(dlt[d]),
                            $"differs from the cells' P(DLT) = {Fmt(cells[d].Dlt)} (DLT and response + DLT only)");
                    if (response is not null && Math.Abs(response[d] - cells[d].Response) > OutcomeCells.Tolerance)
                        throw Error($"{field}.response[{d}]", ((YamlSequenceNode)rn!).Children[d], Fmt(response[d]),
                            $"differs from the cells' P(response) = {Fmt(cells[d].Response)} (DLT and response + response only)");
                }
                scenario = Scenario.FromCells(name, cells) with { Rationale = rationale };
                dltNode ??= cn;
            }
            else
            {
                scenario = new Scenario(name, dlt!) { Rationale = rationale, Response = response };
                if (Has(m, "association", out var an))
                {
                    if (response is null) throw Error(field + ".association", an, Show(an), "an association needs response probabilities (response: [...])");
                    if (an is YamlScalarNode { Value: "independent" }) { }
                    else if (an is YamlMappingNode am)
                    {
                        Keys(am, field + ".association", "gumbel", "gaussian");
                        if (am.Children.Count != 1) throw Error(field + ".association", an, Show(an), "give one of gumbel: rho or gaussian: rho");
                        if (Has(am, "gumbel"))
                        {
                            var gn = Required<YamlScalarNode>(am, field + ".association", "gumbel");
                            double rho = Number(gn, field + ".association.gumbel");
                            if (!(rho >= -1 && rho <= 1)) throw Error(field + ".association.gumbel", gn, Show(gn), "must be between -1 and 1 (0 is independence)");
                            scenario = scenario.WithGumbel(rho);
                        }
                        else
                        {
                            var gn = Required<YamlScalarNode>(am, field + ".association", "gaussian");
                            double rho = Number(gn, field + ".association.gaussian");
                            if (!(Math.Abs(rho) <= Numerics.BivariateNormal.MaxAbsRho)) throw Error(field + ".association.gaussian", gn, Show(gn), "must be between -0.999 and 0.999 (0 is independence)");
                            scenario = scenario.WithGaussian(rho);
                        }
                    }
                    else throw Error(field + ".association", an, Show(an), "expected independent, {gumbel: rho} with rho in [-1, 1], or {gaussian: rho} with rho in [-0.999, 0.999]");
                }
            }
            if (Has(m, "grade2", out var g2n))
            {
                var grade2 = Probabilities(g2n, field + ".grade2");
                if (grade2.Count != doseCount)
                    throw Error(field + ".grade2", g2n, $"[{string.Join(", ", grade2.Select(Fmt))}]", $"has {grade2.Count} probabilities but there are {doseCount} dose levels");
                for (int d = 0; d < doseCount; d++)
                    if (grade2[d] < scenario.Dlt[d])
                        throw Error($"{field}.grade2[{d}]", ((YamlSequenceNode)g2n).Children[d], Fmt(grade2[d]),
                            $"is below the dose's DLT probability {Fmt(scenario.Dlt[d])} (P(grade 2 or worse) includes every DLT)");
                scenario = scenario.WithGrade2(grade2);
            }
            if (!scenario.IsMonotone)
                _warnings.Add($"{FilePath}:{dltNode!.Start.Line}: {field}.dlt: DLT probabilities decrease with dose in scenario '{name}' (allowed, but check it is intended)");
            return scenario;
        }

        // utility: the four outcome utilities (defaults BOIN12's) and the minimum response rate of an acceptable dose.
        private UtilityTable Utility(YamlNode node, string field)
        {
            var m = Mapping(node, field);
            Keys(m, field, "response_no_dlt", "neither", "dlt_response", "dlt_no_response", "min_response");
            double U(string key, double fallback) => Optional(m, field, key, (n, f) =>
            {
                double v = Number(n, f);
                return v >= 0 && v <= 100 ? v : throw Error(f, n, Show(n), "a utility must be in [0, 100]");
            }) ?? fallback;
            var d = UtilityTable.Boin12Default;
            return new UtilityTable(U("response_no_dlt", d.ResponseNoDlt), U("neither", d.Neither), U("dlt_response", d.DltResponse), U("dlt_no_response", d.DltNoResponse))
            {
                MinResponse = Optional(m, field, "min_response", (n, f) => Probability(n, f, open: false)) ?? 0,
            };
        }

        // cells: one [DLT and response, DLT only, response only, neither] per dose.
        private List<OutcomeCells> Cells(YamlNode node, string field, int doseCount)
        {
            if (node is not YamlSequenceNode seq || seq.Children.Count == 0)
                throw Error(field, node, Show(node), "expected one list of four probabilities per dose: [DLT and response, DLT only, response only, neither]");
            if (seq.Children.Count != doseCount)
                throw Error(field, node, Show(node), $"has {seq.Children.Count} doses but there are {doseCount} dose levels");
            var cells = new List<OutcomeCells>();
            for (int d = 0; d < doseCount; d++)
            {
                string f = $"{field}[{d}]";
                var p = Probabilities(seq.Children[d], f);
                if (p.Count != 4) throw Error(f, seq.Children[d], Show(seq.Children[d]), "expected four probabilities: [DLT and response, DLT only, response only, neither]");
                var c = new OutcomeCells(p[0], p[1], p[2], p[3]);
                if (c.Problem() is { } problem) throw Error(f, seq.Children[d], Show(seq.Children[d]), problem + $" (within {Fmt(OutcomeCells.Tolerance)})");
                cells.Add(c);
            }
            return cells;
        }

        private ProtocolOptions Protocol(YamlNode node, string field)
        {
            var m = Mapping(node, field);
            Keys(m, field, "non_evaluable_rate", "expansion_cohort", "planned_n", "min_responses");
            double ne = Optional(m, field, "non_evaluable_rate", (n, f) => Probability(n, f, open: false)) ?? 0;
            if (ne >= 0.95) throw Error(field + ".non_evaluable_rate", At(m, "non_evaluable_rate"), Fmt(ne), "must be below 0.95");
            return new ProtocolOptions
            {
                NonEvaluableRate = ne,
                ExpansionCohort = Optional(m, field, "expansion_cohort", (n, f) => (int)Integer(n, f, 0, 1000)) ?? 0,
                PlannedN = Optional(m, field, "planned_n", (n, f) => (int)Integer(n, f, 1, 10000)),
                MinResponses = Optional(m, field, "min_responses", (n, f) => (int)Integer(n, f, 1, 10000)),
            };
        }

        private static readonly string[] TimelineKeys = ["accrual_rate_per_month", "accrual_interval_days", "screening_failure", "enrolment_to_infusion_days",
            "dlt_window_days", "dlt_time_shape", "sentinel_days", "max_wait_days", "max_waiting", "non_evaluable_days", "response_days",
            "arrivals", "first_arrival", "accrual_gaps", "notes"];

        // A sweep grid's timeline entry: the block's keys plus name and non_evaluable_rate (read as protocol.non_evaluable_rate is).
        public Engines.Calendar.Timeline StandaloneTimeline(YamlNode node, string field)
        {
            var m = Mapping(node, field);
            Keys(m, field, ["name", .. TimelineKeys, "non_evaluable_rate"]);
            var protocol = new ProtocolOptions();
            if (Present(m, field, "non_evaluable_rate", out var neNode, out string neField))
            {
                double ne = Probability(neNode, neField, open: false);
                if (ne >= 0.95) throw Error(neField, neNode, Fmt(ne), "must be below 0.95");
                protocol = new ProtocolOptions { NonEvaluableRate = ne };
            }
            return TimelineNode(m, field, null, protocol, checkKeys: false);
        }

        // The calendar (docs/calendar.md); the DLT window defaults to trial.dlt_window_days, the non-evaluable rate is protocol.non_evaluable_rate.
        private Engines.Calendar.Timeline TimelineNode(YamlNode node, string field, TrialInfo? trial, ProtocolOptions protocol, bool checkKeys = true)
        {
            var m = Mapping(node, field);
            if (checkKeys) Keys(m, field, TimelineKeys);
            double Days(string key, double max, double fallback) =>
                Optional(m, field, key, (n, f) => { double v = Number(n, f); return v >= 0 && v <= max ? v : throw Error(f, n, Show(n), $"must be between 0 and {max.ToString(CultureInfo.InvariantCulture)} days"); }) ?? fallback;
            bool hasRate = Present(m, field, "accrual_rate_per_month", out var rateNode, out string rateField);
            bool hasInterval = Present(m, field, "accrual_interval_days", out var intervalNode, out _);
            if (hasRate && hasInterval) throw Error(field + ".accrual_interval_days", intervalNode, Show(intervalNode), "give accrual_rate_per_month (Poisson) or accrual_interval_days (fixed), not both");
            if (!hasRate && !hasInterval) throw Error(field + ".accrual_rate_per_month", m, null, "is required (or accrual_interval_days for a fixed interval)");
            double rate = 0;
            if (hasRate)
            {
                rate = Number(rateNode, rateField);
                if (!(rate > 0 && rate <= 10000)) throw Error(rateField, rateNode, Show(rateNode), "must be above 0 and at most 10000 patients per month");
                // Slower accrual than one patient in 100 months would run trials past what the calendar's day counts hold.
                if (rate < Engines.Calendar.Timeline.MinRatePerMonth) throw Error(rateField, rateNode, Show(rateNode), $"must be at least {Fmt(Engines.Calendar.Timeline.MinRatePerMonth)} patients per month (one in 100 months)");
            }
            double interval = hasInterval ? Days("accrual_interval_days", 3650, 0) : 0;
            double window;
            if (Present(m, field, "dlt_window_days", out _, out _)) window = Days("dlt_window_days", 3650, 0);
            else if (trial?.DltWindowDays is { } w) window = w;
            else throw Error(field + ".dlt_window_days", m, null, trial is null ? "is required" : "is required when trial.dlt_window_days is not given");
            double screening = Optional(m, field, "screening_failure", (n, f) => Probability(n, f, open: false)) ?? 0;
            if (screening > 0.95) throw Error(field + ".screening_failure", At(m, "screening_failure"), Fmt(screening), "must be at most 0.95");
            double shape = Optional(m, field, "dlt_time_shape", (n, f) => { double v = Number(n, f); return v > 0 && v <= 100 ? v : throw Error(f, n, Show(n), "must be above 0 and at most 100 (1 = uniform)"); }) ?? 1;
            int maxWaiting = Optional(m, field, "max_waiting", (n, f) => (int)Integer(n, f, 0, 100000)) ?? int.MaxValue;
            double maxWait = Days("max_wait_days", 36500, double.PositiveInfinity);
            double? neDays = null;
            if (Present(m, field, "non_evaluable_days", out var neNode, out string neField))
            {
                neDays = Days("non_evaluable_days", 3650, 0);
                if (neDays > window) throw Error(neField, neNode, Show(neNode), $"must not exceed the DLT window ({Fmt(window)} days)");
            }
            // arrivals, first_arrival and accrual_gaps (docs/calendar.md, "Arrival models").
            string? Choice(string key, string[] allowed, string meaning)
            {
                string? v = OptionalRef(m, field, key, Text);
                if (v is not null && !allowed.Contains(v)) throw Error(field + "." + key, At(m, key), v, $"must be {string.Join(" or ", allowed)} ({meaning})");
                return v;
            }
            bool nextArrival = Choice("arrivals", ["queue", "next-arrival"], "when the next cohort starts and whether arrivals wait") == "next-arrival";
            bool atOpening = Choice("first_arrival", ["after-gap", "at-opening"], "whether the first patient arrives on day 0") == "at-opening";
            string? gaps = Choice("accrual_gaps", ["exponential", "uniform"], "the distribution of the gaps between arrivals at accrual_rate_per_month");
            if (gaps is not null && !hasRate)
                throw Error(field + ".accrual_gaps", At(m, "accrual_gaps"), gaps, "applies to accrual_rate_per_month; accrual_interval_days gives fixed gaps");
            if (nextArrival && maxWaiting < int.MaxValue)
                throw Error(field + ".max_waiting", At(m, "max_waiting"), Fmt(maxWaiting), "arrivals: next-arrival keeps no waiting list (an arrival while a cohort is observed is backfilled or lost); drop max_waiting");
            if (nextArrival && maxWait < double.PositiveInfinity)
                throw Error(field + ".max_wait_days", At(m, "max_wait_days"), Fmt(maxWait), "arrivals: next-arrival keeps no waiting list; drop max_wait_days");
            if (nextArrival && hasInterval && interval == 0)
                throw Error(field + ".accrual_interval_days", intervalNode, Show(intervalNode), "must be above 0 with arrivals: next-arrival (a cohort is evaluated at the next arrival)");
            if ((maxWaiting < int.MaxValue || maxWait < double.PositiveInfinity) && hasInterval && interval == 0)
                throw Error(field + ".accrual_interval_days", intervalNode, Show(intervalNode), "must be above 0 when arrivals can be lost (max_wait_days or max_waiting)");
            // The clock counts 1/1024 days: a shorter gap would stand still, and lost arrivals would never end.
            if (hasInterval && interval > 0 && interval < Engines.Calendar.Timeline.MinIntervalDays)
                throw Error(field + ".accrual_interval_days", intervalNode, Show(intervalNode), $"must be 0 (everyone at once) or at least {Fmt(Engines.Calendar.Timeline.MinIntervalDays)} days");
            double gap = hasRate ? Engines.Calendar.Timeline.DaysPerMonth / rate : interval;
            if (maxWaiting == int.MaxValue && maxWait < double.PositiveInfinity && gap > 0 && maxWait / gap > Engines.Calendar.Timeline.MaxWaitingList)
                throw Error(field + ".max_wait_days", At(m, "max_wait_days"), Fmt(maxWait),
                    $"with an arrival every {Fmt(Math.Round(gap, 4))} days, up to {Fmt(Math.Floor(maxWait / gap))} patients could wait at once, more than {Engines.Calendar.Timeline.MaxWaitingList:N0}; give max_waiting or a shorter max_wait_days");
            return new Engines.Calendar.Timeline
            {
                Accrual = !hasRate ? Engines.Calendar.AccrualKind.FixedInterval
                    : gaps == "uniform" ? Engines.Calendar.AccrualKind.UniformGaps : Engines.Calendar.AccrualKind.Poisson,
                Arrivals = nextArrival ? Engines.Calendar.ArrivalModel.NextArrival : Engines.Calendar.ArrivalModel.Queue,
                FirstArrivalAtOpening = atOpening,
                RatePerMonth = rate, IntervalDays = interval, ScreeningFailure = screening,
                InfusionDelayDays = Days("enrolment_to_infusion_days", 3650, 0), DltWindowDays = window, DltTimeShape = shape,
                SentinelDays = Days("sentinel_days", 3650, 0), MaxWaitDays = maxWait, MaxWaiting = maxWaiting,
                NonEvaluableRate = protocol.NonEvaluableRate, NonEvaluableDays = neDays, ResponseDays = Days("response_days", 3650, 0),
                Notes = OptionalRef(m, field, "notes", Text),
            };
        }
    }
}
