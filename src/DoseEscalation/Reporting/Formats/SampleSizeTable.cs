using DoseEscalation.SampleSizing;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>The console table of samplesize: per scenario the N distributions, toxicity and efficacy, then the summary statement.</summary>
public static class SampleSizeTable
{
    public static void Write(SampleSizeReport report, TextWriter w)
    {
        var a = report.Analysis;
        var m = a.Model;
        w.WriteLine(report.TrialName);
        foreach (var line in report.DesignRules().Take(1)) w.WriteLine(line);
        w.WriteLine("Engine: " + report.EngineLine());
        w.WriteLine("Doses: " + string.Join("; ", report.Doses.Select(d => d.Display)));
        w.WriteLine($"Model: non-evaluable rate {Formatting.Percent(m.NonEvaluableRate, SampleSizeReport.Digits(m.NonEvaluableRate))} (replaced), expansion cohort {m.ExpansionCohort} at the selected dose, "
            + $"planned N {(m.PlannedN is { } pn ? Formatting.Int(pn) : "not given")}, coverage {Formatting.Percent(m.Coverage, SampleSizeReport.Digits(m.Coverage))}"
            + (m.MinResponses is { } r ? $", responses of interest >= {r}" : ""));
        foreach (var res in a.Results)
        {
            w.WriteLine();
            w.WriteLine($"Scenario '{res.Scenario.Name}': true MTD = {report.MtdLabel(res)}" + (res.Scenario.Rationale is { } why ? $"  ({why})" : ""));
            if (RunNotes.Titration(a.Design, res.Scenario) is { } titration) w.WriteLine($"  Note: {titration}.");
            bool eff = res.ExpectedResponders is not null;
            var t = eff
                ? new TextTable("dose", "P(DLT)", "P(select)", "evaluable", "DLTs", "P(resp)", "responders")
                : new TextTable("dose", "P(DLT)", "P(select)", "evaluable", "DLTs");
            for (int d = 0; d < res.MeanPatients.Length; d++)
            {
                var cells = new List<string>
                {
                    report.Doses[d].Display + (d == res.TrueMtdLevel ? " *" : ""), Formatting.Round(res.Scenario.Dlt[d], 2),
                    Formatting.PercentWithSe(res.Selection[d + 1]), Formatting.MeanWithSe(res.MeanPatients[d]), Formatting.MeanWithSe(res.MeanDlts[d]),
                };
                if (eff) cells.AddRange([Formatting.Round(res.Scenario.Response![d], 2), Formatting.MeanWithSe(res.ExpectedResponders![d])]);
                t.Add([.. cells]);
            }
            t.Add("none", "", Formatting.PercentWithSe(res.Selection[0]), "", "");
            t.Add("total", "", "", Formatting.MeanWithSe(res.MeanEvaluable), Formatting.MeanWithSe(res.ExpectedDlts));
            t.Write(w);
            w.WriteLine($"  P(correct MTD) {Formatting.PercentWithSe(res.CorrectSelection)}; P(select above MTD) {Formatting.PercentWithSe(res.SelectAboveMtd)}; "
                + $"P(>=1 patient above MTD) {Formatting.PercentWithSe(res.AnyPatientAboveMtd)}");
            var n = new TextTable("N", "mean", "min", "50%", "80%", "90%", "95%", "max");
            string seen = res.EvaluableRangeIsExact ? "" : " (seen)";
            n.Add([ "evaluable", Formatting.MeanWithSe(res.MeanEvaluable), Formatting.Int(res.MinEvaluable) + seen,
                .. SampleSizeReport.Quantiles.Select(q => Formatting.Int(res.EvaluableQuantile(q))), Formatting.Int(res.MaxEvaluable) + seen ]);
            n.Add([ "enrolled", Formatting.MeanWithSe(res.MeanEnrolled), Formatting.Int(res.MinEnrolled) + seen,
                .. SampleSizeReport.Quantiles.Select(q => Formatting.Int(res.EnrolledQuantile(q))), res.MaxEnrolled is { } me ? Formatting.Int(me) + seen : "unbounded" ]);
            n.Write(w);
            var line = $"  {Formatting.Percent(m.Coverage, SampleSizeReport.Digits(m.Coverage))} of trials enrol at most {res.EnrolledQuantile(m.Coverage)} patients";
            if (m.PlannedN is { } planned)
                line += $"; P(enrolled N <= {planned}) = {Formatting.PercentWithSe(res.EnrolledAtMost(planned))}; P(evaluable N <= {planned}) = {Formatting.PercentWithSe(res.EvaluableAtMost(planned))}";
            w.WriteLine(line);
            if (eff)
                w.WriteLine($"  expected responders at the selected dose {Formatting.MeanWithSe(res.ExpectedRespondersAtSelected!.Value)}"
                    + (res.AtLeastMinResponses is { } ar ? $"; P(>= {res.MinResponses} responses at the selected dose) {Formatting.PercentWithSe(ar)}" : ""));
        }
        w.WriteLine();
        var s = new TextTable(m.PlannedN is { } p2
            ? ["scenario", "true MTD", "mean enrolled", $"{Formatting.Percent(m.Coverage, SampleSizeReport.Digits(m.Coverage))} enrolled N", $"P(enrolled <= {p2})"]
            : ["scenario", "true MTD", "mean enrolled", $"{Formatting.Percent(m.Coverage, SampleSizeReport.Digits(m.Coverage))} enrolled N"]);
        foreach (var res in a.Results)
        {
            var cells = new List<string> { res.Scenario.Name, report.MtdLabel(res), Formatting.MeanWithSe(res.MeanEnrolled), Formatting.Int(res.EnrolledQuantile(m.Coverage)) };
            if (m.PlannedN is { } p3) cells.Add(Formatting.PercentWithSe(res.EnrolledAtMost(p3)));
            s.Add([.. cells]);
        }
        w.WriteLine("Summary");
        s.Write(w);
        w.WriteLine(report.Statement());
        if (a.Results.Any(r => r.MaxEnrolled is null))
            w.WriteLine("The enrolled N has no upper bound when patients can be non-evaluable: the quantiles above are the planning figures.");
        if (a.Results.Any(r => r.Scenario.Response is not null) is false)
            w.WriteLine("Efficacy: the scenarios give no response probabilities (scenario key 'response').");
        w.WriteLine($"dose-escalation {ToolInfo.Version}; source {report.Source}");
    }
}
