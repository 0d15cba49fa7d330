using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Reliability;

/// <summary>Runs the CLI in process and checks the bad-input promise: non-zero exit, one stderr line naming the input, no stack trace.</summary>
internal static class CliHarness
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliEntry.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>Asserts the bad-input promise and returns the one error line.</summary>
    public static string AssertBadInput((int Code, string Out, string Err) r, string token)
    {
        Assert.NotEqual(0, r.Code);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one stderr line, got {lines.Length}: {Clip(r.Err)}");
        Assert.Contains(token, lines[0]);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.DoesNotContain("Exception", r.Err);
        Assert.DoesNotContain("(Parameter", r.Err);
        Assert.True(lines[0].Length < 2000, "the error line is bounded");
        return lines[0];
    }

    private static string Clip(string s) => s.Length > 500 ? s[..500] + "..." : s;

    /// <summary>Every folder these tests made, under one root removed when the test process exits.</summary>
    private static readonly string Root = CreateRoot();

    private static string CreateRoot()
    {
        // Roots an earlier test process could not remove (the test host may end before ProcessExit finishes).
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), "de-rel-*"))
            try { if (Directory.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddHours(-1)) Directory.Delete(stale, recursive: true); }
            catch (IOException) { } catch (UnauthorizedAccessException) { }
        string root = Path.Combine(Path.GetTempPath(), "de-rel-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { } };
        return root;
    }

    /// <summary>A fresh empty folder under the temp directory.</summary>
    public static string TempDir()
    {
        string dir = Path.Combine(Root, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
