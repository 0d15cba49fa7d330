using System.Text;
using DoseEscalation.Conduct;
using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Scenarios;
using DoseEscalation.Sharding;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Application;

/// <summary>
/// A run's typed result. Every front end writes it through <see cref="Write"/> in one of the formats
/// the verb offers, so the CLI, a web page and a library user get the same bytes for the same inputs.
/// </summary>
public interface IRunResult
{
    /// <summary>Writes the result; <paramref name="format"/> is one of the verb's formats (table, csv, json, md).</summary>
    /// <exception cref="InputException">A format this result is not written in.</exception>
    void Write(string format, Stream stream);
}

internal static class Text
{
    /// <summary>UTF-8 without a byte-order mark, "\n" line ends, the stream left open.</summary>
    public static void Write(Stream s, Action<TextWriter> write)
    {
        using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        write(w);
    }

    public static InputException UnknownFormat(string format, string expected) => new($"--format {format}: expected {expected}");
}

/// <summary>Operating characteristics of one design over the scenarios (simulate, exact).</summary>
public sealed record OcResult(ResultSet Set) : IRunResult
{
    /// <summary>One result per scenario, in the file's order.</summary>
    public IReadOnlyList<OperatingCharacteristics> Results => Set.Results;

    public void Write(string format, Stream stream)
    {
        switch (format)
        {
            case "table": Text.Write(stream, w => ConsoleReport.Write(Set, w)); break;
            case "csv": Text.Write(stream, w => CsvReport.Write(Set, w)); break;
            case "json": JsonReport.Write(Set, stream); break;
            default: throw Text.UnknownFormat(format, "table, csv or json");
        }
    }
}

/// <summary>Operating characteristics in calendar time (simulate --calendar): the OCs and each scenario's durations.</summary>
public sealed record CalendarOcResult(ResultSet Set, IReadOnlyList<CalendarResult> Calendar) : IRunResult
{
    /// <summary>One result per scenario, in the file's order.</summary>
    public IReadOnlyList<OperatingCharacteristics> Results => Set.Results;

    public void Write(string format, Stream stream)
    {
        switch (format)
        {
            case "table": Text.Write(stream, w => CalendarReport.WriteTable(Set, Calendar, w)); break;
            case "csv": Text.Write(stream, w => CalendarReport.WriteCsv(Set, Calendar, w)); break;
            case "json": CalendarReport.WriteJson(Set, Calendar, stream); break;
            default: throw Text.UnknownFormat(format, "table, csv or json");
        }
    }
}

/// <summary>The dose-transition pathways of the first cohorts, with their probabilities under each scenario (exact --paths).</summary>
public sealed record PathsResult(ScenarioFile File, IDesign Design, int Cohorts, IReadOnlyList<(Scenario Scenario, IReadOnlyList<DosePath> Paths)> Scenarios) : IRunResult
{
    /// <summary>The pathways drawn as a tree (<see cref="PathwaysChart"/>), when asked for; null otherwise.</summary>
    public Figure? Figure { get; init; }

    public void Write(string format, Stream stream)
    {
        if (format is not ("table" or "csv")) throw new InputException($"--format {format}: --paths writes table or csv");
        Text.Write(stream, w => PathReport.Write(Design, Cohorts, Scenarios, format, w));
    }
}

/// <summary>Several designs on the same simulated patients, with paired differences (compare).</summary>
public sealed record ComparisonResult(ComparisonSet Set) : IRunResult
{
    public void Write(string format, Stream stream)
    {
        switch (format)
        {
            case "table": Text.Write(stream, w => ComparisonReport.WriteTable(Set, w)); break;
            case "csv": Text.Write(stream, w => ComparisonReport.WriteCsv(Set, w)); break;
            case "json": ComparisonReport.WriteJson(Set, stream); break;
            default: throw Text.UnknownFormat(format, "table, csv or json");
        }
    }
}

/// <summary>Several designs in calendar time (compare --calendar), with each scenario's duration chart when asked for.</summary>
public sealed record CalendarComparisonResult(string TrialName, long Trials, ulong Seed, IReadOnlyList<CalendarReport.ComparisonScenario> Scenarios,
    IReadOnlyList<Designs.Configuration.ResolvedDesign> Setups) : IRunResult
{
    /// <summary>duration-SCENARIO and its chart, one per scenario (empty unless asked for).</summary>
    public IReadOnlyList<(string Name, Figure Figure)> DurationCharts { get; init; } = [];

    /// <summary>The rule the comparison counted a selection as correct by.</summary>
    public CorrectSelection CorrectSelection { get; init; } = CorrectSelection.HighestAtOrBelowTarget;

    /// <summary>The file's doses (their labels fill the CSV's dose_label).</summary>
    public required IReadOnlyList<DoseLevel> Doses { get; init; }

    public void Write(string format, Stream stream)
    {
        switch (format)
        {
            case "table": Text.Write(stream, w => CalendarReport.WriteComparisonTable(TrialName, Trials, Seed, Scenarios, w, Setups, CorrectSelection)); break;
            case "csv": Text.Write(stream, w => CalendarReport.WriteComparisonCsv(Scenarios, Trials, Seed, Setups, Doses, w)); break;
            case "json": CalendarReport.WriteComparisonJson(TrialName, Trials, Seed, Scenarios, stream, Setups, CorrectSelection); break;
            default: throw Text.UnknownFormat(format, "table, csv or json");
        }
    }
}

