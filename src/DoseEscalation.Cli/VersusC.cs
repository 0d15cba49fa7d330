using DoseEscalation.Application;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace DoseEscalation.Cli;

/// <summary>
/// <c>bench --vs-c PROGRAM</c>: this program against the reference C program
/// (benchmarks/c/threeplusthree) on the standard case, as whole processes. The two run in turn
/// (this, C, this, C, ...) so that a drift in the machine's speed moves both alike, and the ratio
/// is taken pair by pair: C CPU seconds over this program's, so 1 means as fast as the C and 0.9
/// means 10% more CPU time. CPU time (user + system) is the operating system's accounting of each
/// finished child (getrusage), which a neighbour's load on a shared machine disturbs far less than
/// the wall clock.
/// </summary>
public static class VersusC
{
    /// <summary>A command to start: the program and the arguments that come before ours.</summary>
    public sealed record Command(string Program, IReadOnlyList<string> Prefix)
    {
        public override string ToString() => string.Join(' ', new[] { Program }.Concat(Prefix));
    }

    /// <summary>This program as a command: the native or apphost executable, or <c>dotnet</c> with the entry assembly.</summary>
    public static Command Self()
    {
        string process = Environment.ProcessPath ?? throw new InputException("bench --vs-c: cannot tell this program's path");
        // Under `dotnet dose-escalation.dll` the process is the dotnet host and the first argument the
        // entry assembly; an apphost (the tool) or a native build is the process itself.
        bool host = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return host ? new Command(process, [Environment.GetCommandLineArgs()[0]]) : new Command(process, []);
    }

    /// <summary>Refuses, in one line, a comparison that cannot run (before any measurement).</summary>
    public static void Check(string? cProgram, IReadOnlyList<double> dlt)
    {
        if (cProgram is null) return;
        if (!OperatingSystem.IsLinux())
            throw new InputException("--vs-c: the CPU-time accounting it uses (getrusage of finished children) is read on Linux only");
        if (dlt.Count != 3)
            throw new InputException($"--vs-c: the reference C program runs 3 doses, but --dlt has {dlt.Count}");
        if (!File.Exists(cProgram))
            throw new InputException($"--vs-c {cProgram}: no such program (build it with: make -C benchmarks/c)");
    }

    public static void Run(Command self, string cProgram, IReadOnlyList<double> dlt, long trials, int pairs, TextWriter stdout)
    {
        Check(cProgram, dlt);
        string c = Path.GetFullPath(cProgram);
        string p = string.Join(',', dlt.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
        string n = trials.ToString(CultureInfo.InvariantCulture);
        string build = System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported
            ? "JIT build; the native build of deploy/native/publish.sh starts about 0.2 s of CPU sooner" : "native build";
        stdout.WriteLine($"Against the C program {cProgram}: whole processes, {trials:N0} trials of 3+3 escalation-only, DLT {p}, run in turn, {pairs} pairs;");
        stdout.WriteLine($"  this program: {self} ({build})");
        stdout.WriteLine("  CPU s = user + system of the finished process (median, range); ratio = C CPU s / this program's, pair by pair (median, range):");
        string? selection = null;
        var exact = ExactSelection(p);
        foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            string t = threads.ToString(CultureInfo.InvariantCulture);
            var ours = new List<double>();
            var theirs = new List<double>();
            var ratios = new List<double>();
            for (int i = 0; i < pairs; i++)
            {
                double a = CpuSeconds(self, ["simulate", "--dlt", p, "--deescalate", "false", "--expand-top-dose", "false",
                    "--trials", n, "--threads", t, "--seed", "2", "--quiet"], out _);
                double b = CpuSeconds(new Command(c, []), [n, t, "2", p], out string output);
                // A program that does not run the trials (or runs another design) is not a comparison.
                selection ??= CheckSelection(cProgram, output, exact, trials);
                ours.Add(a);
                theirs.Add(b);
                ratios.Add(b / a);
            }
            stdout.WriteLine($"  {threads} thread{(threads > 1 ? "s" : " ")}: this {Summary(ours, "0.00")} s, C {Summary(theirs, "0.00")} s, ratio {Summary(ratios, "0.000")}");
        }
        if (selection is not null) stdout.WriteLine($"  C's {selection} (within 5 standard errors of the exact {string.Join("  ", exact.Select(x => x.ToString("0.0000", CultureInfo.InvariantCulture)))})");
    }

    /// <summary>The exact P(select) (none, DL1..DL3) of the 3+3 escalation-only design the comparison runs.</summary>
    private static double[] ExactSelection(string dlt)
    {
        var result = (OcResult)Runs.Exact(new ExactRequest
        {
            Input = new TrialInput { Dlt = dlt, Design = "3+3", DesignOptions = Designs.Configuration.OptionValues.Empty.With("deescalate", false).With("expand_top_dose", false) },
        }, new RunContext { Quiet = true });
        return result.Results[0].Selection.Select(e => e.Value).ToArray();
    }

