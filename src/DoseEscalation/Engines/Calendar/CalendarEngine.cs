using DoseEscalation.Designs;
using DoseEscalation.Rng;

namespace DoseEscalation.Engines.Calendar;

/// <summary>
/// Monte Carlo of a trial in calendar time (docs/calendar.md): patients arrive, wait, are enrolled,
/// infused and observed for DLT; a design that reads only evaluated counts waits for each cohort to
/// clear its window, an <see cref="IPendingDesign"/> enrols one patient at a time on its own table.
/// </summary>
/// <remarks>
/// Random numbers: batch b's DLT outcomes come from the same xoshiro256** stream, used in the same
/// order, as the trial loop's (<c>MonteCarloEngine.RunTrialLoop</c>): one draw per evaluable
/// patient, compared with the dose's threshold. Times come from two further streams per trial
/// (arrivals: two draws per arrival, gap and screening; treated patients: two draws each,
/// non-evaluable and DLT time), so a design that does not read pending patients gets exactly the
/// trial loop's operating characteristics for the same seed whatever the timeline, and the k-th
/// arrival and k-th treated patient of trial t have the same times under every timeline and design
/// (common random numbers).
/// </remarks>
internal static class CalendarEngine
{
    public static CalendarResult Run(IDesign design, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options)
    {
        options.Validate();
        timeline.Validate();
        Check(design, scenario, timeline);
        if (design.ReadsResponses) return Response.ResponseCalendar.Run(design, scenario, target, timeline, options);
        var total = Simulate(design, scenario, target, timeline, options);
        return Result(design, scenario, target, timeline, options, total);
    }

    /// <summary>
    /// The integer counters of <see cref="Run"/> over the options' batch range (a shard): those of
    /// disjoint ranges add up (<see cref="CalendarTally.Add(CalendarTally)"/>) to the whole run's, and
    /// <see cref="Finish"/> of the sum is <see cref="Run"/>'s result.
    /// </summary>
    public static CalendarTally Count(IDesign design, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options)
    {
        options.Validate();
        timeline.Validate();
        Check(design, scenario, timeline);
        return Simulate(design, scenario, target, timeline, options);
    }

    /// <summary>The calendar result from the counters of every batch of the run (as <see cref="Count"/> gives them, summed).</summary>
    public static CalendarResult Finish(IDesign design, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options, CalendarTally total) =>
        Result(design, scenario, target, timeline, options, total);

    /// <summary><see cref="Count"/> for a design that reads responses: the calendar tally and the responders over the options' batch range.</summary>
    public static (CalendarTally Times, Response.ResponseTally<long> Responses) CountWithResponses(IDesign design, Scenario scenario, double target,
        Timeline timeline, MonteCarloOptions options)
    {
        options.Validate();
        timeline.Validate();
        Check(design, scenario, timeline);
        return Response.ResponseCalendar.Count(design, scenario, target, timeline, options);
    }

    /// <summary><see cref="Finish"/> for a design that reads responses, from the summed counters of <see cref="CountWithResponses"/>.</summary>
    public static CalendarResult FinishWithResponses(IDesign design, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options,
        CalendarTally times, Response.ResponseTally<long> responses) =>
        Response.ResponseCalendar.Finish(design, scenario, target, timeline, options, times, responses);

    /// <summary>
    /// The per-patient simulation behind <see cref="Run"/> and the Monte Carlo trial loop: batches of
    /// trials on <see cref="PerPatientSimulator"/>s with the trial loop's random-number layout
    /// (<see cref="StreamDraws"/>), tallied exactly.
    /// </summary>
    internal static CalendarTally Simulate(IDesign design, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options)
    {
        if (design.ReadsResponses)
            throw new ArgumentException($"design {design.Name} reads responses: its calendar shard counters, responders included, come from CountWithResponses");
        int mtd = scenario.TrueMtdLevel(target);
        bool efficacy = scenario.Response is not null;
        var thresholds = scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        var responses = PerPatientSimulator.NeedsResponses(design, timeline) ? ResponsesFor(design, scenario) : null;
        var grade2 = Grade2Thresholds(design, scenario);
        var total = new CalendarTally(design.DoseCount, design.MaxPatients, mtd, efficacy);
        Unwrapped(() => MonteCarloEngine.RunBatches(options,
            () => new Local(new PerPatientSimulator(design, thresholds, timeline, grade2Thresholds: grade2), new CalendarTally(design.DoseCount, design.MaxPatients, mtd, efficacy)),
            (Local local, long batch, int count) => local.Worker.RunBatch(options.Seed, batch, count, local.Tally, responses),
            local => { lock (total) total.Add(local.Tally); }));
        return total;
    }

    /// <summary>
    /// P(grade 2 or worse) thresholds per dose when the design's accelerated titration ends on grade-2
    /// events under <paramref name="scenario"/> (<see cref="Designs.Rules.AcceleratedTitration.Grade2Rule"/>); else null.
    /// </summary>
    internal static ulong[]? Grade2Thresholds(IDesign design, Scenario scenario) =>
        Designs.Rules.AcceleratedTitration.Grade2Rule(design, scenario) is null ? null : scenario.Grade2!.Select(CompiledScenario.BernoulliThreshold).ToArray();