/// <summary>A design's decision table (table).</summary>
public sealed record TableResult(IDesign Design, double Target, DecisionTable? Table) : IRunResult
{
    /// <summary>TITE-BOIN: its table with pending patients (Yuan et al. 2018, Table 1), which every format writes; <see cref="Table"/> is then the rows with nothing pending (BOIN's).</summary>
    public TiteBoinDecisionTable? Pending { get; init; }
    /// <summary>A model-based design (blrm, crm, tite-crm): the hypothetical outcomes of the next cohorts, which every format writes; <see cref="Table"/> is then null.</summary>
    public Conduct.OutcomeTable? Outcomes { get; init; }
    /// <summary>Dose labels of <see cref="Outcomes"/>.</summary>
    public IReadOnlyList<string> DoseLabels { get; init; } = [];
    /// <summary>Trial name of <see cref="Outcomes"/>' JSON.</summary>
    public string? TrialName { get; init; }
    /// <summary>The design as resolved, for <see cref="Outcomes"/>' JSON.</summary>
    public IReadOnlyList<Designs.Configuration.ResolvedDesign> Setups { get; init; } = [];

    /// <summary>The formats this result writes: a table of counts has no JSON.</summary>
    public string Formats => Outcomes is null ? "table, csv or md" : "table, csv, md or json";

    public void Write(string format, Stream stream)
    {
        if (Outcomes is { } o)
        {
            if (format == "json") { OutcomeTableReport.WriteJson(o, DoseLabels, TrialName, Setups, stream); return; }
            Text.Write(stream, w =>
            {
                switch (format)
                {
                    case "csv": OutcomeTableReport.WriteCsv(o, DoseLabels, w); break;
                    case "md": OutcomeTableReport.WriteMarkdown(o, DoseLabels, w); break;
                    case "table": OutcomeTableReport.WriteText(o, DoseLabels, w); break;
                    default: throw Text.UnknownFormat(format, Formats);
                }
            });
            return;
        }
        WriteCounts(format, stream);
    }

    private void WriteCounts(string format, Stream stream) => Text.Write(stream, w =>
    {
        var Table = this.Table!;
        if (Pending is { } pending)
        {
            WritePending(pending, format, w);
            return;
        }
        switch (format)
        {
            case "csv":
                var csv = new CsvTable(w, "n", "escalate_if_dlt_at_most", "deescalate_if_dlt_at_least", "eliminate_if_dlt_at_least");
                foreach (var r in Table.Rows)
                    csv.Row(r.Patients.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell(r.EscalateAtMost), Cell(r.DeescalateAtLeast), Cell(r.EliminateAtLeast));
                break;
            case "md":
                w.WriteLine($"Decision table: {Design.Describe()}, target {Formatting.Percent(Target, 0)}. {Table.Note}");
                w.WriteLine();
                w.Write(Table.RenderMarkdown());
                break;
            case "table":
                w.WriteLine($"{Design.Describe()}; target {Formatting.Percent(Target, 0)}");
                w.WriteLine(Table.Note);
                w.WriteLine();
                w.Write(Table.Render());
                break;
            default: throw Text.UnknownFormat(format, "table, csv or md");
        }
    });

    private static string Cell(int? v) => v is { } i ? Formatting.Int(i) : "NA";

    // CSV: one line per STFT range of each (n, x, m), the ends in full precision; text and Markdown: the paper's layout, boundaries to 2 decimals.
    private void WritePending(TiteBoinDecisionTable pending, string format, TextWriter w)
    {
        switch (format)
        {
            case "csv":
                var csv = new CsvTable(w, "n", "dlts", "pending", "decision", "stft_from", "stft_from_included", "stft_to", "stft_to_included");
                foreach (var r in pending.Rows)
                    foreach (var s in r.Ranges)
                        csv.Row(Formatting.Int(r.Patients), Formatting.Int(r.Dlts), Formatting.Int(r.Pending), TiteBoinDecisionTable.Word(s.Action),
                            Formatting.Exact(s.From), s.FromClosed ? "true" : "false", Formatting.Exact(s.To), s.ToClosed ? "true" : "false");
                break;
            case "md":
                w.WriteLine($"Decision table: {Design.Describe()}, target {Formatting.Percent(Target, 0)}. {pending.Note}.");
                w.WriteLine();
                w.Write(pending.RenderMarkdown());
                break;
            case "table":
                w.WriteLine($"{Design.Describe()}; target {Formatting.Percent(Target, 0)}");
                w.WriteLine(pending.Note);
                w.WriteLine();
                w.Write(pending.Render());
                break;
            default: throw Text.UnknownFormat(format, "table, csv or md");
        }
    }
}

/// <summary>The sample-size analysis (samplesize).</summary>
public sealed record SampleSizeAnalysisResult(SampleSizeReport Report) : IRunResult
{
    public void Write(string format, Stream stream)
    {
        switch (format)
        {
            case "table": Text.Write(stream, w => SampleSizeTable.Write(Report, w)); break;
            case "md" or "markdown": Text.Write(stream, w => SampleSizeMarkdown.Write(Report, w)); break;
            case "json": SampleSizeJson.Write(Report, stream); break;
            default: throw Text.UnknownFormat(format, "table, md or json");
        }
    }
}

/// <summary>The design's next decision from the trial's data, with its reason, pathways and final MTD (next).</summary>
public sealed record NextResult(ConductResult Conduct, ConductReportInfo Info) : IRunResult
{
    public void Write(string format, Stream stream)
    {
        var f = format switch
        {
            "table" => ConductFormat.Table,
            "md" => ConductFormat.Md,
            "json" => ConductFormat.Json,
            _ => throw Text.UnknownFormat(format, "table, md or json"),
        };
        ConductReport.Write(Conduct, Info, f, stream);
    }
}

/// <summary>What a shard computed: the part merge adds up (JSON whatever the format; a shard takes no --format).</summary>
public sealed record PartResult(PartialResult Part) : IRunResult
{
    public void Write(string format, Stream stream) => Part.Write(stream);
}
