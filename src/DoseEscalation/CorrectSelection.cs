namespace DoseEscalation;

/// <summary>How a selection is judged correct.</summary>
public enum CorrectSelectionRule
{
    /// <summary>The true MTD: the highest dose whose DLT probability is at most the target; "no dose" when every dose is above it.</summary>
    HighestAtOrBelowTarget,
    /// <summary>The dose whose DLT probability is closest to the target (the lower on a tie); "no dose" is never correct.</summary>
    ClosestToTarget,
    /// <summary>Any dose with DLT probability in [target - d1, target + d2]; when none is, "no dose" if dose 1 is above the window.</summary>
    Window,
}

/// <summary>
/// What counts as a correct selection, used by every summary (P(correct selection), paired
/// differences) and by the benchmark alike. The default is today's: the highest dose at or below
/// the target. The BOIN and Keyboard papers report the acceptable window [target - 0.05, target + 0.05].
/// </summary>
public sealed record CorrectSelection(CorrectSelectionRule Rule, double Below = 0, double Above = 0)
{
    public static CorrectSelection HighestAtOrBelowTarget { get; } = new(CorrectSelectionRule.HighestAtOrBelowTarget);
    public static CorrectSelection ClosestToTarget { get; } = new(CorrectSelectionRule.ClosestToTarget);
    public static CorrectSelection Window(double below, double above) => new(CorrectSelectionRule.Window, below, above);

    /// <summary>
    /// Which outcomes are correct: entry 0 is "no dose selected", entry d+1 is dose d, for the DLT
    /// probabilities of <paramref name="scenario"/> and <paramref name="target"/>.
    /// </summary>
    public bool[] CorrectOutcomes(Scenario scenario, double target)
    {
        int k = scenario.DoseCount;
        var correct = new bool[k + 1];
        switch (Rule)
        {
            case CorrectSelectionRule.HighestAtOrBelowTarget:
                correct[scenario.TrueMtdLevel(target) + 1] = true;
                break;
            case CorrectSelectionRule.ClosestToTarget:
                int best = 0;
                for (int d = 1; d < k; d++)
                    if (Math.Abs(scenario.Dlt[d] - target) < Math.Abs(scenario.Dlt[best] - target)) best = d;
                correct[best + 1] = true;
                break;
            default:
                bool any = false;
                for (int d = 0; d < k; d++)
                    if (scenario.Dlt[d] >= target - Below - 1e-12 && scenario.Dlt[d] <= target + Above + 1e-12) correct[d + 1] = any = true;
                if (!any && scenario.Dlt[0] > target + Above) correct[0] = true;
                break;
        }
        return correct;
    }

    /// <summary>
    /// P(correct selection) from the selection probabilities (entry 0 = no dose): the sum over the
    /// outcomes this rule calls correct. The outcomes are disjoint, so a Monte Carlo estimate
    /// (<paramref name="trials"/> &gt; 0) is a proportion with the binomial standard error; exact has none.
    /// </summary>
    public Estimate Probability(IReadOnlyList<Estimate> selection, Scenario scenario, double target, long trials)
    {
        var correct = CorrectOutcomes(scenario, target);
        double p = 0;
        for (int i = 0; i < correct.Length; i++) if (correct[i]) p += selection[i].Value;
        return new(p, trials == 0 ? 0 : Math.Sqrt(Math.Max(0, p * (1 - p)) / trials));
    }

    /// <summary>The definition in words, for headers and captions.</summary>
    public string Describe() => Rule switch
    {
        CorrectSelectionRule.HighestAtOrBelowTarget => "the highest dose with DLT probability at or below the target",
        CorrectSelectionRule.ClosestToTarget => "the dose with DLT probability closest to the target",
        _ => FormattableString.Invariant($"any dose with DLT probability in [target - {Below}, target + {Above}]"),
    };

    /// <summary>The scenario-file and CLI spelling.</summary>
    public string Key => Rule switch
    {
        CorrectSelectionRule.HighestAtOrBelowTarget => "highest-at-or-below-target",
        CorrectSelectionRule.ClosestToTarget => "closest-to-target",
        _ => "window",
    };

    public static IReadOnlyList<string> Keys { get; } = ["highest-at-or-below-target", "closest-to-target", "window"];
}
