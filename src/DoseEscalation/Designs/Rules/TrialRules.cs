using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Designs.Rules;

/// <summary>
/// The trial-level rules every design takes, as options (scenario-file keys and CLI flags), and how
/// they wrap a design. Order, innermost first: accelerated titration, stop at n on a dose, safety
/// stop, never skip, start dose; so every other rule sees the titration's decisions, the safety stop
/// sees the design's decision after the stop-at-n rule, and the start dose only replaces the first
/// cohort's level (titration then starts there).
/// </summary>
public static class TrialRules
{
    public static DesignOption StartDose { get; } = new()
    {
        Key = "start_dose", Kind = OptionKind.Integer, Default = 1, Min = 1, Common = true,
        Doc = "Dose level (1-based) the first cohort is treated at.",
    };
    public static DesignOption StopNAtDose { get; } = new()
    {
        Key = "stop_n_at_dose", Kind = OptionKind.Integer, Min = 1,
        Doc = "Stop when the next cohort's dose already has this many patients (escalation's stop_when_n_at_dose).",
    };
    public static DesignOption SafetyCutoff { get; } = new()
    {
        Key = "safety_cutoff", Kind = OptionKind.Number, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true,
        Doc = "Stop (or eliminate) when P(DLT rate > target | data) exceeds this; the CRM's model posterior, else Beta(1,1) per dose.",
    };
    public static DesignOption SafetyDoses { get; } = new()
    {
        Key = "safety_doses", Kind = OptionKind.Choice, Choices = ["first", "any"],
        ComputedDefault = (_, v) => v.Has("safety_cutoff") ? "first" : null, DefaultText = "first (with safety_cutoff)",
        Doc = "Where the safety stop looks: first (dose 1: stop with no dose) or any (eliminate the dose and all above).",
    };
    public static DesignOption SafetyMinN { get; } = new()
    {
        Key = "safety_min_n", Kind = OptionKind.Integer, Min = 1,
        ComputedDefault = (_, v) => v.Has("safety_cutoff") ? 3 : null, DefaultText = "3 (with safety_cutoff)",
        Doc = "Patients a dose needs before the safety stop can act on it.",
    };
    public static DesignOption NeverSkipOption { get; } = new()
    {
        Key = "never_skip", Kind = OptionKind.Switch, Default = false,
        Doc = "Add the never-skip-an-untried-dose check (the built-in designs never skip by construction).",
    };

    public static DesignOption AcceleratedTitrationOption { get; } = new()
    {
        Key = "accelerated_titration", Kind = OptionKind.Switch, Default = false, Common = true,
        Doc = "One patient per dose, escalating, until the first DLT (or the top dose; or a grade-2 event when the scenario gives grade2 probabilities); then a cohort fills that dose and the design takes over (BOIN's get.oc titration). Refused for cohorts of 1, pending-patient, backfill and efficacy designs.",
    };

    public static DesignOption TitrationGrade2Events { get; } = new()
    {
        Key = "titration_grade2_events", Kind = OptionKind.Integer, Min = 1, Max = 1000, Common = true,
        DefaultText = "1 when the scenario gives grade2 probabilities; else titration ends at the first DLT only",
        Doc = "With accelerated_titration: patients with a grade 2 toxicity (no DLT) that end titration (Simon et al. 1997: 2). Needs the scenario's grade2 probabilities.",
    };

    public static IReadOnlyList<DesignOption> Options { get; } = [StartDose, StopNAtDose, SafetyCutoff, SafetyDoses, SafetyMinN, NeverSkipOption, AcceleratedTitrationOption, TitrationGrade2Events];

    /// <summary>The rules' own cross-option check: the safety stop's settings need its cutoff.</summary>
    public static (string Key, string Problem)? Check(OptionValues given)
    {
        foreach (var key in new[] { SafetyDoses.Key, SafetyMinN.Key })
            if (given.Has(key) && !given.Has(SafetyCutoff.Key)) return (key, "applies only with safety_cutoff (the safety stop is off)");
        if (given.Has(TitrationGrade2Events.Key) && given[AcceleratedTitrationOption.Key] is not true)
            return (TitrationGrade2Events.Key, "applies only with accelerated_titration: true (titration is off)");
        return null;
    }

    /// <summary>Wraps <paramref name="design"/> in the rules <paramref name="values"/> switch on (resolved values).</summary>
    public static IDesign Apply(IDesign design, DesignContext context, OptionValues values)
    {
        if (values[AcceleratedTitrationOption.Key] is true) design = new AcceleratedTitration(design, values.IntOrNull(TitrationGrade2Events.Key));
        if (values.IntOrNull(StopNAtDose.Key) is { } n) design = new StopAtDoseCount(design, n);
        if (values.NumberOrNull(SafetyCutoff.Key) is { } cutoff)
        {
            double target = values.NumberOrNull("target") ?? context.Target;
            var scope = values.Choice(SafetyDoses.Key) == "any" ? SafetyScope.AnyDose : SafetyScope.FirstDose;
            design = new SafetyStop(design, target, cutoff, scope, values.Int(SafetyMinN.Key));
        }
        if (values[NeverSkipOption.Key] is true) design = new NeverSkip(design);
        int start = values.Int(StartDose.Key);
        if (start > context.DoseCount) throw new ArgumentOutOfRangeException("startLevel", start, $"start dose must be one of the dose levels 1..{context.DoseCount}");
        if (start != 1) design = new StartDose(design, start - 1);
        return design;
    }
}
