namespace DoseEscalation.Designs.Rules;

/// <summary>
/// The trial-level rules as one-word wrappers: <c>Design.ThreePlusThree(3).StopAtN(18).StartAt(2)</c>.
/// Each returns a new design; the original is unchanged.
/// </summary>
public static class Modifiers
{
    /// <summary>First cohort at dose <paramref name="dose"/> (1-based).</summary>
    public static IDesign StartAt(this IDesign design, int dose) => new StartDose(design, dose - 1);
    /// <summary>Stop once <paramref name="n"/> patients have been treated.</summary>
    public static IDesign StopAtN(this IDesign design, int n) => new StopAtN(design, n);
    /// <summary>Stop when the next cohort's dose already has <paramref name="n"/> patients.</summary>
    public static IDesign StopAtDoseCount(this IDesign design, int n) => new StopAtDoseCount(design, n);
    /// <summary>Stop (or eliminate) when P(p &gt; target | data) exceeds <paramref name="cutoff"/>.</summary>
    public static IDesign StopWhenTooToxic(this IDesign design, double target, double cutoff, SafetyScope scope = SafetyScope.FirstDose, int minPatients = 3) =>
        new SafetyStop(design, target, cutoff, scope, minPatients);
    /// <summary>Accelerated titration (BOIN's get.oc): one patient per dose until the first DLT, then the design's cohorts.</summary>
    public static IDesign WithAcceleratedTitration(this IDesign design) => new AcceleratedTitration(design);
    /// <summary>Never escalate past the lowest untried dose.</summary>
    public static IDesign NeverSkipping(this IDesign design) => new NeverSkip(design);
}
