using DoseEscalation.Rng;

namespace DoseEscalation.Engines.Calendar;

/// <summary>
/// Where a simulated trial's per-patient random numbers come from. The per-patient engine
/// (<see cref="PerPatientSimulator"/>) is one piece of code; what differs between its callers is only
/// how the draws are laid out over generator streams, which is what keeps each caller's results
/// for a seed what they were before the engines were merged, and gives <c>compare</c> its common
/// random numbers. Implemented by structs so the JIT specialises the engine for each layout.
/// </summary>
internal interface IPatientDraws
{
    /// <summary>Starts trial <paramref name="trial"/> of the batch (per-trial streams are seeded here).</summary>
    void BeginTrial(int trial);

    /// <summary>
    /// One treated patient: true if the patient turns out non-evaluable (and is replaced);
    /// <paramref name="timeUniform"/> places a DLT within the window (see <see cref="Timeline.DltTimeShape"/>).
    /// </summary>
    bool Treated(out double timeUniform);

    /// <summary>Whether the current evaluable patient has a DLT at <paramref name="level"/>, whose Bernoulli threshold is <paramref name="threshold"/>.</summary>
    bool Dlt(int level, ulong threshold);

    /// <summary>
    /// The current evaluable patient's toxicity at <paramref name="level"/> from the one uniform its
    /// DLT is drawn from (so the DLTs are those <see cref="Dlt"/> draws): 2 for a DLT (u below
    /// <paramref name="dltThreshold"/>), 1 for a grade 2 toxicity without DLT (u below
    /// <paramref name="grade2Threshold"/>, the grade-2-or-worse threshold), 0 otherwise.
    /// </summary>
    int Grade(int level, ulong dltThreshold, ulong grade2Threshold);

    /// <summary>Whether the current evaluable patient responds at <paramref name="level"/>, given its DLT outcome.</summary>
    bool Response(int level, bool dlt);
}

/// <summary>
/// Response thresholds per dose given the DLT outcome: P(response | DLT) and P(response | no DLT),
/// as 53-bit Bernoulli thresholds. With DLT and response independent both equal P(response).
/// </summary>
internal sealed class ResponseThresholds
{
    public readonly ulong[] GivenDlt, GivenNoDlt, Marginal;

    public ResponseThresholds(IReadOnlyList<double> marginal, IReadOnlyList<double> givenDlt, IReadOnlyList<double> givenNoDlt)
    {
        Marginal = marginal.Select(CompiledScenario.BernoulliThreshold).ToArray();
        GivenDlt = givenDlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        GivenNoDlt = givenNoDlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
    }

    /// <summary>
    /// The scenario's response model, or null when it has no response probabilities: P(response)
    /// for both outcomes when independent (the same thresholds as ever), else P(response | DLT) and
    /// P(response | no DLT) from the dose's four cells.
    /// </summary>
    public static ResponseThresholds? For(Scenario scenario)
    {
        if (scenario.Response is not { } r) return null;
        if (scenario.Association == AssociationKind.Independent) return new ResponseThresholds(r, r, r);
        var cells = Enumerable.Range(0, scenario.DoseCount).Select(scenario.Cells).ToArray();
        return new ResponseThresholds(r,
            cells.Select(c => c.Dlt > 0 ? Math.Clamp(c.DltResponse / c.Dlt, 0, 1) : 0).ToArray(),
            cells.Select(c => c.Dlt < 1 ? Math.Clamp(c.ResponseNoDlt / (1 - c.Dlt), 0, 1) : 0).ToArray());
    }

    public ulong For(int level, bool dlt) => dlt ? GivenDlt[level] : GivenNoDlt[level];
}

/// <summary>Seeds of the per-trial streams, derived from (seed, batch) and the trial's index in the batch.</summary>
internal static class TrialStreams
{
    /// <summary>The seed from which trial t of a batch derives its time streams.</summary>
    public static ulong TimeSeed(ulong seed, long batch) => SplitMix64.StreamSeed(SplitMix64.StreamSeed(seed, (ulong)batch), 0x7161_E11E);

    /// <summary>Arrivals of trial t: two draws per arrival (gap, screening).</summary>
    public static Xoshiro256StarStar Arrivals(ulong timeSeed, int trial) => Xoshiro256StarStar.FromSeed(SplitMix64.StreamSeed(timeSeed, 2 * (ulong)trial));

