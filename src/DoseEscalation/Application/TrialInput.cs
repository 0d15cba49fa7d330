using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Application;

/// <summary>
/// What every run reads, as the user gave it: a scenario file (or <see cref="Dlt"/>, or the built-in
/// default), the design(s) and their options, and the settings that override the file. Null means
/// "not given": the file's value, then the design's default, applies. Nothing here has a silent default.
/// </summary>
public sealed record TrialInput
{
    /// <summary>Scenario file path; null for <see cref="Dlt"/> or the built-in NCT05008536 scenarios.</summary>
    public string? File { get; init; }
    /// <summary>A scenario file already loaded or built in code (used instead of <see cref="File"/>).</summary>
    public Scenarios.ScenarioFile? Loaded { get; init; }
    /// <summary>The text of <see cref="File"/> when it was already read (a shard hashes what it parses; merge parses the text its parts carry).</summary>
    public string? FileText { get; init; }
    /// <summary>True DLT probabilities per dose, comma-separated; replaces the file's scenarios.</summary>
    public string? Dlt { get; init; }
    /// <summary>True response probabilities per dose, comma-separated, of the <see cref="Dlt"/> scenario (BOIN12 without a file).</summary>
    public string? Response { get; init; }
    /// <summary>--grade2: P(toxicity of grade 2 or worse) per dose of the --dlt scenario, for accelerated titration's grade-2 trigger.</summary>
    public string? Grade2 { get; init; }
    /// <summary>A label of the file's designs or a design name (single-design runs).</summary>
    public string? Design { get; init; }
    /// <summary>Options of the one design (e.g. extrasafe, skeleton), by option key, typed and range-checked.</summary>
    public OptionValues DesignOptions { get; init; } = OptionValues.Empty;
    /// <summary>Common settings (start_dose, max_n, cohort_size), by option key, for every design.</summary>
    public OptionValues Common { get; init; } = OptionValues.Empty;
    public double? Target { get; init; }
    /// <summary>LABEL.OPTION=VALUE overrides, in the order given (a repeated LABEL.OPTION is refused).</summary>
    public IReadOnlyList<string> Set { get; init; } = [];
    /// <summary>highest-at-or-below-target, closest-to-target or window.</summary>
    public string? CorrectSelection { get; init; }
    /// <summary>D1,D2 of the window rule.</summary>
    public string? CorrectWindow { get; init; }
    /// <summary>--accrual-rate: Poisson arrivals per month; replaces the file's accrual (timeline.accrual_rate_per_month).</summary>
    public double? AccrualRate { get; init; }
    /// <summary>--accrual-interval: days between arrivals (fixed); replaces the file's accrual (timeline.accrual_interval_days).</summary>
    public double? AccrualInterval { get; init; }
    /// <summary>--dlt-window: days of DLT observation (timeline.dlt_window_days).</summary>
    public double? DltWindow { get; init; }
    /// <summary>--max-waiting: most arrivals that may wait at once (timeline.max_waiting).</summary>
    public int? MaxWaiting { get; init; }
    /// <summary>--arrivals: queue or next-arrival (timeline.arrivals).</summary>
    public string? Arrivals { get; init; }
    /// <summary>--first-arrival: after-gap or at-opening (timeline.first_arrival).</summary>
    public string? FirstArrival { get; init; }
    /// <summary>--accrual-gaps: exponential or uniform, with an accrual rate (timeline.accrual_gaps).</summary>
    public string? AccrualGaps { get; init; }

    /// <summary>True when a timeline flag was given.</summary>
    internal bool HasTimelineFlags => AccrualRate is not null || AccrualInterval is not null || DltWindow is not null || MaxWaiting is not null || Arrivals is not null
        || FirstArrival is not null || AccrualGaps is not null;

    /// <summary>The source of the run for messages: the file, else "(command line)" or the built-in default.</summary>
    internal bool FromCommandLine => File is null && Dlt is not null;
}
