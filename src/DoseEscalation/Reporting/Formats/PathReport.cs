using DoseEscalation.Engines;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>Dose-transition pathways as a table or CSV.</summary>
public static class PathReport
{
    public static void Write(IDesign design, int cohorts, IReadOnlyList<(Scenario Scenario, IReadOnlyList<DosePath> Paths)> all, string format, TextWriter w)
    {
        if (format == "csv")
        {
            var csv = new CsvTable(w, "scenario", "path", "cohorts", "probability", "next");
            foreach (var (s, paths) in all)
                foreach (var p in paths)
                    csv.Row(s.Name, p.Notation, Formatting.Int(p.Cohorts.Count), Formatting.Exact(p.Probability), p.Next.ToString());
            return;
        }
        w.WriteLine($"Dose-transition pathways of the first {cohorts} cohorts: {design.Describe()}");
        w.WriteLine("Path notation: dose:DLTs/patients for each cohort.");
        foreach (var (s, paths) in all)
        {
            w.WriteLine();
            w.WriteLine($"Scenario '{s.Name}' (true DLT {string.Join(", ", s.Dlt.Select(v => Formatting.Round(v, 2)))}): {paths.Count} paths");
            var t = new TextTable("path", "P(path)", "next");
            foreach (var p in paths) t.Add(p.Notation, Formatting.Round(p.Probability, 6), p.Next.ToString());
            t.Write(w);
        }
    }
}
