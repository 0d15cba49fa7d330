using DoseEscalation.SampleSizing;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>
/// A protocol-ready Markdown section ("Statistical considerations"): the design rules in words, the
/// toxicity scenarios, the operating characteristics, the sample size statement with its
/// justification, and the software, engine and seed that reproduce it.
/// </summary>
public static class SampleSizeMarkdown
{
    public static void Write(SampleSizeReport report, TextWriter w)
    {
        var a = report.Analysis;
        var m = a.Model;
        var doses = report.Doses;
        bool mc = a.Engine != "exact";
        string P(Estimate e) => mc ? Formatting.PercentWithSe(e) : Formatting.Percent(e.Value);
        string M(Estimate e) => mc ? Formatting.MeanWithSe(e, 1) : Formatting.Round(e.Value, 1);
        // Names come from the scenario file: inert in Markdown (no raw HTML, links or images) and in a table cell.
        static string Cell(string s) => MarkdownText.Escape(s).Replace("|", "\\|");

        w.WriteLine($"## Statistical considerations: {Cell(report.TrialName)}");
        w.WriteLine();
        w.WriteLine("### Dose levels and escalation rules");
        w.WriteLine();
        w.WriteLine("| level | dose |");
        w.WriteLine("|---|---|");
        foreach (var d in doses) w.WriteLine($"| {Cell(d.Label)} | {Cell(d.Dose ?? "-")} |");
        w.WriteLine();
        var rules = report.DesignRules();
        w.WriteLine(MarkdownText.Escape(string.Join(" ", rules))
            + (report.Trial.DltWindowDays is { } days ? $" DLTs are assessed over {days} days after the first dose." : ""));
        w.WriteLine();

        w.WriteLine("### Toxicity scenarios");
        w.WriteLine();
        w.WriteLine("The operating characteristics were evaluated under the following true DLT probabilities"
            + (a.Results.Any(r => r.Scenario.Response is not null) ? " (response probabilities in brackets)" : "") + ".");
        w.WriteLine();
        w.WriteLine("| scenario | " + string.Join(" | ", doses.Select(d => Cell(d.Display))) + " | true MTD | rationale |");
        w.WriteLine("|---|" + string.Concat(doses.Select(_ => "---:|")) + "---|---|");
        foreach (var r in a.Results)
        {
            var cells = Enumerable.Range(0, doses.Count).Select(d => Formatting.Round(r.Scenario.Dlt[d], 2)
                + (r.Scenario.Response is { } resp ? $" [{Formatting.Round(resp[d], 2)}]" : ""));
            w.WriteLine($"| {Cell(r.Scenario.Name)} | {string.Join(" | ", cells)} | {Cell(report.MtdLabel(r))} | {Cell(r.Scenario.Rationale ?? "")} |");
        }
        w.WriteLine();

        w.WriteLine("### Operating characteristics");
        w.WriteLine();
        w.WriteLine("| scenario | " + string.Join(" | ", doses.Select(d => $"P(select {Cell(d.Label)})")) + " | P(no dose) | mean evaluable patients | mean enrolled patients | mean DLTs | P(correct MTD) | P(select above MTD) | P(>= 1 patient above MTD) |");
        w.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---:|", doses.Count + 7)));
        foreach (var r in a.Results)
            w.WriteLine($"| {Cell(r.Scenario.Name)} | " + string.Join(" | ", Enumerable.Range(1, doses.Count).Select(d => P(r.Selection[d])))
                + $" | {P(r.Selection[0])} | {M(r.MeanEvaluable)} | {M(r.MeanEnrolled)} | {M(r.ExpectedDlts)} | {P(r.CorrectSelection)} | {P(r.SelectAboveMtd)} | {P(r.AnyPatientAboveMtd)} |");
        w.WriteLine();
        w.WriteLine("Mean evaluable patients per dose level: " + string.Join("; ", a.Results.Select(r =>
            $"'{MarkdownText.Escape(r.Scenario.Name)}' " + string.Join(", ", Enumerable.Range(0, doses.Count).Select(d => $"{MarkdownText.Escape(doses[d].Label)} {M(r.MeanPatients[d])}")))) + ".");
        w.WriteLine();

        w.WriteLine("### Sample size");
        w.WriteLine();
        string cov = Formatting.Percent(m.Coverage, SampleSizeReport.Digits(m.Coverage));
        var header = "| scenario | evaluable N (min-max) | mean enrolled | median | 80% | 90% | 95% |" + (m.Coverage is 0.5 or 0.8 or 0.9 or 0.95 ? "" : $" {cov} |")
            + (m.PlannedN is { } p ? $" P(enrolled N <= {p}) |" : "");
        w.WriteLine(header);
        w.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---:|", header.Count(c => c == '|') - 2)));
        foreach (var r in a.Results)
        {
            var cells = new List<string> { Cell(r.Scenario.Name), $"{r.MinEvaluable}-{r.MaxEvaluable}", M(r.MeanEnrolled) };
            cells.AddRange(SampleSizeReport.Quantiles.Select(q => Formatting.Int(r.EnrolledQuantile(q))));
            if (m.Coverage is not (0.5 or 0.8 or 0.9 or 0.95)) cells.Add(Formatting.Int(r.EnrolledQuantile(m.Coverage)));
            if (m.PlannedN is { } pn) cells.Add(P(r.EnrolledAtMost(pn)));
            w.WriteLine("| " + string.Join(" | ", cells) + " |");
        }
        w.WriteLine();
        w.WriteLine("The columns median to 95% give the smallest enrolled N that covers that share of trials in each scenario.");
        w.WriteLine();
        w.WriteLine("**Sample size.** " + MarkdownText.Escape(report.Statement()));
        w.WriteLine();
        w.WriteLine("**Justification.** " + MarkdownText.Escape(Justification(report)));
        w.WriteLine();

        if (a.Results.Any(r => r.ExpectedResponders is not null))
        {
            w.WriteLine("### Efficacy");
            w.WriteLine();
            bool withR = a.Results.Any(r => r.AtLeastMinResponses is not null);
            int? rr = a.Results.Select(r => r.MinResponses).FirstOrDefault(x => x is not null);
            w.WriteLine("| scenario | " + string.Join(" | ", doses.Select(d => $"responders {Cell(d.Label)}")) + " | responders at selected dose |"
                + (withR ? $" P(>= {rr} responses at selected dose) |" : ""));
            w.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---:|", doses.Count + 1 + (withR ? 1 : 0))));
            foreach (var r in a.Results.Where(r => r.ExpectedResponders is not null))
                w.WriteLine($"| {Cell(r.Scenario.Name)} | " + string.Join(" | ", r.ExpectedResponders!.Select(e => mc ? Formatting.MeanWithSe(e) : Formatting.Round(e.Value, 2)))
                    + $" | {(mc ? Formatting.MeanWithSe(r.ExpectedRespondersAtSelected!.Value) : Formatting.Round(r.ExpectedRespondersAtSelected!.Value.Value, 2))} |"
                    + (withR ? $" {(r.AtLeastMinResponses is { } al ? P(al) : "-")} |" : ""));
            w.WriteLine();
            w.WriteLine("Expected responders count evaluable patients during escalation"
                + (m.ExpansionCohort > 0 ? " and the expansion cohort at the selected dose" : "")
                + "; responses are assumed independent of DLTs and between patients; a trial that selects no dose has no responders at the selected dose.");
            w.WriteLine();
        }

        w.WriteLine("### Software");
        w.WriteLine();
        w.WriteLine($"Computed with dose-escalation {ToolInfo.Version} (`samplesize`), engine: {report.EngineLine()}."
            + (mc ? $" Seed {a.Seed}, {Formatting.Int(a.Trials)} simulated trials per scenario." : " Exact: no simulated trials, no seed.")
            + $" Scenario source: {Cell(report.Source)}.");
    }

