using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace DoseEscalation.Scenarios;

/// <summary>
/// How one kind of YAML input names itself in the document-level messages. Scenario files and sweep
/// grids worded their syntax errors differently before they shared a reader; users' scripts and the
/// tests match those words, so each kind keeps its own.
/// </summary>
internal sealed record YamlFileKind(string Noun, string SyntaxField, string SyntaxPrefix, string NotAMapping)
{
    public static readonly YamlFileKind ScenarioFile = new("a scenario file", "(yaml)", "malformed YAML: ", "expected a mapping of keys (trial, doses, design, ...)");
    public static readonly YamlFileKind SweepGrid = new("a sweep grid", "(document)", "not valid YAML: ", "a sweep grid is one YAML mapping (doses, target, trials, designs, scenarios, ...)");
}

/// <summary>
/// The one YAML reading layer of scenario files and sweep grids: bounded reading of the file, the
/// shape checks before any tree is built, and typed field accessors whose every problem is one
/// <see cref="ScenarioFileException"/> naming the file, field, line and value. A reader derives
/// from it and adds its schema.
/// </summary>
internal class YamlFields(string path)
{
    /// <summary>Largest file read: 1 MiB (the examples are a few kilobytes). Larger input, or endless input like /dev/zero, is an error.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Deepest nesting of lists and mappings: 32 (a scenario file needs 4).</summary>
    public const int MaxDepth = 32;

    /// <summary>Most nodes the document may hold with every alias expanded: 1,000,000 (a "billion laughs" file is refused, not expanded).</summary>
    public const long MaxExpandedNodes = 1_000_000;

    /// <summary>The file named in every message.</summary>
    protected string FilePath { get; } = path;

    // ---- the document -----------------------------------------------------------------------

    /// <summary>The text of the file at <paramref name="path"/> (at most <see cref="MaxFileBytes"/>), every failure a <see cref="ScenarioFileException"/>.</summary>
    public static string ReadText(string path, YamlFileKind kind)
    {
        string text;
        try
        {
            if (Directory.Exists(path)) throw new ScenarioFileException(path, "file", null, null, $"is a folder, not {kind.Noun}");
            text = ReadBounded(path, kind);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioFileException(path, "file", null, null,
                ex is FileNotFoundException or DirectoryNotFoundException ? "no such file"
                : ex is UnauthorizedAccessException ? "cannot be read (permission denied)"
                : OneLine(ex.Message));
        }
        return text;
    }

    /// <summary>The file's text, reading at most <see cref="MaxFileBytes"/> + 1 bytes whatever the file claims its size is.</summary>
    private static string ReadBounded(string path, YamlFileKind kind)
    {
        var buffer = new byte[MaxFileBytes + 1];
        int n = 0;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            int read;
            while (n < buffer.Length && (read = stream.Read(buffer, n, buffer.Length - n)) > 0) n += read;
        }
        if (n > MaxFileBytes) throw TooLarge(path, kind);
        using var reader = new StreamReader(new MemoryStream(buffer, 0, n), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static ScenarioFileException TooLarge(string path, YamlFileKind kind) =>
        new(path, "file", null, null, $"is larger than {MaxFileBytes / 1024} KiB; {kind.Noun} is a few kilobytes of YAML");

    /// <summary>The document's root mapping, after the size cap and <see cref="CheckShape"/>; text given directly (not read from a file) is held to the same cap.</summary>
    public static YamlMappingNode LoadRoot(string yaml, string path, YamlFileKind kind)
    {
        if (yaml.Length > MaxFileBytes) throw TooLarge(path, kind);
        try
        {
            CheckShape(yaml, path, kind);
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0) throw new ScenarioFileException(path, "(document)", null, null, "the file is empty");
            return stream.Documents[0].RootNode as YamlMappingNode
                ?? throw new ScenarioFileException(path, "(document)", (int)stream.Documents[0].RootNode.Start.Line, null, kind.NotAMapping);
        }
        catch (YamlException ex)
        {
            throw new ScenarioFileException(path, kind.SyntaxField, (int)ex.Start.Line, null, kind.SyntaxPrefix + OneLine(ex.InnerException?.Message ?? ex.Message));
        }
        catch (InvalidOperationException) // YamlDotNet's parser reports some unterminated structures this way
        {
            throw new ScenarioFileException(path, kind.SyntaxField, null, null, kind.SyntaxPrefix + "the document ends inside an unclosed [ ], { } or quote");
        }
    }

