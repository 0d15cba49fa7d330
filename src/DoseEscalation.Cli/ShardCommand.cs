using System.CommandLine;
using System.Text.Json;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Reporting;
using DoseEscalation.Sharding;

namespace DoseEscalation.Cli;

/// <summary>--shard, --shard-count and --batch-size of simulate, compare and sweep.</summary>
internal sealed class ShardFlags
{
    private readonly Option<string?> _shard = Flags.Text("--shard",
        "Run only shard I of N (I counted from 0: 0/4 .. 3/4), the I-th of N contiguous ranges of batches (sweep: of cells), and write its partial result (JSON, with the raw counters) to --out; "
        + "merge adds the parts into the output of the whole run. auto: from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (a Slurm job array), or JOB_COMPLETION_INDEX with --shard-count (a Kubernetes Indexed Job). See the cluster guide.", "I/N|auto");
    private readonly Option<int?> _count = Flags.Int("--shard-count", "With --shard auto under Kubernetes: the number of shards (the Indexed Job's completions).", 1);
    private readonly Option<int?>? _batch;

    public ShardFlags(Command command, bool withBatchSize = true)
    {
        command.Options.Add(_shard);
        command.Options.Add(_count);
        if (!withBatchSize) return;
        _batch = Flags.Int("--batch-size", $"Trials per batch, the unit of seeding and of --shard (default {new MonteCarloOptions().BatchSize:N0}). Batch b draws from a stream seeded from (seed, b), so results depend on it; shards of one run must use the same.", 1);
        command.Options.Add(_batch);
    }

    public ShardSettings Bind(ParseResult pr, string[] commandLine, MergedParts? merged)
    {
        var s = new ShardSettings { Shard = pr.Given(_shard), ShardCount = pr.Given(_count), BatchSize = _batch is null ? null : pr.Given(_batch), CommandLine = commandLine, Merged = merged };
        if (s.ShardCount is not null && s.Shard != "auto") throw new UsageException("--shard-count goes with --shard auto (under a Kubernetes Indexed Job)");
        return s;
    }
}

/// <summary>What merge hands the replayed verb: the first part (inputs) and the counters of every part, summed.</summary>
internal sealed class MergedParts(PartialResult first, IReadOnlyList<IReadOnlyList<JsonElement>> counters)
{
    public PartialResult First { get; } = first;
    /// <summary>Per scenario (or per sweep cell), the counters of every part that has it, in range order.</summary>
    public IReadOnlyList<IReadOnlyList<JsonElement>> Counters { get; } = counters;
}

/// <summary>Shards (a partial result per shard) and the merge verb that adds them up.</summary>
internal static class ShardCommand
{
    /// <summary>Options that change no result: dropped from the command line a part records.</summary>
    private static readonly string[] Unrecorded = ["--shard", "--shard-count", "--out", "--threads", "--simd"];

