using System.Text.Json;
using DoseEscalation.Engines;
using DoseEscalation.Scenarios;
using DoseEscalation.Sharding;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Application;

/// <summary>What merge hands the replayed run: the first part (inputs) and the counters of every part.</summary>
public sealed class MergedParts
{
    internal MergedParts(PartialResult first, IReadOnlyList<IReadOnlyList<(string Path, JsonElement Counters)>> counters) => (First, Counters) = (first, counters);

    /// <summary>The first part in range order: its inputs are every part's.</summary>
    public PartialResult First { get; }
    /// <summary>Per scenario (or per sweep cell), the counters of every part that has it, in range order, with the part's path.</summary>
    internal IReadOnlyList<IReadOnlyList<(string Path, JsonElement Counters)>> Counters { get; }
}

/// <summary>The parts of one run, checked and ready to replay: the verb and arguments they recorded, and their counters.</summary>
public sealed record MergeInput(string Verb, IReadOnlyList<string> Arguments, MergedParts Parts);

/// <summary>Either the results of a whole (or merged) run, or the part a shard writes.</summary>
internal readonly record struct Sharded<T>(List<T>? Results, PartialResult? Part);

/// <summary>
/// The shard protocol: a shard counts its range of batches (or sweep cells) and returns a
/// self-described part; merge checks that parts are one run, adds their counters and finishes the
/// run as the unsharded verb would, byte for byte (docs/cluster.md).
/// </summary>
public static class Shards
{
    /// <summary>Options that change no result: dropped from the command line a part records.</summary>
    private static readonly string[] Unrecorded = ["--shard", "--shard-count", "--out", "--threads", "--simd"];

    /// <summary>The shard to run, or null for the whole run; checks what a shard cannot be combined with.</summary>
    /// <param name="s">The shard settings as given.</param>
    /// <param name="hasOut">Whether the run writes to a file (a part must).</param>
    internal static Shard? Resolve(ShardSettings s, bool hasOut)
    {
        if (s.Shard is null) return null;
        if (!hasOut) throw new UsageException("--shard writes a partial result: give --out FILE (merge adds the parts into the output)");
        if (s.CommandLine.Contains("--format")) throw new UsageException("--format applies to the merged output: give it to merge, not to a shard");
        return Parse(s);
    }

    internal static Shard Parse(ShardSettings s)
    {
        try { return s.Shard == "auto" ? Shard.FromEnvironment(Environment.GetEnvironmentVariable, s.ShardCount) : Shard.Parse(s.Shard!); }
        catch (ShardException ex) { throw new InputException(ex.Message); }
    }

    /// <summary>The command line after the verb, without the options that change no result.</summary>
    public static List<string> Recorded(IReadOnlyList<string> commandLine)
    {
        var kept = new List<string>();
        for (int i = 1; i < commandLine.Count; i++)
        {
            string a = commandLine[i];
            if (Unrecorded.Contains(a)) { i++; continue; }
            if (a == "--quiet")
            {
                if (i + 1 < commandLine.Count && commandLine[i + 1].ToLowerInvariant() is "true" or "false") i++;
                continue;
            }
            kept.Add(a);
        }
        return kept;
    }

    /// <summary>The batches of <paramref name="shard"/>, refused when there are fewer batches than shards.</summary>
    internal static MonteCarloOptions Range(MonteCarloOptions options, Shard shard)
    {
        long batches = options.TotalBatches;
        if (shard.Count > batches)
            throw new InputException($"--shard {shard}: the run has {batches:N0} batch{(batches == 1 ? "" : "es")} of up to {options.BatchSize:N0} trials, fewer than {shard.Count} shards; use at most {batches} shards or a smaller --batch-size");
        var (first, count) = shard.Range(batches);
        return options with { FirstBatch = first, BatchCount = count };
    }

