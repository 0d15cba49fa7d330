using System.Text.Json;

namespace DoseEscalation.Reporting;

/// <summary>The small JSON idioms every writer shares.</summary>
internal static class JsonWriting
{
    /// <summary>Readable output: '+' and non-ASCII dose units are written as they are.</summary>
    public static JsonWriterOptions Options { get; } = new()
    {
        Indented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>"name": value and "name_se": its standard error.</summary>
    public static void WriteEstimate(this Utf8JsonWriter w, string name, Estimate e)
    {
        w.WriteNumber(name, e.Value);
        w.WriteNumber(name + "_se", e.Se);
    }

    public static void WriteNumbers(this Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (double v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
