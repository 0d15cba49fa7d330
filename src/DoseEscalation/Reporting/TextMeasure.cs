namespace DoseEscalation.Reporting;

/// <summary>
/// Estimated text widths for layout. The SVG is laid out before any font is known, so widths are
/// estimated from per-character classes of a wide sans-serif (DejaVu Sans), erring wide so labels
/// never collide in narrower fonts.
/// </summary>
public static class TextMeasure
{
    /// <summary>Estimated width in px of <paramref name="text"/> at <paramref name="fontSize"/> px.</summary>
    public static double Width(string text, double fontSize)
    {
        double em = 0;
        foreach (char c in text)
        {
            em += c switch
            {
                ' ' => 0.32,
                'i' or 'l' or 'j' or '.' or ',' or ':' or ';' or '|' or '!' or '\'' or 'I' => 0.3,
                'f' or 't' or 'r' or '(' or ')' or '[' or ']' or '-' => 0.42,
                'm' or 'w' or 'M' or 'W' or '%' or '@' => 0.92,
                >= '0' and <= '9' => 0.64,
                >= 'A' and <= 'Z' => 0.7,
                _ => 0.6,
            };
        }
        return em * fontSize;
    }

    /// <summary>Greedy word wrap of <paramref name="text"/> into lines no wider than <paramref name="maxWidth"/> px (a single long word stays whole).</summary>
    public static IReadOnlyList<string> Wrap(string text, double fontSize, double maxWidth)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            string line = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = line.Length == 0 ? word : $"{line} {word}";
                if (line.Length > 0 && Width(candidate, fontSize) > maxWidth)
                {
                    lines.Add(line);
                    line = word;
                }
                else line = candidate;
            }
            lines.Add(line);
        }
        return lines;
    }

    /// <summary>Splits <paramref name="text"/> at the space nearest its middle; one line if it has no space.</summary>
    public static IReadOnlyList<string> SplitInTwo(string text)
    {
        int best = -1;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == ' ' && (best < 0 || Math.Abs(i - text.Length / 2.0) < Math.Abs(best - text.Length / 2.0))) best = i;
        return best < 0 ? [text] : [text[..best], text[(best + 1)..]];
    }
}
