using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Reporting;

namespace DoseEscalation.Cli;

/// <summary><c>simulate --calendar</c>: the calendar engine over the file's scenarios with its timeline.</summary>
internal static class CalendarCommand
{
    public static int Simulate(SimulateOptions o, RunInputs inputs, MonteCarloOptions options, Sharding.Shard? shard, TextWriter stdout, bool interactive)
    {
        var file = inputs.File;
        var timeline = file.Timeline
            ?? throw new CliInputException($"--calendar: {file.Path} has no timeline: block (accrual, DLT window; see docs/calendar.md)");
        long trials = options.Trials;
        List<CalendarResult> results;
        try
        {
            if ((shard is not null || o.Sharding.Merged is not null) && inputs.Design.ReadsResponses)
            {
                // A design that reads responses: the calendar tally and the responders, side by side.
                var merged = ShardCommand.ShardOrMerge("simulate", o, o.Sharding, shard, ShardCommand.RunJson("simulate", inputs, o, options, "calendar"),
                    options, file.Scenarios.Count, interactive && !o.Quiet,
                    (i, range) => CalendarEngine.CountWithResponses(inputs.Design, file.Scenarios[i], file.Target, timeline, range),
                    (w, c) =>
                    {
                        w.WriteStartObject();
                        w.WritePropertyName("times");
                        Sharding.CounterJson.WriteCalendarTally(w, c.Times);
                        w.WritePropertyName("responses");
                        Sharding.CounterJson.WriteResponseTally(w, c.Responses);
                        w.WriteEndObject();
                    },
                    (m, i) => CalendarEngine.FinishWithResponses(inputs.Design, file.Scenarios[i], file.Target, timeline, options,
                        ShardCommand.CalendarTally(m, i, "times"), ShardCommand.ResponseTally(m, i, "responses")));
                if (merged is null) return Cli.Ok;
                results = merged;
            }
            else if (shard is not null || o.Sharding.Merged is not null)
            {
                // Shards write the calendar tallies' integer counters; merge sums them into the whole run's results.
                var merged = ShardCommand.ShardOrMerge("simulate", o, o.Sharding, shard, ShardCommand.RunJson("simulate", inputs, o, options, "calendar"),
                    options, file.Scenarios.Count, interactive && !o.Quiet,
                    (i, range) => CalendarEngine.Count(inputs.Design, file.Scenarios[i], file.Target, timeline, range),
                    Sharding.CounterJson.WriteCalendarTally,
                    (m, i) => CalendarEngine.Finish(inputs.Design, file.Scenarios[i], file.Target, timeline, options, ShardCommand.CalendarTally(m, i)));
                if (merged is null) return Cli.Ok;
                results = merged;
            }
            else
                results = Progress.Run(interactive && !o.Quiet, file.Scenarios.Count * trials, "Simulating the calendar", report =>
                    file.Scenarios.Select((s, i) => CalendarEngine.Run(inputs.Design, s, file.Target, timeline,
                        options with { Progress = done => report(i * trials + done) })).ToList());
        }
        catch (ArgumentException ex) { throw new CliInputException($"--calendar: {file.Path}: {ex.Message}"); }
        var set = Commands.Set(inputs, "calendar", options.Trials, options.Seed, results.Select(r => r.Oc).ToList());
        Action<Stream> render = o.Format switch
        {
            "table" => s => Commands.WriteText(s, w => CalendarReport.WriteTable(set, results, w)),
            "csv" => s => Commands.WriteText(s, w => CalendarReport.WriteCsv(set, results, w)),
            "json" => s => CalendarReport.WriteJson(set, results, s),
            _ => throw new CliInputException($"--format {o.Format}: expected table, csv or json"),
        };
        Commands.Emit(render, o.Out, stdout);
        return Cli.Ok;
    }

