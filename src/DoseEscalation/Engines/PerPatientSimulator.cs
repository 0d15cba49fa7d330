using DoseEscalation.Designs;
using DoseEscalation.Rng;

using DoseEscalation.Engines.Calendar;

namespace DoseEscalation.Engines;

/// <summary>What one simulated trial came to, besides its counts (which the worker holds until the next trial).</summary>
internal struct TrialOutcome
{
    /// <summary>The selected level, or -1 for no dose.</summary>
    public int Selected;
    /// <summary>Days to the end of the trial (the decision, or the last response read if later), and to the decision.</summary>
    public double Duration, Decision;
    /// <summary>Evaluable patients, and those enrolled who turned out non-evaluable (replaced).</summary>
    public int Evaluable, NonEvaluable;
    /// <summary>Arrivals lost; enrolled patients who waited; their total wait in ticks (1/1024 day).</summary>
    public int Lost, Waited;
    public long WaitTicks;
    /// <summary>Patients treated at a backfill dose (backfill designs), included in the counts above.</summary>
    public int Backfilled;
    /// <summary>Patients enrolled (evaluable and non-evaluable).</summary>
    public readonly int Enrolled => Evaluable + NonEvaluable;
}

/// <summary>
/// The per-patient engine: one trial at a time, patient by patient, in calendar time. It serves
/// every per-patient simulation (the Monte Carlo trial loop, <c>compare</c>, the sample-size
/// simulation and the calendar engine); they differ only in how the random numbers are laid out
/// (<see cref="IPatientDraws"/>) and in what they tally from a finished trial. When nothing takes
/// time (<see cref="Timeline.Instant"/>, possibly with non-evaluable patients) a trial is the plain
/// cohort loop: no arrival is drawn and no clock kept, which is what keeps it as fast as the trial
/// loop it replaced. Every buffer is allocated once, so a trial allocates nothing (the waiting list
/// grows only when a trial needs more room than any before it).
/// </summary>
internal sealed class PerPatientSimulator
{
    private readonly IDesign _design;
    private readonly IPendingDesign? _pendingDesign;
    private readonly IBackfillDesign? _backfill;
    private readonly DecisionCheck _check;
    private readonly ulong[] _thresholds;
    // Accelerated titration with its grade-2 trigger: P(grade 2 or worse) thresholds per level, and the
    // rule that reads them; both null when no grade-2 outcome is drawn (then the DLT draws are as ever).
    private readonly ulong[]? _grade2Thresholds;
    private readonly Designs.Rules.AcceleratedTitration? _titration;
    private int _grade2; // patients with a grade 2 toxicity and no DLT in this trial, when drawn
    private readonly Timeline _t;
    private readonly double _neDays, _meanGap, _invShape;
    // Days from infusion until a cohort member counts as observed: the DLT window, or for a design
    // that reads responses (BOIN12) the later of the window and the response read (docs/calendar.md).
    private readonly double _observedDays;
    private readonly bool _limits, _poisson, _uniformGaps, _instant, _countResponses, _useQueue;
    // arrivals: next-arrival (docs/calendar.md): a cohort is over when its members' outcomes are known
    // (a DLT on its day), evaluated at the next arrival, and nobody waits (_maxWaiting is 0).
    private readonly bool _nextArrival, _firstAtOpening;
    // Whether the pending design reads each pending patient's follow-up fraction (IPendingDesign.ReadsFollowUp).
    private readonly bool _readsFollowUp;
    private readonly int _maxWaiting;

    // _both: patients with a DLT and a response per level (counted with the responses; read by designs with ReadsJointOutcomes).
    private readonly int[] _patients, _dlts, _responses, _both, _pendingCount;
    private readonly double[] _slotOpen;
    private readonly bool[] _slotDone;
    // Pending patients of an IPendingDesign: level, infusion, time the outcome is known, DLT (1/0) or
    // non-evaluable (-1), response (1/0); and the follow-up fractions handed to the design.
    private readonly int[] _pendLevel, _pendOutcome, _pendResponse;
    private readonly double[] _pendEnd, _pendInfusion, _pendFollowed, _dltTimes;
    private int _pendN, _dltN;
    // The earliest _pendEnd among the pending patients (+inf with none), so that Resolve returns at
    // once when no outcome is due, and NextPendingEnd needs no scan.
    private double _pendMinEnd = double.PositiveInfinity;
    // Backfill designs: patients treated per dose, responses read per dose, and the counts known at a
    // moment; the observed cohort's members (time each outcome is known, DLT); responses not yet read.
    private readonly int[] _treated = [], _responsesRead = [], _knownPatients = [], _knownDlts = [], _readLevel = [];
    private readonly double[] _memberEnd = [], _readTime = [];
    private readonly bool[] _memberDlt = [];
    private int _memberN, _readN, _escalated;

