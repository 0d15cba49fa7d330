using System.Globalization;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Cli;

/// <summary>The validated inputs of a run: the scenario file with command-line overrides applied, and the design.</summary>
public sealed record RunInputs(ScenarioFile File, IDesign Design)
{
    public static RunInputs Resolve(InputOptions o)
    {
        ScenarioFile file = o.File is { } path ? ScenarioFileReader.Load(path)
            : o.Dlt is not null ? CommandLineFile(ParseDoses(o.Dlt))
            : BuiltInScenarios.Default();

        if (o.File is not null && o.Dlt is not null)
        {
            var dlt = ParseDoses(o.Dlt);
            if (dlt.Count != file.Doses.Count)
                throw new CliInputException($"--dlt {o.Dlt}: has {dlt.Count} probabilities but {file.Path} has {file.Doses.Count} dose levels");
            file = file with { Scenarios = [new Scenario("command-line", dlt)] };
        }

        var spec = file.Design;
        if (o.Design is { } name && !string.Equals(name.Trim(), spec.Name, StringComparison.OrdinalIgnoreCase))
            spec = new DesignSpec { Name = name.Trim(), StartDose = spec.StartDose };
        spec = spec with
        {
            StartDose = o.StartDose ?? spec.StartDose,
            Deescalate = ParseBool(o.Deescalate, "--deescalate") ?? spec.Deescalate,
            ExpandTopDose = ParseBool(o.ExpandTopDose, "--expand-top-dose") ?? spec.ExpandTopDose,
            CohortSize = o.CohortSize ?? spec.CohortSize,
            MaxN = o.MaxN ?? spec.MaxN,
            NEarlyStop = o.NEarlyStop ?? spec.NEarlyStop,
            ExtraSafe = ParseBool(o.ExtraSafe, "--extrasafe") ?? spec.ExtraSafe,
            CutoffEli = o.CutoffEli ?? spec.CutoffEli,
            Skeleton = o.Skeleton is { } sk ? ParseProbabilities(sk, "--skeleton") : spec.Skeleton,
            Model = o.Model ?? spec.Model,
        };
        if (o.AB is { } ab)
        {
            var parts = ab.Split(',');
            if (parts.Length != 5 || parts.Any(p => !int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
                throw new CliInputException($"--ab {ab}: expected five whole numbers A,B,C,D,E, e.g. 3,3,1,1,1");
            var v = parts.Select(p => int.Parse(p.Trim(), CultureInfo.InvariantCulture)).ToArray();
            spec = spec with { A = v[0], B = v[1], C = v[2], D = v[3], E = v[4] };
        }
        double target = o.Target ?? file.Target;
        if (!(target > 0 && target < 1)) throw new CliInputException($"--target {target.ToString(CultureInfo.InvariantCulture)}: must be strictly between 0 and 1");
        file = file with { Design = spec, Target = target };
        IDesign design;
        try { design = DesignRegistry.Create(spec, file.Doses.Count, target); }
        catch (DesignSpecException ex) { throw new CliInputException(ex.Message); }
        return new RunInputs(file, design);
    }

    private static ScenarioFile CommandLineFile(IReadOnlyList<double> dlt) => new()
    {
        Path = "(command line)",
        Trial = new TrialInfo { Name = "Command-line scenario" },
        Doses = Enumerable.Range(1, dlt.Count).Select(i => new DoseLevel($"DL{i}")).ToList(),
        Design = new DesignSpec(),
        Scenarios = [new Scenario("command-line", dlt)],
    };

    /// <summary>--dlt: its probabilities, at most <see cref="ResourceGuard.MaxDoses"/> of them (counted before any is parsed).</summary>
    private static IReadOnlyList<double> ParseDoses(string text)
    {
        ResourceGuard.Doses(text.Count(c => c == ',') + 1, "--dlt");
        return ParseProbabilities(text, "--dlt");
    }

    public static IReadOnlyList<double> ParseProbabilities(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new List<double>();
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new CliInputException($"{option} {text}: '{part}' is not a number");
            if (v < 0 || v > 1)
                throw new CliInputException($"{option} {text}: {part} is not a probability in [0, 1]");
            values.Add(v);
        }
        return values;
    }

    public static bool? ParseBool(string? text, string option) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "true" or "yes" => true,
        "false" or "no" => false,
        _ => throw new CliInputException($"{option} {text}: expected true or false"),
    };
}