    /// <summary><c>compare --calendar</c>: the designs on the same simulated patients in calendar time.</summary>
    public static int Compare(CompareOptions o, string? chartDir, TextWriter stdout, TextWriter stderr, bool interactive, Designs.Configuration.DesignCatalog catalog)
    {
        var shard = ShardCommand.Resolve(o.Sharding, o);
        if (shard is not null && chartDir is not null) throw new UsageException("--duration-charts draws a whole run, not a shard");
        ShardCommand.ReadInput(o, o.Sharding);
        var inputs = RunInputs.ResolveMany(o, o.Designs, CompareCommand.DefaultComparators, catalog);
        var file = inputs.File;
        var timeline = file.Timeline
            ?? throw new CliInputException($"--calendar: {file.Path} has no timeline: block (accrual, DLT window; see docs/calendar.md)");
        if (!o.Quiet)
        {
            foreach (var w in file.Warnings) stderr.WriteLine($"dose-escalation: warning: {w}");
            foreach (var n in inputs.Notes) stderr.WriteLine($"dose-escalation: warning: {n}");
        }
        long trials = o.Trials ?? 100_000;
        ResourceGuard.Trials(trials, "--trials");
        var options = new MonteCarloOptions { Trials = trials, Seed = o.Seed ?? file.Seed, Threads = o.Threads };
        if (o.Sharding.BatchSize is { } batchSize) options = options with { BatchSize = batchSize };
        var designs = inputs.Designs.Select(d => d.Design).ToList();
        var labels = inputs.Designs.Select(d => d.Label).ToList();
        List<CalendarReport.ComparisonScenario> results;
        try
        {
            if (shard is not null || o.Sharding.Merged is not null)
            {
                // Shards write the comparison's counters with each design's calendar tally; merge sums them.
                var merged = ShardCommand.ShardOrMerge("compare", o, o.Sharding, shard, ShardCommand.RunJson("compare", inputs, o, options, "calendar"),
                    options, file.Scenarios.Count, interactive && !o.Quiet,
                    (i, range) => ComparisonEngine.Count(designs, file.Scenarios[i], file.Target, range, 0, null, timeline),
                    Sharding.CounterJson.WriteComparison,
                    (m, i) => new CalendarReport.ComparisonScenario(file.Scenarios[i], labels,
                        ComparisonEngine.Finish(ShardCommand.Comparison(m, i), designs, file.Scenarios[i], file.Target, options, 0, null, timeline).Calendar!));
                if (merged is null) return Cli.Ok;
                results = merged;
            }
            else results = Progress.Run(interactive && !o.Quiet, file.Scenarios.Count * trials, "Comparing the calendar", report =>
                file.Scenarios.Select((s, i) => new CalendarReport.ComparisonScenario(s, labels, CalendarCompare.Run(designs, s, file.Target, timeline,
                    options with { Progress = done => report(i * trials + done) }))).ToList());
        }
        catch (ArgumentException ex) { throw new CliInputException($"--calendar: {file.Path}: {ex.Message}"); }
        string name = file.Trial.Name + (file.Trial.RegistryId is { } id ? $" ({id})" : "");
        Action<Stream> render = o.Format switch
        {
            "table" => s => Commands.WriteText(s, w => CalendarReport.WriteComparisonTable(name, trials, options.Seed, results, w)),
            "csv" => s => Commands.WriteText(s, w => CalendarReport.WriteComparisonCsv(results, trials, options.Seed, w)),
            "json" => s => CalendarReport.WriteComparisonJson(name, trials, options.Seed, results, s, inputs.Designs),
            _ => throw new CliInputException($"--format {o.Format}: expected table, csv or json"),
        };
        if (chartDir is not null && File.Exists(chartDir)) throw new CliInputException($"--duration-charts {chartDir}: is a file; the charts are written into a folder");
        // Everything is drawn before anything is written: a failure leaves no partial output.
        var charts = chartDir is null ? [] : results.Select(r => (Name: $"duration-{PlotCommand.Slug(r.Scenario.Name)}",
            Svg: DurationChart.Cumulative(r.Labels.Select((l, i) => (l, r.Comparison.Results[i])).ToList()))).ToList();
        Commands.Emit(render, o.Out, stdout);
        if (chartDir is not null)
        {
            var svgs = charts.Select(c => (c.Name + ".svg", Bytes: c.Svg.Encode(new ChartFileOptions { Format = ChartFormat.Svg }))).ToList();
            // The set of charts is written all or nothing.
            OutputFile.Cli(() => AtomicOutput.WriteFolder(chartDir, svgs.Select(c => (c.Item1, (Action<Stream>)(st => st.Write(c.Bytes)))).ToList(), o.File));
        }
        return Cli.Ok;
    }
}
