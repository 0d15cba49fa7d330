using System.Diagnostics;

namespace DoseEscalation.Tests.Engines;

/// <summary>
/// Every SIMD path on this machine, each in its own process with the wider hardware features turned
/// off through the runtime's switches, must print the same bytes for a seed as the default path,
/// on 1 and 2 threads. (.NET 10 reads DOTNET_EnableAVX512; earlier runtimes DOTNET_EnableAVX512F;
/// both are set.)
/// </summary>
public class SimdPathProcessTests
{
    private static readonly (string Name, string[] Env, string[] NotBest)[] Configurations =
    [
        ("default", [], []),
        ("no AVX-512", ["DOTNET_EnableAVX512=0", "DOTNET_EnableAVX512F=0"], ["Vector512"]),
        ("no AVX2", ["DOTNET_EnableAVX2=0"], ["Vector512", "Vector256"]),
        ("no hardware intrinsics", ["DOTNET_EnableHWIntrinsic=0"], ["Vector512", "Vector256", "Vector128"]),
    ];

    private static readonly string[][] Runs =
    [
        // The standard case: small graph (register tables on AVX-512), two threads.
        ["simulate", "--dlt", "0.10,0.25,0.40", "--deescalate", "false", "--expand-top-dose", "false", "--trials", "300001", "--seed", "5", "--threads", "2", "--format", "json", "--quiet"],
        ["simulate", "--dlt", "0.10,0.25,0.40", "--deescalate", "false", "--expand-top-dose", "false", "--trials", "300001", "--seed", "5", "--threads", "1", "--format", "json", "--quiet"],
        // A larger graph (per-lane walk), and cohorts of 4 (the general layout).
        ["simulate", "--dlt", "0.05,0.10,0.20,0.30,0.45", "--trials", "200003", "--seed", "6", "--threads", "2", "--format", "csv", "--quiet"],
        ["simulate", "--dlt", "0.05,0.15,0.30", "--design", "boin", "--cohort-size", "4", "--max-n", "16", "--trials", "100000", "--seed", "7", "--format", "csv", "--quiet"],
    ];

    [Fact]
    public void Every_path_prints_the_same_bytes_as_the_default()
    {
        string?[] expected = new string?[Runs.Length];
        foreach (var (name, env, notBest) in Configurations)
        {
            string bench = RunCli(env, "bench", "--trials", "1000");
            string pathLine = bench.Split('\n').Single(l => l.StartsWith("SIMD path: ", StringComparison.Ordinal));
            string best = pathLine["SIMD path: ".Length..].Split(' ')[0];
            Assert.DoesNotContain(best, notBest);
            for (int r = 0; r < Runs.Length; r++)
            {
                string output = RunCli(env, Runs[r]);
                if (expected[r] is null) expected[r] = output;
                else Assert.True(expected[r] == output, $"{name} ({best}) differs from the default for: {string.Join(' ', Runs[r])}");
            }
        }
    }

    private static string RunCli(string[] env, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "dose-escalation.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        foreach (string e in env)
        {
            int eq = e.IndexOf('=');
            start.Environment[e[..eq]] = e[(eq + 1)..];
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {stderr.Result}");
        return stdout;
    }
}
