using DoseEscalation.Rng;

namespace DoseEscalation.Engines;

/// <summary>
/// A state graph with one scenario's cohort-outcome thresholds: a trial is a walk from the root,
/// one 53-bit uniform per cohort, until a terminal node, whose counter is incremented.
/// </summary>
internal sealed class CompiledWalk
{
    private readonly int[] _next;
    private readonly ulong[] _thresholds; // per non-terminal node, Stride-1 cumulative thresholds
    private readonly int _stride;
    private readonly int _firstTerminal;
    private readonly int _root;

    public CompiledWalk(StateGraph graph, Scenario scenario)
    {
        ExactEngine.CheckDoses(graph, scenario);
        _next = graph.Next;
        _stride = graph.Stride;
        _firstTerminal = graph.FirstTerminal;
        _root = graph.Root;
        int width = _stride - 1;
        _thresholds = new ulong[graph.FirstTerminal * width];
        for (int i = 0; i < graph.FirstTerminal; i++)
            CompiledScenario.BinomialThresholds(graph.NextCohortSize(i), scenario.Dlt[graph.NextLevel(i)], _thresholds.AsSpan(i * width, width));
    }

    public void Run<TRng>(ref TRng rng, int trials, long[] terminalCounts) where TRng : struct, IRandomSource
    {
        int width = _stride - 1;
        for (int t = 0; t < trials; t++)
        {
            int s = _root;
            while (s < _firstTerminal)
            {
                ulong u = rng.Next53();
                int x = 0;
                int b = s * width;
                for (int k = 0; k < width; k++) x += u >= _thresholds[b + k] ? 1 : 0;
                s = _next[s * _stride + x];
            }
            terminalCounts[s - _firstTerminal]++;
        }
    }
}
