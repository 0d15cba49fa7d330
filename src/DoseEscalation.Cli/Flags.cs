using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using DoseEscalation.Application;
using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Cli;

/// <summary>
/// Typed command-line options with the tool's own one-line messages ("--trials abc: expected a whole
/// number"). Every option is single-valued unless said otherwise, so a repeated flag is an error.
/// </summary>
internal static class Flags
{
    public static Option<long?> Long(string name, string doc, long min, string? help = "N") => Parsed<long?>(name, doc, help, t =>
        long.TryParse(t.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
            ? v >= min ? v : throw new FormatException(min == 1 ? "must be at least 1" : $"must be at least {min}")
            : throw new FormatException("expected a whole number"));

    public static Option<int?> Int(string name, string doc, int min, string? help = "N") => Parsed<int?>(name, doc, help, t =>
        int.TryParse(t.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v >= min ? v : throw new FormatException(min == 0 ? "must be 0 or more" : $"must be at least {min}")
            : throw new FormatException("expected a whole number"));

    public static Option<ulong?> Seed(string doc) => Parsed<ulong?>("--seed", doc, "SEED", t =>
        ulong.TryParse(t.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v) ? v
            : throw new FormatException("expected a whole number from 0 to 18446744073709551615"));

    public static Option<double?> Real(string name, string doc, Func<double, bool> ok, string range, string? help = "X") => Parsed<double?>(name, doc, help, t =>
        double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? ok(v) ? v : throw new FormatException("must be " + range)
            : throw new FormatException("expected a number"));

    public static Option<string?> Text(string name, string doc, string? help = "TEXT", bool allowEmpty = false) => Parsed<string?>(name, doc, help, t =>
        t.Length > 0 || allowEmpty ? t : throw new FormatException("must not be empty"));

    /// <summary>One of <paramref name="allowed"/>; help lists them.</summary>
    public static Option<string?> Choice(string name, string doc, params string[] allowed)
    {
        var o = Parsed<string?>(name, doc + ".", allowed.Sum(a => a.Length) > 30 ? "RULE" : string.Join("|", allowed), t =>
            allowed.Contains(t.ToLowerInvariant()) ? t.ToLowerInvariant() : throw new FormatException($"expected {Alternatives(allowed)}"));
        o.CompletionSources.Add(allowed);
        return o;
    }

    /// <summary>"a, b or c".</summary>
    public static string Alternatives(IReadOnlyList<string> words) =>
        words.Count == 1 ? words[0] : string.Join(", ", words.Take(words.Count - 1)) + " or " + words[^1];

    /// <summary>A switch: <c>--x</c>, <c>--x true</c>, <c>--x false</c>.</summary>
    public static Option<bool?> Switch(string name, string doc) => new(name) { Description = doc, Arity = ArgumentArity.ZeroOrOne,
        CustomParser = r => r.Tokens.Count == 0 ? true : r.Tokens[0].Value.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            var t => Fail<bool?>(r, $"{name} {t}: expected true or false (or the bare switch)"),
        } };

    /// <summary>A repeatable option (<c>--set a=1 --set b=2</c>).</summary>
    public static Option<string[]> Many(string name, string doc, string help) => new(name) { Description = doc, HelpName = help, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };

    private static Option<T> Parsed<T>(string name, string doc, string? help, Func<string, T> parse) => new(name)
    {
        Description = doc,
        HelpName = help,
        CustomParser = r =>
        {
            if (r.Tokens.Count != 1) return default; // arity errors are reported by the parser
            string t = r.Tokens[0].Value;
            if (LooksLikeOption(t)) { r.AddError($"{Typed(r, name)} needs a value (the next word is the option {t})"); return default; }
            try { return parse(t); }
            catch (FormatException ex) { return Fail<T>(r, $"{Typed(r, name)} {(t.Length == 0 ? "''" : t)}: {ex.Message}"); }
        },
    };

    /// <summary>No value starts with "--": such a word is an option the previous one swallowed.</summary>
    public static bool LooksLikeOption(string token) => token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2;

    /// <summary>The option's spelling as typed (an alias like -n), else its name.</summary>
    private static string Typed(ArgumentResult r, string name) => (r.Parent as OptionResult)?.IdentifierToken?.Value ?? name;

    /// <summary>Marks a value error (exit code 1, bad input) apart from the parser's own usage errors (exit code 2).</summary>
    public const string ValueErrorMark = "\u2063";

    private static T Fail<T>(ArgumentResult r, string message) { r.AddError(ValueErrorMark + message); return default!; }

    /// <summary>The value if the option was given on the command line; null otherwise.</summary>
    public static T? Given<T>(this ParseResult pr, Option<T> option) => pr.GetResult(option) is null ? default : pr.GetValue(option);
}

/// <summary>
/// The flags of the design options (from every descriptor in the catalog): <c>--extrasafe</c>,
/// <c>--no-extrasafe</c>, <c>--skeleton 0.05,0.1</c>, ... Their help says which designs take them.
/// </summary>
internal sealed class DesignFlags
{
    private readonly List<(DesignOption Option, Option<string?>? Value, Option<bool?>? On, Option<bool?>? Off)> _flags = [];

    public DesignFlags(DesignCatalog catalog, bool includeCommon)
    {
        foreach (var (o, designs) in catalog.AllOptions())
        {
            if (o.Common != includeCommon || o.Key == "target") continue;
            string who = designs.Count == catalog.Designs.Count ? "every design" : string.Join(", ", designs);
            string doc = o.Doc + (includeCommon ? " Applies to every design that takes it." : $" [{who}; default {o.DefaultDisplay}]");
            if (o.Kind == OptionKind.Switch)
                _flags.Add((o, null, Flags.Switch(o.Flag, doc), Flags.Switch("--no-" + o.Flag[2..], $"Turn {o.Flag} off.")));
            else
            {
                var f = new Option<string?>(o.Flag) { Description = doc, HelpName = o.Kind == OptionKind.Choice ? o.RangeText : o.Kind == OptionKind.Probabilities ? "P1,P2,..." : o.Kind == OptionKind.Integer ? "N" : "X" };
                f.CustomParser = r =>
                {
                    if (r.Tokens.Count != 1) return null;
                    string t = r.Tokens[0].Value;
                    if (Flags.LooksLikeOption(t)) { r.AddError($"{o.Flag} needs a value (the next word is the option {t})"); return null; }
                    try { o.Parse(t); return t; }
                    catch (OptionValueException ex) { r.AddError(Flags.ValueErrorMark + $"{o.Flag} {t}: {ex.Message}"); return null; }
                };
                _flags.Add((o, f, null, null));
            }
        }
    }

    public void AddTo(Command command)
    {
        foreach (var (_, v, on, off) in _flags)
        {
            if (v is not null) command.Options.Add(v);
            if (on is not null) command.Options.Add(on);
            if (off is not null) command.Options.Add(off);
        }
    }

    /// <summary>The design options given, typed and checked; a switch given both ways is an error.</summary>
    public OptionValues Bind(ParseResult pr)
    {
        var values = new OptionValues();
        foreach (var (o, v, on, off) in _flags)
        {
            if (v is not null && pr.Given(v) is { } text) values = values.With(o.Key, o.Parse(text));
            bool? yes = on is null ? null : pr.Given(on);
            bool? no = off is null ? null : pr.Given(off);
            if (yes is not null && no is not null)
                throw new UsageException($"{o.Flag} and --no-{o.Flag[2..]} contradict each other; give one");
            if (yes is { } y) values = values.With(o.Key, y);
            if (no is { } n) values = values.With(o.Key, !n);
        }
        return values;
    }
}
