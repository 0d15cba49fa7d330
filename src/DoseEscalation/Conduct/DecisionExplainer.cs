using System.Globalization;
using DoseEscalation.Designs;

namespace DoseEscalation.Conduct;

/// <summary>A number the rule used, named in snake_case (for JSON) with a label in words.</summary>
public sealed record RuleQuantity(string Name, string Label, double Value);

/// <summary>Why a design decided what it did: the reason in words and the quantities it used.</summary>
public sealed record DecisionReason(string Text, IReadOnlyList<RuleQuantity> Quantities);

/// <summary>
/// Puts a design's decision at a state into words: for the interval designs the observed rate and
/// the boundaries at this n, for the A+B which branch of its table applied, for the CRM the
/// posterior quantities and the restriction that applied. The decision itself always comes from
/// <see cref="IDesign.Decide"/>; this only explains it.
/// </summary>
public static class DecisionExplainer
{
    public static DecisionReason Explain(IDesign design, in TrialState state, Decision decision)
    {
        // A design inside trial-level rules: explain the inner rule where the rules left its decision alone.
        var (inner, rules) = Designs.Rules.DesignRule.Unwrap(design);
        if (!ReferenceEquals(inner, design))
        {
            if (!state.IsStart && inner.Decide(state) != decision)
                return new DecisionReason($"a trial-level rule ({string.Join(", ", rules.Select(r => r.GetType().Name))}) overrode the design's own decision: {Verb(decision)}", []);
            design = inner;
        }
        return ExplainBase(design, state, decision);
    }

    private static DecisionReason ExplainBase(IDesign design, in TrialState state, Decision decision) => design switch
    {
        _ when state.IsStart => new DecisionReason(
            $"no patients yet, so the design's start: {Verb(decision)}", []),
        IntervalDesign d => Interval(d, state, decision),
        AplusB d => AplusB(d, state, decision),
        Crm d => Crm(d, state, decision),
        Boin12 d => Boin12(d, state, decision),
        Backfill d => Backfilled(d, state, decision),
        _ => new DecisionReason($"the design decides: {Verb(decision)}", []),
    };

    // A backfill design: BOIN's own rule where no lower dose's data (backfilled patients included)
    // disagree with the current dose's; otherwise the decision on the data pooled from the
    // conflicting dose up to the current one (docs/designs/bf-boin.md).
    private static DecisionReason Backfilled(Backfill d, in TrialState s, Decision decision)
    {
        int conflict = d.ConflictingDose(s);
        if (d.StaysOn1In3(s) && conflict < 0)
            return new DecisionReason($"1 DLT in 3 at dose {s.CurrentLevel + 1}: the 3+3 form stays ({Verb(decision)})", []);
        if (conflict < 0)
        {
            var inner = Interval(d.Escalation, s, decision);
            return inner with { Text = $"no lower dose's data disagree with dose {s.CurrentLevel + 1}'s, so {d.Escalation.Name.ToUpperInvariant()}'s rule on the counts with backfilled patients: {inner.Text}" };
        }
        int n = 0, x = 0;
        for (int j = conflict; j <= s.CurrentLevel; j++) { n += s.Patients[j]; x += s.Dlts[j]; }
        var e = d.Escalation;
        var q = new List<RuleQuantity>
        {
            new("conflicting_dose", "highest lower dose whose data disagree with the current dose's", conflict + 1),
            new("pooled_patients", $"patients pooled over doses {conflict + 1}-{s.CurrentLevel + 1}", n),
            new("pooled_dlts", $"DLTs pooled over doses {conflict + 1}-{s.CurrentLevel + 1}", x),
            new("pooled_rate", "pooled DLT rate", n > 0 ? (double)x / n : 0),
        };
        return new DecisionReason(
            $"dose {conflict + 1}'s data disagree with dose {s.CurrentLevel + 1}'s, so the decision is on doses {conflict + 1}-{s.CurrentLevel + 1} pooled: {x} DLT(s) in {n} ({e.ActionAt(n, x).ToString().ToLowerInvariant()} by {e.Name.ToUpperInvariant()}'s boundaries): {Verb(decision)}", q);
    }

