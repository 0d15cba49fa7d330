using System.Globalization;

namespace DoseEscalation.Designs.Configuration;

/// <summary>The type of a design option's value.</summary>
public enum OptionKind
{
    /// <summary>true or false; on the command line a switch (<c>--x</c>, <c>--no-x</c>, <c>--x true|false</c>).</summary>
    Switch,
    /// <summary>A whole number (<see cref="int"/>).</summary>
    Integer,
    /// <summary>A real number (<see cref="double"/>).</summary>
    Number,
    /// <summary>A list of probabilities, e.g. a CRM skeleton (<see cref="IReadOnlyList{Double}"/>).</summary>
    Probabilities,
    /// <summary>One of a fixed set of words (<see cref="string"/>).</summary>
    Choice,
}

/// <summary>
/// One option of a design or of a trial-level rule: its scenario-file key, type, default, allowed
/// range and one-line doc. It is the only place the option is described: scenario-file keys, CLI
/// flags, help, validation and error messages and the docs table all come from it.
/// </summary>
public sealed record DesignOption
{
    /// <summary>Scenario-file spelling, e.g. <c>cohort_size</c>; the CLI flag is <c>--cohort-size</c>.</summary>
    public required string Key { get; init; }
    public required OptionKind Kind { get; init; }
    /// <summary>One line for help and docs.</summary>
    public required string Doc { get; init; }
    /// <summary>The default value; null when the option is off unless given (or computed, see <see cref="ComputedDefault"/>).</summary>
    public object? Default { get; init; }
    /// <summary>
    /// A default that depends on the dose count, target and the other options (e.g. a CRM skeleton
    /// calibrated from halfwidth and prior MTD); null from it means "not used with these options".
    /// </summary>
    public Func<DesignContext, OptionValues, object?>? ComputedDefault { get; init; }
    /// <summary>How the default reads in help when it is computed or absent, e.g. "middle dose" or "none".</summary>
    public string? DefaultText { get; init; }
    /// <summary>Smallest allowed value (numbers; for lists, each element).</summary>
    public double Min { get; init; } = double.NegativeInfinity;
    public double Max { get; init; } = double.PositiveInfinity;
    public bool MinExclusive { get; init; }
    public bool MaxExclusive { get; init; }
    /// <summary>The allowed words of a <see cref="OptionKind.Choice"/>.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];
    /// <summary>Further words accepted for a choice and what they mean (e.g. "power" = "empiric").</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();
    /// <summary>
    /// A setting common to every design (target, start_dose, max_n, cohort_size): written once at
    /// trial level (or as a common flag) and inherited by each design that takes it.
    /// </summary>
    public bool Common { get; init; }

    /// <summary>The command-line flag, e.g. <c>--cohort-size</c>.</summary>
    public string Flag => "--" + Key.Replace('_', '-');

    /// <summary>The allowed range in words, for help and errors ("" if unrestricted).</summary>
    public string RangeText => Kind switch
    {
        OptionKind.Switch => "true|false",
        OptionKind.Choice => string.Join("|", Choices),
        _ when double.IsNegativeInfinity(Min) && double.IsPositiveInfinity(Max) => "",
        _ when double.IsPositiveInfinity(Max) => (MinExclusive ? "> " : ">= ") + Num(Min),
        _ => (MinExclusive ? "(" : "[") + Num(Min) + ", " + Num(Max) + (MaxExclusive ? ")" : "]"),
    };

    /// <summary>The default as help prints it.</summary>
    public string DefaultDisplay => DefaultText ?? (Default is null ? "none" : Format(Default));

    /// <summary>Parses a command-line or <c>--set</c> value; throws <see cref="OptionValueException"/> with the problem in words.</summary>
    public object Parse(string text)
    {
        string t = text.Trim();
        object value = Kind switch
        {
            OptionKind.Switch => t.ToLowerInvariant() switch
            {
                "true" or "yes" => true,
                "false" or "no" => false,
                _ => throw new OptionValueException("expected true or false"),
            },
            OptionKind.Integer => int.TryParse(t.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i
                : throw new OptionValueException("expected a whole number"),
            OptionKind.Number => ParseNumber(t),
            OptionKind.Probabilities => t.Trim('[', ']').Split(',', StringSplitOptions.TrimEntries).Select(ParseNumber).ToArray(),
            OptionKind.Choice => ParseChoice(t),
            _ => throw new InvalidOperationException(),
        };
        Check(value);
        return value;
    }

    private string ParseChoice(string t)
    {
        string lower = t.ToLowerInvariant();
        if (Choices.Contains(lower)) return lower;
        if (Aliases.TryGetValue(lower, out var canonical)) return canonical;
        throw new OptionValueException($"expected one of {string.Join(", ", Choices)}");
    }

    private static double ParseNumber(string t) =>
        double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v
        : throw new OptionValueException($"'{t}' is not a number");

    /// <summary>
    /// A value given through the library (any numeric type for numbers, a word for a choice) in this
    /// option's own type, checked; throws <see cref="OptionValueException"/>.
    /// </summary>
    public object Normalize(object value)
    {
        object v = (Kind, value) switch
        {
            (OptionKind.Switch, bool b) => b,
            (OptionKind.Integer, int i) => i,
            (OptionKind.Integer, long l) when l is >= int.MinValue and <= int.MaxValue => (int)l,
            (OptionKind.Number, double d) => d,
            (OptionKind.Number, int i) => (double)i,
            (OptionKind.Number, float f) => (double)f,
            (OptionKind.Probabilities, IEnumerable<double> list) => list.ToArray(),
            (OptionKind.Choice, string t) => ParseChoice(t.Trim()),
            _ => throw new OptionValueException($"expected {KindText}"),
        };
        Check(v);
        return v;
    }

    private string KindText => Kind switch
    {
        OptionKind.Switch => "true or false",
        OptionKind.Integer => "a whole number",
        OptionKind.Number => "a number",
        OptionKind.Probabilities => "a list of numbers",
        _ => $"one of {string.Join(", ", Choices)}",
    };

    /// <summary>Checks a typed value against the range; throws <see cref="OptionValueException"/>.</summary>
    public void Check(object value)
    {
        switch (value)
        {
            case int i: CheckNumber(i); break;
            case double d: CheckNumber(d); break;
            case IReadOnlyList<double> list:
                if (list.Count == 0) throw new OptionValueException("the list is empty");
                foreach (double d in list) CheckNumber(d);
                break;
        }
    }

    private void CheckNumber(double v)
    {
        bool ok = (MinExclusive ? v > Min : v >= Min) && (MaxExclusive ? v < Max : v <= Max);
        if (!ok) throw new OptionValueException($"must be in {RangeText}");
    }

    /// <summary>A value as the scenario file and outputs write it (invariant culture).</summary>
    public static string Format(object? value) => value switch
    {
        null => "none",
        bool b => b ? "true" : "false",
        IReadOnlyList<double> list => "[" + string.Join(", ", list.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A value that does not fit its option; the message is the problem alone ("must be in [0, 1]").</summary>
public sealed class OptionValueException(string problem) : Exception(problem);

/// <summary>What a design is built for: the number of dose levels and the trial's target DLT rate.</summary>
public readonly record struct DesignContext(int DoseCount, double Target)
{
    /// <summary>The scenario file's dose values (<c>dose_values:</c>), one per level, increasing; null when the file gives none.</summary>
    public IReadOnlyList<double>? DoseValues { get; init; }
}
