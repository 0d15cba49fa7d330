using System.Text;
using DoseEscalation.Scenarios;
using static DoseEscalation.Tests.Reliability.CliHarness;

namespace DoseEscalation.Tests.Reliability;

/// <summary>Hostile scenario files: size, depth, aliases, long values, silent defaults, extra documents.</summary>
public class YamlAttackTests
{
    private const string Valid = "trial: {name: t}\ndoses: [D1, D2, D3]\nscenarios:\n  - name: s\n    dlt: [0.1, 0.2, 0.3]\n";

    private static ScenarioFileException Bad(string yaml) => Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(yaml, "t.yaml"));

    [Fact]
    public void Billion_laughs_is_refused_without_expanding()
    {
        var sb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        string names = "abcdefghi";
        for (int i = 1; i < names.Length; i++)
            sb.Append($"{names[i]}: &{names[i]} [{string.Join(",", Enumerable.Repeat("*" + names[i - 1], 9))}]\n");
        sb.Append("trial: *i\n");
        long before = GC.GetTotalAllocatedBytes();
        var ex = Bad(sb.ToString());
        Assert.Equal("(yaml)", ex.Field);
        Assert.Contains("alias", ex.Message);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 50_000_000, "the aliases were not expanded");
    }

    [Fact]
    public void A_wrong_typed_alias_is_quoted_short_not_expanded()
    {
        // Small enough to pass the node bound, but quoted in a message: Show must stay bounded.
        string yaml = Valid.Replace("trial: {name: t}", "trial: {name: t, notes: [&x [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], &y [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x], *y, *y, *y, *y, *y]}");
        var ex = Bad(yaml);
        Assert.Equal("trial.notes", ex.Field);
        Assert.True(ex.Message.Length < 400, ex.Message);
        Assert.Contains("…", ex.Message);
    }

    [Theory]
    [InlineData("flow")]
    [InlineData("block")]
    [InlineData("mapping")]
    public void Deep_nesting_is_refused_without_stack_overflow(string kind)
    {
        const int n = 100_000;
        string yaml = kind switch
        {
            "flow" => "trial: " + new string('[', n) + new string(']', n) + "\n",
            "block" => "trial:\n  " + string.Concat(Enumerable.Repeat("- ", n)) + "x\n",
            _ => "trial: " + string.Concat(Enumerable.Repeat("{a: ", n)) + "1" + new string('}', n) + "\n",
        };
        var ex = Bad(yaml);
        Assert.Contains("nested", ex.Message);
    }

    [Fact]
    public void Nesting_within_the_bound_still_reads()
    {
        // 32 levels of nesting inside notes is only a type error, not a depth error.
        string yaml = Valid.Replace("trial: {name: t}", "trial: {name: t, notes: " + new string('[', 30) + new string(']', 30) + "}");
        var ex = Bad(yaml);
        Assert.Equal("trial.notes", ex.Field);
    }

    [Fact]
    public void Oversized_and_endless_files_end_quickly_with_one_line()
    {
        string dir = TempDir();
        string big = Path.Combine(dir, "big.yaml");
        File.WriteAllText(big, Valid + "# " + new string('x', ScenarioFileReader.MaxFileBytes) + "\n");
        AssertBadInput(Run("simulate", big, "--trials", "10"), big);
        if (File.Exists("/dev/zero"))
            AssertBadInput(Run("simulate", "/dev/zero", "--trials", "10"), "/dev/zero");
        Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(new string(' ', ScenarioFileReader.MaxFileBytes + 1), "t.yaml"));
    }

    [Fact]
    public void A_file_just_under_the_bound_reads()
    {
        string dir = TempDir();
        string path = Path.Combine(dir, "ok.yaml");
        string yaml = Valid + "# " + new string('x', 1000) + "\n";
        File.WriteAllText(path, yaml);
        Assert.Equal("t", ScenarioFileReader.Load(path).Trial.Name);
    }

    [Fact]
    public void Long_values_are_cut_with_an_ellipsis_in_messages()
    {
        string huge = new string('9', 100_000);
        var ex = Bad(Valid + $"target: {huge}\n");
        Assert.Equal("target", ex.Field);
        Assert.True(ex.Message.Length < 300, ex.Message.Length.ToString());
        Assert.Contains("…", ex.Message);
        var unknown = Bad(Valid + new string('k', 10_000) + ": 1\n");
        Assert.True(unknown.Message.Length < 600);
    }

    [Fact]
    public void Control_characters_in_quoted_values_stay_on_one_line()
    {
        var ex = Bad(Valid + "target: \"0.3\\n\\u0007x\"\n");
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain('\a', ex.Message);
        Assert.Contains("\\n", ex.Message);
    }

    [Theory]
    [InlineData("target:\n")]
    [InlineData("target: \"\"\n")]
    [InlineData("target: ''\n")]
    [InlineData("target: ~\n")]
    [InlineData("target: null\n")]
    public void Empty_target_is_an_error_not_the_default(string line)
    {
        var ex = Bad(Valid + line);
        Assert.Equal("target", ex.Field);
        Assert.Equal(0.30, ScenarioFileReader.Parse(Valid, "t.yaml").Target);
    }

    [Theory]
    [InlineData("---\n")]
    [InlineData("---\ntrial: {name: u}\n")]
    [InlineData("...\n---\nx: 1\n")]
    public void A_second_document_is_an_error(string second)
    {
        var ex = Bad(Valid + second);
        Assert.Equal("(yaml)", ex.Field);
        Assert.Contains("second", ex.Message);
        Assert.Equal("t", ScenarioFileReader.Parse("---\n" + Valid, "t.yaml").Trial.Name); // one explicit document is fine
    }

    [Fact]
    public void A_folder_as_the_scenario_file_says_so()
    {
        string dir = TempDir();
        string line = AssertBadInput(Run("simulate", dir, "--trials", "10"), dir);
        Assert.Contains("folder", line);
        Assert.DoesNotContain("denied", line);
    }
}