    // BOIN12: the current dose's DLT rate against BOIN's boundaries, each dose's admissibility and
    // desirability (the utility score the design ranks the candidates d - 1, d, d + 1 by).
    private static DecisionReason Boin12(Boin12 d, in TrialState s, Decision decision)
    {
        var q = new List<RuleQuantity>
        {
            new("lambda_e", "escalation boundary on the DLT rate (lambda_e)", d.LambdaE),
            new("lambda_d", "de-escalation boundary on the DLT rate (lambda_d)", d.LambdaD),
        };
        int level = s.CurrentLevel, n = s.Patients[level], x = s.Dlts[level], r = s.Responses[level];
        q.Add(new("patients_at_dose", $"patients at dose {level + 1}", n));
        q.Add(new("dlts_at_dose", $"DLTs at dose {level + 1}", x));
        q.Add(new("responses_at_dose", $"responses at dose {level + 1}", r));
        Span<bool> eliminated = stackalloc bool[d.DoseCount];
        d.Eliminated(s, eliminated);
        var scores = new List<string>();
        for (int j = Math.Max(0, level - 1); j <= Math.Min(d.DoseCount - 1, level + 1); j++)
        {
            if (eliminated[j]) { scores.Add($"dose {j + 1} eliminated"); continue; }
            double score = d.Desirability(s.Patients[j], s.Dlts[j], s.Responses[j]);
            q.Add(new($"desirability_dose_{j + 1}", $"desirability of dose {j + 1}", score));
            scores.Add($"dose {j + 1} {F(score)}");
        }
        string observed = $"dose {level + 1}: {Dlts(x)} and {r} response{(r == 1 ? "" : "s")} in {n} (DLT rate {F((double)x / n)}; lambda_e {F(d.LambdaE)}, lambda_d {F(d.LambdaD)})";
        string why = decision.IsStop
            ? (decision.Level == Decision.NoDose ? "no admissible dose is left" : "the trial stops; the OBD is the admissible dose with the highest estimated utility")
            : (double)x / n >= d.LambdaD || eliminated[level]
                ? "the DLT rate calls for de-escalation, to the highest admissible dose below"
                : $"desirability (the posterior probability that the dose's utility beats the benchmark {F(d.BenchmarkUtility)}): {string.Join(", ", scores)}";
        return new($"{observed}; {why}: {Verb(decision)}", q);
    }

    /// <summary>"treat 3 at dose 2", "stop and select dose 2", "stop with no dose selected".</summary>
    public static string Verb(Decision d) => d.Kind == DecisionKind.Treat
        ? $"treat {d.CohortSize} at dose {d.Level + 1}"
        : d.Level == Decision.NoDose ? "stop with no dose selected" : $"stop and select dose {d.Level + 1}";

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
    private static string Dlts(int x) => x == 1 ? "1 DLT" : $"{x} DLTs";

