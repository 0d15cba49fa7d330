using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using DoseEscalation.Scenarios;
using DoseEscalation.Tests.Scenarios;
using DoseEscalation.Web;
using Microsoft.Playwright;

namespace DoseEscalation.Tests.Web;

/// <summary>
/// A test that drives Debian's chromium. Where <see cref="Chromium"/> is missing it fails with a
/// message saying so, unless <see cref="OptOut"/>=1 is set, which skips it (docs/web.md).
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";
    public const string OptOut = "DOSE_ESCALATION_SKIP_BROWSER_TESTS";

    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium) && Environment.GetEnvironmentVariable(OptOut) == "1")
            Skip = $"{Chromium} is missing and {OptOut}=1";
    }
}

/// <summary>
/// One headless chromium for the class, driven by Playwright's bundled driver (no browser download:
/// the executable is Debian's), with a fresh profile directory removed afterwards.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowserContext? _context;
    private string? _profile;

    public async Task<IPage> NewPage(Uri address)
    {
        var context = await Context();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(address.ToString());
        await page.WaitForSelectorAsync("#design option", new() { State = WaitForSelectorState.Attached });
        return page;
    }

    private async Task<IBrowserContext> Context()
    {
        await _gate.WaitAsync();
        try
        {
            if (_context is not null) return _context;
            Assert.True(File.Exists(BrowserFactAttribute.Chromium),
                $"{BrowserFactAttribute.Chromium} is missing: apt-get install chromium (.ci/run does), or set {BrowserFactAttribute.OptOut}=1 to skip the browser tests");
            _profile = Directory.CreateTempSubdirectory("de-browser-profile").FullName;
            _playwright = await Playwright.CreateAsync();
            _context = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new()
            {
                ExecutablePath = BrowserFactAttribute.Chromium,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync"],
                AcceptDownloads = true,
                ViewportSize = new() { Width = 1200, Height = 900 },
            });
            return _context;
        }
        finally { _gate.Release(); }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_context is not null) await _context.CloseAsync();
        _playwright?.Dispose();
        // Chromium's last processes may still be writing the profile for a moment after the close.
        for (int attempt = 0; _profile is not null && Directory.Exists(_profile) && attempt < 20; attempt++)
        {
            try { Directory.Delete(_profile, recursive: true); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { await Task.Delay(250); }
        }
    }
}

