using DoseEscalation.Designs;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Conduct;

/// <summary>What to compute from the observed data.</summary>
public sealed record ConductOptions
{
    /// <summary>Accept data the design would not have produced (and report the deviations).</summary>
    public bool AllowDeviations { get; init; }
    /// <summary>Report the final MTD now, even if the design would go on.</summary>
    public bool Final { get; init; }
    /// <summary>True DLT probabilities under which the pathways get probabilities; null: no probabilities.</summary>
    public Scenario? Scenario { get; init; }
    /// <summary>Cohorts ahead the pathways look (1..4; default 1).</summary>
    public int CohortsAhead { get; init; } = 1;
    /// <summary>Target DLT rate of the final estimates for a design without one (the A+B); default 0.30. Designs with a target use their own.</summary>
    public double? Target { get; init; }
    /// <summary>Level of the CRM's credible intervals (default 0.90).</summary>
    public double CredibleLevel { get; init; } = 0.90;
    /// <summary>The DLT window in days (the scenario's trial.dlt_window_days): a time-to-event design's pending patients are weighted by days_followed over it; null: unknown (pending patients are then refused).</summary>
    public double? DltWindowDays { get; init; }
}

/// <summary>One dose: the counts, the observed rate and, for the CRM, the posterior of its DLT probability.</summary>
public sealed record DoseSummary(int Level, int Patients, int Dlts)
{
    public double? ObservedRate => Patients > 0 ? (double)Dlts / Patients : null;
    /// <summary>Interval designs: the dose is eliminated (it, or a dose below it, met the elimination rule).</summary>
    public bool Eliminated { get; init; }
    /// <summary>CRM: the posterior of this dose's DLT probability.</summary>
    public CrmDoseEstimate? Crm { get; init; }
    /// <summary>Responders at this dose, for a design that reads responses (BOIN12); null otherwise.</summary>
    public int? Responses { get; init; }
}

/// <summary>One outcome path of the next cohorts: each cohort's dose, size and DLTs, its probability under the scenario, and the decision after it.</summary>
public sealed record Pathway(IReadOnlyList<(int Level, int Patients, int Dlts)> Cohorts, double? Probability, Decision Next)
{
    /// <summary>"2NTN 3NNN": the path in outcome notation (DLTs first within each cohort).</summary>
    public string Notation => string.Join(" ", Cohorts.Select(c => $"{c.Level + 1}{new string('T', c.Dlts)}{new string('N', c.Patients - c.Dlts)}"));
}

/// <summary>The selected MTD at the end of the trial, the reason, and the select.mtd estimates per dose.</summary>
public sealed record FinalMtd(int SelectedLevel, string Reason, string Rule, double Target, IReadOnlyList<IsotonicDoseEstimate> Estimates)
{
    /// <summary>
    /// The selected dose has no patients: a model-based selection (the CRM's) can pick a dose nobody
    /// received, which a reader of the final analysis must be told (issue 25).
    /// </summary>
    public bool SelectedUntried => SelectedLevel >= 0 && Estimates[SelectedLevel].Patients == 0;

    /// <summary>The warning printed when <see cref="SelectedUntried"/>, naming the dose; null otherwise.</summary>
    public string? UntriedWarning(IDesign design) => SelectedUntried
        ? $"dose {SelectedLevel + 1} has no patients: {(design.TryGet<IModelFit>() is not null ? "the CRM selects it from the model alone" : $"{design.Name} selects it without data at that dose")}"
        : null;
}

/// <summary>One dose below the escalation dose, for a backfill design: its counts and whether it takes backfill patients.</summary>
public sealed record BackfillDose(int Level, int Treated, int Known, int KnownDlts, int Responses, BackfillDoseStatus Status);

/// <summary>
/// Where a backfill design treats a patient who can be enrolled now (<see cref="Level"/>; -1: no
/// dose is open, the patient waits for the next cohort), while the escalation cohort at
/// <see cref="EscalationLevel"/> is observed, from today's data. <see cref="Enrolling"/>: that
/// cohort is still being enrolled, so patients join it instead.
/// </summary>
public sealed record BackfillAdvice(int EscalationLevel, bool Observed, bool Enrolling, int Level, IReadOnlyList<BackfillDose> Doses);