    // The waiting list (a FIFO ring of arrival times) and the arrival process of the current trial.
    // Its length stays a power of two so that the ring wraps with a mask, not an integer division.
    private double[] _queue = new double[64];
    private int _qHead, _qCount;
    private Xoshiro256StarStar _arrivals;
    private double _lastArrival, _next;
    private bool _hasNext, _firstArrival;
    // Arrivals drawn ahead of need (DrawArrivalsAhead): _ahead[_aheadNext.._aheadCount) are still to come.
    private const int ArrivalsAhead = 4;
    private readonly double[] _ahead = new double[ArrivalsAhead];
    private int _aheadNext, _aheadCount;
    private TrialOutcome _out;

    /// <summary>A worker for <paramref name="design"/>: DLT thresholds per level, the timeline, and whether to draw and count each evaluable patient's response (always, for a design that reads responses).</summary>
    /// <remarks><paramref name="grade2Thresholds"/>: P(grade 2 or worse) thresholds per level for accelerated titration's grade-2 trigger (<see cref="Designs.Rules.AcceleratedTitration.Grade2Rule"/>); null draws DLTs only.</remarks>
    public PerPatientSimulator(IDesign design, ulong[] thresholds, Timeline timeline, bool countResponses = false, ulong[]? grade2Thresholds = null)
    {
        _design = design;
        if (grade2Thresholds is not null)
        {
            _titration = design.TryGet<Designs.Rules.AcceleratedTitration>()
                ?? throw new ArgumentException($"grade-2 outcomes are drawn only for a design with accelerated titration ({design.Name} has none)", nameof(grade2Thresholds));
            if (design is IPendingDesign || design is IBackfillDesign)
                throw new ArgumentException($"accelerated titration is not defined for {design.Name}", nameof(grade2Thresholds));
            _grade2Thresholds = grade2Thresholds;
        }
        _pendingDesign = design as IPendingDesign;
        _readsFollowUp = _pendingDesign?.ReadsFollowUp ?? false;
        _backfill = design as IBackfillDesign;
        _check = new DecisionCheck(design);
        _thresholds = thresholds;
        _t = timeline;
        _neDays = timeline.NonEvaluableAfterDays;
        _meanGap = timeline.MeanGapDays;
        _poisson = timeline.Accrual == AccrualKind.Poisson;
        _uniformGaps = timeline.Accrual == AccrualKind.UniformGaps;
        _nextArrival = timeline.Arrivals == ArrivalModel.NextArrival;
        _firstAtOpening = timeline.FirstArrivalAtOpening;
        _maxWaiting = _nextArrival ? 0 : timeline.MaxWaiting;
        _invShape = 1 / timeline.DltTimeShape;
        _observedDays = design.ReadsResponses ? Math.Max(timeline.DltWindowDays, timeline.ResponseDays) : timeline.DltWindowDays;
        _limits = timeline.HasWaitingLimit;
        _instant = IsInstant(timeline);
        _countResponses = countResponses || NeedsResponses(design, timeline);
        _useQueue = _limits || _backfill is not null; // backfill takes arrivals out of turn, so waiting patients are kept in a list
        int k = design.DoseCount;
        _patients = new int[k]; _dlts = new int[k]; _responses = new int[k]; _both = new int[k]; _pendingCount = new int[k];
        _slotOpen = new double[design.MaxCohortSize];
        _slotDone = new bool[design.MaxCohortSize];
        int m = design.MaxPatients + 1;
        _pendLevel = new int[m]; _pendOutcome = new int[m]; _pendResponse = new int[m];
        _pendEnd = new double[m]; _pendInfusion = new double[m]; _pendFollowed = new double[m]; _dltTimes = new double[m];
        if (_backfill is not null)
        {
            _treated = new int[k]; _responsesRead = new int[k]; _knownPatients = new int[k]; _knownDlts = new int[k];
            _memberEnd = new double[design.MaxCohortSize]; _memberDlt = new bool[design.MaxCohortSize];
            _readLevel = new int[m]; _readTime = new double[m];
        }
    }

    /// <summary>
    /// Whether the per-patient engine must draw responses for <paramref name="design"/> on
    /// <paramref name="timeline"/>: it reads them, or it opens backfill doses on them (which needs time to pass).
    /// </summary>
    public static bool NeedsResponses(IDesign design, Timeline timeline) =>
        design.ReadsResponses || (design is IBackfillDesign { OpensOnResponse: true } && !IsInstant(timeline));

    /// <summary>True when nothing in <paramref name="t"/> takes time or turns arrivals away (non-evaluable patients may still occur).</summary>
    public static bool IsInstant(Timeline t) =>
        t.MeanGapDays == 0 && t.ScreeningFailure == 0 && t.InfusionDelayDays == 0 && t.DltWindowDays == 0 && t.SentinelDays == 0
        && t.ResponseDays == 0 && !t.HasWaitingLimit;

    /// <summary>Whether the treated-patient draws are needed: for times, or for non-evaluable patients.</summary>
    public static bool DrawsTreated(Timeline t) => !IsInstant(t) || t.NonEvaluableRate > 0;

    /// <summary>Evaluable patients per level at the end of the last trial.</summary>
    public ReadOnlySpan<int> Patients => _patients;
    /// <summary>DLTs per level at the end of the last trial.</summary>
    public ReadOnlySpan<int> Dlts => _dlts;
    /// <summary>Responders per level at the end of the last trial (zeros unless responses are counted).</summary>
    public ReadOnlySpan<int> Responses => _responses;
    /// <summary>Patients with both a DLT and a response per level at the end of the last trial (zeros unless responses are counted).</summary>
    public ReadOnlySpan<int> DltResponses => _both;
    /// <summary>True when the worker draws and counts responses.</summary>
    public bool CountsResponses => _countResponses;

