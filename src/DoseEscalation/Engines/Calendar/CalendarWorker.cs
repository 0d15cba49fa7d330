using DoseEscalation.Rng;

namespace DoseEscalation.Engines.Calendar;

/// <summary>
/// One worker's workspace for calendar trials: every buffer is allocated once, so a trial allocates
/// nothing (the waiting list grows only when a trial needs more room than any before it).
/// </summary>
internal sealed class CalendarWorker
{
    private readonly IDesign _design;
    private readonly IPendingDesign? _pendingDesign;
    private readonly ulong[] _thresholds;
    private readonly Timeline _t;
    private readonly double _neDays, _meanGap, _invShape;
    private readonly bool _limits, _poisson;
    public CalendarTally Tally { get; }

    private readonly int[] _patients, _dlts, _pendingCount;
    private readonly double[] _slotOpen;
    private readonly bool[] _slotDone;
    // Pending patients of an IPendingDesign: level, time the outcome is known, DLT (1/0) or non-evaluable (-1).
    private readonly int[] _pendLevel, _pendOutcome;
    private readonly double[] _pendEnd;
    private int _pendN;

    // The waiting list (a FIFO ring of arrival times) and the arrival process of the current trial.
    private double[] _queue = new double[64];
    private int _qHead, _qCount;
    private Xoshiro256StarStar _arrivals, _treated;
    private double _lastArrival, _next;
    private bool _hasNext;

    public CalendarWorker(IDesign design, ulong[] thresholds, Timeline timeline, CalendarTally tally)
    {
        _design = design;
        _pendingDesign = design as IPendingDesign;
        _thresholds = thresholds;
        _t = timeline;
        _neDays = timeline.NonEvaluableAfterDays;
        _meanGap = timeline.MeanGapDays;
        _poisson = timeline.Accrual == AccrualKind.Poisson;
        _invShape = 1 / timeline.DltTimeShape;
        _limits = timeline.HasWaitingLimit;
        Tally = tally;
        int k = design.DoseCount;
        _patients = new int[k]; _dlts = new int[k]; _pendingCount = new int[k];
        _slotOpen = new double[design.MaxCohortSize];
        _slotDone = new bool[design.MaxCohortSize];
        _pendLevel = new int[design.MaxPatients + 1]; _pendOutcome = new int[design.MaxPatients + 1]; _pendEnd = new double[design.MaxPatients + 1];
    }

    /// <summary>The seed from which trial t of a batch derives its two time streams.</summary>
    internal static ulong TimeSeed(ulong seed, long batch) => SplitMix64.StreamSeed(SplitMix64.StreamSeed(seed, (ulong)batch), 0x7161_E11E);

    public void RunBatch(ulong seed, long batch, int count)
    {
        var tox = Xoshiro256StarStar.ForStream(seed, (ulong)batch); // the trial loop's stream for this batch
        ulong timeSeed = TimeSeed(seed, batch);
        for (int t = 0; t < count; t++) RunTrial(ref tox, timeSeed, t);
    }

    public (double Duration, double Decision, int Selected) RunTrial(ref Xoshiro256StarStar tox, ulong timeSeed, int trial)
    {
        _arrivals = Xoshiro256StarStar.FromSeed(SplitMix64.StreamSeed(timeSeed, 2 * (ulong)trial));
        _treated = Xoshiro256StarStar.FromSeed(SplitMix64.StreamSeed(timeSeed, 2 * (ulong)trial + 1));
        _lastArrival = 0; _hasNext = false; _qHead = 0; _qCount = 0;
        Array.Clear(_patients); Array.Clear(_dlts);
        return _pendingDesign is null ? CohortTrial(ref tox) : PendingTrial(ref tox);
    }

    // ---- cohort designs: wait for the whole cohort to clear its window ----------------------------

    private (double, double, int) CohortTrial(ref Xoshiro256StarStar tox)
    {
        int level = 0, last = -1, total = 0;
        double now = 0, responseEnd = 0;
        while (true)
        {
            Decision d = _design.Decide(new TrialState(_patients, _dlts, level, last, total));
            CheckLevel(d.Level, d.IsStop);
            if (d.IsStop) return Finish(d.Level, now, responseEnd);
            if (d.CohortSize < 1 || d.CohortSize > _design.MaxCohortSize)
                throw new DesignContractException($"{_design.Name}: asked for a cohort of {d.CohortSize}, outside 1..{_design.MaxCohortSize} (its MaxCohortSize)");
            if (total + d.CohortSize > _design.MaxPatients)
                throw new DesignContractException($"{_design.Name}: did not stop by its maximum of {_design.MaxPatients} patients");
            int c = d.CohortSize, x = 0, remaining = c;
            ulong threshold = _thresholds[d.Level];
            for (int i = 0; i < c; i++) { _slotOpen[i] = now; _slotDone[i] = false; }
            double cohortEnd = now, sentinelInfusion = double.NaN;
            while (remaining > 0)
            {
                int slot = -1;
                for (int i = 0; i < c; i++)
                    if (!_slotDone[i] && (slot < 0 || _slotOpen[i] < _slotOpen[slot])) slot = i;
                double enrolled = TakeAvailable(_slotOpen[slot]);
                double infusion = enrolled + _t.InfusionDelayDays;
                if (double.IsNaN(sentinelInfusion)) sentinelInfusion = infusion;
                else infusion = Math.Max(infusion, sentinelInfusion + _t.SentinelDays);
                double uNe = _treated.NextDouble(), uTime = _treated.NextDouble();
                if (uNe < _t.NonEvaluableRate)
                {
                    Tally.NonEvaluable++;
                    _slotOpen[slot] = infusion + _neDays; // the replacement is sought when the patient leaves
                    cohortEnd = Math.Max(cohortEnd, _slotOpen[slot]);
                    continue;
                }
                // A cohort design decides when every patient has completed the window, DLT or not
                // (the usual rule), so the DLT's time within the window (uTime) does not matter here.
                x += tox.Next53() < threshold ? 1 : 0;
                cohortEnd = Math.Max(cohortEnd, infusion + _t.DltWindowDays);
                if (_t.ResponseDays > 0) responseEnd = Math.Max(responseEnd, infusion + _t.ResponseDays);
                _slotDone[slot] = true;
                remaining--;
            }
            now = cohortEnd;
            level = d.Level;
            last = x;
            total += c;
            _patients[level] += c;
            _dlts[level] += x;
        }
    }

