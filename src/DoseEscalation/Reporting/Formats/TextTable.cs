using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>A plain aligned text table: the first column left-aligned, the others right-aligned.</summary>
public sealed class TextTable(params string[] header)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void Write(TextWriter w, string indent = "  ")
    {
        int cols = header.Length;
        var width = new int[cols];
        foreach (var row in _rows.Prepend(header))
            for (int c = 0; c < cols && c < row.Length; c++) width[c] = Math.Max(width[c], row[c].Length);
        void Line(string[] row) => w.WriteLine(indent + string.Join("  ",
            Enumerable.Range(0, cols).Select(c => c == 0 ? (c < row.Length ? row[c] : "").PadRight(width[c]) : (c < row.Length ? row[c] : "").PadLeft(width[c]))).TrimEnd());
        Line(header);
        w.WriteLine(indent + new string('-', width.Sum() + 2 * (cols - 1)));
        foreach (var row in _rows) Line(row);
    }
}
