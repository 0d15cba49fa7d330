namespace DoseEscalation.Designs.Configuration;

/// <summary>
/// The settings common to every design: written once at trial level (or as a common flag) and
/// inherited by each design that takes them unless the design overrides them. <c>start_dose</c> and
/// <c>accelerated_titration</c> are trial-level rules (<see cref="Rules.TrialRules"/>) that every design takes.
/// </summary>
public static class CommonOptions
{
    public static DesignOption Target { get; } = new()
    {
        Key = "target", Kind = OptionKind.Number, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, Common = true,
        ComputedDefault = (context, _) => context.Target, DefaultText = "the trial's target",
        Doc = "Target DLT rate the design aims at.",
    };

    /// <summary>Maximum sample size, with the design's own default (null: the design stops by its own rule).</summary>
    public static DesignOption MaxN(int? defaultValue) => new()
    {
        Key = "max_n", Kind = OptionKind.Integer, Min = 1, Max = 1000, Default = defaultValue, Common = true,
        DefaultText = defaultValue is null ? "none" : null,
        Doc = "Maximum sample size. Model-assisted designs: the last cohort is cut to fit (R: ncohort * cohortsize); CRM: a multiple of the cohort size (dfcrm); 3+3 and A+B: the stop-at-N rule.",
    };

    /// <summary>Cohort size, with the design's own default.</summary>
    public static DesignOption CohortSize(int defaultValue) => new()
    {
        Key = "cohort_size", Kind = OptionKind.Integer, Min = 1, Max = 100, Default = defaultValue, Common = true,
        Doc = "Patients per cohort.",
    };

    /// <summary>The keys of the common settings, in the order files and help list them.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["target", "start_dose", "max_n", "cohort_size", "accelerated_titration", "titration_grade2_events"];
}
