using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace DoseEscalation.ServeLoad;

/// <summary>
/// The load test of <c>dose-escalation serve</c> (docs/performance.md). Starts the server as a child
/// process on loopback (port 0), then for a fixed time each of N clients loops: POST a small simulate
/// run (its own seed), poll its status every 50 ms until it ends, GET its JSON result. Reports the
/// runs and requests, the errors, the latency percentiles of a whole run and of one request, and the
/// server's peak working set (VmHWM on Linux). Exit 1 when any request failed.
/// </summary>
public static class Program
{
    private const string Usage = """
        serve-load [--clients N] [--seconds S] [--trials N] [--design NAME] [--dlt RATES] [--server "COMMAND"] [-- SERVE FLAGS...]
          --clients N    concurrent clients (default 50)
          --seconds S    how long clients start new runs (default 30); runs started by then are finished
          --trials N     trials per simulate run (default 2000)
          --design NAME  the design (default boin); --dlt RATES the DLT rates (default 0.05,0.15,0.30,0.45)
          --server CMD   the command that runs the CLI (default: dotnet dose-escalation.dll built beside this tool);
                         e.g. --server out/native/dose-escalation for the NativeAOT build
          after --       extra flags for serve (default: --max-queued 64, so that 50 clients are not refused)
        """;

