namespace DoseEscalation.SampleSizing;

/// <summary>
/// Sample-size quantities of one design under one scenario with the protocol model applied:
/// evaluable and enrolled N, toxicity, selection and efficacy. Exact results have
/// <see cref="Trials"/> = 0 and standard errors 0. Levels are 0-based in arrays;
/// <see cref="Selection"/>[0] is "no dose", [d + 1] is level d.
/// </summary>
public sealed record SampleSizeResult
{
    public required Scenario Scenario { get; init; }
    /// <summary>The true MTD level (0-based) at the target; -1 if every dose exceeds it.</summary>
    public required int TrueMtdLevel { get; init; }
    /// <summary>"exact" or "monte-carlo".</summary>
    public required string Engine { get; init; }
    /// <summary>Simulated trials; 0 for exact.</summary>
    public long Trials { get; init; }
    public ulong? Seed { get; init; }

    /// <summary>P(evaluable N = n) for n = 0..<see cref="MaxEvaluable"/>.</summary>
    public required double[] EvaluableDistribution { get; init; }
    /// <summary>P(enrolled N = n) for n = 0..length-1; exact results stop where the NegBin tail drops below 1e-15.</summary>
    public required double[] EnrolledDistribution { get; init; }
    /// <summary>Exact: probability left off the end of <see cref="EnrolledDistribution"/> (at most about 1e-15). Monte Carlo: 0.</summary>
    public double TruncatedMass { get; init; }

    public required Estimate MeanEvaluable { get; init; }
    public required Estimate MeanEnrolled { get; init; }
    /// <summary>Smallest evaluable N the design can produce (exact: over the state graph; Monte Carlo: the smallest seen).</summary>
    public required int MinEvaluable { get; init; }
    /// <summary>Largest evaluable N the design can produce (exact: over the state graph; Monte Carlo: the largest seen).</summary>
    public required int MaxEvaluable { get; init; }
    /// <summary>True when <see cref="MinEvaluable"/> and <see cref="MaxEvaluable"/> come from the state graph, not a sample.</summary>
    public required bool EvaluableRangeIsExact { get; init; }
    /// <summary>Smallest enrolled N the design can produce: no replacements, plus the expansion cohort if that path selects a dose.</summary>
    public required int MinEnrolled { get; init; }
    /// <summary>Largest possible enrolled N; null when it is unbounded (any non-evaluable rate above 0).</summary>
    public required int? MaxEnrolled { get; init; }

    /// <summary>Expected DLTs per trial (non-evaluable patients have none by definition).</summary>
    public required Estimate ExpectedDlts { get; init; }
    /// <summary>P(at least one patient treated above the true MTD).</summary>
    public required Estimate AnyPatientAboveMtd { get; init; }
    /// <summary>P(a dose above the true MTD is selected).</summary>
    public required Estimate SelectAboveMtd { get; init; }
    /// <summary>P(the true MTD is selected; "no dose" when every dose exceeds the target).</summary>
    /// <summary>These results with P(correct selection) under <paramref name="rule"/> (see <see cref="OperatingCharacteristics.WithCorrectSelection"/>).</summary>
    public SampleSizeResult WithCorrectSelection(CorrectSelection rule, double target)
    {
        if (rule.Rule == CorrectSelectionRule.HighestAtOrBelowTarget) return this;
        return this with { CorrectSelection = rule.Probability(Selection, Scenario, target, Trials) };
    }

    public required Estimate CorrectSelection { get; init; }
    /// <summary>P(select), K+1 entries: [0] = no dose selected, [d + 1] = level d.</summary>
    public required Estimate[] Selection { get; init; }
    /// <summary>Mean evaluable patients per level during escalation (expansion not included).</summary>
    public required Estimate[] MeanPatients { get; init; }
    /// <summary>Mean DLTs per level during escalation.</summary>
    public required Estimate[] MeanDlts { get; init; }

    /// <summary>Expected responders per level among evaluable and expansion patients; null without response probabilities.</summary>
    public Estimate[]? ExpectedResponders { get; init; }
    /// <summary>Expected responders at the selected dose (evaluable there + expansion; 0 when none is selected).</summary>
    public Estimate? ExpectedRespondersAtSelected { get; init; }
    /// <summary>P(at least <see cref="MinResponses"/> responses at the selected dose); a trial selecting no dose counts as fewer.</summary>
    public Estimate? AtLeastMinResponses { get; init; }
    /// <summary>The r of <see cref="AtLeastMinResponses"/>.</summary>
    public int? MinResponses { get; init; }

    /// <summary>P(enrolled N &lt;= n), with its binomial standard error for Monte Carlo.</summary>
    public Estimate EnrolledAtMost(int n) => Cumulative(EnrolledDistribution, n);

    /// <summary>P(evaluable N &lt;= n).</summary>
    public Estimate EvaluableAtMost(int n) => Cumulative(EvaluableDistribution, n);

    /// <summary>Smallest n with P(enrolled N &lt;= n) &gt;= <paramref name="p"/>.</summary>
    public int EnrolledQuantile(double p) => Quantile(EnrolledDistribution, p);

    /// <summary>Smallest n with P(evaluable N &lt;= n) &gt;= <paramref name="p"/>.</summary>
    public int EvaluableQuantile(double p) => Quantile(EvaluableDistribution, p);

    private Estimate Cumulative(double[] pmf, int n)
    {
        double s = Numerics.DiscreteDistribution.Cumulative(pmf, n);
        return Trials == 0 ? new(s, 0) : new(s, Math.Sqrt(s * (1 - s) / Trials));
    }

    internal static int Quantile(double[] pmf, double p) => Numerics.DiscreteDistribution.Quantile(pmf, p);
}