    /// <summary>
    /// One pass over the parser's events (a state machine, no recursion) before anything is built:
    /// one document only, nesting at most <see cref="MaxDepth"/>, and at most
    /// <see cref="MaxExpandedNodes"/> nodes with every alias counted as the size of its anchor, so
    /// neither the tree builder's recursion nor an alias bomb can exhaust the stack or memory.
    /// </summary>
    private static void CheckShape(string yaml, string path, YamlFileKind kind)
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
                    $"more than {MaxExpandedNodes:N0} values once aliases are expanded; {kind.Noun} needs far fewer");
        }

        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case DocumentStart d when !d.IsImplicit || documents > 0:
                    if (++documents > 1)
                        throw new ScenarioFileException(path, "(yaml)", (int)d.Start.Line, null, $"a second YAML document (---); {kind.Noun} holds one");
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

    // ---- keys and errors --------------------------------------------------------------------

    /// <summary>A key's field path: "parent.key", or "key" at the top.</summary>
    protected static string Field(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    protected ScenarioFileException Error(string field, YamlNode? node, string? value, string problem) =>
        new(FilePath, field, node is null ? null : (int)node.Start.Line, value, problem);

    /// <summary>Every key of <paramref name="m"/> must be one of <paramref name="allowed"/>, so a misspelt option never passes silently.</summary>
    protected void Keys(YamlMappingNode m, string parent, params IReadOnlyList<string> allowed) =>
        UnknownKeys(m, parent, allowed, $"unknown key (allowed here: {string.Join(", ", allowed)})");

    /// <summary>As <see cref="Keys"/>, in a reader's own wording of the problem.</summary>
    protected void UnknownKeys(YamlMappingNode m, string parent, IReadOnlyList<string> allowed, string problem)
    {
        foreach (var key in m.Children.Keys)
        {
            string name = (key as YamlScalarNode)?.Value ?? "?";
            if (!allowed.Contains(name)) throw Error(Field(parent, name), key, null, problem);
        }
    }

    /// <summary>The key is there with a value (an empty value or ~ counts as absent).</summary>
    protected static bool Present(YamlMappingNode m, string parent, string key, out YamlNode node, out string field)
    {
        field = Field(parent, key);
        return m.Children.TryGetValue(new YamlScalarNode(key), out node!) && !(node is YamlScalarNode { Value: null or "" or "~" or "null" });
    }

    /// <summary>The key is there, whatever its value.</summary>
    protected static bool Has(YamlMappingNode m, string key, out YamlNode node) => m.Children.TryGetValue(new YamlScalarNode(key), out node!);

    protected static bool Has(YamlMappingNode m, string key) => m.Children.ContainsKey(new YamlScalarNode(key));

    /// <summary>The node of a key known to be there.</summary>
    protected static YamlNode At(YamlMappingNode m, string key) => m.Children[new YamlScalarNode(key)];

    protected T Required<T>(YamlMappingNode m, string parent, string key) where T : YamlNode
    {
        string field = Field(parent, key);
        if (!Has(m, key, out var node)) throw Error(field, m, null, "is required");
        return node as T ?? throw Error(field, node, Show(node), typeof(T) == typeof(YamlSequenceNode) ? "expected a list" : typeof(T) == typeof(YamlMappingNode) ? "expected a mapping of keys" : "expected a single value");
    }

    protected T? Optional<T>(YamlMappingNode m, string parent, string key, Func<YamlNode, string, T> read) where T : struct =>
        Present(m, parent, key, out var node, out string field) ? read(node, field) : null;

    protected T? OptionalRef<T>(YamlMappingNode m, string parent, string key, Func<YamlNode, string, T> read) where T : class =>
        Present(m, parent, key, out var node, out string field) ? read(node, field) : null;

    /// <summary>A key's text as written (null when absent); a list or mapping there is an error.</summary>
    protected string? Scalar(YamlMappingNode m, string parent, string key)
    {
        if (!Has(m, key, out var node)) return null;
        return node is YamlScalarNode s ? s.Value : throw Error(Field(parent, key), node, null, "expected a single value");
    }

    // ---- typed values -----------------------------------------------------------------------

    /// <summary>A finite number in invariant culture (1e-3 and .5 included).</summary>
    protected static bool TryNumber(string? text, out double v) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);

    /// <summary>A whole number; <paramref name="underscores"/> lets 10_000 be written for 10000.</summary>
    protected static bool TryWhole(string? text, out long v, bool underscores = true) =>
        long.TryParse(underscores ? text?.Replace("_", "") : text, NumberStyles.Integer, CultureInfo.InvariantCulture, out v);

    /// <summary>A seed, 0 to 2^64 - 1, underscores allowed; <paramref name="styles"/> is the sign and white space the reader accepts.</summary>
    protected static bool TrySeed(string? text, NumberStyles styles, out ulong v) =>
        ulong.TryParse(text?.Replace("_", ""), styles, CultureInfo.InvariantCulture, out v);

    protected const string SeedRange = "expected a whole number from 0 to 18446744073709551615";

    protected IReadOnlyList<double> Probabilities(YamlNode node, string field)
    {
        if (node is not YamlSequenceNode seq) throw Error(field, node, Show(node), "expected a list of probabilities, e.g. [0.05, 0.10, 0.20]");
        if (seq.Children.Count == 0) throw Error(field, node, "[]", "the list is empty");
        return seq.Children.Select((c, i) => Probability(c, $"{field}[{i}]", open: false)).ToList();
    }

    protected double Probability(YamlNode node, string field, bool open)
    {
        double v = Number(node, field);
        bool ok = open ? v > 0 && v < 1 : v >= 0 && v <= 1;
        if (!ok) throw Error(field, node, Show(node), open ? "must be a probability strictly between 0 and 1" : "a probability must be in [0, 1]");
        return v;
    }

    protected double Number(YamlNode node, string field) =>
        node is YamlScalarNode s && TryNumber(s.Value, out double v) ? v : throw Error(field, node, Show(node), "expected a number");

    protected long Integer(YamlNode node, string field, long min, long max)
    {
        if (node is YamlScalarNode s && TryWhole(s.Value, out long v))
        {
            if (v < min || v > max) throw Error(field, node, Show(node), max == long.MaxValue ? $"must be at least {min}" : $"must be between {min} and {max}");
            return v;
        }
        throw Error(field, node, Show(node), "expected a whole number");
    }

    /// <summary>A seed, 0 to 2^64 - 1, as <c>--seed</c> takes it.</summary>
    protected ulong Seed(YamlNode node, string field) =>
        node is YamlScalarNode s && TrySeed(s.Value, NumberStyles.None, out ulong v) ? v : throw Error(field, node, Show(node), SeedRange);

    protected bool Boolean(YamlNode node, string field) =>
        node is YamlScalarNode { Value: "true" or "True" or "yes" } ? true
        : node is YamlScalarNode { Value: "false" or "False" or "no" } ? false
        : throw Error(field, node, Show(node), "expected true or false");

    protected string Text(YamlNode node, string field)
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
            // A name of only spaces names nothing (and would print as nothing).
            if (string.IsNullOrWhiteSpace(v)) throw Error(field, node, Show(node), "is only spaces; give a text");
            return v;
        }
        throw Error(field, node, Show(node), "expected a non-empty text");
    }

    protected YamlMappingNode Mapping(YamlNode node, string field) =>
        node as YamlMappingNode ?? throw Error(field, node, Show(node), "expected a mapping of keys");

    /// <summary>The node as quoted in a message: at most <see cref="ScenarioFileException.MaxQuoted"/> characters, aliases never expanded beyond that.</summary>
    protected static string Show(YamlNode node)
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

    protected static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
