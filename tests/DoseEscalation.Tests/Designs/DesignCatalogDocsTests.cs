using DoseEscalation.Designs.Configuration;
using DoseEscalation.Tests.Scenarios;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Tests.Designs;

public class DesignCatalogDocsTests
{
    /// <summary>docs/scenarios.md holds the option table generated from the catalog (UPDATE_DOCS=1 rewrites it).</summary>
    [Fact]
    public void The_option_table_in_the_docs_is_generated_from_the_catalog()
    {
        string path = Path.Combine(Repo.Root, "docs", "scenarios.md");
        string doc = File.ReadAllText(path).Replace("\r\n", "\n");
        const string begin = "<!-- options:begin -->\n", end = "<!-- options:end -->";
        int i = doc.IndexOf(begin, StringComparison.Ordinal) + begin.Length;
        int j = doc.IndexOf(end, i, StringComparison.Ordinal);
        string table = DesignDocs.OptionTable(DesignCatalog.Default);
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1" && doc[i..j] != table)
            File.WriteAllText(path, doc[..i] + table + doc[j..]);
        else Assert.Equal(table, doc[i..j]);
    }

    [Fact]
    public void Every_design_is_documented_with_summary_references_and_a_page()
    {
        foreach (var d in DesignCatalog.Default.Designs)
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Summary));
            Assert.NotEmpty(d.References);
            string page = d.Name switch { "3+3" or "a+b" => "3+3", "bf-3+3" => "bf-boin", _ => d.Name };
            Assert.True(File.Exists(Path.Combine(Repo.Root, "docs", "designs", page + ".md")), d.Name);
            // Every option of every design builds with its default.
            var built = d.Create(new DesignContext(5, 0.3), OptionValues.Empty);
            Assert.Equal(d.AllOptions.Count, d.AllOptions.Count(o => built.Options.Keys.Contains(o.Key)));
        }
    }
}