    /// <summary>The resolved inputs of a simulate or compare run, as the <c>run</c> object of its parts.</summary>
    internal static string RunJson(string verb, RunInputs inputs, MonteCarloOptions options, string method) => PartialResult.Json(w =>
    {
        var file = inputs.File;
        w.WriteStartObject();
        w.WriteString("verb", verb);
        w.WriteString("source", file.Path);
        w.WriteNumber("target", file.Target);
        w.WriteString("correct_selection", file.CorrectSelection.Describe());
        w.WriteStartArray("designs_resolved");
        foreach (var d in inputs.Designs) w.WriteStringValue(d.Summary());
        w.WriteEndArray();
        w.WriteStartArray("scenarios");
        foreach (var s in file.Scenarios)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteStartArray("dlt");
            foreach (var p in s.Dlt) w.WriteNumberValue(p);
            w.WriteEndArray();
            if (s.Response is { } r)
            {
                w.WriteStartArray("response");
                foreach (var p in r) w.WriteNumberValue(p);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("seed", options.Seed);
        w.WriteNumber("trials", options.Trials);
        w.WriteNumber("batch_size", options.BatchSize);
        w.WriteString("method", method);
        w.WriteEndObject();
    });

    /// <summary>
    /// The shard side of a sharded verb, per scenario: under merge, checks that the parts are this run
    /// and finishes each scenario from its summed counters; in a shard, counts the shard's batch range
    /// and returns the part.
    /// </summary>
    internal static Sharded<TResult> ShardOrMerge<TCounts, TResult>(string verb, TrialInput input, ShardSettings s, Shard? shard, string runJson,
        MonteCarloOptions options, int scenarios, RunContext context,
        Func<int, MonteCarloOptions, TCounts> count, Counters<TCounts> counters, Func<TCounts, int, TResult> finish)
    {
        if (s.Merged is { } merged)
        {
            CheckReplay(merged, runJson);
            return new(Enumerable.Range(0, scenarios).Select(i => finish(Sum(merged, i, counters, options.Trials), i)).ToList(), null);
        }
        var range = Range(options, shard!) with { Cancellation = context.Cancellation };
        long trials = range.RangeTrials;
        var counts = context.Track($"Shard {shard}", scenarios * trials, report =>
            Enumerable.Range(0, scenarios).Select(i => count(i, range with { Progress = done => report(i * trials + done) })).ToList());
        var part = new PartialResult
        {
            Tool = ToolInfo.Describe(),
            Verb = verb,
            Arguments = Recorded(s.CommandLine),
            InputPath = input.File,
            InputText = input.FileText,
            InputSha256 = input.FileText is { } t ? PartialResult.Sha256(t) : null,
            RunJson = runJson,
            Shard = shard!,
            Unit = "batches",
            First = range.FirstBatch,
            Count = range.EndBatch - range.FirstBatch,
            Total = range.TotalBatches,
            CountersJson = PartialResult.Json(w => { w.WriteStartArray(); foreach (var c in counts) counters.Write(w, c); w.WriteEndArray(); }),
        };
        return new(null, part);
    }

    /// <summary>Reads the scenario file once, so that a part records (and hashes) exactly the text it ran on.</summary>
    internal static TrialInput ReadInput(TrialInput input, ShardSettings s)
    {
        if (s.Merged is { } m) return input with { FileText = m.First.InputText };
        if (s.Shard is not null && input.File is { } path) return input with { FileText = ScenarioFileReader.ReadText(path) };
        return input;
    }

    /// <summary>Under merge: the replayed run must resolve to the inputs the parts recorded.</summary>
    internal static void CheckReplay(MergedParts m, string runJson)
    {
        if (runJson == m.First.RunJson) return;
        using var a = JsonDocument.Parse(m.First.RunJson);
        using var b = JsonDocument.Parse(runJson);
        foreach (var p in a.RootElement.EnumerateObject())
        {
            string now = b.RootElement.TryGetProperty(p.Name, out var v) ? v.GetRawText() : "(missing)";
            if (now != p.Value.GetRawText())
                throw new InputException($"the parts' inputs resolve differently with this build: {p.Name} is {Clip(now)} here, {Clip(p.Value.GetRawText())} in the parts");
        }
        throw new InputException("the parts' inputs resolve differently with this build");
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";

    /// <summary>Reads the parts, checks that they are one run (same inputs and tool, ranges tiling the whole), and collects their counters.</summary>
    public static MergeInput Read(IReadOnlyList<string> paths)
    {
        var parts = new List<(string, PartialResult)>();
        try
        {
            foreach (var p in paths) parts.Add((p, PartialResult.Read(p)));
            var ordered = PartialResult.CheckOneRun(parts);
            var first = ordered[0].Part;
            if (first.Verb is not ("simulate" or "compare" or "sweep")) throw new InputException($"{ordered[0].Path}: verb '{first.Verb}' cannot be merged");
            var counters = first.Verb == "sweep" ? SweepParts(ordered) : ByScenario(ordered);
            return new MergeInput(first.Verb, first.Arguments, new MergedParts(first, [.. counters]));
        }
        catch (PartialFileException ex) { throw new InputException(ex.Message); }
    }

    // Every part has one counters entry per scenario; entry i of the merge lists the parts' entries i.
    private static List<List<(string, JsonElement)>> ByScenario(IReadOnlyList<(string Path, PartialResult Part)> parts)
    {
        List<List<(string, JsonElement)>>? lists = null;
        foreach (var (path, part) in parts)
        {
            var entries = Entries(path, part);
            if (lists is not null && entries.Count != lists.Count)
                throw new PartialFileException($"{path}: counters of {entries.Count} scenarios, not {lists.Count}");
            lists ??= entries.Select(_ => new List<(string, JsonElement)>()).ToList();
            for (int i = 0; i < entries.Count; i++) lists[i].Add((path, entries[i]));
        }
        return lists ?? [];
    }

    // A sweep part holds whole cells: entry c of the merge is cell c's counters, from the part that has it.
    private static List<List<(string, JsonElement)>> SweepParts(IReadOnlyList<(string Path, PartialResult Part)> parts)
    {
        var cells = new List<List<(string, JsonElement)>>();
        foreach (var (path, part) in parts)
        {
            var entries = Entries(path, part);
            if (entries.Count != part.Count) throw new PartialFileException($"{path}: {entries.Count} cells of counters for cells {part.First}..{part.First + part.Count - 1}");
            cells.AddRange(entries.Select(e => new List<(string, JsonElement)> { (path, e) }));
        }
        return cells;
    }

    private static List<JsonElement> Entries(string path, PartialResult part)
    {
        using var doc = JsonDocument.Parse(part.CountersJson);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new PartialFileException($"{path}: counters is not an array");
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>Scenario <paramref name="i"/>'s counters, summed over the parts; they must count the run's <paramref name="trials"/>.</summary>
    internal static T Sum<T>(MergedParts m, int i, Counters<T> counters, long trials)
    {
        if (i >= m.Counters.Count) throw new InputException($"the parts hold counters of {m.Counters.Count} scenarios; the run has more");
        T total = default!;
        bool first = true;
        foreach (var (path, e) in m.Counters[i])
        {
            var c = Read(path, $"scenario {i + 1}", () => counters.Read(e));
            if (first) (total, first) = (c, false);
            else if (!counters.TryAdd(total, c)) throw new InputException($"{path}: the counters of scenario {i + 1} have another shape than the other parts'");
        }
        long counted = counters.Trials(total);
        if (counted != trials) throw new InputException($"the parts' counters of scenario {i + 1} count {counted:N0} trials, not the run's {trials:N0} (a part was edited or damaged)");
        return total;
    }

    /// <summary>Reads counters, naming the part and what they belong to when they are damaged.</summary>
    internal static T Read<T>(string path, string what, Func<T> read)
    {
        try { return read(); }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            throw new InputException($"{path}: damaged counters of {what} ({ex.Message.Split('\n')[0]})");
        }
    }
}
