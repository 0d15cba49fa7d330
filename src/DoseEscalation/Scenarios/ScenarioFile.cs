namespace DoseEscalation.Scenarios;

/// <summary>Who runs the trial and where it comes from.</summary>
public sealed record TrialInfo
{
    public required string Name { get; init; }
    /// <summary>Registry identifier, e.g. NCT05008536.</summary>
    public string? RegistryId { get; init; }
    public string? Source { get; init; }
    public int? DltWindowDays { get; init; }
    public string? Notes { get; init; }
}

/// <summary>A dose level: a short label and, optionally, the dose with its units.</summary>
public sealed record DoseLevel(string Label, string? Dose = null)
{
    /// <summary>"DL2: 3-6 x 10^6 CAR-NK cells/kg", or just the label.</summary>
    public string Display => Dose is null ? Label : $"{Label}: {Dose}";
}

/// <summary>What real trials add to the bare design (non-evaluable patients, expansion, efficacy).</summary>
public sealed record ProtocolOptions
{
    /// <summary>Probability that an enrolled patient leaves the DLT window early without a DLT and is replaced.</summary>
    public double NonEvaluableRate { get; init; }
    /// <summary>Patients added at the selected MTD after escalation.</summary>
    public int ExpansionCohort { get; init; }
    /// <summary>The sample size the protocol states (e.g. 13), whose sufficiency is reported.</summary>
    public int? PlannedN { get; init; }
    /// <summary>Minimum responses of interest among patients treated at the selected dose.</summary>
    public int? MinResponses { get; init; }
}

/// <summary>A validated scenario file: the trial, its dose levels, design, target and toxicity scenarios.</summary>
public sealed record ScenarioFile
{
    /// <summary>Where it was read from ("(built-in)" for the default).</summary>
    public required string Path { get; init; }
    public required TrialInfo Trial { get; init; }
    public required IReadOnlyList<DoseLevel> Doses { get; init; }
    /// <summary>The dose of each level as a number (<c>dose_values:</c>), positive and increasing, for designs with a dose-toxicity model in dose (the BLRM); null when the file gives none.</summary>
    public IReadOnlyList<double>? DoseValues { get; init; }
    /// <summary>The file's designs (<c>design:</c> is a list of one), each with the options given for it.</summary>
    public required IReadOnlyList<DesignConfig> Designs { get; init; }
    /// <summary>Common settings given at trial level (start_dose, max_n, cohort_size), inherited by each design.</summary>
    public DoseEscalation.Designs.Configuration.OptionValues Common { get; init; } = DoseEscalation.Designs.Configuration.OptionValues.Empty;
    public double Target { get; init; } = 0.30;
    /// <summary>What counts as a correct selection in every summary and the benchmark.</summary>
    public CorrectSelection CorrectSelection { get; init; } = CorrectSelection.HighestAtOrBelowTarget;
    public required IReadOnlyList<Scenario> Scenarios { get; init; }
    public long Trials { get; init; } = 1_000_000;
    public ulong Seed { get; init; } = 20261122;
    public ProtocolOptions Protocol { get; init; } = new();
    /// <summary>The trial's calendar (<c>timeline:</c>, docs/calendar.md), or null when the file gives none.</summary>
    public Engines.Calendar.Timeline? Timeline { get; init; }
    /// <summary>Non-fatal remarks found while reading (e.g. non-monotone toxicity).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>A scenario file that cannot be used: names the file, field, line and value.</summary>
public sealed class ScenarioFileException(string file, string field, int? line, string? value, string problem)
    : Exception(Format(file, field, line, value, problem))
{
    public string File { get; } = file;
    public string Field { get; } = field;
    public int? Line { get; } = line;
    public string? Value { get; } = value;

    /// <summary>Longest value (or field) quoted in a message; longer ones end in an ellipsis.</summary>
    public const int MaxQuoted = 80;

    private static string Format(string file, string field, int? line, string? value, string problem) =>
        $"{Quote(file, 4 * MaxQuoted)}{(line is { } l ? $":{l}" : "")}: {Quote(field, MaxQuoted)}{(value is null ? "" : $" = {Quote(value, MaxQuoted)}")}: {problem}";

    /// <summary>One line, at most <paramref name="max"/> characters: control characters shown as \n, \t or \u00XX, the rest cut with an ellipsis.</summary>
    public static string Quote(string s, int max = MaxQuoted)
    {
        var sb = new System.Text.StringBuilder();
        foreach (char c in s)
        {
            if (sb.Length >= max) { sb.Append('…'); break; }
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