    /// <summary>
    /// Batch <paramref name="batch"/> of a simulation with the trial loop's random-number layout
    /// (<see cref="StreamDraws"/>), into <paramref name="tally"/>; <paramref name="responses"/> when
    /// responses are counted.
    /// </summary>
    public void RunBatch(ulong seed, long batch, int count, CalendarTally tally, ResponseThresholds? responses = null)
    {
        var draws = new StreamDraws(seed, batch, _t.NonEvaluableRate, DrawsTreated(_t), _countResponses ? responses : null);
        ulong timeSeed = TrialStreams.TimeSeed(seed, batch);
        for (int t = 0; t < count; t++)
        {
            var outcome = RunTrial(ref draws, timeSeed, t);
            tally.Record(outcome, this);
        }
    }

    /// <summary>Runs trial <paramref name="trial"/> of a batch whose time streams derive from <paramref name="timeSeed"/>.</summary>
    public TrialOutcome RunTrial<TDraws>(ref TDraws draws, ulong timeSeed, int trial) where TDraws : struct, IPatientDraws
    {
        draws.BeginTrial(trial);
        _out = default;
        Array.Clear(_patients); Array.Clear(_dlts);
        if (_countResponses) { Array.Clear(_responses); Array.Clear(_both); }
        _grade2 = _grade2Thresholds is null ? -1 : 0;
        if (_instant) return InstantTrial(ref draws);
        _arrivals = TrialStreams.Arrivals(timeSeed, trial);
        _lastArrival = 0; _hasNext = false; _qHead = 0; _qCount = 0; _firstArrival = true; _aheadNext = 0; _aheadCount = 0;
        if (_backfill is not null) return BackfillTrial(ref draws);
        if (_pendingDesign is not null) return PendingTrial(ref draws);
        return _nextArrival ? CohortTrial(ref draws) : QueueCohortTrial(ref draws);
    }

    // ---- nothing takes time: the cohort loop ------------------------------------------------------

    private TrialOutcome InstantTrial<TDraws>(ref TDraws draws) where TDraws : struct, IPatientDraws
    {
        int level = 0, last = -1, total = 0, replaced = 0;
        while (true)
        {
            var state = new TrialState(_patients, _dlts, _responses, _both, level, last, total) { Grade2Events = _grade2 };
            Decision d = _design.Decide(state);
            if (d.IsStop)
            {
                _check.Stop(d);
                _out.Selected = d.Level;
                _out.Evaluable = total;
                _out.NonEvaluable = replaced;
                return _out;
            }
            _check.Treat(d, total);
            ulong threshold = _thresholds[d.Level];
            bool grade2 = DrawsGrade2(state);
            int x = 0;
            for (int i = 0; i < d.CohortSize; i++)
            {
                while (draws.Treated(out _)) replaced++; // each slot is filled by enrolling until a patient is evaluable
                bool dlt = grade2 ? Grade(ref draws, d.Level, threshold) : draws.Dlt(d.Level, threshold);
                x += dlt ? 1 : 0;
                if (_countResponses && draws.Response(d.Level, dlt)) { _responses[d.Level]++; if (dlt) _both[d.Level]++; }
            }
            level = d.Level;
            last = x;
            total += d.CohortSize;
            _patients[level] += d.CohortSize;
            _dlts[level] += x;
        }
    }

    // Whether the cohort about to be treated in `state` is titration patients whose grade 2 toxicity can
    // still end titration: only then is the grade drawn (from the DLT's own uniform, so DLTs are unchanged).
    private bool DrawsGrade2(in TrialState state) => _titration is not null && _titration.Grade2Matters(state);

    // One evaluable patient's DLT, counting a grade 2 toxicity without DLT.
    private bool Grade<TDraws>(ref TDraws draws, int level, ulong threshold) where TDraws : struct, IPatientDraws
    {
        int g = draws.Grade(level, threshold, _grade2Thresholds![level]);
        if (g == PatientGrades.Grade2) _grade2++;
        return g == PatientGrades.Dlt;
    }

    // ---- cohort designs: wait for the whole cohort to clear its window ----------------------------

    private TrialOutcome CohortTrial<TDraws>(ref TDraws draws) where TDraws : struct, IPatientDraws
    {
        int level = 0, last = -1, total = 0;
        double now = 0, responseEnd = 0;
        while (true)
        {
            var state = new TrialState(_patients, _dlts, _responses, _both, level, last, total) { Grade2Events = _grade2 };
            Decision d = _design.Decide(state);
            if (d.IsStop)
            {
                _check.Stop(d);
                return Finish(d.Level, now, responseEnd);
            }
            _check.Treat(d, total);
            int x = EnrolCohort(ref draws, d, now, ref responseEnd, out double cohortEnd, out _, DrawsGrade2(state));
            now = cohortEnd;
            level = d.Level;
            last = x;
            total += d.CohortSize;
            _patients[level] += d.CohortSize;
            _dlts[level] += x;
        }
    }