/// <summary>Everything <see cref="TrialConduct.Next"/> found.</summary>
public sealed record ConductResult(
    IDesign Design,
    TrialReplay Replay,
    Decision Decision,
    DecisionReason Reason,
    IReadOnlyList<DoseSummary> Doses,
    IReadOnlyList<Pathway> Pathways,
    Scenario? Scenario,
    FinalMtd? Final,
    IReadOnlyList<string> Notes)
{
    public bool DeviationsOccurred => Replay.Deviations.Count > 0;
    /// <summary>For a backfill design (bf-boin, bf-3+3): where a patient who can be enrolled now goes; null for other designs or once the trial stops.</summary>
    public BackfillAdvice? Backfill { get; init; }
    /// <summary>Level of the CRM's per-dose credible intervals.</summary>
    public double CredibleLevel { get; init; } = 0.90;
    /// <summary>For a time-to-event design (tite-crm, tite-boin) with pending patients: the design's own decision on them (and its final selection under --final); null otherwise.</summary>
    public TiteAdvice? Tite { get; init; }
}

/// <summary>
/// During the trial: the next decision from observed data with its reason, what each outcome of the
/// next cohorts would lead to, and at the end (or on request) the MTD with BOIN's select.mtd
/// estimates. For every design; the design model is <see cref="IDesign"/>.
/// </summary>
public static class TrialConduct
{
    public const int MaxCohortsAhead = 4;

    /// <summary>Most pathways listed: past it (large cohorts several cohorts ahead) the listing is refused, naming the limit.</summary>
    public const int MaxPathways = 100_000;

