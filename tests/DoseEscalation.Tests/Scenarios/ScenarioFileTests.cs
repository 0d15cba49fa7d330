using DoseEscalation.Designs.Configuration;
using DoseEscalation.Designs.Rules;
using DoseEscalation.Tests.Designs;
using DoseEscalation;
using DoseEscalation.Engines;
using DoseEscalation.Scenarios;
using DoseEscalation.Tests.Engines;

namespace DoseEscalation.Tests.Scenarios;

public static class Repo
{
    /// <summary>The repository root, found from the test binary's folder.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DoseEscalation.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public static IEnumerable<string> ScenarioFiles() => Directory.GetFiles(Path.Combine(Root, "scenarios"), "*.yaml").OrderBy(f => f);
}

public class ScenarioFileTests
{
    public static TheoryData<string> Files() => new(Repo.ScenarioFiles().Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shipped_file_loads_and_agrees_with_exact_for_both_variants(string name)
    {
        var file = ScenarioFileReader.Load(Path.Combine(Repo.Root, "scenarios", name));
        Assert.NotEmpty(file.Scenarios);
        Assert.All(file.Scenarios, s => Assert.False(string.IsNullOrWhiteSpace(s.Rationale)));
        foreach (bool variant in new[] { true, false })
        {
            var design = Build.Design(file.Designs[0].Name, file.Doses.Count, file.Target, ("deescalate", variant), ("expand_top_dose", variant));
            var graph = StateGraph.Build(design);
            foreach (var s in file.Scenarios)
            {
                var exact = ExactEngine.Run(graph, s, file.Target);
                Assert.Equal(1.0, exact.TotalProbability, 12);
                var mc = MonteCarloEngine.Run(design, s, file.Target, new MonteCarloOptions { Trials = 100_000, Seed = file.Seed });
                Agreement.Within4Se(exact, mc);
            }
        }
    }

    public static TheoryData<string, string> FilesAndModelDesigns()
    {
        var data = new TheoryData<string, string>();
        foreach (var f in Repo.ScenarioFiles())
            foreach (var d in new[] { "boin", "mtpi2", "keyboard", "i3+3", "crm" })
                data.Add(Path.GetFileName(f), d);
        return data;
    }

    /// <summary>Every comparator design on every shipped scenario: Monte Carlo within 4 SE of exact.</summary>
    [Theory]
    [MemberData(nameof(FilesAndModelDesigns))]
    public void Every_comparator_design_agrees_with_exact_on_every_shipped_scenario(string name, string designName)
    {
        var file = ScenarioFileReader.Load(Path.Combine(Repo.Root, "scenarios", name));
        var design = Build.Design(designName, file.Doses.Count, file.Target, ("cohort_size", 3), ("max_n", 18));
        var graph = StateGraph.For(design);
        foreach (var s in file.Scenarios)
        {
            var exact = ExactEngine.Run(graph, s, file.Target);
            Assert.Equal(1.0, exact.TotalProbability, 12);
            Agreement.Within4Se(exact, MonteCarloEngine.Run(design, s, file.Target,
                new MonteCarloOptions { Trials = 100_000, Seed = file.Seed, Method = SimulationMethod.CompiledGraph }));
        }
    }

    [Fact]
    public void Built_in_default_is_the_NCT05008536_file()
    {
        var builtIn = BuiltInScenarios.Default();
        var onDisk = ScenarioFileReader.Load(Path.Combine(Repo.Root, "scenarios", "nct05008536-bcma-car-nk.yaml"));
        Assert.Equal("NCT05008536", builtIn.Trial.RegistryId);
        Assert.Equal(onDisk.Scenarios.Select(s => s.Dlt), builtIn.Scenarios.Select(s => s.Dlt));
        Assert.Equal(3, builtIn.Doses.Count);
        Assert.Equal("DL1: 1-3 x 10^6 CAR-NK cells/kg", builtIn.Doses[0].Display);
    }

    private const string Valid = """
        trial:
          name: Test
        doses: [DL1, DL2, DL3]
        design:
          name: 3+3
        target: 0.3
        scenarios:
          - name: a
            dlt: [0.1, 0.2, 0.3]
        """;

    [Fact]
    public void A_minimal_file_parses_with_defaults()
    {
        var f = ScenarioFileReader.Parse(Valid, "t.yaml");
        Assert.Equal(3, f.Doses.Count);
        Assert.Equal(0.3, f.Target);
        Assert.Equal(1_000_000, f.Trials);
    }

    [Theory]
    [InlineData("dlt: [0.1, 0.2, 0.3]", "dlt: [0.1, 1.3, 0.3]", "t.yaml:9: scenarios[0].dlt[1] = 1.3: a probability must be in [0, 1]")]
    [InlineData("dlt: [0.1, 0.2, 0.3]", "dlt: [0.1, 0.2]", "t.yaml:9: scenarios[0].dlt = [0.1, 0.2]: has 2 probabilities but there are 3 dose levels")]
    [InlineData("dlt: [0.1, 0.2, 0.3]", "dlt: [0.1, abc, 0.3]", "t.yaml:9: scenarios[0].dlt[1] = abc: expected a number")]
    [InlineData("doses: [DL1, DL2, DL3]", "doses: []", "t.yaml:3: doses = []: the dose list is empty")]
    [InlineData("name: 3+3", "name: 4+4", "t.yaml:5: design.name = 4+4: unknown design '4+4'")]
    [InlineData("name: 3+3", "name: 3+3\n  colour: red", "t.yaml:6: design.colour: unknown key")]
    [InlineData("target: 0.3", "target: 1.3", "t.yaml:6: target = 1.3: must be a probability strictly between 0 and 1")]
    [InlineData("target: 0.3", "target: 0.3\nsimulation:\n  trials: 0", "t.yaml:8: simulation.trials = 0: must be between 1 and 1000000000000")]
    [InlineData("target: 0.3", "target: 0.3\nextra: 1", "t.yaml:7: extra: unknown key")]
    [InlineData("name: 3+3", "name: 3+3\n  deescalate: maybe", "t.yaml:6: design.deescalate = maybe: expected true or false")]
    [InlineData("name: 3+3", "name: 3+3\n  cohort_size: 3", "t.yaml:6: design.cohort_size: unknown key (allowed here: name, label, deescalate, expand_top_dose, max_n, start_dose")]
    [InlineData("name: 3+3", "name: 3+3\n  max_n: 0", "t.yaml:6: design.max_n = 0: must be in [1, 1000]")]
    [InlineData("  name: Test", "  name: [Test", "t.yaml:")]
    [InlineData("target: 0.3", "target: 0.3\naccelerated_titration: maybe", "t.yaml:7: accelerated_titration = maybe: expected true or false")]
    [InlineData("target: 0.3", "target: 0.3\naccelerated_titration: true\nmax_n: 2", "t.yaml:8: max_n = 2: inherited by design '3+3': accelerated titration needs room for one patient per dose and a cohort: a maximum of at least 5 patients")]
    [InlineData("name: 3+3", "name: tite-crm\naccelerated_titration: true", "t.yaml:6: accelerated_titration = true: inherited by design 'tite-crm': accelerated titration is not defined for tite-crm")]
    public void Bad_files_name_file_line_field_and_value(string replace, string with, string expectedStart)
    {
        var ex = Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(Valid.Replace(replace, with), "t.yaml"));
        Assert.StartsWith(expectedStart, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Accelerated_titration_at_the_top_of_a_file_wraps_every_design_and_a_design_can_turn_it_off()
    {
        string yaml = Valid.Replace("design:\n  name: 3+3", "designs:\n  - name: 3+3\n  - name: boin\n  - { name: crm, label: crm-plain, accelerated_titration: false }")
            + "\naccelerated_titration: true\n";
        var f = ScenarioFileReader.Parse(yaml, "t.yaml");
        Assert.Equal(true, f.Common["accelerated_titration"]);
        var designs = f.Designs.Select(d => DesignSetup.Resolve(DesignCatalog.Default, d, f.Common, f.Doses.Count, f.Target).Design).ToList();
        Assert.IsType<AcceleratedTitration>(designs[0]);
        Assert.IsType<AcceleratedTitration>(designs[1]);
        Assert.IsNotType<AcceleratedTitration>(designs[2]);
    }

    [Fact]
    public void Non_monotone_toxicity_is_allowed_with_a_warning()
    {
        var f = ScenarioFileReader.Parse(Valid.Replace("[0.1, 0.2, 0.3]", "[0.1, 0.3, 0.2]"), "t.yaml");
        Assert.Single(f.Warnings);
        Assert.Contains("decrease", f.Warnings[0]);
    }

    [Fact]
    public void Missing_file_is_a_clear_error()
    {
        var ex = Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Load("/nonexistent/x.yaml"));
        Assert.Equal("/nonexistent/x.yaml: file: no such file", ex.Message);
    }
}
