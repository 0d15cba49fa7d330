using System.Globalization;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Application;

/// <summary>
/// The validated inputs of a run: the scenario file with command-line overrides applied, and the
/// design(s) fully resolved (every option with its value). <see cref="Design"/> is the first.
/// </summary>
public sealed record RunInputs(ScenarioFile File, IReadOnlyList<ResolvedDesign> Designs)
{
    public IDesign Design => Designs[0].Design;
    public ResolvedDesign Resolved => Designs[0];

    /// <summary>Warnings found while resolving (a common setting a design does not take).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The options the first design was given (by the file's design entry, a design flag or --set), before defaults; common settings given at trial level are in <see cref="File"/>'s.</summary>
    public OptionValues GivenOptions { get; init; } = OptionValues.Empty;

    /// <summary>Whether the first design's <paramref name="key"/> was given (file, flag or --set) rather than defaulted.</summary>
    public bool Given(string key) => GivenOptions.Has(key) || File.Common.Has(key);

    /// <summary>The file (or --dlt, or the built-in default) with --dlt, --target and correct-selection flags applied.</summary>
    public static ScenarioFile LoadFile(TrialInput o, DesignCatalog catalog)
    {
        ScenarioFile file = o.Loaded is { } loaded ? loaded : o.File is { } path ? (o.FileText is { } text ? ScenarioFileReader.Parse(text, path, catalog) : ScenarioFileReader.Load(path, catalog))
            : o.Dlt is not null ? CommandLineFile(ParseDoses(o.Dlt))
            : BuiltInScenarios.Default();
        if ((o.File is not null || o.Loaded is not null) && o.Dlt is not null)
        {
            var dlt = ParseDoses(o.Dlt);
            if (dlt.Count != file.Doses.Count)
                throw new InputException($"--dlt {o.Dlt}: has {dlt.Count} probabilities but {file.Path} has {file.Doses.Count} dose levels");
            file = file with { Scenarios = [new Scenario("command-line", dlt)] };
        }
        if (o.Response is { } response)
        {
            // Only the --dlt scenario takes it: a file's scenarios have their own, and nothing typed goes unused.
            if (o.Dlt is null) throw new InputException($"--response {response}: gives the response probabilities of the --dlt scenario; give --dlt too");
            var r = ParseProbabilities(response, "--response");
            if (r.Count != file.Scenarios[0].DoseCount)
                throw new InputException($"--response {response}: has {r.Count} probabilities but --dlt has {file.Scenarios[0].DoseCount}");
            // The file's utility table (scenario files give one for all scenarios) still defines the true OBD.
            var utility = o.File is not null || o.Loaded is not null ? file.Scenarios[0].Utility : UtilityTable.Boin12Default;
            file = file with { Scenarios = [file.Scenarios[0] with { Response = r, Utility = utility }] };
        }
        if (o.Grade2 is { } grade2)
        {
            // As --response: only the --dlt scenario takes it.
            if (o.Dlt is null) throw new InputException($"--grade2 {grade2}: gives the grade-2 probabilities of the --dlt scenario; give --dlt too");
            var g = ParseProbabilities(grade2, "--grade2");
            var s = file.Scenarios[0];
            if (g.Count != s.DoseCount)
                throw new InputException($"--grade2 {grade2}: has {g.Count} probabilities but --dlt has {s.DoseCount}");
            for (int d = 0; d < g.Count; d++)
                if (g[d] < s.Dlt[d])
                    throw new InputException($"--grade2 {grade2}: dose {d + 1}'s {g[d].ToString(CultureInfo.InvariantCulture)} is below its DLT probability {s.Dlt[d].ToString(CultureInfo.InvariantCulture)} (P(grade 2 or worse) includes every DLT)");
            file = file with { Scenarios = [s.WithGrade2(g)] };
        }
        if (o.Target is { } target) file = file with { Target = target };
        file = WithTimelineFlags(file, o);
        if (o.Common.Has("start_dose") && o.Common.Int("start_dose") > file.Doses.Count)
            throw new InputException($"--start-dose {o.Common.Int("start_dose")}: must be one of the dose levels 1..{file.Doses.Count}");
        return file with { Common = Merge(file.Common, o.Common), CorrectSelection = Correct(o, file.CorrectSelection) };
    }

