using System.Globalization;
using System.Text;
using System.Xml;

namespace DoseEscalation.Reporting;

/// <summary>
/// One element of an SVG tree: a name, attributes in insertion order, children and optional text.
/// Built by the chart renderer and written by <see cref="SvgDocument"/> through an XmlWriter, so
/// every label is escaped by the writer rather than by hand.
/// </summary>
public sealed class SvgElement
{
    private readonly List<KeyValuePair<string, string>> _attributes = [];
    private readonly List<SvgElement> _children = [];

    public SvgElement(string name, string? text = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Text = text;
    }

    public string Name { get; }
    /// <summary>Character content, written escaped before any children.</summary>
    public string? Text { get; set; }
    public IReadOnlyList<KeyValuePair<string, string>> Attributes => _attributes;
    public IReadOnlyList<SvgElement> Children => _children;

    /// <summary>Sets a string attribute (replacing an earlier value) and returns this element.</summary>
    public SvgElement Set(string name, string value)
    {
        int i = _attributes.FindIndex(a => a.Key == name);
        if (i >= 0) _attributes[i] = new(name, value);
        else _attributes.Add(new(name, value));
        return this;
    }

    /// <summary>Sets a numeric attribute, written with the invariant culture and at most 2 decimals.</summary>
    public SvgElement Set(string name, double value) => Set(name, Svg.Number(value));

    public SvgElement Add(SvgElement child)
    {
        _children.Add(child);
        return child;
    }

    internal void Write(XmlWriter w)
    {
        w.WriteStartElement(Name, Svg.Namespace);
        foreach (var (k, v) in _attributes) w.WriteAttributeString(k, v);
        if (Text is not null) w.WriteString(Text);
        foreach (var c in _children) c.Write(w);
        w.WriteEndElement();
    }
}

/// <summary>Constants and number formatting shared by the SVG writer and the renderer.</summary>
public static class Svg
{
    public const string Namespace = "http://www.w3.org/2000/svg";

    /// <summary>Generic fallbacks last, so any machine finds some sans-serif face.</summary>
    public const string FontFamily = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

    /// <summary>A coordinate or value in the invariant culture, rounded to 2 decimals ("-0" never appears).</summary>
    public static string Number(double v)
    {
        double r = Math.Round(v, 2);
        if (r == 0) r = 0; // folds -0 into 0
        return r.ToString("0.##", CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// A standalone SVG image with explicit width, height and viewBox, and <c>title</c>/<c>desc</c>
/// elements referenced by <c>aria-labelledby</c> for screen readers. <see cref="ToString"/> gives the
/// markup (no XML declaration, so it can also be inlined in HTML); <see cref="Save"/> writes it
/// atomically.
/// </summary>
public sealed class SvgDocument
{
    private readonly List<SvgElement> _content = [];

    public SvgDocument(double width, double height, string title, string description)
    {
        if (!(width > 0) || !(height > 0)) throw new ArgumentOutOfRangeException(nameof(width), "width and height must be positive");
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(description);
        (Width, Height, Title, Description) = (width, height, title, description);
        // Ids must be unique when several charts are inlined in one HTML page; a hash of the text
        // keeps them stable from run to run.
        Id = $"chart-{Slug(title)}-{StableHash(string.Concat(title, "\n", description)):x8}";
    }

    public double Width { get; }
    public double Height { get; }
    public string Title { get; }
    public string Description { get; }
    /// <summary>Prefix of the element ids, unique per title and description.</summary>
    public string Id { get; }
    public IReadOnlyList<SvgElement> Content => _content;

    public SvgElement Add(SvgElement element)
    {
        _content.Add(element);
        return element;
    }

    public void WriteTo(TextWriter writer)
    {
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, IndentChars = " ", NewLineChars = "\n" };
        using var w = XmlWriter.Create(writer, settings);
        w.WriteStartElement("svg", Svg.Namespace);
        w.WriteAttributeString("width", Svg.Number(Width));
        w.WriteAttributeString("height", Svg.Number(Height));
        w.WriteAttributeString("viewBox", string.Join(' ', "0", "0", Svg.Number(Width), Svg.Number(Height)));
        w.WriteAttributeString("role", "img");
        w.WriteAttributeString("aria-labelledby", $"{Id}-title {Id}-desc");
        w.WriteAttributeString("font-family", Svg.FontFamily);
        w.WriteStartElement("title", Svg.Namespace);
        w.WriteAttributeString("id", $"{Id}-title");
        w.WriteString(Title);
        w.WriteEndElement();
        w.WriteStartElement("desc", Svg.Namespace);
        w.WriteAttributeString("id", $"{Id}-desc");
        w.WriteString(Description);
        w.WriteEndElement();
        foreach (var e in _content) e.Write(w);
        w.WriteEndElement();
        w.Flush();
    }

    public override string ToString()
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture);
        WriteTo(sw);
        return sw.ToString();
    }

    /// <summary>Writes UTF-8 (no BOM) to a temporary file beside <paramref name="path"/>, then renames it, so readers never see half a file.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllText(path, ToString());
    }

    private static string Slug(string s)
    {
        var sb = new StringBuilder();
        foreach (char c in s.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
            if (sb.Length >= 32) break;
        }
        return sb.ToString().Trim('-');
    }

    // FNV-1a: string.GetHashCode is randomized per process, and ids should not change between runs.
    private static uint StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) { h ^= c; h *= 16777619; }
        return h;
    }
}

/// <summary>Atomic text-file writes shared by every report writer.</summary>
internal static class AtomicFile
{
    /// <summary>UTF-8 text (no BOM) through <see cref="AtomicOutput"/>, creating the folder if needed.</summary>
    public static void WriteAllText(string path, string text)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        Directory.CreateDirectory(dir);
        AtomicOutput.WriteFile(path, Writer(text));
    }

    /// <summary>A stream writer of <paramref name="text"/> as UTF-8 without a BOM.</summary>
    public static Action<Stream> Writer(string text) => stream =>
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        stream.Write(bytes, 0, bytes.Length);
    };
}
