using DoseEscalation.Rng;

namespace DoseEscalation.Engines.Response;

/// <summary>
/// A scenario's four (DLT, response) cells per dose as cumulative thresholds on a 53-bit uniform:
/// a patient's outcome is one draw u, cell 0 (DLT and response) if u &lt; t0, cell 1 (DLT only) if
/// u &lt; t1, cell 2 (response only) if u &lt; t2, else cell 3 (neither).
/// </summary>
public readonly struct OutcomeThresholds
{
    private readonly ulong[] _t; // [3 * level + i]

    public OutcomeThresholds(Scenario scenario)
    {
        _t = new ulong[3 * scenario.DoseCount];
        for (int d = 0; d < scenario.DoseCount; d++)
        {
            var c = scenario.Cells(d);
            _t[3 * d] = CompiledScenario.BernoulliThreshold(c.DltResponse);
            _t[3 * d + 1] = CompiledScenario.BernoulliThreshold(c.DltResponse + c.DltNoResponse);
            _t[3 * d + 2] = CompiledScenario.BernoulliThreshold(c.DltResponse + c.DltNoResponse + c.ResponseNoDlt);
        }
    }

    /// <summary>The outcome of uniform <paramref name="u"/> at <paramref name="level"/>: (DLT, response).</summary>
    public (bool Dlt, bool Response) Outcome(int level, ulong u)
    {
        int b = 3 * level;
        return u < _t[b] ? (true, true) : u < _t[b + 1] ? (true, false) : u < _t[b + 2] ? (false, true) : (false, false);
    }
}