    private static DecisionReason Interval(IntervalDesign d, in TrialState s, Decision decision)
    {
        var q = new List<RuleQuantity>();
        if (d is Boin boin)
        {
            q.Add(new("lambda_e", "escalation boundary on the rate (lambda_e)", boin.LambdaE));
            q.Add(new("lambda_d", "de-escalation boundary on the rate (lambda_d)", boin.LambdaD));
        }
        if (s.TotalPatients >= d.MaxN)
            return new($"the maximum sample size of {d.MaxN} is reached; the MTD is the isotonic estimate closest to the target (BOIN's select.mtd): {Verb(decision)}", q);

        int level = s.CurrentLevel, n = s.Patients[level], x = s.Dlts[level];
        double rate = (double)x / n;
        q.Add(new("patients_at_dose", $"patients at dose {level + 1}", n));
        q.Add(new("dlts_at_dose", $"DLTs at dose {level + 1}", x));
        q.Add(new("observed_rate", $"observed DLT rate at dose {level + 1}", rate));
        int? escalateAtMost = null, deescalateAtLeast = null;
        for (int i = 0; i <= n; i++)
        {
            var a = d.ActionAt(n, i);
            if (a == IntervalAction.Escalate) escalateAtMost = i;
            if (a == IntervalAction.Deescalate && deescalateAtLeast is null) deescalateAtLeast = i;
        }
        int? eliminateAtLeast = d.EliminationBoundary(n);
        if (escalateAtMost is { } e) q.Add(new("escalate_at_most", $"escalate if DLTs <= this (n = {n})", e));
        if (deescalateAtLeast is { } de) q.Add(new("deescalate_at_least", $"de-escalate if DLTs >= this (n = {n})", de));
        if (eliminateAtLeast is { } el) q.Add(new("eliminate_at_least", $"eliminate if DLTs >= this (n = {n})", el));
        double above = IntervalDesign.ProbabilityAboveTarget(d.Target, n, x);
        q.Add(new("prob_above_target", $"P(DLT rate of dose {level + 1} > {F(d.Target)}), Beta(1, 1) prior", above));

        string observed = $"{Dlts(x)} in {n} patients at dose {level + 1} (rate {F(rate)})";
        int eliminated = d.LowestEliminated(s);
        if (eliminated == 0)
        {
            double p1 = IntervalDesign.ProbabilityAboveTarget(d.Target, s.Patients[0], s.Dlts[0]);
            return new($"dose 1 is eliminated ({Dlts(s.Dlts[0])} in {s.Patients[0]}: P(rate > {F(d.Target)}) = {F(p1)} > {F(d.CutoffEli)}): {Verb(decision)}", q);
        }
        if (decision.IsStop && d.ExtraSafe && level == 0 && decision.Level == Decision.NoDose)
            return new($"extra-safe rule at dose 1 ({Dlts(x)} in {n}: P(rate > {F(d.Target)}) = {F(above)} > {F(d.CutoffEli)} - {F(d.Offset)}): {Verb(decision)}", q);

        string bounds = $"escalate if DLTs <= {(escalateAtMost is { } ea ? ea.ToString(CultureInfo.InvariantCulture) : "never")}, "
            + $"de-escalate if DLTs >= {(deescalateAtLeast is { } da ? da.ToString(CultureInfo.InvariantCulture) : "never")}"
            + (eliminateAtLeast is { } eb ? $", eliminate if DLTs >= {eb}" : "") + $" at n = {n}";
        var action = d.ActionAt(n, x);
        string verdict = action switch
        {
            IntervalAction.Escalate => "at or below the escalation boundary",
            IntervalAction.Deescalate when eliminateAtLeast is { } el2 && x >= el2 =>
                $"at or above the elimination boundary: dose {level + 1} and every dose above it are eliminated (P(rate > {F(d.Target)}) = {F(above)} > {F(d.CutoffEli)})",
            IntervalAction.Deescalate => "at or above the de-escalation boundary",
            _ => "between the boundaries",
        };
        string move = action switch
        {
            IntervalAction.Escalate when level == d.DoseCount - 1 => $"; dose {level + 1} is the highest dose, so stay",
            IntervalAction.Escalate when level + 1 >= eliminated => $"; dose {level + 2} is eliminated, so stay",
            IntervalAction.Deescalate when level == 0 => "; dose 1 is the lowest dose, so stay",
            _ => "",
        };
        string early = decision.IsStop ? $"; {n} patients at dose {level + 1} reach n_earlystop = {d.NEarlystop}, so the trial stops" : "";
        return new($"{observed} is {verdict} ({bounds}){move}{early}: {Verb(decision)}", q);
    }

