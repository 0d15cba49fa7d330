using DoseEscalation.Rng;

namespace DoseEscalation.Engines.Response;

/// <summary>
/// Operating characteristics of designs that read responses (<see cref="IDesign.ReadsResponses"/>),
/// whose state is patients, DLTs and responders per dose: Monte Carlo by the per-patient engine
/// (<see cref="PerPatientSimulator"/>, one draw per patient over the four cells) and exact by a forward walk over merged states, each cohort
/// branching on its (DLTs, responders) outcome, multinomial over the four cells. The scenario must
/// have response probabilities (<see cref="Scenario.HasResponse"/>).
/// </summary>
internal static class ResponseEngine
{
    /// <summary>Monte Carlo: batches as <see cref="MonteCarloEngine"/> (batch b draws from its own stream seeded by (seed, b)), one uniform per patient.</summary>
    public static OperatingCharacteristics MonteCarlo(IDesign design, Scenario scenario, double target, MonteCarloOptions options) =>
        Count(design, scenario, target, options).ToResult(design, scenario, target, "monte-carlo", options.Trials, options.Seed);

    /// <summary>The counters of <see cref="MonteCarlo"/> over the options' batch range (those of disjoint ranges add up to the whole run's).</summary>
    public static ResponseTally<long> Count(IDesign design, Scenario scenario, double target, MonteCarloOptions options)
    {
        options.Validate();
        ResourceGuard.Design(design);
        Check(design, scenario);
        int mtd = scenario.TrueMtdLevel(target);
        var outcomes = new OutcomeThresholds(scenario);
        var total = new ResponseTally<long>(design.DoseCount, design.MaxPatients, mtd);
        var thresholds = scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        // The per-patient engine with nothing taking time; each patient's (DLT, response) is one draw over the four cells.
        Calendar.CalendarEngine.Unwrapped(() => MonteCarloEngine.RunBatches(options,
            () => (Worker: new PerPatientSimulator(design, thresholds, Calendar.Timeline.Instant), Tally: new ResponseTally<long>(design.DoseCount, design.MaxPatients, mtd)),
            (local, batch, count) =>
            {
                var draws = new Calendar.OutcomeDraws(options.Seed, batch, outcomes);
                for (int t = 0; t < count; t++)
                {
                    var trial = local.Worker.RunTrial(ref draws, 0, t);
                    local.Tally.Record(trial.Selected, local.Worker.Patients, local.Worker.Dlts, local.Worker.Responses, 1);
                }
            },
            local => { lock (total) total.Add(local.Tally); }));
        return total;
    }

    /// <summary>
    /// Exact: probabilities flow forward through the merged states (patients, DLTs and responders per
    /// dose[, and patients with both for a design that reads them, <see cref="IDesign.ReadsJointOutcomes"/>],
    /// current level[, last cohort's DLTs]) in order of patients treated; terminal states add
    /// their probability to the result. Refuses designs with more than <paramref name="maxStates"/> states.
    /// </summary>
    public static OperatingCharacteristics Exact(IDesign design, Scenario scenario, double target, int maxStates = StateGraph.DefaultMaxStates)
    {
        ResourceGuard.Design(design);
        Check(design, scenario);
        int k = design.DoseCount, maxN = design.MaxPatients, maxM = design.MaxCohortSize;
        bool keepLast = design.ReadsLastCohort, joint = design.ReadsJointOutcomes;
        var tally = new ResponseTally<double>(k, maxN, scenario.TrueMtdLevel(target));
        // outcome[(level * (maxM + 1) + m)][a * (m + 1) + b] = P(a DLTs and b responders among m patients);
        // for a design that reads the joint outcome, [(a * (m + 1) + b) * (m + 1) + j] with j of them with both.
        var outcome = new double[k * (maxM + 1)][];
        for (int d = 0; d < k; d++)
            for (int m = 1; m <= maxM; m++)
                outcome[d * (maxM + 1) + m] = joint ? CohortOutcomeWithBoth(scenario.Cells(d), m) : CohortOutcome(scenario.Cells(d), m);

        // Layers by patients treated: every cohort adds at least one patient, so each layer is final when reached.
        var layers = new Dictionary<string, double>?[maxN + 1];
        layers[0] = new() { [Key(new int[k], new int[k], new int[k], new int[k], 0, -1, keepLast, joint)] = 1.0 };
        Span<int> patients = stackalloc int[k], dlts = stackalloc int[k], responses = stackalloc int[k], both = stackalloc int[k];
        var check = new DecisionCheck(design);
        long states = 0;
        for (int n = 0; n <= maxN; n++)
        {
            if (layers[n] is not { } layer) continue;
            states += layer.Count;
            if (states > maxStates)
                throw new StateSpaceTooLargeException($"design '{design.Describe()}' has more than {maxStates:N0} distinct trial states with responses; use the Monte Carlo engine (simulate) or raise the state limit");
            foreach (var (key, p) in layer)
            {
                int level = Decode(key, patients, dlts, responses, both, keepLast, joint, out int last);
                var decision = joint
                    ? design.Decide(new TrialState(patients, dlts, responses, both, level, last, n))
                    : design.Decide(new TrialState(patients, dlts, responses, level, last, n));
                if (decision.IsStop)
                {
                    check.Stop(decision);
                    tally.Record(decision.Level, patients, dlts, responses, p);
                    continue;
                }
                check.Treat(decision, n);
                int m = decision.CohortSize, to = decision.Level;
                var probs = outcome[to * (maxM + 1) + m];
                var next = layers[n + m] ??= new Dictionary<string, double>();
                patients[to] += m;
                int cells = joint ? m + 1 : 1;
                for (int a = 0; a <= m; a++)
                    for (int b = 0; b <= m; b++)
                        for (int j = 0; j < cells; j++)
                        {
                            double q = probs[(a * (m + 1) + b) * cells + j];
                            if (q == 0) continue;
                            dlts[to] += a; responses[to] += b; both[to] += j;
                            string child = Key(patients, dlts, responses, both, to, a, keepLast, joint);
                            dlts[to] -= a; responses[to] -= b; both[to] -= j;
                            next[child] = next.TryGetValue(child, out double old) ? old + p * q : p * q;
                        }
            }
            layers[n] = null;
        }
        return tally.ToResult(design, scenario, target, "exact", 0, null) with { StateCount = (int)Math.Min(states, int.MaxValue) };
    }

