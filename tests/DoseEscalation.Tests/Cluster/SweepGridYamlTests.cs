using DoseEscalation.Scenarios;
using DoseEscalation.Sweeps;

namespace DoseEscalation.Tests.Cluster;

/// <summary>A sweep grid is read by the scenario file's YAML layer: the same size cap, shape checks and one-line errors.</summary>
public class SweepGridYamlTests
{
    private static ScenarioFileException Bad(string yaml) => Assert.Throws<ScenarioFileException>(() => SweepGrid.Parse(yaml, "grid.yaml"));

    [Fact]
    public void The_document_checks_are_the_scenario_files_naming_a_sweep_grid()
    {
        Assert.Equal("grid.yaml: (document): the file is empty", Bad("").Message);
        Assert.Equal("grid.yaml:1: (document): a sweep grid is one YAML mapping (doses, target, trials, designs, scenarios, ...)", Bad("- a\n- b\n").Message);
        var second = Bad(SweepTests.Grid + "\n---\ndoses: 3\n");
        Assert.Equal("(yaml)", second.Field);
        Assert.EndsWith("a second YAML document (---); a sweep grid holds one", second.Message);
        Assert.Equal("(yaml)", Bad("x: " + new string('[', ScenarioFileReader.MaxDepth + 1) + new string(']', ScenarioFileReader.MaxDepth + 1) + "\n").Field);
        string bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + string.Concat("bcdef".Select((c, i) => $"{c}: &{c} [{string.Join(",", Enumerable.Repeat("*" + "abcdef"[i], 10))}]\n"))
            + "g: [" + string.Join(",", Enumerable.Repeat("*f", 10)) + "]\n";
        Assert.EndsWith("once aliases are expanded; a sweep grid needs far fewer", Bad(bomb).Message);
        Assert.Equal("grid.yaml: file: is larger than 1024 KiB; a sweep grid is a few kilobytes of YAML", Bad(new string(' ', ScenarioFileReader.MaxFileBytes + 1)).Message);
        // The grid keeps its own syntax-error wording, which scripts match.
        Assert.Contains(": (document): not valid YAML: ", Bad("doses: [1, 2\n").Message);
    }

    [Fact]
    public void A_list_or_mapping_where_a_key_or_an_option_value_belongs_is_a_one_line_error()
    {
        Assert.Equal("?", Bad("{[a]: 1}\n").Field);
        var ex = Bad(SweepTests.Grid.Replace("options: { extrasafe: true }", "options: { extrasafe: { a: 1 } }"));
        Assert.Equal("designs[1].options.extrasafe", ex.Field);
        Assert.EndsWith("expected a value or a list of values", ex.Message);
        Assert.Equal("designs[1].options.extrasafe", Bad(SweepTests.Grid.Replace("options: { extrasafe: true }", "options: { extrasafe: [[true]] }")).Field);
    }

    [Fact]
    public void Load_reads_a_grid_from_disk_under_the_scenario_files_cap()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            string file = Path.Combine(dir, "grid.yaml");
            File.WriteAllText(file, SweepTests.Grid);
            Assert.Equal(4, SweepGrid.Load(file).DoseCount);
            Assert.EndsWith("file: is a folder, not a sweep grid", Assert.Throws<ScenarioFileException>(() => SweepGrid.Load(dir)).Message);
            File.WriteAllText(file, SweepTests.Grid + "# " + new string('x', ScenarioFileReader.MaxFileBytes) + "\n");
            Assert.EndsWith("is larger than 1024 KiB; a sweep grid is a few kilobytes of YAML", Assert.Throws<ScenarioFileException>(() => SweepGrid.Load(file)).Message);
            Assert.EndsWith("file: no such file", Assert.Throws<ScenarioFileException>(() => SweepGrid.Load(Path.Combine(dir, "none.yaml"))).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
