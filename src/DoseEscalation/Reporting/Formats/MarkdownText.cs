using System.Text;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>Text from a scenario file made inert in Markdown: no raw HTML, no links or images, one line.</summary>
internal static class MarkdownText
{
    /// <summary>
    /// Backslash-escapes what would start an HTML tag, comment or declaration (<c>&lt;</c> before a
    /// letter, <c>/</c>, <c>!</c> or <c>?</c>), link and image brackets, and backslashes; replaces
    /// control characters by spaces. "P(N &lt;= n)" and "&lt; 30%" read unchanged.
    /// </summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            char next = i + 1 < s.Length ? s[i + 1] : '\0';
            if (c == '<' && (char.IsAsciiLetter(next) || next is '/' or '!' or '?')) sb.Append("\\<");
            else if (c is '[' or ']' or '\\') sb.Append('\\').Append(c);
            else if (char.IsControl(c)) sb.Append(' ');
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary><see cref="Escape"/> for a table cell: a '|' would end the cell.</summary>
    public static string Cell(string s) => Escape(s).Replace("|", "\\|");
}