    /// <summary>
    /// The C program's "selection:" line, checked against the exact selection to its Monte Carlo
    /// error (5 standard errors of a proportion over its trials, plus the printed rounding).
    /// </summary>
    private static string CheckSelection(string cProgram, string output, double[] exact, long trials)
    {
        string line = output.Split('\n').FirstOrDefault(l => l.StartsWith("selection:", StringComparison.Ordinal))?.Trim()
            ?? throw new InputException($"--vs-c {cProgram}: printed no 'selection: none P  DL1 P  DL2 P  DL3 P' line; it is not the reference C program");
        var words = line["selection:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] names = ["none", "DL1", "DL2", "DL3"];
        if (words.Length != 8 || !names.Select((name, i) => words[2 * i] == name).All(x => x))
            throw new InputException($"--vs-c {cProgram}: its selection line '{Clip(line)}' is not 'selection: none P  DL1 P  DL2 P  DL3 P'");
        for (int i = 0; i < 4; i++)
        {
            if (!double.TryParse(words[2 * i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0 && v <= 1))
                throw new InputException($"--vs-c {cProgram}: P(select {names[i]}) '{Clip(words[2 * i + 1])}' is not a probability");
            double se = Math.Sqrt(exact[i] * (1 - exact[i]) / trials);
            if (Math.Abs(v - exact[i]) > 5 * se + 5e-5)
                throw new InputException($"--vs-c {cProgram}: P(select {names[i]}) = {words[2 * i + 1]}, but the exact value is {exact[i].ToString("0.0000", CultureInfo.InvariantCulture)} (standard error {se.ToString("0.00000", CultureInfo.InvariantCulture)} over {trials:N0} trials): it does not run the same design");
        }
        return line;
    }

    private static string Clip(string s) => s.Length <= 60 ? s : s[..57] + "...";

    private static string Summary(List<double> values, string format)
    {
        var sorted = values.Order().ToList();
        double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        string F(double x) => x.ToString(format, CultureInfo.InvariantCulture);
        return $"{F(median)} ({F(sorted[0])}-{F(sorted[^1])})";
    }

    /// <summary>Runs the command to its end; its CPU seconds from the change in this process's finished-children accounting.</summary>
    private static double CpuSeconds(Command command, IReadOnlyList<string> args, out string output)
    {
        var start = new ProcessStartInfo(command.Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Prefix.Concat(args)) start.ArgumentList.Add(a);
        double before = ChildrenCpuSeconds();
        Process process;
        try { process = Process.Start(start) ?? throw new InputException($"bench --vs-c: could not start {command}"); }
        catch (System.ComponentModel.Win32Exception e) { throw new InputException($"bench --vs-c: could not start {command}: {e.Message}"); }
        using (process)
        {
            // Bounded: a program that prints without end, or never ends, is stopped and named.
            var stdoutTask = ReadBounded(process.StandardOutput);
            var stderr = ReadBounded(process.StandardError);
            if (!process.WaitForExit(TimeSpan.FromSeconds(TimeLimitSeconds(args))))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new InputException($"bench --vs-c: {command} did not finish within {TimeLimitSeconds(args):N0} s; stopped");
            }
            output = stdoutTask.Result ?? throw new InputException($"bench --vs-c: {command} printed more than {MaxOutputChars / 1024} KiB; a run prints a few lines");
            if (process.ExitCode != 0)
            {
                string why = (stderr.Result ?? "").Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
                throw new InputException($"bench --vs-c: {command} {string.Join(' ', args)} exited with code {process.ExitCode}{(why.Length > 0 ? ": " + why : "")}");
            }
        }
        return ChildrenCpuSeconds() - before;
    }

    /// <summary>Set by tests: the time limit of every run, in seconds.</summary>
    internal static double? TimeLimitForTests { get; set; }

    /// <summary>Most output read from one run: a run prints a few lines.</summary>
    private const int MaxOutputChars = 1 << 20;

    /// <summary>A minute, and a second per 5 million trials: ten times what either program needs on a slow machine.</summary>
    private static double TimeLimitSeconds(IReadOnlyList<string> args)
    {
        if (TimeLimitForTests is { } limit) return limit;
        long trials = args.Select(a => long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : 0).Max();
        return 60 + trials / 5e6;
    }

    /// <summary>The stream's text, or null past <see cref="MaxOutputChars"/> (what follows is read and dropped, so the child never blocks).</summary>
    private static async Task<string?> ReadBounded(StreamReader reader)
    {
        var text = new System.Text.StringBuilder();
        var buffer = new char[8192];
        bool over = false;
        int read;
        while ((read = await reader.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
        {
            if (over) continue;
            text.Append(buffer, 0, read);
            if (text.Length > MaxOutputChars) { over = true; text.Clear(); }
        }
        return over ? null : text.ToString();
    }

    /// <summary>struct rusage of Linux (x86-64 and ARM64): two timevals, then fourteen longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, Ixrss, Idrss, Isrss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NvCsw, NivCsw;
    }

    private const int RusageChildren = -1;

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetResourceUsage(int who, out ResourceUsage usage);

    private static double ChildrenCpuSeconds()
    {
        if (GetResourceUsage(RusageChildren, out var u) != 0)
            throw new InputException($"bench --vs-c: getrusage failed (errno {Marshal.GetLastPInvokeError()})");
        return u.UserSeconds + u.UserMicroseconds / 1e6 + u.SystemSeconds + u.SystemMicroseconds / 1e6;
    }
}
