using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using DoseEscalation.Application;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Reporting.Formats;
using DoseEscalation.Scenarios;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DoseEscalation.Web;

/// <summary>
/// The web host of <c>dose-escalation serve</c>: the page (embedded HTML, script, style) and a JSON
/// API over <see cref="DoseEscalation.Application"/>. Every number it sends is a result's own
/// <see cref="IRunResult.Write"/> output, the bytes the CLI writes. See docs/web.md.
/// </summary>
public static class Api
{
    /// <summary>The page's content security policy: nothing from elsewhere, no inline script or style.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Builds the server (not started). <paramref name="options"/> must have been <see cref="ServeOptions.Checked"/>.</summary>
    public static WebApplication Build(ServeOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{(options.Host.Contains(':') ? $"[{options.Host}]" : options.Host)}:{options.Port}");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
        });
        builder.Services.AddSingleton(new RunHub(options));
        var app = builder.Build();
        var hub = app.Services.GetRequiredService<RunHub>();

        app.Use(async (ctx, next) =>
        {
            var h = ctx.Response.Headers;
            h.ContentSecurityPolicy = ContentSecurityPolicy;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h.CacheControl = "no-store";
            // A page elsewhere cannot reach a loopback server through a name it controls (DNS rebinding).
            if (options.IsLoopback && !IsLoopbackHost(ctx.Request.Host.Host))
            {
                await Problem(ctx, 421, $"host {ctx.Request.Host.Host}: this server answers to 127.0.0.1, localhost or [::1] only");
                return;
            }
            if (options.Token is { } token && ctx.Request.Path.StartsWithSegments("/api"))
            {
                string given = ctx.Request.Headers["X-Access-Token"].ToString();
                if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token)))
                {
                    await Problem(ctx, 401, "access token: missing or wrong (the URL serve printed carries it)");
                    return;
                }
            }
            await next(ctx);
        });

        // Every handler is a RequestDelegate (it reads its route values itself): no handler is bound by
        // reflection or by the request delegate generator, so the NativeAOT build serves as the JIT build does.
        app.MapGet("/", Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", Asset("app.css", "text/css; charset=utf-8"));

        app.MapGet("/api/designs", ctx => Json(ctx, Designs(hub.Catalog), WebJson.Default.ListDesignInfo));
        app.MapPost("/api/scenario", async ctx =>
        {
            var yaml = await new StreamReader(ctx.Request.Body, Encoding.UTF8).ReadToEndAsync(ctx.RequestAborted);
            try { await Json(ctx, Scenario(ScenarioFileReader.Parse(yaml, RunForm.YamlName, hub.Catalog), ScenarioFileReader.Document(yaml, RunForm.YamlName), hub.Catalog), WebJson.Default.ScenarioInfo); }
            catch (Exception ex) when (IsInputError(ex)) { await Problem(ctx, 400, ex.Message); }
        });
        app.MapPost("/api/runs", async ctx =>
        {
            try
            {
                var form = await ReadForm(ctx);
                if (form.Data is not null || form.Final is not null) throw new InputException("data, final: conduct fields belong to POST /api/next");
                var run = hub.Start(form);
                ctx.Response.StatusCode = 202;
                await Json(ctx, new RunStarted(run.Id, form.CommandLine()), WebJson.Default.RunStarted);
            }
            catch (BusyException ex) { await Problem(ctx, 429, ex.Message); }
            catch (Exception ex) when (IsInputError(ex)) { await Problem(ctx, 400, ex.Message); }
        });
        app.MapGet("/api/runs/{id}", ctx =>
        {
            string id = Route(ctx, "id");
            if (hub.Get(id) is not { } run) return Missing(ctx, hub, id);
            var (p, messages) = run.Snapshot();
            return Json(ctx, new RunStatus(
                run.Id, run.State.ToString().ToLowerInvariant(), p.Label, p.Done, p.Total, messages, run.Error, run.Form.CommandLine(),
                run.Report is not null ? ["html", "docx"] : Formats(run.Form.Verb),
                run.Report?.Charts.Select(c => c.Name).ToArray() ?? []), WebJson.Default.RunStatus);
        });
        app.MapDelete("/api/runs/{id}", ctx =>
        {
            string id = Route(ctx, "id");
            if (!hub.CancelRun(id)) return Missing(ctx, hub, id);
            ctx.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        app.MapGet("/api/runs/{id}/result", async ctx =>
        {
            string id = Route(ctx, "id");
            if (hub.Get(id) is not { } run) { await Missing(ctx, hub, id); return; }
            if (run.State != RunState.Done) { await Problem(ctx, 409, $"run {id}: {run.State.ToString().ToLowerInvariant()}, no result"); return; }
            string format = ctx.Request.Query["format"].ToString();
            var body = new MemoryStream();
            try
            {
                if (run.Report is { } report)
                {
                    if (format == "html") { using var w = new StreamWriter(body, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" }; HtmlReport.Write(report, w); }
                    else if (format == "docx") DocxReport.Write(report, body);
                    else throw new InputException($"format {format}: a report is written as html or docx");
                }
                else run.Result!.Write(format, body);
            }
            catch (Exception ex) when (IsInputError(ex)) { await Problem(ctx, 400, ex.Message); return; }
            ctx.Response.ContentType = format switch
            {
                "json" => "application/json", "csv" => "text/csv; charset=utf-8", "html" => "text/html; charset=utf-8",
                "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ => "text/plain; charset=utf-8",
            };
            string ext = format switch { "table" => "txt", _ => format };
            ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"{run.Form.Verb}.{ext}\"";
            body.Position = 0;
            await body.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
        });
        app.MapGet("/api/runs/{id}/charts/{name}", async ctx =>
        {
            string id = Route(ctx, "id"), name = Route(ctx, "name");
            if (hub.Get(id) is not { } run) { await Missing(ctx, hub, id); return; }
            if (run.Report is not { } report) { await Problem(ctx, 404, $"run {id}: no report with charts"); return; }
            bool png = name.EndsWith(".png", StringComparison.Ordinal);
            string bare = png ? name[..^4] : name.EndsWith(".svg", StringComparison.Ordinal) ? name[..^4] : name;
            var chart = report.Charts.FirstOrDefault(c => c.Name == bare);
            if (chart.Figure is null) { await Problem(ctx, 404, $"chart {name}: not in this report ({string.Join(", ", report.Charts.Select(c => c.Name))})"); return; }
            ctx.Response.ContentType = png ? "image/png" : "image/svg+xml";
            if (png) await ctx.Response.Body.WriteAsync(chart.Figure.ToPng(), ctx.RequestAborted);
            else await ctx.Response.WriteAsync(chart.Figure.ToSvg(), ctx.RequestAborted);
        });
        app.MapPost("/api/next", async ctx =>
        {
            try
            {
                var f = await ReadForm(ctx);
                if (f.Verb is not null || f.Trials is not null || f.Seed is not null || f.Designs is not null || f.PlannedN is not null)
                    throw new InputException("verb, trials, seed, designs, plannedN: the next decision takes the trial, design and data only");
                var result = Runs.Next(new NextRequest
                {
                    Input = f.Input(hub.Catalog), Data = f.Data ?? throw new InputException("data: missing (outcome notation, e.g. 1NNN 2NTN, or a CSV patient table)"),
                    DataName = "data", Final = f.Final ?? false,
                }, new RunContext { Catalog = hub.Catalog, Cancellation = ctx.RequestAborted });
                string format = ctx.Request.Query["format"].ToString() is { Length: > 0 } given ? given : "json";
                var body = new MemoryStream();
                result.Write(format, body);
                ctx.Response.ContentType = format == "json" ? "application/json" : "text/plain; charset=utf-8";
                body.Position = 0;
                await body.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
            }
            catch (Exception ex) when (IsInputError(ex)) { await Problem(ctx, 400, ex.Message); }
        });
        return app;
    }

    /// <summary>
    /// Starts the server, prints its URL (with the token when there is one; on an any-address host, one
    /// URL per way to reach it) and runs until stopped (Ctrl+C, or <paramref name="stop"/>).
    /// </summary>
    public static void Serve(ServeOptions options, TextWriter stdout, CancellationToken stop = default)
    {
        using var app = Build(options);
        app.Start();
        var urls = Urls(app, options);
        stdout.WriteLine($"dose-escalation serve: {urls[0]}");
        foreach (var url in urls.Skip(1)) stdout.WriteLine($"  or: {url}");
        stdout.WriteLine(options.Token is null ? "Stop with Ctrl+C." : "The access token is in the URL: anyone with it can run simulations here. Stop with Ctrl+C.");
        stdout.Flush();
        app.WaitForShutdownAsync(stop).GetAwaiter().GetResult();
    }

    /// <summary>The address the started server is bound to, as Kestrel reports it (e.g. http://0.0.0.0:5080).</summary>
    public static string BoundAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>The URLs that open the started server's page, with the token; see <see cref="Urls(string, string?, string, IEnumerable{IPAddress})"/>.</summary>
    public static IReadOnlyList<string> Urls(WebApplication app, ServeOptions options)
    {
        IEnumerable<IPAddress> addresses;
        try
        {
            addresses = NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address)).ToList();
        }
        catch (NetworkInformationException) { addresses = []; }
        return Urls(BoundAddress(app), options.Token, Dns.GetHostName(), addresses);
    }

    /// <summary>
    /// The URLs to print for a server bound to <paramref name="bound"/>. A server bound to one address
    /// is reached at that address. One bound to every address (0.0.0.0: IPv4; [::]: IPv6 and IPv4) is
    /// not reached at 0.0.0.0 from another machine: the URLs are the machine's name, then each of its
    /// addresses of that family that another machine can use (loopback and IPv6 link-local left out).
    /// </summary>
    public static IReadOnlyList<string> Urls(string bound, string? token, string hostName, IEnumerable<IPAddress> interfaces)
    {
        string query = token is null ? "" : "?token=" + token;
        var uri = new Uri(bound);
        string Url(string host) => $"{uri.Scheme}://{host}:{uri.Port}/{query}";
        bool any4 = uri.Host == "0.0.0.0", any6 = uri.Host == "[::]";
        if (!any4 && !any6) return [bound.TrimEnd('/') + "/" + query];
        var urls = new List<string>();
        if (hostName.Length > 0 && hostName != "localhost") urls.Add(Url(hostName));
        foreach (var ip in interfaces.Distinct()
            .Where(ip => !IPAddress.IsLoopback(ip) && !ip.IsIPv6LinkLocal && !ip.IsIPv4MappedToIPv6)
            .Where(ip => ip.AddressFamily == AddressFamily.InterNetwork || (any6 && ip.AddressFamily == AddressFamily.InterNetworkV6))
            .OrderBy(ip => ip.AddressFamily == AddressFamily.InterNetwork ? 0 : 1))
        {
            urls.Add(Url(ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString()));
        }
        if (urls.Count == 0) urls.Add(Url("127.0.0.1")); // no name and no address: this machine only
        return urls;
    }

    internal static bool IsInputError(Exception ex) =>
        ex is InputException or ScenarioFileException or DesignOptionException or OptionValueException or ResourceLimitException or JsonException;

    internal static string OneLine(string message) =>
        string.Concat(message.Split('\n')[0].Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));

    private static IReadOnlyList<string> Formats(string? verb) => verb switch
    {
        "table" => ["table", "csv", "md"],
        "samplesize" => ["table", "md", "json"],
        _ => ["table", "csv", "json"],
    };

    private static async Task<RunForm> ReadForm(HttpContext ctx)
    {
        if (ctx.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            throw new InputException($"content type {ctx.Request.ContentType ?? "(none)"}: expected application/json");
        try
        {
            return await JsonSerializer.DeserializeAsync(ctx.Request.Body, WebJson.Default.RunForm, ctx.RequestAborted)
                ?? throw new InputException("body: expected a JSON object");
        }
        catch (JsonException ex) when (ex.Path is ['$', '.', .. var path] && path.Split('.', '[')[0] is var field && Expected.TryGetValue(field, out var expected))
        {
            throw new InputException($"{field}: expected {expected} (body line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }
        catch (JsonException ex) { throw new InputException($"body: {OneLine(ex.Message)}"); }
    }

    /// <summary>What each <see cref="RunForm"/> field takes, for a value of the wrong JSON type.</summary>
    private static readonly Dictionary<string, string> Expected = new(StringComparer.OrdinalIgnoreCase)
    {
        ["verb"] = "text", ["yaml"] = "text", ["dlt"] = "text", ["response"] = "text", ["design"] = "text", ["designs"] = "text", ["data"] = "text",
        ["options"] = "an object of text values, e.g. {\"extrasafe\": \"true\"}", ["target"] = "a number", ["trials"] = "a whole number",
        ["seed"] = "a whole number from 0", ["plannedN"] = "a whole number", ["final"] = "true or false",
    };

    private static bool IsLoopbackHost(string host) => host is "127.0.0.1" or "localhost" or "[::1]" or "::1";

    private static string Route(HttpContext ctx, string key) => ctx.Request.RouteValues[key] as string ?? "";

    private static RequestDelegate Asset(string name, string type) => async ctx =>
    {
        await using var stream = typeof(Api).Assembly.GetManifestResourceStream("wwwroot/" + name) ?? throw new InvalidOperationException($"embedded {name} missing");
        ctx.Response.ContentType = type;
        ctx.Response.ContentLength = stream.Length;
        await stream.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
    };

    private static Task Json<T>(HttpContext ctx, T value, JsonTypeInfo<T> type)
    {
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(value, type));
    }

    /// <summary>A run that is not here: 410 when its result was discarded, else 404.</summary>
    private static Task Missing(HttpContext ctx, RunHub hub, string id)
    {
        var (status, message) = hub.Missing(id);
        return Problem(ctx, status, message);
    }

    /// <summary>An error as <c>{"error": "one line"}</c>: the CLI's message, naming the field and the value.</summary>
    private static Task Problem(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        return Json(ctx, new ErrorBody(OneLine(message)), WebJson.Default.ErrorBody);
    }

    /// <summary>The catalog's descriptors as the page builds its option forms from them.</summary>
    internal static List<DesignInfo> Designs(DesignCatalog catalog) => [.. catalog.Designs.Select(d => new DesignInfo(
        d.Name, d.Summary, d.References, d.HasDecisionTable,
        [.. d.AllOptions.Where(o => o.Key != "target").Select(o => new OptionInfo(
            o.Key, o.Kind.ToString().ToLowerInvariant(), o.Doc, o.DefaultDisplay, o.Flag, o.RangeText, o.Choices, o.Common))]))];

    private static ScenarioInfo Scenario(ScenarioFile f, IReadOnlyList<KeyValuePair<string, object>> document, DesignCatalog catalog) => new(
        f.Trial.Name, f.Trial.RegistryId, f.Trial.DltWindowDays, f.Target, [.. f.Doses.Select(d => new DoseInfo(d.Label, d.Dose))],
        [.. f.Designs.Select(d => new DesignRow(catalog.Find(d.Name)?.Name ?? d.Name, d.Label))],
        [.. f.Scenarios.Select(s => new ScenarioRow(s.Name, s.Dlt, s.Response, s.Grade2))], f.Timeline is not null,
        f.Warnings, (JsonObject)Json(document));

    /// <summary>The scenario file's document (<see cref="ScenarioFileReader.Document"/>) as JSON: every scalar stays text, as written.</summary>
    internal static JsonNode Json(object node) => node switch
    {
        IReadOnlyList<KeyValuePair<string, object>> m => new JsonObject(m.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, Json(p.Value)))),
        IReadOnlyList<object> list => new JsonArray([.. list.Select(Json)]),
        string text => JsonValue.Create(text),
        _ => throw new ArgumentException($"not a document node: {node.GetType().Name}", nameof(node)),
    };
}
