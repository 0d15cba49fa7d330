using System.Globalization;
using DoseEscalation.Application;
using DoseEscalation.Scenarios;

namespace DoseEscalation;

/// <summary>
/// The front door for C# users: a trial (doses, scenarios, design, target), from a scenario file or
/// built in code, and the runs the command line offers, with the same rules and the same numbers.
/// Immutable: each <c>With...</c> returns a new trial.
/// </summary>
/// <example>
/// <code>
/// var trial = Trial.FromFile("scenarios/nct05008536-bcma-car-nk.yaml").WithDesign("boin");
/// var oc = trial.Simulate(trials: 100_000, seed: 1);
/// double pCorrect = oc.Results[0].CorrectSelection.Value;
/// </code>
/// </example>
public sealed record Trial
{
    private Trial(TrialInput input) => Input = input;

    /// <summary>The inputs as the command line would give them (the application layer's request).</summary>
    public TrialInput Input { get; }

    /// <summary>The designs and catalog, progress and cancellation the runs use.</summary>
    public RunContext Context { get; init; } = RunContext.Default;

    /// <summary>A scenario file (YAML; docs/scenarios.md), read and validated when a run starts.</summary>
    public static Trial FromFile(string path) => new(new TrialInput { File = path ?? throw new ArgumentNullException(nameof(path)) });

    /// <summary>The built-in NCT05008536 anti-BCMA CAR-NK scenarios (the CLI's default).</summary>
    public static Trial Default() => new(new TrialInput());

    /// <summary>One scenario of true DLT probabilities per dose, the 3+3 and target 0.30 unless changed (the CLI's --dlt).</summary>
    public static Trial FromDlt(params double[] dlt) =>
        new(new TrialInput { Dlt = string.Join(",", (dlt ?? throw new ArgumentNullException(nameof(dlt))).Select(p => p.ToString("R", CultureInfo.InvariantCulture))) });

    /// <summary>
    /// A trial built in code: its name, dose labels (with their doses, e.g. "1-3 x 10^6 cells/kg") and
    /// scenarios; the design is the 3+3 until <see cref="WithDesign"/>.
    /// </summary>
    public static Trial Create(string name, IReadOnlyList<DoseLevel> doses, IReadOnlyList<Scenario> scenarios, double target = 0.30)
    {
        ArgumentNullException.ThrowIfNull(doses);
        ArgumentNullException.ThrowIfNull(scenarios);
        if (doses.Count == 0) throw new ArgumentException("a trial needs at least one dose", nameof(doses));
        if (scenarios.Count == 0) throw new ArgumentException("a trial needs at least one scenario", nameof(scenarios));
        foreach (var s in scenarios)
            if (s.DoseCount != doses.Count) throw new ArgumentException($"scenario '{s.Name}' has {s.DoseCount} doses but the trial has {doses.Count}", nameof(scenarios));
        return new(new TrialInput
        {
            Loaded = new ScenarioFile
            {
                Path = "(code)", Trial = new TrialInfo { Name = name }, Doses = doses, Designs = [new DesignConfig("3+3")],
                Scenarios = scenarios, Target = target,
            },
        });
    }

    /// <summary>The design: a label of the file's designs or a catalog name ("boin", "crm", ...).</summary>
    public Trial WithDesign(string design) => new(Input with { Design = design }) { Context = Context };

    /// <summary>Target DLT rate for every design.</summary>
    public Trial WithTarget(double target) => new(Input with { Target = target }) { Context = Context };

    /// <summary>One design option in the CLI's --set grammar: <c>WithSet("boin.extrasafe", "true")</c>.</summary>
    public Trial WithSet(string labelDotOption, string value) => new(Input with { Set = [.. Input.Set, $"{labelDotOption}={value}"] }) { Context = Context };

    /// <summary>A common setting for every design (start_dose, max_n, cohort_size).</summary>
    public Trial WithCommon(string key, object value) => new(Input with { Common = Input.Common.With(key, value) }) { Context = Context };

    /// <summary>Monte Carlo operating characteristics of the design on every scenario.</summary>
    /// <param name="trials">Trials per scenario (default: the file's, else 1,000,000).</param>
    /// <param name="seed">Default: the file's.</param>
    /// <param name="threads">0 = all cores; results do not depend on it.</param>
    public OcResult Simulate(long? trials = null, ulong? seed = null, int threads = 0) =>
        (OcResult)Runs.Simulate(new SimulateRequest { Input = Input, Trials = trials, Seed = seed, Threads = threads }, Context);

    /// <summary>Operating characteristics in calendar time (the file's timeline: block): durations, waiting and lost patients.</summary>
    public CalendarOcResult SimulateCalendar(long? trials = null, ulong? seed = null, int threads = 0) =>
        (CalendarOcResult)Runs.Simulate(new SimulateRequest { Input = Input, Trials = trials, Seed = seed, Threads = threads, Calendar = true }, Context);

    /// <summary>Exact operating characteristics (no simulation error), by enumerating every trial state.</summary>
    public OcResult Exact(int maxStates = EngineRule.DefaultMaxStates) =>
        (OcResult)Runs.Exact(new ExactRequest { Input = Input, MaxStates = maxStates }, Context);

    /// <summary>Several designs on the same simulated patients, with paired differences and the benchmark.</summary>
    /// <param name="designs">Labels or names; none = the file's designs (with the default comparison added to a file with one).</param>
    /// <param name="trials">Trials per scenario (default 100,000).</param>
    /// <param name="seed">Default: the file's.</param>
    /// <param name="threads">0 = all cores; results do not depend on it.</param>
    public ComparisonResult Compare(IReadOnlyList<string>? designs = null, long? trials = null, ulong? seed = null, int threads = 0) =>
        (ComparisonResult)Runs.Compare(new CompareRequest
        {
            Input = Input, Designs = designs is null ? null : string.Join(",", designs), Trials = trials, Seed = seed, Threads = threads,
        }, Context);

    /// <summary>The sample-size analysis for a protocol (the file's protocol: block).</summary>
    public SampleSizeAnalysisResult SampleSize(int? plannedN = null) =>
        Runs.SampleSize(new SampleSizeRequest { Input = Input, PlannedN = plannedN }, Context);

    /// <summary>The design's decision table.</summary>
    public TableResult DecisionTable() => Runs.Table(new TableRequest { Input = Input }, Context);

    /// <summary>During the trial: the next decision from the data ("1NNN 2NTN" or a CSV patient table), with the final MTD when <paramref name="final"/>.</summary>
    public NextResult Next(string data, bool final = false) =>
        Runs.Next(new NextRequest { Input = Input, Data = data, Final = final }, Context);
}