    /// <summary>The shard to run, or null for the whole run; checks what a shard cannot be combined with.</summary>
    public static Shard? Resolve(ShardSettings s, InputOptions o)
    {
        if (s.Shard is null) return null;
        if (o.Out is null) throw new UsageException("--shard writes a partial result: give --out FILE (merge adds the parts into the output)");
        if (s.CommandLine.Contains("--format")) throw new UsageException("--format applies to the merged output: give it to merge, not to a shard");
        try
        {
            return s.Shard == "auto" ? Shard.FromEnvironment(Environment.GetEnvironmentVariable, s.ShardCount) : Shard.Parse(s.Shard);
        }
        catch (ShardException ex) { throw new CliInputException(ex.Message); }
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
    public static MonteCarloOptions Range(MonteCarloOptions options, Shard shard)
    {
        long batches = options.TotalBatches;
        if (shard.Count > batches)
            throw new CliInputException($"--shard {shard}: the run has {batches:N0} batch{(batches == 1 ? "" : "es")} of up to {options.BatchSize:N0} trials, fewer than {shard.Count} shards; use at most {batches} shards or a smaller --batch-size");
        var (first, count) = shard.Range(batches);
        return options with { FirstBatch = first, BatchCount = count };
    }

    /// <summary>The resolved inputs of a simulate or compare run, as the <c>run</c> object of its parts.</summary>
    public static string RunJson(string verb, RunInputs inputs, InputOptions o, MonteCarloOptions options, string method) => PartialResult.Json(w =>
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

    /// <summary>Writes the part of shard <paramref name="shard"/> to --out.</summary>
    /// <summary>
    /// The shard side of a sharded verb, per scenario: under merge, checks that the parts are this run
    /// and finishes each scenario from its summed counters; in a shard, counts the shard's batch range
    /// and writes the part, returning null (the verb has nothing more to write).
    /// </summary>
    public static List<TResult>? ShardOrMerge<TCounts, TResult>(string verb, InputOptions o, ShardSettings s, Shard? shard, string runJson,
        MonteCarloOptions options, int scenarios, bool progress,
        Func<int, MonteCarloOptions, TCounts> count, Action<Utf8JsonWriter, TCounts> write, Func<MergedParts, int, TResult> finish)
    {
        if (s.Merged is { } merged)
        {
            CheckReplay(merged, runJson);
            return Enumerable.Range(0, scenarios).Select(i => finish(merged, i)).ToList();
        }
        var range = Range(options, shard!);
        long trials = range.RangeTrials;
        var counts = Progress.Run(progress, scenarios * trials, $"Shard {shard}", report =>
            Enumerable.Range(0, scenarios).Select(i => count(i, range with { Progress = done => report(i * trials + done) })).ToList());
        WritePart(verb, o, s, shard!, runJson, range, w => { foreach (var c in counts) write(w, c); });
        return null;
    }

    public static void WritePart(string verb, InputOptions o, ShardSettings s, Shard shard, string runJson, MonteCarloOptions range, Action<Utf8JsonWriter> counters)
    {
        var part = new PartialResult
        {
            Tool = ToolInfo.Describe(),
            Verb = verb,
            Arguments = Recorded(s.CommandLine),
            InputPath = o.File,
            InputText = o.FileText,
            InputSha256 = o.FileText is { } t ? PartialResult.Sha256(t) : null,
            RunJson = runJson,
            Shard = shard,
            Unit = "batches",
            First = range.FirstBatch,
            Count = range.EndBatch - range.FirstBatch,
            Total = range.TotalBatches,
            CountersJson = PartialResult.Json(w => { w.WriteStartArray(); counters(w); w.WriteEndArray(); }),
        };
        Commands.Emit(part.Write, o.Out, TextWriter.Null);
    }

    /// <summary>Reads the scenario file once, so that a part records (and hashes) exactly the text it ran on.</summary>
    public static void ReadInput(InputOptions o, ShardSettings s)
    {
        if (s.Merged is { } m) o.FileText = m.First.InputText;
        else if (s.Shard is not null && o.File is { } path) o.FileText = Scenarios.ScenarioFileReader.ReadText(path);
    }

    /// <summary>Under merge: the replayed run must resolve to the inputs the parts recorded.</summary>
    public static void CheckReplay(MergedParts m, string runJson)
    {
        if (runJson == m.First.RunJson) return;
        using var a = JsonDocument.Parse(m.First.RunJson);
        using var b = JsonDocument.Parse(runJson);
        foreach (var p in a.RootElement.EnumerateObject())
        {
            string now = b.RootElement.TryGetProperty(p.Name, out var v) ? v.GetRawText() : "(missing)";
            if (now != p.Value.GetRawText())
                throw new CliInputException($"the parts' inputs resolve differently with this build: {p.Name} is {Clip(now)} here, {Clip(p.Value.GetRawText())} in the parts");
        }
        throw new CliInputException("the parts' inputs resolve differently with this build");
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";

    /// <summary>merge PARTS --out RESULT [--format F]: checks the parts are one run, adds their counters, writes what the unsharded verb writes.</summary>
    public static int Merge(IReadOnlyList<string> paths, string? format, string? outPath, TextWriter stdout, TextWriter stderr, DesignCatalog catalog)
    {
        foreach (var p in paths) OutputFile.Check(outPath, p);
        var parts = new List<(string, PartialResult)>();
        try
        {
            foreach (var p in paths) parts.Add((p, PartialResult.Read(p)));
            var ordered = PartialResult.CheckOneRun(parts);
            var first = ordered[0].Part;
            if (first.Verb is not ("simulate" or "compare" or "sweep")) throw new CliInputException($"{ordered[0].Path}: verb '{first.Verb}' cannot be merged");
            var counters = first.Verb == "sweep" ? SweepParts(ordered) : Sum(ordered);
            var merged = new MergedParts(first, [.. counters]);
            var args = new List<string> { first.Verb };
            args.AddRange(first.Arguments);
            if (format is not null) args.AddRange(["--format", format]);
            if (outPath is not null) args.AddRange(["--out", outPath]);
            args.Add("--quiet");
            return Cli.Run([.. args], stdout, stderr, interactive: false, catalog, stdin: null, merged);
        }
        catch (PartialFileException ex) { throw new CliInputException(ex.Message); }
    }

    // Every part has one counters entry per scenario; entry i of the merge lists the parts' entries i.
    private static List<List<JsonElement>> Sum(IReadOnlyList<(string Path, PartialResult Part)> parts)
    {
        List<List<JsonElement>>? lists = null;
        foreach (var (path, part) in parts)
        {
            var entries = Entries(path, part);
            if (lists is not null && entries.Count != lists.Count)
                throw new PartialFileException($"{path}: counters of {entries.Count} scenarios, not {lists.Count}");
            lists ??= entries.Select(_ => new List<JsonElement>()).ToList();
            for (int i = 0; i < entries.Count; i++) lists[i].Add(entries[i]);
        }
        return lists ?? [];
    }

    // A sweep part holds whole cells: entry c of the merge is cell c's counters, from the part that has it.
    private static List<List<JsonElement>> SweepParts(IReadOnlyList<(string Path, PartialResult Part)> parts)
    {
        var cells = new List<List<JsonElement>>();
        foreach (var (path, part) in parts)
        {
            var entries = Entries(path, part);
            if (entries.Count != part.Count) throw new PartialFileException($"{path}: {entries.Count} cells of counters for cells {part.First}..{part.First + part.Count - 1}");
            cells.AddRange(entries.Select(e => new List<JsonElement> { e }));
        }
        return cells;
    }

    private static List<JsonElement> Entries(string path, PartialResult part)
    {
        using var doc = JsonDocument.Parse(part.CountersJson);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new PartialFileException($"{path}: counters is not an array");
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>Scenario <paramref name="i"/>'s tally, summed over the parts.</summary>
    public static OcTally<long> Tally(MergedParts m, int i)
    {
        OcTally<long>? total = null;
        foreach (var e in Entries(m, i))
        {
            var t = Read(() => CounterJson.ReadTally(e));
            if (total is null) total = t;
            else
            {
                if (t.DoseCount != total.DoseCount || t.MaxPatients != total.MaxPatients || t.TrueMtdLevel != total.TrueMtdLevel || (t.SelectedPatients is null) != (total.SelectedPatients is null))
                    throw new CliInputException($"the parts' counters of scenario {i + 1} have different shapes");
                total.Add(t);
            }
        }
        return total!;
    }

    /// <summary>Scenario <paramref name="i"/>'s response tally (a design that reads responses), summed over the parts.</summary>
    public static Engines.Response.ResponseTally<long> ResponseTally(MergedParts m, int i, string name = "")
    {
        Engines.Response.ResponseTally<long>? total = null;
        foreach (var e in Entries(m, i))
        {
            var t = Read(() => CounterJson.ReadResponseTally(name.Length == 0 ? e : e.GetProperty(name)));
            if (total is null) total = t;
            else
            {
                if (t.Oc.DoseCount != total.Oc.DoseCount || t.Oc.MaxPatients != total.Oc.MaxPatients || t.Oc.TrueMtdLevel != total.Oc.TrueMtdLevel)
                    throw new CliInputException($"the parts' counters of scenario {i + 1} have different shapes");
                total.Add(t);
            }
        }
        return total!;
    }

    /// <summary>Scenario <paramref name="i"/>'s calendar tally (simulate --calendar), summed over the parts.</summary>
    public static Engines.Calendar.CalendarTally CalendarTally(MergedParts m, int i, string name = "")
    {
        Engines.Calendar.CalendarTally? total = null;
        foreach (var e in Entries(m, i))
        {
            var t = Read(() => CounterJson.ReadCalendarTally(name.Length == 0 ? e : e.GetProperty(name)));
            if (total is null) total = t;
            else
            {
                if (t.Oc.DoseCount != total.Oc.DoseCount || t.Oc.MaxPatients != total.Oc.MaxPatients || t.Oc.TrueMtdLevel != total.Oc.TrueMtdLevel
                    || (t.Oc.SelectedPatients is null) != (total.Oc.SelectedPatients is null))
                    throw new CliInputException($"the parts' counters of scenario {i + 1} have different shapes");
                total.Add(t);
            }
        }
        return total!;
    }

    /// <summary>Scenario <paramref name="i"/>'s comparison counters, summed over the parts.</summary>
    public static ComparisonCounts Comparison(MergedParts m, int i)
    {
        ComparisonCounts? total = null;
        foreach (var e in Entries(m, i))
        {
            var c = Read(() => CounterJson.ReadComparison(e));
            if (total is null) total = c; else total.Add(c);
        }
        return total!;
    }

    private static IEnumerable<JsonElement> Entries(MergedParts m, int i)
    {
        if (i >= m.Counters.Count) throw new CliInputException($"the parts hold counters of {m.Counters.Count} scenarios; the run has more");
        return m.Counters[i];
    }

    private static T Read<T>(Func<T> read)
    {
        try { return read(); }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            throw new CliInputException($"damaged counters in the parts ({ex.Message.Split('\n')[0]})");
        }
    }
}
