using System.Text.Json;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Sharding;
using DoseEscalation.Sweeps;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Application;

/// <summary>A sweep's table: one tidy row per cell (CSV or Parquet).</summary>
public sealed record SweepResult(SweepGrid Grid, IReadOnlyList<(SweepCell Cell, OperatingCharacteristics Oc)> Rows, IReadOnlyList<CalendarResult>? Calendar) : IRunResult
{
    public void Write(string format, Stream stream)
    {
        switch (format)
        {
            case "parquet": SweepTable.WriteParquet(Rows, Grid.DoseCount, stream, Calendar); break;
            case "csv": Text.Write(stream, w => SweepTable.WriteCsv(Rows, Grid.DoseCount, w, Calendar)); break;
            default: throw new InputException($"--format {format}: a sweep writes csv or parquet");
        }
    }
}

/// <summary>
/// The sweep verb: every cell of a grid, one tidy row each. Finished cells are recorded atomically
/// in a state folder and skipped when the sweep is started again, so a killed sweep resumes where it
/// stopped and ends with the same bytes; the folder is removed by <see cref="Finish"/> once the
/// output is written. A shard runs a contiguous range of cells.
/// </summary>
public static class SweepRuns
{
    /// <summary>Runs the sweep (or its shard, or finishes it from merged parts).</summary>
    /// <param name="r">The sweep as asked for.</param>
    /// <param name="context">Catalog, progress, cancellation.</param>
    /// <param name="hasOut">Whether the output goes to a file (a shard must).</param>
    /// <param name="formatGiven">Whether a format was given (a shard takes none).</param>
    public static IRunResult Run(SweepRequest r, RunContext? context = null, bool hasOut = false, bool formatGiven = false)
    {
        var ctx = context ?? RunContext.Default;
        var merged = r.Sharding.Merged;
        Shard? shard = null;
        if (r.Sharding.Shard is not null)
        {
            if (!hasOut) throw new UsageException("--shard writes a partial result: give --out FILE (merge adds the parts into the output)");
            if (formatGiven) throw new UsageException("--format applies to the merged output: give it to merge, not to a shard");
            shard = Shards.Parse(r.Sharding);
        }

        string text = merged?.First.InputText ?? SweepGrid.ReadText(r.Grid);
        var grid = SweepGrid.Parse(text, r.Grid, ctx.Catalog);
        var cells = Sweep.Cells(grid, ctx.Catalog);
        var options = Sweep.Options(grid, r.Threads) with { Cancellation = ctx.Cancellation };
        string run = RunJson(r.Grid, text, grid, cells);

        var tallies = new OcTally<long>?[cells.Count];
        var times = new CalendarTally?[cells.Count]; // calendar cells: their full counters (tallies[i] is times[i].Oc)
        if (merged is not null)
        {
            Shards.CheckReplay(merged, run);
            if (merged.Counters.Count != cells.Count) throw new InputException($"the parts hold {merged.Counters.Count} cells; the grid has {cells.Count}");
            for (int i = 0; i < cells.Count; i++)
            {
                var (path, counters) = merged.Counters[i][0];
                (tallies[i], times[i]) = Shards.Read(path, $"cell {i}", () => ReadCounters(counters, cells[i], grid.Trials));
            }
            return Result(grid, cells, tallies!, times, options);
        }

        long first = 0, count = cells.Count;
        if (shard is not null)
        {
            if (shard.Count > cells.Count) throw new InputException($"--shard {shard}: the sweep has {cells.Count} cells, fewer than {shard.Count} shards; use at most {cells.Count} shards");
            (first, count) = shard.Range(cells.Count);
        }
        string? state = r.State;
        string runHash = PartialResult.Sha256(ToolInfo.Describe() + "\n" + run);
        if (state is not null) PrepareState(state, r.StateGiven);
        var todo = new List<int>();
        for (long i = first; i < first + count; i++)
        {
            if (state is not null && LoadCell(state, (int)i, cells[(int)i], runHash, grid.Trials) is { } done) (tallies[i], times[i]) = done;
            else todo.Add((int)i);
        }
        ctx.Track(shard is null ? "Sweeping" : $"Shard {shard}", todo.Count * grid.Trials, report =>
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
            return new PartResult(new PartialResult
            {
                Tool = ToolInfo.Describe(), Verb = "sweep", Arguments = Shards.Recorded(r.Sharding.CommandLine),
                InputPath = r.Grid, InputText = text, InputSha256 = PartialResult.Sha256(text), RunJson = run, Shard = shard,
                Unit = "cells", First = first, Count = count, Total = cells.Count,
                CountersJson = PartialResult.Json(w => { w.WriteStartArray(); for (long i = first; i < first + count; i++) WriteCounters(w, tallies[i]!, times[i]); w.WriteEndArray(); }),
            });
        }
        return Result(grid, cells, tallies!, times, options);
    }

