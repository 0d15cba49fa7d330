using DoseEscalation.Designs;
using DoseEscalation.Scenarios;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>Everything a full report shows: built by the CLI from one run, rendered by <see cref="HtmlReport"/> or <see cref="MarkdownReport"/>.</summary>
public sealed record Report
{
    public required ScenarioFile File { get; init; }
    public required ResultSet Results { get; init; }
    /// <summary>Charts by stable file name (without extension), in display order.</summary>
    public required IReadOnlyList<(string Name, Figure Figure)> Charts { get; init; }
    public ComparisonSet? Comparison { get; init; }
    /// <summary>The sample-size analysis under the file's protocol model, the one <c>samplesize</c> prints; null to report only the design's own N.</summary>
    public SampleSizeReport? SampleSize { get; init; }
    public DecisionTable? DecisionTable { get; init; }
    /// <summary>The command that produced the report, for the reproducibility footer.</summary>
    public required string CommandLine { get; init; }
    public required DateTimeOffset Created { get; init; }

    /// <summary>The sections every format shows, as (heading, paragraphs, table) built once from the data.</summary>
    internal IEnumerable<ReportSection> Sections()
    {
        var f = File;
        var trial = new List<string> { f.Trial.Name + (f.Trial.RegistryId is { } id ? $" ({id})." : ".") };
        if (f.Trial.Source is { } src) trial.Add("Source: " + src);
        if (f.Trial.DltWindowDays is { } w) trial.Add($"DLT assessment window: {w} days.");
        if (f.Trial.Notes is { } notes) trial.Add(notes);
        yield return new ReportSection("Trial and dose levels", trial,
            new ReportTable(["level", "dose"], f.Doses.Select(d => new[] { d.Label, d.Dose ?? "" }).ToList()));

        var design = new List<string> { $"{Results.Design.Describe()}; target DLT rate {Formatting.Percent(Results.Target, 0)}." };
        design.AddRange(DesignProse.Rules(Results.Design, f.Doses));
        design.AddRange(Results.Setups.Select(d => "Options: " + d.Summary() + "."));
        if (Results.CorrectSelection.Rule != CorrectSelectionRule.HighestAtOrBelowTarget) design.Add($"A selection counts as correct if it is {Results.CorrectSelection.Describe()}.");
        ReportTable? table = null;
        if (DecisionTable is { } dt)
        {
            design.Add($"Decision table ({dt.Note}):");
            table = new ReportTable(["patients at the dose", "escalate if DLTs <=", "de-escalate if DLTs >=", "eliminate if DLTs >="],
                dt.Rows.Select(r => new[] { Formatting.Int(r.Patients), Cell(r.EscalateAtMost), Cell(r.DeescalateAtLeast), Cell(r.EliminateAtLeast) }).ToList());
        }
        yield return new ReportSection("Design", design, table);

        yield return new ReportSection("Toxicity scenarios",
            ["True DLT probability per dose under each scenario; the true MTD is the highest dose whose DLT probability is at most the target."],
            new ReportTable(["scenario", .. f.Doses.Select(d => d.Label), "true MTD", "rationale"],
                Results.Results.Select(oc => new[] { oc.Scenario.Name }
                    .Concat(oc.Scenario.Dlt.Select(p => Formatting.Round(p, 2)))
                    .Append(oc.TrueMtdLevel < 0 ? "none" : f.Doses[oc.TrueMtdLevel].Label)
                    .Append(oc.Scenario.Rationale ?? "").ToArray()).ToList()));

        string engine = Results.Engine == "exact"
            ? "Exact calculation over every possible course of the trial (no simulation error)."
            : $"Monte Carlo{(Results.Engine == "monte-carlo (calendar)" ? " in calendar time (the file's timeline, where the design backfills)" : "")}: {Formatting.Int(Results.Trials)} simulated trials per scenario, seed {Results.Seed}; standard errors in parentheses.";
        yield return new ReportSection("Operating characteristics",
            [engine, "P(select untried dose): the probability that the selected MTD is a dose at which no patient was treated (a model-based selection can choose one; a design selecting among treated doses has 0)."],
            new ReportTable(["scenario", .. f.Doses.Select(d => $"P(select {d.Label})"), "P(no dose)", "P(correct MTD)", "P(select above MTD)", "P(select untried dose)", "mean N", "mean DLTs", "% patients above MTD"],
                Results.Results.Select(oc => new[] { oc.Scenario.Name }
                    .Concat(oc.Selection.Skip(1).Select(Formatting.PercentWithSe))
                    .Append(Formatting.PercentWithSe(oc.Selection[0]))
                    .Append(Formatting.PercentWithSe(oc.CorrectSelection))
                    .Append(Formatting.PercentWithSe(oc.SelectAboveMtd))
                    .Append(Formatting.PercentWithSe(oc.SelectUntried))
                    .Append(Formatting.MeanWithSe(oc.MeanN, 1))
                    .Append(Formatting.MeanWithSe(oc.MeanTotalDlts, 2))
                    .Append(Formatting.PercentWithSe(oc.ShareAboveMtd)).ToArray()).ToList()));

        yield return new ReportSection("Patients per dose", ["Mean number of patients treated (and mean DLTs) at each dose."],
            new ReportTable(["scenario", .. f.Doses.Select(d => d.Label)],
                Results.Results.Select(oc => new[] { oc.Scenario.Name }
                    .Concat(Enumerable.Range(0, oc.DoseCount).Select(d => $"{Formatting.Round(oc.MeanPatients[d].Value, 2)} ({Formatting.Round(oc.MeanDlts[d].Value, 2)} DLTs)"))
                    .ToArray()).ToList()));

        if (Results.Results.All(oc => oc.DoseOptimisation is not null))
        {
            var first = Results.Results[0].DoseOptimisation!.Utility;
            yield return new ReportSection("Dose optimisation",
                [$"Response probabilities and the true expected utility per dose ({first.Describe()}); the true OBD is the dose with the highest utility among doses with P(DLT) at most the target"
                 + (first.MinResponse > 0 ? $" and P(response) at least {Formatting.Round(first.MinResponse, 2)}" : "") + ". A trial selecting no dose scores utility 0."],
                new ReportTable(["scenario", .. f.Doses.Select(d => $"P(resp) / utility {d.Label}"), "true MTD", "true OBD", "P(select OBD)", "P(correct MTD)", "utility of selected", "responders", "at selected"],
                    Results.Results.Select(oc =>
                    {
                        var o = oc.DoseOptimisation!;
                        return new[] { oc.Scenario.Name }
                            .Concat(Enumerable.Range(0, oc.DoseCount).Select(d => $"{Formatting.Round(oc.Scenario.Response![d], 2)} / {Formatting.Round(o.TrueUtility[d], 1)}"))
                            .Append(oc.TrueMtdLevel < 0 ? "none" : f.Doses[oc.TrueMtdLevel].Label)
                            .Append(o.ObdLevel < 0 ? "none" : f.Doses[o.ObdLevel].Label)
                            .Append(Formatting.PercentWithSe(o.SelectObd))
                            .Append(Formatting.PercentWithSe(oc.CorrectSelection))
                            .Append(Formatting.MeanWithSe(o.UtilityOfSelected, 2))
                            .Append(oc.Efficacy is { } e ? Formatting.MeanWithSe(e.TotalResponders, 2) : "")
                            .Append(oc.Efficacy is { } g ? Formatting.MeanWithSe(g.RespondersAtSelected, 2) : "").ToArray();
                    }).ToList()));
        }

        if (SampleSize is { } ss)
        {
            var a = ss.Analysis;
            var m = a.Model;
            string cover = Formatting.Percent(m.Coverage, SampleSizeReport.Digits(m.Coverage));
            string model = $"non-evaluable rate {Formatting.Percent(m.NonEvaluableRate, SampleSizeReport.Digits(m.NonEvaluableRate))} (replaced), expansion cohort {m.ExpansionCohort} at the selected dose";
            var header = new List<string> { "scenario", "mean evaluable N", "mean enrolled N", $"enrolled N covering {cover}" };
            if (m.PlannedN is { } p) header.AddRange([$"P(enrolled N <= {p})", $"P(evaluable N <= {p})"]);
            yield return new ReportSection("Sample size",
                [$"Enrolled and evaluable patients under the file's protocol model ({model}), as `dose-escalation samplesize` computes them; engine: {ss.EngineLine()}.",
                 ss.Statement()],
                new ReportTable(header, a.Results.Select(r =>
                {
                    var cells = new List<string> { r.Scenario.Name, Formatting.MeanWithSe(r.MeanEvaluable, 1), Formatting.MeanWithSe(r.MeanEnrolled, 1), Formatting.Int(r.EnrolledQuantile(m.Coverage)) };
                    if (m.PlannedN is { } p) cells.AddRange([Formatting.PercentWithSe(r.EnrolledAtMost(p)), Formatting.PercentWithSe(r.EvaluableAtMost(p))]);
                    return cells.ToArray();
                }).ToList()));
        }
        else
        {
            int maxN = Results.Results.Max(oc => oc.NDistribution.Length) - 1;
            var support = Enumerable.Range(0, maxN + 1).Where(n => Results.Results.Any(oc => n < oc.NDistribution.Length && oc.NDistribution[n] > 0)).ToList();
            yield return new ReportSection("Sample size", ["P(N <= n): the probability that the trial needs at most n patients (no patient replaced, no expansion)."],
                new ReportTable(["scenario", .. support.Select(n => $"n = {n}")],
                    Results.Results.Select(oc => new[] { oc.Scenario.Name }.Concat(support.Select(n => Formatting.Percent(oc.NCumulative(n)))).ToArray()).ToList()));
        }

        if (Comparison is { } cmp && cmp.Setups.Count > 1)
            yield return new ReportSection("Comparison with other designs",
                [$"All designs on the same simulated patients (common random numbers), {Formatting.Int(cmp.Trials)} trials per scenario, seed {cmp.Seed}. "
                 + "The benchmark is the nonparametric optimal design (O'Quigley, Paoletti & Maccario 2002) with the same patients.",
                 // The section runs its own trials (--compare-trials), not the main results': both counts, so neither is mistaken for the other.
                 $"Trials: this comparison {Formatting.Int(cmp.Trials)} per scenario (--compare-trials); the results above "
                 + (Results.Engine == "exact" ? "exact (no simulation)." : $"{Formatting.Int(Results.Trials)} per scenario."),
                 .. RunNotes.Comparison(cmp).Select(n => n + ".")],
                new ReportTable(["scenario", "design", "P(correct MTD)", "P(select above MTD)", "P(select untried dose)", "mean N", "% patients above MTD", "benchmark P(correct)"],
                    cmp.Scenarios.SelectMany(sc => sc.Designs.Select(r => new[]
                    {
                        sc.Scenario.Name, r.Oc.Design, Formatting.PercentWithSe(r.Oc.CorrectSelection), Formatting.PercentWithSe(r.Oc.SelectAboveMtd),
                        Formatting.PercentWithSe(r.Oc.SelectUntried), Formatting.MeanWithSe(r.Oc.MeanN, 1), Formatting.PercentWithSe(r.Oc.ShareAboveMtd),
                        sc.BenchmarkCorrectSelection is { } b ? Formatting.PercentWithSe(b) : "n/a",
                    })).ToList()));

        if (Comparison is { } onCalendar && onCalendar.Scenarios.All(sc => sc.Calendar is not null) && onCalendar.Scenarios.Count > 0)
        {
            var first = onCalendar.Scenarios[0];
            string firstLabel = first.Designs[0].Oc.Design;
            bool backfill = onCalendar.Scenarios.Any(sc => sc.Calendar!.Results.Any(c => c.MeanBackfilled is not null));
            yield return new ReportSection("Calendar time",
                [$"The same designs and simulated patients on the trial's calendar: {CalendarReport.Describe(first.Calendar!.Results[0].Timeline)}."
                 + (f.Timeline?.Notes is { } tn ? " " + tn : ""),
                 $"Duration is the number of days from opening to the end of the trial (the MTD decision, or the last response read if later); 'vs {firstLabel}' is the paired mean difference in duration against {firstLabel} on the same simulated trials, with its standard error. The duration charts show each design's distribution."],
                new ReportTable(["scenario", "design", "duration mean (SE)", "median [P10, P90]", "to MTD decision", "enrolled", .. (backfill ? new[] { "backfilled" } : []), "lost", "waited", "mean wait (days)", $"vs {firstLabel} (SE)"],
                    onCalendar.Scenarios.SelectMany(sc => sc.Designs.Select((r, i) =>
                    {
                        var c = sc.Calendar!.Results[i];
                        var p = sc.Calendar.AgainstFirst[i];
                        return (string[])
                        [
                            sc.Scenario.Name, r.Oc.Design,
                            $"{Formatting.Round(c.Duration.Mean, 1)} ({Formatting.Round(c.Duration.StandardError(onCalendar.Trials), 2)})",
                            $"{CalendarReport.Day(c.Duration.Median)} [{CalendarReport.Day(c.Duration.P10)}, {CalendarReport.Day(c.Duration.P90)}]",
                            Formatting.Round(c.TimeToDecision.Mean, 1), Formatting.Round(c.MeanEnrolled, 2),
                            .. (backfill ? new[] { c.MeanBackfilled is { } b ? Formatting.Round(b, 2) : "" } : []), Formatting.Round(c.MeanLost, 2),
                            Formatting.Round(c.MeanWaited, 2), Formatting.Round(c.MeanWaitDays, 1),
                            i == 0 ? "" : $"{Formatting.Round(p.MeanDifference, 1)} ({Formatting.Round(p.Se, 2)})",
                        ];
                    })).ToList()));
        }
    }

    /// <summary>The reproducibility footer.</summary>
    internal string Footer() =>
        $"{ToolInfo.Describe()}; engine {Results.Engine}"
        + (Results.Engine == "exact" ? "" : $", {Formatting.Int(Results.Trials)} trials, seed {Results.Seed}")
        + $"; scenario file {File.Path}; created {Created.UtcDateTime:yyyy-MM-dd HH:mm} UTC; command: {CommandLine}";

    private static string Cell(int? v) => v is { } i ? Formatting.Int(i) : "NA";
}

/// <summary>A heading, its paragraphs and an optional table.</summary>
internal sealed record ReportSection(string Heading, IReadOnlyList<string> Paragraphs, ReportTable? Table);

internal sealed record ReportTable(IReadOnlyList<string> Header, IReadOnlyList<string[]> Rows);
