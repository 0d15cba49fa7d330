using System.Text.Json;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Reporting;
using DoseEscalation.Sharding;
using DoseEscalation.Sweeps;

namespace DoseEscalation.Cli;

/// <summary>sweep GRID.yaml: options as parsed.</summary>
public sealed class SweepOptions
{
    public string Grid { get; set; } = "";
    public string? Format { get; set; }
    public string? Out { get; set; }
    public string? State { get; set; }
    public int Threads { get; set; }
    public bool Quiet { get; set; }
    public ShardSettings Sharding { get; set; } = new();
}

/// <summary>
/// The sweep verb: every cell of a grid, one tidy row each (CSV or Parquet). Finished cells are
/// recorded atomically in a state folder (default: the output path + ".cells") and skipped when the
/// sweep is started again, so a killed sweep resumes where it stopped and ends with the same bytes;
/// the folder is removed once the output is written. --shard runs a contiguous range of cells.
/// </summary>
internal static class SweepCommand
{
    public static int Run(SweepOptions o, TextWriter stdout, TextWriter stderr, bool interactive, DesignCatalog catalog)
    {
        string format = o.Format ?? (o.Out is { } p && p.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? "parquet" : "csv");
        if (format is not ("csv" or "parquet")) throw new CliInputException($"--format {format}: a sweep writes csv or parquet");
        var merged = o.Sharding.Merged;
        Shard? shard = null;
        if (o.Sharding.Shard is not null)
        {
            if (o.Out is null) throw new UsageException("--shard writes a partial result: give --out FILE (merge adds the parts into the output)");
            if (o.Format is not null) throw new UsageException("--format applies to the merged output: give it to merge, not to a shard");
            try { shard = o.Sharding.Shard == "auto" ? Shard.FromEnvironment(Environment.GetEnvironmentVariable, o.Sharding.ShardCount) : Shard.Parse(o.Sharding.Shard); }
            catch (ShardException ex) { throw new CliInputException(ex.Message); }
        }
        else if (format == "parquet" && o.Out is null) throw new UsageException("--format parquet writes a binary file: give --out FILE");
        OutputFile.Check(o.Out, o.Grid);

        string text = merged?.First.InputText ?? Scenarios.ScenarioFileReader.ReadText(o.Grid);
        var grid = SweepGrid.Parse(text, o.Grid, catalog);
        var cells = Sweep.Cells(grid, catalog);
        var options = Sweep.Options(grid, o.Threads);
        string run = RunJson(o.Grid, text, grid, cells);

        var tallies = new OcTally<long>?[cells.Count];
        var times = new CalendarTally?[cells.Count]; // calendar cells: their full counters (tallies[i] is times[i].Oc)
        if (merged is not null)
        {
            ShardCommand.CheckReplay(merged, run);
            if (merged.Counters.Count != cells.Count) throw new CliInputException($"the parts hold {merged.Counters.Count} cells; the grid has {cells.Count}");
            for (int i = 0; i < cells.Count; i++)
            {
                try { (tallies[i], times[i]) = ReadCounters(merged.Counters[i][0], cells[i]); }
                catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException or OverflowException or ArgumentNullException)
                {
                    throw new CliInputException($"damaged counters of cell {i} in the parts ({ex.Message.Split('\n')[0]})");
                }
            }
            Write(o, format, grid, cells, tallies!, times, options, stdout);
            return Cli.Ok;
        }

        long first = 0, count = cells.Count;
        if (shard is not null)
        {
            if (shard.Count > cells.Count) throw new CliInputException($"--shard {shard}: the sweep has {cells.Count} cells, fewer than {shard.Count} shards; use at most {cells.Count} shards");
            (first, count) = shard.Range(cells.Count);
        }
        string? state = o.State ?? (o.Out is { } outPath ? outPath + ".cells" : null);
        string runHash = PartialResult.Sha256(ToolInfo.Describe() + "\n" + run);
        if (state is not null) PrepareState(state, o);
        var todo = new List<int>();
        for (long i = first; i < first + count; i++)
        {
            if (state is not null && LoadCell(state, (int)i, cells[(int)i], runHash) is { } done) (tallies[i], times[i]) = done;
            else todo.Add((int)i);
        }
        Progress.Run(interactive && !o.Quiet, todo.Count * grid.Trials, shard is null ? "Sweeping" : $"Shard {shard}", report =>
        {
            for (int t = 0; t < todo.Count; t++)
            {
                int i = todo[t];
                long before = t * grid.Trials;
                var cellOptions = options with { Progress = d => report(before + d) };
                var time = cells[i].Timeline is null ? null : Sweep.CountCalendar(cells[i], grid, cellOptions);
                var tally = time?.Oc ?? Sweep.Count(cells[i], grid, cellOptions);
                if (state is not null) SaveCell(state, i, cells[i], runHash, tally, time);
                tallies[i] = tally;
                times[i] = time;
            }
            return 0;
        });