    /// <summary>One design: --design (a label of the file's designs, or a name), with the design flags and --set applied.</summary>
    public static RunInputs Resolve(TrialInput o, DesignCatalog catalog)
    {
        var file = LoadFile(o, catalog);
        DesignConfig config;
        if (o.Design is { } wanted)
            config = Pick(file, wanted, catalog, "--design") ?? throw new InputException($"--design {wanted}: unknown design '{wanted}' (the file's: {string.Join(", ", file.Designs.Select(d => d.EffectiveLabel))}; known designs: {string.Join(", ", catalog.Names)})");
        else if (file.Designs.Count == 1) config = file.Designs[0];
        else throw new InputException($"{file.Path} has {file.Designs.Count} designs ({string.Join(", ", file.Designs.Select(d => d.EffectiveLabel))}): choose one with --design LABEL, or run compare");
        foreach (var key in o.DesignOptions.Keys) config = config.With(key, o.DesignOptions[key]);
        var configs = ApplySets(o.Set, [config], catalog);
        var notes = new List<string>();
        var resolved = Build(configs, file, catalog, notes, single: true);
        NeedResponses(file, resolved);
        Grade2Read(o, file, resolved, notes);
        return new RunInputs(file, resolved) { Notes = notes, GivenOptions = configs[0].Options };
    }

