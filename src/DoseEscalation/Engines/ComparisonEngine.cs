using DoseEscalation.Rng;

namespace DoseEscalation.Engines;

/// <summary>One design's row of a comparison: its OCs and its paired differences from the first design (P(correct selection); per-trial share of patients above the MTD, whose mean is not the ratio-of-means share in the OCs).</summary>
public sealed record DesignComparison(OperatingCharacteristics Oc, Estimate CorrectSelectionDifference, Estimate ShareAboveDifference)
{
    /// <summary>Paired difference from the first design of P(select the true OBD); only when a design reads responses (Response.ResponseComparison).</summary>
    public Estimate? SelectObdDifference { get; init; }
    /// <summary>Paired difference from the first design of the true utility of the selected dose (0 for no dose); only when a design reads responses.</summary>
    public Estimate? UtilityDifference { get; init; }
}

/// <summary>Every design on one scenario with the same simulated patients, plus the benchmark; with a timeline, their calendar results and paired durations.</summary>
public sealed record ScenarioComparison(Scenario Scenario, IReadOnlyList<DesignComparison> Designs, Estimate? BenchmarkCorrectSelection, int BenchmarkPatients)
{
    /// <summary>Each design's calendar result and its duration against the first design's (null without a timeline).</summary>
    public Calendar.CalendarComparison? Calendar { get; init; }
}

/// <summary>
/// Designs compared with common random numbers: trial t gives each patient i a latent tolerance
/// u_i ~ U(0,1), and that patient has a DLT at dose d iff u_i &lt; p_d. Every design meets the same
/// patients in the same order, so differences between designs carry less Monte Carlo error
/// (each is reported with the standard error of the paired difference). The nonparametric optimal
/// design (O'Quigley, Paoletti &amp; Maccario 2002) sees all n tolerances at every dose and selects the
/// dose whose empirical DLT rate is closest to the target: the usual reference ceiling for P(correct
/// selection) with n patients. It is a ceiling for its own criterion: a design can exceed it where
/// the true MTD (highest dose with rate at most the target) is not the dose closest to the target,
/// or where the top dose is the MTD and the design stops there by construction.
/// With a timeline, every design runs on the per-patient calendar engine with the same arrivals and
/// treated-patient times too (<see cref="Calendar.ToleranceDraws"/>); without one, a design whose
/// state graph fits walks it (time plays no role, so the compiled walk is the fast path).
/// </summary>
internal static class ComparisonEngine
{
    /// <summary>
    /// Compares <paramref name="designs"/> on <paramref name="scenario"/>; the benchmark sees
    /// <paramref name="benchmarkPatients"/> patients (usually the designs' maximum sample size; 0 = no benchmark).
    /// </summary>
    public static ScenarioComparison Run(IReadOnlyList<IDesign> designs, Scenario scenario, double target, MonteCarloOptions options, int benchmarkPatients,
        CorrectSelection? correctSelection = null, Calendar.Timeline? timeline = null)
    {
        options.Validate();
        if (!options.IsWholeRun)
            throw new ArgumentException($"batches {options.FirstBatch}..{options.EndBatch - 1} are a shard of the run; Count gives a shard's counters, Run needs every batch");
        // Designs that read responses need each patient's response too: their comparison (Count) draws them beside the same DLT tolerances.
        return Finish(Count(designs, scenario, target, options, benchmarkPatients, correctSelection, timeline), designs, scenario, target, options, benchmarkPatients, correctSelection, timeline);
    }

