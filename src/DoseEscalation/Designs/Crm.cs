using static DoseEscalation.ReasonText;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Numerics;

namespace DoseEscalation.Designs;

/// <summary>The posterior summaries the CRM decides from.</summary>
/// <param name="BetaMean">Posterior mean of the model parameter beta.</param>
/// <param name="ProbFirstDoseAboveTarget">P(p_1 &gt; target | data), the DLT probability of dose 1 under the model.</param>
public readonly record struct CrmPosterior(double BetaMean, double ProbFirstDoseAboveTarget);

/// <summary>What <see cref="Crm.Decide"/> used at one state.</summary>
/// <param name="Posterior">Posterior mean of beta and P(p_1 &gt; target).</param>
/// <param name="Recommended">The dose closest to the target at the posterior mean (0-based), before any restriction.</param>
/// <param name="SafetyStop">True if P(p_1 &gt; target) exceeded the safety cutoff.</param>
/// <param name="AtMaxPatients">True if another cohort would exceed the maximum sample size: the trial selects <paramref name="Recommended"/>.</param>
/// <param name="Cap">Highest level the next cohort may receive: the last cohort's level, or one above it.</param>
/// <param name="Coherence">True if the cap is the last level because the last cohort's DLT rate reached the target.</param>
public readonly record struct CrmRuleQuantities(CrmPosterior Posterior, int Recommended, bool SafetyStop, bool AtMaxPatients, int Cap, bool Coherence);

/// <summary>One dose's DLT probability under the CRM posterior.</summary>
/// <param name="PlugIn">The model at the posterior mean of beta (what the rule compares with the target).</param>
/// <param name="Mean">Posterior mean of the DLT probability.</param>
/// <param name="Lower">Lower end of the equal-tailed credible interval.</param>
/// <param name="Upper">Upper end of the equal-tailed credible interval.</param>
public readonly record struct CrmDoseEstimate(double PlugIn, double Mean, double Lower, double Upper);

/// <summary>A CRM posterior summarised per dose.</summary>
/// <param name="Posterior">Posterior mean of beta and P(p_1 &gt; target), as the rule uses them.</param>
/// <param name="BetaSd">Posterior standard deviation of beta.</param>
/// <param name="CredibleLevel">The level of the intervals in <paramref name="Doses"/>, e.g. 0.90.</param>
/// <param name="Doses">Per dose, 0-based.</param>
/// <param name="Recommended">The dose closest to the target at the posterior mean (0-based; dfcrm's estimated MTD).</param>
public sealed record CrmFit(CrmPosterior Posterior, double BetaSd, double CredibleLevel, IReadOnlyList<CrmDoseEstimate> Doses, int Recommended);

/// <summary>
/// The continual reassessment method as dfcrm's <c>crmsim</c> runs it (Bayesian, one-parameter
/// working model, normal prior on beta with mean 0). After each cohort: beta is estimated by its
/// posterior mean; the DLT probabilities are the model at that estimate; the recommended dose is
/// the one whose probability is closest to the target. The next cohort is treated at the
/// recommended dose, but never more than one level above the last cohort's dose, and not above it
/// when the last cohort's DLT rate was at least the target. At the maximum sample size the trial
/// selects the (unrestricted) recommended dose. Optionally the trial stops with no dose when
/// P(p_1 &gt; target | data) exceeds a cutoff.
/// </summary>
/// <remarks>
/// O'Quigley, Pepe &amp; Fisher (1990) Biometrics 46:33; Cheung (2011) Dose Finding by the Continual
/// Reassessment Method (Chapman &amp; Hall/CRC), whose R package dfcrm this follows; Lee &amp; Cheung
/// (2009) Clin Trials 6:227 for the calibrated skeleton (<see cref="CrmSkeleton"/>). The posterior
/// is integrated by a composite Gauss-Legendre rule fixed in the constructor, so a decision is a
/// few multiply-adds and exponentials per node and allocates nothing; with no patient pending it is
/// computed once per count state and then looked up (<see cref="CrmPosteriorCache"/>, the same
/// doubles). docs/designs/crm.md has the details and where we differ from dfcrm.
/// </remarks>
public sealed class Crm : IDesign, IFinalSelection, ITargeted, Rules.IToxicityPosterior, IExplainsDecisions, IModelFit
{
    /// <summary>dfcrm's default prior variance of beta.</summary>
    public const double DefaultPriorVariance = 1.34;
    /// <summary>Largest prior variance accepted; it bounds the number of quadrature nodes (and the stack a decision uses).</summary>
    public const double MaxPriorVariance = 25;

