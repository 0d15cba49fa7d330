using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Designs.Rules;
using DoseEscalation.Scenarios;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>A design's rules in words, for reports and protocols.</summary>
public static class DesignProse
{
    /// <summary>
    /// Sentences describing <paramref name="design"/>: the full escalation rule for the 3+3 and A+B;
    /// for designs driven by a decision table, how the table is used (the table itself is printed
    /// beside it); for the CRM, the model-based rule.
    /// </summary>
    public static IReadOnlyList<string> Rules(IDesign design, IReadOnlyList<DoseLevel> doses)
    {
        var (core, rules) = DesignRule.Unwrap(design);
        var labels = doses.Select(d => d.Label).ToList();
        var lines = new List<string>();
        int start = rules.OfType<StartDose>().FirstOrDefault()?.StartLevel ?? 0;
        if (DesignCatalog.Default.Find(core.Name) is { } descriptor) lines.AddRange(descriptor.Prose(core, new ProseContext(labels, start)));
        if (start > 0 && core is not AplusB) lines.Add($"The first cohort is treated at {labels[start]}.");
        foreach (var rule in rules.Where(r => r is not StartDose).Reverse())
            lines.Add(rule switch
            {
                StopAtN r => $"The trial stops once {r.N} patients have been treated, selecting the dose the design would select then.",
                StopAtDoseCount r => $"The trial stops when the next cohort would go to a dose that already has {r.N} patients.",
                SafetyStop r => FormattableString.Invariant($"Safety stop: ")
                    + (r.Scope == SafetyScope.FirstDose ? "the trial stops without selecting a dose" : "a dose and every higher dose are eliminated (the trial stops when dose 1 is)")
                    + FormattableString.Invariant($" when the posterior probability that its DLT rate exceeds {r.Target:0.##} is above {r.Cutoff}, once it has at least {r.MinPatients} patients."),
                NeverSkip => "An untried dose is never skipped when escalating.",
                AcceleratedTitration r => $"Accelerated titration comes first: one patient per dose from {labels[start]}, escalating after each patient without a DLT, "
                    + $"until the first DLT or the highest dose"
                    // Set by the user: the trigger then applies to every scenario (each must give grade-2 probabilities).
                    + (r.Grade2Events is { } g2 ? $" or the {(g2 == 1 ? "first patient" : $"patient number {g2}")} with a grade 2 toxicity" : "")
                    + $"; that dose is then filled to a cohort of {r.CohortSize} ({r.CohortSize - 1} more patients) and the design's rule takes over, "
                    + "with every titration patient counted in its dose's data and in the sample size"
                    + (core is AplusB ab ? $" (a dose below holding only its titration patient is filled to {ab.A} before the rule judges it)." : "."),
                _ => rule.Describe(),
            });
        return lines;
    }
}