    private static DecisionReason AplusB(AplusB d, in TrialState s, Decision decision)
    {
        int level = s.CurrentLevel, n = s.Patients[level], x = s.Dlts[level];
        var q = new List<RuleQuantity>
        {
            new("patients_at_dose", $"patients at dose {level + 1}", n),
            new("dlts_at_dose", $"DLTs at dose {level + 1}", x),
        };
        string observed = $"{Dlts(x)} in {n} patients at dose {level + 1}";
        if (n != d.A && n != d.A + d.B) return new($"{observed}: {Verb(decision)}", q);
        var verdict = d.VerdictAt(n, x);
        string rule = n == d.A
            ? verdict switch
            {
                AplusBVerdict.Passed => $"fewer than C = {d.C} in the first {d.A}, so dose {level + 1} passes",
                AplusBVerdict.NeedsExpansion => $"C = {d.C} <= DLTs <= D = {d.D} in the first {d.A}, so dose {level + 1} needs {d.B} more",
                _ => $"more than D = {d.D} in the first {d.A}, so dose {level + 1} is too toxic",
            }
            : verdict == AplusBVerdict.Passed
                ? $"at most E = {d.E} in {d.A + d.B}, so dose {level + 1} passes"
                : $"more than E = {d.E} in {d.A + d.B}, so dose {level + 1} is too toxic";
        string then = "";
        if (verdict == AplusBVerdict.Passed && decision.Kind == DecisionKind.Treat && decision.Level == level)
            then = level == d.DoseCount - 1
                ? $"; it is the highest dose, so {d.B} more are treated before it can be selected"
                : $"; dose {level + 2} was too toxic, so dose {level + 1} is confirmed on {d.A + d.B}";
        else if (verdict == AplusBVerdict.Passed && decision.IsStop)
            then = $"; no higher dose can be tried, so dose {level + 1} is the MTD";
        else if (verdict == AplusBVerdict.TooToxic)
            then = decision.Kind == DecisionKind.Treat
                ? (s.Patients[decision.Level] == 0 ? $"; dose {decision.Level + 1} below is untried" : $"; dose {decision.Level + 1} below is confirmed on {d.A + d.B}")
                : level == 0 ? "; dose 1 is the lowest dose" : $"; dose {level} below has been confirmed";
        return new($"{observed}: {rule}{then}: {Verb(decision)}", q);
    }

    private static DecisionReason Crm(Crm d, in TrialState s, Decision decision)
    {
        var r = d.RuleQuantities(s);
        double best = d.ToxicityAt(r.Recommended, r.Posterior.BetaMean);
        var q = new List<RuleQuantity>
        {
            new("beta_mean", "posterior mean of beta", r.Posterior.BetaMean),
            new("recommended_dose", "dose closest to the target at the posterior mean", r.Recommended + 1),
            new("recommended_plug_in", "its DLT probability at the posterior mean", best),
            new("prob_first_dose_above_target", $"P(DLT rate of dose 1 > {F(d.Target)} | data)", r.Posterior.ProbFirstDoseAboveTarget),
        };
        if (d.SafetyCutoff is { } cutoff)
        {
            q.Add(new("safety_cutoff", "stop if P(dose 1 above target) exceeds this", cutoff));
            if (r.SafetyStop)
                return new($"P(DLT rate of dose 1 > {F(d.Target)} | data) = {F(r.Posterior.ProbFirstDoseAboveTarget)} > the safety cutoff {F(cutoff)}: {Verb(decision)}", q);
        }
        string estimate = $"at the posterior mean of beta ({F(r.Posterior.BetaMean)}) the model's DLT probability is closest to the target {F(d.Target)} at dose {r.Recommended + 1} ({F(best)})";
        if (r.AtMaxPatients)
            return new($"{estimate}; another cohort of {d.CohortSize} would exceed the maximum of {d.MaxPatients} patients: {Verb(decision)}", q);
        q.Add(new("highest_allowed_dose", "highest dose the next cohort may receive", r.Cap + 1));
        string restriction = r.Recommended <= r.Cap ? ""
            : r.Coherence
                ? $"; the last cohort's DLT rate {s.LastCohortDlts}/{d.CohortSize} reached the target, so no escalation above dose {s.CurrentLevel + 1}"
                : $"; escalation is limited to one level above the last cohort's dose {s.CurrentLevel + 1}";
        return new($"{estimate}{restriction}: {Verb(decision)}", q);
    }
}
