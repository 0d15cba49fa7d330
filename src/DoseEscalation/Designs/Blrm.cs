using DoseEscalation.Numerics;
using static DoseEscalation.ReasonText;
using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Designs;

/// <summary>
/// The bivariate normal prior of the BLRM's parameters (log alpha, log beta).
/// </summary>
/// <param name="MeanLogAlpha">Prior mean of log alpha, the log-odds of a DLT at the reference dose.</param>
/// <param name="MeanLogBeta">Prior mean of log beta, the log of the slope in log dose.</param>
/// <param name="SdLogAlpha">Prior standard deviation of log alpha.</param>
/// <param name="SdLogBeta">Prior standard deviation of log beta.</param>
/// <param name="Correlation">Prior correlation of log alpha and log beta.</param>
public readonly record struct BlrmPrior(double MeanLogAlpha, double MeanLogBeta, double SdLogAlpha, double SdLogBeta, double Correlation)
{
    /// <summary>
    /// OncoBayes2's single-agent example (Neuenschwander et al. 2008 adapted): means (logit 0.5, log 1),
    /// standard deviations (2, 1), no correlation. With the reference dose at the top dose it says
    /// "the top dose's DLT rate is 50% in prior median, with wide uncertainty".
    /// </summary>
    public static BlrmPrior Default { get; } = new(0, 0, 2, 1, 0);
}

/// <summary>One dose under the BLRM posterior: the mean DLT probability and the three interval probabilities.</summary>
/// <param name="Mean">Posterior mean of the DLT probability.</param>
/// <param name="Under">P(p &lt; target_low | data): under-dosing.</param>
/// <param name="Target">P(target_low &lt;= p &lt; target_high | data): the target interval.</param>
/// <param name="Over">P(p &gt;= target_high | data): over-dosing.</param>
public readonly record struct BlrmDoseSummary(double Mean, double Under, double Target, double Over);

/// <summary>What <see cref="Blrm.Decide"/> used at one state (not at the start).</summary>
/// <param name="Doses">Per dose (0-based): posterior mean and interval probabilities.</param>
/// <param name="Cap">Highest level the next cohort may receive (escalation limit and no skipping).</param>
/// <param name="Recommended">The next dose: the highest P(target) among admissible doses up to the cap; -1 if even the lowest dose violates overdose control.</param>
/// <param name="Final">The dose the final selection picks now (highest P(target) among tried admissible doses), or -1.</param>
/// <param name="AtMaxPatients">True if another cohort would exceed the maximum sample size.</param>
/// <param name="TargetStop">True if the target stop (stop_target_prob) selects the recommended dose now.</param>
public sealed record BlrmRuleQuantities(IReadOnlyList<BlrmDoseSummary> Doses, int Cap, int Recommended, int Final, bool AtMaxPatients, bool TargetStop = false);

/// <summary>
/// The Bayesian logistic regression model with escalation with overdose control (Neuenschwander,
/// Branson &amp; Gsponer 2008), as OncoBayes2 and crmPack run it: logit p_d = log alpha + beta log(d / d_ref),
/// beta = exp(log beta), (log alpha, log beta) bivariate normal. After each cohort every dose's
/// posterior probabilities of under-dosing [0, target_low), target [target_low, target_high) and
/// over-dosing [target_high, 1] are computed; a dose is admissible if P(over-dosing) &lt; max_overdose_prob
/// (EWOC). The next cohort receives the admissible dose with the highest P(target) among doses no more
/// than (1 + max_increment) times the last cohort's dose and not above an untried dose. The trial stops
/// with no dose when even the lowest dose is not admissible; at the maximum sample size it selects
/// the tried admissible dose with the highest P(target) (as does the trial-level stop_n_at_dose rule,
/// crmPack's StoppingPatientsNearDose, when the next dose already has enough patients).
/// </summary>
/// <remarks>
/// The posterior is integrated deterministically on the prior's whitened coordinates: a tensor
/// trapezoid rule (spectrally accurate for the smooth, rapidly decaying posterior) for the normaliser
/// and the means; each interval probability is, for every log-beta row, the log-alpha integral up to
/// the point where p_d crosses the cut, taken as the trapezoid sum to the nearest node with its
/// Euler-Maclaurin end corrections (exact derivatives) plus the part cell by Gauss-Legendre on the
/// log posterior's Taylor series about that node. Posteriors
/// are cached per count state (the decision depends on the counts and the last dose only), so the
/// engines' hot loops look them up and allocate nothing once warm. docs/designs/blrm.md has the rules.
/// </remarks>
public sealed class Blrm : IDesign, IFinalSelection, ITargeted, Rules.IToxicityPosterior, IExplainsDecisions
{
    /// <summary>Default P(over-dosing) bound of EWOC (Babb et al. 1998; crmPack's and OncoBayes2's examples).</summary>
    public const double DefaultMaxOverdoseProb = 0.25;
    /// <summary>Default interval bounds (Neuenschwander et al. 2008): under [0, 0.16), target [0.16, 0.33), over [0.33, 1].</summary>
    public const double DefaultTargetLow = 0.16, DefaultTargetHigh = 0.33;
    /// <summary>Largest |prior correlation| accepted; the whitened grid degenerates as it approaches 1.</summary>
    public const double MaxAbsCorrelation = 0.95;
    /// <summary>Most doses a count state of the cache can hold (16 bits per dose in a 256-bit key).</summary>
    private const int CachedDoses = 16;
    /// <summary>Most count states cached; beyond it posteriors are computed afresh (same numbers).</summary>
    private const int MaxCachedStates = 200_000;

