using System.Net;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>
/// One self-contained HTML page: inline CSS and SVG, no scripts, no network. Text is escaped by
/// WebUtility.HtmlEncode at the one place it is written.
/// </summary>
public static class HtmlReport
{
    private const string Css = """
        body { font-family: "Helvetica Neue", Arial, "Liberation Sans", sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
        h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
        table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; } th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; }
        th:first-child, td:first-child, td.text { text-align: left; } th { background: #f3f3f3; }
        figure { margin: 1.5rem 0; } svg { max-width: 100%; height: auto; } footer { margin-top: 3rem; font-size: .8rem; color: #555; border-top: 1px solid #ccc; padding-top: .5rem; }
        """;

    /// <summary>Numbers ("12.3%", "0.45", "12.8 (0.01)", "NA") align right; words align left.</summary>
    private static bool IsNumber(string cell)
    {
        string head = cell.Split(' ')[0].TrimEnd('%');
        return head is "NA" or "n/a" || double.TryParse(head, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
    }

    public static void Write(Report report, TextWriter w)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        string title = $"Operating characteristics: {report.Results.TrialName}";
        w.WriteLine("<!DOCTYPE html>");
        w.WriteLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w.WriteLine($"<title>{E(title)}</title>");
        w.WriteLine($"<style>{Css}</style></head><body>");
        w.WriteLine($"<h1>{E(title)}</h1>");
        w.WriteLine($"<p>{E(report.Results.Design.Describe())}</p>");
        foreach (var section in report.Sections())
        {
            w.WriteLine($"<h2>{E(section.Heading)}</h2>");
            foreach (var p in section.Paragraphs) w.WriteLine($"<p>{E(p)}</p>");
            if (section.Table is { } t)
            {
                w.WriteLine("<table><thead><tr>" + string.Concat(t.Header.Select(h => $"<th>{E(h)}</th>")) + "</tr></thead><tbody>");
                foreach (var row in t.Rows) w.WriteLine("<tr>" + string.Concat(row.Select(c => IsNumber(c) ? $"<td>{E(c)}</td>" : $"<td class=\"text\">{E(c)}</td>")) + "</tr>");
                w.WriteLine("</tbody></table>");
            }
        }
        w.WriteLine("<h2>Charts</h2>");
        foreach (var (name, figure) in report.Charts)
        {
            w.WriteLine($"<figure id=\"{E(name)}\">");
            w.Write(figure.ToSvg()); // inline SVG: its labels are escaped by the XML writer
            w.WriteLine("</figure>");
        }
        w.WriteLine($"<footer>{E(report.Footer())}</footer>");
        w.WriteLine("</body></html>");
    }
}

/// <summary>A Markdown report with its SVG charts written beside it.</summary>
public static class MarkdownReport
{
    /// <summary>
    /// Writes <paramref name="path"/> and one SVG per chart into the same folder, all or nothing
    /// (<see cref="AtomicOutput.WriteFiles"/>); returns every path written. Names from the scenario
    /// file are escaped, so no HTML or link in them reaches a Markdown renderer.
    /// </summary>
    public static IReadOnlyList<string> Write(Report report, string path, params string?[] inputs)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        string stem = Path.GetFileNameWithoutExtension(path);
        var written = new List<string>();
        var files = new List<(string, Action<Stream>)>();
        var md = new StringWriter();
        md.NewLine = "\n";
        md.WriteLine($"# Operating characteristics: {MarkdownText.Escape(report.Results.TrialName)}");
        md.WriteLine();
        foreach (var section in report.Sections())
        {
            md.WriteLine($"## {section.Heading}");
            md.WriteLine();
            foreach (var p in section.Paragraphs) { md.WriteLine(MarkdownText.Escape(p)); md.WriteLine(); }
            if (section.Table is { } t)
            {
                md.WriteLine("| " + string.Join(" | ", t.Header.Select(Cell)) + " |");
                md.WriteLine("|" + string.Concat(t.Header.Select((_, i) => i == 0 ? "---|" : "---:|")));
                foreach (var row in t.Rows) md.WriteLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
                md.WriteLine();
            }
        }
        md.WriteLine("## Charts");
        md.WriteLine();
        foreach (var (name, figure) in report.Charts)
        {
            string file = $"{stem}-{name}.svg";
            string svgPath = Path.Combine(dir, file);
            byte[] svgBytes = figure.Encode(new ChartFileOptions { Format = ChartFormat.Svg });
            files.Add((svgPath, s => s.Write(svgBytes)));
            written.Add(svgPath);
            md.WriteLine($"![{MarkdownText.Escape(figure.Title)}]({Uri.EscapeDataString(file)})");
            md.WriteLine();
        }
        md.WriteLine("---");
        md.WriteLine(MarkdownText.Escape(report.Footer()));
        files.Add((path, AtomicFile.Writer(md.ToString())));
        AtomicOutput.WriteFiles(files, inputs);
        written.Add(Path.GetFullPath(path));
        return written;
    }

    private static string Cell(string s) => MarkdownText.Escape(s).Replace("|", "\\|").Replace("\n", " ");
}
