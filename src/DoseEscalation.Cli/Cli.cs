using System.CommandLine;
using System.CommandLine.Parsing;
using DoseEscalation.Application;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Scenarios;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Cli;

/// <summary>
/// The command line: parses a verb with System.CommandLine, runs it, maps failures to exit codes
/// (0 ok, 1 bad input, 2 usage). Every error is one line on standard error; nothing given is
/// dropped: an unknown option is named with the closest known spelling, a missing value, a repeated
/// option or an extra argument is an error.
/// </summary>
public static class Cli
{
    public const int Ok = 0, BadInput = 1, Usage = 2;

    /// <summary>Every verb, in help order.</summary>
    public static IReadOnlyList<string> VerbNames { get; } = ["simulate", "exact", "compare", "table", "next", "samplesize", "plot", "report", "bench", "sweep", "merge", "serve"];

    /// <param name="interactive">True when standard error is a terminal: progress may be drawn there.</param>
    /// <param name="catalog">The designs the command line knows (default: the built-in catalog).</param>
    /// <param name="stdin">Standard input (for next --data -); the console's when null.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false, DesignCatalog? catalog = null, TextReader? stdin = null) =>
        Run(args, stdout, stderr, interactive, catalog, stdin, merged: null);

    /// <param name="merged">Under merge: the parts' counters, which the replayed verb uses instead of simulating.</param>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive, DesignCatalog? catalog, TextReader? stdin, MergedParts? merged)
    {
        catalog ??= DesignCatalog.Default;
        if (args is ["--version"]) { stdout.WriteLine(Reporting.Formats.ToolInfo.Describe()); return Ok; }
        int code = Ok;
        var root = new RootCommand("dose-escalation " + Reporting.Formats.ToolInfo.Version
            + ": phase I dose-escalation designs, simulated and exact operating characteristics. "
            + "Documentation: the README shipped with the package and the project's guides (scenario file format, designs, output formats, sample size, charts, conduct).");
        void Verb(Command command, Func<ParseResult, int> run)
        {
            command.SetAction(pr => code = Guard(stderr, () => run(pr)));
            root.Subcommands.Add(command);
        }
        // What every run gets: the catalog, messages on standard error, progress when drawn.
        Verbs Front(bool quiet) => new(catalog, stdout, stderr, interactive && !quiet, quiet);

        var sim = new Command("simulate", "Monte Carlo operating characteristics of a design over toxicity scenarios.");
        var simIn = new InputFlags(sim, catalog, multi: false, formats: ["table", "csv", "json"]);
        var simRun = new RunFlags(sim, "Simulated trials per scenario (default: the file's, else 1,000,000).");
        var simMethod = Flags.Choice("--method", "Simulation method: compiled state graph when it fits (auto), graph, or trial loop", "auto", "graph", "loop");
        var simEngine = Flags.Choice("--engine", "monte-carlo, or exact (the same as the exact verb)", "monte-carlo", "exact");
        var simd = Flags.Choice("--simd", "Vector path of the compiled walk: the widest this CPU accelerates (auto), or one named; every path gives the same numbers", "auto", "scalar", "vector128", "vector256", "vector512");
        sim.Options.Add(simMethod); sim.Options.Add(simEngine); sim.Options.Add(simd);
        var simCalendar = Flags.Switch("--calendar", "Simulate in calendar time with the file's timeline: block (see the calendar guide): trial duration, time to the MTD decision, waiting and lost patients");
        sim.Options.Add(simCalendar);
        var simShard = new ShardFlags(sim);
        Verb(sim, pr =>
        {
            var output = simIn.Output(pr, simShard.IsShard(pr));
            simRun.Bind(pr, out var trials, out var seed, out int threads);
            bool exactEngine = pr.Given(simEngine) == "exact";
            bool calendar = pr.Given(simCalendar) ?? false;
            if (exactEngine && pr.GetResult(simd) is not null) throw new UsageException("--simd applies to Monte Carlo only, not with --engine exact");
            if (calendar && exactEngine) throw new UsageException("--calendar is a Monte Carlo simulation, not with --engine exact");
            if (calendar && pr.GetResult(simMethod) is not null) throw new UsageException("--method does not apply with --calendar (the calendar engine simulates each patient)");
            if (exactEngine && pr.GetResult(simMethod) is not null) throw new UsageException("--method applies to Monte Carlo only, not with --engine exact");
            var sharding = simShard.Bind(pr, args, merged);
            if (exactEngine && (sharding.Shard is not null || sharding.BatchSize is not null))
                throw new UsageException("--shard and --batch-size apply to Monte Carlo only, not with --engine exact");
            var request = new SimulateRequest
            {
                Input = simIn.Input(pr), Trials = trials, Seed = seed, Threads = threads,
                Method = pr.Given(simMethod) switch { "graph" => SimulationMethod.CompiledGraph, "loop" => SimulationMethod.TrialLoop, _ => null },
                Engine = exactEngine ? EngineChoice.Exact : EngineChoice.MonteCarlo,
                Simd = pr.Given(simd) switch
                {
                    "scalar" => SimdPath.Scalar, "vector128" => SimdPath.Vector128, "vector256" => SimdPath.Vector256, "vector512" => SimdPath.Vector512,
                    _ => null,
                },
                Calendar = calendar, Sharding = sharding,
            };
            output.Check(request.Input.File); // an unusable --out fails before any work
            var front = Front(output.Quiet);
            return front.Write(front.Run(ctx => Runs.Simulate(request, ctx, output.Out is not null)), output);
        });

        var exact = new Command("exact", "Exact operating characteristics by enumerating every trial state (no simulation error).");
        var exIn = new InputFlags(exact, catalog, multi: false, formats: ["table", "csv", "json"]);
        var paths = Flags.Int("--paths", "List every distinct outcome path of the first N cohorts with its probability, instead of the OCs.", 1);
        var maxStates = Flags.Int("--max-states", $"Give up (and suggest simulate) past this many distinct trial states (default {EngineRule.DefaultMaxStates:N0}).", 1);
        var pathFigure = Flags.Text("--figure", "With --paths: also draw the pathways as a tree (dose-transition pathways, Yap et al. 2017) into this file; .png (300 dpi), .svg or .pdf by its extension. At most "
            + $"{PathwaysChart.MaxPaths} paths.", "FILE");
        var pathLabels = Flags.Choice("--path-labels", "With --figure: a cohort's outcome on an edge as counts (DLTs/patients, e.g. 1/3; the default) or letters (N no DLT, T DLT, e.g. NNT)", "counts", "letters");
        var pathProbabilities = Flags.Choice("--path-probabilities", "With --figure: paths (the default: P(path) beside each path, a column per scenario), edges (also P(outcome | path so far) on each edge; one scenario) or none (the design's tree alone)", "paths", "edges", "none");
        exact.Options.Add(paths); exact.Options.Add(maxStates); exact.Options.Add(pathFigure); exact.Options.Add(pathLabels); exact.Options.Add(pathProbabilities);
        Verb(exact, pr =>
        {
            var output = exIn.Output(pr);
            string? figurePath = pr.Given(pathFigure);
            if (figurePath is not null && pr.Given(paths) is null) throw new UsageException("--figure draws the pathways of --paths N; give --paths");
            if (figurePath is null && pr.GetResult(pathLabels) is not null) throw new UsageException("--path-labels applies to the pathway figure; give --figure FILE");
            if (figurePath is null && pr.GetResult(pathProbabilities) is not null) throw new UsageException("--path-probabilities applies to the pathway figure; give --figure FILE");
            var figureFormat = figurePath is null ? (ChartFormat?)null : ChartFileOptions.FromExtension(Path.GetExtension(figurePath))
                ?? throw new InputException($"--figure {figurePath}: the extension names no chart format (.png, .svg or .pdf)");
            var request = new ExactRequest
            {
                Input = exIn.Input(pr), Paths = pr.Given(paths), MaxStates = pr.Given(maxStates) ?? EngineRule.DefaultMaxStates,
                Figure = figurePath is null ? null : new PathwaysOptions
                {
                    Labels = pr.Given(pathLabels) == "letters" ? PathLabels.Letters : PathLabels.Counts,
                    Probabilities = pr.Given(pathProbabilities) switch { "edges" => PathProbabilities.Edges, "none" => PathProbabilities.None, _ => PathProbabilities.Paths },
                },
            };
            output.Check(request.Input.File);
            if (figurePath is not null) OutputFile.Check(figurePath, [request.Input.File, output.Out], flag: "--figure");
            if (request.Paths is not null && output.Format is not ("table" or "csv")) throw new InputException($"--format {output.Format}: --paths writes table or csv");
            var front = Front(output.Quiet);
            var result = front.Run(ctx => Runs.Exact(request, ctx));
            if (figurePath is null || result is not PathsResult { Figure: { } figure }) return front.Write(result, output);
            // The figure and the table are rendered before anything is written; a failure writing the table takes the figure back.
            byte[] picture = figure.Encode(new ChartFileOptions { Format = figureFormat!.Value });
            using var rendered = new MemoryStream();
            result.Write(output.Format, rendered);
            bool existed = File.Exists(figurePath);
            OutputFile.Cli(() => AtomicOutput.WriteFile(figurePath, s => s.Write(picture), request.Input.File, output.Out), "--figure");
            try { Verbs.Emit(s => rendered.WriteTo(s), output.Out, stdout); }
            catch
            {
                if (!existed) File.Delete(figurePath);
                throw;
            }
            return Ok;
        });

        var compare = new Command("compare", "Several designs on every scenario, side by side, with the same simulated patients (common random numbers), with paired differences and the benchmark. A design option flag (e.g. --estimate, --max-pending, --extrasafe) sets the option of every design in the comparison that takes it; the others are noted, and a flag no design takes is refused.");
        var cmpIn = new InputFlags(compare, catalog, multi: true, formats: ["table", "csv", "json"]);
        var cmpRun = new RunFlags(compare, "Simulated trials per scenario (default 100,000).");
        var cmpCalendar = Flags.Switch("--calendar", "Compare in calendar time with the file's timeline: block (see the calendar guide): durations and paired differences in duration");
        var cmpDurationCharts = Flags.Text("--duration-charts", "With --calendar: write duration-SCENARIO.svg (the cumulative distribution of trial duration per design) into this folder", "DIR");
        compare.Options.Add(cmpCalendar); compare.Options.Add(cmpDurationCharts);
        var cmpShard = new ShardFlags(compare);
        Verb(compare, pr =>
        {
            var output = cmpIn.Output(pr, cmpShard.IsShard(pr));
            cmpRun.Bind(pr, out var trials, out var seed, out int threads);
            string? chartDir = pr.Given(cmpDurationCharts);
            var request = new CompareRequest
            {
                Input = cmpIn.Input(pr), Designs = cmpIn.DesignsValue(pr), Trials = trials, Seed = seed, Threads = threads,
                Calendar = pr.Given(cmpCalendar) == true, DurationCharts = chartDir is not null, Sharding = cmpShard.Bind(pr, args, merged),
            };
            if (chartDir is not null && !request.Calendar) throw new UsageException("--duration-charts needs --calendar");
            // An unusable --out or chart folder fails before any work, naming its own option.
            output.Check(request.Input.File);
            if (chartDir is not null) OutputFile.Check(chartDir, [request.Input.File], folder: true, flag: "--duration-charts");
            var front = Front(output.Quiet);
            var result = front.Run(ctx => Runs.Compare(request, ctx, output.Out is not null));
            if (chartDir is null) return front.Write(result, output);
            // Everything is drawn and rendered before anything is written; the charts and the output are written all or nothing.
            var charts = result is CalendarComparisonResult c ? c.DurationCharts.Select(f => (Name: f.Name + ".svg", Bytes: f.Figure.Encode(new ChartFileOptions { Format = ChartFormat.Svg }))).ToList() : [];
            using var rendered = new MemoryStream();
            result.Write(output.Format, rendered);
            bool existed = Directory.Exists(chartDir);
            var written = OutputFile.Cli(() => AtomicOutput.WriteFolder(chartDir, charts.Select(x => (x.Name, (Action<Stream>)(st => st.Write(x.Bytes)))).ToList(), request.Input.File), "--duration-charts");
            try { Verbs.Emit(s => rendered.WriteTo(s), output.Out, stdout); }
            catch
            {
                // The output failed after the charts were written: take them back.
                if (!existed) Directory.Delete(chartDir, recursive: true);
                else foreach (var path in written) File.Delete(path);
                throw;
            }
            return Ok;
        });

        var table = new Command("table", "A design's decision table: for n patients at the current dose, the DLT counts that escalate, stay, de-escalate, eliminate. "
            + "tite-boin: Yuan et al. (2018)'s Table 1, for n patients (pending included), x DLTs and m pending, the decision by the pending patients' standardized total follow-up time (STFT, 0 to m), with the boundaries solved exactly; n up to five cohorts unless max N is given (--max-n, the file or --set). "
            + "blrm, crm, tite-crm (model-based: no table of counts at one dose): the protocol's hypothetical outcomes table: from the data so far (--data; none: the start of the trial), every outcome of the next --cohorts cohorts (0..c DLTs each), the decision after it (next dose, or stop and the MTD) and every dose's posterior (blrm: mean, P(under), P(target), P(over); crm: mean, plug-in, 90% credible interval).");
        var tabIn = new InputFlags(table, catalog, multi: false, formats: ["table", "csv", "md", "json"], scenarios: false);
        var tabData = Flags.Text("--data", "blrm, crm, tite-crm: the data so far, as next takes it (outcome notation \"1NNN 2NTN\", a CSV/TSV file, or - for standard input); default: none, the start of the trial. Pending patients are refused.", "DATA", allowEmpty: true);
        var tabCohorts = Flags.Int("--cohorts", $"blrm, crm, tite-crm: cohorts the table looks ahead, 1 to {Conduct.TrialConduct.MaxCohortsAhead} (default 1).", 1);
        var tabDeviations = Flags.Switch("--allow-deviations", "blrm, crm, tite-crm: accept data the design would not have produced.");
        foreach (var op in new Option[] { tabData, tabCohorts, tabDeviations }) table.Options.Add(op);
        Verb(table, pr =>
        {
            var output = tabIn.Output(pr);
            var tableInput = tabIn.Input(pr);
            string? dataFlag = pr.Given(tabData);
            output.Check(tableInput.File, dataFlag);
            var (text, dataName) = dataFlag is null ? ((string?)null, "--data") : NextCommand.ReadData(dataFlag, stdin ?? Console.In);
            var request = new TableRequest
            {
                Input = tableInput, Data = text, DataName = dataName, Cohorts = pr.Given(tabCohorts), AllowDeviations = pr.Given(tabDeviations) ?? false,
            };
            var front = Front(output.Quiet);
            return NextCommand.Run(() =>
            {
                var result = Runs.Table(request, front.Context(null));
                if (output.Format == "json" && result.Outcomes is null)
                    throw new InputException($"--format json: {result.Design.Name}'s decision table is written as {result.Formats}; json is the hypothetical-outcomes table of blrm, crm and tite-crm");
                return front.Write(result, output);
            }, dataName, stderr);
        });

        var next = new Command("next", "During the trial: the design's next decision from the observed data, with its reason, what each outcome of the next cohort would do, and the final MTD.");
        var nextIn = new InputFlags(next, catalog, multi: false, formats: ["table", "md", "json"]);
        // --data "" is a trial before its first cohort, so the value may be empty.
        var data = Flags.Text("--data", "The observed data: outcome notation (\"1NNN 2NTN\": dose, then N or T per patient; \"\" before the first cohort), a CSV/TSV file (patient,dose,dlt[,days_followed,dlt_day,cohort,response,backfill]; dlt 'pending' for a patient still in the window: read by backfill designs, and by tite-crm and tite-boin with its days_followed over the file's trial.dlt_window_days), or - for standard input (required).", "DATA", allowEmpty: true);
        data.Required = true;
        var final = Flags.Switch("--final", "Report the final MTD with isotonic estimates now (it is reported anyway once the design stops).");
        var deviations = Flags.Switch("--allow-deviations", "Accept data the design would not have produced (another dose, a skipped dose, patients after the stop, another cohort size); the output lists the deviations.");
        var scenarioName = Flags.Text("--scenario", "Name of the file's scenario whose DLT probabilities weight the pathways (or give --dlt).", "NAME");
        var ahead = Flags.Int("--cohorts-ahead", "Cohorts the pathways look ahead, 1 to 4 (default 1).", 1);
        foreach (var op in new Option[] { data, final, deviations, scenarioName, ahead }) next.Options.Add(op);
        Verb(next, pr =>
        {
            var output = nextIn.Output(pr);
            var input = nextIn.Input(pr);
            if (input.CorrectSelection is not null || input.CorrectWindow is not null) throw new UsageException("--correct-selection applies to operating characteristics, not to next");
            output.Check(input.File, pr.GetValue(data)); // an unusable --out fails before any work, and never replaces the data
            var (text, dataName) = NextCommand.ReadData(pr.GetValue(data)!, stdin ?? Console.In);
            var request = new Application.NextRequest
            {
                Input = input, Data = text, DataName = dataName, Final = pr.Given(final) ?? false, AllowDeviations = pr.Given(deviations) ?? false,
                Scenario = pr.Given(scenarioName), CohortsAhead = pr.Given(ahead) ?? 1,
            };
            var front = Front(output.Quiet);
            return NextCommand.Run(() => front.Write(Runs.Next(request, front.Context(null)), output), dataName, stderr);
        });

        var ss = new Command("samplesize", "Sample size for a protocol: evaluable and enrolled N with non-evaluable replacement and expansion, toxicity, efficacy.");
        var ssIn = new InputFlags(ss, catalog, multi: false, formats: ["table", "md", "json"]);
        var planned = Flags.Int("--planned-n", "Planned enrolled sample size whose sufficiency is reported (default: the file's protocol.planned_n).", 1);
        planned.Aliases.Add("-n"); planned.Aliases.Add("--n");
        var coverage = Flags.Real("--coverage", "Share of trials the recommended N must cover (default 0.9).", v => v > 0 && v < 1, "strictly between 0 and 1");
        var nonEval = Flags.Real("--non-evaluable", "Probability an enrolled patient is non-evaluable and replaced (default: the file's, else 0).", v => v >= 0 && v < 0.95, "a probability in [0, 0.95)");
        var expansion = Flags.Int("--expansion", "Patients added at the selected dose (default: the file's protocol.expansion_cohort, else 0).", 0);
        var minResp = Flags.Int("--min-responses", "r in P(at least r responses at the selected dose) (default: the file's protocol.min_responses).", 1);
        var ssRun = new RunFlags(ss, "Simulated trials per scenario when the exact engine cannot be used (default: the file's).");
        var ssStates = Flags.Int("--max-states", "Use the exact engine when the design has at most this many trial states, else Monte Carlo.", 1);
        foreach (var op in new Option[] { planned, coverage, nonEval, expansion, minResp, ssStates }) ss.Options.Add(op);
        Verb(ss, pr =>
        {
            var output = ssIn.Output(pr);
            ssRun.Bind(pr, out var trials, out var seed, out int threads);
            var request = new SampleSizeRequest
            {
                Input = ssIn.Input(pr), PlannedN = pr.Given(planned), Coverage = pr.Given(coverage), NonEvaluable = pr.Given(nonEval), Expansion = pr.Given(expansion),
                MinResponses = pr.Given(minResp), Trials = trials, Seed = seed, Threads = threads, MaxStates = pr.Given(ssStates) ?? EngineRule.DefaultMaxStates,
            };
            output.Check(request.Input.File); // an unusable --out fails before any work
            var front = Front(output.Quiet);
            return front.Write(front.Run(ctx => Runs.SampleSize(request, ctx)), output);
        });

        var plot = new Command("plot", "Charts of a design's operating characteristics (PNG, SVG or PDF) into a folder: selection, allocation, sample size, OC curve, design comparison, duration, dose-transition pathways.");
        var plotIn = new InputFlags(plot, catalog, multi: false, formats: ["png", "svg", "pdf"], outDoc: "Folder to write the charts into, one file per chart (required).", defaultFormat: "table");
        var dpi = Flags.Int("--dpi", "Resolution of PNG charts in dots per inch, 48 to 1200 (default 300); recorded in the file.", 1);
        var charts = Flags.Text("--charts", $"Charts to draw, comma-separated (default: all of {string.Join(",", Charts.Names)}).", "LIST");
        var plotEngine = Flags.Choice("--engine", "Engine: exact where the design allows (auto), exact, or monte-carlo", "auto", "exact", "monte-carlo");
        var plotTrials = Flags.Long("--trials", "Monte Carlo trials per scenario (default: the file's; 100,000 for the comparison).", 1);
        var plotSeed = Flags.Seed("Random seed (default: the file's).");
        var markN = Flags.Int("--mark-n", "Sample size to mark on the sample-size chart with its P(N <= n) (default: the file's planned_n).", 1);
        var plotDesigns = Flags.Text("--designs", $"Designs of the comparison chart, comma-separated (default {string.Join(",", EngineRule.DefaultComparison)}).", "LIST");
        var gallery = Flags.Text("--gallery", "Write the chart gallery of the documentation into this folder instead (fixed inputs; no other option may be given).", "DIR");
        var plotPaths = Flags.Int("--paths", $"Cohorts of the dose-transition pathway chart (paths), default {Charts.DefaultPathCohorts}; at most {PathwaysChart.MaxPaths} paths are drawn.", 1);
        foreach (var op in new Option[] { charts, plotEngine, plotTrials, plotSeed, markN, plotDesigns, plotPaths, dpi, gallery }) plot.Options.Add(op);
        Verb(plot, pr =>
        {
            var output = plotIn.Output(pr);
            var request = new ChartsRequest
            {
                Input = plotIn.Input(pr), Charts = pr.Given(charts), Engine = Engine(pr.Given(plotEngine)), Trials = pr.Given(plotTrials), Seed = pr.Given(plotSeed),
                MarkN = pr.Given(markN), Designs = pr.Given(plotDesigns), Paths = pr.Given(plotPaths),
            };
            string? galleryDir = pr.Given(gallery);
            if (galleryDir is not null)
            {
                var others = pr.CommandResult.Children.OfType<OptionResult>().Where(r => r.Option != gallery).Select(r => r.Option.Name).ToList();
                if (others.Count > 0 || request.Input.File is not null) throw new UsageException($"--gallery draws fixed inputs; it takes no other option ({string.Join(", ", others.DefaultIfEmpty("FILE"))} given)");
            }
            if (request.Engine == EngineChoice.Exact && request.Trials is not null) throw new UsageException("--trials applies to Monte Carlo only, not with --engine exact");
            OutputFile.Check(galleryDir ?? output.Out, galleryDir is null ? request.Input.File : null, folder: true); // an unusable --out fails before any work
            return PlotCommand.Plot(request, output, pr.Given(dpi), galleryDir, Front(output.Quiet));
        });

        var report = new Command("report", "One self-contained HTML page, a Word document (docx) or Markdown with SVGs beside it: inputs, design rules, results, all charts, reproducibility footer.");
        var repIn = new InputFlags(report, catalog, multi: false, formats: ["html", "md", "docx"], outDoc: "File to write the report to (required); its extension (html, md or docx) chooses the format when --format is not given.", defaultFormat: "table");
        var repEngine = Flags.Choice("--engine", "Engine: exact where the design allows (auto), exact, or monte-carlo", "auto", "exact", "monte-carlo");
        var repTrials = Flags.Long("--trials", "Monte Carlo trials per scenario (default: the file's).", 1);
        var repSeed = Flags.Seed("Random seed (default: the file's).");
        var repMark = Flags.Int("--mark-n", "Sample size to mark on the sample-size charts (default: the file's planned_n).", 1);
        var repDesigns = Flags.Text("--designs", $"Designs of the comparison section, comma-separated (default {string.Join(",", EngineRule.DefaultComparison)}).", "LIST");
        var repCmpTrials = Flags.Long("--compare-trials", $"Trials per scenario of the comparison section (default {EngineRule.DefaultReportCompareTrials:N0}).", 1);
        var repPaths = Flags.Int("--paths", $"Cohorts of the dose-transition pathway chart, default {Charts.DefaultPathCohorts}; past {PathwaysChart.MaxPaths} paths the chart is left out, or, with --paths given, the run fails.", 1);
        foreach (var op in new Option[] { repEngine, repTrials, repSeed, repMark, repDesigns, repCmpTrials, repPaths }) report.Options.Add(op);
        Verb(report, pr =>
        {
            var output = repIn.Output(pr);
            var request = new ChartsRequest
            {
                Input = repIn.Input(pr), Engine = Engine(pr.Given(repEngine)), Trials = pr.Given(repTrials), Seed = pr.Given(repSeed), MarkN = pr.Given(repMark),
                Designs = pr.Given(repDesigns), CompareTrials = pr.Given(repCmpTrials), Paths = pr.Given(repPaths),
            };
            output.Check(request.Input.File); // an unusable --out fails before any work
            return PlotCommand.Report(request, output, "dose-escalation " + string.Join(' ', args), Front(output.Quiet));
        });

        var bench = new Command("bench", "Measure Monte Carlo throughput (trials/second) on this machine, on 1 thread and on all cores.");
        var bTrials = Flags.Long("--trials", "Trials per measurement (default 200,000,000).", 1);
        var bDlt = Flags.Text("--dlt", "True DLT probabilities of the standard scenario (default 0.10,0.25,0.40).", "P1,P2,...");
        var bMethod = Flags.Choice("--method", "graph (compiled state graph), loop (general trial loop) or auto", "graph", "loop", "auto");
        var bDesigns = Flags.Switch("--designs", "Also measure every design on a 5-dose scenario (1 thread).");
        var bVsC = Flags.Text("--vs-c", "Also time this program against the reference C program (benchmarks/c/threeplusthree, built with make -C benchmarks/c) as whole processes, in turn, and print the ratio of their CPU times.", "PROGRAM");
        var bCTrials = Flags.Long("--c-trials", "Trials per run of the comparison with C (default 1,000,000,000).", 1);
        var bPairs = Flags.Int("--pairs", "Runs of each program per thread count in the comparison with C (default 7).", 1);
        foreach (var op in new Option[] { bTrials, bDlt, bMethod, bDesigns, bVsC, bCTrials, bPairs }) bench.Options.Add(op);
        Verb(bench, pr => BenchCommand.Run(pr.Given(bTrials) ?? 200_000_000L, pr.Given(bDlt) ?? "0.10,0.25,0.40", pr.Given(bMethod) ?? "graph", pr.Given(bDesigns) ?? false,
            pr.Given(bVsC), pr.Given(bCTrials), pr.Given(bPairs), stdout, catalog, VersusC.Self));

        var sweep = new Command("sweep", "A grid of designs x scenarios (listed, every monotone curve on a probability grid, or pseudo-uniform random curves) x sample sizes x cohort sizes x calendar settings (timelines:, run on the calendar engine), one tidy row per cell in CSV or Parquet; resumable, shardable. See the sweep guide.");
        var sweepGrid = new Argument<string>("GRID") { Description = "The sweep grid (YAML; see the sweep guide)." };
        var sweepFormat = Flags.Choice("--format", "Output format (default: parquet when --out ends in .parquet, else csv)", "csv", "parquet");
        var sweepOut = Flags.Text("--out", "Write the table to this file (atomically) instead of standard output; with --shard, the shard's partial result.", "PATH");
        var sweepState = Flags.Text("--state", "Folder recording finished cells, so a sweep started again skips them (default: the --out path + .cells; removed once the output is written).", "DIR");
        var sweepThreads = Flags.Int("--threads", "Worker threads; 0 = all cores (default). Does not change the results.", 0);
        var sweepQuiet = Flags.Switch("--quiet", "No progress display on standard error.");
        sweep.Arguments.Add(sweepGrid);
        foreach (var op in new Option[] { sweepFormat, sweepOut, sweepState, sweepThreads, sweepQuiet }) sweep.Options.Add(op);
        var sweepShard = new ShardFlags(sweep, withBatchSize: false);
        Verb(sweep, pr =>
        {
            string? outPath = pr.Given(sweepOut), formatGiven = pr.Given(sweepFormat), state = pr.Given(sweepState);
            var request = new SweepRequest
            {
                Grid = pr.GetValue(sweepGrid)!, State = state ?? (outPath is { } o ? o + ".cells" : null), StateGiven = state is not null,
                Threads = pr.Given(sweepThreads) ?? 0, Sharding = sweepShard.Bind(pr, args, merged),
            };
            string format = formatGiven ?? (outPath is { } p && p.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? "parquet" : "csv");
            if (request.Sharding.Shard is null && format == "parquet" && outPath is null) throw new UsageException("--format parquet writes a binary file: give --out FILE");
            if (request.Sharding.Shard is not null && outPath is null) throw new UsageException("--shard writes a partial result: give --out FILE (merge adds the parts into the output)");
            if (request.Sharding.Shard is not null && formatGiven is not null) throw new UsageException("--format applies to the merged output: give it to merge, not to a shard");
            OutputFile.Check(outPath, request.Grid);
            var front = Front(pr.Given(sweepQuiet) ?? false);
            var result = front.Run(ctx => SweepRuns.Run(request, ctx, outPath is not null, formatGiven is not null));
            front.Write(result, new OutputSettings(format, outPath, false));
            if (request.Sharding.Merged is null) SweepRuns.Finish(request.State);
            return Ok;
        });

        var merge = new Command("merge", "Add the partial results of the shards of one run (simulate, compare or sweep with --shard I/N) into the output the unsharded run writes, byte for byte; refuses parts of another run, and a missing or repeated shard.");
        var mergeParts = new Argument<string[]>("PARTS") { Arity = ArgumentArity.OneOrMore, Description = "The partial results (JSON) the shards wrote with --out, in any order." };
        var mergeFormat = Flags.Choice("--format", "Output format, as the verb that wrote the parts takes (simulate and compare: table, csv or json; sweep: csv or parquet; default: the --out extension, else the verb's)", "table", "csv", "json", "parquet");
        var mergeOut = Flags.Text("--out", "Write the merged output to this file (atomically) instead of standard output; nothing is written when a part is refused.", "PATH");
        merge.Arguments.Add(mergeParts); merge.Options.Add(mergeFormat); merge.Options.Add(mergeOut);
        Verb(merge, pr =>
        {
            var parts = pr.GetValue(mergeParts) ?? [];
            string? outPath = pr.Given(mergeOut);
            foreach (var p in parts) OutputFile.Check(outPath, p);
            var input = Shards.Read(parts);
            var replay = new List<string> { input.Verb };
            replay.AddRange(input.Arguments);
            if (pr.Given(mergeFormat) is { } format) replay.AddRange(["--format", format]);
            if (outPath is not null) replay.AddRange(["--out", outPath]);
            replay.Add("--quiet");
            return Run([.. replay], stdout, stderr, interactive: false, catalog, stdin: null, input.Parts);
        });

        var serve = new Command("serve", "A local web app over the same runs (trial, designs, simulate, exact, compare, sample size, conduct, decision tables, downloads); prints its URL. See the web guide.");
        var serveHost = Flags.Text("--host", "Address to listen on (default 127.0.0.1, loopback); any other address gets an access token, generated and printed in the URL.", "ADDRESS");
        var servePort = Flags.Int("--port", "Port (default 5080; 0 = a free port).", 0);
        var serveRuns = Flags.Int("--max-runs", "Runs computing at once (default 2); more wait in the queue.", 1);
        var serveQueued = Flags.Int("--max-queued", "Runs waiting for a slot (default 8); a run beyond them is refused (HTTP 429).", 0);
        var serveKeep = Flags.Int("--keep-results", "Ended runs kept with their results (default 100); beyond them the oldest is discarded, and asking for it answers 410.", 1);
        var serveKeepFor = Flags.Int("--keep-seconds", "How long an ended run's result is kept, at most (default 1800).", 1, "S");
        foreach (var op in new Option[] { serveHost, servePort, serveRuns, serveQueued, serveKeep, serveKeepFor }) serve.Options.Add(op);
        Verb(serve, pr => ServeCommand.Run(new ServeCommand.Flags(pr.Given(serveHost) ?? "127.0.0.1", pr.Given(servePort) ?? 5080, pr.Given(serveRuns), pr.Given(serveQueued),
            pr.Given(serveKeep), pr.Given(serveKeepFor)), catalog, stdout));

        System.Diagnostics.Debug.Assert(root.Subcommands.Select(c => c.Name).SequenceEqual(VerbNames));
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (UsageError(result, root) is { } problem)
        {
            bool value = problem.StartsWith(Flags.ValueErrorMark, StringComparison.Ordinal);
            stderr.WriteLine($"dose-escalation: error: {Printable(problem.TrimStart(Flags.ValueErrorMark[0]))}");
            return value ? BadInput : Usage;
        }
        if (result.CommandResult.Command == root && !args.Any(a => a is "--help" or "-h" or "-?" or "--version"))
        {
            stderr.WriteLine($"dose-escalation: error: name a command ({string.Join(", ", root.Subcommands.Select(c => c.Name))}); dose-escalation --help lists them");
            return Usage;
        }
        int exit = result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        return exit != 0 ? exit : code;
    }

