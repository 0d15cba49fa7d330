using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Tests.Scenarios;
using DoseEscalation.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DoseEscalation.Tests.Web;

/// <summary>The serve host in process on an ephemeral loopback port, driven over HTTP.</summary>
public sealed class ApiTests
{
    private static readonly string Nct = Path.Combine(Repo.Root, "scenarios", "nct05008536-bcma-car-nk.yaml");

    internal sealed class Server : IAsyncDisposable
    {
        public WebApplication App { get; }
        public HttpClient Http { get; }
        public ServeOptions Options { get; }

        private Server(WebApplication app, ServeOptions options, string address)
        {
            App = app; Options = options;
            Http = new HttpClient { BaseAddress = new Uri(new Uri(address.Replace("0.0.0.0", "127.0.0.1")).GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(60) };
            if (options.Token is { } t) Http.DefaultRequestHeaders.Add("X-Access-Token", t);
        }

        public static async Task<Server> Start(ServeOptions? options = null)
        {
            var o = (options ?? new ServeOptions()) with { Port = 0 };
            o = o.Checked();
            var app = Api.Build(o);
            await app.StartAsync();
            return new Server(app, o, Api.BoundAddress(app));
        }

        public RunHub Hub => App.Services.GetRequiredService<RunHub>();

        public async Task<string> Start(object form)
        {
            var r = await Http.PostAsJsonAsync("/api/runs", form);
            string body = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.Accepted, $"{r.StatusCode}: {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        }

        public async Task<JsonElement> WaitDone(string id)
        {
            for (int i = 0; i < 1200; i++)
            {
                var status = JsonDocument.Parse(await Http.GetStringAsync($"/api/runs/{id}")).RootElement;
                string state = status.GetProperty("state").GetString()!;
                if (state is "done" or "failed" or "cancelled") return status;
                await Task.Delay(50);
            }
            throw new TimeoutException(id);
        }

        public async Task<string> Result(string id, string format)
        {
            var status = await WaitDone(id);
            Assert.Equal("done", status.GetProperty("state").GetString());
            return await Http.GetStringAsync($"/api/runs/{id}/result?format={format}");
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    internal static string Cli(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = DoseEscalation.Cli.Cli.Run(args, o, e);
        Assert.True(code == 0, e.ToString());
        return o.ToString();
    }

    /// <summary>The CLI names the file it read; the page's YAML goes by <see cref="RunForm.YamlName"/>. Everything else must be the same bytes.</summary>
    private static string SamePath(string cliOut) => cliOut.Replace(JsonEncodedText.Encode(Nct).ToString(), RunForm.YamlName).Replace(Nct, RunForm.YamlName);

    [Fact]
    public async Task Simulate_on_the_page_writes_the_CLI_bytes_for_the_same_inputs_and_seed()
    {
        await using var s = await Server.Start();
        string id = await s.Start(new { verb = "simulate", yaml = File.ReadAllText(Nct), design = "boin", trials = 4000, seed = 11 });
        string web = await s.Result(id, "json");
        string cli = Cli("simulate", Nct, "--design", "boin", "--trials", "4000", "--seed", "11", "--format", "json");
        Assert.Equal(SamePath(cli), web);
        Assert.Contains("\"correct", web); // a real result, not an empty document
        string csv = await s.Http.GetStringAsync($"/api/runs/{id}/result?format=csv");
        Assert.Equal(SamePath(Cli("simulate", Nct, "--design", "boin", "--trials", "4000", "--seed", "11", "--format", "csv")), csv);
    }

    [Fact]
    public async Task Compare_of_three_designs_and_exact_and_a_keyed_option_equal_the_CLI()
    {
        await using var s = await Server.Start();
        string yaml = File.ReadAllText(Nct);
        string cmp = await s.Result(await s.Start(new { verb = "compare", yaml, designs = "3+3,boin,crm", trials = 3000, seed = 3 }), "json");
        Assert.Equal(SamePath(Cli("compare", Nct, "--designs", "3+3,boin,crm", "--trials", "3000", "--seed", "3", "--format", "json")), cmp);
        string exact = await s.Result(await s.Start(new { verb = "exact", yaml, design = "boin", options = new Dictionary<string, string> { ["extrasafe"] = "true", ["max_n"] = "18" } }), "table");
        Assert.Equal(SamePath(Cli("exact", Nct, "--design", "boin", "--extrasafe", "true", "--max-n", "18")), exact);
    }

    [Fact]
    public async Task The_reproducing_command_line_gives_the_same_result()
    {
        await using var s = await Server.Start();
        var r = await s.Http.PostAsJsonAsync("/api/runs", new { verb = "simulate", dlt = "0.05,0.15,0.3", design = "keyboard", trials = 2000, seed = 9 });
        var started = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        string line = started.GetProperty("commandLine").GetString()!;
        Assert.Equal("dose-escalation simulate --dlt 0.05,0.15,0.3 --design keyboard --trials 2000 --seed 9", line);
        string web = await s.Result(started.GetProperty("id").GetString()!, "table");
        Assert.Equal(Cli([.. line.Split(' ').Skip(1)]), web);
    }

    [Fact]
    public async Task Next_equals_the_CLI()
    {
        await using var s = await Server.Start();
        var r = await s.Http.PostAsJsonAsync("/api/next", new { dlt = "0.05,0.1,0.15", design = "boin", data = "1NNN 2NTN", final = true });
        string web = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, web);
        Assert.Equal(Cli("next", "--dlt", "0.05,0.1,0.15", "--design", "boin", "--data", "1NNN 2NTN", "--final", "--format", "json"), web);
    }

    [Theory]
    [InlineData("""{"verb":"simulate","design":"boin","trials":0}""", "trials", "0")]
    [InlineData("""{"verb":"simulate","design":"boin","options":{"extrasafe":"maybe"}}""", "extrasafe", "maybe")]
    [InlineData("""{"verb":"simulate","design":"boin","options":{"skeleton":"0.1"}}""", "skeleton", "boin")]
    [InlineData("""{"verb":"simulate","design":"boin","trails":100}""", "trails", "")]
    [InlineData("""{"verb":"exact","design":"boin","seed":3}""", "seed", "exact")]
    [InlineData("""{"verb":"simulat"}""", "verb", "simulat")]
    [InlineData("""{"verb":"simulate","dlt":"0.1,zz"}""", "--dlt", "zz")]
    [InlineData("""{"verb":"simulate","yaml":"doses: [1"}""", "scenario.yaml", "")]
    [InlineData("""{"verb":"simulate","design":"boin","trials":"30x"}""", "trials: expected a whole number", "(body line 1, byte ")]
    [InlineData("""{"verb":"simulate","design":"boin","options":{"extrasafe":true}}""", "options: expected an object of text values", "")]
    public async Task Bad_input_is_400_with_one_line_naming_the_field_and_value(string json, string field, string value)
    {
        await using var s = await Server.Start();
        var r = await s.Http.PostAsync("/api/runs", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        string error = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
        Assert.Contains(field, error);
        Assert.Contains(value, error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public async Task A_run_cancelled_by_DELETE_stops_and_has_no_result()
    {
        await using var s = await Server.Start();
        string id = await s.Start(new { verb = "simulate", design = "crm", trials = 2_000_000_000, seed = 1 });
        await Task.Delay(300);
        Assert.Equal(HttpStatusCode.NoContent, (await s.Http.DeleteAsync($"/api/runs/{id}")).StatusCode);
        var status = await s.WaitDone(id);
        Assert.Equal("cancelled", status.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await s.Http.GetAsync($"/api/runs/{id}/result?format=json")).StatusCode);
    }

    [Fact]
    public async Task A_run_whose_page_went_away_is_cancelled_after_the_lease()
    {
        await using var s = await Server.Start(new ServeOptions { Lease = TimeSpan.FromMilliseconds(400) });
        // Long enough to outlive the lease whatever the engine's speed (the CRM on the compiled graph runs tens of millions of trials a second).
        string id = await s.Start(new { verb = "simulate", design = "crm", trials = 2_000_000_000, seed = 1 });
        // Nobody asks about it (Peek does not renew the lease).
        for (int i = 0; i < 100 && s.Hub.Peek(id)!.State is not RunState.Cancelled; i++) await Task.Delay(100);
        Assert.Equal(RunState.Cancelled, s.Hub.Peek(id)!.State);
    }

    /// <summary>
    /// Held by the hub's gate, not by a run's length: the first run holds the one slot until the test
    /// lets it go, the second waits for it (runs take slots in the order they were posted), the third
    /// is refused; a cancelled queued run gives its place back before it shows as cancelled.
    /// </summary>
    [Fact]
    public async Task Beyond_the_running_and_queued_runs_the_server_answers_429()
    {
        await using var s = await Server.Start(new ServeOptions { MaxRuns = 1, MaxQueued = 1 });
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s.Hub.Hold = hold.Task;
        var small = new { verb = "simulate", dlt = "0.05,0.15,0.3", design = "boin", trials = 1000, seed = 1 };
        string a = await s.Start(small), b = await s.Start(small);
        var third = await s.Http.PostAsJsonAsync("/api/runs", small);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("busy: 1 runs at once and 1 waiting", await third.Content.ReadAsStringAsync());
        for (int i = 0; i < 400 && s.Hub.Peek(a)!.State != RunState.Running; i++) await Task.Delay(25);
        Assert.Equal(RunState.Running, s.Hub.Peek(a)!.State);
        Assert.Equal("queued", await State(s, b));

        Assert.Equal(HttpStatusCode.NoContent, (await s.Http.DeleteAsync($"/api/runs/{b}")).StatusCode);
        Assert.Equal("cancelled", (await s.WaitDone(b)).GetProperty("state").GetString());
        string c = await s.Start(small); // b's place, free as soon as b shows as cancelled
        Assert.Equal(HttpStatusCode.TooManyRequests, (await s.Http.PostAsJsonAsync("/api/runs", small)).StatusCode);
        Assert.Equal("queued", await State(s, c));

        hold.SetResult();
        Assert.Equal("done", (await s.WaitDone(a)).GetProperty("state").GetString());
        Assert.Equal("done", (await s.WaitDone(c)).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Accepted, (await s.Http.PostAsJsonAsync("/api/runs", new { verb = "table", design = "boin" })).StatusCode);
    }

    private static async Task<string> State(Server s, string id) =>
        JsonDocument.Parse(await s.Http.GetStringAsync($"/api/runs/{id}")).RootElement.GetProperty("state").GetString()!;

    private static async Task<(HttpStatusCode Status, string Error)> Refusal(Server s, string path)
    {
        var r = await s.Http.GetAsync(path);
        return (r.StatusCode, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!);
    }

    [Fact]
    public async Task Beyond_the_kept_count_the_oldest_ended_run_is_discarded_and_answers_410()
    {
        await using var s = await Server.Start(new ServeOptions { KeepResults = 2 });
        var ids = new List<string>();
        for (int seed = 1; seed <= 3; seed++)
        {
            ids.Add(await s.Start(new { verb = "simulate", dlt = "0.05,0.15,0.3", design = "boin", trials = 1000, seed }));
            Assert.Equal("done", (await s.WaitDone(ids[^1])).GetProperty("state").GetString());
        }
        Assert.Equal(2, s.Hub.EndedCount);
        Assert.Null(s.Hub.Peek(ids[0]));
        foreach (var path in new[] { $"/api/runs/{ids[0]}", $"/api/runs/{ids[0]}/result?format=json", $"/api/runs/{ids[0]}/charts/selection.svg" })
        {
            var (status, error) = await Refusal(s, path);
            Assert.Equal(HttpStatusCode.Gone, status);
            Assert.Equal($"run {ids[0]}: discarded; the server keeps the last 2 ended runs for 1800 s each (serve --keep-results, --keep-seconds); start it again", error);
        }
        Assert.Equal(HttpStatusCode.Gone, (await s.Http.DeleteAsync($"/api/runs/{ids[0]}")).StatusCode);
        // the two later runs keep their results, which are still the CLI's bytes
        Assert.Equal(Cli("simulate", "--dlt", "0.05,0.15,0.3", "--design", "boin", "--trials", "1000", "--seed", "3", "--format", "json"), await s.Result(ids[2], "json"));
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync($"/api/runs/{ids[1]}/result?format=csv")).StatusCode);
        var unknown = await Refusal(s, $"/api/runs/{new string('0', 32)}");
        Assert.Equal((HttpStatusCode.NotFound, $"run {new string('0', 32)}: no such run"), unknown);
    }

    [Fact]
    public async Task An_ended_run_is_discarded_when_it_is_older_than_the_kept_time_and_failed_and_cancelled_runs_count_too()
    {
        long clock = 1_000;
        await using var s = await Server.Start(new ServeOptions { KeepFor = TimeSpan.FromSeconds(60) });
        s.Hub.Now = () => Interlocked.Read(ref clock);
        string first = await s.Start(new { verb = "table", design = "boin" });
        await s.WaitDone(first);
        Interlocked.Exchange(ref clock, 31_000);
        string second = await s.Start(new { verb = "simulate", design = "crm", trials = 50_000_000, seed = 1 });
        await s.Http.DeleteAsync($"/api/runs/{second}");
        Assert.Equal("cancelled", (await s.WaitDone(second)).GetProperty("state").GetString());

        Interlocked.Exchange(ref clock, 60_999);
        s.Hub.Sweep(); // 59.999 s after the first ended: kept
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync($"/api/runs/{first}/result?format=table")).StatusCode);
        Interlocked.Exchange(ref clock, 61_000);
        s.Hub.Sweep(); // 60 s: discarded; the second, 30 s old, kept
        var (status, error) = await Refusal(s, $"/api/runs/{first}/result?format=table");
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("for 60 s each", error);
        Assert.Equal("cancelled", await State(s, second));
        Assert.Equal(1, s.Hub.EndedCount);
        Interlocked.Exchange(ref clock, 91_000);
        s.Hub.Sweep();
        Assert.Equal(HttpStatusCode.Gone, (await s.Http.GetAsync($"/api/runs/{second}")).StatusCode);
        Assert.Equal(0, s.Hub.EndedCount);
    }

