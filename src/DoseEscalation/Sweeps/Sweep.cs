using System.Globalization;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Sweeps;

/// <summary>One cell of a sweep: a design with its setting (sample size, cohort size) on one scenario.</summary>
/// <param name="Index">The cell's place in the sweep, from 0 (the order of the output rows).</param>
/// <param name="Design">The design with every option resolved.</param>
/// <param name="Scenario">The toxicity scenario and where it came from.</param>
/// <param name="MaxN">The design's resolved max_n (null: it has none).</param>
/// <param name="CohortSize">The design's resolved cohort size (null: it has no fixed one).</param>
/// <param name="Timeline">The calendar setting the cell runs on (null: no calendar).</param>
public sealed record SweepCell(int Index, ResolvedDesign Design, SweepScenario Scenario, int? MaxN, int? CohortSize, SweepTimeline? Timeline = null);

/// <summary>
/// A sweep's cells and their simulation. Cells are ordered design by design (in the grid's order),
/// then sample size, then cohort size, then timeline (when the grid has timelines), then scenario; a setting a design does not take (the 3+3's
/// cohort size) gives that design one cell per scenario, not one per value. Every cell runs the
/// grid's trials with the grid's seed and batch size, so a cell's numbers do not depend on the
/// other cells, the order they run in or the shard that runs them.
/// </summary>
public static class Sweep
{
    public static IReadOnlyList<SweepCell> Cells(SweepGrid grid, DesignCatalog? catalog = null)
    {
        catalog ??= DesignCatalog.Default;
        var cells = new List<SweepCell>();
        int?[] sizes = grid.SampleSizes.Count == 0 ? [null] : grid.SampleSizes.Select(v => (int?)v).ToArray();
        int?[] cohorts = grid.CohortSizes.Count == 0 ? [null] : grid.CohortSizes.Select(v => (int?)v).ToArray();
        foreach (var config in grid.Designs)
        {
            var seen = new HashSet<string>();
            foreach (var n in sizes)
            foreach (var c in cohorts)
            {
                var common = OptionValues.Empty;
                if (n is { } nv) common = common.With("max_n", nv);
                if (c is { } cv) common = common.With("cohort_size", cv);
                ResolvedDesign resolved;
                try { resolved = DesignSetup.Resolve(catalog, config, common, grid.DoseCount, grid.Target); }
                catch (DesignOptionException ex) { throw new ScenarioFileException(grid.Path, $"designs ({config.EffectiveLabel})", null, null, ex.Message); }
                if (!seen.Add(resolved.Summary())) continue; // a setting this design does not take
                ResourceGuard.Design(resolved.Design);
                // A design that reads responses (BOIN12) needs every scenario's response probabilities.
                if (resolved.Design.ReadsResponses && grid.Scenarios.FirstOrDefault(s => !s.Scenario.HasResponse) is { } without)
                    throw new ScenarioFileException(grid.Path, $"designs ({config.EffectiveLabel})", null, without.Scenario.Name,
                        $"design {resolved.Design.Name} reads responses, but scenario '{without.Scenario.Name}' ({without.Source}) has no response probabilities: give each listed scenario response: [...] (generated curves have none)");
                int? maxN = resolved.Options["max_n"] as int?;
                int? cohort = resolved.Options["cohort_size"] as int? ?? (resolved.Descriptor.Intrinsic.TryGetValue("cohort_size", out var own) ? own as int? : null);
                if (grid.Timelines.Count == 0)
                {
                    foreach (var s in grid.Scenarios) cells.Add(new SweepCell(cells.Count, resolved, s, maxN, cohort));
                    continue;
                }
                for (int t = 0; t < grid.Timelines.Count; t++)
                {
                    var timeline = grid.Timelines[t];
                    try
                    {
                        CalendarEngine.Check(resolved.Design, grid.Scenarios[0].Scenario, timeline.Timeline);
                    }
                    catch (ArgumentException ex)
                    {
                        throw new ScenarioFileException(grid.Path, $"timelines[{t}]", null, timeline.Name,
                            $"design '{config.EffectiveLabel}' ({resolved.Summary()}) cannot run on the calendar with this timeline: {ex.Message}");
                    }
                    foreach (var s in grid.Scenarios) cells.Add(new SweepCell(cells.Count, resolved, s, maxN, cohort, timeline));
                }
            }
        }
        return cells;
    }

    /// <summary>The Monte Carlo settings every cell runs with.</summary>
    public static MonteCarloOptions Options(SweepGrid grid, int threads = 0) => new()
    {
        Trials = grid.Trials, Seed = grid.Seed, BatchSize = grid.BatchSize, Method = grid.Method, Threads = threads,
    };

    /// <summary>The integer counters of one cell.</summary>
    public static OcTally<long> Count(SweepCell cell, SweepGrid grid, MonteCarloOptions options) => cell.Design.Design.ReadsResponses
        ? Engines.Response.ResponseEngine.Count(cell.Design.Design, cell.Scenario.Scenario, grid.Target, options).Oc // the table reports selections, not responders
        : MonteCarloEngine.Count(cell.Design.Design, cell.Scenario.Scenario, grid.Target, options);

    /// <summary>The integer counters of one calendar cell (<see cref="SweepCell.Timeline"/> set): the calendar engine with the grid's trials, seed and batch size.</summary>
    public static CalendarTally CountCalendar(SweepCell cell, SweepGrid grid, MonteCarloOptions options)
    {
        var timeline = (cell.Timeline ?? throw new ArgumentException($"cell {cell.Index} has no timeline")).Timeline;
        return cell.Design.Design.ReadsResponses
            ? Engines.Response.ResponseCalendar.Count(cell.Design.Design, cell.Scenario.Scenario, grid.Target, timeline, options).Times
            : CalendarEngine.Simulate(cell.Design.Design, cell.Scenario.Scenario, grid.Target, timeline, options);
    }

    /// <summary>A calendar cell's result from its counters: operating characteristics (scored as the grid says) and times.</summary>
    public static CalendarResult CalendarResult(SweepCell cell, SweepGrid grid, CalendarTally tally, MonteCarloOptions options)
    {
        var result = CalendarEngine.Result(cell.Design.Design, cell.Scenario.Scenario, grid.Target, cell.Timeline!.Timeline, options, tally);
        return result with { Oc = result.Oc.WithCorrectSelection(grid.CorrectSelection) with { Design = cell.Design.Label } };
    }

    /// <summary>The cell's operating characteristics from its counters.</summary>
    public static OperatingCharacteristics Result(SweepCell cell, SweepGrid grid, OcTally<long> tally) =>
        OperatingCharacteristics.FromTally(tally, cell.Design.Design, cell.Scenario.Scenario, grid.Target, "monte-carlo", grid.Trials, grid.Seed)
            .WithCorrectSelection(grid.CorrectSelection) with { Design = cell.Design.Label };

    /// <summary>"design | max_n | cohort | scenario" (then "| timeline" on the calendar): a cell's identity in state files and messages.</summary>
    public static string Key(SweepCell cell)
    {
        string key = string.Join(" | ", cell.Design.Summary(), cell.MaxN?.ToString(CultureInfo.InvariantCulture) ?? "NA",
            cell.CohortSize?.ToString(CultureInfo.InvariantCulture) ?? "NA", cell.Scenario.Scenario.Name, string.Join(";", cell.Scenario.Scenario.Dlt.Select(p => p.ToString("R", CultureInfo.InvariantCulture))));
        return cell.Timeline is { } t ? key + " | " + t.Key() : key;
    }
}