    // The rule: Gauss-Legendre of this order on panels no wider than MaxPanelWidth (and no wider than
    // a third of the prior SD) across +-RangeSds prior SDs. Outside that range the prior density is
    // below exp(-50) of its peak, far below any likelihood ratio a trial of tens of patients can produce.
    private const int Order = 8;
    private const double MaxPanelWidth = 0.4;
    private const double RangeSds = 10;

    private readonly double[] _skeleton;
    private readonly double[] _scaledDose;   // empiric: log s_d; logistic: x_d = logit(s_d) - a0
    private readonly int _nodeCount;         // a multiple of Vector<double>.Count (padding nodes have weight 0)
    private readonly double[] _beta;         // node abscissas, ascending
    private readonly double[] _logWeight;    // log(quadrature weight * prior density); -inf on padding
    private readonly double[] _logP;         // [dose * nodes + node]: log p_d(beta_node)
    private readonly double[] _log1mP;       // [dose * nodes + node]: log(1 - p_d(beta_node))
    private readonly int _belowSafetyBoundary; // nodes [0, this) have p_1(beta) > target
    private readonly CrmPosteriorCache? _cache; // posterior per count state (null if the counts do not fit its key)

    public IReadOnlyList<double> Skeleton => _skeleton;
    public double Target { get; }
    public CrmModel Model { get; }
    /// <summary>Intercept a0 of the logistic model (unused by the empiric model).</summary>
    public double Intercept { get; }
    public double PriorVariance { get; }
    public int CohortSize { get; }
    public int MaxPatients { get; }
    public int StartLevel { get; }
    /// <summary>Stop with no dose when P(p_1 &gt; target | data) exceeds this; null = never.</summary>
    public double? SafetyCutoff { get; }
    /// <summary>Quadrature nodes a posterior is computed on.</summary>
    public int NodeCount => _nodeCount;
    /// <summary>How the final selection treats a dose with no patients (option <c>final_selection</c>); <see cref="CrmFinalSelection.Model"/> is dfcrm's.</summary>
    public CrmFinalSelection FinalSelection { get; }