    /// <summary>
    /// The integer counters of <see cref="Run"/> over the options' batch range: those of disjoint
    /// ranges add up (<see cref="ComparisonCounts.Add"/>) to the whole run's, and
    /// <see cref="Finish"/> of the sum is <see cref="Run"/>'s result.
    /// </summary>
    public static ComparisonCounts Count(IReadOnlyList<IDesign> designs, Scenario scenario, double target, MonteCarloOptions options, int benchmarkPatients,
        CorrectSelection? correctSelection = null, Calendar.Timeline? timeline = null)
    {
        // Designs that read responses: the response comparison's counters (responders included).
        if (designs.Any(d => d.ReadsResponses))
            return Response.ResponseComparison.Count(designs, scenario, target, options, benchmarkPatients, correctSelection, timeline);
        var (k, mtd, correct, patientsPerTrial, thresholds) = Prepare(designs, scenario, target, options, benchmarkPatients, correctSelection, timeline);
        var setup = new Setup(designs, thresholds, timeline ?? Calendar.Timeline.Instant, timeline is not null,
            designs.Any(d => PerPatientSimulator.NeedsResponses(d, timeline ?? Calendar.Timeline.Instant)) ? Calendar.CalendarEngine.ResponsesFor(designs.First(d => PerPatientSimulator.NeedsResponses(d, timeline ?? Calendar.Timeline.Instant)), scenario) : null,
            k, mtd, correct, patientsPerTrial, target, benchmarkPatients)
        {
            // Titration ending on grade-2 events: each patient's grade from its own tolerance (the DLT's uniform).
            Grade2 = designs.Select(d => Calendar.CalendarEngine.Grade2Thresholds(d, scenario)).ToArray(),
        };
        // Without a timeline, a design whose state graph fits walks it (its decisions are precomputed there); the others ask Decide
        // (so do designs whose titration ends on grade-2 events: the graph walk draws DLT counts alone).
        var graphs = designs.Select((d, j) =>
        {
            if (timeline is not null || d.ReadsResponses || setup.Grade2[j] is not null) return null;
            try { return StateGraph.For(d, options.MaxStates); }
            catch (StateSpaceTooLargeException) { return null; }
        }).ToArray();
        var total = new Worker(setup, graphs);
        Calendar.CalendarEngine.Unwrapped(() => MonteCarloEngine.RunBatches(options, () => new Worker(setup, graphs),
            (Worker w, long batch, int count) =>
            {
                var rng = Xoshiro256StarStar.ForStream(options.Seed, (ulong)batch);
                w.Run(ref rng, Calendar.TrialStreams.TimeSeed(options.Seed, batch), count);
            },
            w => { lock (total) total.Add(w); }));
        return new ComparisonCounts(total.Tallies, total.PcsDiff, total.AboveDiff, total.BenchmarkCorrect)
        {
            Times = total.Times, DurationDifference = total.DurationDiff, Shorter = total.Shorter,
        };
    }

    /// <summary>
    /// The benchmark's sample size for <paramref name="designs"/>: the largest maximum sample size,
    /// counting a backfill design's escalation cohorts only (its backfill patients are extra
    /// information the benchmark's fixed design does not stand for).
    /// </summary>
    public static int BenchmarkPatients(IEnumerable<IDesign> designs) =>
        designs.Max(d => d.TryGet<Designs.IBackfillDesign>() is { } b ? b.EscalationMaxPatients : d.MaxPatients);

    /// <summary>
    /// What both comparison engines check and derive before they run: the options and timeline are
    /// valid, every design fits the scenario (and the calendar), the true MTD, the outcomes counted
    /// correct, the patients each trial draws for, and the DLT thresholds per dose.
    /// </summary>
    internal static (int DoseCount, int Mtd, bool[] Correct, int PatientsPerTrial, ulong[] Thresholds) Prepare(IReadOnlyList<IDesign> designs, Scenario scenario,
        double target, MonteCarloOptions options, int benchmarkPatients, CorrectSelection? correctSelection, Calendar.Timeline? timeline)
    {
        options.Validate();
        timeline?.Validate();
        if (designs.Count == 0) throw new ArgumentException("no designs to compare");
        foreach (var d in designs) ResourceGuard.Design(d);
        foreach (var d in designs)
            if (d.DoseCount != scenario.DoseCount)
                throw new ArgumentException($"scenario '{scenario.Name}' has {scenario.DoseCount} doses but design {d.Name} has {d.DoseCount}");
        if (timeline is not null) foreach (var d in designs) Calendar.CalendarEngine.Check(d, scenario, timeline);
        var rule = correctSelection ?? CorrectSelection.HighestAtOrBelowTarget;
        return (scenario.DoseCount, scenario.TrueMtdLevel(target), rule.CorrectOutcomes(scenario, target),
            Math.Max(designs.Max(d => d.MaxPatients), benchmarkPatients), scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray());
    }

    /// <summary>The comparison from the counters of every batch of the run (as <see cref="Count"/> gives them, summed).</summary>
    public static ScenarioComparison Finish(ComparisonCounts total, IReadOnlyList<IDesign> designs, Scenario scenario, double target, MonteCarloOptions options, int benchmarkPatients,
        CorrectSelection? correctSelection = null, Calendar.Timeline? timeline = null)
    {
        if (total.Responses is not null)
            return Response.ResponseComparison.Finish(total, designs, scenario, target, options, benchmarkPatients, correctSelection, timeline);
        var rule = correctSelection ?? CorrectSelection.HighestAtOrBelowTarget;
        bool[] correct = rule.CorrectOutcomes(scenario, target);
        long trials = options.Trials;
        var rows = new List<DesignComparison>();
        for (int j = 0; j < designs.Count; j++)
        {
            var oc = OperatingCharacteristics.FromTally(total.Tallies[j], designs[j], scenario, target, "monte-carlo", trials, options.Seed).WithCorrectSelection(rule);
            rows.Add(new DesignComparison(oc, total.CorrectSelectionDifference[j].Estimate(trials),
                total.ShareAboveDifference[j].Estimate(trials, scale: 1.0 / Worker.FractionScale)));
        }
        // The benchmark always selects a dose, so it has no P(correct) when no dose is correct.
        Estimate? benchmark = benchmarkPatients > 0 && correct.Skip(1).Any(c => c) ? Proportion(total.BenchmarkCorrect, trials) : null;
        var calendar = timeline is null ? null
            : Calendar.CalendarComparison.From(designs, scenario, target, timeline, options, total.Times!, total.DurationDifference!, total.Shorter!, rows.Select(r => r.Oc).ToList());
        return new ScenarioComparison(scenario, rows, benchmark, benchmarkPatients) { Calendar = calendar };
    }

