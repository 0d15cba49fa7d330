using DoseEscalation.Tests.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Cli;

public class ReadmeTests
{
    [Fact]
    public void The_example_output_in_the_README_is_what_simulate_prints()
    {
        string readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md")).Replace("\r", "");
        int start = readme.IndexOf("```\nAnti-BCMA", StringComparison.Ordinal) + 4;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        string example = readme[start..end].TrimEnd();
        var o = new StringWriter();
        Assert.Equal(0, CliEntry.Run(["simulate", "--trials", "200000"], o, new StringWriter()));
        Assert.StartsWith(example, o.ToString().Replace("\r", ""));
    }

    [Fact]
    public void The_README_test_command_is_what_CI_runs()
    {
        string readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        string ci = File.ReadAllText(Path.Combine(Repo.Root, ".ci", "run"));
        const string command = "dotnet test DoseEscalation.sln -c Release";
        Assert.Contains(command, readme);
        Assert.Contains(command, ci);
    }
}
