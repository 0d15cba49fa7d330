using System.Globalization;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>The one-paragraph statement of inputs printed under each chart and in reports.</summary>
public static class Captions
{
    /// <summary>"exact calculation" or "Monte Carlo, 20,000 trials, seed 1".</summary>
    public static string Engine(OperatingCharacteristics oc) => oc.Engine == "exact"
        ? "exact calculation (no simulation)"
        : string.Create(CultureInfo.InvariantCulture, $"Monte Carlo, {oc.Trials:N0} trials, seed {oc.Seed?.ToString(CultureInfo.InvariantCulture) ?? "none"}");

    /// <summary>"S2 (p = 0.10, 0.20, 0.35)".</summary>
    public static string Scenario(Scenario s) =>
        $"{s.Name} (p = {string.Join(", ", s.Dlt.Select(p => p.ToString("0.00##", CultureInfo.InvariantCulture)))})";

    /// <summary>Designs, scenarios, target and engines of <paramref name="results"/>, each listed once.</summary>
    public static string Inputs(IEnumerable<OperatingCharacteristics> results)
    {
        var list = results.ToList();
        var designs = list.Select(r => r.DesignDescription).Distinct().ToList();
        var scenarios = list.Select(r => Scenario(r.Scenario)).Distinct().ToList();
        var targets = list.Select(r => r.Target.ToString("0.00##", CultureInfo.InvariantCulture)).Distinct().ToList();
        var engines = list.Select(Engine).Distinct().ToList();
        bool anyMc = list.Any(r => r.Trials > 0);
        var sentences = new List<string>
        {
            $"{(designs.Count == 1 ? "Design" : "Designs")}: {string.Join("; ", designs)}.",
            $"{(scenarios.Count == 1 ? "Scenario" : "Scenarios")}: {string.Join("; ", scenarios)}; target DLT rate {string.Join(", ", targets)}.",
            $"{Capitalize(string.Join("; ", engines))}.",
        };
        if (anyMc) sentences.Add("Whiskers: 95% intervals (normal approximation).");
        return string.Join(" ", sentences);
    }

    internal static string Capitalize(string s) => s.Length == 0 ? s : string.Concat(char.ToUpperInvariant(s[0]).ToString(), s[1..]);
}
