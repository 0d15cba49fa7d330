using System.Text.Json;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Tests.Designs;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Cli;

/// <summary>The command-line conventions: nothing typed is dropped or replaced; every usage error is one line.</summary>
public class CommandLineTests
{
    private static (int Code, string Out, string Err) Run(DesignCatalog? catalog, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliEntry.Run(args, o, e, catalog: catalog);
        return (code, o.ToString(), e.ToString());
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => Run(null, args);

    private static void OneLine(string err, string mentions)
    {
        var lines = err.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("dose-escalation: error: ", lines[0]);
        Assert.Contains(mentions, lines[0]);
        Assert.DoesNotContain("Exception", err);
        Assert.DoesNotContain("   at ", err);
    }

    public static TheoryData<string, string> MissingValues() => new()
    {
        { "simulate --trials", "--trials" },
        { "simulate --seed", "--seed" },
        { "simulate --design", "--design" },
        { "simulate --dlt", "--dlt" },
        { "simulate --out", "--out" },
        { "simulate --format", "--format" },
        { "simulate --trials --quiet", "--trials" },
        { "simulate --dlt --extrasafe", "--dlt" },
        { "compare --designs", "--designs" },
        { "samplesize -n", "-n" },
        { "exact --paths", "--paths" },
        { "simulate --set", "--set" },
        { "plot --out", "--out" },
        { "report --format", "--format" },
    };

    [Theory]
    [MemberData(nameof(MissingValues))]
    public void An_option_without_its_value_is_a_usage_error_naming_it(string line, string option)
    {
        var (code, output, err) = Run(line.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        OneLine(err, option);
    }

    [Theory]
    [InlineData("simulate --trails 1000", "unknown option --trails; did you mean --trials?")]
    [InlineData("simulate --TRIALS 200", "did you mean --trials?")]
    [InlineData("compare --desings 3+3,boin", "did you mean --designs?")]
    [InlineData("table --dlt 0.1,0.2", "unknown option --dlt")]
    [InlineData("simulate --trials 100 --trials 200", "--trials is given 2 times")]
    [InlineData("simulate a.yaml b.yaml", "unexpected argument 'b.yaml'")]
    [InlineData("simulate --extrasafe --no-extrasafe --design boin", "contradict")]
    [InlineData("simulat", "unknown command simulat; did you mean simulate?")]
    [InlineData("simulate --engine exact --trials 5", "Monte Carlo only")]
    public void Usage_errors_are_one_line_with_exit_code_2(string line, string message)
    {
        var (code, output, err) = Run(line.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        OneLine(err, message);
    }

    [Theory]
    [InlineData("simulate --trials abc", "--trials abc: expected a whole number")]
    [InlineData("simulate --seed -1", "--seed -1: expected a whole number")]
    [InlineData("simulate --trials 0", "--trials 0: must be at least 1")]
    [InlineData("simulate --format xml", "--format xml: expected table, csv or json")]
    [InlineData("plot --format json --out x", "--format json: expected png, svg or pdf")]
    [InlineData("simulate --design boin --cutoff-eli 1.5", "--cutoff-eli 1.5: must be in (0, 1)")]
    [InlineData("simulate --design boin --skeleton 0.1,0.2,0.3", "design 'boin' takes no option 'skeleton'")]
    [InlineData("simulate --design 3+3 --cohort-size 2", "cohort_size")]
    [InlineData("simulate --set boin.extrasafe=true", "no design labelled 'boin'")]
    [InlineData("simulate --set 3+3.cutoff_eli=0.9", "design '3+3' takes no option 'cutoff_eli'")]
    [InlineData("simulate --set nonsense", "expected LABEL.OPTION=VALUE")]
    [InlineData("simulate --design boin --extrasafe maybe", "--extrasafe maybe: expected true or false")]
    [InlineData("compare --designs 3+3,3+3", "listed twice")]
    [InlineData("simulate --start-dose 4", "--start-dose 4: must be one of the dose levels 1..3")]
    [InlineData("simulate --correct-selection window", "needs --correct-window")]
    public void Bad_values_are_one_line_naming_the_option(string line, string message)
    {
        var (code, output, err) = Run(line.Split(' '));
        Assert.NotEqual(0, code);
        Assert.Equal("", output);
        OneLine(err, message);
    }

    [Fact]
    public void A_bare_switch_changes_the_result_exactly_as_the_switch_with_true()
    {
        string[] common = ["simulate", "--dlt", "0.25,0.35,0.5", "--design", "boin", "--trials", "20000", "--format", "csv"];
        var bare = Run([.. common, "--extrasafe"]);
        var explicitTrue = Run([.. common, "--extrasafe", "true"]);
        var off = Run([.. common]);
        var no = Run([.. common, "--no-extrasafe"]);
        Assert.Equal(0, bare.Code);
        Assert.Equal(explicitTrue.Out, bare.Out);
        Assert.NotEqual(off.Out, bare.Out);
        Assert.Equal(off.Out.Replace("extrasafe false", ""), no.Out.Replace("extrasafe false", ""));
        Assert.Equal(0, Run("simulate", "--trials", "1000", "--quiet", "false").Code);
    }

    [Fact]
    public void Help_of_each_verb_lists_only_its_options_and_formats()
    {
        var table = Run("table", "--help");
        Assert.Equal(0, table.Code);
        Assert.DoesNotContain("--dlt", table.Out);
        Assert.DoesNotContain("--trials", table.Out);
        Assert.Contains("table|csv|md|json", table.Out);
        var plot = Run("plot", "--help");
        Assert.DoesNotContain("Default: table", plot.Out);
        Assert.Contains("--extrasafe", Run("simulate", "--help").Out);
        Assert.Contains("--no-extrasafe", Run("simulate", "--help").Out);
        Assert.Contains("--set", Run("compare", "--help").Out);
    }

    private const string TwoDesignFile = """
        trial: {name: Two designs}
        doses: [DL1, DL2, DL3, DL4]
        target: 0.3
        start_dose: 2
        max_n: 24
        designs:
          - name: 3+3
          - name: boin
            label: boin-safe
            extrasafe: true
          - name: crm
        scenarios:
          - {name: s1, dlt: [0.05, 0.1, 0.25, 0.4], rationale: test}
        """;

    [Fact]
    public void A_file_with_several_designs_is_compared_with_the_common_settings_inherited_and_every_option_resolved()
    {
        string path = Path.Combine(Path.GetTempPath(), $"two-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, TwoDesignFile);
        try
        {
            var (code, output, err) = Run("compare", path, "--trials", "2000", "--format", "json", "--set", "crm.skeleton=0.05,0.1,0.2,0.3", "--set", "crm.safety_cutoff=0.9");
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(output);
            var designs = doc.RootElement.GetProperty("designs").EnumerateArray().ToList();
            Assert.Equal(["3+3", "boin-safe", "crm"], designs.Select(d => d.GetProperty("label").GetString()));
            Assert.All(designs, d => Assert.Equal(2, d.GetProperty("options").GetProperty("start_dose").GetInt32()));
            Assert.All(designs, d => Assert.Equal(24, d.GetProperty("options").GetProperty("max_n").GetInt32()));
            Assert.True(designs[1].GetProperty("options").GetProperty("extrasafe").GetBoolean());
            Assert.Equal([0.05, 0.1, 0.2, 0.3], designs[2].GetProperty("options").GetProperty("skeleton").EnumerateArray().Select(e => e.GetDouble()));
            Assert.Equal(0.9, designs[2].GetProperty("options").GetProperty("safety_cutoff").GetDouble());
            // Each design took start dose 2: no one was treated at DL1 in the first cohort, so no trial treats only at DL1.
            foreach (var sc in doc.RootElement.GetProperty("scenarios").EnumerateArray())
                foreach (var row in sc.GetProperty("designs").EnumerateArray())
                    Assert.True(row.GetProperty("mean_n").GetDouble() <= 24 + 2);

            // simulate asks which design; --design picks by label; a common flag overrides the file for every design.
            var many = Run("simulate", path, "--trials", "1000");
            Assert.Equal(1, many.Code);
            Assert.Contains("choose one with --design", many.Err);
            var one = Run("simulate", path, "--design", "boin-safe", "--trials", "1000", "--max-n", "12", "--format", "json");
            Assert.True(one.Code == 0, one.Err);
            using var single = JsonDocument.Parse(one.Out);
            var opts = single.RootElement.GetProperty("designs")[0].GetProperty("options");
            Assert.Equal(12, opts.GetProperty("max_n").GetInt32());
            Assert.True(opts.GetProperty("extrasafe").GetBoolean());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Compare_keeps_the_files_max_n_and_cohort_size_when_no_flag_is_given()
    {
        string path = Path.Combine(Path.GetTempPath(), $"two-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, TwoDesignFile);
        try
        {
            var (code, output, err) = Run("compare", path, "--designs", "boin,crm", "--trials", "1000");
            Assert.True(code == 0, err);
            Assert.Contains("max N 24", output);
            Assert.DoesNotContain("max N 30", output);
        }
        finally { File.Delete(path); }
    }

    /// <summary>A test-only design, registered in a catalog the CLI is given: no other change anywhere.</summary>
    private static readonly DesignDescriptor JumperDescriptor = new()
    {
        Name = "jumper",
        Summary = "Test only: escalates by a step after a clean cohort.",
        References = ["none"],
        Options = [new DesignOption { Key = "jump_step", Kind = OptionKind.Integer, Default = 2, Min = 1, Max = 5, Doc = "Doses to jump after a clean cohort." }],
        Build = (c, v) => new TrialRuleTests.Jumper(c.DoseCount, v.Int("jump_step")),
        Prose = (d, context) => ["The jumper escalates by jump_step doses."],
    };

    [Fact]
    public void A_registered_test_design_appears_in_help_in_scenario_files_and_in_compare()
    {
        var catalog = DesignCatalog.Default.With(JumperDescriptor);
        var help = Run(catalog, "simulate", "--help");
        Assert.Contains("--jump-step", help.Out);
        Assert.Contains("jumper", help.Out);
        var sim = Run(catalog, "simulate", "--dlt", "0.1,0.2,0.3,0.4,0.5", "--design", "jumper", "--jump-step", "3", "--trials", "2000", "--format", "json");
        Assert.True(sim.Code == 0, sim.Err);
        Assert.Contains("\"jump_step\": 3", sim.Out);
        var cmp = Run(catalog, "compare", "--dlt", "0.1,0.2,0.3,0.4,0.5", "--designs", "3+3,jumper", "--set", "jumper.jump_step=1", "--trials", "2000");
        Assert.True(cmp.Code == 0, cmp.Err);
        Assert.Contains("jumper", cmp.Out);
        string path = Path.Combine(Path.GetTempPath(), $"jump-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "trial: {name: J}\ndoses: [A, B, C]\ndesign: {name: jumper, jump_step: 2}\nscenarios:\n  - {name: s, dlt: [0.1, 0.2, 0.3]}\n");
        try
        {
            var file = Run(catalog, "exact", path, "--format", "json");
            Assert.True(file.Code == 0, file.Err);
            Assert.Contains("\"name\": \"jumper\"", file.Out);
            // Without the registration the same file is refused, naming the design.
            var refused = Run("exact", path);
            Assert.Equal(1, refused.Code);
            Assert.Contains("unknown design 'jumper'", refused.Err);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("simulate --trials 1000 --format json")]
    [InlineData("exact --format json")]
    [InlineData("compare --trials 1000 --format json")]
    [InlineData("samplesize --format json")]
    [InlineData("next --data 1NNN --format json")]
    [InlineData("simulate {FILE} --calendar --trials 500 --format json")]
    [InlineData("compare {FILE} --calendar --designs 3+3,boin --trials 500 --format json")]
    public void The_json_of_every_verb_names_each_design_with_its_resolved_options(string line)
    {
        string file = Path.Combine(DoseEscalation.Tests.Scenarios.Repo.Root, "scenarios", "nct05008536-bcma-car-nk.yaml");
        var (code, output, err) = Run(line.Replace("{FILE}", file).Split(' '));
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var designs = doc.RootElement.GetProperty("designs");
        Assert.True(designs.GetArrayLength() >= 1);
        foreach (var d in designs.EnumerateArray())
        {
            Assert.False(string.IsNullOrEmpty(d.GetProperty("label").GetString()));
            var options = d.GetProperty("options");
            Assert.Equal(1, options.GetProperty("start_dose").GetInt32());
            Assert.True(options.EnumerateObject().Count() >= 5);
        }
    }
}
