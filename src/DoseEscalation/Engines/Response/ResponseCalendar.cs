using DoseEscalation.Engines.Calendar;

namespace DoseEscalation.Engines.Response;

/// <summary>
/// Designs that read responses (<see cref="IDesign.ReadsResponses"/>, BOIN12) on the calendar
/// (docs/calendar.md): the per-patient engine runs them as cohort designs that decide only when
/// every patient of the cohort has completed the DLT window and had the response read
/// (<see cref="Timeline.ResponseDays"/> after infusion; at the end of the window when it is 0).
/// </summary>
/// <remarks>
/// Random numbers: each evaluable patient's (DLT, response) is one draw over the dose's four cells
/// from batch b's stream (<see cref="OutcomeDraws"/>, the layout of the response engine's Monte
/// Carlo), and arrivals and treated-patient times come from the trial's own streams as for every
/// other design (<see cref="TrialStreams"/>). So with <see cref="Timeline.Instant"/> a run gives
/// <see cref="ResponseEngine.MonteCarlo"/>'s operating characteristics for the same seed bit for bit,
/// and a design's outcomes for a seed do not depend on the timeline (only when it decides does).
/// </remarks>
internal static class ResponseCalendar
{
    /// <summary>The calendar result of <paramref name="design"/> (which reads responses) on <paramref name="scenario"/> (which must have response probabilities).</summary>
    public static CalendarResult Run(IDesign design, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options)
    {
        var (times, responses) = Count(design, scenario, target, timeline, options);
        return Finish(design, scenario, target, timeline, options, times, responses);
    }

    /// <summary>The calendar result from the counters of every batch of the run (as <see cref="Count"/> gives them, summed).</summary>
    public static CalendarResult Finish(IDesign design, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options,
        CalendarTally times, ResponseTally<long> responses)
    {
        var oc = responses.ToResult(design, scenario, target, "monte-carlo (calendar)", options.Trials, options.Seed);
        return CalendarEngine.Result(design, scenario, target, timeline, options, times) with { Oc = oc };
    }

    /// <summary>
    /// The counters of <see cref="Run"/> over the options' batch range: the calendar tally (times,
    /// and the toxicity counts in its <see cref="CalendarTally.Oc"/>) and the responders.
    /// </summary>
    public static (CalendarTally Times, ResponseTally<long> Responses) Count(IDesign design, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options)
    {
        ResourceGuard.Design(design);
        if (!scenario.HasResponse)
            throw new ArgumentException($"design {design.Name} reads responses: scenario '{scenario.Name}' needs response probabilities (response: or cells:)");
        int k = design.DoseCount, mtd = scenario.TrueMtdLevel(target);
        var outcomes = new OutcomeThresholds(scenario);
        var thresholds = scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        bool drawTreated = PerPatientSimulator.DrawsTreated(timeline);
        var times = new CalendarTally(k, design.MaxPatients, mtd);
        var responses = new ResponseTally<long>(k, design.MaxPatients, mtd);
        CalendarEngine.Unwrapped(() => MonteCarloEngine.RunBatches(options,
            () => new Local(new PerPatientSimulator(design, thresholds, timeline), new CalendarTally(k, design.MaxPatients, mtd), new ResponseTally<long>(k, design.MaxPatients, mtd)),
            (Local local, long batch, int count) =>
            {
                var draws = new OutcomeTimeDraws(options.Seed, batch, outcomes, timeline.NonEvaluableRate, drawTreated);
                ulong timeSeed = TrialStreams.TimeSeed(options.Seed, batch);
                var w = local.Worker;
                for (int t = 0; t < count; t++)
                {
                    var trial = w.RunTrial(ref draws, timeSeed, t);
                    local.Times.Record(trial, w);
                    local.Responses.Record(trial.Selected, w.Patients, w.Dlts, w.Responses, 1);
                }
            },
            local => { lock (times) { times.Add(local.Times); responses.Add(local.Responses); } }));
        return (times, responses);
    }

    /// <summary>One trial's calendar times, for tests: (duration, time to decision, selected level) of trial <paramref name="trial"/> of batch 0.</summary>
    internal static (double Duration, double Decision, int Selected) RunOne(IDesign design, Scenario scenario, Timeline timeline, ulong seed, int trial)
    {
        var thresholds = scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        var worker = new PerPatientSimulator(design, thresholds, timeline);
        var draws = new OutcomeTimeDraws(seed, 0, new OutcomeThresholds(scenario), timeline.NonEvaluableRate, PerPatientSimulator.DrawsTreated(timeline));
        TrialOutcome last = default;
        for (int t = 0; t <= trial; t++) last = worker.RunTrial(ref draws, TrialStreams.TimeSeed(seed, 0), t);
        return (last.Duration, last.Decision, last.Selected);
    }

    private sealed record Local(PerPatientSimulator Worker, CalendarTally Times, ResponseTally<long> Responses);
}

/// <summary>
/// The layout of <see cref="ResponseCalendar"/>: each evaluable patient's (DLT, response) is one
/// uniform from batch b's stream over the dose's four cells (<see cref="OutcomeDraws"/>); each
/// treated patient's non-evaluability and DLT time come from the trial's own stream
/// (<see cref="PatientTimes"/>, drawn only when the timeline needs them).
/// </summary>
internal struct OutcomeTimeDraws(ulong seed, long batch, OutcomeThresholds outcomes, double nonEvaluableRate, bool drawTreated) : IPatientDraws
{
    private OutcomeDraws _outcomes = new(seed, batch, outcomes);
    private PatientTimes _times = new(nonEvaluableRate, drawTreated, null);
    private readonly ulong _timeSeed = TrialStreams.TimeSeed(seed, batch);

    public void BeginTrial(int trial) => _times.Begin(_timeSeed, trial);
    public bool Treated(out double timeUniform) => _times.Treated(out timeUniform);
    public bool Dlt(int level, ulong threshold) => _outcomes.Dlt(level, threshold);
    public readonly int Grade(int level, ulong dltThreshold, ulong grade2Threshold) => _outcomes.Grade(level, dltThreshold, grade2Threshold);
    public bool Response(int level, bool dlt) => _outcomes.Response(level, dlt);
}

/// <summary>
/// The layout of <c>compare --calendar</c> when a design reads responses: the k-th evaluable
/// patient's DLT is its tolerance and its response its own uniform against P(response | its DLT
/// outcome), as <see cref="ToleranceResponseDraws"/>, with the trial's own streams for times
/// (<see cref="PatientTimes"/>), so every design meets the same patients at the same times.
/// </summary>
internal struct ToleranceResponseTimeDraws(ulong[] tolerances, ulong[] responseDraws, ulong[] responseGivenDlt, ulong[] responseGivenNoDlt,
    ulong timeSeed, double nonEvaluableRate, bool drawTreated) : IPatientDraws
{
    private int _next;
    private PatientTimes _times = new(nonEvaluableRate, drawTreated, null);

    public void BeginTrial(int trial)
    {
        _next = 0;
        _times.Begin(timeSeed, trial);
    }

    public bool Treated(out double timeUniform) => _times.Treated(out timeUniform);
    public bool Dlt(int level, ulong threshold) => tolerances[_next++] < threshold;
    public int Grade(int level, ulong dltThreshold, ulong grade2Threshold) => PatientGrades.Of(tolerances[_next++], dltThreshold, grade2Threshold);
    public readonly bool Response(int level, bool dlt) => responseDraws[_next - 1] < (dlt ? responseGivenDlt[level] : responseGivenNoDlt[level]);
}