    private static EngineChoice Engine(string? given) => given switch
    {
        "exact" => EngineChoice.Exact,
        "monte-carlo" => EngineChoice.MonteCarlo,
        _ => EngineChoice.Auto,
    };

    /// <summary>
    /// A message as one printable line: control characters (line breaks, ESC, NUL, DEL) the user's
    /// input brought in are shown as \u00XX, never sent to the terminal.
    /// </summary>
    internal static string Printable(string message) =>
        message.Any(char.IsControl) ? string.Concat(message.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString())) : message;

    /// <summary>Runs a verb, turning input errors into one line and an exit code.</summary>
    private static int Guard(TextWriter stderr, Func<int> run)
    {
        try { return run(); }
        catch (UsageException ex)
        {
            stderr.WriteLine($"dose-escalation: error: {Printable(ex.Message)}");
            return Usage;
        }
        catch (Exception ex) when (ex is InputException or ScenarioFileException or DesignOptionException or OptionValueException or ResourceLimitException)
        {
            stderr.WriteLine($"dose-escalation: error: {Printable(ex.Message)}");
            return BadInput;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"dose-escalation: error: {Printable(ex.Message.Split('\n')[0])}");
            return BadInput;
        }
    }

    /// <summary>The first thing wrong with the command line as typed, in one line; null if nothing is.</summary>
    private static string? UsageError(ParseResult result, RootCommand root)
    {
        var command = result.CommandResult.Command;
        // An unknown option lands as an argument (FILE) or an unmatched token: name it, with the closest spelling.
        var loose = result.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value)
            .Concat(result.UnmatchedTokens);
        foreach (var token in loose)
        {
            if (token.Length > 1 && token[0] == '-' && !double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                string name = token.Split('=')[0];
                var known = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToList();
                string? close = Closest(name, known);
                if (token.Contains('=') && known.Contains(name)) return $"write {name} VALUE, not {token}";
                return $"unknown option {name}" + (close is null ? $" for {command.Name}" : $"; did you mean {close}?") + $" ({(command == root ? "dose-escalation" : "dose-escalation " + command.Name)} --help lists the options)";
            }
        }
        // A switch followed by a word that is neither true/false nor an existing file: the word was meant for the switch.
        var tokens = result.Tokens;
        for (int i = 1; i < tokens.Count; i++)
        {
            if (tokens[i].Type != TokenType.Argument || tokens[i - 1].Type != TokenType.Option) continue;
            var option = command.Options.FirstOrDefault(o => o.Name == tokens[i - 1].Value || o.Aliases.Contains(tokens[i - 1].Value));
            if (option is Option<bool?> && !File.Exists(tokens[i].Value) && result.GetValue<string?>("FILE") == tokens[i].Value)
                return Flags.ValueErrorMark + $"{tokens[i - 1].Value} {tokens[i].Value}: expected true or false (or a scenario FILE, and there is no such file)";
        }
        if (command == root && result.UnmatchedTokens.Count > 0)
        {
            string verb = result.UnmatchedTokens[0];
            string? close = Closest(verb, root.Subcommands.Select(c => c.Name).ToList());
            return $"unknown command {verb}" + (close is null ? "" : $"; did you mean {close}?");
        }
        if (result.Errors.Count == 0) return null;
        // A value error (ours) is reported before a structural one only if no structural one exists.
        // An option without its value comes first: the parser then misplaces the tokens after it
        // ("--max-n --seed 5" would otherwise report '5' as an unexpected argument).
        var errors = result.Errors
            .OrderBy(e => e.Message.StartsWith("Required argument missing for option", StringComparison.Ordinal) || e.Message.Contains(" needs a value (the next word is the option ", StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(e => e.Message.StartsWith(Flags.ValueErrorMark, StringComparison.Ordinal) ? 1 : 0).ToList();
        string message = errors[0].Message;
        if (message.StartsWith(Flags.ValueErrorMark, StringComparison.Ordinal)) return message;
        var m = System.Text.RegularExpressions.Regex.Match(message, "Required argument missing for option: '(.+)'");
        if (m.Success) return $"{m.Groups[1].Value} needs a value";
        m = System.Text.RegularExpressions.Regex.Match(message, "Option '(.+)' expects a single argument but (\\d+) were provided");
        if (m.Success) return $"{m.Groups[1].Value} is given {m.Groups[2].Value} times; give it once";
        m = System.Text.RegularExpressions.Regex.Match(message, "Unrecognized command or argument '(.*)'");
        if (m.Success) return $"unexpected argument '{m.Groups[1].Value}' ({command.Name} takes at most one scenario FILE)";
        return message.Split('\n')[0].Trim();
    }

    /// <summary>The known spelling closest to <paramref name="typed"/> (case-insensitive edit distance at most 3), or null.</summary>
    internal static string? Closest(string typed, IReadOnlyList<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            int d = Distance(typed.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (k, d);
        }
        return bestDistance <= Math.Max(1, Math.Min(3, typed.Length / 3)) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}

/// <summary>The input flags of a verb: FILE, --dlt, the design(s), common settings, --set, correct selection, format, output.</summary>
internal sealed class InputFlags
{
    private readonly Argument<string?> _file = new("FILE") { Arity = ArgumentArity.ZeroOrOne, Description = "Scenario file (YAML; see the scenario-format documentation). Default: the built-in NCT05008536 anti-BCMA CAR-NK scenarios." };
    private readonly Option<string?>? _dlt;
    private readonly Option<string?>? _response;
    private readonly Option<string?>? _grade2;
    private readonly Option<string?> _design;
    private readonly DesignFlags _designFlags;
    private readonly bool _multi;
    private readonly DesignFlags _common;
    private readonly Option<double?> _target = Flags.Real("--target", "Target DLT rate, for every design (default: the file's, else 0.30).", v => v > 0 && v < 1, "strictly between 0 and 1");
    private readonly Option<double?> _accrualRate = Flags.Real("--accrual-rate", "Calendar: Poisson arrivals per month (0.01 to 10000); sets timeline.accrual_rate_per_month (replacing the file's accrual, with a warning).", _ => true, "a number");
    private readonly Option<double?> _accrualInterval = Flags.Real("--accrual-interval", "Calendar: one arrival every X days (0, or 0.01 to 3650); sets timeline.accrual_interval_days (replacing the file's accrual, with a warning).", _ => true, "a number");
    private readonly Option<double?> _dltWindow = Flags.Real("--dlt-window", "Calendar: days of DLT observation (0 to 3650); sets timeline.dlt_window_days (default without a file timeline: trial.dlt_window_days).", _ => true, "a number");
    private readonly Option<int?> _maxWaiting = Flags.Int("--max-waiting", "Calendar: most arrivals that may wait for a slot at once (0 = none wait: arrivals while the cohort is observed are lost); sets timeline.max_waiting.", 0);
    private readonly Option<string?> _arrivals = Flags.Choice("--arrivals", "Calendar: queue (the next cohort starts when every member has completed the window; arrivals meanwhile wait) or next-arrival (Zhao et al. 2024 and bfboin: a cohort is evaluated at the first arrival after its members' outcomes are known, DLTs on their day; no waiting list); sets timeline.arrivals", "queue", "next-arrival");
    private readonly Option<string?> _firstArrival = Flags.Choice("--first-arrival", "Calendar: after-gap (the first patient arrives one gap after opening) or at-opening (on day 0, as bfboin); sets timeline.first_arrival", "after-gap", "at-opening");
    private readonly Option<string?> _accrualGaps = Flags.Choice("--accrual-gaps", "Calendar: with an accrual rate, exponential gaps (Poisson) or uniform gaps on (0, 2/rate) (bfboin's default); sets timeline.accrual_gaps", "exponential", "uniform");
    private readonly Option<string[]> _set = Flags.Many("--set", "Set one design's option: LABEL.OPTION=VALUE, e.g. crm.skeleton=0.05,0.1,0.2 or boin.extrasafe=true (repeatable).", "LABEL.OPTION=VALUE");
    private readonly Option<string?> _correct = Flags.Choice("--correct-selection", "What counts as a correct selection: highest-at-or-below-target (default, or the file's), closest-to-target, or window", [.. CorrectSelection.Keys]);
    private readonly Option<string?> _window = Flags.Text("--correct-window", "With --correct-selection window: D1,D2 for the window [target - D1, target + D2].", "D1,D2");
    private readonly Option<string?> _format;
    private readonly Option<string?> _out;
    private readonly Option<bool?> _quiet = Flags.Switch("--quiet", "No progress display and no warnings on standard error.");
    private readonly string _defaultFormat;
    private readonly string[] _formats;

    /// <param name="defaultFormat">The value when --format is not given (default: the first format); "table" lets the verb decide (report: the --out extension).</param>
    public InputFlags(Command command, DesignCatalog catalog, bool multi, string[] formats, bool scenarios = true, string? outDoc = null, string? defaultFormat = null)
    {
        command.Arguments.Add(_file);
        if (scenarios)
        {
            _dlt = Flags.Text("--dlt", "True DLT probabilities per dose, comma-separated (e.g. 0.05,0.10,0.20); replaces the file's scenarios.", "P1,P2,...");
            command.Options.Add(_dlt);
            _response = Flags.Text("--response", "True response probabilities per dose of the --dlt scenario, comma-separated (e.g. 0.1,0.3,0.5), as many as --dlt: BOIN12 without a scenario file.", "P1,P2,...");
            command.Options.Add(_response);
            _grade2 = Flags.Text("--grade2", "P(toxicity of grade 2 or worse in the DLT window) per dose of the --dlt scenario, comma-separated, each at least the dose's DLT probability: accelerated titration then ends at the first DLT or grade-2 event (see --titration-grade2-events).", "P1,P2,...");
            command.Options.Add(_grade2);
        }
        _design = multi
            ? Flags.Text("--designs", $"Designs to compare, comma-separated labels of the file's designs or design names ({string.Join(", ", catalog.Names)}); default: the file's designs. The first is the reference for paired differences.", "LIST")
            : Flags.Text("--design", $"Design: a label of the file's designs, or a name ({string.Join(", ", catalog.Names)}); default: the file's design.", "NAME");
        command.Options.Add(_design);
        _common = new DesignFlags(catalog, includeCommon: true);
        _common.AddTo(command);
        command.Options.Add(_target);
        // In a comparison a design option flag reaches every design that takes it (RunInputs.ResolveMany).
        _multi = multi;
        _designFlags = new DesignFlags(catalog, includeCommon: false);
        _designFlags.AddTo(command);
        command.Options.Add(_set);
        if (scenarios) { command.Options.Add(_accrualRate); command.Options.Add(_accrualInterval); command.Options.Add(_dltWindow); command.Options.Add(_maxWaiting); command.Options.Add(_arrivals); command.Options.Add(_firstArrival); command.Options.Add(_accrualGaps); }
        if (scenarios) { command.Options.Add(_correct); command.Options.Add(_window); }
        _defaultFormat = defaultFormat ?? formats[0];
        _formats = formats;
        _format = Flags.Choice("--format", $"Output format (default {(defaultFormat == "table" && formats.Contains("docx") ? "from the --out extension, else html" : defaultFormat is null && formats[0] == "table" ? "the format the --out file's extension names (" + string.Join(" or ", formats.Skip(1)) + "), else table" : formats[0])})", formats);
        _out = Flags.Text("--out", outDoc ?? "Write the output to this file (atomically) instead of standard output.", "PATH");
        command.Options.Add(_format);
        command.Options.Add(_out);
        command.Options.Add(_quiet);
    }

    public string? DesignsValue(ParseResult pr) => pr.Given(_design);

    /// <summary>The run's inputs as given.</summary>
    public TrialInput Input(ParseResult pr) => new()
    {
        File = pr.GetValue(_file),
        Dlt = _dlt is null ? null : pr.Given(_dlt),
        Response = _response is null ? null : pr.Given(_response),
        Grade2 = _grade2 is null ? null : pr.Given(_grade2),
        Design = _multi ? null : pr.Given(_design),
        DesignOptions = _designFlags.Bind(pr),
        Common = _common.Bind(pr),
        Target = pr.Given(_target),
        Set = pr.Given(_set) ?? [],
        CorrectSelection = pr.Given(_correct),
        CorrectWindow = pr.Given(_window),
        AccrualRate = _dlt is null ? null : pr.Given(_accrualRate),
        AccrualInterval = _dlt is null ? null : pr.Given(_accrualInterval),
        DltWindow = _dlt is null ? null : pr.Given(_dltWindow),
        MaxWaiting = _dlt is null ? null : pr.Given(_maxWaiting),
        Arrivals = _dlt is null ? null : pr.Given(_arrivals),
        FirstArrival = _dlt is null ? null : pr.Given(_firstArrival),
        AccrualGaps = _dlt is null ? null : pr.Given(_accrualGaps),
    };

    /// <summary>--format (or the verb's default), --out and --quiet.</summary>
    /// <param name="pr">The parsed command line.</param>
    /// <param name="part">A shard's run: --out is its partial result (JSON), whatever its name.</param>
    public OutputSettings Output(ParseResult pr, bool part = false)
    {
        string? given = pr.Given(_format), outPath = pr.Given(_out);
        if (part) return new(given ?? _defaultFormat, outPath, pr.Given(_quiet) ?? false);
        // A file's extension names its format (x.csv is CSV), as report and sweep read theirs; plot and report decide their own.
        string? named = _defaultFormat == "table" && _formats.Contains("table") && outPath is not null ? FormatOfExtension(outPath) : null;
        if (named is not null && !_formats.Contains(named)) named = null;
        if (given is not null && named is not null && given != named)
            throw new InputException($"--out {outPath}: the extension says {named} but --format is {given}");
        return new(given ?? named ?? _defaultFormat, outPath, pr.Given(_quiet) ?? false);
    }

    /// <summary>The format a file name's extension names (csv, json, md, parquet), or null.</summary>
    public static string? FormatOfExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => "csv",
        ".json" => "json",
        ".md" or ".markdown" => "md",
        ".parquet" => "parquet",
        _ => null,
    };
}

/// <summary>--trials, --seed and --threads.</summary>
internal sealed class RunFlags
{
    private readonly Option<long?> _trials;
    private readonly Option<ulong?> _seed = Flags.Seed("Random seed (default: the file's). Same seed, same numbers, whatever --threads.");
    private readonly Option<int?> _threads = Flags.Int("--threads", "Worker threads; 0 = all cores (default). Does not change the results.", 0);

    public RunFlags(Command command, string trialsDoc)
    {
        _trials = Flags.Long("--trials", trialsDoc, 1);
        command.Options.Add(_trials);
        command.Options.Add(_seed);
        command.Options.Add(_threads);
    }

    public void Bind(ParseResult pr, out long? trials, out ulong? seed, out int threads)
    {
        trials = pr.Given(_trials);
        seed = pr.Given(_seed);
        threads = pr.Given(_threads) ?? 0;
    }
}