    /// <summary>Removes the state folder of a sweep whose output has been written (what is left of it is harmless).</summary>
    public static void Finish(string? state)
    {
        if (state is null || !Directory.Exists(state)) return;
        try
        {
            foreach (var f in Directory.EnumerateFiles(state, "cell-*.json").Concat(Directory.EnumerateFiles(state, ".cell-*.tmp"))) File.Delete(f); // a temporary file a killed run left
            File.Delete(Path.Combine(state, StateMarker));
            if (!Directory.EnumerateFileSystemEntries(state).Any()) Directory.Delete(state);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    private static SweepResult Result(SweepGrid grid, IReadOnlyList<SweepCell> cells, OcTally<long>[] tallies, CalendarTally?[] times, MonteCarloOptions options)
    {
        if (grid.Timelines.Count == 0) return new SweepResult(grid, cells.Select((c, i) => (c, Sweep.Result(c, grid, tallies[i]))).ToList(), null);
        var calendar = cells.Select((c, i) => Sweep.CalendarResult(c, grid, times[i]!, options)).ToList();
        return new SweepResult(grid, cells.Select((c, i) => (c, calendar[i].Oc)).ToList(), calendar);
    }

    /// <summary>A cell's counters in parts and state files: the OC tally, or on the calendar the whole calendar tally.</summary>
    private static void WriteCounters(Utf8JsonWriter w, OcTally<long> tally, CalendarTally? time)
    {
        if (time is null) Counters<OcTally<long>>.Tally.Write(w, tally);
        else Counters<CalendarTally>.Calendar.Write(w, time);
    }

    /// <summary>A cell's counters as written; they must count the grid's trials.</summary>
    private static (OcTally<long>, CalendarTally?) ReadCounters(JsonElement e, SweepCell cell, long trials)
    {
        var time = cell.Timeline is null ? null : Counters<CalendarTally>.Calendar.Read(e);
        var tally = time?.Oc ?? Counters<OcTally<long>>.Tally.Read(e);
        if (tally.Weight != trials) throw new FormatException($"they count {tally.Weight:N0} trials, not the grid's {trials:N0}");
        return (tally, time);
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

    private static void PrepareState(string state, bool given)
    {
        string flag = given ? "--state" : "the state folder";
        if (File.Exists(state)) throw new InputException($"{flag} {state}: is a file, not a folder");
        if (Directory.Exists(state))
        {
            if (!File.Exists(Path.Combine(state, StateMarker)) && Directory.EnumerateFileSystemEntries(state).Any())
                throw new InputException($"{flag} {state}: exists and is not a sweep's state folder (no {StateMarker}); remove it or give another --state");
            return;
        }
        try
        {
            Directory.CreateDirectory(state);
            AtomicFile.WriteAllText(Path.Combine(state, StateMarker), "Finished cells of a dose-escalation sweep, one file each; removed when the sweep's output is written.\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OutputPathException)
        {
            throw new InputException($"{flag} {state}: cannot be created ({ex.Message.Split('\n')[0]})");
        }
    }

    private static string CellFile(string state, int i) => Path.Combine(state, $"cell-{i:D7}.json");

    private static void SaveCell(string state, int i, SweepCell cell, string runHash, OcTally<long> tally, CalendarTally? time) =>
        AtomicFile.WriteAllText(CellFile(state, i), PartialResult.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("run_sha256", runHash);
            w.WriteString("cell", Sweep.Key(cell));
            string counters = PartialResult.Json(c => WriteCounters(c, tally, time));
            w.WriteString("tally_sha256", PartialResult.Sha256(counters));
            w.WritePropertyName("tally");
            w.WriteRawValue(counters);
            w.WriteEndObject();
        }));

    private static (OcTally<long>, CalendarTally?)? LoadCell(string state, int i, SweepCell cell, string runHash, long trials)
    {
        string file = CellFile(state, i);
        if (!File.Exists(file)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = doc.RootElement;
            if (root.GetProperty("run_sha256").GetString() != runHash)
                throw new InputException($"{file}: a finished cell of another sweep (other grid, options or tool version); remove {state} to start afresh");
            if (root.GetProperty("cell").GetString() != Sweep.Key(cell))
                throw new InputException($"{file}: holds cell '{root.GetProperty("cell").GetString()}', not '{Sweep.Key(cell)}'; remove {state} to start afresh");
            var tally = root.GetProperty("tally");
            // The digest catches an edited cell whose counters still add up.
            if (root.GetProperty("tally_sha256").GetString() != PartialResult.Sha256(PartialResult.Canonical(tally)))
                throw new FormatException("its counters do not match their tally_sha256 (edited or damaged)");
            return ReadCounters(tally, cell, trials);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or OverflowException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InputException($"{file}: damaged state file ({ex.Message.Split('\n')[0]}); remove it to run that cell again");
        }
    }
}
