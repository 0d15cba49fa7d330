using DoseEscalation.Rng;

namespace DoseEscalation.Engines.Response;

/// <summary>
/// <see cref="ComparisonEngine"/> for scenarios with response probabilities: the same patients for
/// every design (common random numbers), each patient i with a DLT tolerance u_i (DLT at dose d iff
/// u_i &lt; P(DLT at d), drawn exactly as <see cref="ComparisonEngine"/> draws it, so every
/// design's DLTs, allocation and selection are those of the comparison without responses) and a
/// response uniform v_i from a second stream (response iff v_i &lt; P(response | DLT status, d)),
/// which together give each dose's four (DLT, response) cells. Designs that read responses see the
/// responders; every design's responders are counted, and P(select the OBD) and the utility of the
/// selected dose are paired against the first design. With a timeline (<c>compare --calendar</c>)
/// every design runs on the per-patient calendar engine with the same arrivals and treated-patient
/// times too (<see cref="Calendar.TrialStreams"/>, as <see cref="ComparisonEngine"/>'s calendar
/// comparison), and durations are paired against the first design.
/// </summary>
internal static class ResponseComparison
{
    /// <summary>The stream of the response uniforms of batch b: (seed XOR this, b), apart from the DLT stream (seed, b).</summary>
    public const ulong ResponseStreamKey = 0x9E37_79B9_7F4A_7C15;

    public static ScenarioComparison Run(IReadOnlyList<IDesign> designs, Scenario scenario, double target, MonteCarloOptions options, int benchmarkPatients,
        CorrectSelection? correctSelection = null, Calendar.Timeline? timeline = null) =>
        Finish(Count(designs, scenario, target, options, benchmarkPatients, correctSelection, timeline), designs, scenario, target, options, benchmarkPatients, correctSelection, timeline);

    /// <summary>The counters of <see cref="Run"/> over the options' batch range (with <see cref="ComparisonCounts.Responses"/>): those of disjoint ranges add up to the whole run's.</summary>
    public static ComparisonCounts Count(IReadOnlyList<IDesign> designs, Scenario scenario, double target, MonteCarloOptions options, int benchmarkPatients,
        CorrectSelection? correctSelection = null, Calendar.Timeline? timeline = null)
    {
        var (k, mtd, correct, patientsPerTrial, thresholds) = ComparisonEngine.Prepare(designs, scenario, target, options, benchmarkPatients, correctSelection, timeline);
        if (!scenario.HasResponse) throw new ArgumentException($"scenario '{scenario.Name}' has no response probabilities, which design {designs.First(d => d.ReadsResponses).Name} reads");
        // P(response | DLT) and P(response | no DLT) per dose, as thresholds on the response uniform.
        var respGivenDlt = new ulong[k];
        var respGivenNone = new ulong[k];
        for (int d = 0; d < k; d++)
        {
            var c = scenario.Cells(d);
            respGivenDlt[d] = CompiledScenario.BernoulliThreshold(c.Dlt > 0 ? c.DltResponse / c.Dlt : 0);
            respGivenNone[d] = CompiledScenario.BernoulliThreshold(c.Dlt < 1 ? c.ResponseNoDlt / (1 - c.Dlt) : 0);
        }
        var utility = Enumerable.Range(0, k).Select(d => scenario.Utility.Expected(scenario.Cells(d))).ToArray();
        int obd = DoseOptimisationSummary.TrueObd(scenario, target, scenario.Utility);
        var graphs = designs.Select(d =>
        {
            if (d.ReadsResponses || timeline is not null) return null;
            try { return StateGraph.For(d, options.MaxStates); }
            catch (StateSpaceTooLargeException) { return null; }
        }).ToArray();
        var setup = new Setup(designs, graphs, thresholds, respGivenDlt, respGivenNone, mtd, correct, obd, utility, patientsPerTrial, target, benchmarkPatients,
            timeline ?? Calendar.Timeline.Instant, timeline is not null);
        var total = new Worker(setup);
        MonteCarloEngine.RunBatches(options, () => new Worker(setup),
            (Worker w, long batch, int count) =>
            {
                var rng = Xoshiro256StarStar.ForStream(options.Seed, (ulong)batch);
                var resp = Xoshiro256StarStar.ForStream(options.Seed ^ ResponseStreamKey, (ulong)batch);
                w.Run(ref rng, ref resp, Calendar.TrialStreams.TimeSeed(options.Seed, batch), count);
            },
            w => { lock (total) total.Add(w); });
        return new ComparisonCounts(total.Tallies.Select(t => t.Oc).ToArray(), total.PcsDiff, total.AboveDiff, total.BenchmarkCorrect)
        {
            Responses = total.Tallies, ObdDifference = total.ObdDiff, UtilityDifference = total.UtilityDiff,
            Times = total.Times, DurationDifference = total.DurationDiff, Shorter = total.Shorter,
        };
    }