    // CohortTrial and EnrolCohort under arrivals: queue (no backfill), as one method whose arrival
    // stream, waiting list and counters are locals. Kept in the simulator's fields, every arrival
    // and every enrolment stored and reloaded them (a store-to-load delay on each step of a chain of
    // dependent comparisons); as locals they stay in registers. The same steps in the same order
    // (Admit, Expire, TakeAvailable, EnrolCohort), so every draw and every time is what it was.
    private TrialOutcome QueueCohortTrial<TDraws>(ref TDraws draws) where TDraws : struct, IPatientDraws
    {
        var t = _t;
        double infusionDelay = t.InfusionDelayDays, sentinelDays = t.SentinelDays, responseDays = t.ResponseDays;
        double maxWaitDays = t.MaxWaitDays, observed = _observedDays, neDays = _neDays;
        bool expires = maxWaitDays < double.PositiveInfinity, useQueue = _useQueue, countResponses = _countResponses;
        int maxWaiting = _maxWaiting;
        double[] queue = _queue, ahead = _ahead, slotOpen = _slotOpen;
        bool[] slotDone = _slotDone;
        int qHead = 0, qCount = 0, mask = queue.Length - 1;
        int aheadNext = ArrivalsAhead; // _ahead[aheadNext..ArrivalsAhead) are drawn and still to come
        int lost = 0, waited = 0, nonEvaluable = 0;
        long waitTicks = 0;
        int level = 0, last = -1, total = 0;
        double now = 0, responseEnd = 0;
        while (true)
        {
            var state = new TrialState(_patients, _dlts, _responses, _both, level, last, total) { Grade2Events = _grade2 };
            Decision d = _design.Decide(state);
            if (d.IsStop)
            {
                _check.Stop(d);
                _out.Lost = lost; _out.Waited = waited; _out.WaitTicks = waitTicks; _out.NonEvaluable = nonEvaluable;
                return Finish(d.Level, now, responseEnd);
            }
            _check.Treat(d, total);
            int c = d.CohortSize, lv = d.Level, x = 0, remaining = c;
            ulong threshold = _thresholds[lv];
            bool grade2 = DrawsGrade2(state);
            for (int i = 0; i < c; i++) { slotOpen[i] = now; slotDone[i] = false; }
            double cohortEnd = now, sentinelInfusion = double.NaN;
            while (remaining > 0)
            {
                int slot = -1;
                for (int i = 0; i < c; i++)
                    if (!slotDone[i] && (slot < 0 || slotOpen[i] < slotOpen[slot])) slot = i;
                double open = slotOpen[slot];
                // TakeAvailable(open): arrivals up to `open` join the waiting list or are lost; the
                // first waiting is enrolled, or else the next arrival.
                double arrival;
                if (useQueue)
                {
                    while (true)
                    {
                        if (aheadNext == ArrivalsAhead) { DrawArrivalsAhead(); aheadNext = 0; }
                        double next = ahead[aheadNext];
                        if (next > open) break;
                        if (expires)
                            while (qCount > 0 && queue[qHead] + maxWaitDays < next) { qHead = (qHead + 1) & mask; qCount--; lost++; }
                        if (qCount >= maxWaiting) lost++;
                        else
                        {
                            if (qCount == queue.Length) { queue = GrowQueue(qHead); qHead = 0; mask = queue.Length - 1; }
                            queue[(qHead + qCount) & mask] = next;
                            qCount++;
                        }
                        aheadNext++;
                    }
                    if (expires)
                        while (qCount > 0 && queue[qHead] + maxWaitDays < open) { qHead = (qHead + 1) & mask; qCount--; lost++; }
                    if (qCount > 0) { arrival = queue[qHead]; qHead = (qHead + 1) & mask; qCount--; }
                    else arrival = ahead[aheadNext++];
                }
                else
                {
                    if (aheadNext == ArrivalsAhead) { DrawArrivalsAhead(); aheadNext = 0; }
                    arrival = ahead[aheadNext++];
                }
                double enrolled = Later(open, arrival);
                if (enrolled > arrival) { waited++; waitTicks += CalendarTally.Ticks(enrolled - arrival); }
                double infusion = enrolled + infusionDelay;
                if (double.IsNaN(sentinelInfusion)) sentinelInfusion = infusion;
                else infusion = Later(infusion, sentinelInfusion + sentinelDays);
                if (draws.Treated(out _))
                {
                    nonEvaluable++;
                    slotOpen[slot] = infusion + neDays; // the replacement is sought when the patient leaves
                    cohortEnd = Later(cohortEnd, slotOpen[slot]);
                    continue;
                }
                bool dlt = grade2 ? Grade(ref draws, lv, threshold) : draws.Dlt(lv, threshold);
                x += dlt ? 1 : 0;
                if (countResponses && draws.Response(lv, dlt)) { _responses[lv]++; if (dlt) _both[lv]++; }
                cohortEnd = Later(cohortEnd, infusion + observed);
                if (responseDays > 0) responseEnd = Later(responseEnd, infusion + responseDays);
                slotDone[slot] = true;
                remaining--;
            }
            now = cohortEnd;
            level = lv;
            last = x;
            total += c;
            _patients[level] += c;
            _dlts[level] += x;
        }
    }

