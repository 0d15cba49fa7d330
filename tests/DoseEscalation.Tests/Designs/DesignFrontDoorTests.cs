using System.Reflection;
using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Tests.Designs;

/// <summary><c>Design.</c> lists every design: each catalog name has a factory building a design of that name.</summary>
public class DesignFrontDoorTests
{
    // A factory called with its required arguments: 3 doses, target 0.3, a 3-dose skeleton, a response target.
    private static object? Argument(ParameterInfo p) => p.HasDefaultValue ? p.DefaultValue : p.Name switch
    {
        "doses" => 3,
        "target" => 0.3,
        "targetE" => 0.3,
        "skeleton" => new[] { 0.1, 0.2, 0.3 },
        "a" => 4, // not 3: A = B = 3, C = D = E = 1 is the 3+3, named so
        "b" => 3,
        "c" or "d" or "e" => 1,
        "halfwidth" => 0.05,
        "priorMtd" => 2,
        _ => throw new InvalidOperationException($"no test value for parameter '{p.Name}'"),
    };

    [Fact]
    public void Every_catalog_design_has_a_factory()
    {
        var built = typeof(Design).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => typeof(IDesign).IsAssignableFrom(m.ReturnType))
            .Select(m => ((IDesign)m.Invoke(null, m.GetParameters().Select(Argument).ToArray())!).Name)
            .ToHashSet();
        foreach (var name in DesignCatalog.Default.Names)
            Assert.True(built.Contains(name), $"Design has no factory for catalog design '{name}'");
    }
}