    /// <summary>P(a DLTs and b responders among m patients) for one dose's cells: a sum over the patients with both.</summary>
    public static double[] CohortOutcome(OutcomeCells c, int m)
    {
        // The joint table summed over "both" = j in ascending order (the order the sum always had).
        var joint = CohortOutcomeWithBoth(c, m);
        var p = new double[(m + 1) * (m + 1)];
        for (int ab = 0; ab < p.Length; ab++)
            for (int j = 0; j <= m; j++)
                p[ab] += joint[ab * (m + 1) + j];
        return p;
    }

    /// <summary>P(a DLTs, b responders and j patients with both among m patients) for one dose's cells, at [(a * (m + 1) + b) * (m + 1) + j]: Multinomial(m; j, a - j, b - j, m - a - b + j).</summary>
    public static double[] CohortOutcomeWithBoth(OutcomeCells c, int m)
    {
        var p = new double[(m + 1) * (m + 1) * (m + 1)];
        for (int j = 0; j <= m; j++)
            for (int a = j; a <= m; a++)
                for (int b = j; a + b - j <= m; b++)
                {
                    int dltOnly = a - j, respOnly = b - j, neither = m - a - b + j;
                    double lp = LogFactorial(m) - LogFactorial(j) - LogFactorial(dltOnly) - LogFactorial(respOnly) - LogFactorial(neither)
                        + Term(j, c.DltResponse) + Term(dltOnly, c.DltNoResponse) + Term(respOnly, c.ResponseNoDlt) + Term(neither, c.Neither);
                    if (double.IsNegativeInfinity(lp)) continue;
                    p[(a * (m + 1) + b) * (m + 1) + j] = Math.Exp(lp);
                }
        return p;

        static double Term(int count, double prob) => count == 0 ? 0 : prob == 0 ? double.NegativeInfinity : count * Math.Log(prob);
    }

    private static double LogFactorial(int n) => MathNet.Numerics.SpecialFunctions.FactorialLn(n);

    // Per dose: patients, DLTs, responders (and patients with both when `joint`); then level and last cohort's DLTs.
    private static string Key(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, ReadOnlySpan<int> responses, ReadOnlySpan<int> both, int level, int last, bool keepLast, bool joint)
    {
        int k = patients.Length, w = joint ? 4 : 3;
        Span<char> s = stackalloc char[w * k + 2];
        for (int d = 0; d < k; d++)
        {
            s[w * d] = (char)patients[d]; s[w * d + 1] = (char)dlts[d]; s[w * d + 2] = (char)responses[d];
            if (joint) s[w * d + 3] = (char)both[d];
        }
        s[w * k] = (char)level;
        s[w * k + 1] = keepLast ? (char)(last + 1) : (char)0;
        return new string(s);
    }

    private static int Decode(string key, Span<int> patients, Span<int> dlts, Span<int> responses, Span<int> both, bool keepLast, bool joint, out int last)
    {
        int k = patients.Length, w = joint ? 4 : 3;
        for (int d = 0; d < k; d++)
        {
            patients[d] = key[w * d]; dlts[d] = key[w * d + 1]; responses[d] = key[w * d + 2];
            both[d] = joint ? key[w * d + 3] : 0;
        }
        last = keepLast ? key[w * k + 1] - 1 : -1;
        return key[w * k];
    }

    private static void Check(IDesign design, Scenario scenario)
    {
        if (scenario.DoseCount != design.DoseCount)
            throw new ArgumentException($"scenario '{scenario.Name}' has {scenario.DoseCount} doses but the design has {design.DoseCount}");
        if (!scenario.HasResponse)
            throw new ArgumentException($"design {design.Name} reads responses: scenario '{scenario.Name}' needs response probabilities (response: or cells:)");
    }
}
