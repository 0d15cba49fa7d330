using System.Text.RegularExpressions;
using DoseEscalation.Application;
using DoseEscalation.Scenarios;
using DoseEscalation.Tests.Scenarios;

namespace DoseEscalation.Tests.Application;

/// <summary>
/// docs/api.md's example is this file's <see cref="Example"/>, character for character between the
/// markers: it compiles here, runs here, and its numbers are checked against the exact engine and the CLI.
/// </summary>
public class ApiExampleTests
{
    private static void Example(string folder, TextWriter console)
    {
        // api.md example begins
        // A trial from a scenario file, with another design: simulated and exact operating characteristics.
        var trial = Trial.FromFile(Path.Combine(folder, "nct05008536-bcma-car-nk.yaml")).WithDesign("boin");
        var simulated = trial.Simulate(trials: 200_000, seed: 1);
        var exact = trial.Exact();
        foreach (var (mc, ex) in simulated.Results.Zip(exact.Results))
            console.WriteLine($"{mc.Scenario.Name}: P(correct MTD) {mc.CorrectSelection.Value:F4} (SE {mc.CorrectSelection.Se:F4}), exact {ex.CorrectSelection.Value:F4}");

        // A trial built in code, and three designs on the same simulated patients, written as CSV.
        var built = Trial.Create("CAR-NK, three levels",
            [new DoseLevel("DL1", "1-3 x 10^6 cells/kg"), new DoseLevel("DL2", "3-6 x 10^6 cells/kg"), new DoseLevel("DL3", "0.6-1.2 x 10^7 cells/kg")],
            [new Scenario("all-safe", [0.05, 0.10, 0.15]), new Scenario("dl3-toxic", [0.05, 0.15, 0.40])]);
        var comparison = built.Compare(["3+3", "boin", "crm"], trials: 20_000, seed: 7);
        using (var csv = File.Create(Path.Combine(folder, "comparison.csv"))) comparison.Write("csv", csv);

        // During the trial: the next decision from the data so far, and the MTD if the trial stopped now.
        var next = Trial.FromDlt(0.05, 0.10, 0.15).WithDesign("boin").Next("1NNN 2NTN", final: true);
        console.WriteLine($"next: {next.Conduct.Decision}; MTD now: dose {next.Conduct.Final!.SelectedLevel + 1}");
        // api.md example ends
    }

    [Fact]
    public void The_documented_example_is_this_code()
    {
        string source = File.ReadAllText(Path.Combine(Repo.Root, "tests", "DoseEscalation.Tests", "Application", "ApiExampleTests.cs"));
        var m = Regex.Match(source, @"// api\.md example begins\n(.*?)\n\s*// api\.md example ends", RegexOptions.Singleline);
        Assert.True(m.Success);
        // The doc shows it without the method's indentation.
        string code = string.Join("\n", m.Groups[1].Value.Split('\n').Select(l => l.Length >= 8 ? l[8..] : l.TrimStart()));
        string doc = File.ReadAllText(Path.Combine(Repo.Root, "docs", "api.md"));
        Assert.Contains(code, doc);
    }

    [Fact]
    public void The_documented_example_runs_and_its_numbers_agree_with_the_exact_engine_and_the_cli()
    {
        string dir = Reliability.CliHarness.TempDir();
        File.Copy(Path.Combine(Repo.Root, "scenarios", "nct05008536-bcma-car-nk.yaml"), Path.Combine(dir, "nct05008536-bcma-car-nk.yaml"));
        var console = new StringWriter();
        Example(dir, console);
        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length); // five scenarios and the next decision
        foreach (var line in lines.Take(5))
        {
            var v = Regex.Match(line, @"P\(correct MTD\) ([0-9.]+) \(SE ([0-9.]+)\), exact ([0-9.]+)");
            Assert.True(v.Success, line);
            double mc = double.Parse(v.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            double se = double.Parse(v.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            double exact = double.Parse(v.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(mc - exact) <= 4 * se + 1e-4, line); // within 4 standard errors (and the printed rounding)
        }
        // BOIN at target 0.3 after 1NNN 2NTN: 1/3 at dose 2 is inside (0.236, 0.359): stay at dose 2.
        Assert.StartsWith("next: treat 3 at dose 2", lines[5]);

        // The same run through the command line gives the same bytes.
        var csv = File.ReadAllLines(Path.Combine(dir, "comparison.csv"));
        Assert.StartsWith("design,scenario,", csv[0], StringComparison.Ordinal);
        Assert.Equal(["3+3", "boin", "crm", "benchmark"], csv.Skip(1).Select(l => l.Split(',')[0]).Distinct().ToArray());
        Assert.Equal(["all-safe", "dl3-toxic"], csv.Skip(1).Select(l => l.Split(',')[1]).Distinct().ToArray());
        var code = DoseEscalation.Cli.Cli.Run(["exact", Path.Combine(dir, "nct05008536-bcma-car-nk.yaml"), "--design", "boin", "--format", "json", "--quiet"], new StringWriter(), new StringWriter());
        Assert.Equal(0, code);
        var viaCli = new StringWriter();
        DoseEscalation.Cli.Cli.Run(["simulate", Path.Combine(dir, "nct05008536-bcma-car-nk.yaml"), "--design", "boin", "--trials", "200000", "--seed", "1", "--format", "json", "--quiet"], viaCli, new StringWriter());
        using var stream = new MemoryStream();
        Trial.FromFile(Path.Combine(dir, "nct05008536-bcma-car-nk.yaml")).WithDesign("boin").Simulate(trials: 200_000, seed: 1).Write("json", stream);
        Assert.Equal(viaCli.ToString(), System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void A_cancelled_run_stops_with_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var trial = Trial.FromDlt(0.05, 0.10, 0.20) with { Context = new RunContext { Cancellation = cts.Token } };
        Assert.ThrowsAny<OperationCanceledException>(() => trial.Simulate(trials: 10_000_000, seed: 1));
    }

    [Fact]
    public void Progress_reaches_the_total_of_every_scenario()
    {
        var seen = new List<RunProgress>();
        var trial = Trial.FromDlt(0.05, 0.10, 0.20) with { Context = new RunContext { Progress = new Sync(p => { lock (seen) seen.Add(p); }) } };
        trial.Simulate(trials: 300_000, seed: 1, threads: 1);
        Assert.Equal(new RunProgress("Simulating", 300_000, 300_000), seen[^1]);
        Assert.All(seen, p => Assert.InRange(p.Done, 0, p.Total));
    }

    private sealed class Sync(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
