using DoseEscalation.Designs;

namespace DoseEscalation.Conduct;

/// <summary>One dose under a time-to-event design: patients complete (window over or a DLT), DLTs, pending patients and their follow-up.</summary>
/// <param name="Level">The dose level (0-based).</param>
/// <param name="Complete">Patients whose outcome is known: a DLT, or the window completed without one.</param>
/// <param name="Dlts">DLTs observed at the dose.</param>
/// <param name="Pending">Patients still in the window without a DLT.</param>
/// <param name="Followed">Sum of the pending patients' follow-up as fractions of the window (TITE-BOIN's effective sample size is <c>Complete + Followed</c>).</param>
/// <param name="Weights">TITE-CRM: sum of the likelihood weights at the dose (1 per complete patient plus each pending patient's weight); null for TITE-BOIN.</param>
/// <param name="Toxicity">TITE-CRM: the DLT probability at the posterior mean of the model parameter (dfcrm's <c>ptox</c>); null for TITE-BOIN.</param>
/// <param name="Estimate">TITE-BOIN: the pending-aware DLT-rate estimate the design compares with BOIN's boundaries (its <c>estimate</c> rule, <see cref="TiteBoin.PendingEstimate"/>); null for TITE-CRM and at an untreated dose.</param>
public sealed record TiteDose(int Level, int Complete, int Dlts, int Pending, double Followed, double? Weights, double? Toxicity, double? Estimate = null)
{
    /// <summary>TITE-BOIN's effective sample size: complete patients plus the pending patients' follow-up fractions.</summary>
    public double EffectiveN => Complete + Followed;
}

/// <summary>
/// The decision of a time-to-event design (TITE-CRM, TITE-BOIN) on data with pending patients, made
/// by the design's own <see cref="IPendingDesign.DecidePending"/> (the calendar simulator's code path).
/// <see cref="Selected"/> is the design's own final selection on the data (under --final).
/// </summary>
public sealed record TiteAdvice(PendingDecision Decision, double WindowDays, IReadOnlyList<TiteDose> Doses, IReadOnlyList<PatientOutcome> PendingPatients, string Reason)
{
    /// <summary>The design's final selection on the data (TITE-CRM: the weighted posterior's recommendation; TITE-BOIN: BOIN's isotonic selection on the complete patients); -1 none; null when not asked.</summary>
    public int? Selected { get; init; }
    /// <summary>How <see cref="Selected"/> was made, naming the pending patients it did not wait for.</summary>
    public string? SelectionNote { get; init; }
}

/// <summary>Reads a patient table for a time-to-event design: pending patients with partial follow-up, and the design's own decision on them.</summary>
public static class TiteConduct
{
    /// <summary>True if <paramref name="design"/> is TITE-CRM or TITE-BOIN (under any trial-level rules).</summary>
    public static bool IsTimeToEvent(IDesign design) => design.TryGet<TiteCrm>() is not null || design.TryGet<TiteBoin>() is not null;

    /// <summary>
    /// The design's decision with the pending patients of <paramref name="data"/> weighted by their
    /// follow-up (days_followed / <paramref name="windowDays"/>). A pending patient needs days_followed
    /// below the window; under TITE-CRM's adaptive weights each DLT needs its dlt_day.
    /// </summary>
    /// <exception cref="TrialDataException">Bad data, naming the patient, the field and the value.</exception>
    public static TiteAdvice Decide(IDesign design, TrialData data, double? windowDays, bool final)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(data);
        var pendingDesign = design.TryGet<IPendingDesign>() ?? throw new ArgumentException($"{design.Name} does not decide on pending patients", nameof(design));
        var crm = design.TryGet<TiteCrm>();
        var boin = design.TryGet<TiteBoin>();
        if (crm is null && boin is null) throw new ArgumentException($"{design.Name} is not a time-to-event design", nameof(design));
        var pendingPatients = data.Patients.Where(p => p.Pending).ToList();
        if (pendingPatients.Count > 0 && windowDays is null)
            throw new TrialDataException($"patient {pendingPatients[0].Id}: dlt is pending, but the DLT window is unknown; add trial: dlt_window_days: <days> to a scenario file and pass it to next");
        double window = windowDays ?? 0;
        foreach (var p in pendingPatients)
        {
            if (p.DaysFollowed is not { } days)
                throw new TrialDataException($"patient {p.Id}: dlt is pending without days_followed; {design.Name} weights a pending patient by its follow-up (add a days_followed column)");
            if (days >= window)
                throw new TrialDataException($"patient {p.Id}: days_followed {Days(days)} with dlt pending reaches the DLT window of {Days(window)} days; a patient who completed the window without a DLT has dlt 0");
        }
        int k = design.DoseCount;
        var complete = new int[k];
        var dlts = new int[k];
        var perLevel = new int[k];
        var followedSum = new double[k];
        var levels = new int[pendingPatients.Count];
        var followed = new double[pendingPatients.Count];
        var dltTimes = new List<double>();
        foreach (var p in data.Patients)
        {
            if (p.Pending) continue;
            complete[p.Level]++;
            if (!p.Dlt) continue;
            dlts[p.Level]++;
            if (crm?.Scheme == TiteWeightScheme.Adaptive)
            {
                if (p.DltDay is not { } day)
                    throw new TrialDataException($"patient {p.Id}: a DLT without dlt_day; tite-crm's adaptive weights need the day of every DLT (add a dlt_day column)");
                if (windowDays is null)
                    throw new TrialDataException($"patient {p.Id}: tite-crm's adaptive weights need the DLT window; add trial: dlt_window_days: <days> to a scenario file and pass it to next");
                if (day > window)
                    throw new TrialDataException($"patient {p.Id}: dlt_day {Days(day)} is after the DLT window of {Days(window)} days");
                dltTimes.Add(day / window);
            }
        }
        for (int i = 0; i < pendingPatients.Count; i++)
        {
            var p = pendingPatients[i];
            levels[i] = p.Level;
            followed[i] = p.DaysFollowed!.Value / window;
            perLevel[p.Level]++;
            followedSum[p.Level] += followed[i];
        }
        int current = data.Patients.Count > 0 ? data.Patients[^1].Level : 0;
        int evaluated = complete.Sum();
        var state = new TrialState(complete, dlts, current, -1, evaluated);
        var pending = new PendingPatients(perLevel, levels, followed, dltTimes.ToArray());
        var decision = pendingDesign.DecidePending(state, pending);

