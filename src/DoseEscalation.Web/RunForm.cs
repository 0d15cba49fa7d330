using System.Globalization;
using DoseEscalation.Application;
using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Web;

/// <summary>
/// What the page (or an API client) sends for a run: the trial as scenario YAML (the CLI's file
/// format) or as --dlt, the design and its options by descriptor key, and the run's settings.
/// Every field maps to one CLI flag; an unknown field is refused (<see cref="WebJson"/> disallows it).
/// </summary>
public sealed record RunForm
{
    /// <summary>simulate, exact, compare, samplesize, table, report.</summary>
    public string? Verb { get; init; }
    /// <summary>The scenario file's text (never a path: the page reaches no file).</summary>
    public string? Yaml { get; init; }
    public string? Dlt { get; init; }
    public string? Response { get; init; }
    /// <summary>P(grade 2 or worse) per dose of the Dlt scenario (the CLI's --grade2), for accelerated titration's grade-2 trigger.</summary>
    public string? Grade2 { get; init; }
    public string? Design { get; init; }
    /// <summary>compare and report: labels or names, comma-separated.</summary>
    public string? Designs { get; init; }
    /// <summary>Design options and common settings by descriptor key, as text (the CLI's flag values).</summary>
    public Dictionary<string, string>? Options { get; init; }
    public double? Target { get; init; }
    public long? Trials { get; init; }
    public ulong? Seed { get; init; }
    /// <summary>samplesize: the planned sample size.</summary>
    public int? PlannedN { get; init; }
    /// <summary>POST /api/next only: the observed data (outcome notation or a CSV patient table).</summary>
    public string? Data { get; init; }
    /// <summary>POST /api/next only: the MTD if the trial stopped now.</summary>
    public bool? Final { get; init; }

    /// <summary>The name the page's scenario YAML goes by in messages and in the reproducing command line.</summary>
    public const string YamlName = "scenario.yaml";

    public static IReadOnlyList<string> Verbs { get; } = ["simulate", "exact", "compare", "samplesize", "table", "report"];

    /// <summary>The inputs every verb reads, checked as the CLI checks its flags.</summary>
    public TrialInput Input(DesignCatalog catalog)
    {
        var designOptions = OptionValues.Empty;
        var common = OptionValues.Empty;
        if (Options is { Count: > 0 })
        {
            var descriptor = catalog.Designs.FirstOrDefault(d => d.Name == Design)
                ?? throw new InputException($"options: give design (a catalog name) with its options; design {Design ?? "(none)"} is not in the catalog");
            foreach (var (key, text) in Options)
            {
                if (key == "target") throw new InputException("options.target: give target as the trial's target field");
                var option = descriptor.Option(key)
                    ?? throw new InputException($"options.{key}: design '{descriptor.Name}' takes no option '{key}' (it takes: {string.Join(", ", descriptor.AllOptions.Select(o => o.Key))})");
                object value;
                try { value = option.Parse(text); }
                catch (OptionValueException ex) { throw new InputException($"options.{key} {text}: {ex.Message}"); }
                if (option.Common) common = common.With(key, value);
                else designOptions = designOptions.With(key, value);
            }
        }
        return new TrialInput
        {
            File = Yaml is null ? null : YamlName, FileText = Yaml, Dlt = Dlt, Response = Response, Grade2 = Grade2, Design = Design,
            DesignOptions = designOptions, Common = common, Target = Target,
        };
    }

    /// <summary>The command line that reproduces the run with the YAML saved as <see cref="YamlName"/>.</summary>
    public string CommandLine()
    {
        var a = new List<string> { "dose-escalation", Verb ?? "" };
        if (Yaml is not null) a.Add(YamlName);
        if (Dlt is not null) a.AddRange(["--dlt", Dlt]);
        if (Response is not null) a.AddRange(["--response", Response]);
        if (Grade2 is not null) a.AddRange(["--grade2", Grade2]);
        if (Design is not null) a.AddRange(["--design", Design]);
        if (Designs is not null) a.AddRange(["--designs", Designs]);
        if (Target is { } t) a.AddRange(["--target", t.ToString("R", CultureInfo.InvariantCulture)]);
        foreach (var (k, v) in Options ?? []) a.AddRange(["--" + k.Replace('_', '-'), v]);
        if (Trials is { } n) a.AddRange(["--trials", n.ToString(CultureInfo.InvariantCulture)]);
        if (Seed is { } s) a.AddRange(["--seed", s.ToString(CultureInfo.InvariantCulture)]);
        if (PlannedN is { } p) a.AddRange(["--planned-n", p.ToString(CultureInfo.InvariantCulture)]);
        return string.Join(' ', a.Select(Quote));
    }

    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "+-_.,/=:".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
