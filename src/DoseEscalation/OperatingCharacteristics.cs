using System.Numerics;
using DoseEscalation.Engines;

namespace DoseEscalation;

/// <summary>An estimate with its standard error (0 for exact values).</summary>
public readonly record struct Estimate(double Value, double Se)
{
    /// <summary>Lower end of the normal-approximation 95% interval.</summary>
    public double Lower => Value - 1.959963984540054 * Se;
    /// <summary>Upper end of the normal-approximation 95% interval.</summary>
    public double Upper => Value + 1.959963984540054 * Se;
}

/// <summary>
/// The operating characteristics of one design under one scenario. Monte Carlo and exact engines
/// return this same type; exact results have <see cref="Trials"/> = 0 and standard errors 0.
/// Levels are 0-based in arrays: <see cref="Selection"/>[0] is "no dose", [d] is dose d.
/// </summary>
public sealed record OperatingCharacteristics
{
    public required string Design { get; init; }
    public required string DesignDescription { get; init; }
    public required Scenario Scenario { get; init; }
    public required double Target { get; init; }
    /// <summary>"monte-carlo" or "exact".</summary>
    public required string Engine { get; init; }
    /// <summary>Simulated trials; 0 for exact.</summary>
    public long Trials { get; init; }
    public ulong? Seed { get; init; }
    /// <summary>Sum of terminal probabilities (exact); 1 for Monte Carlo.</summary>
    public double TotalProbability { get; init; } = 1;
    /// <summary>Distinct trial states enumerated (exact); 0 otherwise.</summary>
    public int StateCount { get; init; }

    public required int TrueMtdLevel { get; init; }
    /// <summary>P(select), K+1 entries: [0] = no dose selected, [d] = dose d.</summary>
    public required Estimate[] Selection { get; init; }
    public required Estimate[] MeanPatients { get; init; }
    public required Estimate[] MeanDlts { get; init; }
    public required Estimate MeanN { get; init; }
    public required Estimate MeanTotalDlts { get; init; }
    /// <summary>P(N = n) for n = 0..max N.</summary>
    public required double[] NDistribution { get; init; }
    /// <summary>P(total DLTs = x) for x = 0..max N.</summary>
    public required double[] DltTotalDistribution { get; init; }
    /// <summary>P(the highest dose was selected as safe).</summary>
    public required Estimate TopDoseCleared { get; init; }
    public required Estimate CorrectSelection { get; init; }
    public required Estimate SelectAboveMtd { get; init; }
    public required Estimate SelectBelowMtd { get; init; }
    /// <summary>
    /// P(the selected MTD is a dose at which no patient was treated): a model-based selection (the
    /// CRM's default, dfcrm's) can select a dose nobody received. 0 for a design that selects among
    /// treated doses only (counted, not assumed).
    /// </summary>
    public required Estimate SelectUntried { get; init; }
    /// <summary>Mean share of patients treated above the true MTD, E[above]/E[N] (ratio of means).</summary>
    public required Estimate ShareAboveMtd { get; init; }
    /// <summary>Mean share of patients treated at the true MTD, E[at]/E[N].</summary>
    public required Estimate ShareAtMtd { get; init; }
    /// <summary>P(at least one patient treated above the true MTD).</summary>
    public required Estimate AnyPatientAboveMtd { get; init; }
    /// <summary>P(at least 60% of patients treated above the true MTD).</summary>
    public required Estimate AtLeast60PctAboveMtd { get; init; }

    public int DoseCount => MeanPatients.Length;

    /// <summary>Responses, when the scenario has response probabilities (else null).</summary>
    public EfficacySummary? Efficacy { get; init; }

    /// <summary>The true OBD, P(select it) and the utility of the selected dose, when the scenario has response probabilities (else null).</summary>
    public DoseOptimisationSummary? DoseOptimisation { get; init; }

    /// <summary>
    /// These OCs with P(correct selection) under <paramref name="rule"/>: the sum of the selection
    /// probabilities of the outcomes the rule calls correct (disjoint outcomes, so a Monte Carlo
    /// estimate is a proportion with the usual standard error).
    /// </summary>
    public OperatingCharacteristics WithCorrectSelection(CorrectSelection rule)
    {
        if (rule.Rule == CorrectSelectionRule.HighestAtOrBelowTarget) return this;
        return this with { CorrectSelection = rule.Probability(Selection, Scenario, Target, Trials) };
    }

