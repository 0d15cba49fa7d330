using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
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
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Deepest nesting of lists and mappings: 32 (a scenario file needs 4).</summary>
    public const int MaxDepth = 32;

    /// <summary>Most nodes the document may hold with every alias expanded: 1,000,000 (a "billion laughs" file is refused, not expanded).</summary>
    public const long MaxExpandedNodes = 1_000_000;

    public static ScenarioFile Load(string path)
    {
        string text;
        try
        {
            if (Directory.Exists(path)) throw new ScenarioFileException(path, "file", null, null, "is a folder, not a scenario file");
            text = ReadBounded(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioFileException(path, "file", null, null,
                ex is FileNotFoundException or DirectoryNotFoundException ? "no such file"
                : ex is UnauthorizedAccessException ? "cannot be read (permission denied)"
                : OneLine(ex.Message));
        }
        return Parse(text, path);
    }

    /// <summary>The file's text, reading at most <see cref="MaxFileBytes"/> + 1 bytes whatever the file claims its size is.</summary>
    private static string ReadBounded(string path)
    {
        var buffer = new byte[MaxFileBytes + 1];
        int n = 0;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            int read;
            while (n < buffer.Length && (read = stream.Read(buffer, n, buffer.Length - n)) > 0) n += read;
        }
        if (n > MaxFileBytes)
            throw new ScenarioFileException(path, "file", null, null, $"is larger than {MaxFileBytes / 1024} KiB; a scenario file is a few kilobytes of YAML");
        using var reader = new StreamReader(new MemoryStream(buffer, 0, n), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    public static ScenarioFile Parse(string yaml, string path)
    {
        if (yaml.Length > MaxFileBytes)
            throw new ScenarioFileException(path, "file", null, null, $"is larger than {MaxFileBytes / 1024} KiB; a scenario file is a few kilobytes of YAML");
        var r = new Reader(path);
        YamlMappingNode root;
        try
        {
            CheckShape(yaml, path);
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

    /// <summary>
    /// One pass over the parser's events (a state machine, no recursion) before anything is built:
    /// one document only, nesting at most <see cref="MaxDepth"/>, and at most
    /// <see cref="MaxExpandedNodes"/> nodes with every alias counted as the size of its anchor, so
    /// neither the tree builder's recursion nor an alias bomb can exhaust the stack or memory.
    /// </summary>
    private static void CheckShape(string yaml, string path)
    {
        var parser = new Parser(new StringReader(yaml));
        var anchors = new Dictionary<string, long>();
        // Per open collection: its anchor (or null) and the expanded node count so far.
        var open = new Stack<(string? Anchor, long Nodes)>();
        long total = 0;
        int documents = 0;

        void Add(long nodes, Mark at)
        {
            total = Math.Min(total + nodes, long.MaxValue / 2);
            if (open.Count > 0) { var (a, n) = open.Pop(); open.Push((a, Math.Min(n + nodes, long.MaxValue / 2))); }
            if (total > MaxExpandedNodes)
                throw new ScenarioFileException(path, "(yaml)", (int)at.Line, null,
                    $"more than {MaxExpandedNodes:N0} values once aliases are expanded; a scenario file needs far fewer");
        }

        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case DocumentStart d when !d.IsImplicit || documents > 0:
                    if (++documents > 1)
                        throw new ScenarioFileException(path, "(yaml)", (int)d.Start.Line, null, "a second YAML document (---); a scenario file holds one");
                    break;
                case DocumentStart:
                    documents++;
                    break;
                case Scalar sc:
                    Add(1, sc.Start);
                    if (!sc.Anchor.IsEmpty) anchors[sc.Anchor.Value] = 1;
                    break;
                case AnchorAlias al:
                    Add(anchors.TryGetValue(al.Value.Value, out long size) ? size : 1, al.Start);
                    break;
                case NodeEvent start when start is MappingStart or SequenceStart:
                    if (open.Count >= MaxDepth)
                        throw new ScenarioFileException(path, "(yaml)", (int)start.Start.Line, null, $"lists and mappings nested more than {MaxDepth} deep");
                    open.Push((start.Anchor.IsEmpty ? null : start.Anchor.Value, 0));
                    break;
                case MappingEnd or SequenceEnd:
                    var (anchor, nodes) = open.Pop();
                    Add(nodes + 1, parser.Current.Start);
                    if (anchor is not null) anchors[anchor] = nodes + 1;
                    break;
            }
        }
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
            if (root.Children.TryGetValue(new YamlScalarNode("target"), out var tn) && tn is YamlScalarNode { Value: null or "" or "~" or "null" })
                throw Error("target", tn, null, "is empty; give the target DLT rate (e.g. 0.30) or leave the key out for 0.30");
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
            if (node is YamlScalarNode { Value: { Length: > 0 } v })
            {
                // Control characters (other than tab and line breaks) cannot be written to SVG, HTML or XML, nor shown on one line.
                for (int i = 0; i < v.Length; i++)
                {
                    char c = v[i];
                    if (char.IsHighSurrogate(c) && i + 1 < v.Length && char.IsLowSurrogate(v[i + 1])) { i++; continue; }
                    if (c is '\t' or '\n' or '\r') continue;
                    if (char.IsControl(c) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
                        throw Error(field, node, Show(node), $"contains the control character U+{(int)c:X4}; names and notes must be printable text");
                }
                return v;
            }
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

        /// <summary>The node as quoted in a message: at most <see cref="ScenarioFileException.MaxQuoted"/> characters, aliases never expanded beyond that.</summary>
        private static string Show(YamlNode node)
        {
            var sb = new System.Text.StringBuilder();
            Append(node, sb, 0);
            return sb.ToString();

            static void Append(YamlNode node, System.Text.StringBuilder sb, int depth)
            {
                if (sb.Length > ScenarioFileException.MaxQuoted) return;
                switch (node)
                {
                    case YamlScalarNode s:
                        string v = s.Value ?? "";
                        sb.Append(v.Length > ScenarioFileException.MaxQuoted ? v[..(ScenarioFileException.MaxQuoted + 1)] : v);
                        break;
                    case YamlSequenceNode q when depth < 4:
                        sb.Append('[');
                        for (int i = 0; i < q.Children.Count && sb.Length <= ScenarioFileException.MaxQuoted; i++)
                        {
                            if (i > 0) sb.Append(", ");
                            Append(q.Children[i], sb, depth + 1);
                        }
                        sb.Append(']');
                        break;
                    case YamlSequenceNode:
                        sb.Append("[...]");
                        break;
                    default:
                        sb.Append("{...}");
                        break;
                }
            }
        }

        private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}