    /// <summary>Treated patients of trial t: two draws each (non-evaluable, DLT time).</summary>
    public static Xoshiro256StarStar Treated(ulong timeSeed, int trial) => Xoshiro256StarStar.FromSeed(SplitMix64.StreamSeed(timeSeed, 2 * (ulong)trial + 1));

    /// <summary>Responses of trial t: one draw per evaluable patient, in the order they are evaluated.</summary>
    public static Xoshiro256StarStar Responses(ulong timeSeed, int trial) =>
        Xoshiro256StarStar.FromSeed(SplitMix64.StreamSeed(SplitMix64.StreamSeed(timeSeed, 0x2E5B_0E5E), (ulong)trial));
}

/// <summary>
/// A trial's own streams of patient times and responses (<see cref="TrialStreams"/>): each treated
/// patient's non-evaluability and DLT time (two draws), each evaluable patient's response (one
/// draw). Shared by the layouts whose DLTs come from elsewhere, so times and responses are common
/// to every design and timeline.
/// </summary>
internal struct PatientTimes(double nonEvaluableRate, bool drawTreated, ResponseThresholds? responses)
{
    private Xoshiro256StarStar _treated, _responses;

    public void Begin(ulong timeSeed, int trial)
    {
        if (drawTreated) _treated = TrialStreams.Treated(timeSeed, trial);
        if (responses is not null) _responses = TrialStreams.Responses(timeSeed, trial);
    }

    public bool Treated(out double timeUniform)
    {
        if (!drawTreated) { timeUniform = 0; return false; }
        double uNe = _treated.NextDouble();
        timeUniform = _treated.NextDouble();
        return uNe < nonEvaluableRate;
    }

    public bool Response(int level, bool dlt) => _responses.Next53() < responses!.For(level, dlt);
}

/// <summary>
/// The layout of the trial loop and the calendar engine: DLTs from the batch's stream, one draw per
/// evaluable patient in enrolment order (as the trial loop has always drawn them); times and
/// responses from the trial's own streams (<see cref="PatientTimes"/>).
/// </summary>
internal struct StreamDraws(ulong seed, long batch, double nonEvaluableRate, bool drawTreated, ResponseThresholds? responses) : IPatientDraws
{
    private Xoshiro256StarStar _tox = Xoshiro256StarStar.ForStream(seed, (ulong)batch);
    private readonly ulong _timeSeed = TrialStreams.TimeSeed(seed, batch);
    private PatientTimes _times = new(nonEvaluableRate, drawTreated, responses);

    public void BeginTrial(int trial) => _times.Begin(_timeSeed, trial);
    public bool Treated(out double timeUniform) => _times.Treated(out timeUniform);
    public bool Dlt(int level, ulong threshold) => _tox.Next53() < threshold;
    public int Grade(int level, ulong dltThreshold, ulong grade2Threshold) => PatientGrades.Of(_tox.Next53(), dltThreshold, grade2Threshold);
    public bool Response(int level, bool dlt) => _times.Response(level, dlt);
}

/// <summary>
/// The layout of <c>compare</c>: trial t's k-th evaluable patient has the latent tolerance
/// <c>Tolerances[k]</c> (drawn by the caller, shared by every design and the benchmark), and the
/// trial's own streams for times and responses (<see cref="PatientTimes"/>), reseeded for each
/// design so that every design meets the same patients.
/// </summary>
internal struct ToleranceDraws(ulong[] tolerances, ulong timeSeed, double nonEvaluableRate, bool drawTreated, ResponseThresholds? responses) : IPatientDraws
{
    private int _next;
    private PatientTimes _times = new(nonEvaluableRate, drawTreated, responses);

    public void BeginTrial(int trial)
    {
        _next = 0;
        _times.Begin(timeSeed, trial);
    }

    public bool Treated(out double timeUniform) => _times.Treated(out timeUniform);
    public bool Dlt(int level, ulong threshold) => tolerances[_next++] < threshold;
    public int Grade(int level, ulong dltThreshold, ulong grade2Threshold) => PatientGrades.Of(tolerances[_next++], dltThreshold, grade2Threshold);
    public bool Response(int level, bool dlt) => _times.Response(level, dlt);
}

