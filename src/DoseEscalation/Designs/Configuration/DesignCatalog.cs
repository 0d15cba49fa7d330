namespace DoseEscalation.Designs.Configuration;

/// <summary>
/// The designs this build knows, by name: the one place a design name becomes a design. A catalog is
/// a value: tests and library users can extend it (<see cref="With"/>) without touching the default.
/// </summary>
public sealed class DesignCatalog
{
    /// <summary>Every built-in design, in the order help lists them. One line per design.</summary>
    public static DesignCatalog Default { get; } = new(
    [
        AplusB.ThreePlusThreeDescriptor,
        AplusB.Descriptor,
        Boin.Descriptor,
        Mtpi2.Descriptor,
        Keyboard.Descriptor,
        IThreePlusThree.Descriptor,
        Crm.Descriptor,
        Blrm.Descriptor,
        RollingSix.Descriptor,
        TiteCrm.Descriptor,
        TiteBoin.Descriptor,
        Boin12.Descriptor,
        Backfill.BfBoinDescriptor,
        Backfill.BfThreePlusThreeDescriptor,
    ]);

    public IReadOnlyList<DesignDescriptor> Designs { get; }

    public DesignCatalog(IReadOnlyList<DesignDescriptor> designs)
    {
        var names = new HashSet<string>();
        foreach (var d in designs)
            if (!names.Add(d.Name)) throw new ArgumentException($"design '{d.Name}' is registered twice");
        Designs = designs;
    }

    /// <summary>This catalog plus <paramref name="more"/>.</summary>
    public DesignCatalog With(params DesignDescriptor[] more) => new([.. Designs, .. more]);

    public IReadOnlyList<string> Names => Designs.Select(d => d.Name).ToList();

    /// <summary>The design called <paramref name="name"/> (case-insensitive), or null.</summary>
    public DesignDescriptor? Find(string name) =>
        Designs.FirstOrDefault(d => string.Equals(d.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The design called <paramref name="name"/>; throws <see cref="DesignOptionException"/> naming the known ones.</summary>
    public DesignDescriptor Get(string name) => Find(name)
        ?? throw new DesignOptionException(name, "design", null, $"unknown design '{name}' (known: {string.Join(", ", Names)})");

    /// <summary>Every option key of every design, each once, with the designs that take it.</summary>
    public IReadOnlyList<(DesignOption Option, IReadOnlyList<string> Designs)> AllOptions()
    {
        var seen = new List<(DesignOption, List<string>)>();
        foreach (var d in Designs)
            foreach (var o in d.AllOptions)
            {
                int i = seen.FindIndex(s => s.Item1.Key == o.Key);
                if (i < 0) seen.Add((o, [d.Name]));
                else if (seen[i].Item1.Kind != o.Kind) throw new InvalidOperationException($"option '{o.Key}' has two types");
                else seen[i].Item2.Add(d.Name);
            }
        return seen.Select(s => (s.Item1, (IReadOnlyList<string>)s.Item2)).ToList();
    }
}