    // The waiting list doubled (QueueCohortTrial's ring is full), its waiting patients first in order.
    private double[] GrowQueue(int head)
    {
        var bigger = new double[_queue.Length * 2];
        for (int i = 0; i < _queue.Length; i++) bigger[i] = _queue[(head + i) & (_queue.Length - 1)];
        return _queue = bigger;
    }

    // Treats the cohort `d` asks for from `now`: each slot takes the next patient available, and a
    // non-evaluable patient's slot is filled again when that patient leaves. Returns the cohort's
    // DLTs; `cohortEnd` is when its last member completes the window, `full` when its last slot was filled.
    private int EnrolCohort<TDraws>(ref TDraws draws, in Decision d, double now, ref double responseEnd, out double cohortEnd, out double full, bool grade2 = false)
        where TDraws : struct, IPatientDraws
    {
        int c = d.CohortSize, x = 0, remaining = c;
        ulong threshold = _thresholds[d.Level];
        for (int i = 0; i < c; i++) { _slotOpen[i] = now; _slotDone[i] = false; }
        cohortEnd = now;
        full = now;
        double sentinelInfusion = double.NaN;
        while (remaining > 0)
        {
            int slot = -1;
            for (int i = 0; i < c; i++)
                if (!_slotDone[i] && (slot < 0 || _slotOpen[i] < _slotOpen[slot])) slot = i;
            double enrolled = TakeAvailable(_slotOpen[slot]);
            full = Later(full, enrolled);
            double infusion = enrolled + _t.InfusionDelayDays;
            if (double.IsNaN(sentinelInfusion)) sentinelInfusion = infusion;
            else infusion = Later(infusion, sentinelInfusion + _t.SentinelDays);
            if (_backfill is not null) _treated[d.Level]++;
            if (draws.Treated(out double u))
            {
                _out.NonEvaluable++;
                _slotOpen[slot] = infusion + _neDays; // the replacement is sought when the patient leaves
                cohortEnd = Later(cohortEnd, _slotOpen[slot]);
                continue;
            }
            // A cohort design decides when every patient has completed the window, DLT or not
            // (the usual rule), so the DLT's time within the window matters only to backfill.
            bool dlt = grade2 ? Grade(ref draws, d.Level, threshold) : draws.Dlt(d.Level, threshold);
            x += dlt ? 1 : 0;
            bool responds = _countResponses && draws.Response(d.Level, dlt);
            if (responds) { _responses[d.Level]++; if (dlt) _both[d.Level]++; }
            // With arrivals: next-arrival the cohort is over once each member's outcome is known: a DLT
            // on its day, otherwise the end of the window (Zhao et al. 2024; bfboin's max(dlt.calendar.cohort)).
            cohortEnd = Later(cohortEnd, infusion + (_nextArrival ? (dlt ? DltTime(u) : _t.DltWindowDays) : _observedDays));
            if (_t.ResponseDays > 0) responseEnd = Later(responseEnd, infusion + _t.ResponseDays);
            if (_backfill is not null)
            {
                _memberEnd[_memberN] = infusion + (dlt ? DltTime(u) : _t.DltWindowDays);
                _memberDlt[_memberN++] = dlt;
                if (responds) ReadLater(d.Level, infusion);
            }
            _slotDone[slot] = true;
            remaining--;
        }
        return x;
    }

    // ---- backfill designs: arrivals during a cohort's window go to a lower open dose ----------------

    private TrialOutcome BackfillTrial<TDraws>(ref TDraws draws) where TDraws : struct, IPatientDraws
    {
        Array.Clear(_pendingCount); Array.Clear(_treated); Array.Clear(_responsesRead);
        _pendN = 0; _dltN = 0; _readN = 0; _escalated = 0; _pendMinEnd = double.PositiveInfinity;
        int level = 0, last = -1, lostWhileObserved = 0;
        double now = 0, responseEnd = 0;
        while (true)
        {
            // With arrivals: next-arrival the cohort is evaluated when the next patient arrives, on
            // the backfill outcomes known by then (its first cohort on day 0); the trial's end is
            // still `now`, when the last cohort's outcomes were known.
            Resolve(_nextArrival && _escalated > 0 ? PeekArrival() : now);
            Decision d = _design.Decide(new TrialState(_patients, _dlts, _responses, _both, level, last, _escalated));
            if (d.IsStop)
            {
                _check.Stop(d);
                // Backfill patients still in their window when escalation ends were treated: their
                // outcomes count in the allocation and DLT totals, not in the selection just made.
                Resolve(double.PositiveInfinity);
                return Finish(d.Level, now, responseEnd);
            }
            _check.Treat(d, _escalated);
            _out.Lost += lostWhileObserved; // the trial goes on: those turned away while the last cohort was observed are lost
            _memberN = 0;
            int x = EnrolCohort(ref draws, d, now, ref responseEnd, out double cohortEnd, out double full);
            // Arrivals turned away during the observation count as lost only if another cohort follows,
            // as a cohort design counts them (when it next looks for patients).
            int lostBefore = _out.Lost;
            BackfillWhileObserved(ref draws, d.Level, full, cohortEnd, ref responseEnd);
            lostWhileObserved = _out.Lost - lostBefore;
            _out.Lost = lostBefore;
            now = cohortEnd;
            level = d.Level;
            last = x;
            _escalated += d.CohortSize;
            _patients[level] += d.CohortSize;
            _dlts[level] += x;
        }
    }

