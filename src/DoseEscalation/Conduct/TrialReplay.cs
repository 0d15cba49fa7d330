namespace DoseEscalation.Conduct;

/// <summary>How observed data departed from what the design asked for.</summary>
public enum DeviationKind : byte
{
    /// <summary>A cohort treated at a dose other than the one the design chose.</summary>
    DoseNotChosen,
    /// <summary>A cohort treated above a dose no patient had yet received (a subtype of a dose not chosen).</summary>
    SkippedDose,
    /// <summary>Patients treated after the design had stopped the trial.</summary>
    AfterStop,
    /// <summary>A cohort of another size than the design asked for.</summary>
    CohortSize,
}

/// <summary>One departure from the design, in words that name the patients.</summary>
public sealed record Deviation(DeviationKind Kind, string Message);

/// <summary>One cohort of the data, the decision the design had made before it, and how the cohort departed from it.</summary>
public sealed record ReplayStep(ObservedCohort Cohort, Decision Advised, IReadOnlyList<Deviation> Deviations);

/// <summary>
/// Observed data replayed through a design, cohort by cohort, as the engines run it (state as
/// counts): before each cohort the design is asked what it would do, and the cohort is checked
/// against that. The result holds the counts after the last complete cohort, the design's decision
/// there, and every deviation.
/// </summary>
public sealed class TrialReplay
{
    private readonly int[] _patients;
    private readonly int[] _dlts;
    private readonly int[] _responses, _both;

    public IDesign Design { get; }
    public TrialData Data { get; }
    public IReadOnlyList<ReplayStep> Steps { get; }
    /// <summary>Every deviation, in order (empty if the data is what the design would have produced).</summary>
    public IReadOnlyList<Deviation> Deviations { get; }
    /// <summary>Patients of an incomplete last cohort at the dose the design chose (not yet in the counts).</summary>
    public IReadOnlyList<PatientOutcome> Pending { get; }
    /// <summary>The design's decision after the last complete cohort (for a cohort in progress: the decision it is completing).</summary>
    public Decision Next { get; }
    /// <summary>Patients still to treat to complete the cohort in progress (0 if none).</summary>
    public int Remaining => Pending.Count == 0 ? 0 : Next.CohortSize - Pending.Count;
    public int CurrentLevel { get; }
    public int LastCohortDlts { get; }
    public int TotalPatients { get; }
    public ReadOnlySpan<int> Patients => _patients;
    public ReadOnlySpan<int> Dlts => _dlts;
    /// <summary>Responders per dose (zeros when the data records no responses).</summary>
    public ReadOnlySpan<int> Responses => _responses;
    /// <summary>Patients with both a DLT and a response per dose (zeros when the data records no responses).</summary>
    public ReadOnlySpan<int> DltResponses => _both;
    /// <summary>The counts after the last complete cohort, as the design sees them (responders too, for a design that reads them).</summary>
    public TrialState State => Design.ReadsJointOutcomes
        ? new(_patients, _dlts, _responses, _both, CurrentLevel, LastCohortDlts, TotalPatients)
        : Design.ReadsResponses
        ? new(_patients, _dlts, _responses, CurrentLevel, LastCohortDlts, TotalPatients)
        : new(_patients, _dlts, CurrentLevel, LastCohortDlts, TotalPatients);
    /// <summary>True if the design has stopped the trial (and no cohort is in progress).</summary>
    public bool Stopped => Next.IsStop && Pending.Count == 0;

    private TrialReplay(IDesign design, TrialData data, List<ReplayStep> steps, List<Deviation> deviations,
        List<PatientOutcome> pending, Decision next, int[] patients, int[] dlts, int[] responses, int[] both, int level, int last, int total)
    {
        (Design, Data, Steps, Deviations, Pending, Next) = (design, data, steps, deviations, pending, next);
        (_patients, _dlts, _responses, _both, CurrentLevel, LastCohortDlts, TotalPatients) = (patients, dlts, responses, both, level, last, total);
    }