    public static ConductResult Next(IDesign design, TrialData data, ConductOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ConductOptions();
        if (options.CohortsAhead < 1 || options.CohortsAhead > MaxCohortsAhead)
            throw new ArgumentOutOfRangeException(nameof(options), options.CohortsAhead, $"cohorts ahead must be in 1..{MaxCohortsAhead}");
        if (options.Scenario is { } sc && sc.DoseCount != design.DoseCount)
            throw new ArgumentException($"scenario '{sc.Name}' has {sc.DoseCount} doses but the design has {design.DoseCount}", nameof(options));

        // A time-to-event design decides on pending patients itself (TiteConduct); the replay and the
        // counts below are of the complete patients.
        TiteAdvice? tite = null;
        var all = data;
        if (TiteConduct.IsTimeToEvent(design) && data.HasPending)
        {
            tite = TiteConduct.Decide(design, data, options.DltWindowDays, options.Final);
            data = new TrialData(data.Patients.Where(p => !p.Pending).ToList(),
                data.Cohorts?.Select(c => c with { Patients = c.Patients.Where(p => !p.Pending).ToList() }).Where(c => c.Size > 0).ToList());
        }
        // A time-to-event design enrols while outcomes are pending, so the complete-outcome replay
        // cannot tell its cohorts from deviations: they are listed, never refused (noted below).
        var replay = TrialReplay.Run(design, data, options.AllowDeviations || tite is not null);
        var state = replay.State;
        var decision = replay.Next;
        var reason = DecisionExplainer.Explain(design, state, decision);

        var doses = new DoseSummary[design.DoseCount];
        // The design itself, not through trial-level rules: a rule (a safety stop) can close doses the
        // design has not, so the inner design's marks would not be the trial's.
        Span<bool> eliminated = stackalloc bool[design.DoseCount];
        if (design is IEliminatesDoses closes && !state.IsStart) closes.Eliminated(state, eliminated);
        if (!(options.CredibleLevel > 0 && options.CredibleLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.CredibleLevel, "credible level must be in (0, 1)");
        // The bare design only, as for the marks: next shows the CRM's fit when no trial-level rule wraps it.
        var fit = design is IModelFit model ? model.Fit(replay.Patients, replay.Dlts, options.CredibleLevel) : null;
        for (int d = 0; d < doses.Length; d++)
            doses[d] = new DoseSummary(d, replay.Patients[d], replay.Dlts[d])
            {
                Eliminated = eliminated[d], Crm = fit?.Doses[d], Responses = design.ReadsResponses ? replay.Responses[d] : null,
            };

        var notes = new List<string>();
        if (replay.Deviations.Count > 0)
            notes.Add($"deviations occurred: {replay.Deviations.Count} cohort(s) differ from what the design asked for; the counts follow the data");
        if (replay.Pending.Count > 0 && replay.Remaining > 0)
            notes.Add($"a cohort is in progress: {replay.Pending.Count} of {decision.CohortSize} treated at dose {decision.Level + 1} ({replay.Pending.Count(p => p.Dlt)} with a DLT so far); {replay.Remaining} more before the design decides again");
        else if (replay.Pending.Count > 0)
            notes.Add($"the cohort at dose {decision.Level + 1} is in its DLT window: {replay.Pending.Count(p => p.Pending)} of its {replay.Pending.Count} patients pending ({replay.Pending.Count(p => p.Dlt)} with a DLT so far); the design decides when their outcomes are known");
        if (data.HasBackfill || data.HasPending)
            notes.Add($"{data.Patients.Count(p => p.Backfill)} backfilled and {data.Patients.Count(p => p.Pending)} pending patients: a backfilled patient's known outcome counts in every escalation decision after its row; pending patients count once their outcome is known");
        if (tite is not null)
            notes.Add($"{all.Patients.Count(p => p.Pending)} pending patient(s) enter {design.Name}'s decision with their follow-up; the replay, the counts and the pathways are of the complete patients (pathways are not listed: the next decision depends on when the pending patients' windows close)"
                + (replay.Deviations.Count > 0 && !options.AllowDeviations ? "; the complete-outcome replay's deviations are listed, not refused, as the design enrols before outcomes are known" : ""));
        else if (data.HasTimeToEvent && TiteConduct.IsTimeToEvent(design))
            notes.Add($"no patient is pending: {design.Name} decides on complete outcomes, so days_followed and dlt_day do not change its decision");
        else if (data.HasTimeToEvent)
            notes.Add("days_followed and dlt_day were read but not used: this design counts each patient's DLT outcome as complete (no time-to-event design is implemented)");

        // A cohort's outcomes are DLTs and responses for a design that reads responses: its pathways are not listed.
        if (design.ReadsResponses && !replay.Stopped)
            notes.Add($"pathways are not listed for {design.Name}: its next decisions depend on responses as well as DLTs");
        var backfill = design.TryGet<IBackfillDesign>();
        if (backfill is not null && !replay.Stopped)
            notes.Add($"pathways are not listed for {design.Name}: its next decisions depend on the backfilled patients' outcomes too");
        bool noPathways = tite is not null || replay.Stopped || design.ReadsResponses || backfill is not null || replay.Remaining == 0 && replay.Pending.Count > 0;
        var pathways = noPathways ? [] : Pathways(design, replay, options.Scenario, options.CohortsAhead);
        FinalMtd? final = replay.Stopped || options.Final ? Final(design, replay, reason, options.Final && !replay.Stopped, options.Target) : null;
        return new ConductResult(design, replay, decision, reason, doses, pathways, options.Scenario, final, notes)
        {
            CredibleLevel = options.CredibleLevel,
            Tite = tite,
            Backfill = backfill is null || replay.Stopped ? null : Backfilling(backfill, data, replay),
        };
    }

    /// <summary>
    /// Where a patient who can be enrolled now goes, by the design's backfill rule on today's data:
    /// every patient whose outcome is known (a DLT, or a window completed), escalation and backfill
    /// alike, with the responses read so far; while the escalation cohort in progress is observed,
    /// or, when the design has just decided, while the next cohort is.
    /// </summary>
    private static BackfillAdvice Backfilling(IBackfillDesign design, TrialData data, TrialReplay replay)
    {
        int k = design.DoseCount;
        var treated = new int[k];
        var known = new int[k];
        var knownDlts = new int[k];
        var responses = new int[k];
        foreach (var p in data.Patients)
        {
            treated[p.Level]++;
            if (!p.Pending) known[p.Level]++;
            if (p.Dlt) knownDlts[p.Level]++;
            if (p.Response == true) responses[p.Level]++;
        }
        bool observed = replay.Pending.Count > 0;
        bool enrolling = observed && replay.Remaining > 0;
        int escalation = replay.Next.Level;
        var state = new TrialState(known, knownDlts, escalation, -1, replay.TotalPatients);
        var statuses = design.Statuses(state, treated, responses, escalation);
        var doses = statuses.Select((status, b) => new BackfillDose(b, treated[b], known[b], knownDlts[b], responses[b], status)).ToList();
        int level = enrolling ? -1 : design.BackfillLevel(state, treated, responses, escalation);
        return new BackfillAdvice(escalation, observed, enrolling, level, doses);
    }

    private static FinalMtd Final(IDesign design, TrialReplay replay, DecisionReason reason, bool early, double? optionTarget)
    {
        var state = replay.State;
        double target = design.TryGet<ITargeted>()?.Target ?? optionTarget ?? 0.30;
        var estimates = SelectMtdEstimates.Compute(target, replay.Patients, replay.Dlts);
        int selected;
        string rule;
        var selection = design.TryGet<IFinalSelection>();
        if (!early)
        {
            selected = replay.Next.Level;
            rule = "the design's own selection at its stop";
        }
        else if (state.IsStart)
            (selected, rule) = (Decision.NoDose, "no patients: nothing to select");
        else if (selection is null)
            (selected, rule) = (Decision.NoDose, "this design has no selection rule before it stops");
        else
            // Under trial-level rules the rules' selection (a safety stop caps it), which asks the design's.
            (selected, rule) = (design is Designs.Rules.DesignRule ? Designs.Rules.DesignRule.SelectOf(design, state) : selection.SelectFinal(state),
                selection.SelectionRule);
        string why = early
            ? $"final analysis requested before the design stopped (it would {DecisionExplainer.Verb(replay.Next)} next)"
            : reason.Text;
        return new FinalMtd(selected, why, rule, target, estimates);
    }

    /// <summary>Every outcome of the next cohorts from the replay's state (for a cohort in progress, of its remaining patients).</summary>
    private static List<Pathway> Pathways(IDesign design, TrialReplay replay, Scenario? scenario, int ahead)
    {
        int k = design.DoseCount;
        var patients = replay.Patients.ToArray();
        var dlts = replay.Dlts.ToArray();
        var result = new List<Pathway>();
        var path = new List<(int, int, int)>();
        int pendingDlts = replay.Pending.Count(p => p.Dlt);

        void Walk(Decision next, int total, double? probability, int alreadyTreated, int alreadyDlts)
        {
            if (next.IsStop || path.Count == ahead)
            {
                if (result.Count == MaxPathways)
                    throw new ResourceLimitException($"--cohorts-ahead {ahead}: more than {MaxPathways:N0} pathways (cohorts of up to {design.MaxCohortSize}); look fewer cohorts ahead");
                result.Add(new Pathway(path.ToArray(), probability, next));
                return;
            }
            int size = next.CohortSize, todo = size - alreadyTreated;
            for (int j = 0; j <= todo; j++)
            {
                int x = alreadyDlts + j;
                double? p = scenario is null ? null : probability * Binomial.PMF(scenario.Dlt[next.Level], todo, j);
                // Counts of the pending patients are not in the state yet: the cohort enters whole.
                patients[next.Level] += size;
                dlts[next.Level] += x;
                path.Add((next.Level, size, x));
                var after = design.Decide(new TrialState(patients, dlts, next.Level, x, total + size));
                Walk(after, total + size, p, 0, 0);
                path.RemoveAt(path.Count - 1);
                patients[next.Level] -= size;
                dlts[next.Level] -= x;
            }
        }
        Walk(replay.Next, replay.TotalPatients, scenario is null ? null : 1.0,
            replay.Pending.Count, pendingDlts);
        return result;
    }
}
