using System.Text.RegularExpressions;
using DoseEscalation.Tests.Scenarios;

namespace DoseEscalation.Tests;

/// <summary>
/// Numbers flow one way (scenario -> engine -> result -> report): the rule objects, engines,
/// generators and numerics never print, touch files, or see the reporting or file-binding layers.
/// </summary>
public class ArchitectureTests
{
    public static TheoryData<string> InnerFolders() => new("Designs", "Engines", "Rng", "Numerics", "Conduct");

    [Theory]
    [MemberData(nameof(InnerFolders))]
    public void Inner_layers_do_no_IO_and_do_not_depend_on_outer_layers(string folder)
    {
        var forbidden = new Regex(@"\bConsole\.|\bFile\.|\bDirectory\.|\bDoseEscalation\.Reporting\b|\bDoseEscalation\.Scenarios\b|\bDoseEscalation\.Protocol\b|\bSpectre\b|\bSystem\.Random\b|\bnew Random\(");
        foreach (var path in Directory.GetFiles(Path.Combine(Repo.Root, "src", "DoseEscalation", folder), "*.cs", SearchOption.AllDirectories))
        {
            var lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].Split("//")[0];
                Assert.False(forbidden.IsMatch(code), $"{Path.GetRelativePath(Repo.Root, path)}:{i + 1}: {lines[i].Trim()}");
            }
        }
    }

    [Fact]
    public void The_library_does_not_reference_the_console_packages()
    {
        var refs = typeof(IDesign).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain("Spectre.Console", refs);
        Assert.DoesNotContain("CommandLine", refs);
    }
}