    /// <summary>What every worker of one comparison shares.</summary>
    private sealed record Setup(IReadOnlyList<IDesign> Designs, ulong[] Thresholds, Calendar.Timeline Timeline, bool OnCalendar,
        Calendar.ResponseThresholds? Responses, int DoseCount, int Mtd, bool[] Correct, int PatientsPerTrial, double Target, int BenchmarkPatients)
    {
        /// <summary>Per design: P(grade 2 or worse) thresholds when its titration ends on grade-2 events, else null.</summary>
        public ulong[]?[] Grade2 { get; init; } = new ulong[]?[Designs.Count];
    }

    private static Estimate Proportion(long count, long trials)
    {
        double p = (double)count / trials;
        return new(p, Math.Sqrt(p * (1 - p) / trials));
    }


    private sealed class Worker
    {
        /// <summary>Per-trial shares above the MTD are recorded as integers in millionths (exact merging).</summary>
        public const long FractionScale = 1_000_000;

        public readonly OcTally<long>[] Tallies;
        public readonly PairedSums[] PcsDiff, AboveDiff;
        /// <summary>On the calendar: each design's times, its paired duration differences (ticks) and trials it finished first.</summary>
        public readonly Calendar.CalendarTally[]? Times;
        public readonly PairedSums[]? DurationDiff;
        public readonly long[]? Shorter;
        public long BenchmarkCorrect;
        private readonly Setup _s;
        private readonly ulong[] _tolerances;
        private readonly StateGraph?[] _graphs;
        private readonly PerPatientSimulator[] _workers;
        private readonly int[] _patients, _dlts;

        public Worker(Setup setup, StateGraph?[] graphs)
        {
            _s = setup;
            _graphs = graphs;
            var designs = setup.Designs;
            Tallies = designs.Select(d => new OcTally<long>(setup.DoseCount, d.MaxPatients, setup.Mtd)).ToArray();
            PcsDiff = new PairedSums[designs.Count];
            AboveDiff = new PairedSums[designs.Count];
            if (setup.OnCalendar)
            {
                Times = designs.Select(d => new Calendar.CalendarTally(setup.DoseCount, d.MaxPatients, setup.Mtd)).ToArray();
                DurationDiff = new PairedSums[designs.Count];
                Shorter = new long[designs.Count];
            }
            _tolerances = new ulong[setup.PatientsPerTrial];
            _workers = designs.Select((d, j) => new PerPatientSimulator(d, setup.Thresholds, setup.Timeline, grade2Thresholds: setup.Grade2[j])).ToArray();
            _patients = new int[setup.DoseCount];
            _dlts = new int[setup.DoseCount];
        }

        public void Add(Worker o)
        {
            for (int j = 0; j < Tallies.Length; j++)
            {
                Tallies[j].Add(o.Tallies[j]);
                PcsDiff[j].Add(o.PcsDiff[j]);
                AboveDiff[j].Add(o.AboveDiff[j]);
                if (Times is not null) { Times[j].Add(o.Times![j]); DurationDiff![j].Add(o.DurationDiff![j]); Shorter![j] += o.Shorter![j]; }
            }
            BenchmarkCorrect += o.BenchmarkCorrect;
        }

