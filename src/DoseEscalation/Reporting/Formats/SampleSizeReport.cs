using DoseEscalation.Designs;
using DoseEscalation.SampleSizing;
using DoseEscalation.Scenarios;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>A sample-size analysis with the trial facts its reports print: what the samplesize writers consume.</summary>
public sealed record SampleSizeReport
{
    /// <summary>The design with every option resolved, for the output to name what ran.</summary>
    public IReadOnlyList<Designs.Configuration.ResolvedDesign> Setups { get; init; } = [];

    public required TrialInfo Trial { get; init; }
    /// <summary>The scenario file, "(built-in)" or "(command line)".</summary>
    public required string Source { get; init; }
    public required IReadOnlyList<DoseLevel> Doses { get; init; }
    public required SampleSizeAnalysis Analysis { get; init; }

    /// <summary>Trial name with its registry id, e.g. "Anti-BCMA ... (NCT05652530)".</summary>
    public string TrialName => Trial.Name + (Trial.RegistryId is { } id ? $" ({id})" : "");

    /// <summary>Coverage shares whose enrolled and evaluable quantiles every report lists.</summary>
    public static IReadOnlyList<double> Quantiles { get; } = [0.5, 0.8, 0.9, 0.95];

    /// <summary>The true MTD's label, or "none".</summary>
    public string MtdLabel(SampleSizeResult r) => r.TrueMtdLevel < 0 ? "none" : Doses[r.TrueMtdLevel].Label;

    /// <summary>One line naming the engine, as every format states it.</summary>
    public string EngineLine()
    {
        var a = Analysis;
        if (a.Engine == "exact")
        {
            double cut = a.Results.Max(r => r.TruncatedMass);
            return $"exact (all {Formatting.Int(a.StateCount)} trial states of the design; no simulation error"
                + (a.Model.NonEvaluableRate > 0 ? $"; negative binomial tails cut below {Formatting.Exact(SampleSizeExact.TailCut)}, largest mass cut {cut.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}" : "")
                + ")";
        }
        return $"Monte Carlo ({Formatting.Int(a.Trials)} simulated trials per scenario, seed {a.Seed}; standard errors in parentheses)";
    }

    /// <summary>
    /// The sample-size statement with its numbers filled in, e.g. "With up to 18 evaluable patients and a
    /// 10% non-evaluable rate, 13 enrolled patients suffice in 62.3% to 91.0% of trials across the
    /// scenarios; 16 patients cover 90% of trials in the worst scenario ('mtd-at-dl2')."
    /// </summary>
    public string Statement()
    {
        var a = Analysis;
        var m = a.Model;
        string evaluable = a.Results.All(r => r.EvaluableRangeIsExact) ? $"up to {a.MaxEvaluable} evaluable patients" : $"up to {Formatting.Int(a.Design.MaxPatients)} evaluable patients (the design's bound)";
        string rate = $"a {Formatting.Percent(m.NonEvaluableRate, Digits(m.NonEvaluableRate))} non-evaluable rate";
        string lead = m.ExpansionCohort > 0
            ? $"With {evaluable}, {rate} and an expansion cohort of {m.ExpansionCohort} at the selected dose"
            : $"With {evaluable} and {rate}";
        string cover = $"{a.RecommendedN} patients cover {Formatting.Percent(m.Coverage, Digits(m.Coverage))} of trials in the worst scenario ('{a.WorstScenario.Scenario.Name}')";
        if (m.PlannedN is not { } n) return $"{lead}, {cover}.";
        var p = a.Results.Select(r => r.EnrolledAtMost(n).Value).ToList();
        string suffice = a.Results.Count == 1
            ? $"{n} enrolled patients suffice in {Formatting.Percent(p[0])} of trials"
            : $"{n} enrolled patients suffice in {Formatting.Percent(p.Min())} to {Formatting.Percent(p.Max())} of trials across the scenarios";
        return $"{lead}, {suffice}; {cover}.";
    }

    /// <summary>"10%" not "10.0%" for round rates, "12.5%" otherwise.</summary>
    internal static int Digits(double share) => Math.Abs(100 * share - Math.Round(100 * share)) < 1e-9 ? 0 : 1;

    /// <summary>The design's rules in words: Describe() plus the A+B decision table when the design is 3+3 or A+B.</summary>
    public IReadOnlyList<string> DesignRules()
    {
        var d = Analysis.Design;
        var lines = new List<string> { $"Design: {d.Describe()}; target DLT rate {Formatting.Percent(Analysis.Target, Digits(Analysis.Target))}." };
        lines.AddRange(DesignProse.Rules(d, Doses));
        var m = Analysis.Model;
        if (m.NonEvaluableRate > 0)
            lines.Add($"Patients who leave the DLT window early without a DLT are not evaluable for dose escalation and are replaced; each enrolled patient is assumed non-evaluable with probability {Formatting.Percent(m.NonEvaluableRate, Digits(m.NonEvaluableRate))}, independently of the others.");
        if (m.ExpansionCohort > 0)
            lines.Add($"After escalation, {m.ExpansionCohort} further patients are treated at the selected dose (none if no dose is selected).");
        return lines;
    }
}