    // From the moment the cohort at `level` is full until it has completed the window, each patient
    // who can be enrolled (those waiting, then each arrival as it comes) is offered a backfill dose;
    // whoever gets none waits for the next cohort (or is lost, by the timeline's waiting limits).
    private void BackfillWhileObserved<TDraws>(ref TDraws draws, int level, double full, double end, ref double responseEnd)
        where TDraws : struct, IPatientDraws
    {
        Admit(full);
        OfferWaiting(ref draws, level, full, ref responseEnd);
        while (PeekArrival() < end)
        {
            double a = _next;
            Expire(a);
            if (_qCount == 0 && BackfillLevel(a, level) is int b and >= 0)
            {
                TakeArrival();
                TreatBackfill(ref draws, b, a, a, ref responseEnd);
                continue;
            }
            if (_nextArrival) { TakeArrival(); _out.Lost++; continue; } // no waiting list: referred away
            Admit(a);
            OfferWaiting(ref draws, level, a, ref responseEnd);
        }
    }

    private void OfferWaiting<TDraws>(ref TDraws draws, int level, double at, ref double responseEnd) where TDraws : struct, IPatientDraws
    {
        while (_qCount > 0 && BackfillLevel(at, level) is int b and >= 0)
            TreatBackfill(ref draws, b, Dequeue(), at, ref responseEnd);
    }

    // The design's backfill dose for a patient enrolled at `at`, from what is known then.
    private int BackfillLevel(double at, int level)
    {
        Resolve(at);
        for (int i = 0; i < _readN;)
        {
            if (_readTime[i] > at) { i++; continue; }
            _responsesRead[_readLevel[i]]++;
            _readN--;
            _readLevel[i] = _readLevel[_readN]; _readTime[i] = _readTime[_readN];
        }
        _patients.CopyTo(_knownPatients, 0);
        _dlts.CopyTo(_knownDlts, 0);
        for (int i = 0; i < _memberN; i++)
            if (_memberEnd[i] <= at) { _knownPatients[level]++; if (_memberDlt[i]) _knownDlts[level]++; }
        return _backfill!.BackfillLevel(new TrialState(_knownPatients, _knownDlts, _responses, level, -1, _escalated), _treated, _responsesRead, level);
    }

    private void TreatBackfill<TDraws>(ref TDraws draws, int b, double arrival, double enrolled, ref double responseEnd) where TDraws : struct, IPatientDraws
    {
        if (enrolled > arrival) { _out.Waited++; _out.WaitTicks += CalendarTally.Ticks(enrolled - arrival); }
        double infusion = enrolled + _t.InfusionDelayDays;
        _treated[b]++;
        _out.Backfilled++;
        int i = _pendN++;
        _pendLevel[i] = b;
        _pendInfusion[i] = infusion;
        _pendResponse[i] = 0; // counted when drawn, as the cohort's members are
        _pendingCount[b]++;
        if (draws.Treated(out double u))
        {
            _out.NonEvaluable++;
            _pendOutcome[i] = -1;
            SetPendingEnd(i, infusion + _neDays);
            return;
        }
        bool dlt = draws.Dlt(b, _thresholds[b]);
        if (_countResponses && draws.Response(b, dlt)) { _responses[b]++; if (dlt) _both[b]++; ReadLater(b, infusion); }
        _pendOutcome[i] = dlt ? 1 : 0;
        SetPendingEnd(i, infusion + (dlt ? DltTime(u) : _t.DltWindowDays));
        if (_t.ResponseDays > 0) responseEnd = Math.Max(responseEnd, infusion + _t.ResponseDays);
    }

    // A responder's response is read response_days after infusion (at the end of the DLT window when the timeline reads none).
    private void ReadLater(int level, double infusion)
    {
        _readLevel[_readN] = level;
        _readTime[_readN++] = infusion + (_t.ResponseDays > 0 ? _t.ResponseDays : _t.DltWindowDays);
    }

    // ---- designs that read pending patients: one enrolment at a time -----------------------------

