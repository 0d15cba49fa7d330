using DoseEscalation.Cli;

namespace DoseEscalation.Tests.Cli;

/// <summary>
/// <c>bench --vs-c</c>'s comparison machinery with two stand-in programs (shell scripts): the
/// arguments each receives, the CPU-time accounting of finished children, the pair-by-pair
/// ratio, and a failing program reported in one line. The real comparison (this program against
/// benchmarks/c/threeplusthree) is a measurement, reported in docs/performance.md, not a test.
/// </summary>
[Collection(ChildProcessAccounting.Name)]
public class BenchVersusCTests
{
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static string Script(string dir, string name, string body)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    // About 0.05-0.2 s of CPU in sh: enough for the accounting to see.
    private const string Burn = "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done";

    [Fact]
    public void Each_program_gets_the_standard_case_and_the_ratio_is_c_over_this_pair_by_pair()
    {
        if (!OperatingSystem.IsLinux()) return; // the accounting is Linux's getrusage (CI runs on Linux)
        string dir = Reliability.CliHarness.TempDir();
        string log = Path.Combine(dir, "calls.txt");
        string self = Script(dir, "self", $"echo \"self $*\" >> {log}\n{Burn}");
        string c = Script(dir, "c", $"echo \"c $*\" >> {log}\n{Burn}\necho 'mean patients: 9.93'\necho 'selection: none 0.0939  DL1 0.3626  DL2 0.3754  DL3 0.1681'");
        var output = new StringWriter();
        VersusC.Run(new VersusC.Command(self, ["--as-self"]), c, [0.1, 0.25, 0.4], 5000, 2, output);
        string text = output.ToString();

        var calls = File.ReadAllLines(log);
        int threadCounts = new[] { 1, Environment.ProcessorCount }.Distinct().Count();
        Assert.Equal(2 * 2 * threadCounts, calls.Length); // 2 pairs per thread count, in turn
        Assert.Equal("self --as-self simulate --dlt 0.1,0.25,0.4 --deescalate false --expand-top-dose false --trials 5000 --threads 1 --seed 2 --quiet", calls[0]);
        Assert.Equal("c 5000 1 2 0.1,0.25,0.4", calls[1]);
        Assert.StartsWith("self ", calls[2]);
        Assert.StartsWith("c ", calls[3]);

        var line = text.Split('\n').Single(l => l.TrimStart().StartsWith("1 thread", StringComparison.Ordinal));
        // "1 thread : this A (lo-hi) s, C B (lo-hi) s, ratio R (lo-hi)"
        var numbers = System.Text.RegularExpressions.Regex.Matches(line, @"\d+\.\d+").Select(m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(9, numbers.Length);
        double thisCpu = numbers[0], cCpu = numbers[3], ratio = numbers[6];
        Assert.True(thisCpu > 0.005 && cCpu > 0.005, $"the children's CPU time is counted: {line}");
        Assert.True(ratio > 0.2 && ratio < 5, $"the same work on both sides gives a ratio near 1: {line}");
        Assert.Contains("C's selection: none 0.0939  DL1 0.3626  DL2 0.3754  DL3 0.1681", text);
    }

    [Fact]
    public void A_program_that_fails_is_one_line_naming_it_with_its_exit_code_and_first_error_line()
    {
        if (!OperatingSystem.IsLinux()) return; // the accounting is Linux's getrusage (CI runs on Linux)
        string dir = Reliability.CliHarness.TempDir();
        string self = Script(dir, "self", "exit 0");
        string c = Script(dir, "c", "echo 'threeplusthree: too many states' >&2\nexit 4");
        var e = Assert.Throws<DoseEscalation.Application.InputException>(() => VersusC.Run(new VersusC.Command(self, []), c, [0.1, 0.25, 0.4], 1000, 1, new StringWriter()));
        Assert.Contains(c, e.Message);
        Assert.Contains("exited with code 4: threeplusthree: too many states", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Theory]
    [InlineData("true", "printed no 'selection: none P")]
    [InlineData("echo 'selection: none 0.0939  DL1 0.1681  DL2 0.3754  DL3 0.3626'", "P(select DL1) = 0.1681, but the exact value is 0.3626")]
    [InlineData("echo 'selection: none x  DL1 0.3626  DL2 0.3754  DL3 0.1681'", "'x' is not a probability")]
    [InlineData("head -c 3000000 /dev/zero | tr '\\0' 'a'", "printed more than 1024 KiB")]
    public void A_program_that_is_not_the_reference_c_is_refused_in_one_line(string body, string message)
    {
        if (!OperatingSystem.IsLinux()) return;
        string dir = Reliability.CliHarness.TempDir();
        string self = Script(dir, "self", "exit 0");
        string c = Script(dir, "c", body);
        var e = Assert.Throws<DoseEscalation.Application.InputException>(() => VersusC.Run(new VersusC.Command(self, []), c, [0.1, 0.25, 0.4], 5000, 1, new StringWriter()));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void A_program_that_never_ends_is_stopped_at_the_time_limit()
    {
        if (!OperatingSystem.IsLinux()) return;
        string dir = Reliability.CliHarness.TempDir();
        string self = Script(dir, "self", "exit 0");
        string c = Script(dir, "c", "exec sleep 600");
        VersusC.TimeLimitForTests = 1;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var e = Assert.Throws<DoseEscalation.Application.InputException>(() => VersusC.Run(new VersusC.Command(self, []), c, [0.1, 0.25, 0.4], 5000, 1, new StringWriter()));
            Assert.Contains("did not finish within 1 s; stopped", e.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the program was not stopped");
        }
        finally { VersusC.TimeLimitForTests = null; }
    }
}

/// <summary>
/// getrusage(RUSAGE_CHILDREN) counts every finished child of the test process, so a test spawning
/// processes in parallel (the CLI, chromium) would add its CPU time to the stand-ins': these tests
/// run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChildProcessAccounting
{
    public const string Name = "child-process CPU accounting";
}