    // The grid: GridHalfWidth prior SDs each way in both whitened coordinates, step GridStep. The
    // prior density at the edge is exp(-32) of its peak, below any likelihood ratio the trials here
    // produce; the step is a fraction of the posterior SD of trials of up to a few hundred patients.
    internal const double GridHalfWidth = 8;
    internal const double GridStep = 0.1;
    internal static readonly int Side = (int)Math.Round(2 * GridHalfWidth / GridStep) + 1;

    private readonly double[] _doseValues;
    private readonly double[] _logDose;     // x_d = log(d / d_ref)
    private readonly int _nodeCount;        // Side * Side, padded to a multiple of Vector<double>.Count
    private readonly double[] _logPrior;    // -(z1^2 + z2^2) / 2 per node; -inf on padding
    private readonly double[] _p;           // [dose * nodes + node]: p_d
    private readonly double[] _logP;        // log p_d
    private readonly double[] _log1mP;      // log(1 - p_d)
    private readonly double[] _expLogBeta;  // beta at each row
    private readonly double[] _rowShift;    // log alpha at z1 = 0 for each row (the conditional prior mean)
    private readonly double _alphaScale;    // d(log alpha)/d z1 = sd_a sqrt(1 - rho^2)
    private readonly ConcurrentDictionary<StateKey, double[]> _cache = new();

    public IReadOnlyList<double> DoseValues => _doseValues;
    public double ReferenceDose { get; }
    public BlrmPrior Prior { get; }
    /// <summary>The trial's target DLT rate, for reports (the rule reads the interval bounds).</summary>
    public double Target { get; }
    public double TargetLow { get; }
    public double TargetHigh { get; }
    public double MaxOverdoseProb { get; }
    /// <summary>The next dose is at most (1 + this) times the last cohort's dose; 1 = at most doubling.</summary>
    public double MaxIncrement { get; }
    /// <summary>True if escalation may skip untried doses (still within the increment limit).</summary>
    public bool SkipUntried { get; }
    public int CohortSize { get; }
    public int MaxPatients { get; }
    public int StartLevel { get; }
    /// <summary>
    /// Stop and select the next dose once its P(target) reaches this (crmPack's StoppingTargetProb),
    /// with at least <see cref="StopTargetMinN"/> patients at it and <see cref="StopTargetMinTotal"/>
    /// in the trial; null: off.
    /// </summary>
    public double? StopTargetProb { get; }
    /// <summary>Patients the next dose needs before the target stop can select it (the usual 6 at the MTD).</summary>
    public int StopTargetMinN { get; }
    /// <summary>Patients the trial needs before the target stop can act (crmPack's StoppingMinPatients or StoppingMinCohorts, and-ed).</summary>
    public int StopTargetMinTotal { get; }
    /// <summary>
    /// If no admissible dose up to the cap has P(target) above this, the next cohort takes the highest
    /// admissible dose up to the cap (crmPack's NextBestNCRM: 0.05); null: always the highest P(target).
    /// </summary>
    public double? MinTargetProb { get; }