    private TrialOutcome PendingTrial<TDraws>(ref TDraws draws) where TDraws : struct, IPatientDraws
    {
        var design = _pendingDesign!;
        Array.Clear(_pendingCount);
        _pendN = 0;
        _dltN = 0;
        _pendMinEnd = double.PositiveInfinity;
        int level = 0, total = 0;
        double now = 0, responseEnd = 0;
        while (true)
        {
            Resolve(now);
            total = Evaluated();
            // A design that certainly enrols here is asked only if someone can be enrolled before the
            // next outcome: otherwise its answer would be discarded below. The same NextAvailable(now)
            // runs below when it does enrol (a second call at the same time changes nothing), so
            // every draw, waiting list and count is as when it is asked every time.
            if (_pendN > 0 && design.CertainlyEnrols(total, _pendN) && total + CountEvaluablePending() + 1 <= _design.MaxPatients)
            {
                double end = NextPendingEnd(), next = NextAvailable(now);
                if (next > now && next >= end) { now = end; continue; }
            }
            if (_readsFollowUp)
                for (int i = 0; i < _pendN; i++)
                    _pendFollowed[i] = _t.DltWindowDays > 0 ? Math.Clamp((now - _pendInfusion[i]) / _t.DltWindowDays, 0, 1) : 1;
            PendingDecision d = design.DecidePending(new TrialState(_patients, _dlts, _responses, _both, level, -1, total),
                new PendingPatients(_pendingCount, _pendLevel.AsSpan(0, _pendN), _pendFollowed.AsSpan(0, _pendN), _dltTimes.AsSpan(0, _dltN)));
            if (d.Action != PendingAction.Wait) CheckLevel(d.Level, d.Action == PendingAction.Stop);
            if (d.Action == PendingAction.Stop)
            {
                if (_pendN > 0) throw new DesignContractException($"{_design.Name}: stopped with {_pendN} patients still pending");
                return Finish(d.Level, now, responseEnd);
            }
            double nextEnd = NextPendingEnd();
            if (d.Action == PendingAction.Wait)
            {
                if (_pendN == 0) throw new DesignContractException($"{_design.Name}: waits with no patient pending");
                now = nextEnd;
                continue;
            }
            if (total + CountEvaluablePending() + 1 > _design.MaxPatients)
                throw new DesignContractException($"{_design.Name}: did not stop by its maximum of {_design.MaxPatients} patients");
            // A patient available now, or the next arrival if it comes before the next outcome.
            double arrival = NextAvailable(now);
            if (arrival > now && arrival >= nextEnd) { now = nextEnd; continue; } // an outcome comes first: decide again then
            double enrolled = TakeAvailable(now);
            now = enrolled;
            double infusion = enrolled + _t.InfusionDelayDays;
            bool nonEvaluable = draws.Treated(out double uTime);
            int i2 = _pendN++;
            _pendLevel[i2] = d.Level;
            _pendInfusion[i2] = infusion;
            _pendResponse[i2] = 0;
            _pendingCount[d.Level]++;
            level = d.Level;
            if (nonEvaluable)
            {
                _out.NonEvaluable++;
                _pendOutcome[i2] = -1;
                SetPendingEnd(i2, infusion + _neDays);
                continue;
            }
            bool dlt = draws.Dlt(d.Level, _thresholds[d.Level]);
            if (_countResponses && draws.Response(d.Level, dlt)) _pendResponse[i2] = 1;
            _pendOutcome[i2] = dlt ? 1 : 0;
            SetPendingEnd(i2, infusion + (dlt ? DltTime(uTime) : _t.DltWindowDays));
            if (_t.ResponseDays > 0) responseEnd = Math.Max(responseEnd, infusion + _t.ResponseDays);
        }
    }

    // A design's decision must name a dose it has (or no dose, when stopping).
    private void CheckLevel(int level, bool stop)
    {
        if (level < (stop ? Decision.NoDose : 0) || level >= _design.DoseCount)
            throw new DesignContractException($"{_design.Name}: decided {(stop ? "to select" : "to treat at")} level {level}, outside {(stop ? "-1" : "0")}..{_design.DoseCount - 1}");
    }

    private int CountEvaluablePending()
    {
        int n = 0;
        for (int i = 0; i < _pendN; i++) if (_pendOutcome[i] >= 0) n++;
        return n;
    }

    private int Evaluated()
    {
        int n = 0;
        for (int d = 0; d < _patients.Length; d++) n += _patients[d];
        return n;
    }

    private void SetPendingEnd(int i, double end)
    {
        _pendEnd[i] = end;
        if (end < _pendMinEnd) _pendMinEnd = end;
    }

    // Moves every pending patient whose outcome is known by `now` into the counts.
    private void Resolve(double now)
    {
        if (now < _pendMinEnd) return; // nothing due yet (always so with nobody pending)
        for (int i = 0; i < _pendN;)
        {
            if (_pendEnd[i] > now) { i++; continue; }
            int lv = _pendLevel[i];
            _pendingCount[lv]--;
            if (_pendOutcome[i] >= 0) { _patients[lv]++; _dlts[lv] += _pendOutcome[i]; _responses[lv] += _pendResponse[i]; if (_pendOutcome[i] == 1) _both[lv] += _pendResponse[i]; }
            if (_pendOutcome[i] == 1) _dltTimes[_dltN++] = _t.DltWindowDays > 0 ? (_pendEnd[i] - _pendInfusion[i]) / _t.DltWindowDays : 0;
            _pendN--;
            _pendLevel[i] = _pendLevel[_pendN]; _pendOutcome[i] = _pendOutcome[_pendN]; _pendEnd[i] = _pendEnd[_pendN];
            _pendInfusion[i] = _pendInfusion[_pendN]; _pendResponse[i] = _pendResponse[_pendN];
        }
        double m = double.PositiveInfinity;
        for (int i = 0; i < _pendN; i++) m = Math.Min(m, _pendEnd[i]);
        _pendMinEnd = m;
    }