    private static string Justification(SampleSizeReport report)
    {
        var a = report.Analysis;
        var m = a.Model;
        var worst = a.WorstScenario;
        string cov = Formatting.Percent(m.Coverage, SampleSizeReport.Digits(m.Coverage));
        string evaluable = a.Results.All(r => r.EvaluableRangeIsExact)
            ? $"The design needs between {a.Results.Min(r => r.MinEvaluable)} and {a.MaxEvaluable} evaluable patients, depending on the DLTs observed."
            : $"The design needs at most {a.Design.MaxPatients} evaluable patients.";
        string replacement = m.NonEvaluableRate > 0
            ? $" Because non-evaluable patients are replaced, the number enrolled is the number evaluable plus the replacements, which given N evaluable patients follow a negative binomial distribution (failures before the N-th success, success probability {Formatting.Round(1 - m.NonEvaluableRate, 2)}); the enrolled total therefore has no fixed maximum, and the sample size is stated as the enrolled N that suffices in a given share of trials."
            : "";
        string expansion = m.ExpansionCohort > 0 ? $" The expansion cohort adds {m.ExpansionCohort} patients whenever a dose is selected." : "";
        string engine = a.Engine == "exact"
            ? " These probabilities were computed exactly over every possible course of the trial under each scenario"
            : $" These probabilities were estimated from {Formatting.Int(a.Trials)} simulated trials per scenario";
        return evaluable + replacement + expansion + engine
            + $"; the recommended N is the largest, over the scenarios, of the enrolled N covering {cov} of trials, attained in scenario '{worst.Scenario.Name}' (mean enrolled {Formatting.Round(worst.MeanEnrolled.Value, 1)})."
            + $" In that scenario the remaining {Formatting.Percent(1 - m.Coverage, SampleSizeReport.Digits(1 - m.Coverage))} of trials would enrol more.";
    }
}
