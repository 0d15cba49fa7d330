using CommandLine;

namespace DoseEscalation.Cli;

/// <summary>Inputs every running verb shares: the scenario file or --dlt, the design and its options, output.</summary>
public abstract class InputOptions
{
    [Value(0, MetaName = "FILE", Required = false, HelpText = "Scenario file (YAML; the format is described in the scenario-file guide). Default: the built-in NCT05008536 anti-BCMA CAR-NK scenarios.")]
    public string? File { get; set; }

    [Option("dlt", HelpText = "True DLT probabilities per dose, comma-separated (e.g. 0.05,0.10,0.20); replaces the file's scenarios.")]
    public string? Dlt { get; set; }

    [Option("design", HelpText = "Design: 3+3, a+b, boin, mtpi2, keyboard, i3+3, crm (default: the file's, else 3+3).")]
    public string? Design { get; set; }

    [Option("deescalate", HelpText = "3+3/A+B: true|false. De-escalate to confirm the dose below a too-toxic dose (default true).")]
    public string? Deescalate { get; set; }

    [Option("expand-top-dose", HelpText = "3+3/A+B: true|false. Treat 3 more at the highest dose after 0/3 before selecting it (default true).")]
    public string? ExpandTopDose { get; set; }

    [Option("ab", HelpText = "A+B: A,B,C,D,E (Lin & Shih 2001), e.g. 3,3,1,1,1 is the 3+3.")]
    public string? AB { get; set; }

    [Option("target", HelpText = "Target DLT rate (default 0.30, or the file's).")]
    public double? Target { get; set; }

    [Option("start-dose", HelpText = "Dose the first cohort is treated at (1-based, default 1).")]
    public int? StartDose { get; set; }

    [Option("cohort-size", HelpText = "Model-assisted/CRM designs: cohort size (default 3).")]
    public int? CohortSize { get; set; }

    [Option("max-n", HelpText = "Model-assisted/CRM designs: maximum sample size (default 30).")]
    public int? MaxN { get; set; }

    [Option("n-earlystop", HelpText = "BOIN-type designs: stop when this many patients are at the current dose (default 100).")]
    public int? NEarlyStop { get; set; }

    [Option("extrasafe", HelpText = "BOIN-type designs: true|false, extra safety stop at dose 1 (default false).")]
    public string? ExtraSafe { get; set; }

    [Option("cutoff-eli", HelpText = "BOIN-type designs: elimination cutoff on P(p > target) (default 0.95).")]
    public double? CutoffEli { get; set; }

    [Option("skeleton", HelpText = "CRM: prior DLT guesses per dose, comma-separated.")]
    public string? Skeleton { get; set; }

    [Option("model", HelpText = "CRM: empiric|logistic (default empiric).")]
    public string? Model { get; set; }

    [Option("format", Default = "table", HelpText = "Output format. simulate, exact: table, csv or json; table: table, csv or md; samplesize: table, md or json.")]
    public string Format { get; set; } = "table";

    [Option("out", HelpText = "Write the output to this file (atomically) instead of standard output.")]
    public string? Out { get; set; }

    [Option("quiet", HelpText = "No progress display and no warnings on standard error.")]
    public bool Quiet { get; set; }
}

[Verb("simulate", isDefault: false, HelpText = "Monte Carlo operating characteristics of a design over toxicity scenarios.")]
public sealed class SimulateOptions : InputOptions
{
    [Option("trials", HelpText = "Simulated trials per scenario (default: the file's, else 1,000,000).")]
    public long? Trials { get; set; }

    [Option("seed", HelpText = "Random seed (default: the file's). Same seed, same numbers, whatever --threads.")]
    public ulong? Seed { get; set; }

    [Option("threads", Default = 0, HelpText = "Worker threads; 0 = all cores. Does not change the results.")]
    public int Threads { get; set; }

    [Option("method", Default = "auto", HelpText = "auto (compiled state graph when it fits, else trial loop), graph, or loop.")]
    public string Method { get; set; } = "auto";

    [Option("engine", Default = "monte-carlo", HelpText = "monte-carlo, or exact (the same as the exact verb).")]
    public string Engine { get; set; } = "monte-carlo";
}

[Verb("exact", HelpText = "Exact operating characteristics by enumerating every trial state (no simulation error).")]
public sealed class ExactOptions : InputOptions
{
    [Option("paths", HelpText = "List every distinct outcome path of the first N cohorts with its probability, instead of the OCs.")]
    public int? Paths { get; set; }

    [Option("max-states", Default = 2_000_000, HelpText = "Give up (and suggest simulate) past this many distinct trial states.")]
    public int MaxStates { get; set; } = 2_000_000;
}

[Verb("bench", HelpText = "Measure Monte Carlo throughput (trials/second) on this machine, on 1 thread and on all cores.")]
public sealed class BenchOptions
{
    [Option("trials", Default = 200_000_000L, HelpText = "Trials per measurement.")]
    public long Trials { get; set; } = 200_000_000L;

    [Option("dlt", Default = "0.10,0.25,0.40", HelpText = "True DLT probabilities of the standard scenario.")]
    public string Dlt { get; set; } = "0.10,0.25,0.40";

    [Option("method", Default = "graph", HelpText = "graph (compiled state graph), loop (general trial loop) or auto.")]
    public string Method { get; set; } = "graph";

