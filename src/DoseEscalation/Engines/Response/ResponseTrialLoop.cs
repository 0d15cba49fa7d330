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

/// <summary>
/// The per-patient trial loop for designs that read responses: each patient draws one categorical
/// outcome over the four (DLT, response) cells; the design sees patients, DLTs and responders per
/// dose. One uniform per patient, in enrolment order.
/// </summary>
public static class ResponseTrialLoop
{
    /// <summary>
    /// Runs <paramref name="trials"/> trials of <paramref name="design"/> into <paramref name="tally"/>,
    /// drawing from <paramref name="rng"/>. Allocation-free per trial.
    /// </summary>
    public static void Run<TRng>(IDesign design, in OutcomeThresholds outcomes, ref TRng rng, int trials, ResponseTally<long> tally)
        where TRng : struct, IRandomSource
    {
        int k = design.DoseCount;
        var check = new DecisionCheck(design);
        Span<int> patients = stackalloc int[k];
        Span<int> dlts = stackalloc int[k];
        Span<int> responses = stackalloc int[k];
        for (int t = 0; t < trials; t++)
        {
            patients.Clear(); dlts.Clear(); responses.Clear();
            int level = 0, last = -1, total = 0;
            while (true)
            {
                Decision d = design.Decide(new TrialState(patients, dlts, responses, level, last, total));
                if (d.IsStop)
                {
                    check.Stop(d);
                    tally.Record(d.Level, patients, dlts, responses, 1);
                    break;
                }
                check.Treat(d, total);
                int x = 0, r = 0;
                for (int i = 0; i < d.CohortSize; i++)
                {
                    var (dlt, response) = outcomes.Outcome(d.Level, rng.Next53());
                    x += dlt ? 1 : 0;
                    r += response ? 1 : 0;
                }
                level = d.Level;
                last = x;
                total += d.CohortSize;
                patients[level] += d.CohortSize;
                dlts[level] += x;
                responses[level] += r;
            }
        }
    }
}