    /// <summary>P(N &lt;= n).</summary>
    public double NCumulative(int n) => Numerics.DiscreteDistribution.Cumulative(NDistribution, n);

    /// <summary>Smallest n with P(N &lt;= n) &gt;= q.</summary>
    public int NQuantile(double q) => Numerics.DiscreteDistribution.Quantile(NDistribution, q);

    /// <summary>Builds the result from a tally. <paramref name="trials"/> = 0 marks exact (weights are probabilities).</summary>
    public static OperatingCharacteristics FromTally<T>(OcTally<T> tally, IDesign design, Scenario scenario, double target,
        string engine, long trials, ulong? seed) where T : INumber<T>
    {
        double w = double.CreateTruncating(tally.Weight);
        bool exact = trials == 0;
        double Mean(T sum) => double.CreateTruncating(sum) / w;
        // Standard error of a mean from the sums of x and x^2 (sample variance, T-1).
        Estimate MeanEstimate(T sum, T sq)
        {
            double m = Mean(sum);
            if (exact || trials < 2) return new(m, 0);
            double var = Math.Max(0, (double.CreateTruncating(sq) / w - m * m) * trials / (trials - 1.0));
            return new(m, Math.Sqrt(var / trials));
        }
        Estimate Proportion(T count)
        {
            double p = Mean(count);
            return exact ? new(p, 0) : new(p, Math.Sqrt(Math.Max(0, p * (1 - p)) / trials));
        }
        // Ratio of means E[A]/E[N] with its delta-method standard error.
        Estimate Ratio(T aSum, T aSq, T aTimesN)
        {
            double ea = Mean(aSum), en = Mean(tally.PatientsSum.Aggregate(T.Zero, (s, v) => s + v));
            double r = ea / en;
            if (exact) return new(r, 0);
            double va = double.CreateTruncating(aSq) / w - ea * ea;
            double vn = double.CreateTruncating(tally.NSq) / w - en * en;
            double cov = double.CreateTruncating(aTimesN) / w - ea * en;
            double v = Math.Max(0, va - 2 * r * cov + r * r * vn) / (en * en);
            return new(r, Math.Sqrt(v / trials));
        }

        int k = tally.DoseCount;
        int mtd = tally.TrueMtdLevel;
        var selection = tally.Selection.Select(Proportion).ToArray();
        T above = T.Zero, below = T.Zero;
        for (int d = 0; d < k; d++)
        {
            if (d > mtd) above += tally.Selection[d + 1];
            else if (d < mtd) below += tally.Selection[d + 1];
        }
        if (mtd >= 0) below += tally.Selection[0]; // selecting nothing when a dose was safe is selecting too low

        double nSum = 0, nSq = 0;
        for (int n = 0; n < tally.NDistribution.Length; n++) { double p = double.CreateTruncating(tally.NDistribution[n]); nSum += p * n; nSq += p * n * n; }
        double xSum = 0, xSq = 0;
        for (int n = 0; n < tally.DltTotalDistribution.Length; n++) { double p = double.CreateTruncating(tally.DltTotalDistribution[n]); xSum += p * n; xSq += p * n * n; }

        return new OperatingCharacteristics
        {
            Design = design.Name,
            DesignDescription = design.Describe(),
            Scenario = scenario,
            Target = target,
            Engine = engine,
            Trials = trials,
            Seed = seed,
            TotalProbability = exact ? w : 1,
            TrueMtdLevel = mtd,
            Selection = selection,
            MeanPatients = Enumerable.Range(0, k).Select(d => MeanEstimate(tally.PatientsSum[d], tally.PatientsSq[d])).ToArray(),
            MeanDlts = Enumerable.Range(0, k).Select(d => MeanEstimate(tally.DltsSum[d], tally.DltsSq[d])).ToArray(),
            MeanN = MeanFromDoubles(nSum, nSq, w, trials),
            MeanTotalDlts = MeanFromDoubles(xSum, xSq, w, trials),
            NDistribution = tally.NDistribution.Select(v => double.CreateTruncating(v) / w).ToArray(),
            DltTotalDistribution = tally.DltTotalDistribution.Select(v => double.CreateTruncating(v) / w).ToArray(),
            TopDoseCleared = selection[k],
            CorrectSelection = selection[mtd + 1],
            SelectAboveMtd = Proportion(above),
            SelectBelowMtd = Proportion(below),
            SelectUntried = Proportion(tally.SelectedUntried),
            ShareAboveMtd = Ratio(tally.AboveSum, tally.AboveSq, tally.AboveTimesN),
            ShareAtMtd = Ratio(tally.AtSum, tally.AtSq, tally.AtTimesN),
            AnyPatientAboveMtd = Proportion(tally.AnyAbove),
            AtLeast60PctAboveMtd = Proportion(tally.Above60),
            Efficacy = scenario.Response is { } response && tally.SelectedPatients is not null
                ? EfficacySummary.From(tally, response, exact ? 0 : trials) : null,
            DoseOptimisation = scenario.HasResponse ? DoseOptimisationSummary.From(selection, scenario, target, scenario.Utility, exact ? 0 : trials) : null,
        };
    }

