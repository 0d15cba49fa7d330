namespace DoseEscalation.Reporting;

/// <summary>
/// Tidy CSV: one row per scenario x dose x quantity, columns
/// <c>scenario,dose,quantity,value,se</c>; dose is 1..K, "none", or "all" for trial-level quantities.
/// </summary>
public static class CsvReport
{
    public static void Write(ResultSet set, TextWriter w)
    {
        foreach (var d in set.Setups) w.WriteLine("# design: " + d.Summary().Replace('\n', ' '));
        w.WriteLine("design,engine,scenario,dose,quantity,value,se");
        foreach (var oc in set.Results)
        {
            string prefix = $"{Quote(set.Design.Name)},{set.Engine},{Quote(oc.Scenario.Name)}";
            void Row(string dose, string quantity, double value, double se) =>
                w.WriteLine($"{prefix},{dose},{quantity},{Formatting.Exact(value)},{Formatting.Exact(se)}");
            int k = oc.DoseCount;
            Row("none", "selection", oc.Selection[0].Value, oc.Selection[0].Se);
            for (int d = 0; d < k; d++)
            {
                string dose = Formatting.Dose(d);
                Row(dose, "true_dlt", oc.Scenario.Dlt[d], 0);
                Row(dose, "selection", oc.Selection[d + 1].Value, oc.Selection[d + 1].Se);
                Row(dose, "mean_patients", oc.MeanPatients[d].Value, oc.MeanPatients[d].Se);
                Row(dose, "mean_dlts", oc.MeanDlts[d].Value, oc.MeanDlts[d].Se);
            }
            Row("all", "true_mtd", oc.TrueMtdLevel + 1, 0);
            Row("all", "mean_n", oc.MeanN.Value, oc.MeanN.Se);
            Row("all", "mean_total_dlts", oc.MeanTotalDlts.Value, oc.MeanTotalDlts.Se);
            Row("all", "p_top_dose_cleared", oc.TopDoseCleared.Value, oc.TopDoseCleared.Se);
            Row("all", "p_correct_selection", oc.CorrectSelection.Value, oc.CorrectSelection.Se);
            Row("all", "p_select_above_mtd", oc.SelectAboveMtd.Value, oc.SelectAboveMtd.Se);
            Row("all", "p_select_below_mtd", oc.SelectBelowMtd.Value, oc.SelectBelowMtd.Se);
            Row("all", "share_patients_above_mtd", oc.ShareAboveMtd.Value, oc.ShareAboveMtd.Se);
            Row("all", "p_any_patient_above_mtd", oc.AnyPatientAboveMtd.Value, oc.AnyPatientAboveMtd.Se);
            Row("all", "p_60pct_patients_above_mtd", oc.AtLeast60PctAboveMtd.Value, oc.AtLeast60PctAboveMtd.Se);
            for (int n = 0; n < oc.NDistribution.Length; n++)
                if (oc.NDistribution[n] > 0) Row("all", $"p_n_eq_{n}", oc.NDistribution[n], 0);
        }
    }

    internal static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