    /// <summary>The scenario's response model for a design that reads responses; an error naming both when the scenario has none.</summary>
    internal static ResponseThresholds ResponsesFor(IDesign design, Scenario scenario) =>
        ResponseThresholds.For(scenario)
        ?? throw new ArgumentException(design.ReadsResponses
            ? $"design {design.Name} decides on responses, but scenario '{scenario.Name}' has no response probabilities"
            : $"design {design.Name} opens a dose for backfill once a response is seen there, but scenario '{scenario.Name}' has no response probabilities (give response: [...], or backfill_response: false)");

    private sealed record Local(PerPatientSimulator Worker, CalendarTally Tally);

    /// <summary>Runs parallel batches, rethrowing a design's contract error itself rather than wrapped by the parallel loop.</summary>
    internal static void Unwrapped(Action run)
    {
        try { run(); }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is DesignContractException) is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
        }
    }

    internal static void Check(IDesign design, Scenario scenario, Timeline timeline)
    {
        if (scenario.DoseCount != design.DoseCount)
            throw new ArgumentException($"scenario '{scenario.Name}' has {scenario.DoseCount} doses but the design has {design.DoseCount}");
        // The worker runs the calendar rules of the design object it is given, so a rule around one would be bypassed.
        if (design is not IPendingDesign && design.TryGet<IPendingDesign>() is not null)
            throw new ArgumentException($"design {design.Name} reads pending patients on the calendar; trial-level rules around it ({RuleNames(design)}) are not supported there yet");
        if (design is not IBackfillDesign && design.TryGet<IBackfillDesign>() is not null)
            throw new ArgumentException($"design {design.Name} backfills on the calendar; trial-level rules around it ({RuleNames(design)}) are not supported there yet");
        if (!design.ReadsResponses && PerPatientSimulator.NeedsResponses(design, timeline)) ResponsesFor(design, scenario); // a backfill design opening doses on responses needs them
        if (timeline.Arrivals == ArrivalModel.NextArrival && (design is IPendingDesign || design.ReadsResponses))
            throw new ArgumentException($"arrivals = next-arrival: design {design.Name} {(design is IPendingDesign ? "enrols one patient at a time on its own rule" : "waits for responses")}; next-arrival applies to cohort and backfill designs (use arrivals: queue)");
        if (design is IPendingDesign && timeline.SentinelDays > 0)
            throw new ArgumentException($"sentinel_days = {timeline.SentinelDays}: design {design.Name} enrols one patient at a time on its own rule; staggering applies only to cohort designs");
    }

    // The message names the rules, so it needs the list of them.
    private static string RuleNames(IDesign design) =>
        string.Join(", ", Designs.Rules.DesignRule.Unwrap(design).Rules.Select(r => r.GetType().Name));

    internal static CalendarResult Result(IDesign design, Scenario scenario, double target, Timeline timeline, MonteCarloOptions options, CalendarTally total)
    {
        long n = total.Oc.Weight;
        return new CalendarResult
        {
            Oc = OperatingCharacteristics.FromTally(total.Oc, design, scenario, target, "monte-carlo (calendar)", options.Trials, options.Seed),
            Timeline = timeline,
            Duration = CalendarTally.Summary(total.DurationDays, total.DurationTicks, total.DurationSq, n),
            TimeToDecision = CalendarTally.Summary(total.DecisionDays, total.DecisionTicks, total.DecisionSq, n),
            MeanEnrolled = (double)total.Enrolled / n,
            MeanNonEvaluable = (double)total.NonEvaluable / n,
            MeanLost = (double)total.Lost / n,
            MeanWaited = (double)total.Waited / n,
            MeanWaitDays = total.Enrolled == 0 ? 0 : total.WaitTicks / CalendarTally.TicksPerDay / total.Enrolled,
            MeanBackfilled = design.TryGet<IBackfillDesign>() is not null ? (double)total.Backfilled / n : null,
        };
    }

    /// <summary>One trial's calendar times, for tests: (duration, time to decision, selected level) of trial <paramref name="trial"/> of batch 0.</summary>
    internal static (double Duration, double Decision, int Selected) RunOne(IDesign design, Scenario scenario, Timeline timeline, ulong seed, int trial)
    {
        if (design.ReadsResponses) return Response.ResponseCalendar.RunOne(design, scenario, timeline, seed, trial);
        var thresholds = scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        var worker = new PerPatientSimulator(design, thresholds, timeline, grade2Thresholds: Grade2Thresholds(design, scenario));
        var draws = new StreamDraws(seed, 0, timeline.NonEvaluableRate, PerPatientSimulator.DrawsTreated(timeline), PerPatientSimulator.NeedsResponses(design, timeline) ? ResponsesFor(design, scenario) : null);
        TrialOutcome last = default;
        for (int t = 0; t <= trial; t++) last = worker.RunTrial(ref draws, TrialStreams.TimeSeed(seed, 0), t);
        return (last.Duration, last.Decision, last.Selected);
    }
}
