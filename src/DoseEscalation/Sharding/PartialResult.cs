using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;
namespace DoseEscalation.Sharding;

/// <summary>A partial-result file that cannot be used: one line naming the file and what is wrong.</summary>
public sealed class PartialFileException(string message) : Exception(message);

/// <summary>
/// What one shard of a run computed, self-described: the tool that wrote it, the verb and its
/// arguments, the scenario file's text and SHA-256, the run's resolved inputs (<see cref="RunJson"/>:
/// designs with every option, scenarios, seed, trials, batch size, method, ...), the shard's range
/// of work units, and the raw integer counters of that range (<see cref="CountersJson"/>).
/// Shards whose <see cref="RunJson"/> and <see cref="Tool"/> agree and whose ranges tile
/// 0..<see cref="Total"/> add up to the whole run exactly (docs/cluster.md).
/// </summary>
public sealed class PartialResult
{
    /// <summary>The <c>format</c> field of every partial-result file of this layout.</summary>
    public const string FormatName = "dose-escalation-partial/1";

    /// <summary>The tool and commit that wrote the part (<see cref="ToolInfo.Describe"/>); parts of one run agree on it.</summary>
    public required string Tool { get; init; }
    public required string Verb { get; init; }
    /// <summary>The command line after the verb, without the options that do not change the results (--shard, --out, --threads, ...).</summary>
    public required IReadOnlyList<string> Arguments { get; init; }
    /// <summary>The scenario (or grid) file as given on the command line, its text and SHA-256 (null when there is none).</summary>
    public string? InputPath { get; init; }
    public string? InputText { get; init; }
    public string? InputSha256 { get; init; }
    /// <summary>The resolved inputs, a JSON object; parts of one run have the same one, property by property.</summary>
    public required string RunJson { get; init; }
    public required Shard Shard { get; init; }
    /// <summary>What the range counts: "batches" (of trials) or "cells" (of a sweep).</summary>
    public required string Unit { get; init; }
    public required long First { get; init; }
    public required long Count { get; init; }
    public required long Total { get; init; }
    /// <summary>The counters, a JSON array (one entry per scenario, or per sweep cell).</summary>
    public required string CountersJson { get; init; }

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public void Write(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, JsonWriting.Options);
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteString("tool", Tool);
        w.WriteString("verb", Verb);
        w.WriteStartArray("arguments");
        foreach (var a in Arguments) w.WriteStringValue(a);
        w.WriteEndArray();
        w.WriteStartObject("input");
        if (InputPath is null) { w.WriteNull("path"); w.WriteNull("sha256"); w.WriteNull("text"); }
        else { w.WriteString("path", InputPath); w.WriteString("sha256", InputSha256); w.WriteString("text", InputText); }
        w.WriteEndObject();
        w.WritePropertyName("run");
        w.WriteRawValue(RunJson);
        w.WriteStartObject("shard");
        w.WriteNumber("index", Shard.Index);
        w.WriteNumber("count", Shard.Count);
        w.WriteString("unit", Unit);
        w.WriteNumber("first", First);
        w.WriteNumber("length", Count);
        w.WriteNumber("total", Total);
        w.WriteEndObject();
        w.WriteString("counters_sha256", Sha256(CountersJson));
        w.WritePropertyName("counters");
        w.WriteRawValue(CountersJson);
        w.WriteEndObject();
    }

    /// <summary>Reads a part; every problem is a <see cref="PartialFileException"/> naming <paramref name="path"/>.</summary>
    public static PartialResult Read(string path)
    {
        byte[] bytes;
        if (Directory.Exists(path)) throw new PartialFileException($"{path}: is a folder, not a partial result");
        try
        {
            bytes = BoundedInput.ReadFile(path, BoundedInput.MaxPartBytes)
                ?? throw new PartialFileException($"{path}: is larger than {BoundedInput.MaxPartBytes >> 20} MiB; a shard's partial result is its counters, kilobytes per scenario or cell");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PartialFileException($"{path}: {(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex is UnauthorizedAccessException ? "cannot be read (permission denied)" : ex.Message.Split('\n')[0])}");
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String)
                throw new PartialFileException($"{path}: not a dose-escalation partial result (no \"format\" field); a shard writes one with --shard I/N --out FILE");
            if (format.GetString() != FormatName)
                throw new PartialFileException($"{path}: format '{format.GetString()}' is not {FormatName}");
            var input = Get(root, "input", path);
            var shard = Get(root, "shard", path);
            string? inputPath = input.GetProperty("path").GetString();
            string? text = input.GetProperty("text").GetString();
            string? sha = input.GetProperty("sha256").GetString();
            if (text is not null && Sha256(text) != sha)
                throw new PartialFileException($"{path}: input.text does not match its input.sha256 (the part was edited or damaged)");
            // Values, not layout: a part re-indented by a JSON tool reads as the one written.
            string counters = Canonical(Get(root, "counters", path));
            var digest = Get(root, "counters_sha256", path);
            if (digest.ValueKind != JsonValueKind.String || digest.GetString() != Sha256(counters))
                throw new PartialFileException($"{path}: the counters do not match their counters_sha256 (the part was edited or damaged)");
            return new PartialResult
            {
                Tool = Get(root, "tool", path).GetString()!,
                Verb = Get(root, "verb", path).GetString()!,
                Arguments = Get(root, "arguments", path).EnumerateArray().Select(a => a.GetString()!).ToList(),
                InputPath = inputPath, InputText = text, InputSha256 = sha,
                RunJson = Canonical(Get(root, "run", path)),
                Shard = new Shard(shard.GetProperty("index").GetInt32(), shard.GetProperty("count").GetInt32()),
                Unit = shard.GetProperty("unit").GetString()!,
                First = shard.GetProperty("first").GetInt64(),
                Count = shard.GetProperty("length").GetInt64(),
                Total = shard.GetProperty("total").GetInt64(),
                CountersJson = counters,
            };
        }
        catch (JsonException ex) { throw new PartialFileException($"{path}: not valid JSON ({ex.Message.Split('\n')[0]})"); }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new PartialFileException($"{path}: damaged partial result ({ex.Message.Split('\n')[0]})");
        }
    }

    private static JsonElement Get(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var v) ? v : throw new PartialFileException($"{path}: partial result has no \"{name}\" field");

    /// <summary>
    /// Checks that <paramref name="parts"/> are the shards of one run: the same tool and inputs
    /// (run, property by property), and ranges that cover 0..Total once each. Throws a
    /// <see cref="PartialFileException"/> naming the part and what is wrong. Returns the parts in range order.
    /// </summary>
    public static IReadOnlyList<(string Path, PartialResult Part)> CheckOneRun(IReadOnlyList<(string Path, PartialResult Part)> parts)
    {
        if (parts.Count == 0) throw new PartialFileException("no parts to merge");
        var seen = new HashSet<string>();
        foreach (var (path, _) in parts)
            if (!seen.Add(Path.GetFullPath(path))) throw new PartialFileException($"{path} is given twice: merge each shard once");
        var (firstPath, first) = parts[0];
        var firstRun = Properties(first.RunJson);
        foreach (var (path, part) in parts.Skip(1))
        {
            string Foreign(string what) => $"{path} is not a shard of the same run as {firstPath}: {what}";
            if (part.Tool != first.Tool) throw new PartialFileException(Foreign($"written by {part.Tool}, not {first.Tool}"));
            if (part.Verb != first.Verb) throw new PartialFileException(Foreign($"verb {part.Verb}, not {first.Verb}"));
            if (part.InputSha256 != first.InputSha256)
                throw new PartialFileException(Foreign($"input {part.InputPath ?? "(none)"} has SHA-256 {Short(part.InputSha256)}, not {Short(first.InputSha256)}"));
            var run = Properties(part.RunJson);
            foreach (var (key, value) in firstRun)
            {
                string other = run.TryGetValue(key, out var v) ? v : "(missing)";
                if (other != value) throw new PartialFileException(Foreign($"{key} {Clip(other)}, not {Clip(value)}"));
            }
            foreach (var key in run.Keys.Where(k => !firstRun.ContainsKey(k)))
                throw new PartialFileException(Foreign($"it has {key}, which {firstPath} has not"));
            if (part.Unit != first.Unit || part.Total != first.Total)
                throw new PartialFileException(Foreign($"{part.Total} {part.Unit} in all, not {first.Total} {first.Unit}"));
        }
        var ordered = parts.OrderBy(p => p.Part.First).ThenBy(p => p.Part.Count).ToList();
        long next = 0;
        string? previous = null;
        foreach (var (path, part) in ordered)
        {
            string Range(PartialResult p) => p.Count == 1 ? $"{p.Unit[..^(p.Unit.EndsWith("es", StringComparison.Ordinal) ? 2 : 1)]} {p.First}" : $"{p.Unit} {p.First}..{p.First + p.Count - 1}";
            if (part.First < next)
                throw new PartialFileException($"{path} repeats {Range(part)} (shard {part.Shard}), already in {previous}: merge each shard once");
            if (part.First > next)
                throw new PartialFileException($"{first.Unit} {next}..{part.First - 1} of {first.Total} are missing: no part has them (merge every shard; the parts given cover {Covered(ordered)})");
            next = part.First + part.Count;
            previous = path;
        }
        if (next < first.Total)
            throw new PartialFileException($"{first.Unit} {next}..{first.Total - 1} of {first.Total} are missing: no part has them (merge every shard; the parts given cover {Covered(ordered)})");
        return ordered;
    }

    private static string Covered(List<(string Path, PartialResult Part)> parts) =>
        string.Join(", ", parts.Select(p => $"{p.Part.First}..{p.Part.First + p.Part.Count - 1}"));

    private static string Short(string? sha) => sha is null ? "(no input file)" : sha[..12];

    private static string Clip(string json) => json.Length <= 80 ? json : json[..77] + "...";

    private static Dictionary<string, string> Properties(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
    }

    /// <summary>The value as this tool writes it (compact, its own escaping), whatever the layout it was read in.</summary>
    public static string Canonical(JsonElement e) => Json(e.WriteTo);

    /// <summary>A JSON value written by <paramref name="write"/> (compact), for <see cref="RunJson"/> and <see cref="CountersJson"/>.</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonWriting.Options.Encoder }))
            write(w);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal static string Invariant(Int128 v) => v.ToString(CultureInfo.InvariantCulture);
}
