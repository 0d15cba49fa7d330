namespace DoseEscalation.Scenarios;

/// <summary>The built-in default: the NCT05008536 anti-BCMA CAR-NK file from scenarios/, embedded at build time.</summary>
public static class BuiltInScenarios
{
    public const string DefaultName = "(built-in) scenarios/nct05008536-bcma-car-nk.yaml";

    public static ScenarioFile Default()
    {
        using var stream = typeof(BuiltInScenarios).Assembly.GetManifestResourceStream("DoseEscalation.Scenarios.default.yaml")
            ?? throw new InvalidOperationException("the built-in scenario resource is missing from the build");
        using var reader = new StreamReader(stream);
        return ScenarioFileReader.Parse(reader.ReadToEnd(), DefaultName);
    }
}
