namespace DoseEscalation.Scenarios;

/// <summary>
/// A design as named in a scenario file or on the command line, with every option any design takes.
/// <see cref="DesignRegistry.Create"/> turns it into an <see cref="IDesign"/>; options a design does not
/// use are rejected there, so a typo never passes silently.
/// </summary>
public sealed record DesignSpec
{
    /// <summary>Design name: 3+3, a+b, boin, mtpi2, keyboard, i3+3, crm.</summary>
    public string Name { get; init; } = "3+3";
    /// <summary>Dose numbered from 1.</summary>
    public int StartDose { get; init; } = 1;

    // 3+3 and A+B
    public bool? Deescalate { get; init; }
    public bool? ExpandTopDose { get; init; }
    public int? A { get; init; }
    public int? B { get; init; }
    public int? C { get; init; }
    public int? D { get; init; }
    public int? E { get; init; }

    // Model-assisted and model-based designs
    public int? CohortSize { get; init; }
    public int? MaxN { get; init; }
    public int? NEarlyStop { get; init; }
    public bool? ExtraSafe { get; init; }
    public double? Offset { get; init; }
    public double? CutoffEli { get; init; }
    public bool? BoundMtd { get; init; }
    public double? Epsilon1 { get; init; }
    public double? Epsilon2 { get; init; }
    public IReadOnlyList<double>? Skeleton { get; init; }
    public string? Model { get; init; }
    public double? PriorVariance { get; init; }
    public double? SafetyCutoff { get; init; }
    public double? Halfwidth { get; init; }
    public int? PriorMtd { get; init; }

    /// <summary>The options that are set, as (name, value) with the scenario-file spelling.</summary>
    public IEnumerable<(string Option, object Value)> SetOptions()
    {
        if (Deescalate is { } de) yield return ("deescalate", de);
        if (ExpandTopDose is { } et) yield return ("expand_top_dose", et);
        if (A is { } a) yield return ("a", a);
        if (B is { } b) yield return ("b", b);
        if (C is { } c) yield return ("c", c);
        if (D is { } d) yield return ("d", d);
        if (E is { } e) yield return ("e", e);
        if (CohortSize is { } cs) yield return ("cohort_size", cs);
        if (MaxN is { } mn) yield return ("max_n", mn);
        if (NEarlyStop is { } ne) yield return ("n_earlystop", ne);
        if (ExtraSafe is { } es) yield return ("extrasafe", es);
        if (Offset is { } of) yield return ("offset", of);
        if (CutoffEli is { } ce) yield return ("cutoff_eli", ce);
        if (BoundMtd is { } bm) yield return ("bound_mtd", bm);
        if (Epsilon1 is { } e1) yield return ("epsilon1", e1);
        if (Epsilon2 is { } e2) yield return ("epsilon2", e2);
        if (Skeleton is { } sk) yield return ("skeleton", sk);
        if (Model is { } mo) yield return ("model", mo);
        if (PriorVariance is { } pv) yield return ("prior_variance", pv);
        if (SafetyCutoff is { } sc) yield return ("safety_cutoff", sc);
        if (Halfwidth is { } hw) yield return ("halfwidth", hw);
        if (PriorMtd is { } pm) yield return ("prior_mtd", pm);
    }
}

/// <summary>A design specification that cannot be built: names the option and the value.</summary>
public sealed class DesignSpecException(string option, string value, string message) : Exception(message)
{
    public string Option { get; } = option;
    public string Value { get; } = value;
}