    private double NextPendingEnd() => _pendMinEnd;

    // ---- arrivals and the waiting list ---------------------------------------------------------

    private TrialOutcome Finish(int selected, double now, double responseEnd)
    {
        _out.Selected = selected;
        _out.Evaluable = Evaluated();
        _out.Duration = Math.Max(now, responseEnd);
        _out.Decision = now;
        return _out;
    }

    // The later of two times. Math.Max's NaN and signed-zero handling costs several dependent
    // instructions per call on this path; times here are never NaN and never -0 (they are sums of
    // non-negative terms from +0), so a plain comparison gives the same value.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // one compare on the per-patient path
    private static double Later(double a, double b) => b > a ? b : a;

    private double DltTime(double u) => _t.DltWindowDays * (_invShape == 1 ? u : Math.Pow(u, _invShape));

    // The next arrival who passes screening.
    private double NextArrival()
    {
        if (_aheadNext == _aheadCount) DrawArrivalsAhead();
        return _ahead[_aheadNext++];
    }

    // The next ArrivalsAhead arrivals who pass screening (two draws per arrival: gap, screening), in
    // one tight loop: their logarithms do not depend on one another, so the processor overlaps them,
    // where drawn one at a time each stalled the enrolment logic that compares it. Only the current
    // trial's own arrival stream is read ahead (it is reseeded for the next trial), so every arrival
    // time, and every other draw, is what it was when drawn one at a time.
    private void DrawArrivalsAhead()
    {
        var rng = _arrivals; // a local copy stays in registers through the loop
        double last = _lastArrival, failure = _t.ScreeningFailure;
        int n = 0;
        while (n < ArrivalsAhead)
        {
            double gap = _poisson ? -Math.Log(1 - rng.NextDouble()) * _meanGap
                : _uniformGaps ? 2 * _meanGap * rng.NextDouble() : _meanGap;
            double screen = rng.NextDouble();
            // first_arrival: at-opening: the first arrival is on day 0 (its gap is drawn all the same,
            // so the k-th arrival's draws are those of every other timeline).
            if (_firstArrival) { _firstArrival = false; if (_firstAtOpening) gap = 0; }
            last += gap;
            _ahead[n] = last; // kept (n moves on) only if the patient passes screening
            n += screen >= failure ? 1 : 0;
        }
        _arrivals = rng;
        _lastArrival = last;
        _aheadNext = 0;
        _aheadCount = n;
    }

    private double PeekArrival()
    {
        if (!_hasNext) { _next = NextArrival(); _hasNext = true; }
        return _next;
    }

    // Arrivals up to `time` join the waiting list, or are lost if it is full; waiters past the limit are lost.
    private void Admit(double time)
    {
        // Under next-arrival an arrival at the very time a slot opens takes it (the first patient on
        // day 0, or the arrival on the day a cohort's last outcome is known): nobody waits.
        while (PeekArrival() <= time && (!_nextArrival || _next < time))
        {
            Expire(_next);
            if (_qCount >= _maxWaiting) _out.Lost++;
            else Enqueue(_next);
            _hasNext = false;
        }
        Expire(time);
    }

    private void Expire(double time)
    {
        while (_qCount > 0 && _queue[_qHead] + _t.MaxWaitDays < time) { Dequeue(); _out.Lost++; }
    }

    /// <summary>When the next patient could be enrolled, for a slot open from <paramref name="open"/> (&lt;= open if someone is there).</summary>
    private double NextAvailable(double open)
    {
        if (_useQueue)
        {
            Admit(open);
            if (_qCount > 0) return _queue[_qHead];
        }
        return PeekArrival();
    }

    /// <summary>Enrols the next patient into a slot open from <paramref name="open"/>; returns the enrolment time.</summary>
    private double TakeAvailable(double open)
    {
        double arrival;
        if (_useQueue) { Admit(open); arrival = _qCount > 0 ? Dequeue() : TakeArrival(); }
        else arrival = TakeArrival();
        double enrolled = Later(open, arrival);
        if (enrolled > arrival) { _out.Waited++; _out.WaitTicks += CalendarTally.Ticks(enrolled - arrival); }
        return enrolled;
    }

    private double TakeArrival()
    {
        double a = PeekArrival();
        _hasNext = false;
        return a;
    }

    private void Enqueue(double arrival)
    {
        if (_qCount == _queue.Length)
        {
            var bigger = new double[_queue.Length * 2];
            for (int i = 0; i < _qCount; i++) bigger[i] = _queue[(_qHead + i) & (_queue.Length - 1)];
            _queue = bigger; _qHead = 0;
        }
        _queue[(_qHead + _qCount) & (_queue.Length - 1)] = arrival;
        _qCount++;
    }

    private double Dequeue()
    {
        double a = _queue[_qHead];
        _qHead = (_qHead + 1) & (_queue.Length - 1);
        _qCount--;
        return a;
    }
}
