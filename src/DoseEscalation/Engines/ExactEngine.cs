using MathNet.Numerics.Distributions;

namespace DoseEscalation.Engines;

/// <summary>
/// Exact operating characteristics: probabilities flow forward through the design's
/// <see cref="StateGraph"/>, each cohort branching on its binomial outcome; terminal states add
/// their probability to the result. Cost grows with the number of distinct states, not paths.
/// </summary>
internal static class ExactEngine
{
    /// <summary>Exact OCs of <paramref name="design"/> under <paramref name="scenario"/>.</summary>
    /// <exception cref="StateSpaceTooLargeException">More than <paramref name="maxStates"/> distinct states.</exception>
    public static OperatingCharacteristics Run(IDesign design, Scenario scenario, double target, int maxStates = StateGraph.DefaultMaxStates) =>
        design.ReadsResponses
            ? Response.ResponseEngine.Exact(design, scenario, target, maxStates) // its state counts responders too
            : Run(design, [scenario], target, maxStates)[0];

    /// <summary>
    /// Exact OCs of <paramref name="design"/> under each of <paramref name="scenarios"/>, in one pass
    /// over the design's states. Unless the design's graph is already built (and cached), the states
    /// are made level by level and freed once read (<see cref="ExactFlow"/>), so memory stays far below
    /// the whole graph's; the results are bit-identical either way.
    /// </summary>
    /// <exception cref="StateSpaceTooLargeException">More than <paramref name="maxStates"/> distinct states.</exception>
    public static IReadOnlyList<OperatingCharacteristics> Run(IDesign design, IReadOnlyList<Scenario> scenarios, double target, int maxStates = StateGraph.DefaultMaxStates)
    {
        if (scenarios.Count == 0) return [];
        if (design.ReadsResponses) return scenarios.Select(s => Response.ResponseEngine.Exact(design, s, target, maxStates)).ToList();
        // Titration ending on grade-2 events: the graph that counts them, for the scenarios that give
        // grade-2 probabilities; the others (DLT-only titration) take the usual path below.
        if (scenarios.Any(s => Designs.Rules.AcceleratedTitration.Grade2Rule(design, s) is not null))
        {
            var results = new OperatingCharacteristics[scenarios.Count];
            var rest = new List<int>();
            for (int i = 0; i < scenarios.Count; i++)
                if (scenarios[i].HasGrade2) results[i] = Run(StateGraph.ForGrade2(design, maxStates), scenarios[i], target);
                else rest.Add(i);
            if (rest.Count > 0)
            {
                var others = Run(design, rest.Select(i => scenarios[i]).ToList(), target, maxStates);
                for (int j = 0; j < rest.Count; j++) results[rest[j]] = others[j];
            }
            return results;
        }
        if (StateGraph.Cached(design) is null && ExactFlow.Run(design, scenarios, target, maxStates) is { } flow)
            return scenarios.Select((s, i) => OperatingCharacteristics.FromTally(flow.Tallies[i], design, s, target, "exact", 0, null)
                with { StateCount = flow.States }).ToList();
        var graph = StateGraph.For(design, maxStates);
        return scenarios.Select(s => Run(graph, s, target)).ToList();
    }

    /// <summary>Exact OCs over a graph already built (reuse it across scenarios).</summary>
    public static OperatingCharacteristics Run(StateGraph graph, Scenario scenario, double target)
    {
        // A scenario that ends titration on grade-2 events needs the graph that counts them; the
        // titration phase adds few states, so the limit is well above the usual graph's size.
        if (!graph.CountsGrade2 && Designs.Rules.AcceleratedTitration.Grade2Rule(graph.Design, scenario) is not null)
            graph = StateGraph.ForGrade2(graph.Design, Math.Max(StateGraph.DefaultMaxStates, 4 * graph.NodeCount));
        var tally = Tally(graph, scenario, scenario.TrueMtdLevel(target));
        return OperatingCharacteristics.FromTally(tally, graph.Design, scenario, target, "exact", 0, null)
            with { StateCount = graph.NodeCount };
    }

    /// <summary>The probability of reaching each node of <paramref name="graph"/> under <paramref name="scenario"/>.</summary>
    public static double[] NodeProbabilities(StateGraph graph, Scenario scenario)
    {
        CheckDoses(graph, scenario);
        bool grade2 = Designs.Rules.AcceleratedTitration.Grade2Rule(graph.Design, scenario) is not null;
        if (grade2 != graph.CountsGrade2)
            throw new ArgumentException(grade2
                ? $"scenario '{scenario.Name}' gives grade2 probabilities, so the design's titration ends on grade-2 events: its exact OCs need the graph that counts them (StateGraph.ForGrade2)"
                : $"scenario '{scenario.Name}' gives no grade2 probabilities: the graph that counts titration's grade-2 events does not apply");
        var prob = new double[graph.NodeCount];
        prob[graph.Root] = 1.0;
        // Binomial(m, p_d) for every level and cohort size, computed once (not once per state).
        int stride = graph.Stride;
        var pmf = new double[graph.DoseCount * stride * stride];
        for (int d = 0; d < graph.DoseCount; d++)
            for (int m = 1; m < stride; m++)
                for (int x = 0; x <= m; x++) pmf[(d * stride + m) * stride + x] = Binomial.PMF(scenario.Dlt[d], m, x);
        var split = graph.Grade2Split;
        for (int i = 0; i < graph.FirstTerminal; i++)
        {
            double p = prob[i];
            if (p == 0) continue;
            if (split is not null && split[i])
            {
                // One titration patient, three outcomes: DLT (p_dlt), grade 2 without DLT (p_g2 - p_dlt), neither (1 - p_g2).
                int level = graph.NextLevel(i);
                double pd = scenario.Dlt[level], pg = scenario.Grade2![level];
                prob[graph.Child(i, 0)] += p * (1 - pg);
                prob[graph.Child(i, 1)] += p * pd;
                prob[graph.Child(i, StateGraph.Grade2Slot)] += p * (pg - pd);
                continue;
            }
            int m = graph.NextCohortSize(i);
            int row = (graph.NextLevel(i) * stride + m) * stride;
            for (int x = 0; x <= m; x++) prob[graph.Child(i, x)] += p * pmf[row + x];
        }
        return prob;
    }

    /// <summary>Terminal-state weights as an OC tally (weights are probabilities).</summary>
    public static OcTally<double> Tally(StateGraph graph, Scenario scenario, int trueMtdLevel)
    {
        var prob = NodeProbabilities(graph, scenario);
        var tally = new OcTally<double>(graph.DoseCount, graph.Design.MaxPatients, trueMtdLevel, scenario.Response is not null);
        Span<int> patients = stackalloc int[graph.DoseCount], dlts = stackalloc int[graph.DoseCount];
        for (int t = graph.FirstTerminal; t < graph.NodeCount; t++)
        {
            if (prob[t] == 0) continue;
            graph.CountsAt(t, patients, dlts);
            tally.Record(graph.SelectedLevel(t), patients, dlts, prob[t]);
        }
        return tally;
    }

    internal static void CheckDoses(StateGraph graph, Scenario scenario)
    {
        if (scenario.DoseCount != graph.DoseCount)
            throw new ArgumentException($"scenario '{scenario.Name}' has {scenario.DoseCount} doses but the design has {graph.DoseCount}");
    }
}