    [Fact]
    public async Task A_discarded_result_is_no_longer_held_in_memory()
    {
        await using var s = await Server.Start(new ServeOptions { KeepResults = 1 });
        string first = await s.Start(new { verb = "simulate", dlt = "0.05,0.15,0.3", design = "boin", trials = 1000, seed = 1 });
        await s.Result(first, "json");
        var result = Weak(s.Hub, first);
        await s.Result(await s.Start(new { verb = "table", design = "boin" }), "table");
        Assert.Null(s.Hub.Peek(first));
        for (int i = 0; i < 10 && result.IsAlive; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); await Task.Delay(20); }
        Assert.False(result.IsAlive);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference Weak(RunHub hub, string id) => new(hub.Peek(id)!.Result ?? throw new InvalidOperationException("no result"));

    [Fact]
    public async Task A_request_past_the_size_limit_is_refused()
    {
        await using var s = await Server.Start(new ServeOptions { MaxRequestBytes = 4096 });
        string yaml = new('#', 10_000);
        var r = await s.Http.PostAsync("/api/runs", new StringContent(JsonSerializer.Serialize(new { verb = "simulate", yaml }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
    }

    [Fact]
    public async Task Another_host_than_loopback_needs_the_generated_token()
    {
        var o = new ServeOptions { Host = "0.0.0.0" }.Checked();
        Assert.Matches("^[0-9a-f]{32}$", o.Token);
        Assert.Null(new ServeOptions().Checked().Token);
        await using var s = await Server.Start(o);
        using var anonymous = new HttpClient { BaseAddress = s.Http.BaseAddress };
        var refused = await anonymous.GetAsync("/api/designs");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var wrong = new HttpClient { BaseAddress = s.Http.BaseAddress };
        wrong.DefaultRequestHeaders.Add("X-Access-Token", new string('0', 32));
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/designs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync("/api/designs")).StatusCode);
    }

    [Fact]
    public async Task A_loopback_server_refuses_another_host_name()
    {
        await using var s = await Server.Start();
        var req = new HttpRequestMessage(HttpMethod.Get, "/api/designs");
        req.Headers.Host = "attacker.example";
        Assert.Equal((HttpStatusCode)421, (await s.Http.SendAsync(req)).StatusCode);
    }

    [Fact]
    public async Task The_page_has_a_strict_content_security_policy_and_a_label_on_every_input()
    {
        await using var s = await Server.Start();
        var r = await s.Http.GetAsync("/");
        Assert.Equal(Api.ContentSecurityPolicy, r.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self'", Api.ContentSecurityPolicy);
        string html = await r.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html); // no inline script
        Assert.DoesNotContain("http", html.Replace("http-equiv", "")); // nothing from elsewhere
        var ids = Regex.Matches(html, "<(input|select|textarea)[^>]*id=\"([^\"]+)\"").Select(m => m.Groups[2].Value).ToList();
        Assert.NotEmpty(ids);
        foreach (var id in ids) Assert.Contains($"for=\"{id}\"", html);
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync("/app.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync("/app.css")).StatusCode);
    }

    [Fact]
    public async Task Designs_come_from_the_catalog_so_a_new_design_appears_without_page_code()
    {
        var extra = DesignCatalog.Default.Designs.Single(d => d.Name == "boin") with { Name = "boin-copy" };
        await using var s = await Server.Start(new ServeOptions { Catalog = new DesignCatalog([.. DesignCatalog.Default.Designs, extra]) });
        var designs = JsonDocument.Parse(await s.Http.GetStringAsync("/api/designs")).RootElement;
        var names = designs.EnumerateArray().Select(d => d.GetProperty("name").GetString()).ToList();
        Assert.Equal([.. DesignCatalog.Default.Designs.Select(d => d.Name), "boin-copy"], names);
        var boin = designs.EnumerateArray().Single(d => d.GetProperty("name").GetString() == "boin");
        Assert.Contains(boin.GetProperty("options").EnumerateArray(), o => o.GetProperty("key").GetString() == "extrasafe" && o.GetProperty("kind").GetString() == "switch");
    }

    [Fact]
    public async Task The_scenario_endpoint_reads_the_CLI_format_and_names_a_bad_field()
    {
        await using var s = await Server.Start();
        var ok = await s.Http.PostAsync("/api/scenario", new StringContent(File.ReadAllText(Nct)));
        var parsed = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, parsed.GetProperty("doses").GetArrayLength());
        Assert.Equal(0.28, parsed.GetProperty("scenarios")[1].GetProperty("dlt")[2].GetDouble());
        var bad = await s.Http.PostAsync("/api/scenario", new StringContent(File.ReadAllText(Nct).Replace("target: 0.30", "target: 1.7")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("1.7", await bad.Content.ReadAsStringAsync());
    }

    /// <summary>grade2 per scenario (null when the scenario gives none), and a grade2 below the DLT rate refused naming the path of its field on the page.</summary>
    [Fact]
    public async Task The_scenario_endpoint_sends_each_scenarios_grade2_rates()
    {
        await using var s = await Server.Start();
        string yaml = File.ReadAllText(Path.Combine(Repo.Root, "tests", "DoseEscalation.Tests", "Web", "round-trip-grade2.yaml"));
        var parsed = JsonDocument.Parse(await (await s.Http.PostAsync("/api/scenario", new StringContent(yaml))).Content.ReadAsStringAsync()).RootElement;
        var scenarios = parsed.GetProperty("scenarios");
        Assert.Equal([0.15, 0.30, 0.50, 0.70], scenarios[0].GetProperty("grade2").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal([0.40, 0.08, 0.30, 0.50], scenarios[1].GetProperty("grade2").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal(["0.40", "0.08", "0.30", "0.50"], parsed.GetProperty("file").GetProperty("scenarios")[1].GetProperty("grade2").EnumerateArray().Select(x => x.GetString()));
        var none = JsonDocument.Parse(await (await s.Http.PostAsync("/api/scenario", new StringContent(File.ReadAllText(Nct)))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Null, none.GetProperty("scenarios")[0].GetProperty("grade2").ValueKind);
        var bad = await s.Http.PostAsync("/api/scenario", new StringContent(yaml.Replace("grade2: [0.15, 0.30,", "grade2: [0.15, 0.05,")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("scenarios[0].grade2[1] = 0.05", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_scenario_endpoint_sends_the_window_timeline_registry_and_every_key_as_written()
    {
        await using var s = await Server.Start();
        string crb = Path.Combine(Repo.Root, "scenarios", "crb401-bcma-car-t.yaml");
        var r = await s.Http.PostAsync("/api/scenario", new StringContent(File.ReadAllText(crb)));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var info = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("NCT02658929", info.GetProperty("registryId").GetString());
        Assert.Equal(21, info.GetProperty("dltWindowDays").GetInt32());
        Assert.True(info.GetProperty("timeline").GetBoolean());
        Assert.Equal("3+3", info.GetProperty("designs")[0].GetProperty("name").GetString());
        var file = info.GetProperty("file");
        // Scalars as written: the text, not the number it reads as.
        Assert.Equal("0.30", file.GetProperty("target").GetString());
        Assert.Equal("60", file.GetProperty("timeline").GetProperty("max_wait_days").GetString());
        Assert.Equal("0.10", file.GetProperty("timeline").GetProperty("screening_failure").GetString());
        Assert.Equal("20160101", file.GetProperty("simulation").GetProperty("seed").GetString());
        Assert.Equal("Only the lowest level is tolerable.", file.GetProperty("scenarios")[3].GetProperty("rationale").GetString());
        Assert.StartsWith("From the source (Raje et al. 2019) - an autologous CAR-T product, so apheresis", file.GetProperty("timeline").GetProperty("notes").GetString());
        // The file's keys in its order.
        Assert.Equal(["trial", "doses", "design", "target", "scenarios", "simulation", "timeline"], file.EnumerateObject().Select(p => p.Name));
    }

    /// <summary>Every value of every shipped file is in /api/scenario's <c>file</c>, by the same path, with the same text.</summary>
    [Fact]
    public async Task The_scenario_endpoint_leaves_out_no_value_of_any_shipped_file()
    {
        await using var s = await Server.Start();
        foreach (var path in BrowserTests.RoundTripFiles())
        {
            string yaml = File.ReadAllText(path);
            var file = JsonDocument.Parse(await (await s.Http.PostAsync("/api/scenario", new StringContent(yaml))).Content.ReadAsStringAsync()).RootElement.GetProperty("file");
            var sent = new Dictionary<string, string>();
            void Walk(JsonElement e, string at)
            {
                if (e.ValueKind == JsonValueKind.Object) foreach (var p in e.EnumerateObject()) Walk(p.Value, at == "" ? p.Name : at + "." + p.Name);
                else if (e.ValueKind == JsonValueKind.Array) { int i = 0; foreach (var x in e.EnumerateArray()) Walk(x, $"{at}[{i++}]"); }
                else sent[at] = e.GetString()!;
            }
            Walk(file, "");
            var expected = ScenarioTree.Flat(yaml);
            // Flat names a bare dose or design by .label / .name; the endpoint sends it as written.
            var renamed = sent.ToDictionary(p => Regex.IsMatch(p.Key, @"^(doses\[\d+\]|design|designs\[\d+\])$") ? p.Key + (p.Key.StartsWith("doses") ? ".label" : ".name") : p.Key, p => p.Value);
            Assert.Equal(expected, renamed);
            Assert.True(expected.Count > 10, $"{path}: {expected.Count} values");
        }
    }

    [Fact]
    public async Task The_scenario_endpoint_expands_an_alias_into_the_values_it_stands_for()
    {
        await using var s = await Server.Start();
        string yaml = "trial: {name: aliased}\ndoses: [A, B]\nscenarios:\n  - {name: s1, dlt: &rates [0.1, 0.3]}\n  - {name: s2, dlt: *rates}\n";
        var file = JsonDocument.Parse(await (await s.Http.PostAsync("/api/scenario", new StringContent(yaml))).Content.ReadAsStringAsync()).RootElement.GetProperty("file");
        Assert.Equal(["0.1", "0.3"], file.GetProperty("scenarios")[1].GetProperty("dlt").EnumerateArray().Select(x => x.GetString()));
    }

    [Fact]
    public async Task The_report_downloads_as_docx_and_html_with_its_charts()
    {
        await using var s = await Server.Start();
        string id = await s.Start(new { verb = "report", dlt = "0.05,0.15,0.3", design = "boin", trials = 1000, seed = 2 });
        var status = await s.WaitDone(id);
        Assert.True(status.GetProperty("state").GetString() == "done", status.ToString());
        var docx = await s.Http.GetByteArrayAsync($"/api/runs/{id}/result?format=docx");
        Assert.Equal("PK"u8.ToArray(), docx[..2]);
        Assert.Contains("<html", await s.Http.GetStringAsync($"/api/runs/{id}/result?format=html"));
        string chart = status.GetProperty("charts")[0].GetString()!;
        Assert.StartsWith("<svg", (await s.Http.GetStringAsync($"/api/runs/{id}/charts/{chart}.svg")).TrimStart().Split('\n').First(l => l.StartsWith("<svg")));
    }
}
