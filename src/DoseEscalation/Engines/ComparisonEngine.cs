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

/// <summary>Every design on one scenario with the same simulated patients, plus the benchmark.</summary>
public sealed record ScenarioComparison(Scenario Scenario, IReadOnlyList<DesignComparison> Designs, Estimate? BenchmarkCorrectSelection, int BenchmarkPatients);

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
/// </summary>
public static class ComparisonEngine
{
    /// <summary>
    /// Compares <paramref name="designs"/> on <paramref name="scenario"/>; the benchmark sees
    /// <paramref name="benchmarkPatients"/> patients (usually the designs' maximum sample size; 0 = no benchmark).
    /// </summary>
    public static ScenarioComparison Run(IReadOnlyList<IDesign> designs, Scenario scenario, double target, MonteCarloOptions options, int benchmarkPatients,
        CorrectSelection? correctSelection = null)
    {
        options.Validate();
        if (designs.Count == 0) throw new ArgumentException("no designs to compare");
        // Designs that read responses need each patient's response too: their own comparison (the same DLT draws).
        if (designs.Any(d => d.ReadsResponses)) return Response.ResponseComparison.Run(designs, scenario, target, options, benchmarkPatients, correctSelection);
        foreach (var d in designs) ResourceGuard.Design(d);
        foreach (var d in designs)
            if (d.DoseCount != scenario.DoseCount)
                throw new ArgumentException($"scenario '{scenario.Name}' has {scenario.DoseCount} doses but design {d.Name} has {d.DoseCount}");
        int k = scenario.DoseCount;
        int mtd = scenario.TrueMtdLevel(target);
        var rule = correctSelection ?? CorrectSelection.HighestAtOrBelowTarget;
        bool[] correct = rule.CorrectOutcomes(scenario, target);
        int patientsPerTrial = Math.Max(designs.Max(d => d.MaxPatients), benchmarkPatients);
        var thresholds = scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        // A design whose state graph fits walks it (its decisions are precomputed there); the others ask Decide.
        var graphs = designs.Select(d =>
        {
            try { return StateGraph.For(d, options.MaxStates); }
            catch (StateSpaceTooLargeException) { return null; }
        }).ToArray();
        var total = new Worker(designs, graphs, k, mtd, correct, patientsPerTrial);
        MonteCarloEngine.RunBatches(options, () => new Worker(designs, graphs, k, mtd, correct, patientsPerTrial),
            (Worker w, long batch, int count) =>
            {
                var rng = Xoshiro256StarStar.ForStream(options.Seed, (ulong)batch);
                w.Run(designs, thresholds, ref rng, count, target, benchmarkPatients);
            },
            w => { lock (total) total.Add(w); });

        long trials = options.Trials;
        var rows = new List<DesignComparison>();
        for (int j = 0; j < designs.Count; j++)
        {
            var oc = OperatingCharacteristics.FromTally(total.Tallies[j], designs[j], scenario, target, "monte-carlo", trials, options.Seed).WithCorrectSelection(rule);
            rows.Add(new DesignComparison(oc, total.PcsDiff[j].Estimate(trials),
                total.AboveDiff[j].Estimate(trials, scale: 1.0 / Worker.FractionScale)));
        }
        // The benchmark always selects a dose, so it has no P(correct) when no dose is correct.
        Estimate? benchmark = benchmarkPatients > 0 && correct.Skip(1).Any(c => c) ? Proportion(total.BenchmarkCorrect, trials) : null;
        return new ScenarioComparison(scenario, rows, benchmark, benchmarkPatients);
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
        public long BenchmarkCorrect;
        private readonly ulong[] _tolerances;
        private readonly int _mtd;
        private readonly bool[] _correct; // [0] = no dose, [d + 1] = dose d
        private readonly StateGraph?[] _graphs;

        public Worker(IReadOnlyList<IDesign> designs, StateGraph?[] graphs, int k, int mtd, bool[] correct, int patientsPerTrial)
        {
            _correct = correct;
            _graphs = graphs;
            Tallies = designs.Select(d => new OcTally<long>(k, d.MaxPatients, mtd)).ToArray();
            PcsDiff = new PairedSums[designs.Count];
            AboveDiff = new PairedSums[designs.Count];
            _tolerances = new ulong[patientsPerTrial];
            _mtd = mtd;
        }

        public void Add(Worker o)
        {
            for (int j = 0; j < Tallies.Length; j++)
            {
                Tallies[j].Add(o.Tallies[j]);
                PcsDiff[j].Add(o.PcsDiff[j]);
                AboveDiff[j].Add(o.AboveDiff[j]);
            }
            BenchmarkCorrect += o.BenchmarkCorrect;
        }

        public void Run(IReadOnlyList<IDesign> designs, ulong[] thresholds, ref Xoshiro256StarStar rng, int trials, double target, int benchmarkPatients)
        {
            int k = thresholds.Length;
            Span<int> patients = stackalloc int[k];
            Span<int> dlts = stackalloc int[k];
            for (int t = 0; t < trials; t++)
            {
                // The trial's patients: a fixed number of draws per trial, whatever the designs use.
                for (int i = 0; i < _tolerances.Length; i++) _tolerances[i] = rng.Next53();
                int correct0 = 0;
                long above0 = 0;
                for (int j = 0; j < designs.Count; j++)
                {
                    int selected = _graphs[j] is { } graph
                        ? WalkOne(graph, thresholds, patients, dlts)
                        : RunOne(designs[j], thresholds, patients, dlts);
                    Tallies[j].Record(selected, patients, dlts, 1);
                    int correct = _correct[selected + 1] ? 1 : 0;
                    int n = 0, above = 0;
                    for (int d = 0; d < k; d++) { n += patients[d]; if (d > _mtd) above += patients[d]; }
                    long share = above * FractionScale / n;
                    if (j == 0) { correct0 = correct; above0 = share; }
                    long dc = correct - correct0, da = share - above0;
                    PcsDiff[j].Record(dc);
                    AboveDiff[j].Record(da);
                }
                if (benchmarkPatients > 0 && _correct[Benchmark(thresholds, benchmarkPatients, target) + 1]) BenchmarkCorrect++;
            }
        }

        /// <summary>As <see cref="RunOne"/>, through the design's state graph: the same decisions, looked up.</summary>
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

        /// <summary>One trial of one design on this trial's patients, in enrolment order.</summary>
        private int RunOne(IDesign design, ulong[] thresholds, Span<int> patients, Span<int> dlts)
        {
            patients.Clear();
            dlts.Clear();
            int level = 0, last = -1, total = 0;
            var check = new DecisionCheck(design);
            while (true)
            {
                var d = design.Decide(new TrialState(patients, dlts, level, last, total));
                if (d.IsStop) { check.Stop(d); return d.Level; }
                check.Treat(d, total);
                int x = 0;
                for (int i = 0; i < d.CohortSize; i++) x += _tolerances[total + i] < thresholds[d.Level] ? 1 : 0;
                level = d.Level;
                last = x;
                total += d.CohortSize;
                patients[level] += d.CohortSize;
                dlts[level] += x;
            }
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
internal struct PairedSums
{
    public long Sum;
    public Int128 SumSq;

    public void Record(long difference)
    {
        Sum += difference;
        SumSq += (Int128)(difference * difference); // |difference| <= 10^6, so the square fits a long
    }

    public void Add(in PairedSums other)
    {
        Sum += other.Sum;
        SumSq += other.SumSq;
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
