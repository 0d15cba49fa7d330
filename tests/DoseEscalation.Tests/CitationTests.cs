using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace DoseEscalation.Tests;

/// <summary>CITATION.cff is valid YAML and cites the version being built.</summary>
public class CitationTests
{
    [Fact]
    public void CitationParsesAndItsVersionIsTheBuildVersion()
    {
        string root = RepoRoot();
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(root, "CITATION.cff"))) yaml.Load(reader);
        var doc = (YamlMappingNode)yaml.Documents[0].RootNode;
        string Scalar(string key) => ((YamlScalarNode)doc.Children[new YamlScalarNode(key)]).Value!;
        Assert.Equal("1.2.0", Scalar("cff-version"));
        Assert.Equal("MIT", Scalar("license"));
        string version = XDocument.Load(Path.Combine(root, "Directory.Build.props")).Descendants("Version").Single().Value;
        Assert.Equal(version, Scalar("version"));
        // The ten design papers of docs/designs, each with a title and a year.
        var references = (YamlSequenceNode)doc.Children[new YamlScalarNode("references")];
        Assert.Equal(10, references.Children.Count);
        foreach (YamlMappingNode r in references.Children.Cast<YamlMappingNode>())
        {
            Assert.False(string.IsNullOrWhiteSpace(((YamlScalarNode)r.Children[new YamlScalarNode("title")]).Value));
            Assert.True(int.Parse(((YamlScalarNode)r.Children[new YamlScalarNode("year")]).Value!, System.Globalization.CultureInfo.InvariantCulture) >= 1989);
        }
    }

    // The folder holding both src and CITATION.cff, above the test binaries.
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CITATION.cff")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
                return dir.FullName;
        throw new DirectoryNotFoundException("repository root with CITATION.cff not found above " + AppContext.BaseDirectory);
    }
}