    /// <summary>The comparison from the counters of every batch of the run (as <see cref="Count"/> gives them, summed).</summary>
    public static ScenarioComparison Finish(ComparisonCounts total, IReadOnlyList<IDesign> designs, Scenario scenario, double target, MonteCarloOptions options,
        int benchmarkPatients, CorrectSelection? correctSelection = null, Calendar.Timeline? timeline = null)
    {
        var responses = total.Responses ?? throw new ArgumentException("the counters have no responders: they are not a comparison with a design that reads responses");
        var rule = correctSelection ?? CorrectSelection.HighestAtOrBelowTarget;
        bool[] correct = rule.CorrectOutcomes(scenario, target);
        long trials = options.Trials;
        var rows = new List<DesignComparison>();
        for (int j = 0; j < designs.Count; j++)
        {
            var oc = responses[j].ToResult(designs[j], scenario, target, "monte-carlo", trials, options.Seed).WithCorrectSelection(rule);
            rows.Add(new DesignComparison(oc, total.CorrectSelectionDifference[j].Estimate(trials), total.ShareAboveDifference[j].Estimate(trials, scale: 1.0 / Worker.Scale))
            {
                SelectObdDifference = total.ObdDifference![j].Estimate(trials),
                UtilityDifference = total.UtilityDifference![j].Estimate(trials, scale: 1.0 / Worker.Scale),
            });
        }
        Estimate? benchmark = null;
        if (benchmarkPatients > 0 && correct.Skip(1).Any(c => c))
        {
            double p = (double)total.BenchmarkCorrect / trials;
            benchmark = new(p, Math.Sqrt(p * (1 - p) / trials));
        }
        var calendar = timeline is null ? null
            : Calendar.CalendarComparison.From(designs, scenario, target, timeline, options, total.Times!, total.DurationDifference!, total.Shorter!, rows.Select(r => r.Oc).ToList());
        return new ScenarioComparison(scenario, rows, benchmark, benchmarkPatients) { Calendar = calendar };
    }

    private sealed record Setup(IReadOnlyList<IDesign> Designs, StateGraph?[] Graphs, ulong[] Dlt, ulong[] RespGivenDlt, ulong[] RespGivenNone,
        int Mtd, bool[] Correct, int Obd, double[] Utility, int PatientsPerTrial, double Target, int BenchmarkPatients, Calendar.Timeline Timeline, bool OnCalendar);

    private sealed class Worker
    {
        /// <summary>Shares and utilities are paired as integers in millionths (exact merging); a utility of 100 is 10^8, its square fits a long.</summary>
        public const long Scale = 1_000_000;

        public readonly ResponseTally<long>[] Tallies;
        public readonly PairedSums[] PcsDiff, AboveDiff, ObdDiff, UtilityDiff;
        /// <summary>On the calendar: each design's times, its paired duration differences (ticks) and trials it finished first.</summary>
        public readonly Calendar.CalendarTally[]? Times;
        public readonly PairedSums[]? DurationDiff;
        public readonly long[]? Shorter;
        public long BenchmarkCorrect;
        private readonly Setup _s;
        private readonly bool _drawTreated;
        private readonly ulong[] _tolerances, _responseDraws;
        private readonly long[] _utilityScaled;
        private readonly PerPatientSimulator[] _workers;

        public Worker(Setup s)
        {
            _s = s;
            // Every design's responders are counted (the paired efficacy differences need them), not only those that read them.
            _workers = s.Designs.Select(d => new PerPatientSimulator(d, s.Dlt, s.Timeline, countResponses: true)).ToArray();
            _drawTreated = PerPatientSimulator.DrawsTreated(s.Timeline);
            int k = s.Dlt.Length;
            if (s.OnCalendar)
            {
                Times = s.Designs.Select(d => new Calendar.CalendarTally(k, d.MaxPatients, s.Mtd)).ToArray();
                DurationDiff = new PairedSums[s.Designs.Count];
                Shorter = new long[s.Designs.Count];
            }
            Tallies = s.Designs.Select(d => new ResponseTally<long>(k, d.MaxPatients, s.Mtd)).ToArray();
            PcsDiff = new PairedSums[s.Designs.Count];
            AboveDiff = new PairedSums[s.Designs.Count];
            ObdDiff = new PairedSums[s.Designs.Count];
            UtilityDiff = new PairedSums[s.Designs.Count];
            _tolerances = new ulong[s.PatientsPerTrial];
            _responseDraws = new ulong[s.PatientsPerTrial];
            _utilityScaled = s.Utility.Select(u => (long)Math.Round(u * Scale)).ToArray();
        }

        public void Add(Worker o)
        {
            for (int j = 0; j < Tallies.Length; j++)
            {
                Tallies[j].Add(o.Tallies[j]);
                PcsDiff[j].Add(o.PcsDiff[j]); AboveDiff[j].Add(o.AboveDiff[j]);
                ObdDiff[j].Add(o.ObdDiff[j]); UtilityDiff[j].Add(o.UtilityDiff[j]);
                if (Times is not null) { Times[j].Add(o.Times![j]); DurationDiff![j].Add(o.DurationDiff![j]); Shorter![j] += o.Shorter![j]; }
            }
            BenchmarkCorrect += o.BenchmarkCorrect;
        }