    /// <summary>Several designs for compare: --designs (labels or names) or the file's designs, with --set applied to each by label.</summary>
    public static RunInputs ResolveMany(TrialInput o, string? designs, IReadOnlyList<string> whenOne, DesignCatalog catalog)
    {
        var file = LoadFile(o, catalog);
        List<DesignConfig> configs;
        if (designs is not null)
        {
            var items = designs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (items.Length == 0) throw new InputException($"--designs {designs}: name at least one design");
            configs = items.Select(item => Pick(file, item, catalog, "--designs")
                ?? throw new InputException($"--designs {designs}: unknown design '{item}': neither a label of the file's designs ({string.Join(", ", file.Designs.Select(d => d.EffectiveLabel))}) nor a design name ({string.Join(", ", catalog.Names)})")).ToList();
        }
        else
        {
            configs = [.. file.Designs];
            if (configs.Count == 1)
                foreach (var name in whenOne)
                    if (!configs.Any(c => string.Equals(c.EffectiveLabel, name, StringComparison.OrdinalIgnoreCase))) configs.Add(new DesignConfig(name));
        }
        var labels = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in configs)
            if (!labels.Add(c.EffectiveLabel)) throw new InputException($"--designs {designs}: '{c.EffectiveLabel}' is listed twice");
        var notes = new List<string>();
        configs = ApplyDesignOptions(o.DesignOptions, configs, catalog, notes);
        configs = ApplySets(o.Set, configs, catalog);
        var built = Build(configs, file, catalog, notes, single: false);
        NeedResponses(file, built);
        Grade2Read(o, file, built, notes);
        return new RunInputs(file, built) { Notes = notes };
    }

    // Grade-2 probabilities are read only by accelerated titration's grade-2 trigger: typed with
    // --grade2 for a run without titration they are refused; a file's (which may serve other runs)
    // are noted as unused, never dropped in silence.
    private static void Grade2Read(TrialInput o, ScenarioFile file, IReadOnlyList<ResolvedDesign> designs, List<string> notes)
    {
        if (designs.Any(d => d.Design.TryGet<Designs.Rules.AcceleratedTitration>() is not null)) return;
        if (o.Grade2 is { } grade2)
            throw new InputException($"--grade2 {grade2}: only accelerated titration reads grade-2 probabilities, and {string.Join(", ", designs.Select(d => d.Design.Name))} runs without it (add --accelerated-titration, or leave --grade2 out)");
        if (file.Scenarios.FirstOrDefault(s => s.HasGrade2) is { } g)
            notes.Add($"scenario '{g.Name}' gives grade2 probabilities, which no design of this run reads (only accelerated titration's grade-2 trigger does)");
    }

    // A design that reads responses needs every scenario's response probabilities.
    private static void NeedResponses(ScenarioFile file, IReadOnlyList<ResolvedDesign> designs)
    {
        if (designs.FirstOrDefault(d => d.Design.ReadsResponses) is not { } reader) return;
        if (file.Scenarios.FirstOrDefault(s => !s.HasResponse) is { } missing)
            throw new InputException($"{file.Path}: scenario '{missing.Name}' has no response probabilities, which design '{reader.Label}' reads (give response: [...] or cells: [...])");
    }

    // A label of the file's designs, else the one file design of that name, else a new design of that name.
    private static DesignConfig? Pick(ScenarioFile file, string wanted, DesignCatalog catalog, string flag)
    {
        string w = wanted.Trim();
        if (file.Designs.FirstOrDefault(d => string.Equals(d.EffectiveLabel, w, StringComparison.OrdinalIgnoreCase)) is { } byLabel) return byLabel;
        var byName = file.Designs.Where(d => string.Equals(d.Name, w, StringComparison.OrdinalIgnoreCase)).ToList();
        if (byName.Count == 1) return byName[0];
        if (byName.Count > 1) throw new InputException($"{flag} {wanted}: the file has {byName.Count} '{w}' designs ({string.Join(", ", byName.Select(d => d.EffectiveLabel))}); name one by its label");
        return catalog.Find(w) is { } d ? new DesignConfig(d.Name) : null;
    }

    // A design option flag in a comparison (--estimate ess): every design that takes it gets it, each other design is noted, and one no design takes is refused.
    private static List<DesignConfig> ApplyDesignOptions(OptionValues options, List<DesignConfig> configs, DesignCatalog catalog, List<string> notes)
    {
        foreach (var key in options.Keys)
        {
            if (!options.Has(key)) continue;
            object value = options[key]!;
            var takers = configs.Select((c, i) => (c, i)).Where(p => catalog.Get(p.c.Name).Option(key) is not null).ToList();
            if (takers.Count == 0)
                throw new InputException($"--{key.Replace('_', '-')} {DesignOption.Format(value)}: no design in this run ({string.Join(", ", configs.Select(c => c.Name))}) takes {key}");
            foreach (var c in configs.Where(c => catalog.Get(c.Name).Option(key) is null))
                notes.Add($"{key} {DesignOption.Format(value)} does not apply to design '{c.EffectiveLabel}' ({c.Name} does not take {key})");
            foreach (var (c, i) in takers) configs[i] = c.With(key, value);
        }
        return configs;
    }

    // --set LABEL.OPTION=VALUE: the label (or name) picks the design; the value is parsed by the option's own type.
    private static List<DesignConfig> ApplySets(IReadOnlyList<string> sets, List<DesignConfig> configs, DesignCatalog catalog)
    {
        var given = new Dictionary<(int, string), string>();
        foreach (var set in sets)
        {
            int eq = set.IndexOf('=');
            int dot = eq < 0 ? -1 : set.LastIndexOf('.', eq);
            if (eq < 0 || dot <= 0 || dot == eq - 1)
                throw new InputException($"--set {set}: expected LABEL.OPTION=VALUE, e.g. crm.skeleton=0.05,0.1,0.2");
            string label = set[..dot].Trim(), key = set[(dot + 1)..eq].Trim().Replace('-', '_'), text = set[(eq + 1)..];
            int i = configs.FindIndex(c => string.Equals(c.EffectiveLabel, label, StringComparison.OrdinalIgnoreCase));
            if (i < 0)
            {
                var byName = configs.Select((c, j) => (c, j)).Where(p => string.Equals(p.c.Name, label, StringComparison.OrdinalIgnoreCase)).ToList();
                if (byName.Count != 1)
                    throw new InputException($"--set {set}: no design labelled '{label}' in this run (labels: {string.Join(", ", configs.Select(c => c.EffectiveLabel))})");
                i = byName[0].j;
            }
            var descriptor = catalog.Get(configs[i].Name);
            var option = descriptor.Option(key)
                ?? throw new InputException($"--set {set}: design '{descriptor.Name}' takes no option '{key}' (it takes: {string.Join(", ", descriptor.AllOptions.Select(o => o.Key))})");
            // Two values for one option: neither wins silently.
            if (given.TryGetValue((i, key), out var earlier))
                throw new InputException($"--set {set}: {configs[i].EffectiveLabel}.{key} is already set by --set {earlier}; give it once");
            given[(i, key)] = set;
            try { configs[i] = configs[i].With(key, option.Parse(text)); }
            catch (OptionValueException ex) { throw new InputException($"--set {set}: {ex.Message}"); }
        }
        return configs;
    }

    private static List<ResolvedDesign> Build(List<DesignConfig> configs, ScenarioFile file, DesignCatalog catalog, List<string> notes, bool single)
    {
        var unused = new List<string>();
        var list = new List<ResolvedDesign>();
        foreach (var c in configs)
        {
            try
            {
                list.Add(DesignSetup.Resolve(catalog, c, file.Common, file.Doses.Count, file.Target, (key, value) =>
                {
                    string problem = $"{key} {DesignOption.Format(value)} does not apply to design '{c.EffectiveLabel}' ({c.Name} does not take {key})";
                    if (single) throw new InputException(problem);
                    notes.Add(problem);
                    unused.Add(key);
                }, file.DoseValues));
            }
            catch (DesignOptionException ex) { throw new InputException(ex.Message); }
        }
        // A common setting no design takes was not used at all: that is an error, not a note.
        foreach (var key in file.Common.Keys)
            if (file.Common.Has(key) && unused.Count(u => u == key) == list.Count)
                throw new InputException($"{key} = {DesignOption.Format(file.Common[key])}: {(single ? "the design" : "no design in this run")} ({string.Join(", ", list.Select(d => d.Name))}) takes {key}");
        return list;
    }

    private static OptionValues Merge(OptionValues file, OptionValues flags)
    {
        var merged = file;
        foreach (var key in flags.Keys) merged = merged.With(key, flags[key]);
        return merged;
    }

    private static CorrectSelection Correct(TrialInput o, CorrectSelection fromFile)
    {
        if (o.CorrectSelection is null)
        {
            if (o.CorrectWindow is not null && fromFile.Rule != CorrectSelectionRule.Window)
                throw new UsageException("--correct-window needs --correct-selection window (or correct_selection: window in the file)");
            if (o.CorrectWindow is null) return fromFile;
        }
        string rule = o.CorrectSelection ?? "window";
        if (rule != "window")
        {
            if (o.CorrectWindow is not null) throw new UsageException($"--correct-window applies only to --correct-selection window, not {rule}");
            return rule == "closest-to-target" ? CorrectSelection.ClosestToTarget : CorrectSelection.HighestAtOrBelowTarget;
        }
        if (o.CorrectWindow is null)
            return fromFile.Rule == CorrectSelectionRule.Window ? fromFile : throw new UsageException("--correct-selection window needs --correct-window D1,D2");
        var w = ParseNumbers(o.CorrectWindow, "--correct-window");
        if (w.Count != 2 || w.Any(v => v < 0 || v >= 1)) throw new InputException($"--correct-window {o.CorrectWindow}: expected two numbers D1,D2 in [0, 1)");
        return CorrectSelection.Window(w[0], w[1]);
    }

    /// <summary>
    /// --accrual-rate, --accrual-interval, --dlt-window and --max-waiting: they set the timeline's
    /// field (docs/calendar.md); a field the file also sets is replaced, with a warning naming both values.
    /// Without a file timeline they build one (accrual required; the DLT window defaults to trial.dlt_window_days).
    /// </summary>
    private static ScenarioFile WithTimelineFlags(ScenarioFile file, TrialInput o)
    {
        if (!o.HasTimelineFlags) return file;
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (o.AccrualRate is { } rate && !(rate >= Engines.Calendar.Timeline.MinRatePerMonth && rate <= 10000))
            throw new InputException($"--accrual-rate {F(rate)}: must be between {F(Engines.Calendar.Timeline.MinRatePerMonth)} and 10000 patients per month");
        if (o.AccrualInterval is { } gap && !(gap == 0 || gap >= Engines.Calendar.Timeline.MinIntervalDays && gap <= 3650))
            throw new InputException($"--accrual-interval {F(gap)}: must be 0 (everyone at once) or between {F(Engines.Calendar.Timeline.MinIntervalDays)} and 3650 days");
        if (o.AccrualRate is { } r2 && o.AccrualInterval is { } g2)
            throw new InputException($"--accrual-interval {F(g2)}: give --accrual-rate (Poisson) or --accrual-interval (fixed), not both (--accrual-rate {F(r2)})");
        if (o.DltWindow is { } window && !(window >= 0 && window <= 3650))
            throw new InputException($"--dlt-window {F(window)}: must be between 0 and 3650 days");
        if (o.MaxWaiting is { } waiting && !(waiting >= 0 && waiting <= Engines.Calendar.Timeline.MaxWaitingList))
            throw new InputException($"--max-waiting {waiting}: must be between 0 and {Engines.Calendar.Timeline.MaxWaitingList}");
        if (o.Arrivals is { } arr && arr is not ("queue" or "next-arrival"))
            throw new InputException($"--arrivals {arr}: must be queue or next-arrival");
        if (o.FirstArrival is { } fa && fa is not ("after-gap" or "at-opening"))
            throw new InputException($"--first-arrival {fa}: must be after-gap or at-opening");
        if (o.AccrualGaps is { } ag && ag is not ("exponential" or "uniform"))
            throw new InputException($"--accrual-gaps {ag}: must be exponential or uniform");
        var warnings = new List<string>(file.Warnings);
        var t = file.Timeline;
        if (t is null)
        {
            if (o.AccrualRate is null && o.AccrualInterval is null)
            {
                string first = o.DltWindow is { } w ? $"--dlt-window {F(w)}" : o.MaxWaiting is { } mw ? $"--max-waiting {mw}"
                    : o.Arrivals is { } a0 ? $"--arrivals {a0}" : o.FirstArrival is { } f0 ? $"--first-arrival {f0}" : $"--accrual-gaps {o.AccrualGaps}";
                throw new InputException($"{first}: {file.Path} has no timeline: block; give --accrual-rate or --accrual-interval too");
            }
            double dlt = o.DltWindow ?? file.Trial.DltWindowDays
                ?? throw new InputException($"{(o.AccrualRate is { } r ? $"--accrual-rate {F(r)}" : $"--accrual-interval {F(o.AccrualInterval!.Value)}")}: give --dlt-window too ({file.Path} has no timeline and no trial.dlt_window_days)");
            t = new Engines.Calendar.Timeline { DltWindowDays = dlt, NonEvaluableRate = file.Protocol.NonEvaluableRate };
        }
        else
        {
            string was = t.HasRate ? $"accrual_rate_per_month {F(t.RatePerMonth)}" : $"accrual_interval_days {F(t.IntervalDays)}";
            if (o.AccrualRate is { } r) warnings.Add($"--accrual-rate {F(r)} replaces {file.Path}'s timeline {was}");
            if (o.AccrualInterval is { } g) warnings.Add($"--accrual-interval {F(g)} replaces {file.Path}'s timeline {was}");
            if (o.DltWindow is { } w) warnings.Add($"--dlt-window {F(w)} replaces {file.Path}'s timeline dlt_window_days {F(t.DltWindowDays)}");
            if (o.MaxWaiting is { } m && t.MaxWaiting != m)
                warnings.Add($"--max-waiting {m} replaces {file.Path}'s timeline max_waiting {(t.MaxWaiting == int.MaxValue ? "(no limit)" : t.MaxWaiting.ToString(CultureInfo.InvariantCulture))}");
            string fileArrivals = t.Arrivals == Engines.Calendar.ArrivalModel.NextArrival ? "next-arrival" : "queue";
            if (o.Arrivals is { } a && a != fileArrivals)
                warnings.Add($"--arrivals {a} replaces {file.Path}'s timeline arrivals {fileArrivals}");
            string fileFirst = t.FirstArrivalAtOpening ? "at-opening" : "after-gap";
            if (o.FirstArrival is { } fa2 && fa2 != fileFirst)
                warnings.Add($"--first-arrival {fa2} replaces {file.Path}'s timeline first_arrival {fileFirst}");
            string? fileGaps = t.Accrual switch { Engines.Calendar.AccrualKind.Poisson => "exponential", Engines.Calendar.AccrualKind.UniformGaps => "uniform", _ => null };
            if (o.AccrualGaps is { } ag2 && fileGaps is not null && ag2 != fileGaps && o.AccrualRate is null)
                warnings.Add($"--accrual-gaps {ag2} replaces {file.Path}'s timeline accrual_gaps {fileGaps}");
        }
        // A rate keeps the file's gap distribution (accrual_gaps: uniform), and is Poisson otherwise.
        if (o.AccrualRate is { } rr) t = t with { Accrual = t.Accrual == Engines.Calendar.AccrualKind.UniformGaps ? t.Accrual : Engines.Calendar.AccrualKind.Poisson, RatePerMonth = rr, IntervalDays = 0 };
        if (o.AccrualInterval is { } gg) t = t with { Accrual = Engines.Calendar.AccrualKind.FixedInterval, IntervalDays = gg, RatePerMonth = 0 };
        if (o.DltWindow is { } ww)
        {
            if (t.NonEvaluableDays is { } ne && ne > ww)
                throw new InputException($"--dlt-window {F(ww)}: shorter than {file.Path}'s timeline non_evaluable_days ({F(ne)})");
            t = t with { DltWindowDays = ww };
        }
        if (o.MaxWaiting is { } mm) t = t with { MaxWaiting = mm };
        if (o.Arrivals is { } am) t = t with { Arrivals = am == "next-arrival" ? Engines.Calendar.ArrivalModel.NextArrival : Engines.Calendar.ArrivalModel.Queue };
        if (o.FirstArrival is { } fm) t = t with { FirstArrivalAtOpening = fm == "at-opening" };
        if (o.AccrualGaps is { } gm)
        {
            if (!t.HasRate) throw new InputException($"--accrual-gaps {gm}: applies to an accrual rate (--accrual-rate or timeline.accrual_rate_per_month), not a fixed interval");
            t = t with { Accrual = gm == "uniform" ? Engines.Calendar.AccrualKind.UniformGaps : Engines.Calendar.AccrualKind.Poisson };
        }
        try { t.Validate(); }
        catch (ArgumentException e) { throw new InputException($"{TimelineFlagsText(o)}: {e.Message}"); }
        return file with { Timeline = t, Warnings = warnings };
    }

    private static string TimelineFlagsText(TrialInput o)
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        var parts = new List<string>();
        if (o.AccrualRate is { } r) parts.Add($"--accrual-rate {F(r)}");
        if (o.AccrualInterval is { } g) parts.Add($"--accrual-interval {F(g)}");
        if (o.DltWindow is { } w) parts.Add($"--dlt-window {F(w)}");
        if (o.MaxWaiting is { } m) parts.Add($"--max-waiting {m}");
        if (o.Arrivals is { } a) parts.Add($"--arrivals {a}");
        if (o.FirstArrival is { } f) parts.Add($"--first-arrival {f}");
        if (o.AccrualGaps is { } ag) parts.Add($"--accrual-gaps {ag}");
        return string.Join(" ", parts);
    }

    private static ScenarioFile CommandLineFile(IReadOnlyList<double> dlt) => new()
    {
        Path = "(command line)",
        Trial = new TrialInfo { Name = "Command-line scenario" },
        Doses = Enumerable.Range(1, dlt.Count).Select(i => new DoseLevel($"DL{i}")).ToList(),
        Designs = [new DesignConfig("3+3")],
        Scenarios = [new Scenario("command-line", dlt)],
    };

    /// <summary>--dlt: its probabilities, at most <see cref="ResourceGuard.MaxDoses"/> of them (counted before any is parsed).</summary>
    private static IReadOnlyList<double> ParseDoses(string text)
    {
        ResourceGuard.Doses(text.Count(c => c == ',') + 1, "--dlt");
        return ParseProbabilities(text, "--dlt");
    }

    private static List<double> ParseNumbers(string text, string option)
    {
        var values = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new InputException($"{option} {text}: '{part}' is not a number");
            values.Add(v);
        }
        return values;
    }

    public static IReadOnlyList<double> ParseProbabilities(string text, string option)
    {
        var values = ParseNumbers(text, option);
        foreach (var v in values)
            if (v < 0 || v > 1) throw new InputException($"{option} {text}: {v.ToString(CultureInfo.InvariantCulture)} is not a probability in [0, 1]");
        return values;
    }
}
