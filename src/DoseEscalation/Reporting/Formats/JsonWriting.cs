using System.Text.Json;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

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

    /// <summary>The top-level <c>designs</c> array: <c>{label, name, options}</c>, every option under its scenario-file key.</summary>
    /// <summary>An array of strings.</summary>
    public static void WriteStrings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    public static void WriteDesigns(this Utf8JsonWriter w, IReadOnlyList<Designs.Configuration.ResolvedDesign> designs)
    {
        w.WriteStartArray("designs");
        foreach (var d in designs)
        {
            w.WriteStartObject();
            w.WriteString("label", d.Label);
            w.WriteString("name", d.Name);
            w.WriteStartObject("options");
            foreach (var o in d.Descriptor.AllOptions)
            {
                switch (d.Options[o.Key])
                {
                    case null: w.WriteNull(o.Key); break;
                    case bool b: w.WriteBoolean(o.Key, b); break;
                    case int n: w.WriteNumber(o.Key, n); break;
                    case double x: w.WriteNumber(o.Key, x); break;
                    case IReadOnlyList<double> list:
                        w.WriteStartArray(o.Key);
                        foreach (double v in list) w.WriteNumberValue(v);
                        w.WriteEndArray();
                        break;
                    case var v: w.WriteString(o.Key, Designs.Configuration.DesignOption.Format(v)); break;
                }
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The definition of a correct selection: <c>{rule, window}</c>.</summary>
    public static void WriteCorrectSelection(this Utf8JsonWriter w, CorrectSelection c)
    {
        w.WriteStartObject("correct_selection");
        w.WriteString("rule", c.Key);
        if (c.Rule == CorrectSelectionRule.Window) { w.WriteNumber("below", c.Below); w.WriteNumber("above", c.Above); }
        w.WriteString("description", c.Describe());
        w.WriteEndObject();
    }
}