        public void Run(ref Xoshiro256StarStar rng, ref Xoshiro256StarStar resp, ulong timeSeed, int trials)
        {
            int k = _s.Dlt.Length;
            Span<int> patients = stackalloc int[k], dlts = stackalloc int[k], responses = stackalloc int[k];
            for (int t = 0; t < trials; t++)
            {
                for (int i = 0; i < _tolerances.Length; i++) _tolerances[i] = rng.Next53();
                for (int i = 0; i < _responseDraws.Length; i++) _responseDraws[i] = resp.Next53();
                long correct0 = 0, above0 = 0, obd0 = 0, utility0 = 0, ticks0 = 0;
                for (int j = 0; j < _s.Designs.Count; j++)
                {
                    TrialOutcome outcome = default;
                    int selected = _s.Graphs[j] is { } graph
                        ? WalkOne(graph, patients, dlts, responses)
                        : (outcome = RunOne(j, timeSeed, t, patients, dlts, responses)).Selected;
                    Tallies[j].Record(selected, patients, dlts, responses, 1);
                    long correct = _s.Correct[selected + 1] ? 1 : 0;
                    int n = 0, above = 0;
                    for (int d = 0; d < k; d++) { n += patients[d]; if (d > _s.Mtd) above += patients[d]; }
                    long share = above * Scale / n;
                    long isObd = selected == _s.Obd ? 1 : 0;
                    long u = selected >= 0 ? _utilityScaled[selected] : 0;
                    if (j == 0) (correct0, above0, obd0, utility0) = (correct, share, isObd, u);
                    PcsDiff[j].Record(correct - correct0);
                    AboveDiff[j].Record(share - above0);
                    ObdDiff[j].Record(isObd - obd0);
                    UtilityDiff[j].Record(u - utility0);
                    if (Times is not null) Calendar.CalendarTally.RecordPaired(Times, DurationDiff!, Shorter!, j, outcome, _workers[j], ref ticks0);
                }
                if (_s.BenchmarkPatients > 0 && _s.Correct[Benchmark() + 1]) BenchmarkCorrect++;
            }
        }

        private int Responds(int patient, int level, bool dlt) =>
            _responseDraws[patient] < (dlt ? _s.RespGivenDlt[level] : _s.RespGivenNone[level]) ? 1 : 0;

        private int WalkOne(StateGraph graph, Span<int> patients, Span<int> dlts, Span<int> responses)
        {
            responses.Clear();
            int node = graph.Root, total = 0;
            while (!graph.IsTerminal(node))
            {
                int level = graph.NextLevel(node), m = graph.NextCohortSize(node), x = 0;
                for (int i = 0; i < m; i++)
                {
                    bool dlt = _tolerances[total + i] < _s.Dlt[level];
                    x += dlt ? 1 : 0;
                    responses[level] += Responds(total + i, level, dlt);
                }
                total += m;
                node = graph.Child(node, x);
            }
            graph.PatientsAt(node).CopyTo(patients);
            graph.DltsAt(node).CopyTo(dlts);
            return graph.SelectedLevel(node);
        }

        // One trial of a design that asks Decide: the per-patient engine on this trial's tolerances and response uniforms (and, on the calendar, its times).
        private TrialOutcome RunOne(int j, ulong timeSeed, int trial, Span<int> patients, Span<int> dlts, Span<int> responses)
        {
            var worker = _workers[j];
            TrialOutcome outcome;
            if (_s.OnCalendar)
            {
                var draws = new ToleranceResponseTimeDraws(_tolerances, _responseDraws, _s.RespGivenDlt, _s.RespGivenNone, timeSeed, _s.Timeline.NonEvaluableRate, _drawTreated);
                outcome = worker.RunTrial(ref draws, timeSeed, trial);
            }
            else
            {
                var draws = new Calendar.ToleranceResponseDraws(_tolerances, _responseDraws, _s.RespGivenDlt, _s.RespGivenNone);
                outcome = worker.RunTrial(ref draws, 0, 0);
            }
            worker.Patients.CopyTo(patients);
            worker.Dlts.CopyTo(dlts);
            worker.Responses.CopyTo(responses);
            return outcome;
        }

        // The nonparametric optimal benchmark, as ComparisonEngine's.
        private int Benchmark()
        {
            int best = 0, n = _s.BenchmarkPatients;
            double bestGap = double.MaxValue;
            for (int d = 0; d < _s.Dlt.Length; d++)
            {
                int x = 0;
                for (int i = 0; i < n; i++) x += _tolerances[i] < _s.Dlt[d] ? 1 : 0;
                double gap = Math.Abs((double)x / n - _s.Target);
                if (gap < bestGap - 1e-12) { bestGap = gap; best = d; }
            }
            return best;
        }
    }
}
