using DoseEscalation.Rng;

namespace DoseEscalation.Engines;

/// <summary>
/// Monte Carlo operating characteristics. Trials run in fixed batches; batch b draws from its own
/// xoshiro256** stream seeded from (seed, b); every counter is an integer, so the totals are
/// bit-identical whatever the thread count or the order batches finish in.
/// </summary>
internal static class MonteCarloEngine
{
    public static OperatingCharacteristics Run(IDesign design, Scenario scenario, double target, MonteCarloOptions options)
    {
        options.Validate();
        ResourceGuard.Design(design);
        // A design that reads responses has its own engine: its state counts responders too.
        if (design.ReadsResponses) return Response.ResponseEngine.MonteCarlo(design, scenario, target, options);
        StateGraph? graph = GraphFor(design, scenario, options);
        return graph is null
            ? RunTrialLoop(design, scenario, target, options)
            : RunCompiled(graph, scenario, target, options);
    }

    /// <summary>
    /// The integer counters of batches <see cref="MonteCarloOptions.FirstBatch"/> to
    /// <see cref="MonteCarloOptions.EndBatch"/> - 1 (by the method <see cref="Run"/> would use): the
    /// counters of disjoint ranges add up to those of the whole run, and
    /// <see cref="OperatingCharacteristics.FromTally"/> of the sum is <see cref="Run"/>'s result.
    /// </summary>
    public static OcTally<long> Count(IDesign design, Scenario scenario, double target, MonteCarloOptions options)
    {
        options.Validate();
        ResourceGuard.Design(design);
        StateGraph? graph = GraphFor(design, scenario, options);
        return graph is null ? CountTrialLoop(design, scenario, target, options) : CountCompiled(graph, scenario, target, options);
    }

    // The compiled graph the run walks, or null for the trial loop. Titration's grade-2 trigger is a
    // second outcome per titration patient, which only the trial loop draws.
    private static StateGraph? GraphFor(IDesign design, Scenario scenario, MonteCarloOptions options)
    {
        if (Designs.Rules.AcceleratedTitration.Grade2Rule(design, scenario) is not null)
            return options.Method == SimulationMethod.CompiledGraph
                ? throw new ArgumentException($"accelerated titration ending on grade-2 events (scenario '{scenario.Name}' gives grade2 probabilities) runs on the trial loop only; the compiled graph draws DLTs alone (--method loop or auto)")
                : null;
        return options.Method switch
        {
            SimulationMethod.TrialLoop => null,
            SimulationMethod.CompiledGraph => StateGraph.For(design),
            _ => TryBuild(design, options.MaxStates),
        };
    }

    private static void WholeRun(MonteCarloOptions options)
    {
        if (!options.IsWholeRun)
            throw new ArgumentException($"batches {options.FirstBatch}..{options.EndBatch - 1} are a shard of the run; Count gives a shard's counters, Run needs every batch");
    }

    private static StateGraph? TryBuild(IDesign design, int maxStates)
    {
        try { return StateGraph.For(design, maxStates); }
        catch (StateSpaceTooLargeException) { return null; }
    }

    /// <summary>Monte Carlo by walking the compiled state graph; only terminal states are counted.</summary>
    public static OperatingCharacteristics RunCompiled(StateGraph graph, Scenario scenario, double target, MonteCarloOptions options)
    {
        options.Validate();
        WholeRun(options);
        return OperatingCharacteristics.FromTally(CountCompiled(graph, scenario, target, options), graph.Design, scenario, target, "monte-carlo", options.Trials, options.Seed);
    }

