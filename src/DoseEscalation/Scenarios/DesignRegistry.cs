using DoseEscalation.Designs;

namespace DoseEscalation.Scenarios;

/// <summary>The one place a design name becomes a design.</summary>
public static class DesignRegistry
{
    /// <summary>Every design name this build knows, in the order help texts list them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["3+3", "a+b", "boin", "mtpi2", "keyboard", "i3+3", "crm"];

    /// <summary>Builds the design named in <paramref name="spec"/> for <paramref name="doseCount"/> doses with target DLT rate <paramref name="target"/>.</summary>
    /// <exception cref="DesignSpecException">Unknown design, an option the design does not take, or a value out of range.</exception>
    public static IDesign Create(DesignSpec spec, int doseCount, double target)
    {
        string name = spec.Name.Trim().ToLowerInvariant();
        try
        {
            switch (name)
            {
                case "3+3":
                    Allow(spec, OptionsOf("3+3"));
                    return new AplusB(doseCount, 3, 3, 1, 1, 1, spec.Deescalate ?? true, spec.ExpandTopDose ?? true, spec.StartDose - 1);
                case "a+b":
                    Allow(spec, OptionsOf("a+b"));
                    return new AplusB(doseCount, spec.A ?? 3, spec.B ?? 3, spec.C ?? 1, spec.D ?? 1, spec.E ?? 1,
                        spec.Deescalate ?? true, spec.ExpandTopDose ?? true, spec.StartDose - 1);
                case "boin":
                    Allow(spec, BoinOptions);
                    return new Boin(doseCount, target, spec.CohortSize ?? 3, spec.MaxN ?? 30, spec.NEarlyStop ?? 100,
                        spec.CutoffEli ?? 0.95, spec.ExtraSafe ?? false, spec.Offset ?? 0.05, spec.BoundMtd ?? false, spec.StartDose - 1);
                case "mtpi2":
                    Allow(spec, IntervalOptions);
                    return new Mtpi2(doseCount, target, spec.CohortSize ?? 3, spec.MaxN ?? 30, spec.Epsilon1 ?? 0.05, spec.Epsilon2 ?? 0.05,
                        spec.NEarlyStop ?? 100, spec.CutoffEli ?? 0.95, spec.ExtraSafe ?? false, spec.Offset ?? 0.05, spec.StartDose - 1);
                case "keyboard":
                    Allow(spec, IntervalOptions);
                    return new Keyboard(doseCount, target, spec.CohortSize ?? 3, spec.MaxN ?? 30, spec.Epsilon1 ?? 0.05, spec.Epsilon2 ?? 0.05,
                        spec.NEarlyStop ?? 100, spec.CutoffEli ?? 0.95, spec.ExtraSafe ?? false, spec.Offset ?? 0.05, spec.StartDose - 1);
                case "i3+3":
                    Allow(spec, IntervalOptions);
                    return new IThreePlusThree(doseCount, target, spec.CohortSize ?? 3, spec.MaxN ?? 30, spec.Epsilon1 ?? 0.05, spec.Epsilon2 ?? 0.05,
                        spec.NEarlyStop ?? 100, spec.CutoffEli ?? 0.95, spec.ExtraSafe ?? false, spec.Offset ?? 0.05, spec.StartDose - 1);
                case "crm":
                    Allow(spec, CrmOptions);
                    return CreateCrm(spec, doseCount, target);
                default:
                    throw new DesignSpecException("design", spec.Name, $"unknown design '{spec.Name}' (known: {string.Join(", ", Names)})");
            }
        }
        catch (ArgumentOutOfRangeException ex)
        {
            string option = ex.ParamName switch { "startLevel" => "start_dose", "doseCount" => "doses", "extraSafe" => "extrasafe", "boundMtd" => "bound_mtd", "maxPatients" => "max_n", { } p => ToSnake(p), null => "design" };
            string firstLine = ex.Message.Split('\n')[0];
            int paren = firstLine.IndexOf(" (Parameter", StringComparison.Ordinal);
            if (paren >= 0) firstLine = firstLine[..paren];
            throw new DesignSpecException(option, Convert.ToString(ex.ActualValue, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                $"{spec.Name}: {option} = {ex.ActualValue}: {firstLine}");
        }
    }

    // The options of mTPI-2, Keyboard and i3+3 (BOIN takes bound_mtd instead of the epsilons).
    private static readonly string[] IntervalOptions =
        ["cohort_size", "max_n", "n_earlystop", "cutoff_eli", "extrasafe", "offset", "epsilon1", "epsilon2"];

    /// <summary>
    /// <paramref name="spec"/> with the cohort size and maximum N set where its design takes them
    /// (the model-assisted and model-based designs) and cleared where it does not (3+3, A+B): how
    /// several designs share one sample-size setting in comparisons.
    /// </summary>
    public static DesignSpec WithSharedSize(DesignSpec spec, int cohortSize, int maxN)
    {
        var takes = OptionsOf(spec.Name);
        return spec with
        {
            CohortSize = takes.Contains("cohort_size") ? cohortSize : null,
            MaxN = takes.Contains("max_n") ? maxN : null,
        };
    }

    /// <summary>The options (scenario-file spelling) the named design takes; empty for an unknown name.</summary>
    public static IReadOnlyList<string> OptionsOf(string name) => name.Trim().ToLowerInvariant() switch
    {
        "3+3" => ["deescalate", "expand_top_dose"],
        "a+b" => ["deescalate", "expand_top_dose", "a", "b", "c", "d", "e"],
        "boin" => BoinOptions,
        "mtpi2" or "keyboard" or "i3+3" => IntervalOptions,
        "crm" => CrmOptions,
        _ => [],
    };

    private static readonly string[] BoinOptions =
        ["cohort_size", "max_n", "n_earlystop", "cutoff_eli", "extrasafe", "offset", "bound_mtd"];

    private static readonly string[] CrmOptions =
        ["cohort_size", "max_n", "skeleton", "model", "prior_variance", "safety_cutoff", "halfwidth", "prior_mtd"];

    /// <summary>
    /// The CRM: a given skeleton, or one calibrated by indifference intervals (halfwidth default 0.05,
    /// prior MTD default the middle dose, rounding up) when no skeleton is given.
    /// </summary>
    private static Crm CreateCrm(DesignSpec spec, int doseCount, double target)
    {
        CrmModel model = spec.Model?.Trim().ToLowerInvariant() switch
        {
            null or "empiric" or "power" => CrmModel.Empiric,
            "logistic" => CrmModel.Logistic,
            _ => throw new DesignSpecException("model", spec.Model, $"crm: model = {spec.Model}: unknown model (known: empiric, logistic)"),
        };
        double[] skeleton;
        if (spec.Skeleton is { } given)
        {
            if (spec.Halfwidth is not null || spec.PriorMtd is not null)
                throw new DesignSpecException("skeleton", Format(given), "crm: give either a skeleton or halfwidth/prior_mtd to calibrate one, not both");
            if (given.Count != doseCount)
                throw new DesignSpecException("skeleton", Format(given), $"crm: skeleton has {given.Count} values but there are {doseCount} doses");
            skeleton = given.ToArray();
        }
        else
        {
            skeleton = CrmSkeleton.Calibrate(spec.Halfwidth ?? 0.05, target, spec.PriorMtd ?? (doseCount + 2) / 2, doseCount, model);
        }
        return new Crm(skeleton, target, model, spec.CohortSize ?? 3, spec.MaxN ?? 30, spec.StartDose - 1,
            spec.PriorVariance ?? Crm.DefaultPriorVariance, spec.SafetyCutoff);
    }

    /// <summary>Rejects options the design does not use.</summary>
    private static void Allow(DesignSpec spec, IReadOnlyList<string> allowed)
    {
        foreach (var (option, value) in spec.SetOptions())
            if (!allowed.Contains(option))
                throw new DesignSpecException(option, Format(value), $"design '{spec.Name}' takes no option '{option}' (it takes: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))})");
    }

    internal static string Format(object value) => value switch
    {
        IReadOnlyList<double> list => "[" + string.Join(", ", list.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string ToSnake(string camel) =>
        string.Concat(camel.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