/// <summary>
/// The page in a real browser against the real server on a free loopback port (issue 26): the
/// NCT05008536 trial entered field by field, three designs compared and checked against the CLI,
/// the report's docx, a cancelled run, bad input explained next to its field, a keyboard-only run
/// and a label on every input. With UPDATE_DOCS=1 the tests also write the screenshots in docs/web/.
/// </summary>
public sealed class BrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string Nct = Path.Combine(Repo.Root, "scenarios", "nct05008536-bcma-car-nk.yaml");
    private static readonly bool UpdateDocs = Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1";

    /// <summary>The trial as its scenario file gives it (scenarios/nct05008536-bcma-car-nk.yaml: the record's doses, window and name; the file's DLT rates and timeline).</summary>
    private static readonly (string Label, string Dose)[] NctDoses =
        [("DL1", "1-3 x 10^6 CAR-NK cells/kg"), ("DL2", "3-6 x 10^6 CAR-NK cells/kg"), ("DL3", "0.6-1.2 x 10^7 CAR-NK cells/kg")];
    private static readonly (string Name, string[] Dlt)[] NctScenarios =
    [
        ("all-safe", ["0.05", "0.10", "0.15"]), ("mtd-at-dl3", ["0.05", "0.12", "0.28"]), ("mtd-at-dl2", ["0.10", "0.25", "0.45"]),
        ("mtd-at-dl1", ["0.20", "0.40", "0.55"]), ("all-toxic", ["0.45", "0.55", "0.65"]),
    ];

    /// <param name="only">One scenario of the trial's (the report test: one scenario keeps it short).</param>
    private static async Task EnterNct(IPage page, string? only = null)
    {
        var scenarios = NctScenarios.Where(x => only is null || x.Name == only).ToArray();
        await page.FillAsync("#trial-name", "Anti-BCMA CAR-NK cell therapy for relapsed or refractory multiple myeloma");
        await page.FillAsync("#trial-registry", "NCT05008536");
        await page.FillAsync("#trial-window", "28");
        await page.FillAsync("#trial-target", "0.30");
        for (int i = 0; i < NctDoses.Length; i++)
        {
            if (await page.Locator($"#dose-{i}-label").CountAsync() == 0) await page.ClickAsync("#add-dose");
            await page.FillAsync($"#dose-{i}-label", NctDoses[i].Label);
            await page.FillAsync($"#dose-{i}-amount", NctDoses[i].Dose);
        }
        for (int s = 0; s < scenarios.Length; s++)
        {
            if (await page.Locator($"#scenario-{s}-name").CountAsync() == 0) await page.ClickAsync("#add-scenario");
            await page.FillAsync($"#scenario-{s}-name", scenarios[s].Name);
            for (int j = 0; j < scenarios[s].Dlt.Length; j++) await page.FillAsync($"#scenario-{s}-dlt-{j}", scenarios[s].Dlt[j]);
        }
        await page.FillAsync("#tl-accrual", "1");
        await page.FillAsync("#tl-screening", "0.20");
        await page.FillAsync("#tl-infusion", "7");
        await page.FillAsync("#tl-response", "56");
    }

    private static Task WaitState(IPage page, string state) =>
        page.WaitForFunctionAsync("s => document.getElementById('run-status').textContent.startsWith(s)", state, new() { Timeout = 60_000 });

    /// <summary>With UPDATE_DOCS=1, a picture of the page's <paramref name="selector"/> for docs/web.md (CI leaves the checkout as it is).</summary>
    private static async Task Screenshot(IPage page, string name, string selector)
    {
        if (!UpdateDocs) return;
        string dir = Path.Combine(Repo.Root, "docs", "web");
        Directory.CreateDirectory(dir);
        await page.Locator(selector).ScreenshotAsync(new() { Path = Path.Combine(dir, name) });
    }

    private static async Task<byte[]> Download(IPage page, string button)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync());
        await using var stream = await download.CreateReadStreamAsync();
        var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    [BrowserFact]
    public async Task The_trial_entered_field_by_field_compares_three_designs_with_the_CLI_numbers()
    {
        await using var s = await ApiTests.Server.Start();
        var page = await browser.NewPage(s.Http.BaseAddress!);
        await EnterNct(page);
        await page.SelectOptionAsync("#verb", "compare");
        await page.FillAsync("#designs", "3+3,boin,crm");
        await page.FillAsync("#trials", "2000");
        await page.FillAsync("#seed", "7");
        await Screenshot(page, "trial-form.png", "#trial-section");
        await page.ClickAsync("#start");
        await WaitState(page, "done");
        string table = await page.TextContentAsync("#result") ?? "";

        string[] args = ["compare", Nct, "--designs", "3+3,boin,crm", "--trials", "2000", "--seed", "7"];
        // The page's fields make the same trial as the shipped file: the same table, byte for byte.
        Assert.Equal(ApiTests.Cli(args), table);
        var json = JsonDocument.Parse(ApiTests.Cli([.. args, "--format", "json"])).RootElement;
        // One number read off the page: BOIN's P(correct) in the scenario whose MTD is DL2.
        var scenario = json.GetProperty("scenarios").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "mtd-at-dl2");
        double p = scenario.GetProperty("designs").EnumerateArray().Single(d => d.GetProperty("design").GetString() == "boin").GetProperty("p_correct_selection").GetDouble();
        string block = table[table.IndexOf("Scenario 'mtd-at-dl2'", StringComparison.Ordinal)..];
        var row = Regex.Match(block, @"^\s+boin\s+([0-9.]+)%", RegexOptions.Multiline);
        Assert.True(row.Success, block);
        // The page shows one decimal of a percentage: within half a unit of the last digit of the JSON's value.
        Assert.InRange(double.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture), 100 * p - 0.05 - 1e-9, 100 * p + 0.05 + 1e-9);
        Assert.InRange(p, 0.5, 0.8); // a real comparison: BOIN finds DL2 more often than not

        // The JSON download is the CLI's JSON for the same inputs and seed.
        string downloaded = System.Text.Encoding.UTF8.GetString(await Download(page, "Download json"));
        Assert.Equal(ApiTests.Cli([.. args, "--format", "json"]).Replace(JsonEncodedText.Encode(Nct).ToString(), RunForm.YamlName), downloaded);
        Assert.Contains("dose-escalation compare scenario.yaml --designs 3+3,boin,crm --trials 2000 --seed 7", await page.TextContentAsync("#command-line"));
        await Screenshot(page, "compare-result.png", "#result-section");
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task The_report_downloads_as_a_valid_docx()
    {
        await using var s = await ApiTests.Server.Start();
        var page = await browser.NewPage(s.Http.BaseAddress!);
        await EnterNct(page, only: "mtd-at-dl2");
        await page.SelectOptionAsync("#verb", "report");
        await page.SelectOptionAsync("#design", "boin");
        await page.FillAsync("#trials", "500");
        await page.FillAsync("#seed", "3");
        await page.ClickAsync("#start");
        await WaitState(page, "done");
        byte[] docx = await Download(page, "Download docx");
        using var zip = new ZipArchive(new MemoryStream(docx), ZipArchiveMode.Read);
        var document = zip.GetEntry("word/document.xml");
        Assert.NotNull(document);
        Assert.NotNull(zip.GetEntry("[Content_Types].xml"));
        using var reader = new StreamReader(document.Open());
        string xml = reader.ReadToEnd();
        Assert.Contains("NCT05008536", xml);
        Assert.Contains("mtd-at-dl2", xml);
        Assert.True(await page.Locator("#charts img").CountAsync() >= 1, "the report's charts are shown");
        await Screenshot(page, "report.png", "#result-section");
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task A_long_run_cancelled_on_the_page_shows_cancelled_and_frees_the_slot()
    {
        await using var s = await ApiTests.Server.Start(new ServeOptions { MaxRuns = 1, MaxQueued = 0 });
        var page = await browser.NewPage(s.Http.BaseAddress!);
        await EnterNct(page);
        // The 3+3's batches of 65,536 trials take milliseconds, so the run stops soon after the cancel.
        await page.FillAsync("#trials", "1000000000000");
        await page.ClickAsync("#start");
        await WaitState(page, "running");
        Assert.True(await page.IsEnabledAsync("#cancel"));
        await Screenshot(page, "running.png", "#run-section");
        await page.ClickAsync("#cancel");
        await WaitState(page, "cancelled");
        Assert.True(await page.IsEnabledAsync("#start"));
        Assert.Equal("", await page.TextContentAsync("#result"));
        // One run at a time and none queued: the next run is accepted (not 429) only if the cancelled one let go of its slot.
        await page.FillAsync("#trials", "1000");
        await page.ClickAsync("#start");
        await WaitState(page, "done");
        Assert.Equal("", await page.TextContentAsync("#run-error"));
        Assert.Contains("Monte Carlo, 1000 trials, seed", await page.TextContentAsync("#result"));
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task Bad_input_is_explained_next_to_its_field()
    {
        await using var s = await ApiTests.Server.Start();
        var page = await browser.NewPage(s.Http.BaseAddress!);
        await EnterNct(page);
        await page.FillAsync("#scenario-2-dlt-1", "1.3");
        var cell = page.Locator("#scenario-2-dlt-1");
        await page.WaitForFunctionAsync("() => document.getElementById('scenario-2-dlt-1').getAttribute('aria-invalid') === 'true'");
        string errorId = (await cell.GetAttributeAsync("aria-describedby"))!;
        Assert.Equal("scenario-2-error", errorId);
        Assert.Equal("Scenario 3, DL2: DLT rate — scenarios[2].dlt[1] = 1.3: a probability must be in [0, 1]", await page.TextContentAsync("#" + errorId));
        // The message sits in the scenario's own box, right under its rates, not at the top of the page.
        Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('scenario-2-dlt-1').closest('fieldset').contains(document.getElementById('scenario-2-error'))"));
        Assert.Equal("", await page.TextContentAsync("#yaml-error"));
        await Screenshot(page, "inline-error.png", "#scenarios .scenario:nth-child(3)");
        // Starting anyway: refused, and the field keeps its message.
        await page.ClickAsync("#start");
        await page.WaitForFunctionAsync("() => document.getElementById('run-error').textContent !== ''");
        Assert.Contains("1.3", await page.TextContentAsync("#" + errorId));
        // Corrected: the message goes away.
        await page.FillAsync("#scenario-2-dlt-1", "0.25");
        await page.WaitForFunctionAsync("() => !document.getElementById('scenario-2-dlt-1').hasAttribute('aria-invalid')");
        Assert.Equal("", await page.TextContentAsync("#" + errorId));
        // A target out of range, next to the target.
        await page.FillAsync("#trial-target", "1.3");
        await page.WaitForFunctionAsync("() => document.getElementById('trial-target-error').textContent !== ''");
        Assert.Equal("Target DLT rate (0 to 1) — target = 1.3: must be a probability strictly between 0 and 1", await page.TextContentAsync("#trial-target-error"));
        // A scenario just added says nothing while it is being typed in; a run names its first empty field.
        await page.FillAsync("#trial-target", "0.30");
        await page.ClickAsync("#add-scenario");
        await page.WaitForFunctionAsync("() => document.getElementById('trial-target-error').textContent === ''");
        Assert.Equal("", await page.TextContentAsync("#scenario-5-error"));
        await page.ClickAsync("#start");
        await page.WaitForFunctionAsync("() => document.getElementById('scenario-5-error').textContent !== ''");
        Assert.Equal("Scenario 6 name — scenarios[5].name = : expected a non-empty text", await page.TextContentAsync("#scenario-5-error"));
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task A_run_with_the_keyboard_only()
    {
        await using var s = await ApiTests.Server.Start();
        var page = await browser.NewPage(s.Http.BaseAddress!);
        async Task TabTo(string id)
        {
            for (int i = 0; i < 200; i++)
            {
                if (await page.EvaluateAsync<string>("() => document.activeElement && document.activeElement.id") == id) return;
                await page.Keyboard.PressAsync("Tab");
            }
            Assert.Fail($"Tab never reached #{id}");
        }
        async Task Type(string id, string text)
        {
            await TabTo(id);
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync(text);
        }
        await Type("trial-name", "Keyboard trial");
        await Type("scenario-0-name", "rising");
        await Type("scenario-0-dlt-0", "0.05");
        await Type("scenario-0-dlt-1", "0.15");
        await Type("scenario-0-dlt-2", "0.35");
        await Type("trials", "1000");
        await Type("seed", "5");
        await TabTo("start");
        await page.Keyboard.PressAsync("Enter");
        await WaitState(page, "done");
        string table = await page.TextContentAsync("#result") ?? "";
        Assert.Contains("Keyboard trial", table);
        Assert.Contains("Monte Carlo, 1000 trials, seed", table);
        // Tab onward reaches the downloads; Enter on one downloads it.
        var download = await page.RunAndWaitForDownloadAsync(async () =>
        {
            for (int i = 0; i < 300; i++)
            {
                await page.Keyboard.PressAsync("Tab");
                if (await page.EvaluateAsync<string>("() => document.activeElement.textContent") == "Download csv") break;
            }
            await page.Keyboard.PressAsync("Enter");
        });
        Assert.Equal("simulate.csv", download.SuggestedFilename);
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task A_file_with_a_DLT_window_and_a_timeline_fills_every_field_and_saves_what_the_CLI_runs_alike()
    {
        await using var s = await ApiTests.Server.Start();
        var page = await browser.NewPage(s.Http.BaseAddress!);
        string crb = Path.Combine(Repo.Root, "scenarios", "crb401-bcma-car-t.yaml");
        await page.SetInputFilesAsync("#yaml-file", crb);
        await page.WaitForFunctionAsync("() => document.getElementById('load-notice').textContent !== ''");
        Assert.Equal("Every setting of the file is in the fields below.", await page.TextContentAsync("#load-notice"));
        Assert.True(await page.IsCheckedAsync("#mode-fields"));
        async Task Field(string id, string value) => Assert.Equal(value, await page.InputValueAsync("#" + id));
        await Field("trial-name", "Anti-BCMA CAR-T cells (bb2121) in relapsed/refractory multiple myeloma, CRB-401 dose escalation");
        await Field("trial-registry", "NCT02658929");
        await Field("trial-window", "21");
        await Field("trial-target", "0.30");
        await Field("trial-source", "Raje et al. (2019) N Engl J Med 380:1726 (CRB-401); 3+3 over four dose levels of CAR+ T cells.");
        await Field("dose-3-label", "DL4");
        await Field("dose-3-amount", "800 x 10^6 CAR+ T cells");
        await Field("scenario-4-name", "all-toxic");
        await Field("scenario-1-dlt-2", "0.25");
        await Field("scenario-2-rationale", "Dose-dependent CRS makes 450 x 10^6 and above too toxic.");
        await Field("tl-accrual", "2");
        await Field("tl-screening", "0.10");
        await Field("tl-infusion", "28");
        await Field("f-timeline-max_wait_days", "60");
        await Field("tl-response", "84");
        await Field("f-timeline-accrual_interval_days", "");
        await Field("design", "3+3");
        await Field("designs", "");
        await Field("trials", "1000000");
        await Field("seed", "20160101");
        await Screenshot(page, "loaded.png", "#trial-section");
        // Changed on the page, saved, and run by the CLI: the change is the file's too.
        await page.FillAsync("#f-timeline-max_wait_days", "45");
        await page.FillAsync("#trials", "400");
        await page.FillAsync("#seed", "9");
        string dir = Directory.CreateTempSubdirectory("de-webload").FullName;
        try
        {
            string saved = Path.Combine(dir, "scenario.yaml");
            await File.WriteAllBytesAsync(saved, await Download(page, "Save the trial as a scenario file"));
            string edited = Path.Combine(dir, "edited.yaml");
            File.WriteAllText(edited, File.ReadAllText(crb).Replace("max_wait_days: 60", "max_wait_days: 45"));
            string Run(string f) => ApiTests.Cli("simulate", f, "--calendar", "--format", "json").Replace(JsonEncodedText.Encode(f).ToString(), "FILE");
            string web = Run(saved);
            Assert.Equal(ApiTests.Cli("simulate", edited, "--calendar", "--trials", "400", "--seed", "9", "--format", "json").Replace(JsonEncodedText.Encode(edited).ToString(), "FILE"), web);
            Assert.Contains("  max_wait_days: 45\n", File.ReadAllText(saved));
        }
        finally { Directory.Delete(dir, recursive: true); }
        await page.CloseAsync();
    }

    /// <summary>A file's grade2 rates fill the scenario's grade 2 row; one below the DLT rate is explained at its cell.</summary>
    [BrowserFact]
    public async Task Grade2_rates_load_into_their_row_and_a_bad_one_is_explained_there()
    {
        await using var s = await ApiTests.Server.Start();
        var page = await browser.NewPage(s.Http.BaseAddress!);
        await page.SetInputFilesAsync("#yaml-file", Path.Combine(Repo.Root, "tests", "DoseEscalation.Tests", "Web", "round-trip-grade2.yaml"));
        await page.WaitForFunctionAsync("() => document.getElementById('load-notice').textContent !== ''");
        Assert.Equal("Every setting of the file is in the fields below.", await page.TextContentAsync("#load-notice"));
        var row = await page.EvaluateAsync<string[]>("() => [0, 1, 2, 3].map(j => document.getElementById('scenario-1-grade2-' + j).value)");
        Assert.Equal(["0.40", "0.08", "0.30", "0.50"], row);
        Assert.Equal("Scenario 1, DL2: grade \u2265 2 rate", await page.GetAttributeAsync("#scenario-0-grade2-1", "aria-label"));
        await page.FillAsync("#scenario-0-grade2-1", "0.05");
        await page.WaitForFunctionAsync("() => document.getElementById('scenario-0-grade2-1').getAttribute('aria-invalid') === 'true'");
        Assert.StartsWith("Scenario 1, DL2: grade \u2265 2 rate \u2014 scenarios[0].grade2[1] = 0.05", await page.TextContentAsync("#scenario-0-error"));
        await page.FillAsync("#scenario-0-grade2-1", "0.30");
        await page.WaitForFunctionAsync("() => !document.getElementById('scenario-0-grade2-1').hasAttribute('aria-invalid')");
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task A_file_with_settings_the_page_has_no_field_for_says_so()
    {
        await using var s = await ApiTests.Server.Start();
        var page = await browser.NewPage(s.Http.BaseAddress!);
        await page.SetInputFilesAsync("#yaml-file", Path.Combine(Repo.Root, "docs", "examples", "bf-boin-zhao2024.yaml"));
        await page.WaitForFunctionAsync("() => document.getElementById('load-notice').textContent !== ''");
        string notice = await page.TextContentAsync("#load-notice") ?? "";
        Assert.Contains("The page has no field for these 3 settings of the file.", notice);
        var listed = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#load-notice li')].map(li => li.textContent)");
        // bf-boin's own options are in its option form; max_n on each of two designs, and boin's options, are not.
        Assert.Equal(["designs[0].max_n = 30", "designs[1].max_n = 30", "designs[1].n_earlystop = 9"], listed);
        Assert.Equal("12", await page.InputValueAsync("#opt-backfill_cap"));
        Assert.Equal("bf-boin,boin", await page.InputValueAsync("#designs"));
        Assert.Equal("0", await page.InputValueAsync("#f-timeline-max_waiting"));
        await Screenshot(page, "load-notice.png", "#load-notice");
        await page.CloseAsync();
    }

    /// <summary>Every scenario file the project ships, as a user would load it.</summary>
    internal static IEnumerable<string> ShippedFiles() =>
        Directory.GetFiles(Path.Combine(Repo.Root, "scenarios"), "*.yaml").Concat(Directory.GetFiles(Path.Combine(Repo.Root, "docs", "examples"), "*.yaml")).Order(StringComparer.Ordinal);

    /// <summary>The shipped files and three that set every key the page has a field for (round-trip-*.yaml beside this file).</summary>
    internal static IEnumerable<string> RoundTripFiles() =>
        ShippedFiles().Concat(Directory.GetFiles(Path.Combine(Repo.Root, "tests", "DoseEscalation.Tests", "Web"), "round-trip-*.yaml").Order(StringComparer.Ordinal));

    /// <summary>
    /// Each shipped file (and three setting every key the page holds) loaded on the page and saved again: every value the file sets is either in
    /// the saved file, as written, or listed on the page as having no field (nothing else is left
    /// out, nothing is added); a file the page represents whole gives the CLI's same JSON output as
    /// the original, plain and on the calendar, for a fixed seed.
    /// </summary>
    [BrowserFact]
    public async Task Each_shipped_file_loads_into_the_fields_and_saves_back_to_the_same_run()
    {
        await using var s = await ApiTests.Server.Start();
        var page = await browser.NewPage(s.Http.BaseAddress!);
        string dir = Directory.CreateTempSubdirectory("de-webload").FullName;
        var whole = new List<string>();
        try
        {
            foreach (var file in RoundTripFiles())
            {
                await page.EvaluateAsync("() => document.getElementById('load-notice').replaceChildren()");
                await page.SetInputFilesAsync("#yaml-file", file);
                await page.WaitForFunctionAsync("() => document.getElementById('load-notice').textContent !== ''");
                var listed = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#load-notice li')].map(li => li.textContent)");
                string saved = Path.Combine(dir, Path.GetFileName(file));
                await File.WriteAllBytesAsync(saved, await Download(page, "Save the trial as a scenario file"));
                var before = ScenarioTree.Flat(File.ReadAllText(file));
                var after = ScenarioTree.Flat(File.ReadAllText(saved));
                foreach (var (path, value) in after)
                    Assert.True(before.TryGetValue(path, out var was) && was == value, $"{Path.GetFileName(file)}: the saved file has {path} = {value}, the file {(was is null ? "has no such key" : "has " + was)}");
                var dropped = before.Where(p => !after.ContainsKey(p.Key)).Select(p => $"{p.Key} = {p.Value}").ToArray();
                Assert.Equal(dropped, listed);
                if (listed.Length > 0)
                {
                    Assert.Contains("The page has no field for", await page.TextContentAsync("#load-notice"));
                    continue;
                }
                whole.Add(Path.GetFileName(file));
                Assert.Equal("Every setting of the file is in the fields below.", await page.TextContentAsync("#load-notice"));
                var read = ScenarioFileReader.Load(file);
                string verb = read.Designs.Count > 1 ? "compare" : "simulate";
                foreach (var calendar in read.Timeline is null ? new[] { false } : [false, true])
                {
                    string[] Args(string f) => [verb, f, "--trials", "300", "--seed", "17", "--format", "json", .. calendar ? new[] { "--calendar" } : []];
                    string Same(string output, string f) => output.Replace(JsonEncodedText.Encode(f).ToString(), "FILE").Replace(f, "FILE");
                    Assert.Equal(Same(ApiTests.Cli(Args(file)), file), Same(ApiTests.Cli(Args(saved)), saved));
                }
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
        // The files whose every key has a field (the BF-BOIN examples have two entries of one design, or per-design options on two designs).
        Assert.Equal(["boin12-bcma-car-nk.yaml", "crb401-bcma-car-t.yaml", "henan-bcma-car-nk-13-patients.yaml", "nct05008536-bcma-car-nk.yaml",
            "nct06379451-nkg2d-car-nk.yaml", "rolling-six-skolnik.yaml", "round-trip-designs.yaml", "round-trip-every-key.yaml", "round-trip-grade2.yaml", "tite-crm-pending.yaml"],
            whole.Order(StringComparer.Ordinal));
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task Every_input_and_select_has_a_label()
    {
        await using var s = await ApiTests.Server.Start();
        var page = await browser.NewPage(s.Http.BaseAddress!);
        await EnterNct(page); // five scenarios, three doses: the generated inputs are there too
        await page.SelectOptionAsync("#design", "crm");
        var unlabeled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select, textarea')]
              .filter(e => !([...(e.labels || [])].some(l => l.textContent.trim() !== '') || (e.getAttribute('aria-label') || '').trim() !== ''
                             || (e.getAttribute('aria-labelledby') || '').split(' ').some(id => id && document.getElementById(id))))
              .map(e => e.id || e.outerHTML)
            """);
        Assert.Empty(unlabeled);
        int count = await page.EvaluateAsync<int>("() => document.querySelectorAll('input, select, textarea').length");
        Assert.True(count > 40, $"{count} inputs"); // 5 scenarios x 3 doses x 2 rates alone are 30
        // Names are distinct per field (a screen reader must tell the cells apart).
        var names = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#scenarios input')].map(e => e.getAttribute('aria-label') || e.labels[0].textContent)");
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.Contains("Scenario 3, DL2: DLT rate", names);
        await page.CloseAsync();
    }
}