        if (shard is not null)
        {
            var part = new PartialResult
            {
                Tool = ToolInfo.Describe(), Verb = "sweep", Arguments = ShardCommand.Recorded(o.Sharding.CommandLine),
                InputPath = o.Grid, InputText = text, InputSha256 = PartialResult.Sha256(text), RunJson = run, Shard = shard,
                Unit = "cells", First = first, Count = count, Total = cells.Count,
                CountersJson = PartialResult.Json(w => { w.WriteStartArray(); for (long i = first; i < first + count; i++) WriteCounters(w, tallies[i]!, times[i]); w.WriteEndArray(); }),
            };
            Commands.Emit(part.Write, o.Out, TextWriter.Null);
        }
        else Write(o, format, grid, cells, tallies!, times, options, stdout);
        if (state is not null) RemoveState(state);
        return Cli.Ok;
    }

    private static void Write(SweepOptions o, string format, SweepGrid grid, IReadOnlyList<SweepCell> cells, OcTally<long>[] tallies, CalendarTally?[] times,
        MonteCarloOptions options, TextWriter stdout)
    {
        List<(SweepCell, OperatingCharacteristics)> rows;
        List<CalendarResult>? calendar = null;
        if (grid.Timelines.Count == 0) rows = cells.Select((c, i) => (c, Sweep.Result(c, grid, tallies[i]))).ToList();
        else
        {
            calendar = cells.Select((c, i) => Sweep.CalendarResult(c, grid, times[i]!, options)).ToList();
            rows = cells.Select((c, i) => (c, calendar[i].Oc)).ToList();
        }
        Commands.Emit(stream =>
        {
            if (format == "parquet") SweepTable.WriteParquet(rows, grid.DoseCount, stream, calendar);
            else Commands.WriteText(stream, w => SweepTable.WriteCsv(rows, grid.DoseCount, w, calendar));
        }, o.Out, stdout);
    }

    /// <summary>A cell's counters in parts and state files: the OC tally, or on the calendar the whole calendar tally.</summary>
    private static void WriteCounters(Utf8JsonWriter w, OcTally<long> tally, CalendarTally? time)
    {
        if (time is null) CounterJson.WriteTally(w, tally);
        else CounterJson.WriteCalendarTally(w, time);
    }

    private static (OcTally<long>, CalendarTally?) ReadCounters(JsonElement e, SweepCell cell)
    {
        if (cell.Timeline is null) return (CounterJson.ReadTally(e), null);
        var time = CounterJson.ReadCalendarTally(e);
        return (time.Oc, time);
    }

    /// <summary>The resolved inputs of a sweep, as the <c>run</c> object of its parts and state files.</summary>
    private static string RunJson(string path, string text, SweepGrid grid, IReadOnlyList<SweepCell> cells) => PartialResult.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("verb", "sweep");
        w.WriteString("source", path);
        w.WriteString("grid_sha256", PartialResult.Sha256(text));
        w.WriteNumber("cells", cells.Count);
        w.WriteString("cells_sha256", PartialResult.Sha256(string.Join("\n", cells.Select(Sweep.Key))));
        w.WriteNumber("seed", grid.Seed);
        w.WriteNumber("trials", grid.Trials);
        w.WriteNumber("batch_size", grid.BatchSize);
        w.WriteString("method", grid.Method.ToString());
        w.WriteEndObject();
    });

    private const string StateMarker = "sweep-state.txt";

    private static void PrepareState(string state, SweepOptions o)
    {
        string flag = o.State is null ? "the state folder" : "--state";
        if (File.Exists(state)) throw new CliInputException($"{flag} {state}: is a file, not a folder");
        if (Directory.Exists(state))
        {
            if (!File.Exists(Path.Combine(state, StateMarker)) && Directory.EnumerateFileSystemEntries(state).Any())
                throw new CliInputException($"{flag} {state}: exists and is not a sweep's state folder (no {StateMarker}); remove it or give another --state");
            return;
        }
        try
        {
            Directory.CreateDirectory(state);
            AtomicFile.WriteAllText(Path.Combine(state, StateMarker), "Finished cells of a dose-escalation sweep, one file each; removed when the sweep's output is written.\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OutputPathException)
        {
            throw new CliInputException($"{flag} {state}: cannot be created ({ex.Message.Split('\n')[0]})");
        }
    }

    private static string CellFile(string state, int i) => Path.Combine(state, $"cell-{i:D7}.json");

    private static void SaveCell(string state, int i, SweepCell cell, string runHash, OcTally<long> tally, CalendarTally? time) =>
        AtomicFile.WriteAllText(CellFile(state, i), PartialResult.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("run_sha256", runHash);
            w.WriteString("cell", Sweep.Key(cell));
            w.WritePropertyName("tally");
            WriteCounters(w, tally, time);
            w.WriteEndObject();
        }));

    private static (OcTally<long>, CalendarTally?)? LoadCell(string state, int i, SweepCell cell, string runHash)
    {
        string file = CellFile(state, i);
        if (!File.Exists(file)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = doc.RootElement;
            if (root.GetProperty("run_sha256").GetString() != runHash)
                throw new CliInputException($"{file}: a finished cell of another sweep (other grid, options or tool version); remove {state} to start afresh");
            if (root.GetProperty("cell").GetString() != Sweep.Key(cell))
                throw new CliInputException($"{file}: holds cell '{root.GetProperty("cell").GetString()}', not '{Sweep.Key(cell)}'; remove {state} to start afresh");
            return ReadCounters(root.GetProperty("tally"), cell);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or OverflowException or ArgumentNullException)
        {
            throw new CliInputException($"{file}: damaged state file ({ex.Message.Split('\n')[0]}); remove it to run that cell again");
        }
    }

    private static void RemoveState(string state)
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(state, "cell-*.json").Concat(Directory.EnumerateFiles(state, ".cell-*.tmp"))) File.Delete(f); // a temporary file a killed run left
            File.Delete(Path.Combine(state, StateMarker));
            if (!Directory.EnumerateFileSystemEntries(state).Any()) Directory.Delete(state);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }
}
