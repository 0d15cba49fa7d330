using DoseEscalation.Designs;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Reporting;

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
        var lines = new List<string>();
        switch (design)
        {
            case AplusB ab:
                lines.Add(ab.IsThreePlusThree
                    ? $"Patients are treated in cohorts of 3, starting at {doses[ab.StartLevel].Label}. With 0/3 DLTs the next higher level is opened; with 1/3, 3 more patients are treated at the same level, and 1/6 lets escalation continue; 2 or more DLTs (of 3 or of 6) make the level too toxic."
                    : $"Patients are treated in cohorts of {ab.A}, starting at {doses[ab.StartLevel].Label}. With fewer than {ab.C} DLTs of {ab.A} the next higher level is opened; with {ab.C} to {ab.D}, {ab.B} more patients are treated at the same level, and at most {ab.E} DLTs of {ab.A + ab.B} let escalation continue; more DLTs make the level too toxic.");
                lines.Add((ab.Deescalate
                        ? "When a level is too toxic, the level below is expanded to " + (ab.A + ab.B) + " patients if it has fewer, and the MTD is the highest level with at most " + ab.E + " DLT" + (ab.E == 1 ? "" : "s") + $" in {ab.A + ab.B} patients."
                        : "When a level is too toxic, the level below is selected as the MTD.")
                    + (ab.ExpandTopDose ? $" The highest level is selected only after {ab.A + ab.B} patients have been treated there." : " The highest level may be selected once it passes.")
                    + " If the lowest level is too toxic, the trial stops without selecting a dose.");
                break;
            case IntervalDesign:
                lines.Add("After each cohort, the number of DLTs among the patients treated at the current dose is compared with the decision table: "
                    + "escalate to the next level, stay, or de-escalate. A dose whose posterior probability of exceeding the target is too high is eliminated together with every higher dose, and is never used again; "
                    + "the trial stops when the lowest dose is eliminated or the maximum sample size is reached. "
                    + "The MTD is the dose, among those tried and not eliminated, whose isotonic (pooled-adjacent-violators) estimate of the DLT rate is closest to the target.");
                break;
            case Crm:
                lines.Add("After each cohort, the one-parameter dose-toxicity model is updated with all patients' outcomes (posterior by quadrature), and the next cohort is treated at the dose whose estimated DLT rate is closest to the target, "
                    + "never skipping an untried dose when escalating and never escalating right after a cohort with a DLT rate at or above the target. "
                    + "At the maximum sample size the MTD is the dose whose estimated DLT rate is closest to the target.");
                break;
        }
        return lines;
    }
}
