using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>The readable console table of simulate and exact.</summary>
public static class ConsoleReport
{
    public static void Write(ResultSet set, TextWriter w)
    {
        w.WriteLine($"{set.TrialName}");
        w.WriteLine($"Design: {set.Design.Describe()}; target DLT rate {Formatting.Percent(set.Target, 0)}");
        foreach (var d in set.Setups) w.WriteLine($"Options: {d.Summary()}");
        if (set.CorrectSelection.Rule != CorrectSelectionRule.HighestAtOrBelowTarget) w.WriteLine($"Correct selection: {set.CorrectSelection.Describe()}");
        // In the output itself, not only on stderr: a backfill design without calendar time ran as its escalation rule.
        if (set.Engine != "calendar") foreach (var note in RunNotes.Backfill(set.Setups)) w.WriteLine($"Note: {note}.");
        w.WriteLine(set.Engine == "exact"
            ? "Engine: exact (no simulation error)"
            : $"Engine: Monte Carlo, {Formatting.Int(set.Trials)} trials, seed {set.Seed}; standard errors in parentheses (in percentage points for probabilities)");
        w.WriteLine("Doses: " + string.Join("; ", set.Doses.Select(d => d.Display)));
        foreach (var oc in set.Results)
        {
            w.WriteLine();
            w.WriteLine($"Scenario '{oc.Scenario.Name}': true MTD = {(oc.TrueMtdLevel < 0 ? "none" : set.Doses[oc.TrueMtdLevel].Label)}"
                + (oc.Scenario.Rationale is { } r ? $"  ({r})" : ""));
            if (RunNotes.JointOutcome(set.Design, oc.Scenario) is { } joint) w.WriteLine($"  Note: {joint}.");
            if (RunNotes.Titration(set.Design, oc.Scenario) is { } titration) w.WriteLine($"  Note: {titration}.");
            var e = oc.Efficacy;
            var t = e is null
                ? new TextTable("dose", "P(DLT)", "P(select)", "patients", "DLTs")
                : new TextTable("dose", "P(DLT)", "P(resp)", "P(select)", "patients", "DLTs", "responders");
            for (int d = 0; d < oc.DoseCount; d++)
            {
                string label = set.Doses[d].Label + (d == oc.TrueMtdLevel ? " *" : "");
                if (e is null)
                    t.Add(label, Formatting.Round(oc.Scenario.Dlt[d], 2),
                        Formatting.PercentWithSe(oc.Selection[d + 1]), Formatting.MeanWithSe(oc.MeanPatients[d]), Formatting.MeanWithSe(oc.MeanDlts[d]));
                else
                    t.Add(label, Formatting.Round(oc.Scenario.Dlt[d], 2), Formatting.Round(oc.Scenario.Response![d], 2),
                        Formatting.PercentWithSe(oc.Selection[d + 1]), Formatting.MeanWithSe(oc.MeanPatients[d]), Formatting.MeanWithSe(oc.MeanDlts[d]),
                        Formatting.MeanWithSe(e.RespondersPerDose[d]));
            }
            if (e is null)
            {
                t.Add("none", "", Formatting.PercentWithSe(oc.Selection[0]), "", "");
                t.Add("total", "", "", Formatting.MeanWithSe(oc.MeanN), Formatting.MeanWithSe(oc.MeanTotalDlts));
            }
            else
            {
                t.Add("none", "", "", Formatting.PercentWithSe(oc.Selection[0]), "", "", "");
                t.Add("total", "", "", "", Formatting.MeanWithSe(oc.MeanN), Formatting.MeanWithSe(oc.MeanTotalDlts), Formatting.MeanWithSe(e.TotalResponders));
            }
            t.Write(w);
            if (e is not null)
                w.WriteLine($"  Responders at the selected dose {Formatting.MeanWithSe(e.RespondersAtSelected)}; P(>= 1 response there) {Formatting.PercentWithSe(e.AtLeastResponsesAtSelected[1])}"
                    + (e.AtLeastResponsesAtSelected.Length > 2 ? $"; P(>= 2) {Formatting.PercentWithSe(e.AtLeastResponsesAtSelected[2])}" : ""));
            if (oc.DoseOptimisation is { } o)
                w.WriteLine($"  True utility per dose {string.Join(" ", o.TrueUtility.Select(u => Formatting.Round(u, 1)))}; OBD {(o.ObdLevel >= 0 ? set.Doses[o.ObdLevel].Label : "none")}; "
                    + $"P(select {(o.ObdLevel >= 0 ? "OBD" : "no dose")}) {Formatting.PercentWithSe(o.SelectObd)}; utility of the selected dose {Formatting.MeanWithSe(o.UtilityOfSelected)}");
            w.WriteLine($"  P(correct MTD) {Formatting.PercentWithSe(oc.CorrectSelection)}; P(select above MTD) {Formatting.PercentWithSe(oc.SelectAboveMtd)}; "
                + $"patients above MTD {Formatting.PercentWithSe(oc.ShareAboveMtd)}; P(top dose cleared) {Formatting.PercentWithSe(oc.TopDoseCleared)}");
            // A line of its own, so the lines above read as before (issue 25).
            w.WriteLine($"  P(select an untried dose, one with no patients) {Formatting.PercentWithSe(oc.SelectUntried)}");
            var support = Enumerable.Range(0, oc.NDistribution.Length).Where(n => oc.NDistribution[n] > 0).ToList();
            w.WriteLine("  N:        " + string.Join(" ", support.Select(n => Formatting.Int(n).PadLeft(6))));
            w.WriteLine("  P(N=n):   " + string.Join(" ", support.Select(n => Formatting.Percent(oc.NDistribution[n]).PadLeft(6))));
            w.WriteLine("  P(N<=n):  " + string.Join(" ", support.Select(n => Formatting.Percent(oc.NCumulative(n)).PadLeft(6))));
            if (oc.Engine == "exact") w.WriteLine($"  total probability {Formatting.Exact(oc.TotalProbability)}; {Formatting.Int(oc.StateCount)} states");
        }
    }
}
