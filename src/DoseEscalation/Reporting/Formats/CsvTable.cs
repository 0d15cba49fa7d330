using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>
/// The one CSV writer of the toolkit (RFC 4180): a header row, then rows of the same number of
/// fields. A field is quoted, its quotes doubled, when it holds a comma, a quote, a line break, a
/// '#' (so a reader told to skip comment lines never cuts a value) or leading or trailing spaces.
/// Lines end in "\n"; numbers are formatted by the caller in the invariant culture.
/// </summary>
public sealed class CsvTable
{
    private readonly TextWriter _writer;
    private readonly int _fields;

    public CsvTable(TextWriter writer, params string[] header)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(header);
        if (header.Length == 0) throw new ArgumentException("a CSV needs at least one column", nameof(header));
        _writer = writer;
        _fields = header.Length;
        Row(header);
    }

    /// <summary>Writes one row; it must have as many fields as the header (null is an empty field).</summary>
    public void Row(params string?[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Length != _fields) throw new ArgumentException($"a row of {fields.Length} fields in a CSV of {_fields} columns", nameof(fields));
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) _writer.Write(',');
            _writer.Write(Field(fields[i]));
        }
        _writer.Write('\n');
    }

    /// <summary>One field as written: quoted when it must be.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        bool quote = value.AsSpan().IndexOfAny(",\"\r\n#") >= 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]);
        return quote ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
