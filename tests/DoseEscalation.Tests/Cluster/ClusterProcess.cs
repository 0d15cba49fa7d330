using System.Diagnostics;

namespace DoseEscalation.Tests.Cluster;

/// <summary>Runs the built CLI (dose-escalation.dll) as its own process, as a scheduler would.</summary>
internal static class ClusterProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "dose-escalation.dll");

    public static ProcessStartInfo Start(string workDir, IReadOnlyDictionary<string, string>? env, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        start.ArgumentList.Add(Dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        // No scheduler variables leak in from the machine running the tests.
        foreach (var name in new[] { "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP", "JOB_COMPLETION_INDEX" })
            start.Environment.Remove(name);
        if (env is not null) foreach (var (k, v) in env) start.Environment[k] = v;
        return start;
    }

    public static (int Code, string Out, string Err) Run(string workDir, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var process = Process.Start(Start(workDir, env, args))!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    public static string Ok(string workDir, params string[] args) => Ok(workDir, null, args);

    public static string Ok(string workDir, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var (code, stdout, stderr) = Run(workDir, env, args);
        Assert.True(code == 0, $"exit {code} for {string.Join(' ', args)}: {stderr}");
        return stdout;
    }
}
