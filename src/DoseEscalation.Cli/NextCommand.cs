using System.Text.RegularExpressions;
using DoseEscalation.Conduct;
using DoseEscalation.Reporting;

namespace DoseEscalation.Cli;

/// <summary>
/// Everything the next verb needs, already parsed: whichever command-line layer binds the options
/// builds this and calls <see cref="NextCommand.Run"/>.
/// </summary>
public sealed record NextRequest
{
    /// <summary>The design the trial follows.</summary>
    public required IDesign Design { get; init; }
    /// <summary>Dose names for the output, one per dose ("DL1: 1-3 x 10^6 cells/kg").</summary>
    public required IReadOnlyList<string> DoseLabels { get; init; }
    /// <summary>Target DLT rate of the final estimates when the design has none (the 3+3, A+B).</summary>
    public double Target { get; init; } = 0.30;
    /// <summary>The observed data: outcome notation or a CSV/TSV patient table (the text, not a path).</summary>
    public required string Data { get; init; }
    /// <summary>Where the data came from, for error messages ("--data", a file name, "standard input").</summary>
    public string DataName { get; init; } = "--data";
    public string? TrialName { get; init; }
    public bool Final { get; init; }
    public bool AllowDeviations { get; init; }
    /// <summary>Scenario giving the pathways their probabilities; null for none.</summary>
    public Scenario? Scenario { get; init; }
    public int CohortsAhead { get; init; } = 1;
    /// <summary>The design's resolved options, for the output to name what ran.</summary>
    public IReadOnlyList<Designs.Configuration.ResolvedDesign> Setups { get; init; } = [];
    public ConductFormat Format { get; init; } = ConductFormat.Table;
    /// <summary>Write here (atomically) instead of standard output.</summary>
    public string? Out { get; init; }
}

/// <summary>The next verb: what the design says now, from the trial's data (docs/conduct.md).</summary>
public static partial class NextCommand
{
    /// <summary>Runs the verb. Bad data: one line on <paramref name="stderr"/> naming the patient, exit code 1, no output.</summary>
    public static int Run(NextRequest request, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            if (request.DoseLabels.Count != request.Design.DoseCount)
                throw new CliInputException($"{request.DoseLabels.Count} dose labels for a design with {request.Design.DoseCount} doses");
            if (request.CohortsAhead < 1 || request.CohortsAhead > TrialConduct.MaxCohortsAhead)
                throw new CliInputException($"--cohorts-ahead {request.CohortsAhead}: must be between 1 and {TrialConduct.MaxCohortsAhead}");
            if (request.Scenario is { } sc && sc.DoseCount != request.Design.DoseCount)
                throw new CliInputException($"scenario '{sc.Name}' has {sc.DoseCount} doses but the design has {request.Design.DoseCount}");
            var data = TrialData.Parse(request.Data, request.Design.DoseCount);
            var result = TrialConduct.Next(request.Design, data, new ConductOptions
            {
                AllowDeviations = request.AllowDeviations,
                Final = request.Final,
                Scenario = request.Scenario,
                CohortsAhead = request.CohortsAhead,
                Target = request.Target,
            });
            var info = new ConductReportInfo(request.TrialName, request.DoseLabels) { Setups = request.Setups };
            Commands.Emit(stream => ConductReport.Write(result, info, request.Format, stream), request.Out, stdout);
            return Cli.Ok;
        }
        catch (DeviationException ex)
        {
            stderr.WriteLine($"dose-escalation: error: {request.DataName}: {ex.Deviation.Message}; --allow-deviations accepts it");
            return Cli.BadInput;
        }
        catch (TrialDataException ex)
        {
            stderr.WriteLine($"dose-escalation: error: {request.DataName}: {ex.Message}");
            return Cli.BadInput;
        }
        catch (CliInputException ex)
        {
            stderr.WriteLine($"dose-escalation: error: {ex.Message}");
            return Cli.BadInput;
        }
    }

    [GeneratedRegex(@"^\s*(\d+[A-Za-z]*\s*)*$")]
    private static partial Regex NotationLike();

    /// <summary>
    /// The data text and its name: "-" reads <paramref name="stdin"/>; text that looks like outcome
    /// notation (or is empty) is the data itself; anything else is a path to a CSV/TSV file.
    /// </summary>
    public static (string Text, string Name) ReadData(string data, TextReader stdin)
    {
        if (data == "-") return (stdin.ReadToEnd(), "standard input");
        if (NotationLike().IsMatch(data)) return (data, "--data");
        if (!File.Exists(data)) throw new CliInputException($"--data {data}: no such file, and not outcome notation like \"1NNN 2NTN\"");
        return (File.ReadAllText(data), data);
    }

    /// <summary>The command-line binding: the scenario file and design as every verb resolves them, then <see cref="Run"/>.</summary>
    public static int Run(NextOptions o, TextWriter stdout, TextWriter stderr, TextReader stdin, Designs.Configuration.DesignCatalog catalog)
    {
        var format = o.Format switch
        {
            "md" => ConductFormat.Md,
            "json" => ConductFormat.Json,
            _ => ConductFormat.Table,
        };
        var inputs = RunInputs.Resolve(o, catalog);
        var file = inputs.File;
        Scenario? scenario = null;
        if (o.Scenario is { } name)
        {
            scenario = file.Scenarios.FirstOrDefault(s => string.Equals(s.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new CliInputException($"--scenario {name}: no such scenario; {file.Path} has {string.Join(", ", file.Scenarios.Select(s => s.Name))}");
        }
        else if (o.Dlt is not null) scenario = file.Scenarios[0];
        var (text, dataName) = ReadData(o.Data, stdin);
        Commands.Warn(inputs, o, stderr);
        // The patient records carry outcomes, not follow-up times: every recorded patient counts as having completed the window.
        if (!o.Quiet && Designs.Rules.DesignRule.Unwrap(inputs.Design).Base is Designs.IPendingDesign)
            stderr.WriteLine($"dose-escalation: note: {inputs.Design.Name} decides on patients still in the DLT window; next counts every recorded patient as having completed it (the design's decision with nothing pending)");
        return Run(new NextRequest
        {
            Design = inputs.Design,
            Setups = inputs.Designs,
            DoseLabels = file.Doses.Select(d => d.Display).ToList(),
            Target = file.Target,
            Data = text,
            DataName = dataName,
            TrialName = file.Trial.Name + (file.Trial.RegistryId is { } id ? $" ({id})" : ""),
            Final = o.Final,
            AllowDeviations = o.AllowDeviations,
            Scenario = scenario,
            CohortsAhead = o.CohortsAhead,
            Format = format,
            Out = o.Out,
        }, stdout, stderr);
    }
}