    [Option("designs", HelpText = "Also measure every design on a 5-dose scenario (1 thread).")]
    public bool Designs { get; set; }
}

[Verb("compare", HelpText = "Several designs on every scenario, side by side, with the same simulated patients (common random numbers).")]
public sealed class CompareOptions
{
    [Value(0, MetaName = "FILE", Required = false, HelpText = "Scenario file (default: the built-in NCT05008536 scenarios).")]
    public string? File { get; set; }

    [Option("dlt", HelpText = "True DLT probabilities per dose, comma-separated; replaces the file's scenarios.")]
    public string? Dlt { get; set; }

    [Option("designs", Default = "3+3,boin,mtpi2,keyboard,i3+3", HelpText = "Designs to compare, comma-separated; the first is the reference for paired differences.")]
    public string Designs { get; set; } = "3+3,boin,mtpi2,keyboard,i3+3";

    [Option("target", HelpText = "Target DLT rate (default: the file's, else 0.30).")]
    public double? Target { get; set; }

    [Option("max-n", Default = 30, HelpText = "Maximum sample size of the model-assisted and model-based designs, and the patients the benchmark sees.")]
    public int MaxN { get; set; } = 30;

    [Option("cohort-size", Default = 3, HelpText = "Cohort size of the model-assisted and model-based designs.")]
    public int CohortSize { get; set; } = 3;

    [Option("trials", HelpText = "Simulated trials per scenario (default 100,000).")]
    public long? Trials { get; set; }

    [Option("seed", HelpText = "Random seed (default: the file's).")]
    public ulong? Seed { get; set; }

    [Option("threads", Default = 0, HelpText = "Worker threads; 0 = all cores. Does not change the results.")]
    public int Threads { get; set; }

    [Option("format", Default = "table", HelpText = "table, csv or json.")]
    public string Format { get; set; } = "table";

    [Option("out", HelpText = "Write to this file (atomically) instead of standard output.")]
    public string? Out { get; set; }

    [Option("quiet", HelpText = "No progress display and no warnings.")]
    public bool Quiet { get; set; }
}

[Verb("table", HelpText = "A design's decision table: for n patients at the current dose, the DLT counts that escalate, stay, de-escalate, eliminate.")]
public sealed class TableOptions : InputOptions
{
}

[Verb("plot", HelpText = "Charts of a design's operating characteristics (PNG, SVG or PDF): selection, allocation, sample size, OC curve, design comparison.")]
public sealed class PlotOptions : InputOptions
{
    [Option("charts", Default = "selection,allocation,samplesize,occurve,comparison", HelpText = "Charts to draw, comma-separated.")]
    public string Charts { get; set; } = "selection,allocation,samplesize,occurve,comparison";

    [Option("engine", Default = "auto", HelpText = "auto (exact where the design allows, else Monte Carlo), exact or monte-carlo.")]
    public string Engine { get; set; } = "auto";

    [Option("trials", HelpText = "Monte Carlo trials per scenario (default: the file's; 100,000 for the comparison).")]
    public long? Trials { get; set; }

    [Option("seed", HelpText = "Random seed (default: the file's).")]
    public ulong? Seed { get; set; }

    [Option("mark-n", HelpText = "Sample size to mark on the sample-size chart with its P(N <= n) (default: the file's planned_n).")]
    public int? MarkN { get; set; }

    [Option("designs", Default = "3+3,boin,mtpi2,keyboard,i3+3,crm", HelpText = "Designs of the comparison chart (common random numbers, with the benchmark).")]
    public string Designs { get; set; } = "3+3,boin,mtpi2,keyboard,i3+3,crm";

    [Option("dpi", HelpText = "Resolution of PNG charts in dots per inch, 48 to 1200 (default 300); recorded in the file.")]
    public int? Dpi { get; set; }

    [Option("gallery", HelpText = "Write the chart gallery (every chart on fixed example inputs, as SVG and PNG) into this folder instead; FILE and the other options are not used.")]
    public string? Gallery { get; set; }
}

[Verb("report", HelpText = "One self-contained HTML page, a Word document (--format docx) or Markdown with SVGs beside it: inputs, design rules, results tables, all charts, reproducibility footer.")]
public sealed class ReportOptions : InputOptions
{
    [Option("engine", Default = "auto", HelpText = "auto (exact where the design allows, else Monte Carlo), exact or monte-carlo.")]
    public string Engine { get; set; } = "auto";

    [Option("trials", HelpText = "Monte Carlo trials per scenario (default: the file's).")]
    public long? Trials { get; set; }

    [Option("seed", HelpText = "Random seed (default: the file's).")]
    public ulong? Seed { get; set; }

    [Option("mark-n", HelpText = "Sample size to mark on the sample-size charts (default: the file's planned_n).")]
    public int? MarkN { get; set; }

    [Option("designs", Default = "3+3,boin,mtpi2,keyboard,i3+3,crm", HelpText = "Designs of the comparison section.")]
    public string Designs { get; set; } = "3+3,boin,mtpi2,keyboard,i3+3,crm";

    [Option("compare-trials", Default = 20_000L, HelpText = "Trials per scenario of the comparison section.")]
    public long CompareTrials { get; set; } = 20_000;
}