    /// <summary>The counters of <see cref="RunCompiled"/> over the options' batch range.</summary>
    public static OcTally<long> CountCompiled(StateGraph graph, Scenario scenario, double target, MonteCarloOptions options)
    {
        options.Validate();
        var walk = new CompiledWalk(graph, scenario) { Path = options.Simd };
        long[] histogram = new long[graph.TerminalCount];
        long finished = 0;
        // Where the path walks two batches together, batches run in pairs (2p, 2p+1); the counts per
        // batch are unchanged, so results do not depend on the pairing either. A shard pairs from its
        // first batch and never past its last.
        long first = options.FirstBatch, end = options.EndBatch;
        int perUnit = walk.WalksPairs ? 2 : 1;
        RunParallel((end - first + perUnit - 1) / perUnit, options.EffectiveThreads, walk.CreateCounters,
            (WalkCounters local, long pair) =>
            {
                long a = first + perUnit * pair, b = a + 1;
                int countA = BatchTrials(options, a), countB = perUnit == 2 && b < end ? BatchTrials(options, b) : 0;
                walk.RunBatchPair(options.Seed, a, countA, b, countB, local, options.Simd);
                if (options.Progress is { } progress) progress(Interlocked.Add(ref finished, countA + countB));
            },
            local =>
            {
                long[] counts = local.TerminalCounts();
                lock (histogram) for (int i = 0; i < counts.Length; i++) histogram[i] += counts[i];
            }, options.Cancellation);

        var tally = new OcTally<long>(graph.DoseCount, graph.Design.MaxPatients, scenario.TrueMtdLevel(target), scenario.Response is not null);
        for (int i = 0; i < histogram.Length; i++)
        {
            int t = graph.FirstTerminal + i;
            if (histogram[i] > 0) tally.Record(graph.SelectedLevel(t), graph.PatientsAt(t), graph.DltsAt(t), histogram[i]);
        }
        return tally;
    }

    /// <summary>Monte Carlo by the general trial loop: the design decides each cohort; each patient's DLT is its own draw.</summary>
    public static OperatingCharacteristics RunTrialLoop(IDesign design, Scenario scenario, double target, MonteCarloOptions options)
    {
        options.Validate();
        WholeRun(options);
        return OperatingCharacteristics.FromTally(CountTrialLoop(design, scenario, target, options), design, scenario, target, "monte-carlo", options.Trials, options.Seed);
    }

    /// <summary>The counters of <see cref="RunTrialLoop"/> over the options' batch range.</summary>
    public static OcTally<long> CountTrialLoop(IDesign design, Scenario scenario, double target, MonteCarloOptions options)
    {
        options.Validate();
        ResourceGuard.Design(design);
        if (design.ReadsResponses)
            throw new ArgumentException($"design {design.Name} reads responses: its shard counters, responders included, come from ResponseEngine.Count");
        if (scenario.DoseCount != design.DoseCount)
            throw new ArgumentException($"scenario '{scenario.Name}' has {scenario.DoseCount} doses but the design has {design.DoseCount}");
        // The per-patient engine with nothing taking time: the cohort loop, DLTs drawn from the batch's stream.
        return Calendar.CalendarEngine.Simulate(design, scenario, target, Calendar.Timeline.Instant, options).Oc;
    }

    /// <summary>Trials in batch <paramref name="batch"/> (0 past the last batch).</summary>
    private static int BatchTrials(MonteCarloOptions options, long batch) =>
        (int)Math.Clamp(options.Trials - batch * options.BatchSize, 0, options.BatchSize);

    internal delegate void BatchBody<TLocal>(TLocal local, long batch, int count);

    /// <summary>
    /// Runs batches FirstBatch..EndBatch-1 (all B batches unless a shard) on up to <c>Threads</c> workers, each with its own local accumulator,
    /// merged once per worker. Batch b always holds the same trials, so integer totals are exact.
    /// </summary>
    internal static void RunBatches<TLocal>(MonteCarloOptions options, Func<TLocal> localInit, BatchBody<TLocal> body, Action<TLocal> merge)
    {
        long first = options.FirstBatch;
        long done = 0;
        RunParallel(options.EndBatch - first, options.EffectiveThreads, localInit,
            (local, unit) =>
            {
                long batch = first + unit;
                int count = BatchTrials(options, batch);
                body(local, batch, count);
                if (options.Progress is { } progress) progress(Interlocked.Add(ref done, count));
            },
            merge, options.Cancellation);
    }

    /// <summary>Units 0..<paramref name="units"/>-1 on up to <paramref name="threads"/> workers, each with its own local state, merged once per worker.</summary>
    private static void RunParallel<TLocal>(long units, int threads, Func<TLocal> localInit, Action<TLocal, long> body, Action<TLocal> merge, CancellationToken cancellation)
    {
        try
        {
            Parallel.For(0L, units, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation },
                localInit,
                (unit, _, local) => { body(local, unit); return local; },
                merge);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            // A worker's own exception (e.g. a design breaking its contract), not the wrapper Parallel.For puts round it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.Flatten().InnerExceptions[0]).Throw();
        }
    }
}
