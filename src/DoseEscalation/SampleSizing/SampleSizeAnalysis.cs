using DoseEscalation.Engines;

namespace DoseEscalation.SampleSizing;

/// <summary>
/// Sample-size quantities of one design over several scenarios, with the protocol-level summary:
/// the smallest enrolled N covering <see cref="SampleSizeModel.Coverage"/> of trials in the worst
/// scenario, and how often the planned N suffices.
/// </summary>
public sealed record SampleSizeAnalysis
{
    public required IDesign Design { get; init; }
    public required double Target { get; init; }
    public required SampleSizeModel Model { get; init; }
    /// <summary>"exact" or "monte-carlo".</summary>
    public required string Engine { get; init; }
    /// <summary>Simulated trials per scenario; 0 for exact.</summary>
    public long Trials { get; init; }
    public ulong? Seed { get; init; }
    /// <summary>Distinct trial states of the design (exact); 0 for Monte Carlo.</summary>
    public int StateCount { get; init; }
    public required IReadOnlyList<SampleSizeResult> Results { get; init; }

    /// <summary>Enrolled-N quantile at the coverage, per scenario (same order as <see cref="Results"/>).</summary>
    public IReadOnlyList<int> CoverageN => Results.Select(r => r.EnrolledQuantile(Model.Coverage)).ToArray();

    /// <summary>The smallest N covering the requested share of trials in the worst scenario: the maximum of <see cref="CoverageN"/>.</summary>
    public int RecommendedN => CoverageN.Max();

    /// <summary>The scenario attaining <see cref="RecommendedN"/> (the first, if several).</summary>
    public SampleSizeResult WorstScenario => Results[CoverageN.ToList().IndexOf(RecommendedN)];

    /// <summary>Largest evaluable N over the scenarios.</summary>
    public int MaxEvaluable => Results.Max(r => r.MaxEvaluable);
}

/// <summary>Front door: sample-size quantities by the exact engine when the design's state graph fits, else by simulation.</summary>
public static class SampleSize
{
    /// <summary>
    /// Runs every scenario. Exact when <see cref="StateGraph.Build"/> succeeds within
    /// <paramref name="maxStates"/> (it always does for the 3+3), otherwise
    /// <see cref="SampleSizeSimulation"/> with <paramref name="simulation"/>.
    /// </summary>
    public static SampleSizeAnalysis Analyze(IDesign design, IReadOnlyList<Scenario> scenarios, double target, SampleSizeModel model,
        MonteCarloOptions simulation, int maxStates = StateGraph.DefaultMaxStates, CorrectSelection? correctSelection = null)
    {
        var analysis = AnalyzeUnderDefaultDefinition(design, scenarios, target, model, simulation, maxStates);
        return correctSelection is null ? analysis
            : analysis with { Results = analysis.Results.Select(r => r.WithCorrectSelection(correctSelection, target)).ToList() };
    }

    private static SampleSizeAnalysis AnalyzeUnderDefaultDefinition(IDesign design, IReadOnlyList<Scenario> scenarios, double target, SampleSizeModel model,
        MonteCarloOptions simulation, int maxStates)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(scenarios);
        if (scenarios.Count == 0) throw new ArgumentException("no scenarios", nameof(scenarios));
        model.Validate();
        StateGraph? graph;
        try { graph = StateGraph.Build(design, maxStates); }
        catch (StateSpaceTooLargeException) { graph = null; }
        if (graph is not null)
            return new SampleSizeAnalysis
            {
                Design = design, Target = target, Model = model, Engine = "exact", StateCount = graph.NodeCount,
                // A scenario with grade-2 probabilities under titration flows through the graph that counts them.
                Results = scenarios.Select(s => SampleSizeExact.Run(
                    Designs.Rules.AcceleratedTitration.Grade2Rule(design, s) is null ? graph : StateGraph.ForGrade2(design, maxStates), s, target, model)).ToList(),
            };
        return new SampleSizeAnalysis
        {
            Design = design, Target = target, Model = model, Engine = "monte-carlo", Trials = simulation.Trials, Seed = simulation.Seed,
            Results = scenarios.Select(s => SampleSizeSimulation.Run(design, s, target, model, simulation)).ToList(),
        };
    }
}