        public void Run(ref Xoshiro256StarStar rng, ulong timeSeed, int trials)
        {
            int k = _s.DoseCount;
            bool drawTreated = PerPatientSimulator.DrawsTreated(_s.Timeline);
            for (int t = 0; t < trials; t++)
            {
                // The trial's patients: a fixed number of draws per trial, whatever the designs use.
                for (int i = 0; i < _tolerances.Length; i++) _tolerances[i] = rng.Next53();
                int correct0 = 0;
                long above0 = 0, ticks0 = 0;
                for (int j = 0; j < _workers.Length; j++)
                {
                    int selected;
                    ReadOnlySpan<int> patients, dlts;
                    TrialOutcome outcome = default;
                    if (_graphs[j] is { } graph)
                    {
                        selected = WalkOne(graph, _s.Thresholds, _patients, _dlts);
                        patients = _patients; dlts = _dlts;
                    }
                    else
                    {
                        var draws = new Calendar.ToleranceDraws(_tolerances, timeSeed, _s.Timeline.NonEvaluableRate, drawTreated, _s.Responses);
                        outcome = _workers[j].RunTrial(ref draws, timeSeed, t);
                        selected = outcome.Selected;
                        patients = _workers[j].Patients; dlts = _workers[j].Dlts;
                    }
                    Tallies[j].Record(selected, patients, dlts, 1);
                    int correct = _s.Correct[selected + 1] ? 1 : 0;
                    int n = 0, above = 0;
                    for (int d = 0; d < k; d++) { n += patients[d]; if (d > _s.Mtd) above += patients[d]; }
                    long share = above * FractionScale / n;
                    if (j == 0) { correct0 = correct; above0 = share; }
                    PcsDiff[j].Record(correct - correct0);
                    AboveDiff[j].Record(share - above0);
                    if (Times is not null) Calendar.CalendarTally.RecordPaired(Times, DurationDiff!, Shorter!, j, outcome, _workers[j], ref ticks0);
                }
                if (_s.BenchmarkPatients > 0 && _s.Correct[Benchmark(_s.Thresholds, _s.BenchmarkPatients, _s.Target) + 1]) BenchmarkCorrect++;
            }
        }

        /// <summary>One trial of a design through its state graph, on this trial's tolerances: the per-patient engine's decisions, looked up.</summary>
        private int WalkOne(StateGraph graph, ulong[] thresholds, Span<int> patients, Span<int> dlts)
        {
            int node = graph.Root, total = 0;
            while (!graph.IsTerminal(node))
            {
                int level = graph.NextLevel(node), m = graph.NextCohortSize(node), x = 0;
                for (int i = 0; i < m; i++) x += _tolerances[total + i] < thresholds[level] ? 1 : 0;
                total += m;
                node = graph.Child(node, x);
            }
            graph.PatientsAt(node).CopyTo(patients);
            graph.DltsAt(node).CopyTo(dlts);
            return graph.SelectedLevel(node);
        }

        /// <summary>
        /// The nonparametric optimal design (O'Quigley, Paoletti &amp; Maccario 2002): each of the n
        /// patients' tolerances gives the empirical DLT rate at every dose; it selects the dose whose
        /// rate is closest to the target (the lower dose on a tie).
        /// </summary>
        private int Benchmark(ulong[] thresholds, int n, double target)
        {
            int best = 0;
            double bestGap = double.MaxValue;
            for (int d = 0; d < thresholds.Length; d++)
            {
                int x = 0;
                for (int i = 0; i < n; i++) x += _tolerances[i] < thresholds[d] ? 1 : 0;
                double gap = Math.Abs((double)x / n - target);
                if (gap < bestGap - 1e-12) { bestGap = gap; best = d; }
            }
            return best;
        }
    }
}

/// <summary>
/// Integer sums of per-trial paired differences and of their squares. A difference is at most
/// 10^6 in size (shares in millionths), its square 10^12, so the sum of squares is an
/// <see cref="Int128"/>: a <c>long</c> wraps after about 9 x 10^6 trials of extreme differences,
/// which made the paired standard error 0 past 10^8 trials. Merging is exact in any order.
/// </summary>
public struct PairedSums
{
    public long Sum;
    public Int128 SumSq;

    public void Record(long difference)
    {
        Sum += difference;
        SumSq += (Int128)difference * difference;
    }

    public void Add(in PairedSums other)
    {
        Sum += other.Sum;
        SumSq += other.SumSq;
    }

    /// <summary>As a paired duration difference, in days (the sums are in ticks of 1/1024 day).</summary>
    public readonly Calendar.PairedDuration Duration(long trials, double shareShorter)
    {
        var e = Estimate(trials, 1 / Calendar.CalendarTally.TicksPerDay);
        return new Calendar.PairedDuration(e.Value, e.Se, shareShorter);
    }

    /// <summary>The mean difference with its standard error (sample variance, T-1), times <paramref name="scale"/>.</summary>
    public readonly Estimate Estimate(long trials, double scale = 1)
    {
        double m = (double)Sum / trials;
        // Int128 -> double rounds correctly, as long -> double does: the same double wherever a long held the sum.
        double var = trials > 1 ? Math.Max(0, ((double)SumSq / trials - m * m) * trials / (trials - 1.0)) : 0;
        return new(m * scale, Math.Sqrt(var / trials) * scale);
    }
}
