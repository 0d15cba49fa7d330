using DoseEscalation;
using DoseEscalation.Designs;

namespace DoseEscalation.Tests.Designs;

/// <summary>The decision tables in docs/designs are the code's output, not typed by hand.</summary>
public class DesignDocsTests
{
    private const string Start = "<!-- generated table -->";
    private const string End = "<!-- end generated table -->";

    public static TheoryData<string, IDesign> Docs() => new()
    {
        { "boin.md", Design.Boin(5, 0.3) },
        { "mtpi2.md", Design.Mtpi2(5, 0.3) },
        { "keyboard.md", Design.Keyboard(5, 0.3) },
        { "i3+3.md", Design.IThreePlusThree(5, 0.3) },
    };

    /// <summary>The text a doc holds between the markers; regenerate a doc by pasting it there.</summary>
    public static string Generated(IDesign design)
    {
        var table = DecisionTable.For(design);
        return "```\n" + table.Render() + "```\n\n" + table.RenderMarkdown();
    }

    [Theory]
    [MemberData(nameof(Docs))]
    public void Doc_table_is_the_generated_table(string file, IDesign design)
    {
        string text = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "designs", file)).Replace("\r\n", "\n");
        int a = text.IndexOf(Start, StringComparison.Ordinal);
        int b = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a, $"{file} lacks the generated-table markers");
        string inDoc = text[(a + Start.Length)..b].Trim('\n');
        Assert.Equal(Generated(design).Trim('\n'), inDoc);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "docs", "designs")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
                return dir.FullName;
        throw new DirectoryNotFoundException("repository root with docs/designs not found above " + AppContext.BaseDirectory);
    }
}
