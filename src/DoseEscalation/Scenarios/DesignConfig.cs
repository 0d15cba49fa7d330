using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Scenarios;

/// <summary>
/// A design as written in a scenario file or on the command line: its name, a unique label
/// (default: the name) and the options given for it alone. Unset options inherit the trial-level
/// common settings, then the design's defaults (<see cref="DesignSetup"/>).
/// </summary>
public sealed record DesignConfig(string Name, string? Label, OptionValues Options)
{
    public DesignConfig(string name) : this(name, null, OptionValues.Empty) { }

    /// <summary>The label outputs use: the given one, else the name.</summary>
    public string EffectiveLabel => Label ?? Name;

    /// <summary>This configuration with <paramref name="key"/> set.</summary>
    public DesignConfig With(string key, object? value) => this with { Options = Options.With(key, value) };
}

/// <summary>Turns design configurations into designs: the one place inheritance of common settings happens.</summary>
public static class DesignSetup
{
    /// <summary>
    /// Builds <paramref name="config"/> for a trial with <paramref name="doseCount"/> doses and target
    /// <paramref name="target"/>. Each common setting in <paramref name="common"/> (start_dose, max_n,
    /// cohort_size, target) is inherited unless the design sets its own. A common setting the design
    /// does not take is reported through <paramref name="notApplied"/> (unless the design honours
    /// that value by construction, like the 3+3's cohorts of 3).
    /// </summary>
    /// <paramref name="doseValues"/> are the scenario file's dose values (designs that model dose read them).
    /// <exception cref="DesignOptionException">Unknown design or option, or a value out of range.</exception>
    public static ResolvedDesign Resolve(DesignCatalog catalog, DesignConfig config, OptionValues common, int doseCount, double target,
        Action<string, object>? notApplied = null, IReadOnlyList<double>? doseValues = null)
    {
        var descriptor = catalog.Find(config.Name)
            ?? throw new DesignOptionException(config.EffectiveLabel, "design", config.Name, $"unknown design (known: {string.Join(", ", catalog.Names)})");
        var given = config.Options;
        foreach (var (key, value) in common.Pairs)
        {
            if (value is null || given.Has(key)) continue;
            if (descriptor.Option(key) is not null) given = given.With(key, value);
            else if (!(descriptor.Intrinsic.TryGetValue(key, out var own) && own.Equals(value))) notApplied?.Invoke(key, value);
        }
        return descriptor.Create(new DesignContext(doseCount, target) { DoseValues = doseValues }, given, config.EffectiveLabel);
    }
}
