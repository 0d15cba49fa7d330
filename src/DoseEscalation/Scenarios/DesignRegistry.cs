using DoseEscalation.Designs;

namespace DoseEscalation.Scenarios;

/// <summary>The one place a design name becomes a design.</summary>
public static class DesignRegistry
{
    /// <summary>Every design name this build knows, in the order help texts list them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["3+3", "a+b", "crm"];

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
                    Allow(spec, "deescalate", "expand_top_dose");
                    return new AplusB(doseCount, 3, 3, 1, 1, 1, spec.Deescalate ?? true, spec.ExpandTopDose ?? true, spec.StartDose - 1);
                case "a+b":
                    Allow(spec, "deescalate", "expand_top_dose", "a", "b", "c", "d", "e");
                    return new AplusB(doseCount, spec.A ?? 3, spec.B ?? 3, spec.C ?? 1, spec.D ?? 1, spec.E ?? 1,
                        spec.Deescalate ?? true, spec.ExpandTopDose ?? true, spec.StartDose - 1);
                case "crm":
                    Allow(spec, "cohort_size", "max_n", "skeleton", "model", "prior_variance", "safety_cutoff", "halfwidth", "prior_mtd");
                    return CreateCrm(spec, doseCount, target);
                default:
                    throw new DesignSpecException("design", spec.Name, $"unknown design '{spec.Name}' (known: {string.Join(", ", Names)})");
            }
        }
        catch (ArgumentOutOfRangeException ex)
        {
            string option = ex.ParamName switch { "startLevel" => "start_dose", "doseCount" => "doses", "maxPatients" => "max_n", { } p => ToSnake(p), null => "design" };
            string firstLine = ex.Message.Split('\n')[0];
            int paren = firstLine.IndexOf(" (Parameter", StringComparison.Ordinal);
            if (paren >= 0) firstLine = firstLine[..paren];
            throw new DesignSpecException(option, Convert.ToString(ex.ActualValue, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                $"{spec.Name}: {option} = {ex.ActualValue}: {firstLine}");
        }
    }

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
    private static void Allow(DesignSpec spec, params string[] allowed)
    {
        foreach (var (option, value) in spec.SetOptions())
            if (!allowed.Contains(option))
                throw new DesignSpecException(option, Format(value), $"design '{spec.Name}' takes no option '{option}' (it takes: {(allowed.Length == 0 ? "none" : string.Join(", ", allowed))})");
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
