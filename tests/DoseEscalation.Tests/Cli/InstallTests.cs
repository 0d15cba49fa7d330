using System.Text.RegularExpressions;
using System.Xml.Linq;
using DoseEscalation.Tests.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Cli;

/// <summary>The tool installs as the README says, and says what it is.</summary>
public class InstallTests
{
    private static string Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliEntry.Run(args, o, e);
        Assert.True(code == 0, e.ToString());
        return o.ToString();
    }

    [Fact]
    public void Version_prints_the_version_and_the_commit_it_was_built_from()
    {
        string version = Run("--version").Trim();
        Assert.Matches(new Regex(@"^dose-escalation \d+\.\d+\.\d+ \(commit [0-9a-f]{12}\)$"), version);
        Assert.StartsWith(DoseEscalation.Reporting.Formats.ToolInfo.Commit![..12], version.Split("commit ")[1]);
    }

    [Fact]
    public void Help_names_the_documentation_by_what_it_is_not_by_a_source_path()
    {
        var texts = new List<string> { Run("--help") };
        foreach (var verb in new[] { "simulate", "exact", "compare", "table", "next", "samplesize", "plot", "report", "bench" })
            texts.Add(Run(verb, "--help"));
        foreach (var t in texts)
        {
            Assert.DoesNotContain("docs/", t);
            Assert.DoesNotContain(".md", t);
        }
        Assert.Contains("README", texts[0]);
    }

    [Fact]
    public void The_cli_packs_as_the_dose_escalation_tool_and_the_library_with_its_xml_docs()
    {
        var cli = XDocument.Load(Path.Combine(Repo.Root, "src", "DoseEscalation.Cli", "DoseEscalation.Cli.csproj"));
        string? Prop(XDocument d, string name) => d.Descendants(name).FirstOrDefault()?.Value;
        Assert.Equal("true", Prop(cli, "PackAsTool"));
        Assert.Equal("dose-escalation", Prop(cli, "ToolCommandName"));
        Assert.Equal("DoseEscalation.Cli", Prop(cli, "PackageId"));
        // RID-specific tool packages: the NativeAOT linux-x64 executable and the framework-dependent fallback.
        Assert.Equal("linux-x64;any", Prop(cli, "ToolPackageRuntimeIdentifiers"));
        Assert.Equal("true", Prop(cli, "PublishAot"));
        // Portable: no instruction set fixed for the package (deploy/native/publish.sh passes its own).
        Assert.Null(Prop(cli, "IlcInstructionSet"));
        var lib = XDocument.Load(Path.Combine(Repo.Root, "src", "DoseEscalation", "DoseEscalation.csproj"));
        Assert.Equal("true", Prop(lib, "GenerateDocumentationFile"));
        Assert.StartsWith("MIT License", File.ReadAllText(Path.Combine(Repo.Root, "LICENSE")));
        string readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        Assert.Contains("dotnet pack -c Release -o nupkg", readme);
        Assert.Contains("dotnet tool install --global --add-source ./nupkg DoseEscalation.Cli", readme);
        string ci = File.ReadAllText(Path.Combine(Repo.Root, ".ci", "run"));
        foreach (var rid in new[] { "any", "linux-x64" })
        {
            Assert.Contains($"dotnet pack src/DoseEscalation.Cli -c Release -r {rid} -o nupkg", readme);
            Assert.Contains($"dotnet pack src/DoseEscalation.Cli -c Release -r {rid} -o \"$nupkg\"", ci);
        }
        Assert.Contains("dotnet tool install --tool-path", ci);
        Assert.Contains("\"$tools/dose-escalation\" --version", ci);
        Assert.Contains("DoseEscalation.Cli.any", ci);
    }

    [Fact]
    public void The_native_package_carries_a_build_per_x86_64_level_and_the_baseline_hands_over_to_the_widest()
    {
        var cli = XDocument.Load(Path.Combine(Repo.Root, "src", "DoseEscalation.Cli", "DoseEscalation.Cli.csproj"));
        string[] wide = cli.Descendants("NativeWideLevels").Single().Value.Split(';');
        Assert.Equal(new[] { "x86-64-v3", "x86-64-v4" }, wide);
        // The dispatcher is linked into the baseline build (and only there: the wider builds are
        // published with NativeWideLevels empty, which drops the item and the compile).
        Assert.Contains(cli.Descendants("NativeLibrary"), n => n.Attribute("Include")!.Value.EndsWith("isa-dispatch.o"));
        Assert.Contains("NativeWideLevels=;", cli.Descendants("MSBuild").Single().Attribute("Properties")!.Value);
        // It execs "<its own path>-<level>", the file names the csproj copies beside it, and knows every level.
        string dispatch = File.ReadAllText(Path.Combine(Repo.Root, "src", "DoseEscalation.Cli", "Native", "isa-dispatch.c"));
        Assert.Contains("\"%s-x86-64-v%d\"", dispatch);
        Assert.Contains("$(PublishDir)$(TargetName)-%(_NativeWideLevel.Identity)", cli.ToString());
        foreach (var level in wide.Prepend("x86-64-v2"))
            Assert.Contains($"strcmp(s, \"{level}\")", dispatch);
        // CI checks the package and the install carry each wider build, and compares every level this CPU runs.
        string ci = File.ReadAllText(Path.Combine(Repo.Root, ".ci", "run"));
        Assert.Contains($"for level in {string.Join(' ', wide)}; do", ci);
        Assert.Contains($"for level in x86-64-v2 {string.Join(' ', wide)}; do", ci);
        Assert.Contains("CHECK_QUICK=1", ci);
    }
}
