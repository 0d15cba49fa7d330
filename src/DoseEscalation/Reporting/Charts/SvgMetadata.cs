using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>
/// Finishes the SVG that SkiaSharp writes for a <see cref="Figure"/>: a viewBox so it scales,
/// <c>title</c> and <c>desc</c> referenced by <c>aria-labelledby</c> for screen readers, and ids
/// made unique to the figure and stable from run to run (SkiaSharp numbers clip paths from a
/// process-wide counter, and several SVGs inlined in one HTML page must not share ids).
/// </summary>
internal static class SvgMetadata
{
    private static readonly XNamespace S = "http://www.w3.org/2000/svg";

    public static string Finish(XDocument doc, float width, float height, string title, string description)
    {
        var root = doc.Root ?? throw new InvalidOperationException("empty SVG");
        string prefix = $"chart-{StableHash(string.Concat(title, "\n", description)):x8}";
        var renamed = new Dictionary<string, string>();
        foreach (var e in root.DescendantsAndSelf())
        {
            if (e.Attribute("id") is { } id)
            {
                // Renumbered in document order: SkiaSharp numbers clip paths from a process-wide counter.
                renamed[id.Value] = $"{prefix}-clip{renamed.Count + 1}";
                id.Value = renamed[id.Value];
            }
        }
        foreach (var a in root.DescendantsAndSelf().SelectMany(e => e.Attributes()))
        {
            string v = a.Value;
            if (!v.Contains('#')) continue;
            foreach (var (from, to) in renamed)
                v = v == $"#{from}" ? $"#{to}" : v.Replace($"url(#{from})", $"url(#{to})");
            a.Value = v;
        }
        // SkiaSharp declares the xlink namespace whether or not it uses it; drop it when unused.
        XNamespace xlink = "http://www.w3.org/1999/xlink";
        if (!root.DescendantsAndSelf().Attributes().Any(a => a.Name.Namespace == xlink))
            root.Attributes().Where(a => a.IsNamespaceDeclaration && a.Value == xlink.NamespaceName).Remove();
        string w = width.ToString("0.##", CultureInfo.InvariantCulture), h = height.ToString("0.##", CultureInfo.InvariantCulture);
        root.SetAttributeValue("width", w);
        root.SetAttributeValue("height", h);
        root.SetAttributeValue("viewBox", $"0 0 {w} {h}");
        root.SetAttributeValue("role", "img");
        root.SetAttributeValue("aria-labelledby", $"{prefix}-title {prefix}-desc");
        root.AddFirst(
            new XElement(S + "title", new XAttribute("id", $"{prefix}-title"), title),
            new XElement(S + "desc", new XAttribute("id", $"{prefix}-desc"), description));
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = false, NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
        var sb = new StringBuilder();
        using (var writer = XmlWriter.Create(new StringWriter(sb, CultureInfo.InvariantCulture), settings)) doc.Save(writer);
        return sb.Append('\n').ToString();
    }

    // FNV-1a: string.GetHashCode is randomized per process, and ids should not change between runs.
    private static uint StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) { h ^= c; h *= 16777619; }
        return h;
    }
}
