using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Tests.Designs;

/// <summary>Designs for tests, through the catalog as users get them.</summary>
internal static class Build
{
    public static IDesign Design(string name, int doses, double target, params (string Key, object Value)[] options) =>
        Resolved(name, doses, target, options).Design;

    public static ResolvedDesign Resolved(string name, int doses, double target, params (string Key, object Value)[] options) =>
        DesignCatalog.Default.Get(name).Create(new DesignContext(doses, target),
            new OptionValues(options.Select(o => new KeyValuePair<string, object?>(o.Key, o.Value))));

    /// <summary>A design with cohort size and max N set where it has its own (the model-assisted designs and the CRM).</summary>
    public static IDesign Shared(string name, int doses, double target, int cohortSize, int maxN)
    {
        var d = DesignCatalog.Default.Get(name);
        var options = new List<(string, object)>();
        if (d.Option("cohort_size")?.Default is not null) options.Add(("cohort_size", cohortSize));
        if (d.Option("max_n")?.Default is not null) options.Add(("max_n", maxN));
        return Design(name, doses, target, [.. options]);
    }
}
