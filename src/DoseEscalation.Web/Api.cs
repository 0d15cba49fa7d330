using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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

        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", () => Asset("app.css", "text/css; charset=utf-8"));

        app.MapGet("/api/designs", (HttpContext ctx) => Json(ctx, Designs(hub.Catalog)));
        app.MapPost("/api/scenario", async (HttpContext ctx) =>
        {
            var yaml = await new StreamReader(ctx.Request.Body, Encoding.UTF8).ReadToEndAsync(ctx.RequestAborted);
            try { await Json(ctx, Scenario(ScenarioFileReader.Parse(yaml, RunForm.YamlName, hub.Catalog))); }
            catch (Exception ex) when (IsInputError(ex)) { await Problem(ctx, 400, ex.Message); }
        });
        app.MapPost("/api/runs", async (HttpContext ctx) =>
        {
            try
            {
                var form = await ReadForm(ctx);
                if (form.Data is not null || form.Final is not null) throw new InputException("data, final: conduct fields belong to POST /api/next");
                var run = hub.Start(form);
                ctx.Response.StatusCode = 202;
                await Json(ctx, new { id = run.Id, commandLine = form.CommandLine() });
            }
            catch (BusyException ex) { await Problem(ctx, 429, ex.Message); }
            catch (Exception ex) when (IsInputError(ex)) { await Problem(ctx, 400, ex.Message); }
        });
        app.MapGet("/api/runs/{id}", (HttpContext ctx, string id) =>
        {
            if (hub.Get(id) is not { } run) return Problem(ctx, 404, $"run {id}: no such run");
            var (p, messages) = run.Snapshot();
            return Json(ctx, new
            {
                id = run.Id, state = run.State.ToString().ToLowerInvariant(), label = p.Label, done = p.Done, total = p.Total,
                messages, error = run.Error, commandLine = run.Form.CommandLine(),
                formats = run.Report is not null ? new[] { "html", "docx" } : Formats(run.Form.Verb),
                charts = run.Report?.Charts.Select(c => c.Name).ToArray() ?? [],
            });
        });
        app.MapDelete("/api/runs/{id}", (HttpContext ctx, string id) =>
        {
            if (!hub.CancelRun(id)) return Problem(ctx, 404, $"run {id}: no such run");
            ctx.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        app.MapGet("/api/runs/{id}/result", async (HttpContext ctx, string id) =>
        {
            if (hub.Get(id) is not { } run) { await Problem(ctx, 404, $"run {id}: no such run"); return; }
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
        app.MapGet("/api/runs/{id}/charts/{name}", async (HttpContext ctx, string id, string name) =>
        {
            if (hub.Get(id) is not { Report: { } report }) { await Problem(ctx, 404, $"run {id}: no report with charts"); return; }
            bool png = name.EndsWith(".png", StringComparison.Ordinal);
            string bare = png ? name[..^4] : name.EndsWith(".svg", StringComparison.Ordinal) ? name[..^4] : name;
            var chart = report.Charts.FirstOrDefault(c => c.Name == bare);
            if (chart.Figure is null) { await Problem(ctx, 404, $"chart {name}: not in this report ({string.Join(", ", report.Charts.Select(c => c.Name))})"); return; }
            ctx.Response.ContentType = png ? "image/png" : "image/svg+xml";
            if (png) await ctx.Response.Body.WriteAsync(chart.Figure.ToPng(), ctx.RequestAborted);
            else await ctx.Response.WriteAsync(chart.Figure.ToSvg(), ctx.RequestAborted);
        });
        app.MapPost("/api/next", async (HttpContext ctx) =>
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

    /// <summary>Starts the server, prints its URL (with the token when there is one) and runs until stopped (Ctrl+C).</summary>
    public static void Serve(ServeOptions options, TextWriter stdout)
    {
        using var app = Build(options);
        app.Start();
        stdout.WriteLine($"dose-escalation serve: {Address(app, options)}");
        stdout.WriteLine(options.Token is null ? "Stop with Ctrl+C." : "The access token is in the URL: anyone with it can run simulations here. Stop with Ctrl+C.");
        stdout.Flush();
        app.WaitForShutdown();
    }

    /// <summary>The address the started server listens on.</summary>
    public static string Address(WebApplication app, ServeOptions options)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return address.TrimEnd('/') + "/" + (options.Token is { } t ? "?token=" + t : "");
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
            return await JsonSerializer.DeserializeAsync<RunForm>(ctx.Request.Body, RunForm.Json, ctx.RequestAborted)
                ?? throw new InputException("body: expected a JSON object");
        }
        catch (JsonException ex) { throw new InputException($"body: {OneLine(ex.Message)}"); }
    }

    private static bool IsLoopbackHost(string host) => host is "127.0.0.1" or "localhost" or "[::1]" or "::1";

    private static IResult Asset(string name, string type)
    {
        var stream = typeof(Api).Assembly.GetManifestResourceStream("wwwroot/" + name) ?? throw new InvalidOperationException($"embedded {name} missing");
        return Results.Stream(stream, type);
    }

    private static Task Json(HttpContext ctx, object value)
    {
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(value, RunForm.Json));
    }

    /// <summary>An error as <c>{"error": "one line"}</c>: the CLI's message, naming the field and the value.</summary>
    private static Task Problem(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        return Json(ctx, new { error = OneLine(message) });
    }

    /// <summary>The catalog's descriptors as the page builds its option forms from them.</summary>
    internal static object Designs(DesignCatalog catalog) => catalog.Designs.Select(d => new
    {
        name = d.Name, summary = d.Summary, references = d.References, hasDecisionTable = d.HasDecisionTable,
        options = d.AllOptions.Where(o => o.Key != "target").Select(o => new
        {
            key = o.Key, kind = o.Kind.ToString().ToLowerInvariant(), doc = o.Doc, @default = o.DefaultDisplay, flag = o.Flag,
            range = o.RangeText, choices = o.Choices, common = o.Common,
        }),
    }).ToList();

    private static object Scenario(ScenarioFile f) => new
    {
        trial = f.Trial.Name, target = f.Target, doses = f.Doses.Select(d => new { label = d.Label, dose = d.Dose }),
        designs = f.Designs.Select(d => d.Label ?? d.Name),
        scenarios = f.Scenarios.Select(s => new { name = s.Name, dlt = s.Dlt, response = s.Response }),
    };
}