    public Blrm(IReadOnlyList<double> doseValues, double target, BlrmPrior prior, double? referenceDose = null,
        double targetLow = DefaultTargetLow, double targetHigh = DefaultTargetHigh, double maxOverdoseProb = DefaultMaxOverdoseProb,
        double maxIncrement = 1, bool skipUntried = false, int cohortSize = 3, int maxPatients = 30, int startLevel = 0,
        double? stopTargetProb = null, int stopTargetMinN = 0, int stopTargetMinTotal = 0, double? minTargetProb = null)
    {
        ArgumentNullException.ThrowIfNull(doseValues);
        int k = doseValues.Count;
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(doseValues), k, "need at least one dose level");
        for (int d = 0; d < k; d++)
        {
            if (!(doseValues[d] > 0 && double.IsFinite(doseValues[d])))
                throw new ArgumentOutOfRangeException(nameof(doseValues), doseValues[d], $"dose value of dose {d + 1} must be positive");
            if (d > 0 && !(doseValues[d] > doseValues[d - 1]))
                throw new ArgumentOutOfRangeException(nameof(doseValues), doseValues[d], $"dose values must increase strictly (dose {d + 1} is not above dose {d})");
        }
        double dref = referenceDose ?? doseValues[k - 1];
        if (!(dref > 0 && double.IsFinite(dref))) throw new ArgumentOutOfRangeException(nameof(referenceDose), dref, "reference dose must be positive");
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "target must be in (0, 1)");
        if (!(targetLow > 0 && targetLow < 1)) throw new ArgumentOutOfRangeException(nameof(targetLow), targetLow, "target_low must be in (0, 1)");
        if (!(targetHigh > targetLow && targetHigh < 1)) throw new ArgumentOutOfRangeException(nameof(targetHigh), targetHigh, "target_high must be above target_low and below 1");
        if (!(maxOverdoseProb > 0 && maxOverdoseProb < 1)) throw new ArgumentOutOfRangeException(nameof(maxOverdoseProb), maxOverdoseProb, "max_overdose_prob must be in (0, 1)");
        if (!(maxIncrement > 0 && double.IsFinite(maxIncrement))) throw new ArgumentOutOfRangeException(nameof(maxIncrement), maxIncrement, "max_increment must be positive");
        if (cohortSize < 1) throw new ArgumentOutOfRangeException(nameof(cohortSize), cohortSize, "cohort size must be at least 1");
        if (maxPatients < cohortSize || maxPatients % cohortSize != 0)
            throw new ArgumentOutOfRangeException(nameof(maxPatients), maxPatients, "max N must be a positive multiple of the cohort size");
        if (maxPatients > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(maxPatients), maxPatients, "max N is too large");
        if (startLevel < 0 || startLevel >= k) throw new ArgumentOutOfRangeException(nameof(startLevel), startLevel + 1, "start dose must be one of the dose levels");
        if (stopTargetProb is { } stp && !(stp > 0 && stp < 1)) throw new ArgumentOutOfRangeException(nameof(stopTargetProb), stp, "stop_target_prob must be in (0, 1)");
        if (stopTargetMinN < 0) throw new ArgumentOutOfRangeException(nameof(stopTargetMinN), stopTargetMinN, "stop_target_min_n must be 0 or more");
        if (stopTargetMinTotal < 0) throw new ArgumentOutOfRangeException(nameof(stopTargetMinTotal), stopTargetMinTotal, "stop_target_min_total must be 0 or more");
        if (stopTargetProb is null && (stopTargetMinN != 0 || stopTargetMinTotal != 0))
            throw new ArgumentException("stop_target_min_n and stop_target_min_total apply only with stop_target_prob", nameof(stopTargetMinN));
        if (minTargetProb is { } mtp && !(mtp >= 0 && mtp < 1)) throw new ArgumentOutOfRangeException(nameof(minTargetProb), mtp, "min_target_prob must be in [0, 1)");
        if (!double.IsFinite(prior.MeanLogAlpha)) throw new ArgumentOutOfRangeException("priorMeanLogAlpha", prior.MeanLogAlpha, "must be finite");
        if (!double.IsFinite(prior.MeanLogBeta)) throw new ArgumentOutOfRangeException("priorMeanLogBeta", prior.MeanLogBeta, "must be finite");
        if (!(prior.SdLogAlpha > 0 && prior.SdLogAlpha <= 10)) throw new ArgumentOutOfRangeException("priorSdLogAlpha", prior.SdLogAlpha, "must be in (0, 10]");
        if (!(prior.SdLogBeta > 0 && prior.SdLogBeta <= 5)) throw new ArgumentOutOfRangeException("priorSdLogBeta", prior.SdLogBeta, "must be in (0, 5]");
        if (!(Math.Abs(prior.Correlation) <= MaxAbsCorrelation)) throw new ArgumentOutOfRangeException("priorCorrelation", prior.Correlation, $"must be in [-{MaxAbsCorrelation}, {MaxAbsCorrelation}]");

        _doseValues = doseValues.ToArray();
        (ReferenceDose, Prior, Target, TargetLow, TargetHigh, MaxOverdoseProb) = (dref, prior, target, targetLow, targetHigh, maxOverdoseProb);
        (MaxIncrement, SkipUntried, CohortSize, MaxPatients, StartLevel) = (maxIncrement, skipUntried, cohortSize, maxPatients, startLevel);
        (StopTargetProb, StopTargetMinN, StopTargetMinTotal, MinTargetProb) = (stopTargetProb, stopTargetMinN, stopTargetMinTotal, minTargetProb);
        _logDose = _doseValues.Select(v => Math.Log(v / dref)).ToArray();

        // Whitened coordinates: log beta = m_b + s_b z2; log alpha = m_a + rho s_a z2 + s_a sqrt(1 - rho^2) z1,
        // so (z1, z2) is standard normal and each row (fixed z2) is a line in log alpha.
        int side = Side;
        int width = Vector<double>.Count;
        _nodeCount = (side * side + width - 1) / width * width;
        _logPrior = new double[_nodeCount];
        Array.Fill(_logPrior, double.NegativeInfinity);
        _p = new double[k * _nodeCount];
        _logP = new double[k * _nodeCount];
        _log1mP = new double[k * _nodeCount];
        _expLogBeta = new double[side];
        _rowShift = new double[side];
        _alphaScale = prior.SdLogAlpha * Math.Sqrt(1 - prior.Correlation * prior.Correlation);
        for (int j = 0; j < side; j++)
        {
            double z2 = Coordinate(j);
            _expLogBeta[j] = Math.Exp(prior.MeanLogBeta + prior.SdLogBeta * z2);
            _rowShift[j] = prior.MeanLogAlpha + prior.Correlation * prior.SdLogAlpha * z2;
            for (int i = 0; i < side; i++)
            {
                double z1 = Coordinate(i);
                int node = j * side + i;
                _logPrior[node] = -0.5 * (z1 * z1 + z2 * z2);
                double logAlpha = _rowShift[j] + _alphaScale * z1;
                for (int d = 0; d < k; d++)
                {
                    double eta = logAlpha + _expLogBeta[j] * _logDose[d];
                    double lp = -BinomialLogLikelihood.Softplus(-eta), l1p = -BinomialLogLikelihood.Softplus(eta);
                    _logP[d * _nodeCount + node] = lp;
                    _log1mP[d * _nodeCount + node] = l1p;
                    _p[d * _nodeCount + node] = Math.Exp(lp);
                }
            }
        }
    }

    private static double Coordinate(int index) => -GridHalfWidth + index * GridStep;

    public string Name => "blrm";
    public int DoseCount => _doseValues.Length;
    public int MaxCohortSize => CohortSize;
    public bool ReadsLastCohort => false;

    public Decision Decide(in TrialState s)
    {
        if (s.IsStart) return Decision.Treat(StartLevel, CohortSize);
        int k = DoseCount;
        Span<double> scratch = stackalloc double[4 * k]; // used only when the state is not cached
        var post = Summaries(s.Patients, s.Dlts, scratch);
        int next = Recommend(post, Cap(s), s.Patients);
        if (next < 0) return Decision.StopNoDose;
        if (TargetStop(post, next, s)) return Decision.Select(next);
        if (s.TotalPatients + CohortSize > MaxPatients) return Decision.Select(FinalFrom(post, s.Patients));
        return Decision.Treat(next, CohortSize);
    }

    // The target stop (off unless stop_target_prob is set): the next dose's P(target) reached the
    // threshold, with enough patients at it and in the trial.
    private bool TargetStop(ReadOnlySpan<double> post, int next, in TrialState s) =>
        StopTargetProb is { } q && post[2 * DoseCount + next] >= q && s.Patients[next] >= StopTargetMinN && s.TotalPatients >= StopTargetMinTotal;

    /// <summary>
    /// The highest level the next cohort may receive: the highest whose dose is at most (1 + max_increment)
    /// times the last cohort's dose (never below the last cohort's level) and, unless skipping is allowed,
    /// at most one above the highest tried level.
    /// </summary>
    public int Cap(in TrialState s)
    {
        int last = s.CurrentLevel;
        double limit = _doseValues[last] * (1 + MaxIncrement) * (1 + 1e-12); // a doubling from 5 to 10 is allowed despite rounding
        int cap = last;
        while (cap + 1 < DoseCount && _doseValues[cap + 1] <= limit) cap++;
        if (!SkipUntried)
        {
            int highestTried = -1;
            for (int d = 0; d < s.Patients.Length; d++) if (s.Patients[d] > 0) highestTried = d;
            cap = Math.Min(cap, Math.Max(highestTried + 1, last));
        }
        return cap;
    }

    // post: [4k] = mean, under, target, over per dose. The admissible dose up to cap with the highest
    // P(target) (the lowest on a tie); -1 if the lowest dose is not admissible (the safety stop).
    private int Recommend(ReadOnlySpan<double> post, int cap, ReadOnlySpan<int> patients)
    {
        int k = DoseCount;
        if (!(post[3 * k] < MaxOverdoseProb)) return -1;
        int best = -1, highest = -1;
        double bestTarget = double.NegativeInfinity;
        for (int d = 0; d <= cap; d++)
        {
            if (!(post[3 * k + d] < MaxOverdoseProb)) continue;
            highest = d;
            double t = post[2 * k + d];
            if (t > bestTarget) (best, bestTarget) = (d, t);
        }
        // crmPack's NextBestNCRM: with no admissible P(target) above the threshold, the highest admissible dose.
        if (MinTargetProb is { } floor && !(bestTarget > floor)) return highest;
        return best;
    }

    // The tried admissible dose with the highest P(target) (the lowest on a tie), or NoDose.
    private int FinalFrom(ReadOnlySpan<double> post, ReadOnlySpan<int> patients)
    {
        int k = DoseCount;
        int best = Decision.NoDose;
        double bestTarget = double.NegativeInfinity;
        for (int d = 0; d < k; d++)
        {
            if (patients[d] == 0 || !(post[3 * k + d] < MaxOverdoseProb)) continue;
            double t = post[2 * k + d];
            if (t > bestTarget) (best, bestTarget) = (d, t);
        }
        return best;
    }

    public string SelectionRule => $"tried dose with the highest posterior probability of a DLT rate in [{F(TargetLow)}, {F(TargetHigh)}) among those with P(DLT rate >= {F(TargetHigh)}) < {F(MaxOverdoseProb)}";

    public int SelectMtd(in TrialState s)
    {
        if (s.IsStart) return Decision.NoDose;
        Span<double> scratch = stackalloc double[4 * DoseCount];
        return FinalFrom(Summaries(s.Patients, s.Dlts, scratch), s.Patients);
    }

    /// <summary>P(p_level &gt; target | data), the trial's target (not the interval bounds), for the trial-level safety stop.</summary>
    public double ProbabilityAboveTarget(in TrialState s, int level) => 1 - ProbabilityBelow(s.Patients, s.Dlts, level, Target);

    /// <summary>Every dose's posterior mean DLT probability and interval probabilities given patients and DLTs per dose.</summary>
    public IReadOnlyList<BlrmDoseSummary> Posterior(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts)
    {
        int k = DoseCount;
        CheckCounts(patients, dlts);
        var post = Summaries(patients, dlts, new double[4 * k]);
        var result = new BlrmDoseSummary[k];
        for (int d = 0; d < k; d++) result[d] = new(post[d], post[k + d], post[2 * k + d], post[3 * k + d]);
        return result;
    }

    /// <summary>P(p_level &lt; cut | data) on the design's grid, for any cut in (0, 1).</summary>
    public double ProbabilityBelow(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, int level, double cut)
    {
        CheckCounts(patients, dlts);
        if (!(cut > 0 && cut < 1)) throw new ArgumentOutOfRangeException(nameof(cut), cut, "cut must be in (0, 1)");
        double[] w = ArrayPool<double>.Shared.Rent(_nodeCount);
        try
        {
            var (total, _) = Weights(patients, dlts, w);
            Span<double> prefix = stackalloc double[Side + 1];
            double below = 0, cutLogit = CrmSkeleton.Logit(cut);
            for (int j = 0; j < Side; j++)
                if (RowPrefix(w, j, prefix, total)) below += RowBelow(w, prefix, j, level, cutLogit, patients, dlts);
            return Math.Clamp(below / total, 0, 1);
        }
        finally { ArrayPool<double>.Shared.Return(w); }
    }

    private void CheckCounts(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts)
    {
        int k = DoseCount;
        if (patients.Length != k || dlts.Length != k) throw new ArgumentException($"need counts for {k} doses");
        for (int d = 0; d < k; d++)
            if (patients[d] < 0 || dlts[d] < 0 || dlts[d] > patients[d]) throw new ArgumentException($"dose {d + 1}: need 0 <= DLTs <= patients");
    }

    /// <summary>The quantities <see cref="Decide"/> uses at <paramref name="s"/> (not the start), for explaining a decision.</summary>
    public BlrmRuleQuantities RuleQuantities(in TrialState s)
    {
        int k = DoseCount;
        var post = Summaries(s.Patients, s.Dlts, new double[4 * k]);
        int cap = Cap(s);
        int next = Recommend(post, cap, s.Patients);
        var doses = new BlrmDoseSummary[k];
        for (int d = 0; d < k; d++) doses[d] = new(post[d], post[k + d], post[2 * k + d], post[3 * k + d]);
        return new BlrmRuleQuantities(doses, cap, next, FinalFrom(post, s.Patients), s.TotalPatients + CohortSize > MaxPatients,
            next >= 0 && TargetStop(post, next, s));
    }

    // The summaries [mean | under | target | over], each k long: from the cache, or computed (and cached
    // when the state fits a key). scratch (4k) is used when the state is not cacheable.
    private ReadOnlySpan<double> Summaries(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, Span<double> scratch)
    {
        if (StateKey.TryMake(patients, dlts, out var key))
        {
            if (_cache.TryGetValue(key, out var hit)) return hit;
            var fresh = new double[4 * DoseCount];
            Compute(patients, dlts, fresh);
            if (_cache.Count < MaxCachedStates) _cache.TryAdd(key, fresh);
            return fresh;
        }
        Compute(patients, dlts, scratch);
        return scratch;
    }

    private void Compute(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, Span<double> output)
    {
        int k = DoseCount;
        double[] w = ArrayPool<double>.Shared.Rent(_nodeCount);
        try
        {
            var (total, _) = Weights(patients, dlts, w);
            int m = _nodeCount;
            double lowLogit = CrmSkeleton.Logit(TargetLow), highLogit = CrmSkeleton.Logit(TargetHigh);
            Span<double> below = stackalloc double[2 * k];
            below.Clear();
            Span<double> prefix = stackalloc double[Side + 1];
            for (int j = 0; j < Side; j++)
            {
                if (!RowPrefix(w, j, prefix, total)) continue;
                for (int d = 0; d < k; d++)
                {
                    below[d] += RowBelow(w, prefix, j, d, lowLogit, patients, dlts);
                    below[k + d] += RowBelow(w, prefix, j, d, highLogit, patients, dlts);
                }
            }
            for (int d = 0; d < k; d++)
            {
                var p = _p.AsSpan(d * m, m);
                int width = Vector<double>.Count;
                var acc = Vector<double>.Zero;
                for (int i = 0; i < m; i += width) acc += new Vector<double>(w.AsSpan(i)) * new Vector<double>(p[i..]);
                output[d] = Vector.Sum(acc) / total;
                double under = Math.Clamp(below[d] / total, 0, 1);
                double belowHigh = Math.Clamp(below[k + d] / total, under, 1);
                output[k + d] = under;
                output[2 * k + d] = belowHigh - under;
                output[3 * k + d] = 1 - belowHigh;
            }
        }
        finally { ArrayPool<double>.Shared.Return(w); }
    }

    // Unnormalised posterior weights at the nodes, exp(log posterior - max); returns their sum and the max.
    private (double Total, double Max) Weights(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, double[] w)
    {
        int m = _nodeCount;
        var logPost = w.AsSpan(0, m);
        _logPrior.CopyTo(logPost);
        for (int d = 0; d < DoseCount; d++)
        {
            int n = patients[d];
            if (n == 0) continue;
            BinomialLogLikelihood.Add(logPost, _logP.AsSpan(d * m, m), dlts[d], _log1mP.AsSpan(d * m, m), n - dlts[d]);
        }
        int width = Vector<double>.Count;
        var vmaxAll = new Vector<double>(double.NegativeInfinity);
        for (int j = 0; j < m; j += width) vmaxAll = Vector.Max(vmaxAll, new Vector<double>(logPost[j..]));
        double max = double.NegativeInfinity;
        for (int i = 0; i < width; i++) max = Math.Max(max, vmaxAll[i]);
        var vmax = new Vector<double>(max);
        var total = Vector<double>.Zero;
        for (int j = 0; j < m; j += width)
        {
            var e = Vector.Exp(new Vector<double>(logPost[j..]) - vmax);
            e.CopyTo(logPost[j..]);
            total += e;
        }
        return (Vector.Sum(total), max);
    }

    // prefix[i] = sum of row j's weights at nodes below i (prefix[Side] = the row's total); false if the
    // row's mass is below 1e-18 of the whole (it cannot move any probability by more than that).
    private static bool RowPrefix(double[] w, int j, Span<double> prefix, double total)
    {
        var row = w.AsSpan(j * Side, Side);
        double acc = 0;
        for (int i = 0; i < Side; i++) { prefix[i] = acc; acc += row[i]; }
        prefix[Side] = acc;
        return acc > 1e-18 * total;
    }

    // 4-point Gauss-Legendre on [0, 1] for the part cell.
    private static ReadOnlySpan<double> PartNodes => [0.0694318442029737124, 0.330009478207571868, 0.669990521792428132, 0.930568155797026288];
    private static ReadOnlySpan<double> PartWeights => [0.173927422568726929, 0.326072577431273071, 0.326072577431273071, 0.173927422568726929];

    /// <summary>
    /// Row j's integral (in node units, as its weights) over log alpha up to where logit p_d = cutLogit.
    /// With i the node nearest that point z* and f the row's density in z1: the trapezoid sum to z_i with
    /// its Euler-Maclaurin end corrections -h f'/12 + h^3 f'''/720 - h^5 f^(5)/30240 (derivatives exact,
    /// from the model's derivatives in log alpha at the node), plus the integral over [z_i, z*] by
    /// 4-point Gauss-Legendre on the fifth-order Taylor series of the log posterior about the node.
    /// The error falls as (h / sd)^6 for a row SD sd.
    /// </summary>
    private double RowBelow(double[] w, ReadOnlySpan<double> prefix, int j, int d, double cutLogit,
        ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts)
    {
        const double h = GridStep;
        // p_d < cut  <=>  log alpha < cutLogit - beta x_d  <=>  z1 < zStar.
        double zStar = (cutLogit - _expLogBeta[j] * _logDose[d] - _rowShift[j]) / _alphaScale;
        double t = (zStar + GridHalfWidth) / h;
        if (!(t > 1)) return 0;
        if (t >= Side - 2) return prefix[Side];
        int i = (int)Math.Round(t);
        int node = j * Side + i;
        double fi = w[node];
        double z1 = Coordinate(i), c = _alphaScale;
        // Derivatives in z1 of the log posterior g at the node: dp/d(eta) = p(1 - p), d(eta)/d(z1) = c.
        double g1 = -z1, g2 = -1, g3 = 0, g4 = 0, g5 = 0;
        double c2 = c * c, c3 = c2 * c, c4 = c3 * c, c5 = c4 * c;
        for (int e = 0; e < DoseCount; e++)
        {
            int n = patients[e];
            if (n == 0) continue;
            double p = _p[e * _nodeCount + node], k1 = p * (1 - p), q = 1 - 2 * p;
            g1 += c * (dlts[e] - n * p);
            g2 -= c2 * n * k1;
            g3 -= c3 * n * k1 * q;
            g4 -= c4 * n * k1 * (1 - 6 * k1);
            g5 -= c5 * n * k1 * q * (1 - 12 * k1);
        }
        // f', f''' and f^(5) of f = exp(g) (complete Bell polynomials in g's derivatives).
        double f1 = fi * g1;
        double f3 = fi * (g3 + 3 * g2 * g1 + g1 * g1 * g1);
        double f5 = fi * (g5 + 5 * g4 * g1 + 10 * g3 * g2 + 10 * g3 * g1 * g1 + 15 * g2 * g2 * g1 + 10 * g2 * g1 * g1 * g1 + g1 * g1 * g1 * g1 * g1);
        double h3 = h * h * h, h5 = h3 * h * h;
        double cum = prefix[i] + 0.5 * fi - h * f1 / 12 + h3 * f3 / 720 - h5 * f5 / 30240;
        // The part cell [z_i, z*] (|z* - z_i| <= h/2): 4-point Gauss-Legendre on f = f_i exp(Taylor
        // series of g to fifth order about the node); the sixth-order remainder is below 1e-8 of f there
        // for the trials here, and no model term is evaluated off the grid.
        double u = zStar - z1, part = 0;
        if (u != 0)
        {
            for (int q = 0; q < 4; q++)
            {
                double v = PartNodes[q] * u;
                part += PartWeights[q] * Math.Exp(v * (g1 + v * (g2 / 2 + v * (g3 / 6 + v * (g4 / 24 + v * g5 / 120)))));
            }
            part *= fi * u / h;
        }
        return cum + part;
    }


    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture,
            $"BLRM (doses [{string.Join(", ", _doseValues.Select(v => v.ToString("0.####", CultureInfo.InvariantCulture)))}], reference {ReferenceDose:0.####}, prior log alpha N({Prior.MeanLogAlpha:0.###}, {Prior.SdLogAlpha:0.###}^2), log beta N({Prior.MeanLogBeta:0.###}, {Prior.SdLogBeta:0.###}^2), correlation {Prior.Correlation:0.###}), ")
        + string.Create(CultureInfo.InvariantCulture,
            $"target interval [{TargetLow}, {TargetHigh}), P(over-dosing) < {MaxOverdoseProb}, increments up to {MaxIncrement * 100:0.#}%, cohort {CohortSize}, max N {MaxPatients}")
        + (SkipUntried ? ", may skip untried doses" : "")
        + (StartLevel > 0 ? $", start at dose {StartLevel + 1}" : "")
        + (StopTargetProb is { } q ? string.Create(CultureInfo.InvariantCulture, $", stop when the next dose has P(target) >= {q} with {StopTargetMinN}+ patients at it and {StopTargetMinTotal}+ in the trial") : "")
        + (MinTargetProb is { } m ? string.Create(CultureInfo.InvariantCulture, $", highest admissible dose when no P(target) exceeds {m}") : "");

    public DecisionReason Explain(in TrialState state, Decision decision)
    {
        var r = RuleQuantities(state);
        var q = new List<RuleQuantity>();
        for (int d = 0; d < DoseCount; d++)
        {
            var p = r.Doses[d];
            q.Add(new($"dose{d + 1}_mean", $"dose {d + 1}: posterior mean DLT probability", p.Mean));
            q.Add(new($"dose{d + 1}_under", $"dose {d + 1}: P(DLT rate < {F(TargetLow)})", p.Under));
            q.Add(new($"dose{d + 1}_target", $"dose {d + 1}: P({F(TargetLow)} <= DLT rate < {F(TargetHigh)})", p.Target));
            q.Add(new($"dose{d + 1}_over", $"dose {d + 1}: P(DLT rate >= {F(TargetHigh)})", p.Over));
        }
        q.Add(new("max_overdose_prob", "a dose is admissible if P(over-dosing) is below this", MaxOverdoseProb));
        q.Add(new("highest_allowed_dose", "highest dose the next cohort may receive", r.Cap + 1));
        if (r.Recommended < 0)
            return new($"P(DLT rate of dose 1 >= {F(TargetHigh)} | data) = {F(r.Doses[0].Over)} is not below {F(MaxOverdoseProb)}: even the lowest dose over-doses; {Verb(decision)}", q);
        q.Add(new("recommended_dose", "admissible dose with the highest P(target) up to the allowed dose", r.Recommended + 1));
        var best = r.Doses[r.Recommended];
        string limit = r.Cap + 1 < DoseCount
            ? $" up to dose {r.Cap + 1} (the escalation limit: at most {F(1 + MaxIncrement)} times dose {state.CurrentLevel + 1}'s value{(SkipUntried ? "" : ", no untried dose skipped")})"
            : "";
        bool fallback = MinTargetProb is { } floor && !(Enumerable.Range(0, r.Cap + 1).Where(d => r.Doses[d].Over < MaxOverdoseProb).Max(d => r.Doses[d].Target) > floor);
        string choice = fallback
            ? $"no admissible dose{limit} has P(target) above {F(MinTargetProb!.Value)}, so dose {r.Recommended + 1}, the highest admissible one (crmPack's NextBestNCRM), with P(target) = {F(best.Target)} and P(over-dosing) = {F(best.Over)}"
            : $"dose {r.Recommended + 1} has the highest P(target) = {F(best.Target)} among the admissible doses (P(over-dosing) < {F(MaxOverdoseProb)}){limit}, with P(over-dosing) = {F(best.Over)}";
        if (StopTargetProb is { } stp)
        {
            q.Add(new("stop_target_prob", "stop and select the next dose when its P(target) reaches this", stp));
            q.Add(new("stop_target_min_n", "patients the next dose needs for that stop", StopTargetMinN));
            q.Add(new("stop_target_min_total", "patients the trial needs for that stop", StopTargetMinTotal));
        }
        if (r.TargetStop)
            return new($"{choice}; its P(target) = {F(best.Target)} reaches {F(StopTargetProb!.Value)} with {state.Patients[r.Recommended]} patients at it (at least {StopTargetMinN}) and {state.TotalPatients} in the trial (at least {StopTargetMinTotal}), so it is the MTD: {Verb(decision)}", q);
        if (r.AtMaxPatients)
            return new($"{choice}; another cohort of {CohortSize} would exceed the maximum of {MaxPatients} patients, so the MTD is the tried admissible dose with the highest P(target): {Verb(decision)}", q);
        return new($"{choice}: {Verb(decision)}", q);
    }

    /// <summary>The BLRM in the design catalog.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "blrm",
        Summary = "Bayesian logistic regression model (two parameters, log dose) with escalation with overdose control, as OncoBayes2 and crmPack run it.",
        References =
        [
            "Neuenschwander B, Branson M, Gsponer T (2008). Critical aspects of the Bayesian approach to phase I cancer trials. Stat Med 27:2420-2439.",
            "Babb J, Rogatko A, Zacks S (1998). Cancer phase I clinical trials: efficient dose escalation with overdose control. Stat Med 17:1103-1120.",
            "Sabanes Bove D, Yeung WY, Palermo G, Jaki T (2019). Model-based dose escalation designs in R with crmPack. J Stat Softw 89(10).",
            "Weber S, Widmer L, Bean A (2025). OncoBayes2: Bayesian logistic regression for oncology dose-escalation trials. R package (CRAN).",
        ],
        Options =
        [
            CommonOptions.Target,
            CommonOptions.CohortSize(3),
            CommonOptions.MaxN(30),
            new() { Key = "dose_values", Kind = OptionKind.Probabilities, Min = 0, MinExclusive = true, ComputedDefault = (c, v) => c.DoseValues ?? Enumerable.Range(1, c.DoseCount).Select(i => (double)i).ToArray(), DefaultText = "the scenario file's dose_values, else 1, 2, ..., K", Doc = "Dose values (any unit), increasing; the model is linear in log(dose / reference_dose)." },
            new() { Key = "reference_dose", Kind = OptionKind.Number, Min = 0, MinExclusive = true, ComputedDefault = (c, v) => v.Probabilities("dose_values") is { Count: > 0 } dv ? dv[^1] : null, DefaultText = "the highest dose value", Doc = "Reference dose d_ref: log alpha is the log-odds of a DLT there." },
            new() { Key = "prior_mean_log_alpha", Kind = OptionKind.Number, Default = 0.0, Min = -20, Max = 20, Doc = "Prior mean of log alpha (OncoBayes2's single-agent example: logit 0.5 = 0)." },
            new() { Key = "prior_mean_log_beta", Kind = OptionKind.Number, Default = 0.0, Min = -10, Max = 10, Doc = "Prior mean of log beta (OncoBayes2's single-agent example: log 1 = 0)." },
            new() { Key = "prior_sd_log_alpha", Kind = OptionKind.Number, Default = 2.0, Min = 0, Max = 10, MinExclusive = true, Doc = "Prior SD of log alpha (OncoBayes2's single-agent example: 2)." },
            new() { Key = "prior_sd_log_beta", Kind = OptionKind.Number, Default = 1.0, Min = 0, Max = 5, MinExclusive = true, Doc = "Prior SD of log beta (OncoBayes2's single-agent example: 1)." },
            new() { Key = "prior_correlation", Kind = OptionKind.Number, Default = 0.0, Min = -MaxAbsCorrelation, Max = MaxAbsCorrelation, Doc = "Prior correlation of log alpha and log beta." },
            new() { Key = "target_low", Kind = OptionKind.Number, Default = DefaultTargetLow, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, Doc = "Lower bound of the target interval [target_low, target_high) (under-dosing below it)." },
            new() { Key = "target_high", Kind = OptionKind.Number, Default = DefaultTargetHigh, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, Doc = "Upper bound of the target interval; over-dosing is a DLT rate at or above it." },
            new() { Key = "max_overdose_prob", Kind = OptionKind.Number, Default = DefaultMaxOverdoseProb, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, Doc = "Escalation with overdose control: a dose is admissible if P(over-dosing) is below this." },
            new() { Key = "max_increment", Kind = OptionKind.Number, Default = 1.0, Min = 0, Max = 1000, MinExclusive = true, Doc = "Largest relative dose increase over the last cohort's dose (1 = at most doubling)." },
            new() { Key = "skip_untried", Kind = OptionKind.Switch, Default = false, Doc = "Allow escalating past an untried dose (within max_increment)." },
            new() { Key = "stop_target_prob", Kind = OptionKind.Number, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, DefaultText = "none (off)", Doc = "Stop and select the next dose once its P(target) reaches this (crmPack's StoppingTargetProb, e.g. 0.5), with stop_target_min_n patients at it." },
            new() { Key = "stop_target_min_n", Kind = OptionKind.Integer, Min = 0, ComputedDefault = (_, v) => v.Has("stop_target_prob") ? 6 : null, DefaultText = "6 (with stop_target_prob)", Doc = "Patients the next dose needs before stop_target_prob can select it (the usual 6 at the MTD; crmPack's StoppingPatientsNearDose with percentage 0)." },
            new() { Key = "stop_target_min_total", Kind = OptionKind.Integer, Min = 0, ComputedDefault = (_, v) => v.Has("stop_target_prob") ? 0 : null, DefaultText = "0 (with stop_target_prob)", Doc = "Patients the trial needs before stop_target_prob can act (crmPack's StoppingMinPatients, or StoppingMinCohorts times the cohort size)." },
            new() { Key = "min_target_prob", Kind = OptionKind.Number, Min = 0, Max = 1, MaxExclusive = true, DefaultText = "none (always the highest P(target))", Doc = "If no admissible dose up to the cap has P(target) above this, treat at the highest admissible dose up to the cap (crmPack's NextBestNCRM: 0.05)." },
        ],
        Check = (c, given, v) =>
            v.Probabilities("dose_values") is { } dv && dv.Count != c.DoseCount ? ("dose_values", $"has {dv.Count} values but there are {c.DoseCount} doses")
            : v.Probabilities("dose_values") is { } inc && Enumerable.Range(1, inc.Count - 1).FirstOrDefault(i => !(inc[i] > inc[i - 1])) is > 0 and var bad ? ("dose_values", $"must increase strictly (dose {bad + 1} is not above dose {bad})")
            : given.Has("dose_values") && c.DoseValues is { } fileValues && !fileValues.SequenceEqual(v.Probabilities("dose_values")!) ? ("dose_values", "differs from the scenario file's dose_values; give them in one place")
            : !(v.Number("target_high") > v.Number("target_low")) ? ("target_high", "must be above target_low")
            : given.Has("stop_target_min_n") && !given.Has("stop_target_prob") ? ("stop_target_min_n", "applies only with stop_target_prob (the target stop is off)")
            : given.Has("stop_target_min_total") && !given.Has("stop_target_prob") ? ("stop_target_min_total", "applies only with stop_target_prob (the target stop is off)")
            : null,
        Build = (c, v) => new Blrm(v.Probabilities("dose_values")!, v.Number("target"),
            new BlrmPrior(v.Number("prior_mean_log_alpha"), v.Number("prior_mean_log_beta"), v.Number("prior_sd_log_alpha"), v.Number("prior_sd_log_beta"), v.Number("prior_correlation")),
            v.Number("reference_dose"), v.Number("target_low"), v.Number("target_high"), v.Number("max_overdose_prob"), v.Number("max_increment"),
            v.Switch("skip_untried"), v.Int("cohort_size"), v.Int("max_n"), 0,
            v.NumberOrNull("stop_target_prob"), v.IntOrNull("stop_target_min_n") ?? 0, v.IntOrNull("stop_target_min_total") ?? 0, v.NumberOrNull("min_target_prob")),
        Prose = (d, context) =>
        [
            "After each cohort, a two-parameter logistic model in log dose (bivariate normal prior on log alpha and log beta) is updated with all patients' outcomes (posterior by deterministic quadrature), "
            + "giving each dose's probabilities of under-dosing, of a DLT rate in the target interval and of over-dosing. "
            + "The next cohort is treated at the dose with the highest probability of the target interval among the doses whose probability of over-dosing is below the overdose-control bound, "
            + "never increasing the dose by more than the allowed increment over the last cohort's dose"
            + (d.TryGet<Blrm>()?.SkipUntried == true ? "." : " and never skipping an untried dose.")
            + (d.TryGet<Blrm>()?.MinTargetProb is { } floor ? string.Create(CultureInfo.InvariantCulture, $" When no such dose has a probability of the target interval above {floor}, the highest of them is taken instead.") : "")
            + " The trial stops with no dose if even the lowest dose fails overdose control. At the maximum sample size the MTD is the tried dose with the highest probability of the target interval among those passing overdose control."
            + (d.TryGet<Blrm>() is { StopTargetProb: { } stp } b ? string.Create(CultureInfo.InvariantCulture, $" The trial also stops, with the next dose as the MTD, once that dose's probability of the target interval reaches {stp} with at least {b.StopTargetMinN} patients treated at it and {b.StopTargetMinTotal} in the trial.") : ""),
        ],
    };

    // Patients and DLTs per dose packed 8 + 8 bits per dose into four 64-bit words (up to 16 doses, 255 patients a dose).
    private readonly record struct StateKey(ulong A, ulong B, ulong C, ulong D)
    {
        public static bool TryMake(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, out StateKey key)
        {
            key = default;
            if (patients.Length > CachedDoses) return false;
            Span<ulong> words = stackalloc ulong[4];
            words.Clear();
            for (int d = 0; d < patients.Length; d++)
            {
                int n = patients[d], x = dlts[d];
                if ((uint)n > 255 || (uint)x > 255) return false;
                words[d >> 2] |= (ulong)((n << 8) | x) << (16 * (d & 3));
            }
            key = new StateKey(words[0], words[1], words[2], words[3]);
            return true;
        }
    }
}
