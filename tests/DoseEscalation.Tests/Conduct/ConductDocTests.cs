using System.Text;
using System.Text.RegularExpressions;
using DoseEscalation.Tests.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Conduct;

/// <summary>Every example in docs/conduct.md is what the command prints today.</summary>
public partial class ConductDocTests
{
    [GeneratedRegex("```sh\\ndose-escalation (next[^\\n]*)\\n```\\n```\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex Example();

    /// <summary>With UPDATE_DOCS=1 in the environment the test rewrites the outputs in place instead.</summary>
    [Fact]
    public void The_examples_in_docs_conduct_md_are_current()
    {
        string path = Path.Combine(Repo.Root, "docs", "conduct.md");
        string doc = File.ReadAllText(path).Replace("\r", "");
        var examples = Example().Matches(doc);
        Assert.True(examples.Count >= 8, $"found {examples.Count} examples");
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, Example().Replace(doc, m => $"```sh\ndose-escalation {m.Groups[1].Value}\n```\n```\n{Output(m.Groups[1].Value)}\n```"));
            return;
        }
        foreach (Match m in examples) Assert.Equal(m.Groups[2].Value, Output(m.Groups[1].Value));
    }

    private static string Output(string command)
    {
        var args = Split(command).Select(a => a.StartsWith("docs/", StringComparison.Ordinal) ? Path.Combine(Repo.Root, a) : a).ToArray();
        var o = new StringWriter();
        var e = new StringWriter();
        CliEntry.Run(args, o, e);
        return (o.ToString() + e.ToString()).Replace("\r", "").TrimEnd('\n');
    }

    // The shell's word splitting for what the examples use: spaces, and double quotes around a word.
    private static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '"') { quoted = !quoted; any = true; }
            else if (c == ' ' && !quoted) { if (any) words.Add(word.ToString()); word.Clear(); any = false; }
            else { word.Append(c); any = true; }
        }
        if (any) words.Add(word.ToString());
        return words;
    }
}