    /// <summary>
    /// Replays <paramref name="data"/> through <paramref name="design"/>. A cohort at a dose the design
    /// did not choose (or above an untried dose), of another size than it asked for, or after it
    /// stopped is a deviation: without <paramref name="allowDeviations"/> the first one throws a
    /// <see cref="TrialDataException"/> naming the patients; with it, every deviation is recorded and
    /// the counts follow the data. A last cohort at the chosen dose, smaller than asked, is a cohort in
    /// progress (<see cref="Pending"/>), not a deviation.
    /// </summary>
    public static TrialReplay Run(IDesign design, TrialData data, bool allowDeviations = false)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(data);
        int k = design.DoseCount;
        foreach (var p in data.Patients)
            if (p.Level < 0 || p.Level >= k)
                throw new TrialDataException($"patient {p.Id}: unknown dose {p.Level + 1}; the design has doses 1..{k}");
        // A design that reads responses needs each patient's (E/B letters, or a response column).
        if (design.ReadsResponses && data.Patients.FirstOrDefault(p => p.Response is null) is { } missing)
            throw new TrialDataException($"patient {missing.Id}: no response recorded; design {design.Name} reads responses (give a response column, 1/0, or E and B letters in the notation)");
        // Partial follow-up of a pending patient is read only by the time-to-event designs (TrialConduct, issue 25).
        if (data.Patients.FirstOrDefault(p => p.Pending && p.DaysFollowed is not null) is { } partial)
            throw new TrialDataException($"patient {partial.Id}: dlt is pending and days are given; give one or the other (days_followed for time-to-event designs)");
        bool backfills = design.TryGet<Designs.IBackfillDesign>() is not null;
        if (!backfills && data.Patients.FirstOrDefault(p => p.Backfill) is { } b)
            throw new TrialDataException($"patient {b.Id}: backfill is yes, but design {design.Name} does not backfill (bf-boin and bf-3+3 do)");
        if (!backfills && data.Patients.FirstOrDefault(p => p.Pending) is { } q)
            throw new TrialDataException($"patient {q.Id}: dlt is pending; design {design.Name} decides on complete DLT outcomes (backfill designs read pending patients)");
        var patients = new int[k];
        var dlts = new int[k];
        var responses = new int[k];
        var both = new int[k];
        int level = 0, last = -1, total = 0;
        var steps = new List<ReplayStep>();
        var deviations = new List<Deviation>();
        var pending = new List<PatientOutcome>();