/// <summary>
/// The layout of the sample-size simulation: one stream per batch, and for each slot of a cohort,
/// in order: enrolment until a patient is evaluable (one draw per enrolment, only when patients
/// can be non-evaluable), the DLT, then the response (only when responses are counted).
/// </summary>
internal struct SingleStreamDraws(ulong seed, long batch, ulong nonEvaluableThreshold, ResponseThresholds? responses) : IPatientDraws
{
    private Xoshiro256StarStar _rng = Xoshiro256StarStar.ForStream(seed, (ulong)batch);

    public readonly void BeginTrial(int trial) { }

    public bool Treated(out double timeUniform)
    {
        timeUniform = 0;
        return nonEvaluableThreshold > 0 && _rng.Next53() < nonEvaluableThreshold;
    }

    public bool Dlt(int level, ulong threshold) => _rng.Next53() < threshold;

    public int Grade(int level, ulong dltThreshold, ulong grade2Threshold) => PatientGrades.Of(_rng.Next53(), dltThreshold, grade2Threshold);

    public bool Response(int level, bool dlt) => _rng.Next53() < responses!.For(level, dlt);

    /// <summary>A response in the expansion cohort at the selected dose (its marginal probability; no DLT drawn).</summary>
    public bool ExpansionResponse(ulong threshold) => _rng.Next53() < threshold;
}

/// <summary>
/// The layout of the response engine's Monte Carlo (designs that read responses): one 53-bit
/// uniform per evaluable patient from the batch's stream, mapped to one of the four (DLT, response)
/// cells by the dose's cumulative thresholds (<see cref="Response.OutcomeThresholds"/>): the DLT
/// and the response are one draw.
/// </summary>
internal struct OutcomeDraws(ulong seed, long batch, Response.OutcomeThresholds outcomes) : IPatientDraws
{
    private Xoshiro256StarStar _rng = Xoshiro256StarStar.ForStream(seed, (ulong)batch);
    private ulong _u;

    public readonly void BeginTrial(int trial) { }

    public readonly bool Treated(out double timeUniform)
    {
        timeUniform = 0;
        return false;
    }

    public bool Dlt(int level, ulong threshold)
    {
        _u = _rng.Next53();
        return outcomes.Outcome(level, _u).Dlt;
    }

    // The DLT here is one of four (DLT, response) cells of a single uniform, not "u below P(DLT)";
    // designs that read responses take no titration, so no grade-2 outcome is drawn in this layout.
    public readonly int Grade(int level, ulong dltThreshold, ulong grade2Threshold) =>
        throw new InvalidOperationException("grade-2 outcomes are drawn only for designs with accelerated titration, which do not read responses");

    public readonly bool Response(int level, bool dlt) => outcomes.Outcome(level, _u).Response;
}

/// <summary>
/// The layout of <c>compare</c> when a design reads responses: the k-th evaluable patient's DLT is
/// its tolerance <c>tolerances[k]</c> (as <see cref="ToleranceDraws"/>) and its response its own
/// uniform <c>responseDraws[k]</c> against P(response | its DLT outcome), both shared by every design.
/// </summary>
internal struct ToleranceResponseDraws(ulong[] tolerances, ulong[] responseDraws, ulong[] responseGivenDlt, ulong[] responseGivenNoDlt) : IPatientDraws
{
    private int _next;

    public void BeginTrial(int trial) => _next = 0;

    public readonly bool Treated(out double timeUniform)
    {
        timeUniform = 0;
        return false;
    }

    public bool Dlt(int level, ulong threshold) => tolerances[_next++] < threshold;

    public int Grade(int level, ulong dltThreshold, ulong grade2Threshold) => PatientGrades.Of(tolerances[_next++], dltThreshold, grade2Threshold);

    public readonly bool Response(int level, bool dlt) => responseDraws[_next - 1] < (dlt ? responseGivenDlt[level] : responseGivenNoDlt[level]);
}

/// <summary>A patient's toxicity grade class from one uniform: DLT below the DLT threshold, grade 2 below the grade-2-or-worse one.</summary>
internal static class PatientGrades
{
    public const int None = 0, Grade2 = 1, Dlt = 2;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int Of(ulong u, ulong dltThreshold, ulong grade2Threshold) =>
        u < dltThreshold ? Dlt : u < grade2Threshold ? Grade2 : None;
}
