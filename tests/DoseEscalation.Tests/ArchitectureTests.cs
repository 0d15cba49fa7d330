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
        var forbidden = new Regex(@"\bConsole\.|\bFile\.|\bDirectory\.|\bDoseEscalation\.Reporting\b|\bDoseEscalation\.Scenarios\b|\bDoseEscalation\.SampleSizing\b|\bDoseEscalation\.Application\b|\bSpectre\b|\bSystem\.Random\b|\bnew Random\(");
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

    /// <summary>
    /// The CLI only maps flags to the application layer (DoseEscalation.Application): no file of it
    /// names the Engines namespace or any type in it, so a web page or R package standing on the
    /// same layer gets the same runs.
    /// </summary>
    [Fact]
    public void The_command_line_names_no_engine_type()
    {
        var engineTypes = typeof(IDesign).Assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && ns.StartsWith("DoseEscalation.Engines", StringComparison.Ordinal) && !t.IsNested && !t.Name.Contains('<'))
            .Select(t => t.Name.Split('`')[0]).Distinct().ToList();
        Assert.Contains("MonteCarloEngine", engineTypes);
        Assert.Contains("StateGraph", engineTypes);
        var forbidden = new Regex(@"\bEngines\b|\b(" + string.Join("|", engineTypes.Select(Regex.Escape)) + @")\b");
        var cli = Directory.GetFiles(Path.Combine(Repo.Root, "src", "DoseEscalation.Cli"), "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(cli);
        foreach (var path in cli)
        {
            var lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].Split("//")[0];
                var m = forbidden.Match(code);
                Assert.False(m.Success, $"{Path.GetRelativePath(Repo.Root, path)}:{i + 1} names {m.Value}: {lines[i].Trim()}");
            }
        }
    }
}