        // A backfill design's escalation cohorts are the patients not backfilled; a backfilled
        // patient's known outcome counts in every decision after its row (docs/conduct.md).
        var rows = new Dictionary<PatientOutcome, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < data.Patients.Count; i++) rows[data.Patients[i]] = i;
        var backfilled = data.Patients.Where(p => p.Backfill).ToList();
        int folded = 0;
        var escalating = data.Patients.Where(p => !p.Backfill).ToList();
        var cohorts = data.Cohorts is null ? null : EscalationCohorts(data.Cohorts);
        int index = 0, cohortIndex = 0;
        while (true)
        {
            int nextRow = cohorts is not null
                ? (cohortIndex < cohorts.Count ? rows[cohorts[cohortIndex].Patients[0]] : int.MaxValue)
                : (index < escalating.Count ? rows[escalating[index]] : int.MaxValue);
            Fold(nextRow, level);
            Decision advised = Ask(design, patients, dlts, responses, both, level, last, total);
            ObservedCohort? cohort;
            bool isLast;
            if (cohorts is not null)
            {
                if (cohortIndex == cohorts.Count) return Done(advised);
                cohort = cohorts[cohortIndex++];
                isLast = cohortIndex == cohorts.Count;
            }
            else
            {
                if (index == escalating.Count) return Done(advised);
                int want = advised.IsStop ? design.MaxCohortSize : advised.CohortSize;
                int end = index;
                while (end < escalating.Count && end - index < want && escalating[end].Level == escalating[index].Level) end++;
                cohort = new ObservedCohort(escalating[index].Level, escalating.Skip(index).Take(end - index).ToList());
                index = end;
                isLast = index == escalating.Count;
            }

            // In progress: a last cohort at the chosen dose not yet full, or (backfill designs) full with DLT windows still open.
            var open = cohort.Patients.FirstOrDefault(p => p.Pending);
            if (open is not null && !isLast)
                throw new TrialDataException($"patient {open.Id}: dlt is pending, but escalation cohorts were treated after it (the design decides on its cohort's outcomes first)");
            if (isLast && !advised.IsStop && cohort.Level == advised.Level
                && (cohort.Size < advised.CohortSize || open is not null && cohort.Size == advised.CohortSize))
            {
                pending.AddRange(cohort.Patients);
                Fold(int.MaxValue, cohort.Level);
                return Done(advised);
            }
            if (open is not null)
            {
                // A deviating cohort is counted as the data gives it, which a pending outcome does not.
                var deviation = Check(design, advised, cohort, patients, total);
                if (!allowDeviations) throw new DeviationException(deviation[0]);
                throw new TrialDataException($"patient {open.Id}: dlt is pending in a cohort that deviates from the design ({deviation[0].Message}); give its outcomes to replay it");
            }

            var found = Check(design, advised, cohort, patients, total);
            if (found.Count > 0 && !allowDeviations)
                throw new DeviationException(found[0]);
            deviations.AddRange(found);
            steps.Add(new ReplayStep(cohort, advised, found));
            level = cohort.Level;
            last = cohort.Dlts;
            total += cohort.Size;
            patients[level] += cohort.Size;
            dlts[level] += last;
            responses[level] += cohort.Responses;
            both[level] += cohort.Patients.Count(p => p.Dlt && p.Response == true);
        }

        TrialReplay Done(Decision next) =>
            new(design, data, steps, deviations, pending, next, patients, dlts, responses, both, level, last, total);

        // Adds the backfilled patients listed before row `beforeRow` to the counts (those with a known
        // outcome; responders whatever the DLT), checking each was treated below the escalation dose then.
        void Fold(int beforeRow, int escalationLevel)
        {
            for (; folded < backfilled.Count && rows[backfilled[folded]] < beforeRow; folded++)
            {
                var p = backfilled[folded];
                if (steps.Count == 0 && pending.Count == 0)
                    throw new TrialDataException($"patient {p.Id}: backfilled before any escalation cohort (backfill treats patients below a cohort's dose while it is observed)");
                if (p.Level >= escalationLevel)
                    throw new TrialDataException($"patient {p.Id}: backfilled at dose {p.Level + 1}, but the escalation cohort then was at dose {escalationLevel + 1} (backfill is below it)");
                if (!p.Pending)
                {
                    patients[p.Level]++;
                    if (p.Dlt) dlts[p.Level]++;
                }
                if (p.Response == true) responses[p.Level]++;
                if (!p.Pending && p.Dlt && p.Response == true) both[p.Level]++;
            }
        }
    }

    /// <summary>The cohorts of a cohort column without their backfilled patients (a cohort may not mix the two).</summary>
    private static List<ObservedCohort> EscalationCohorts(IReadOnlyList<ObservedCohort> cohorts)
    {
        var kept = new List<ObservedCohort>();
        foreach (var c in cohorts)
        {
            if (c.Patients.All(p => p.Backfill)) continue;
            if (c.Patients.FirstOrDefault(p => p.Backfill) is { } b)
                throw new TrialDataException($"patient {b.Id}: backfilled, but in escalation cohort with {c.Patients.First(p => !p.Backfill).Id} (give backfilled patients their own cohort label, or none)");
            kept.Add(c);
        }
        return kept;
    }

    // The design's decision on counts that deviations may have taken outside its own state space.
    private static Decision Ask(IDesign design, int[] patients, int[] dlts, int[] responses, int[] both, int level, int last, int total)
    {
        try
        {
            return design.ReadsJointOutcomes
                ? design.Decide(new TrialState(patients, dlts, responses, both, level, last, total))
                : design.ReadsResponses
                ? design.Decide(new TrialState(patients, dlts, responses, level, last, total))
                : design.Decide(new TrialState(patients, dlts, level, last, total));
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new TrialDataException(total > design.MaxPatients
                ? $"after {total} patients, more than the design's maximum of {design.MaxPatients}, the design has no rule for these counts"
                : $"after {total} patients the design cannot decide from these counts (they are outside its rules)");
        }
    }

    private static List<Deviation> Check(IDesign design, Decision advised, ObservedCohort cohort, int[] patients, int total)
    {
        var found = new List<Deviation>();
        string who = cohort.PatientRange;
        if (advised.IsStop)
        {
            found.Add(new Deviation(DeviationKind.AfterStop,
                $"{who}: treated at dose {cohort.Level + 1} after the design had stopped ({advised}) after {total} patients"));
            return found;
        }
        if (cohort.Level != advised.Level)
        {
            int highestTried = Array.FindLastIndex(patients, n => n > 0);
            int untried = -1;
            // Before any patient, doses below the design's start are not "skipped".
            for (int d = highestTried >= 0 ? highestTried + 1 : advised.Level; d < cohort.Level; d++)
                if (patients[d] == 0) { untried = d; break; }
            found.Add(untried >= 0
                ? new Deviation(DeviationKind.SkippedDose,
                    $"{who}: dose {cohort.Level + 1} skips untried dose {untried + 1} (the design chose dose {advised.Level + 1})")
                : new Deviation(DeviationKind.DoseNotChosen,
                    $"{who}: treated at dose {cohort.Level + 1}, but the design chose dose {advised.Level + 1}"));
        }
        if (cohort.Size != advised.CohortSize)
            found.Add(new Deviation(DeviationKind.CohortSize,
                $"{who}: a cohort of {cohort.Size} at dose {cohort.Level + 1}, but the design asked for {advised.CohortSize}"));
        return found;
    }
}