    public static int Main(string[] args)
    {
        try { return Run(Options.Parse(args)).GetAwaiter().GetResult(); }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"serve-load: error: {ex.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    private sealed class UsageException(string message) : Exception(message);

    private sealed record Options(int Clients, int Seconds, long Trials, string Design, string Dlt, string[] Server, string[] ServeFlags)
    {
        public static Options Parse(string[] args)
        {
            int clients = 50, seconds = 30; long trials = 2000; string design = "boin", dlt = "0.05,0.15,0.30,0.45";
            string[]? server = null; string[] serveFlags = ["--max-queued", "64"];
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]}: expected a value");
                int Positive(string flag, string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw new UsageException($"{flag} {text}: expected a whole number above 0");
                switch (args[i])
                {
                    case "--clients": clients = Positive("--clients", Value()); break;
                    case "--seconds": seconds = Positive("--seconds", Value()); break;
                    case "--trials": trials = Positive("--trials", Value()); break;
                    case "--design": design = Value(); break;
                    case "--dlt": dlt = Value(); break;
                    case "--server": server = Value().Split(' ', StringSplitOptions.RemoveEmptyEntries); break;
                    case "--": serveFlags = args[(i + 1)..]; i = args.Length; break;
                    case "-h" or "--help": Console.WriteLine(Usage); Environment.Exit(0); break;
                    default: throw new UsageException($"{args[i]}: unknown flag");
                }
            }
            if (server is not { Length: > 0 })
            {
                string dll = Path.Combine(AppContext.BaseDirectory, "dose-escalation.dll");
                if (!File.Exists(dll)) throw new UsageException($"--server: not given, and {dll} is not here (build the solution)");
                server = ["dotnet", dll];
            }
            return new Options(clients, seconds, trials, design, dlt, server, serveFlags);
        }
    }

    /// <summary>What the clients saw; every list is appended under its own lock-free bag.</summary>
    private sealed class Tally
    {
        public readonly ConcurrentBag<double> RunSeconds = [];
        public readonly ConcurrentBag<double> RequestSeconds = [];
        public readonly ConcurrentDictionary<string, int> Errors = new();
        public int Refused, Runs;
        public void Error(string kind) => Errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    private static async Task<int> Run(Options o)
    {
        string machine = Machine();
        string load0 = LoadAverage();
        var psi = new ProcessStartInfo(o.Server[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in o.Server.Skip(1)) psi.ArgumentList.Add(a);
        foreach (var a in (string[])["serve", "--port", "0", .. o.ServeFlags]) psi.ArgumentList.Add(a);
        using var server = Process.Start(psi) ?? throw new UsageException($"--server {string.Join(' ', o.Server)}: could not start");
        try
        {
            var first = server.StandardOutput.ReadLineAsync();
            if (await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(60))) != first || first.Result is not { } line || !line.StartsWith("dose-escalation serve: http", StringComparison.Ordinal))
            {
                if (!server.HasExited) server.Kill(entireProcessTree: true);
                throw new UsageException($"the server did not print its URL: {server.StandardError.ReadToEnd().Trim()}");
            }
            _ = server.StandardOutput.ReadToEndAsync();
            _ = server.StandardError.ReadToEndAsync();
            var url = new Uri(line["dose-escalation serve: ".Length..].Trim());

            long peakSampled = 0;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    server.Refresh();
                    peakSampled = Math.Max(peakSampled, server.WorkingSet64);
                    try { await Task.Delay(100, sampling.Token); } catch (OperationCanceledException) { }
                }
            });

            var tally = new Tally();
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
            var clock = Stopwatch.StartNew();
            var stopStarting = TimeSpan.FromSeconds(o.Seconds);
            using var hardStop = new CancellationTokenSource(stopStarting + TimeSpan.FromSeconds(120));
            var clients = Enumerable.Range(0, o.Clients).Select(c => Task.Run(() => Client(c, o, http, tally, clock, stopStarting, hardStop.Token))).ToArray();
            await Task.WhenAll(clients);
            double wall = clock.Elapsed.TotalSeconds;
            sampling.Cancel();
            await sampler;
            server.Refresh();
            long endSet = server.WorkingSet64, peak = Math.Max(server.PeakWorkingSet64, peakSampled);

            var runs = tally.RunSeconds.Order().ToArray();
            var requests = tally.RequestSeconds.Order().ToArray();
            int errors = tally.Errors.Values.Sum();
            var w = Console.Out;
            w.WriteLine($"serve-load: {o.Clients} clients for {o.Seconds} s (then their runs finished; {wall:F1} s in all); each run: simulate --design {o.Design} --dlt {o.Dlt} --trials {o.Trials} (its own seed), polled every 50 ms, JSON result fetched");
            w.WriteLine($"server: {string.Join(' ', psi.ArgumentList.Prepend(o.Server[0]))}");
            w.WriteLine($"machine: {machine}; load average {load0} before, {LoadAverage()} after");
            w.WriteLine();
            w.WriteLine("| runs completed | requests | errors | refused (429) | run p50 | p95 | p99 | max | request p50 | p95 | p99 | server peak working set | at the end |");
            w.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {tally.Runs:N0} | {requests.Length:N0} | {errors} | {tally.Refused} | {P(runs, 50)} | {P(runs, 95)} | {P(runs, 99)} | {P(runs, 100)} | {P(requests, 50)} | {P(requests, 95)} | {P(requests, 99)} | {Mb(peak)} | {Mb(endSet)} |"));
            foreach (var (kind, n) in tally.Errors.OrderByDescending(e => e.Value)) w.WriteLine($"error x{n}: {kind}");
            return errors == 0 && tally.Refused == 0 ? 0 : 1;
        }
        finally
        {
            if (!server.HasExited) { server.Kill(entireProcessTree: true); server.WaitForExit(); }
        }
    }

    private static async Task Client(int c, Options o, HttpClient http, Tally tally, Stopwatch clock, TimeSpan stopStarting, CancellationToken hardStop)
    {
        ulong seed = (ulong)c * 1_000_000;
        while (clock.Elapsed < stopStarting && !hardStop.IsCancellationRequested)
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                var form = new Dictionary<string, object> { ["verb"] = "simulate", ["dlt"] = o.Dlt, ["design"] = o.Design, ["trials"] = o.Trials, ["seed"] = ++seed };
                var (status, body) = await Timed(tally, () => http.PostAsJsonAsync("/api/runs", form, hardStop), hardStop);
                if (status == HttpStatusCode.TooManyRequests) { Interlocked.Increment(ref tally.Refused); await Task.Delay(50, hardStop); continue; }
                if (status != HttpStatusCode.Accepted) { tally.Error($"POST /api/runs: {(int)status} {First(body)}"); continue; }
                string id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
                string state;
                while (true)
                {
                    var (s, b) = await Timed(tally, () => http.GetAsync($"/api/runs/{id}", hardStop), hardStop);
                    if (s != HttpStatusCode.OK) { state = $"GET /api/runs/id: {(int)s} {First(b)}"; break; }
                    state = JsonDocument.Parse(b).RootElement.GetProperty("state").GetString()!;
                    if (state is "done" or "failed" or "cancelled") break;
                    await Task.Delay(50, hardStop);
                }
                if (state != "done") { tally.Error(state.StartsWith("GET", StringComparison.Ordinal) ? state : $"run ended {state}"); continue; }
                var (rs, result) = await Timed(tally, () => http.GetAsync($"/api/runs/{id}/result?format=json", hardStop), hardStop);
                if (rs != HttpStatusCode.OK || !result.StartsWith('{')) { tally.Error($"GET result: {(int)rs} {First(result)}"); continue; }
                tally.RunSeconds.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                Interlocked.Increment(ref tally.Runs);
            }
            catch (OperationCanceledException) when (hardStop.IsCancellationRequested) { tally.Error("not finished 120 s after the end"); }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException) { tally.Error($"{ex.GetType().Name}: {First(ex.Message)}"); }
        }
    }

    private static async Task<(HttpStatusCode, string)> Timed(Tally tally, Func<Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        long t0 = Stopwatch.GetTimestamp();
        using var r = await send();
        string body = await r.Content.ReadAsStringAsync(ct);
        tally.RequestSeconds.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        return (r.StatusCode, body);
    }

    private static string First(string s) => s.Split('\n')[0] is { Length: > 160 } l ? l[..160] : s.Split('\n')[0];

    /// <summary>The nearest-rank percentile, in seconds with 3 decimals ("-" for no values).</summary>
    private static string P(double[] sorted, double p) =>
        sorted.Length == 0 ? "-" : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)].ToString("0.000 s", CultureInfo.InvariantCulture);

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("N0", CultureInfo.InvariantCulture) + " MB";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Machine()
    {
        string cpu = RuntimeInformation.ProcessArchitecture.ToString();
        if (File.Exists("/proc/cpuinfo"))
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        double gb = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0;
        return string.Create(CultureInfo.InvariantCulture, $"{cpu}, {Environment.ProcessorCount} cores, {gb:F0} GB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }
}
