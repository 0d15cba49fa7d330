using DoseEscalation.Designs.Configuration;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>Documentation generated from the design catalog: the scenario-file option table of docs/scenarios.md.</summary>
public static class DesignDocs
{
    /// <summary>One row per option key: the designs that take it, its type and range, default and doc.</summary>
    public static string OptionTable(DesignCatalog catalog)
    {
        var w = new StringWriter { NewLine = "\n" };
        w.WriteLine("| option | CLI flag | designs | type and range | default | meaning |");
        w.WriteLine("|---|---|---|---|---|---|");
        foreach (var (o, designs) in catalog.AllOptions())
        {
            string who = designs.Count == catalog.Designs.Count ? "all" : string.Join(", ", designs);
            string type = o.Kind switch
            {
                OptionKind.Switch => "true/false",
                OptionKind.Integer => "whole number",
                OptionKind.Number => "number",
                OptionKind.Probabilities => "list of numbers",
                _ => "one of",
            };
            string range = o.RangeText.Length == 0 ? type : o.Kind == OptionKind.Switch ? type : $"{type} {o.RangeText}";
            w.WriteLine($"| `{o.Key}`{(o.Common ? " (common)" : "")} | `{o.Flag}` | {who} | {Cell(range)} | {Cell(DefaultCell(o, catalog))} | {Cell(o.Doc)} |");
        }
        return w.ToString();
    }

    // Designs may give a common option different defaults (max_n: none for the 3+3, 30 for BOIN).
    private static string DefaultCell(DesignOption o, DesignCatalog catalog)
    {
        var defaults = catalog.Designs.Select(d => (d.Name, Option: d.Option(o.Key))).Where(p => p.Option is not null)
            .Select(p => (p.Name, Text: p.Option!.DefaultDisplay)).ToList();
        var distinct = defaults.Select(d => d.Text).Distinct().ToList();
        return distinct.Count == 1 ? distinct[0]
            : string.Join("; ", distinct.Select(t => $"{t} ({string.Join(", ", defaults.Where(d => d.Text == t).Select(d => d.Name))})"));
    }

    private static string Cell(string s) => s.Replace("|", "\\|");
}
