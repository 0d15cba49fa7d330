using DoseEscalation.Designs.Rules;

namespace DoseEscalation.Designs.Configuration;

/// <summary>
/// Everything the tool knows about a design, in one place: name, summary, references, options
/// (type, default, range, doc), factory, prose for reports and whether it has a decision table.
/// Scenario-file keys, CLI flags and help, validation messages, the docs' option tables and report
/// prose all come from here; adding a design is its descriptor plus one line in <see cref="DesignCatalog"/>.
/// </summary>
public sealed record DesignDescriptor
{
    /// <summary>Name in files and on the command line, lower case: "3+3", "boin".</summary>
    public required string Name { get; init; }
    public required string Summary { get; init; }
    public required IReadOnlyList<string> References { get; init; }
    /// <summary>The design's own options, including the common settings it takes (target, max_n, cohort_size).</summary>
    public required IReadOnlyList<DesignOption> Options { get; init; }
    /// <summary>Builds the design (without trial-level rules) from resolved values: every option of <see cref="Options"/> filled.</summary>
    public required Func<DesignContext, OptionValues, IDesign> Build { get; init; }
    /// <summary>The rules in sentences for reports, given the built base design, the dose labels and the start level (0-based).</summary>
    public required Func<IDesign, ProseContext, IReadOnlyList<string>> Prose { get; init; }
    /// <summary>True if the design decides from counts at the current dose alone (a table can be printed).</summary>
    public bool HasDecisionTable { get; init; }
    /// <summary>Cross-option checks on the given and the resolved values: the offending key and the problem, or null.</summary>
    public Func<DesignContext, OptionValues, OptionValues, (string Key, string Problem)?>? Check { get; init; }
    /// <summary>
    /// Value of a common setting this design does not take that it nevertheless honours by
    /// construction (the 3+3's cohorts of 3); a different value is refused for this design.
    /// </summary>
    public IReadOnlyDictionary<string, object> Intrinsic { get; init; } = new Dictionary<string, object>();

    /// <summary>The design's options followed by the trial-level rules' options every design takes.</summary>
    public IReadOnlyList<DesignOption> AllOptions => [.. Options, .. TrialRules.Options];

    public DesignOption? Option(string key) => AllOptions.FirstOrDefault(o => o.Key == key);

    /// <summary>
    /// Validates <paramref name="given"/> (unknown keys, types, ranges), fills every default, builds the
    /// design and wraps it in the trial-level rules the values ask for.
    /// </summary>
    /// <exception cref="DesignOptionException">Names the option, its value and the problem.</exception>
    public ResolvedDesign Create(DesignContext context, OptionValues given, string? label = null)
    {
        label ??= Name;
        var all = AllOptions;
        var typed = new OptionValues();
        foreach (var key in given.Keys)
        {
            var option = all.FirstOrDefault(o => o.Key == key);
            if (option is null)
                throw new DesignOptionException(label, key, given[key],
                    $"design '{Name}' takes no option '{key}' (it takes: {string.Join(", ", all.Select(o => o.Key))})");
            if (given[key] is { } v)
            {
                try { typed = typed.With(key, option.Normalize(v)); }
                catch (OptionValueException ex) { throw new DesignOptionException(label, key, v, ex.Message); }
            }
        }
        given = typed;
        // Fixed values first, then computed defaults (they may read fixed ones, e.g. the skeleton reads halfwidth).
        var resolved = new OptionValues();
        foreach (var o in all) resolved = resolved.With(o.Key, given.Has(o.Key) ? given[o.Key] : o.Default);
        foreach (var o in all)
            if (!given.Has(o.Key) && o.ComputedDefault is { } compute)
            {
                try { resolved = resolved.With(o.Key, compute(context, resolved)); }
                catch (ArgumentException ex) { throw new DesignOptionException(label, o.Key, null, FirstLine(ex)); }
            }
        if ((TrialRules.Check(given) ?? Check?.Invoke(context, given, resolved)) is { } problem)
            throw new DesignOptionException(label, problem.Key, resolved[problem.Key], problem.Problem);
        IDesign design;
        try
        {
            design = TrialRules.Apply(Build(context, resolved), context, resolved);
        }
        catch (ArgumentException ex)
        {
            string key = OptionOfParameter(ex.ParamName);
            throw new DesignOptionException(label, key, resolved[key] ?? (ex as ArgumentOutOfRangeException)?.ActualValue, FirstLine(ex));
        }
        return new ResolvedDesign(label, this, resolved, design);
    }

    // A constructor's message without the runtime's "(Parameter 'x')" and "Actual value" lines.
    private static string FirstLine(ArgumentException ex)
    {
        string first = ex.Message.Split('\n')[0];
        int paren = first.IndexOf(" (Parameter", StringComparison.Ordinal);
        return paren >= 0 ? first[..paren] : first;
    }

    // Constructor parameter names that differ from option keys.
    private string OptionOfParameter(string? parameter)
    {
        string key = parameter switch
        {
            "startLevel" => "start_dose",
            "maxPatients" or "maxN" => "max_n",
            "extraSafe" => "extrasafe",
            "boundMtd" => "bound_mtd",
            null => "design",
            { } p => string.Concat(p.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString())),
        };
        return AllOptions.Any(o => o.Key == key) ? key : "design";
    }
}

/// <summary>What a design's prose may name: the dose labels and the level of the first cohort (0-based).</summary>
public sealed record ProseContext(IReadOnlyList<string> DoseLabels, int StartLevel)
{
    public string StartLabel => DoseLabels[StartLevel];
}

/// <summary>A design built from its descriptor: its label, every option's resolved value, and the design object.</summary>
public sealed record ResolvedDesign(string Label, DesignDescriptor Descriptor, OptionValues Options, IDesign Design)
{
    public string Name => Descriptor.Name;

    /// <summary>"label (name): key value, key value, ..." for headers; options that are off are left out.</summary>
    public string Summary()
    {
        var parts = Descriptor.AllOptions.Where(o => Options[o.Key] is not null).Select(o => $"{o.Key} {DesignOption.Format(Options[o.Key])}");
        return (Label == Name ? Name : $"{Label} ({Name})") + ": " + string.Join(", ", parts);
    }
}

/// <summary>A design option that cannot be used: names the design's label, the option and the value.</summary>
public sealed class DesignOptionException(string label, string option, object? value, string problem)
    : Exception($"{label}: {option}{(value is null ? "" : " = " + DesignOption.Format(value))}: {problem}")
{
    public string Label { get; } = label;
    public string Option { get; } = option;
    public object? Value { get; } = value;
    public string Problem { get; } = problem;
}
