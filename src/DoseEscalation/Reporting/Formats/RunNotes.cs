using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Reporting.Formats;

/// <summary>
/// Statements a run's output makes about itself, so a reader of the file alone (not only of the
/// console's stderr) sees them: designs compared at different maximum sample sizes, and a backfill
/// design run without calendar time.
/// </summary>
public static class RunNotes
{
    /// <summary>
    /// The most patients the design may treat in this run: without calendar time a backfill design
    /// runs as its escalation rule, so its escalation cohorts' maximum.
    /// </summary>
    public static int MaxN(IDesign design, bool calendar) =>
        !calendar && design.TryGet<IBackfillDesign>() is { } b ? b.EscalationMaxPatients : design.MaxPatients;

    /// <summary>
    /// "Designs differ in maximum N: 3+3 18, boin 30; P(correct) is not at equal sample size", or
    /// null when every design may treat as many patients (or there is one design).
    /// </summary>
    public static string? MaxNDifference(IReadOnlyList<ResolvedDesign> setups, bool calendar) =>
        MaxNDifference(setups.Select(d => (d.Label, MaxN(d.Design, calendar))));

    /// <summary>As <see cref="MaxNDifference(IReadOnlyList{ResolvedDesign}, bool)"/> from (label, max N) pairs.</summary>
    public static string? MaxNDifference(IEnumerable<(string Label, int MaxN)> designs)
    {
        var list = designs.ToList();
        if (list.Select(d => d.MaxN).Distinct().Count() < 2) return null;
        return $"Designs differ in maximum N: {string.Join(", ", list.Select(d => $"{d.Label} {d.MaxN}"))}; P(correct) is not at equal sample size";
    }

    /// <summary>One note per backfill design of a run without calendar time: its results are its escalation rule's.</summary>
    public static IEnumerable<string> Backfill(IEnumerable<ResolvedDesign> setups) =>
        setups.Where(d => d.Design.TryGet<IBackfillDesign>() is not null)
            .Select(d => $"design '{d.Label}' backfills only in calendar time; this run has none, so nobody arrives while a cohort is observed and these results are its escalation rule's alone");

    /// <summary>
    /// For a design whose decisions read who had both a DLT and a response (BOIN12 with u11 + u00 other
    /// than 100): the scenario's DLT-response association, which its results then depend on; null otherwise.
    /// </summary>
    public static string? JointOutcome(IDesign design, Scenario scenario) =>
        !design.ReadsJointOutcomes || !scenario.HasResponse ? null
            : $"design {design.Name} scores each patient's (DLT, response) pair (utilities not additive), so these results depend on how DLT and response go together: {AssociationText(scenario)}";

    /// <summary>
    /// What ends the design's accelerated titration under <paramref name="scenario"/>: the first DLT or
    /// the n-th grade-2 event when the scenario gives grade-2 probabilities, else the first DLT only.
    /// Null for a design without titration.
    /// </summary>
    public static string? Titration(IDesign design, Scenario scenario)
    {
        if (design.TryGet<Designs.Rules.AcceleratedTitration>() is not { } rule) return null;
        if (!scenario.HasGrade2) return "accelerated titration ends at the first DLT only (the scenario gives no grade2 probabilities)";
        int n = rule.Grade2Trigger;
        return $"accelerated titration ends at the first DLT or at the {(n == 1 ? "first" : n == 2 ? "second" : $"{n}th")} patient with a grade 2 toxicity (P(grade >= 2) per dose {string.Join(", ", scenario.Grade2!.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)))})";
    }

    /// <summary>The scenario's DLT-response association in words.</summary>
    public static string AssociationText(Scenario scenario) => scenario.Association switch
    {
        AssociationKind.Gumbel => $"Gumbel (FGM) association, rho {scenario.GumbelRho.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        AssociationKind.Gaussian => $"Gaussian copula, rho {scenario.GaussianRho.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        AssociationKind.Cells => "the four (DLT, response) cells as given",
        _ => "independent at each dose (the default; set association: or cells: to change it)",
    };

    /// <summary>The notes of a comparison: the max-N difference, then (without calendar time) the backfill designs.</summary>
    public static IReadOnlyList<string> Comparison(ComparisonSet set)
    {
        bool calendar = set.Scenarios.Any(sc => sc.Calendar is not null);
        return (MaxNDifference(set.Setups, calendar) is { } m ? new[] { m } : []).Concat(calendar ? [] : Backfill(set.Setups)).ToList();
    }
}