        var doses = new TiteDose[k];
        double[]? weightSum = null;
        double beta = 0;
        if (crm is not null)
        {
            weightSum = complete.Select(c => (double)c).ToArray();
            var weights = new double[levels.Length];
            for (int i = 0; i < levels.Length; i++) { weights[i] = crm.Weight(followed[i], pending.DltTimes); weightSum[levels[i]] += weights[i]; }
            beta = crm.Crm.Posterior(complete, dlts, levels, weights).BetaMean;
        }
        for (int d = 0; d < k; d++)
            doses[d] = new TiteDose(d, complete[d], dlts[d], perLevel[d], followedSum[d], weightSum?[d], crm is null ? null : crm.Crm.ToxicityAt(d, beta),
                boin is not null && complete[d] + perLevel[d] > 0 ? boin.PendingEstimate(complete[d] + perLevel[d], dlts[d], perLevel[d], followedSum[d]) : null);

        string names = pendingPatients.Count == 0 ? "no patient pending"
            : "pending: " + string.Join(", ", pendingPatients.Select(p => $"patient {p.Id} at dose {p.Level + 1}, day {Days(p.DaysFollowed!.Value)} of {Days(window)}"));
        string what = decision.Action switch
        {
            PendingAction.Enrol => $"enrol the next patient at dose {decision.Level + 1}",
            PendingAction.Wait => "wait: enrol no one until a pending patient's outcome is known",
            _ => decision.Level < 0 ? "stop, no dose selected" : $"stop, select dose {decision.Level + 1}",
        };
        string how = crm is not null
            ? $"TITE-CRM ({(crm.Scheme == TiteWeightScheme.Linear ? "linear" : "adaptive")} weights) recommends the dose whose posterior DLT probability is closest to the target {Fmt(crm.Target)}, never skipping an untried dose"
            : decision.Action == PendingAction.Wait
                ? $"TITE-BOIN suspends accrual while more than {Fmt(boin!.MaxPendingFraction)} of the patients at dose {current + 1} are pending, and stops only once every window has closed"
                : data.Patients.Count % boin!.Boin.CohortSize != 0 && data.Patients.Count < boin.Boin.MaxN
                ? $"the next patient completes a cohort of {boin.Boin.CohortSize} begun at dose {current + 1}, and TITE-BOIN treats the rest of a cohort at its first patient's dose"
                : "at a cohort's start TITE-BOIN compares its pending-aware DLT estimate at the current dose with BOIN's boundaries, after elimination";
        var advice = new TiteAdvice(decision, window, doses, pendingPatients, $"{what}: {how}; {names}");
        if (!final) return advice;
        int selected = crm is not null ? crm.Crm.Recommend(beta) : boin!.SelectMtd(state);
        string rule = crm is not null
            ? "TITE-CRM's final selection: the dose recommended at the posterior mean of the weighted likelihood (dfcrm's mtd)"
            : "TITE-BOIN's final selection: BOIN's isotonic selection on the complete patients";
        string waits = pendingPatients.Count == 0 ? "every window has closed"
            : $"{pendingPatients.Count} patient(s) still pending ({string.Join(", ", pendingPatients.Select(p => p.Id))}); a final selection normally waits for them; "
              + (crm is not null ? "they enter with their weights" : "they are left out");
        return advice with { Selected = selected, SelectionNote = $"{rule}; {waits}" };
    }

    private static string Days(double d) => d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
    private static string Fmt(double d) => d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