    public Crm(IReadOnlyList<double> skeleton, double target, CrmModel model = CrmModel.Empiric,
        int cohortSize = 3, int maxPatients = 30, int startLevel = 0, double priorVariance = DefaultPriorVariance,
        double? safetyCutoff = null, double intercept = CrmSkeleton.DefaultIntercept,
        CrmFinalSelection finalSelection = CrmFinalSelection.Model)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        int k = skeleton.Count;
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(skeleton), k, "need at least one dose level");
        for (int d = 0; d < k; d++)
        {
            if (!(skeleton[d] > 0 && skeleton[d] < 1))
                throw new ArgumentOutOfRangeException(nameof(skeleton), skeleton[d], $"skeleton value of dose {d + 1} must be in (0, 1)");
            if (d > 0 && !(skeleton[d] > skeleton[d - 1]))
                throw new ArgumentOutOfRangeException(nameof(skeleton), skeleton[d], "skeleton must increase strictly with dose");
        }
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "target must be in (0, 1)");
        if (model is not (CrmModel.Empiric or CrmModel.Logistic)) throw new ArgumentOutOfRangeException(nameof(model), model, "unknown CRM model");
        if (cohortSize < 1) throw new ArgumentOutOfRangeException(nameof(cohortSize), cohortSize, "cohort size must be at least 1");
        if (maxPatients < cohortSize || maxPatients % cohortSize != 0)
            throw new ArgumentOutOfRangeException(nameof(maxPatients), maxPatients, "max N must be a positive multiple of the cohort size (as in dfcrm)");
        if (maxPatients > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(maxPatients), maxPatients, "max N is too large");
        if (startLevel < 0 || startLevel >= k) throw new ArgumentOutOfRangeException(nameof(startLevel), startLevel + 1, "start dose must be one of the dose levels");
        if (!(priorVariance > 0 && priorVariance <= MaxPriorVariance))
            throw new ArgumentOutOfRangeException(nameof(priorVariance), priorVariance, $"prior variance must be in (0, {MaxPriorVariance}]");
        if (safetyCutoff is { } c && !(c > 0 && c < 1)) throw new ArgumentOutOfRangeException(nameof(safetyCutoff), c, "safety cutoff must be in (0, 1)");
        if (!double.IsFinite(intercept)) throw new ArgumentOutOfRangeException(nameof(intercept), intercept, "intercept must be finite");
        if (!Enum.IsDefined(finalSelection)) throw new ArgumentOutOfRangeException(nameof(finalSelection), finalSelection, "final_selection must be model or tried");
        FinalSelection = finalSelection;

        _skeleton = skeleton.ToArray();
        (Target, Model, Intercept, PriorVariance) = (target, model, intercept, priorVariance);
        (CohortSize, MaxPatients, StartLevel, SafetyCutoff) = (cohortSize, maxPatients, startLevel, safetyCutoff);

        _scaledDose = new double[k];
        for (int d = 0; d < k; d++)
            _scaledDose[d] = model == CrmModel.Empiric ? Math.Log(_skeleton[d]) : CrmSkeleton.Logit(_skeleton[d]) - intercept;
        if (model == CrmModel.Logistic && !(_scaledDose[k - 1] < 0))
            throw new ArgumentOutOfRangeException(nameof(intercept), intercept, "intercept is too small: the logistic model needs logit(skeleton) < intercept at every dose");

        // p_1(beta) falls as beta grows, so {p_1 > target} = {beta < boundary}. Making the boundary a
        // panel edge integrates the safety tail as accurately as the mean.
        double boundary = FirstDoseBoundary();
        double sd = Math.Sqrt(priorVariance);
        double range = RangeSds * sd;
        var (nodes, weights) = CompositeGaussLegendre.Build(-range, range, Math.Min(MaxPanelWidth, sd / 3), Order,
            double.IsFinite(boundary) ? [boundary] : []);

        int width = Vector<double>.Count;
        _nodeCount = (nodes.Length + width - 1) / width * width;
        _beta = new double[_nodeCount];
        _logWeight = new double[_nodeCount];
        _logP = new double[k * _nodeCount];
        _log1mP = new double[k * _nodeCount];
        Array.Fill(_logWeight, double.NegativeInfinity);
        for (int j = 0; j < nodes.Length; j++)
        {
            double b = nodes[j];
            _beta[j] = b;
            _logWeight[j] = Math.Log(weights[j]) - b * b / (2 * priorVariance);
            if (b < boundary) _belowSafetyBoundary = j + 1;
            for (int d = 0; d < k; d++)
            {
                var (lp, l1p) = LogProbabilities(d, b);
                _logP[d * _nodeCount + j] = lp;
                _log1mP[d * _nodeCount + j] = l1p;
            }
        }
        _cache = CrmPosteriorCache.For(this);
    }

    private static CrmModel ModelOf(OptionValues v) => v.Choice("model") == "logistic" ? CrmModel.Logistic : CrmModel.Empiric;

    /// <summary>The <c>final_selection</c> option's value.</summary>
    internal static CrmFinalSelection FinalSelectionOf(OptionValues v) =>
        v.Choice("final_selection") == "tried" ? CrmFinalSelection.Tried : CrmFinalSelection.Model;

    /// <summary>The CRM's <c>final_selection</c> option, shared with TITE-CRM.</summary>
    internal static DesignOption FinalSelectionOption { get; } = new()
    {
        Key = "final_selection", Kind = OptionKind.Choice, Default = "model", Choices = ["model", "tried"],
        Doc = "Final MTD: model (dfcrm: the dose closest to the target at the posterior mean, even with no patients) or tried (the highest dose with patients at or below the model's choice).",
    };

    /// <summary>The CRM in the design catalog: a given skeleton, or one calibrated by indifference intervals.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "crm",
        Summary = "The continual reassessment method as dfcrm runs it: one-parameter model, posterior-mean dose closest to the target.",
        References =
        [
            "O'Quigley J, Pepe M, Fisher L (1990). Continual reassessment method: a practical design for phase 1 clinical trials in cancer. Biometrics 46:33-48.",
            "Cheung YK (2011). Dose Finding by the Continual Reassessment Method. Chapman & Hall/CRC (R package dfcrm).",
            "Lee SM, Cheung YK (2009). Model calibration in the continual reassessment method. Clin Trials 6:227-238.",
        ],
        Options =
        [
            CommonOptions.Target,
            CommonOptions.CohortSize(3),
            CommonOptions.MaxN(30),
            new() { Key = "model", Kind = OptionKind.Choice, Default = "empiric", Choices = ["empiric", "logistic"], Aliases = new Dictionary<string, string> { ["power"] = "empiric" }, Doc = "Working model: empiric (power) p = s^exp(beta), or one-parameter logistic." },
            new() { Key = "prior_variance", Kind = OptionKind.Number, Default = DefaultPriorVariance, Min = 0, Max = MaxPriorVariance, MinExclusive = true, Doc = "Prior variance of beta (dfcrm's default 1.34)." },
            new() { Key = "intercept", Kind = OptionKind.Number, Min = -50, Max = 50, ComputedDefault = (c, v) => v.Choice("model") == "logistic" ? CrmSkeleton.DefaultIntercept : null, DefaultText = "3 (logistic model only)", Doc = "Intercept a0 of the logistic model (dfcrm's default 3)." },
            new() { Key = "halfwidth", Kind = OptionKind.Number, Min = 0, Max = 0.5, MinExclusive = true, MaxExclusive = true, ComputedDefault = (c, v) => v.Probabilities("skeleton") is null ? 0.05 : null, DefaultText = "0.05 (when no skeleton is given)", Doc = "Half-width of the indifference interval that calibrates the skeleton (dfcrm's getprior)." },
            new() { Key = "prior_mtd", Kind = OptionKind.Integer, Min = 1, Max = 1000, ComputedDefault = (c, v) => v.Probabilities("skeleton") is null ? (c.DoseCount + 2) / 2 : null, DefaultText = "the middle dose, rounding up (when no skeleton is given)", Doc = "Prior guess of the MTD (1-based) for calibrating the skeleton." },
            FinalSelectionOption,
            new() { Key = "skeleton", Kind = OptionKind.Probabilities, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, ComputedDefault = (c, v) => CrmSkeleton.Calibrate(v.Number("halfwidth"), v.Number("target"), v.Int("prior_mtd"), c.DoseCount, ModelOf(v), v.NumberOrNull("intercept") ?? CrmSkeleton.DefaultIntercept), DefaultText = "calibrated from halfwidth and prior_mtd", Doc = "Prior DLT guesses per dose, increasing." },
        ],
        Check = (c, given, v) =>
            given.Has("skeleton") && (given.Has("halfwidth") || given.Has("prior_mtd")) ? ("skeleton", "give either a skeleton or halfwidth/prior_mtd to calibrate one, not both")
            : v.Probabilities("skeleton") is { } sk && sk.Count != c.DoseCount ? ("skeleton", $"has {sk.Count} values but there are {c.DoseCount} doses")
            : v.IntOrNull("prior_mtd") is { } pm && pm > c.DoseCount ? ("prior_mtd", $"must be one of the dose levels 1..{c.DoseCount}")
            : null,
        Build = (c, v) => new Crm(v.Probabilities("skeleton")!, v.Number("target"), ModelOf(v), v.Int("cohort_size"), v.Int("max_n"), 0,
            v.Number("prior_variance"), null, v.NumberOrNull("intercept") ?? CrmSkeleton.DefaultIntercept, FinalSelectionOf(v)),
        Prose = (d, context) =>
        [
            "After each cohort, the one-parameter dose-toxicity model is updated with all patients' outcomes (posterior by quadrature), and the next cohort is treated at the dose whose estimated DLT rate is closest to the target, "
            + "never skipping an untried dose when escalating and never escalating right after a cohort with a DLT rate at or above the target. "
            + "At the maximum sample size the MTD is the dose whose estimated DLT rate is closest to the target."
            + (d.TryGet<Crm>()?.FinalSelection == CrmFinalSelection.Tried ? " A dose with no patients is not selected (final_selection tried): the MTD is then the highest dose with patients below the model's choice." : ""),
        ],
    };

    public string Name => "crm";
    public int DoseCount => _skeleton.Length;
    public int MaxCohortSize => CohortSize;
    public bool ReadsLastCohort => true;

    public Decision Decide(in TrialState s)
    {
        if (s.IsStart) return Decision.Treat(StartLevel, CohortSize);
        int recommended = Recommended(s.Patients, s.Dlts, out bool safetyStop);
        if (safetyStop) return Decision.StopNoDose;
        if (s.TotalPatients + CohortSize > MaxPatients) return Decision.Select(Final(s.Patients, recommended));
        // dfcrm's restriction: no escalation when the last cohort's DLT rate reached the target
        // (coherence, Cheung 2005), otherwise at most one level above the last cohort's dose.
        int last = s.CurrentLevel;
        int cap = (double)s.LastCohortDlts / CohortSize >= Target ? last : last + 1;
        return Decision.Treat(Math.Min(recommended, cap), CohortSize);
    }

    /// <summary>The unrestricted recommendation at the posterior mean: what the CRM selects if the trial stops now.</summary>
    public string SelectionRule => FinalSelection == CrmFinalSelection.Model
        ? "dose whose DLT probability at the posterior mean is closest to the target (dfcrm)"
        : "highest dose with patients at or below the dose whose DLT probability at the posterior mean is closest to the target";

    public int SelectMtd(in TrialState s)
    {
        return Final(s.Patients, Recommended(s.Patients, s.Dlts, out _));
    }

    /// <summary>
    /// The final selection from the model's choice <paramref name="recommended"/> (0-based): itself
    /// under <see cref="CrmFinalSelection.Model"/> or when it has patients; under
    /// <see cref="CrmFinalSelection.Tried"/> otherwise the highest dose with patients below it (the
    /// lowest dose with patients if none is below; <paramref name="recommended"/> when nobody has been treated).
    /// </summary>
    public int Final(ReadOnlySpan<int> patients, int recommended)
    {
        if (FinalSelection == CrmFinalSelection.Model || patients[recommended] > 0) return recommended;
        for (int d = recommended - 1; d >= 0; d--)
            if (patients[d] > 0) return d;
        for (int d = recommended + 1; d < patients.Length; d++)
            if (patients[d] > 0) return d;
        return recommended;
    }

    /// <summary>
    /// P(p_level &gt; target | data) under the model. For dose 1 it is the tail the safety stop has
    /// always used (integrated with the boundary as a panel edge); for higher doses, the posterior
    /// mass of the quadrature nodes where p_level(beta) exceeds the target.
    /// </summary>
    public double ProbabilityAboveTarget(in TrialState s, int level)
    {
        if (level == 0) return Posterior(s.Patients, s.Dlts).ProbFirstDoseAboveTarget;
        int m = _nodeCount;
        Span<double> logPost = stackalloc double[m];
        _logWeight.CopyTo(logPost);
        for (int d = 0; d < _skeleton.Length; d++)
            if (s.Patients[d] > 0)
                BinomialLogLikelihood.Add(logPost, _logP.AsSpan(d * m, m), s.Dlts[d], _log1mP.AsSpan(d * m, m), s.Patients[d] - s.Dlts[d]);
        double max = double.NegativeInfinity;
        foreach (double v in logPost) max = Math.Max(max, v);
        double total = 0, above = 0;
        for (int j = 0; j < m; j++)
        {
            double w = Math.Exp(logPost[j] - max);
            total += w;
            if (ToxicityAt(level, _beta[j]) > Target) above += w;
        }
        return above / total;
    }

    /// <summary>Posterior mean of beta and P(p_1 &gt; target) given patients and DLTs per level.</summary>
    public CrmPosterior Posterior(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts) => Cached(patients, dlts, out _);

    /// <summary>The posterior with no patient pending, computed anew (what the cache stores; a test holds them equal).</summary>
    internal CrmPosterior Uncached(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts) => Posterior(patients, dlts, default, default);

    /// <summary>Whether the safety stop applies at this posterior: P(p_1 &gt; target | data) above the cutoff.</summary>
    internal bool SafetyStops(CrmPosterior post) => SafetyCutoff is { } cutoff && post.ProbFirstDoseAboveTarget > cutoff;

    // The posterior and the recommendation at its mean, looked up per count state (CrmPosteriorCache): the same doubles as computing them.
    private CrmPosterior Cached(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, out int recommended)
    {
        if (_cache is { } cache) return cache.Posterior(patients, dlts, out recommended);
        var post = Uncached(patients, dlts);
        recommended = Recommend(post.BetaMean);
        return post;
    }

    // What a decision reads: the recommendation at the posterior mean and whether the safety stop applies.
    private int Recommended(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, out bool safetyStop)
    {
        if (_cache is { } cache) return cache.Recommended(patients, dlts, out safetyStop);
        var post = Uncached(patients, dlts);
        safetyStop = SafetyStops(post);
        return Recommend(post.BetaMean);
    }

    /// <summary>The posterior cache, for tests (null if this design's counts do not fit its key).</summary>
    internal CrmPosteriorCache? Cache => _cache;

    /// <summary>
    /// The time-to-event posterior (Cheung &amp; Chappell 2000): besides the patients and DLTs per
    /// level, each pending patient i (level <paramref name="pendingLevels"/>[i], no DLT so far)
    /// contributes the weighted likelihood 1 - w_i p_d(beta), w_i = <paramref name="pendingWeights"/>[i]
    /// in [0, 1]. With no pending patient it is <see cref="Posterior(ReadOnlySpan{int}, ReadOnlySpan{int})"/>, bit for bit.
    /// </summary>
    public CrmPosterior Posterior(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, ReadOnlySpan<int> pendingLevels, ReadOnlySpan<double> pendingWeights)
    {
        int m = _nodeCount;
        // At most a few thousand nodes (the prior variance is capped), so the stack holds them.
        Span<double> logPost = stackalloc double[m];
        _logWeight.CopyTo(logPost);
        for (int d = 0; d < _skeleton.Length; d++)
        {
            int n = patients[d];
            if (n == 0) continue;
            int x = dlts[d];
            BinomialLogLikelihood.Add(logPost, _logP.AsSpan(d * m, m), x, _log1mP.AsSpan(d * m, m), n - x);
        }
        for (int i = 0; i < pendingLevels.Length; i++)
        {
            double w = pendingWeights[i];
            if (w <= 0) continue; // a factor of 1
            var logP = _logP.AsSpan(pendingLevels[i] * m, m);
            for (int j = 0; j < m; j++) logPost[j] += double.LogP1(-w * Math.Exp(logP[j]));
        }
        // m is a multiple of the vector width; the safety tail is the sum over nodes [0, split).
        int width = Vector<double>.Count;
        var vmaxAll = new Vector<double>(double.NegativeInfinity);
        for (int j = 0; j < m; j += width) vmaxAll = Vector.Max(vmaxAll, new Vector<double>(logPost[j..]));
        double max = double.NegativeInfinity;
        for (int i = 0; i < width; i++) max = Math.Max(max, vmaxAll[i]);
        int split = _belowSafetyBoundary;
        var vmax = new Vector<double>(max);
        Vector<double> total = Vector<double>.Zero, first = Vector<double>.Zero;
        double tail = 0;
        for (int j = 0; j < m; j += width)
        {
            var w = ExpOrUnderflow(new Vector<double>(logPost[j..]) - vmax);
            total += w;
            first += w * new Vector<double>(_beta.AsSpan(j));
            if (j < split)
            {
                if (j + width <= split) tail += Vector.Sum(w);
                else for (int i = j; i < split; i++) tail += w[i - j];
            }
        }
        double sum = Vector.Sum(total);
        return new CrmPosterior(Vector.Sum(first) / sum, tail / sum);
    }

    // Below this exp(x) is +0 (it underflows past the smallest subnormal, exp(-745.13)).
    private const double ExpUnderflow = -745.2;

    /// <summary>
    /// <c>Vector.Exp</c>, the same doubles, without the C library's underflow
    /// path. A vector with a lane below exp's range is what Vector.Exp computes lane by lane with
    /// <see cref="Math.Exp"/> (checked lane by lane on .NET 10); so does this, giving +0 directly for a
    /// lane below <see cref="ExpUnderflow"/>, where the library's exp goes through its error handling
    /// (most of a posterior's nodes lie there once a dose has a few dozen patients).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<double> ExpOrUnderflow(Vector<double> x) =>
        Vector.LessThanAny(x, new Vector<double>(ExpUnderflow)) ? ExpLanes(x) : Vector.Exp(x);

    [MethodImpl(MethodImplOptions.NoInlining)]
    [SkipLocalsInit] // every lane is written before it is read
    private static Vector<double> ExpLanes(Vector<double> x)
    {
        Span<double> lanes = stackalloc double[Vector<double>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = x[i] < ExpUnderflow ? 0 : Math.Exp(x[i]);
        return new Vector<double>(lanes);
    }

    /// <summary>
    /// The quantities <see cref="Decide"/> uses at <paramref name="s"/> (not at the start), for
    /// explaining a decision: the posterior, the unrestricted recommendation and the restriction
    /// that applied. Decide does not call this (it stays allocation-free); a test holds them equal.
    /// </summary>
    public CrmRuleQuantities RuleQuantities(in TrialState s)
    {
        var post = Posterior(s.Patients, s.Dlts);
        int recommended = Recommend(post.BetaMean);
        bool safetyStop = SafetyCutoff is { } cutoff && post.ProbFirstDoseAboveTarget > cutoff;
        bool atMax = s.TotalPatients + CohortSize > MaxPatients;
        int last = s.CurrentLevel;
        bool coherent = (double)s.LastCohortDlts / CohortSize >= Target;
        int cap = coherent ? last : last + 1;
        return new CrmRuleQuantities(post, recommended, safetyStop, atMax, cap, coherent);
    }

    /// <summary>
    /// The posterior of every dose's DLT probability on the quadrature of <see cref="Posterior(ReadOnlySpan{int}, ReadOnlySpan{int})"/>:
    /// the plug-in estimate at the posterior mean of beta (what the rule uses), the posterior mean
    /// and the equal-tailed <paramref name="credibleLevel"/> credible interval of P(DLT).
    /// </summary>
    /// <remarks>
    /// Every dose's probability falls as beta grows, so its q-quantile is the model at beta's
    /// (1 - q)-quantile. Beta's posterior CDF at a point is the mass of the design's own panels below
    /// it plus the same Gauss-Legendre rule on the part of its panel below the point, divided by the
    /// normalising constant on the nodes; the quantile is found by bisection to 1e-12.
    /// </remarks>
    public CrmFit Fit(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, double credibleLevel = 0.90)
    {
        if (!(credibleLevel > 0 && credibleLevel < 1)) throw new ArgumentOutOfRangeException(nameof(credibleLevel), credibleLevel, "credible level must be in (0, 1)");
        int k = _skeleton.Length;
        if (patients.Length != k || dlts.Length != k) throw new ArgumentException($"need counts for {k} doses");
        var post = Posterior(patients, dlts);
        int[] n = patients.ToArray(), x = dlts.ToArray();
        double LogDensity(double b)
        {
            double v = -b * b / (2 * PriorVariance);
            for (int d = 0; d < k; d++)
            {
                if (n[d] == 0) continue;
                var (lp, l1p) = LogProbabilities(d, b);
                v += x[d] * lp + (n[d] - x[d]) * l1p;
            }
            return v;
        }
        // Normalise on the design's own nodes, relative to their largest log density.
        var logPost = new double[_nodeCount];
        double max = double.NegativeInfinity;
        for (int j = 0; j < _nodeCount; j++)
        {
            logPost[j] = double.IsNegativeInfinity(_logWeight[j]) ? double.NegativeInfinity : _logWeight[j] + LogDensity(_beta[j]) + _beta[j] * _beta[j] / (2 * PriorVariance);
            max = Math.Max(max, logPost[j]);
        }
        double z = 0, second = 0;
        var weight = new double[_nodeCount];
        for (int j = 0; j < _nodeCount; j++) { weight[j] = Math.Exp(logPost[j] - max); z += weight[j]; }
        for (int j = 0; j < _nodeCount; j++) { weight[j] /= z; second += weight[j] * (_beta[j] - post.BetaMean) * (_beta[j] - post.BetaMean); }

        // The design's panels: every Order consecutive nodes are one Gauss-Legendre panel; its edges
        // follow from its outermost nodes and the unit rule's outermost abscissa.
        var unit = new MathNet.Numerics.Integration.GaussLegendreRule(-1, 1, Order);
        double[] ux = unit.Abscissas, uw = unit.Weights;
        Array.Sort(ux, uw);
        int real = Array.FindLastIndex(_logWeight, w => !double.IsNegativeInfinity(w)) + 1;
        int panels = real / Order;
        var lowerEdge = new double[panels];
        var upperEdge = new double[panels];
        var massBefore = new double[panels + 1];
        for (int g = 0; g < panels; g++)
        {
            double first = _beta[g * Order], lastNode = _beta[g * Order + Order - 1];
            double mid = 0.5 * (first + lastNode), half = (lastNode - first) / (2 * ux[^1]);
            (lowerEdge[g], upperEdge[g]) = (mid - half, mid + half);
            double mass = 0;
            for (int j = g * Order; j < (g + 1) * Order; j++) mass += weight[j];
            massBefore[g + 1] = massBefore[g] + mass;
        }
        // P(beta <= b): whole panels below b from the nodes, plus the same rule on [panel edge, b].
        double Cdf(double b)
        {
            if (b <= lowerEdge[0]) return 0;
            if (b >= upperEdge[^1]) return 1;
            int g = Array.BinarySearch(upperEdge, b);
            g = g >= 0 ? g + 1 : ~g;
            if (g >= panels) return 1;
            double a = lowerEdge[g], h = 0.5 * (b - a), m = 0.5 * (a + b), part = 0;
            for (int i = 0; i < ux.Length; i++) part += h * uw[i] * Math.Exp(LogDensity(m + h * ux[i]) - max);
            return massBefore[g] + part / z;
        }
        double Quantile(double q)
        {
            double lo = lowerEdge[0], hi = upperEdge[^1];
            while (hi - lo > 1e-12)
            {
                double mid = 0.5 * (lo + hi);
                if (Cdf(mid) < q) lo = mid; else hi = mid;
            }
            return 0.5 * (lo + hi);
        }
        double tail = (1 - credibleLevel) / 2;
        double betaLow = Quantile(tail), betaHigh = Quantile(1 - tail);
        var doses = new CrmDoseEstimate[k];
        for (int d = 0; d < k; d++)
        {
            double mean = 0;
            for (int j = 0; j < _nodeCount; j++) mean += weight[j] * Math.Exp(_logP[d * _nodeCount + j]);
            doses[d] = new CrmDoseEstimate(ToxicityAt(d, post.BetaMean), mean, ToxicityAt(d, betaHigh), ToxicityAt(d, betaLow));
        }
        return new CrmFit(post, Math.Sqrt(second), credibleLevel, doses, Recommend(post.BetaMean));
    }

    /// <summary>The model's DLT probability at level <paramref name="level"/> (0-based) for parameter <paramref name="beta"/>.</summary>
    public double ToxicityAt(int level, double beta) => Model == CrmModel.Empiric
        ? Math.Pow(_skeleton[level], Math.Exp(beta))
        : CrmSkeleton.Expit(Intercept + Math.Exp(beta) * _scaledDose[level]);

    /// <summary>
    /// dfcrm's recommendation at a plug-in beta: the top dose if every DLT probability is at most
    /// the target, dose 1 if every one is at least the target, else the closest (lowest on a tie).
    /// </summary>
    public int Recommend(double beta)
    {
        bool allAtMost = true, allAtLeast = true;
        int best = 0;
        double bestDistance = double.PositiveInfinity;
        for (int d = 0; d < _skeleton.Length; d++)
        {
            double p = ToxicityAt(d, beta);
            if (p > Target) allAtMost = false;
            if (p < Target) allAtLeast = false;
            double distance = Math.Abs(p - Target);
            if (distance < bestDistance) (best, bestDistance) = (d, distance);
        }
        return allAtMost ? _skeleton.Length - 1 : allAtLeast ? 0 : best;
    }

    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture,
            $"CRM ({(Model == CrmModel.Empiric ? "empiric" : $"logistic, a0 = {Intercept}")} model, skeleton [{string.Join(", ", _skeleton.Select(v => v.ToString("0.####", CultureInfo.InvariantCulture)))}], prior variance {PriorVariance}), target {Target}, cohort {CohortSize}, max N {MaxPatients}")
        + (FinalSelection == CrmFinalSelection.Tried ? ", final selection among tried doses" : "")
        + (StartLevel > 0 ? $", start at dose {StartLevel + 1}" : "")
        + (SafetyCutoff is { } c ? string.Create(CultureInfo.InvariantCulture, $", stop if P(p1 > target) > {c}") : "");

    // log p_d(beta) and log(1 - p_d(beta)), each accurate when p_d is near 0 or near 1.
    internal (double LogP, double Log1mP) LogProbabilities(int d, double beta)
    {
        if (Model == CrmModel.Empiric)
        {
            double logP = Math.Exp(beta) * _scaledDose[d];
            return (logP, Math.Log(-ExpM1(logP)));
        }
        double eta = Intercept + Math.Exp(beta) * _scaledDose[d];
        return (-BinomialLogLikelihood.Softplus(-eta), -BinomialLogLikelihood.Softplus(eta));
    }

    private double FirstDoseBoundary()
    {
        if (Model == CrmModel.Empiric) return Math.Log(Math.Log(Target) / _scaledDose[0]);
        double gap = CrmSkeleton.Logit(Target) - Intercept; // need exp(beta) x_1 > gap with x_1 < 0
        return gap < 0 ? Math.Log(gap / _scaledDose[0]) : double.NegativeInfinity;
    }

    // exp(x) - 1 without cancellation near 0 (Kahan's trick); .NET's double.ExpM1 is exp(x) - 1.
    private static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1) return x;
        double um1 = u - 1;
        return um1 == -1 ? -1 : um1 * x / Math.Log(u);
    }


    public DecisionReason Explain(in TrialState state, Decision decision) => Why(this, state, decision);

    private static DecisionReason Why(Crm d, in TrialState s, Decision decision)
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
        {
            string untried = d.Final(s.Patients, r.Recommended) == r.Recommended ? ""
                : $"; dose {r.Recommended + 1} has no patients, so the final selection (tried) is the highest dose with patients below it";
            return new($"{estimate}; another cohort of {d.CohortSize} would exceed the maximum of {d.MaxPatients} patients{untried}: {Verb(decision)}", q);
        }
        q.Add(new("highest_allowed_dose", "highest dose the next cohort may receive", r.Cap + 1));
        string restriction = r.Recommended <= r.Cap ? ""
            : r.Coherence
                ? $"; the last cohort's DLT rate {s.LastCohortDlts}/{d.CohortSize} reached the target, so no escalation above dose {s.CurrentLevel + 1}"
                : $"; escalation is limited to one level above the last cohort's dose {s.CurrentLevel + 1}";
        return new($"{estimate}{restriction}: {Verb(decision)}", q);
    }
}

/// <summary>How the CRM's final selection treats a dose with no patients (option <c>final_selection</c>).</summary>
public enum CrmFinalSelection
{
    /// <summary>dfcrm: the dose whose DLT probability at the posterior mean is closest to the target, with or without patients.</summary>
    Model,
    /// <summary>The model's choice if it has patients, else the highest dose with patients below it.</summary>
    Tried,
}