    private static Estimate MeanFromDoubles(double sum, double sq, double w, long trials)
    {
        double m = sum / w;
        if (trials < 2) return new(m, 0);
        double var = Math.Max(0, (sq / w - m * m) * trials / (trials - 1.0));
        return new(m, Math.Sqrt(var / trials));
    }
}

/// <summary>
/// Expected responses (efficacy), with responses independent of DLTs given the dose: a patient at
/// dose d responds with probability r_d. Each quantity is the expectation given the trial's
/// allocation (its Monte Carlo error is that of the allocation alone).
/// </summary>
public sealed record EfficacySummary
{
    /// <summary>Expected responders per dose, r_d E[n_d].</summary>
    public required Estimate[] RespondersPerDose { get; init; }
    /// <summary>Expected responders in the whole trial.</summary>
    public required Estimate TotalResponders { get; init; }
    /// <summary>Expected responders among the patients treated at the dose finally selected (0 when none is).</summary>
    public required Estimate RespondersAtSelected { get; init; }
    /// <summary>[r]: P(at least r responses among the patients treated at the selected dose), r = 0..max N (a trial selecting no dose has none).</summary>
    public required Estimate[] AtLeastResponsesAtSelected { get; init; }

    internal static EfficacySummary From<T>(Engines.OcTally<T> tally, IReadOnlyList<double> response, long trials) where T : INumber<T>
    {
        int k = tally.DoseCount, m = tally.MaxPatients;
        double w = double.CreateTruncating(tally.Weight);
        Estimate Mean(double sum, double sq)
        {
            double mean = sum / w;
            if (trials < 2) return new(mean, 0);
            double var = Math.Max(0, (sq / w - mean * mean) * trials / (trials - 1.0));
            return new(mean, Math.Sqrt(var / trials));
        }
        var perDose = new Estimate[k];
        double totalSum = 0, totalSq = 0;
        for (int d = 0; d < k; d++)
        {
            perDose[d] = Mean(response[d] * double.CreateTruncating(tally.PatientsSum[d]), response[d] * response[d] * double.CreateTruncating(tally.PatientsSq[d]));
            totalSum += response[d] * double.CreateTruncating(tally.PatientsSum[d]);
            for (int e = 0; e < k; e++) totalSq += response[d] * response[e] * double.CreateTruncating(tally.PatientsCross![d * k + e]);
        }
        // At the selected dose: each (dose, n) cell's responders are Binomial(n, r_dose).
        double atSum = 0, atSq = 0;
        var tailSum = new double[m + 1];
        var tailSq = new double[m + 1];
        var pmf = new double[m + 1];
        for (int d = 0; d < k; d++)
            for (int n = 1; n <= m; n++)
            {
                double cell = double.CreateTruncating(tally.SelectedPatients![d * (m + 1) + n]);
                if (cell == 0) continue;
                double mean = n * response[d];
                atSum += cell * mean; atSq += cell * mean * mean;
                for (int x = 0; x <= n; x++) pmf[x] = MathNet.Numerics.Distributions.Binomial.PMF(response[d], n, x);
                double tail = 0;
                for (int r = n; r >= 1; r--)
                {
                    tail += pmf[r];
                    double t = Math.Min(1, tail);
                    tailSum[r] += cell * t; tailSq[r] += cell * t * t;
                }
            }
        var atLeast = new Estimate[m + 1];
        atLeast[0] = new(1, 0);
        for (int r = 1; r <= m; r++) atLeast[r] = Mean(tailSum[r], tailSq[r]);
        return new EfficacySummary
        {
            RespondersPerDose = perDose,
            TotalResponders = Mean(totalSum, totalSq),
            RespondersAtSelected = Mean(atSum, atSq),
            AtLeastResponsesAtSelected = atLeast,
        };
    }
}