    // ---- designs that read pending patients: one enrolment at a time -----------------------------

    private (double, double, int) PendingTrial(ref Xoshiro256StarStar tox)
    {
        var design = _pendingDesign!;
        Array.Clear(_pendingCount);
        _pendN = 0;
        int level = 0, total = 0;
        double now = 0, responseEnd = 0;
        while (true)
        {
            Resolve(now);
            total = Evaluated();
            PendingDecision d = design.DecidePending(new TrialState(_patients, _dlts, level, -1, total), _pendingCount);
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
            double uNe = _treated.NextDouble(), uTime = _treated.NextDouble();
            int i = _pendN++;
            _pendLevel[i] = d.Level;
            _pendingCount[d.Level]++;
            level = d.Level;
            if (uNe < _t.NonEvaluableRate)
            {
                Tally.NonEvaluable++;
                _pendOutcome[i] = -1;
                _pendEnd[i] = infusion + _neDays;
                continue;
            }
            bool dlt = tox.Next53() < _thresholds[d.Level];
            _pendOutcome[i] = dlt ? 1 : 0;
            _pendEnd[i] = infusion + (dlt ? DltTime(uTime) : _t.DltWindowDays);
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

    // Moves every pending patient whose outcome is known by `now` into the counts.
    private void Resolve(double now)
    {
        for (int i = 0; i < _pendN;)
        {
            if (_pendEnd[i] > now) { i++; continue; }
            int lv = _pendLevel[i];
            _pendingCount[lv]--;
            if (_pendOutcome[i] >= 0) { _patients[lv]++; _dlts[lv] += _pendOutcome[i]; }
            _pendN--;
            _pendLevel[i] = _pendLevel[_pendN]; _pendOutcome[i] = _pendOutcome[_pendN]; _pendEnd[i] = _pendEnd[_pendN];
        }
    }

    private double NextPendingEnd()
    {
        double m = double.PositiveInfinity;
        for (int i = 0; i < _pendN; i++) m = Math.Min(m, _pendEnd[i]);
        return m;
    }

    // ---- arrivals and the waiting list ---------------------------------------------------------

    private (double, double, int) Finish(int selected, double now, double responseEnd)
    {
        Tally.Oc.Record(selected, _patients, _dlts, 1);
        double duration = Math.Max(now, responseEnd);
        Tally.RecordTimes(duration, now);
        return (duration, now, selected);
    }

    private double DltTime(double u) => _t.DltWindowDays * (_invShape == 1 ? u : Math.Pow(u, _invShape));

    // The next arrival who passes screening (two draws per arrival: gap, screening).
    private double NextArrival()
    {
        while (true)
        {
            double gap = _poisson ? -Math.Log(1 - _arrivals.NextDouble()) * _meanGap : _meanGap;
            double screen = _arrivals.NextDouble();
            _lastArrival += gap;
            if (screen >= _t.ScreeningFailure) return _lastArrival;
        }
    }

    private double PeekArrival()
    {
        if (!_hasNext) { _next = NextArrival(); _hasNext = true; }
        return _next;
    }

    // Arrivals up to `time` join the waiting list, or are lost if it is full; waiters past the limit are lost.
    private void Admit(double time)
    {
        while (PeekArrival() <= time)
        {
            Expire(_next);
            if (_qCount >= _t.MaxWaiting) Tally.Lost++;
            else Enqueue(_next);
            _hasNext = false;
        }
        Expire(time);
    }

    private void Expire(double time)
    {
        while (_qCount > 0 && _queue[_qHead] + _t.MaxWaitDays < time) { Dequeue(); Tally.Lost++; }
    }

    /// <summary>When the next patient could be enrolled, for a slot open from <paramref name="open"/> (&lt;= open if someone is there).</summary>
    private double NextAvailable(double open)
    {
        if (_limits)
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
        if (_limits) { Admit(open); arrival = _qCount > 0 ? Dequeue() : TakeArrival(); }
        else arrival = TakeArrival();
        double enrolled = Math.Max(open, arrival);
        Tally.Enrolled++;
        if (enrolled > arrival) { Tally.Waited++; Tally.WaitTicks += CalendarTally.Ticks(enrolled - arrival); }
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
            for (int i = 0; i < _qCount; i++) bigger[i] = _queue[(_qHead + i) % _queue.Length];
            _queue = bigger; _qHead = 0;
        }
        _queue[(_qHead + _qCount) % _queue.Length] = arrival;
        _qCount++;
    }

    private double Dequeue()
    {
        double a = _queue[_qHead];
        _qHead = (_qHead + 1) % _queue.Length;
        _qCount--;
        return a;
    }
}
