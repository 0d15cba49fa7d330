using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DoseEscalation.Scenarios;

/// <summary>
/// Reads and validates a YAML scenario file (schema in docs/scenarios.md). Every problem is one
/// <see cref="ScenarioFileException"/> naming the file, field path, line and value; unknown keys
/// are errors, so a misspelt option never passes silently.
/// </summary>
public static class ScenarioFileReader
{
    public static ScenarioFile Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioFileException(path, "file", null, null, ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message);
        }
        return Parse(text, path);
    }

    public static ScenarioFile Parse(string yaml, string path)
    {
        var r = new Reader(path);
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0) throw new ScenarioFileException(path, "(document)", null, null, "the file is empty");
            root = stream.Documents[0].RootNode as YamlMappingNode
                ?? throw new ScenarioFileException(path, "(document)", (int)stream.Documents[0].RootNode.Start.Line, null, "expected a mapping of keys (trial, doses, design, ...)");
        }
        catch (YamlException ex)
        {
            throw new ScenarioFileException(path, "(yaml)", (int)ex.Start.Line, null, "malformed YAML: " + OneLine(ex.InnerException?.Message ?? ex.Message));
        }
        catch (InvalidOperationException) // YamlDotNet's parser reports some unterminated structures this way
        {
            throw new ScenarioFileException(path, "(yaml)", null, null, "malformed YAML: the document ends inside an unclosed [ ], { } or quote");
        }
        return r.File(root);
    }

    private static string OneLine(string s) => s.Split('\n')[0].Trim();

    private sealed class Reader(string path)
    {
        private readonly List<string> _warnings = [];

        public ScenarioFile File(YamlMappingNode root)
        {
            Keys(root, "", "trial", "doses", "design", "target", "scenarios", "simulation", "protocol");
            var trial = Trial(Required<YamlMappingNode>(root, "", "trial"));
            var dosesNode = Required<YamlSequenceNode>(root, "", "doses");
            if (dosesNode.Children.Count == 0) throw Error("doses", dosesNode, "[]", "the dose list is empty");
            if (dosesNode.Children.Count > ResourceGuard.MaxDoses)
                throw Error("doses", dosesNode, null, $"{dosesNode.Children.Count} dose levels, more than the maximum of {ResourceGuard.MaxDoses}");
            var doses = dosesNode.Children.Select((n, i) => Dose(n, $"doses[{i}]")).ToList();
            double target = Optional(root, "", "target", (n, f) => Probability(n, f, open: true)) ?? 0.30;
            var design = root.Children.TryGetValue(new YamlScalarNode("design"), out var dn)
                ? DesignNode(dn, "design") : new DesignSpec();
            var scenariosNode = Required<YamlSequenceNode>(root, "", "scenarios");
            if (scenariosNode.Children.Count == 0) throw Error("scenarios", scenariosNode, "[]", "no toxicity scenarios");
            var scenarios = scenariosNode.Children.Select((n, i) => ScenarioNode(n, $"scenarios[{i}]", doses.Count)).ToList();
            var names = new HashSet<string>();
            for (int i = 0; i < scenarios.Count; i++)
                if (!names.Add(scenarios[i].Name)) throw Error($"scenarios[{i}].name", scenariosNode.Children[i], scenarios[i].Name, "duplicate scenario name");
            long trials = 1_000_000; ulong seed = 20261122;
            if (root.Children.TryGetValue(new YamlScalarNode("simulation"), out var sim))
            {
                var m = Mapping(sim, "simulation");
                Keys(m, "simulation", "trials", "seed");
                trials = Optional(m, "simulation", "trials", (n, f) => Integer(n, f, 1, ResourceGuard.MaxTrials)) ?? trials;
                seed = Optional(m, "simulation", "seed", Seed) ?? seed;
            }
            var protocol = root.Children.TryGetValue(new YamlScalarNode("protocol"), out var pn) ? Protocol(pn, "protocol") : new ProtocolOptions();
            try { DesignRegistry.Create(design, doses.Count, target); }
            catch (DesignSpecException ex)
            {
                var node = dn is YamlMappingNode dm && dm.Children.TryGetValue(new YamlScalarNode(ex.Option == "design" ? "name" : ex.Option), out var on) ? on : dn ?? root;
                throw Error(ex.Option == "design" ? "design.name" : $"design.{ex.Option}", node, ex.Value, ex.Message);
            }
            return new ScenarioFile
            {
                Path = path, Trial = trial, Doses = doses, Design = design, Target = target,
                Scenarios = scenarios, Trials = trials, Seed = seed, Protocol = protocol, Warnings = _warnings,
            };
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

        private DoseLevel Dose(YamlNode node, string field)
        {
            if (node is YamlScalarNode s) return new DoseLevel(Text(s, field));
            var m = Mapping(node, field);
            Keys(m, field, "label", "dose");
            return new DoseLevel(Text(Required<YamlScalarNode>(m, field, "label"), field + ".label"), OptionalRef(m, field, "dose", Text));
        }

        private DesignSpec DesignNode(YamlNode node, string field)
        {
            if (node is YamlScalarNode s) return new DesignSpec { Name = Text(s, field) };
            var m = Mapping(node, field);
            Keys(m, field, "name", "start_dose", "deescalate", "expand_top_dose", "a", "b", "c", "d", "e", "cohort_size", "max_n",
                "n_earlystop", "extrasafe", "offset", "cutoff_eli", "bound_mtd", "epsilon1", "epsilon2", "skeleton", "model",
                "prior_variance", "safety_cutoff", "halfwidth", "prior_mtd");
            int? Int(string key, long min, long max) => Optional(m, field, key, (n, f) => (int)Integer(n, f, min, max));
            bool? Bool(string key) => Optional(m, field, key, Boolean);
            double? Num(string key) => Optional(m, field, key, Number);
            return new DesignSpec
            {
                Name = Text(Required<YamlScalarNode>(m, field, "name"), field + ".name"),
                StartDose = Int("start_dose", 1, 1000) ?? 1,
                Deescalate = Bool("deescalate"), ExpandTopDose = Bool("expand_top_dose"),
                A = Int("a", 1, 100), B = Int("b", 1, 100), C = Int("c", 0, 100), D = Int("d", 0, 100), E = Int("e", 0, 200),
                CohortSize = Int("cohort_size", 1, 100), MaxN = Int("max_n", 1, 1000), NEarlyStop = Int("n_earlystop", 1, 1000),
                ExtraSafe = Bool("extrasafe"), Offset = Num("offset"), CutoffEli = Num("cutoff_eli"), BoundMtd = Bool("bound_mtd"),
                Epsilon1 = Num("epsilon1"), Epsilon2 = Num("epsilon2"),
                Skeleton = OptionalRef(m, field, "skeleton", (n, f) => Probabilities(n, f)),
                Model = OptionalRef(m, field, "model", Text), PriorVariance = Num("prior_variance"), SafetyCutoff = Num("safety_cutoff"),
                Halfwidth = Num("halfwidth"), PriorMtd = Int("prior_mtd", 1, 1000),
            };
        }

        private Scenario ScenarioNode(YamlNode node, string field, int doseCount)
        {
            var m = Mapping(node, field);
            Keys(m, field, "name", "dlt", "response", "rationale");
            string name = Text(Required<YamlScalarNode>(m, field, "name"), field + ".name");
            var dltNode = Required<YamlSequenceNode>(m, field, "dlt");
            var dlt = Probabilities(dltNode, field + ".dlt");
            if (dlt.Count != doseCount)
                throw Error(field + ".dlt", dltNode, $"[{string.Join(", ", dlt.Select(Fmt))}]", $"has {dlt.Count} probabilities but there are {doseCount} dose levels");
            IReadOnlyList<double>? response = null;
            if (m.Children.TryGetValue(new YamlScalarNode("response"), out var rn))
            {
                response = Probabilities(rn, field + ".response");
                if (response.Count != doseCount)
                    throw Error(field + ".response", rn, $"[{string.Join(", ", response.Select(Fmt))}]", $"has {response.Count} probabilities but there are {doseCount} dose levels");
            }
            var scenario = new Scenario(name, dlt) { Rationale = OptionalRef(m, field, "rationale", Text), Response = response };
            if (!scenario.IsMonotone)
                _warnings.Add($"{path}:{dltNode.Start.Line}: {field}.dlt: DLT probabilities decrease with dose in scenario '{name}' (allowed, but check it is intended)");
            return scenario;
        }

        private ProtocolOptions Protocol(YamlNode node, string field)
        {
            var m = Mapping(node, field);
            Keys(m, field, "non_evaluable_rate", "expansion_cohort", "planned_n", "min_responses");
            double ne = Optional(m, field, "non_evaluable_rate", (n, f) => Probability(n, f, open: false)) ?? 0;
            if (ne >= 0.95) throw Error(field + ".non_evaluable_rate", m.Children[new YamlScalarNode("non_evaluable_rate")], Fmt(ne), "must be below 0.95");
            return new ProtocolOptions
            {
                NonEvaluableRate = ne,
                ExpansionCohort = Optional(m, field, "expansion_cohort", (n, f) => (int)Integer(n, f, 0, 1000)) ?? 0,
                PlannedN = Optional(m, field, "planned_n", (n, f) => (int)Integer(n, f, 1, 10000)),
                MinResponses = Optional(m, field, "min_responses", (n, f) => (int)Integer(n, f, 1, 10000)),
            };
        }

        // ---- field readers -------------------------------------------------------------------

        private IReadOnlyList<double> Probabilities(YamlNode node, string field)
        {
            if (node is not YamlSequenceNode seq) throw Error(field, node, Show(node), "expected a list of probabilities, e.g. [0.05, 0.10, 0.20]");
            if (seq.Children.Count == 0) throw Error(field, node, "[]", "the list is empty");
            return seq.Children.Select((c, i) => Probability(c, $"{field}[{i}]", open: false)).ToList();
        }

        private double Probability(YamlNode node, string field, bool open)
        {
            double v = Number(node, field);
            bool ok = open ? v > 0 && v < 1 : v >= 0 && v <= 1;
            if (!ok) throw Error(field, node, Show(node), open ? "must be a probability strictly between 0 and 1" : "a probability must be in [0, 1]");
            return v;
        }

        private double Number(YamlNode node, string field)
        {
            if (node is YamlScalarNode s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
                return v;
            throw Error(field, node, Show(node), "expected a number");
        }

        private long Integer(YamlNode node, string field, long min, long max)
        {
            if (node is YamlScalarNode s && long.TryParse(s.Value?.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
            {
                if (v < min || v > max) throw Error(field, node, Show(node), max == long.MaxValue ? $"must be at least {min}" : $"must be between {min} and {max}");
                return v;
            }
            throw Error(field, node, Show(node), "expected a whole number");
        }

        /// <summary>A seed, 0 to 2^64 - 1, as <c>--seed</c> takes it.</summary>
        private ulong Seed(YamlNode node, string field)
        {
            if (node is YamlScalarNode s && ulong.TryParse(s.Value?.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out ulong v))
                return v;
            throw Error(field, node, Show(node), "expected a whole number from 0 to 18446744073709551615");
        }

        private bool Boolean(YamlNode node, string field) =>
            node is YamlScalarNode { Value: "true" or "True" or "yes" } ? true
            : node is YamlScalarNode { Value: "false" or "False" or "no" } ? false
            : throw Error(field, node, Show(node), "expected true or false");

        private string Text(YamlNode node, string field)
        {
            if (node is YamlScalarNode { Value: { Length: > 0 } v }) return v;
            throw Error(field, node, Show(node), "expected a non-empty text");
        }

        private YamlMappingNode Mapping(YamlNode node, string field) =>
            node as YamlMappingNode ?? throw Error(field, node, Show(node), "expected a mapping of keys");

        private T Required<T>(YamlMappingNode m, string parent, string key) where T : YamlNode
        {
            string field = parent.Length == 0 ? key : $"{parent}.{key}";
            if (!m.Children.TryGetValue(new YamlScalarNode(key), out var node))
                throw new ScenarioFileException(path, field, (int)m.Start.Line, null, "is required");
            return node as T ?? throw Error(field, node, Show(node), typeof(T) == typeof(YamlSequenceNode) ? "expected a list" : typeof(T) == typeof(YamlMappingNode) ? "expected a mapping of keys" : "expected a single value");
        }

        private T? Optional<T>(YamlMappingNode m, string parent, string key, Func<YamlNode, string, T> read) where T : struct =>
            Present(m, parent, key, out var node, out string field) ? read(node, field) : null;

        private T? OptionalRef<T>(YamlMappingNode m, string parent, string key, Func<YamlNode, string, T> read) where T : class =>
            Present(m, parent, key, out var node, out string field) ? read(node, field) : null;

        private static bool Present(YamlMappingNode m, string parent, string key, out YamlNode node, out string field)
        {
            field = parent.Length == 0 ? key : $"{parent}.{key}";
            return m.Children.TryGetValue(new YamlScalarNode(key), out node!) && !(node is YamlScalarNode { Value: null or "" or "~" or "null" });
        }

        private void Keys(YamlMappingNode m, string parent, params string[] allowed)
        {
            foreach (var key in m.Children.Keys)
            {
                string name = (key as YamlScalarNode)?.Value ?? "?";
                if (!allowed.Contains(name))
                    throw new ScenarioFileException(path, parent.Length == 0 ? name : $"{parent}.{name}", (int)key.Start.Line, null,
                        $"unknown key (allowed here: {string.Join(", ", allowed)})");
            }
        }

        private ScenarioFileException Error(string field, YamlNode node, string? value, string problem) =>
            new(path, field, (int)node.Start.Line, value, problem);

        private static string Show(YamlNode node) => node switch
        {
            YamlScalarNode s => s.Value ?? "",
            YamlSequenceNode q => $"[{string.Join(", ", q.Children.Select(Show))}]",
            _ => "{...}",
        };

        private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}
