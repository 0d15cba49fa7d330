using static DoseEscalation.ReasonText;
using System.Globalization;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Numerics;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Designs;

/// <summary>
/// BOIN12: the Bayesian optimal interval phase I/II design, which finds the optimal biological
/// dose (OBD) from DLTs and responses. Toxicity moves by the BOIN boundaries lambda_e and lambda_d;
/// among the admissible doses next to the current one, the next cohort goes to the dose whose
/// standardised utility most probably exceeds a benchmark (the rank-based desirability score, a
/// Beta posterior of the quasi-binomial utility). Rules in full: docs/designs/boin12.md.
/// </summary>
/// <remarks>
/// Lin R, Zhou Y, Yan F, Li D, Yuan Y (2020). BOIN12: Bayesian optimal interval phase I/II trial
/// design for utility-based dose finding in immunotherapy and targeted therapies. JCO Precision
/// Oncology 4. Utilities: u(response, no DLT) = 100, u(DLT, no response) = 0, u(DLT, response) = u11,
/// u(no DLT, no response) = u00 (the paper's 60 and 40). With u11 + u00 = 100 a dose's utility is a
/// function of its DLT and response counts alone; otherwise it needs the count of patients with both
/// (<see cref="TrialState.DltResponses"/>, <see cref="ReadsJointOutcomes"/>).
/// </remarks>
public sealed class Boin12 : IDesign, IFinalSelection, ITargeted, IExplainsDecisions, IEliminatesDoses
{
    /// <summary>The rank offsets of the authors' final selection: 0.001 times the dose's rank (1-based) on the DLT estimate, 0.01 times it on the efficacy estimate.</summary>
    public const double ToxicityRankOffset = 0.001, EfficacyRankOffset = 0.01;

    /// <summary>Patients needed at a dose before it can be eliminated (the authors' fixed 3).</summary>
    public const int MinPatientsToEliminate = 3;

    public int DoseCount { get; }
    /// <summary>Highest acceptable DLT rate phi_T.</summary>
    public double Target { get; }
    /// <summary>Lowest acceptable response rate phi_E.</summary>
    public double TargetE { get; }
    public int CohortSize { get; }
    public int MaxN { get; }
    /// <summary>c_T: a dose (and all above) is eliminated when P(p_T &gt; phi_T | data) exceeds this.</summary>
    public double CutoffEli { get; }
    /// <summary>c_E: a dose is eliminated when P(p_E &lt; phi_E | data) exceeds this.</summary>
    public double CutoffEliE { get; }
    /// <summary>N*: with this many patients at the current dose and an observed DLT rate in (lambda_e, lambda_d), the dose above is not a candidate.</summary>
    public int NStar { get; }
    /// <summary>Dose exploration: with this many patients at the current dose, observed DLT rate below lambda_d, and the next admissible dose untried, escalate to it.</summary>
    public int NExplore { get; }
    /// <summary>u(DLT, response).</summary>
    public double U11 { get; }
    /// <summary>u(no DLT, no response).</summary>
    public double U00 { get; }
    /// <summary>
    /// True when u11 + u00 = 100 (within 1e-9): the utility u00 (1 - DLT) + u11 response is then additive
    /// and the design reads only the DLT and response counts; otherwise it also reads the count of
    /// patients with both (<see cref="IDesign.ReadsJointOutcomes"/>).
    /// </summary>
    public bool Additive { get; }
    public double Phi1 { get; }
    public double Phi2 { get; }
    public double LambdaE { get; }
    public double LambdaD { get; }
    /// <summary>The benchmark utility u_b = u_bar + (100 - u_bar)/2, u_bar the utility of a dose with p_T = phi_T and p_E = phi_E (independent).</summary>
    public double BenchmarkUtility { get; }
    public int StartLevel { get; }
    /// <summary>How the final selection estimates each dose's response rate (docs/designs/boin12.md).</summary>
    public Boin12FinalEfficacy FinalEfficacy { get; }

    // _desirability[(n * (MaxN + 1) + yT) * (MaxN + 1) + yE] when the table is small enough; else computed per call.
    private readonly double[]? _desirability;
    // Non-additive utilities: _jointDesirability[n][(yT * (n + 1) + yE) * (n + 1) + yTE] when small enough; else computed per call.
    private readonly double[][]? _jointDesirability;
    private readonly int[] _toxEliminateAt;  // fewest DLTs that eliminate at n patients (int.MaxValue: none)
    private readonly int[] _effEliminateAt;  // most responses that eliminate at n patients (-1: none)

    public Boin12(int doseCount, double target, double targetE, int cohortSize = 3, int maxN = 30,
        double cutoffEli = 0.95, double cutoffEliE = 0.90, int nStar = 6, int nExplore = 9,
        double u11 = 60, double u00 = 40, int startLevel = 0, double? phi1 = null, double? phi2 = null,
        Boin12FinalEfficacy finalEfficacy = Boin12FinalEfficacy.Unimodal)
    {
        if (!Enum.IsDefined(finalEfficacy)) throw new ArgumentOutOfRangeException(nameof(finalEfficacy), finalEfficacy, "final_efficacy must be unimodal or observed");
        FinalEfficacy = finalEfficacy;
        if (doseCount < 1) throw new ArgumentOutOfRangeException(nameof(doseCount), doseCount, "need at least one dose level");
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "target must be in (0, 1)");
        if (!(targetE > 0 && targetE < 1)) throw new ArgumentOutOfRangeException(nameof(targetE), targetE, "target_e must be in (0, 1)");
        if (cohortSize < 1) throw new ArgumentOutOfRangeException(nameof(cohortSize), cohortSize, "cohort size must be at least 1");
        if (maxN < 1 || maxN > 1000) throw new ArgumentOutOfRangeException(nameof(maxN), maxN, "max_n must be in [1, 1000]");
        if (!(cutoffEli > 0 && cutoffEli < 1)) throw new ArgumentOutOfRangeException(nameof(cutoffEli), cutoffEli, "cutoff_eli must be in (0, 1)");
        if (!(cutoffEliE > 0 && cutoffEliE < 1)) throw new ArgumentOutOfRangeException(nameof(cutoffEliE), cutoffEliE, "cutoff_eli_e must be in (0, 1)");
        if (nStar < 1) throw new ArgumentOutOfRangeException(nameof(nStar), nStar, "n_star must be at least 1");
        if (nExplore < 1) throw new ArgumentOutOfRangeException(nameof(nExplore), nExplore, "n_explore must be at least 1");
        if (!(u11 >= 0 && u11 <= 100)) throw new ArgumentOutOfRangeException(nameof(u11), u11, "u11 must be in [0, 100]");
        if (!(u00 >= 0 && u00 <= 100)) throw new ArgumentOutOfRangeException(nameof(u00), u00, "u00 must be in [0, 100]");
        Additive = Math.Abs(u11 + u00 - 100) <= 1e-9;
        if (startLevel < 0 || startLevel >= doseCount) throw new ArgumentOutOfRangeException(nameof(startLevel), startLevel + 1, $"start dose must be one of 1..{doseCount}");
        double p1 = phi1 ?? 0.6 * target, p2 = phi2 ?? 1.4 * target;
        if (!(p1 > 0) || target - p1 < 0.1 * target) throw new ArgumentOutOfRangeException(nameof(phi1), p1, "phi1 must be positive and at most 0.9 * target");
        if (!(p2 < 1) || p2 - target < 0.1 * target) throw new ArgumentOutOfRangeException(nameof(phi2), p2, "phi2 must be below 1 and at least 1.1 * target");
        (DoseCount, Target, TargetE, CohortSize, MaxN, CutoffEli, CutoffEliE, NStar, NExplore, U11, U00, StartLevel, Phi1, Phi2) =
            (doseCount, target, targetE, cohortSize, maxN, cutoffEli, cutoffEliE, nStar, nExplore, u11, u00, startLevel, p1, p2);
        LambdaE = Math.Log((1 - p1) / (1 - target)) / Math.Log(target * (1 - p1) / (p1 * (1 - target)));
        LambdaD = Math.Log((1 - target) / (1 - p2)) / Math.Log(p2 * (1 - target) / (target * (1 - p2)));
        double uBar = 100 * targetE * (1 - target) + u00 * (1 - target) * (1 - targetE) + u11 * target * targetE;
        BenchmarkUtility = uBar + (100 - uBar) / 2;

        _toxEliminateAt = new int[maxN + 1];
        _effEliminateAt = new int[maxN + 1];
        for (int n = 0; n <= maxN; n++)
        {
            _toxEliminateAt[n] = int.MaxValue;
            _effEliminateAt[n] = -1;
            if (n < MinPatientsToEliminate) continue;
            for (int x = 0; x <= n; x++)
                if (1 - Beta.CDF(x + 1, n - x + 1, target) > cutoffEli) { _toxEliminateAt[n] = x; break; }
            for (int y = n; y >= 0; y--)
                if (Beta.CDF(y + 1, n - y + 1, targetE) > cutoffEliE) { _effEliminateAt[n] = y; break; }
        }
        long cells = (long)(maxN + 1) * (maxN + 1) * (maxN + 1);
        if (!Additive)
        {
            // sum over n of (n + 1)^3 entries, about (maxN + 1)^4 / 4; only the consistent cells are computed.
            long joint = 0;
            for (int n = 0; n <= maxN; n++) joint += (long)(n + 1) * (n + 1) * (n + 1);
            if (joint <= 2_000_000)
            {
                _jointDesirability = new double[maxN + 1][];
                for (int n = 0; n <= maxN; n++)
                {
                    var t = _jointDesirability[n] = new double[(n + 1) * (n + 1) * (n + 1)];
                    for (int yT = 0; yT <= n; yT++)
                        for (int yE = 0; yE <= n; yE++)
                            for (int both = Math.Max(0, yT + yE - n); both <= Math.Min(yT, yE); both++)
                                t[(yT * (n + 1) + yE) * (n + 1) + both] = ComputeJointDesirability(n, yT, yE, both);
                }
            }
        }
        else if (cells <= 2_000_000)
        {
            _desirability = new double[cells];
            for (int n = 0; n <= maxN; n++)
                for (int t = 0; t <= n; t++)
                    for (int e = 0; e <= n; e++)
                        _desirability[((long)n * (maxN + 1) + t) * (maxN + 1) + e] = ComputeDesirability(n, t, e);
        }
    }

    public string Name => "boin12";
    public int MaxCohortSize => CohortSize;
    public int MaxPatients => MaxN;
    public bool ReadsLastCohort => false;
    public bool ReadsResponses => true;
    /// <summary>True unless u11 + u00 = 100: the utility then depends on who had both a DLT and a response.</summary>
    public bool ReadsJointOutcomes => !Additive;

    /// <summary>
    /// The rank-based desirability score for additive utilities (<see cref="Additive"/>):
    /// P(u &gt; u_b / 100 | data) with u ~ Beta(1 + x, 1 + n - x), x = (u00 (n - DLTs) + u11 responses) / 100
    /// the quasi-binomial count of utility. An untried dose scores 1 - u_b / 100. With non-additive
    /// utilities use the overload with the count of patients with both.
    /// </summary>
    public double Desirability(int n, int dlts, int responses)
    {
        if (!Additive) throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"u11 + u00 = {U11 + U00:0.##}, not 100: the desirability needs the count of patients with both a DLT and a response"));
        return _desirability is { } t && n <= MaxN ? t[((long)n * (MaxN + 1) + dlts) * (MaxN + 1) + responses] : ComputeDesirability(n, dlts, responses);
    }

    /// <summary>
    /// The rank-based desirability score from all four outcome cells: with y11 = <paramref name="dltResponses"/>
    /// patients with both, y01 = responses - y11 with a response only and y00 = n - DLTs - responses + y11 with
    /// neither, x = (100 y01 + u00 y00 + u11 y11) / 100 and the score is P(u &gt; u_b / 100 | data), u ~ Beta(1 + x, 1 + n - x).
    /// With additive utilities this is <see cref="Desirability(int, int, int)"/> (bit for bit: the same formula is used).
    /// </summary>
    public double Desirability(int n, int dlts, int responses, int dltResponses)
    {
        if (Additive) return Desirability(n, dlts, responses);
        if (dltResponses < Math.Max(0, dlts + responses - n) || dltResponses > Math.Min(dlts, responses))
            throw new ArgumentOutOfRangeException(nameof(dltResponses), dltResponses, $"patients with both a DLT and a response must be in [{Math.Max(0, dlts + responses - n)}, {Math.Min(dlts, responses)}] with {n} patients, {dlts} DLTs and {responses} responses");
        return _jointDesirability is { } t && n <= MaxN ? t[n][(dlts * (n + 1) + responses) * (n + 1) + dltResponses] : ComputeJointDesirability(n, dlts, responses, dltResponses);
    }

    /// <summary>The quasi-binomial count of utility x = (100 y01 + u00 y00 + u11 y11) / 100 of a dose (its additive form when u11 + u00 = 100).</summary>
    public double UtilityCount(int n, int dlts, int responses, int dltResponses) => Additive
        ? (U00 * (n - dlts) + U11 * responses) / 100
        : (100.0 * (responses - dltResponses) + U00 * (n - dlts - responses + dltResponses) + U11 * dltResponses) / 100;

    private double ComputeJointDesirability(int n, int dlts, int responses, int both)
    {
        double x = UtilityCount(n, dlts, responses, both);
        return 1 - Beta.CDF(1 + x, 1 + n - x, BenchmarkUtility / 100);
    }

    private double ComputeDesirability(int n, int dlts, int responses)
    {
        double x = (U00 * (n - dlts) + U11 * responses) / 100;
        return 1 - Beta.CDF(1 + x, 1 + n - x, BenchmarkUtility / 100);
    }

    /// <summary>True if DLTs at a dose with n patients eliminate it (and every higher dose).</summary>
    public bool ToxicityEliminates(int n, int dlts) => n >= MinPatientsToEliminate && dlts >= ToxEliminateAt(n);

    /// <summary>True if responses at a dose with n patients eliminate it (that dose only).</summary>
    public bool FutilityEliminates(int n, int responses) => n >= MinPatientsToEliminate && responses <= EffEliminateAt(n);

    private int ToxEliminateAt(int n)
    {
        if (n <= MaxN) return _toxEliminateAt[n];
        for (int x = 0; x <= n; x++) if (1 - Beta.CDF(x + 1, n - x + 1, Target) > CutoffEli) return x;
        return int.MaxValue;
    }

    private int EffEliminateAt(int n)
    {
        if (n <= MaxN) return _effEliminateAt[n];
        for (int y = n; y >= 0; y--) if (Beta.CDF(y + 1, n - y + 1, TargetE) > CutoffEliE) return y;
        return -1;
    }

    /// <summary>Which doses are eliminated, from the counts (an eliminated dose is never treated again, so its counts stay those that eliminated it).</summary>
    public void Eliminated(in TrialState state, Span<bool> eliminated)
    {
        bool tox = false;
        for (int j = 0; j < DoseCount; j++)
        {
            int n = state.Patients[j];
            tox |= ToxicityEliminates(n, state.Dlts[j]);
            eliminated[j] = tox || FutilityEliminates(n, state.Responses[j]);
        }
    }

    public Decision Decide(in TrialState state)
    {
        if (state.IsStart) return Decision.Treat(StartLevel, Math.Min(CohortSize, MaxN));
        if (state.Responses.Length != DoseCount)
            // An argument problem: the state lacks what the design reads (the CLI reports it in one line).
            throw new ArgumentException("design boin12 reads responses, which this engine or command does not give (TrialState.Responses); simulate, exact, compare (also --calendar) and samplesize run it; next does not read responses yet");
        if (!Additive && state.DltResponses.Length != DoseCount)
            throw new ArgumentException($"design boin12 with u11 + u00 = {(U11 + U00).ToString("0.##", CultureInfo.InvariantCulture)} (not 100) reads the patients with both a DLT and a response per dose, which this engine or command does not give (TrialState.DltResponses)");
        int k = DoseCount, d = state.CurrentLevel;
        Span<bool> elim = stackalloc bool[k];
        Eliminated(state, elim);
        bool all = true;
        for (int j = 0; j < k; j++) all &= elim[j];
        if (all) return Decision.StopNoDose;
        if (state.TotalPatients >= MaxN) return SelectDecision(state);

        int n = state.Patients[d], yT = state.Dlts[d];
        int below = -1, above = -1;
        for (int j = d - 1; j >= 0; j--) if (!elim[j]) { below = j; break; }
        for (int j = d + 1; j < k; j++) if (!elim[j]) { above = j; break; }
        int next;
        // Observed DLT rate at or above lambda_d (or the dose eliminated for toxicity): de-escalate.
        if (yT >= LambdaD * n || ToxicityEliminates(n, yT))
        {
            if (below >= 0) next = below;
            else if (!elim[d]) next = d;
            else return Decision.StopNoDose;
        }
        else
        {
            // Candidates: the admissible dose below, the current dose, and the admissible dose above
            // unless the current dose has N* patients and an observed DLT rate above lambda_e.
            bool mayEscalate = n < NStar || yT <= LambdaE * n;
            next = d;
            double best = Score(state, d, elim);
            if (below >= 0)
            {
                double s = Score(state, below, elim);
                // Ties go to the higher dose (as the authors' web tool; docs/designs/boin12.md).
                if (s > best) { best = s; next = below; }
            }
            if (above >= 0 && mayEscalate)
            {
                double s = Score(state, above, elim);
                if (s >= best) { best = s; next = above; }
            }
            if (elim[next]) return Decision.StopNoDose;
        }
        // Dose exploration: enough patients here, DLT rate below lambda_d, and the next admissible dose untried.
        if (above >= 0 && n >= NExplore && state.Patients[above] == 0 && yT < LambdaD * n) next = above;
        return Decision.Treat(next, Math.Min(CohortSize, MaxN - state.TotalPatients));
    }

    private double Score(in TrialState state, int level, ReadOnlySpan<bool> elim) =>
        elim[level] ? 0 : DesirabilityAt(state, level);

    /// <summary>The desirability of <paramref name="level"/> from the state's counts (with the count of patients with both when the utility is not additive).</summary>
    public double DesirabilityAt(in TrialState state, int level) => Additive
        ? Desirability(state.Patients[level], state.Dlts[level], state.Responses[level])
        : Desirability(state.Patients[level], state.Dlts[level], state.Responses[level], state.DltResponses[level]);

    // The estimated utility of the final selection: u11 pE + u00 (1 - pT) when additive; otherwise
    // 100 p01 + u00 p00 + u11 p11 = u00 (1 - pT) + (100 - u00) pE + (u11 + u00 - 100) p11, with p11 the
    // smoothed observed rate (y11 + 0.05)/(n + 0.1) of patients with both (no order is assumed for it).
    private double EstimatedUtility(in TrialState state, int level, double pE, double pT)
    {
        if (Additive) return U11 * pE + U00 * (1 - pT);
        double p11 = (state.DltResponses[level] + 0.05) / (state.Patients[level] + 0.1);
        return (100 - U00) * pE + U00 * (1 - pT) + (U11 + U00 - 100) * p11;
    }

    private Decision SelectDecision(in TrialState state)
    {
        int level = SelectMtd(state);
        return level == Decision.NoDose ? Decision.StopNoDose : Decision.Select(level);
    }

    /// <summary>
    /// The final OBD (docs/designs/boin12.md). <see cref="Boin12FinalEfficacy.Unimodal"/> (the
    /// authors' code): over every dose, p_T by isotonic regression of (y + 0.05)/(n + 0.1) (weights
    /// n + 0.1) plus 0.001 times the rank, the MTD the dose closest to phi_T, p_E by
    /// <see cref="UnimodalEfficacy"/> (with 0.01 times the rank); the OBD is the tried, non-eliminated
    /// dose at or below the MTD with the highest u11 p_E + u00 (1 - p_T), the lower dose on a tie (with
    /// non-additive utilities u00 (1 - p_T) + (100 - u00) p_E + (u11 + u00 - 100) p11, p11 the smoothed
    /// observed rate of patients with both).
    /// <see cref="Boin12FinalEfficacy.Observed"/>: over the tried doses only, p_E = (responses + 0.05)/(n + 0.1)
    /// and no rank offset in the utility.
    /// </summary>
    public string SelectionRule => "the OBD: the admissible dose with the highest estimated utility (isotonic DLT rates, unimodal response rates), BOIN12's selection";

    public int SelectMtd(in TrialState state) =>
        FinalEfficacy == Boin12FinalEfficacy.Unimodal ? SelectUnimodal(state) : SelectObserved(state);

    private int SelectUnimodal(in TrialState state)
    {
        int k = DoseCount;
        Span<bool> elim = stackalloc bool[k];
        if (state.Responses.Length == k) Eliminated(state, elim);
        Span<double> pT = stackalloc double[k];
        Span<double> w = stackalloc double[k];
        Span<double> pE = stackalloc double[k];
        bool any = false;
        for (int j = 0; j < k; j++)
        {
            pT[j] = (state.Dlts[j] + 0.05) / (state.Patients[j] + 0.1);
            w[j] = state.Patients[j] + 0.1;
            any |= state.Patients[j] > 0;
        }
        if (!any) return Decision.NoDose;
        IsotonicRegression.FitInPlace(pT, w);
        int mtd = 0;
        double gap = double.MaxValue;
        for (int j = 0; j < k; j++)
        {
            pT[j] += ToxicityRankOffset * (j + 1);
            double g = Math.Abs(pT[j] - Target);
            if (g < gap) { gap = g; mtd = j; }
        }
        if (state.Responses.Length == k) UnimodalEfficacy(state.Patients, state.Responses, pE);
        int obd = -1;
        double bestU = double.NegativeInfinity;
        for (int j = 0; j <= mtd; j++)
        {
            if (elim[j] || state.Patients[j] == 0) continue;
            double u = EstimatedUtility(state, j, pE[j], pT[j]);
            if (u > bestU) { bestU = u; obd = j; }
        }
        return obd;
    }

    /// <summary>
    /// The authors' efficacy estimate for the final selection (<c>peestimate</c>): for each mode i,
    /// the weighted unimodal regression (<see cref="UnimodalRegression"/>, mode at dose i, weights
    /// n + 0.5) of the smoothed rates (responses + 0.05)/(n + 0.1) over every dose (an untried dose
    /// has 0.5); the fits are averaged with weights proportional to their binomial likelihood
    /// prod_j C(n_j, y_j) f_ij^y_j (1 - f_ij)^(n_j - y_j), and 0.01 times the dose's rank (1-based)
    /// is added. Writes one estimate per dose into <paramref name="estimate"/>.
    /// </summary>
    public static void UnimodalEfficacy(ReadOnlySpan<int> patients, ReadOnlySpan<int> responses, Span<double> estimate)
    {
        int k = patients.Length;
        if (responses.Length != k || estimate.Length != k) throw new ArgumentException("patients, responses and estimate must have the same length");
        // k^2 fitted values: on the stack for the usual handful of doses, on the heap past 32 (a design allows up to 100).
        const int StackDoses = 32;
        Span<double> rate = k <= StackDoses ? stackalloc double[k] : new double[k];
        Span<double> w = k <= StackDoses ? stackalloc double[k] : new double[k];
        Span<double> fit = k <= StackDoses ? stackalloc double[k * k] : new double[k * k];
        Span<double> logLik = k <= StackDoses ? stackalloc double[k] : new double[k];
        for (int j = 0; j < k; j++)
        {
            rate[j] = (responses[j] + 0.05) / (patients[j] + 0.1);
            w[j] = patients[j] + 0.5;
        }
        double maxLog = double.NegativeInfinity;
        for (int i = 0; i < k; i++)
        {
            var f = fit.Slice(i * k, k);
            rate.CopyTo(f);
            UnimodalRegression.FitInPlace(f, w, i);
            // The binomial coefficients are common to every mode and cancel in the normalisation.
            double ll = 0;
            for (int j = 0; j < k; j++)
                if (patients[j] > 0) ll += responses[j] * Math.Log(f[j]) + (patients[j] - responses[j]) * Math.Log(1 - f[j]);
            logLik[i] = ll;
            maxLog = Math.Max(maxLog, ll);
        }
        double total = 0;
        for (int i = 0; i < k; i++) { logLik[i] = Math.Exp(logLik[i] - maxLog); total += logLik[i]; }
        for (int j = 0; j < k; j++)
        {
            double e = 0;
            for (int i = 0; i < k; i++) e += logLik[i] / total * fit[i * k + j];
            estimate[j] = e + EfficacyRankOffset * (j + 1);
        }
    }

    private int SelectObserved(in TrialState state)
    {
        int k = DoseCount;
        Span<bool> elim = stackalloc bool[k];
        if (state.Responses.Length == k) Eliminated(state, elim);
        Span<int> idx = stackalloc int[k];
        int m = 0;
        // Every tried dose enters the isotonic fit and the MTD estimate, as in the authors' code; eliminated ones cannot be the OBD.
        for (int j = 0; j < k; j++) if (state.Patients[j] > 0) idx[m++] = j;
        if (m == 0) return Decision.NoDose;
        Span<double> pT = stackalloc double[m];
        Span<double> w = stackalloc double[m];
        for (int i = 0; i < m; i++)
        {
            int j = idx[i];
            pT[i] = (state.Dlts[j] + 0.05) / (state.Patients[j] + 0.1);
            w[i] = state.Patients[j] + 0.1;
        }
        IsotonicRegression.FitInPlace(pT, w);
        int mtd = 0;
        double gap = double.MaxValue;
        for (int i = 0; i < m; i++)
        {
            // + 1e-3 i: of pooled (equal) estimates the one nearest the target in dose order wins, as the authors' code.
            double g = Math.Abs(pT[i] + 1e-3 * i - Target);
            if (g < gap) { gap = g; mtd = i; }
        }
        int obd = -1;
        double bestU = double.NegativeInfinity;
        for (int i = 0; i <= mtd; i++)
        {
            int j = idx[i];
            if (elim[j]) continue;
            double pE = (state.Responses[j] + 0.05) / (state.Patients[j] + 0.1);
            double u = EstimatedUtility(state, j, pE, pT[i]);
            if (u > bestU) { bestU = u; obd = j; }
        }
        return obd;
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"BOIN12, target {Target:0.###}, target_e {TargetE:0.###}, cohorts of {CohortSize}, max {MaxN} patients, lambda_e {LambdaE:0.####}, lambda_d {LambdaD:0.####}, "
        + $"u11 {U11:0.##}, u00 {U00:0.##}, benchmark {BenchmarkUtility:0.##}, N* {NStar}, explore at {NExplore}, cutoff_eli {CutoffEli:0.###}, cutoff_eli_e {CutoffEliE:0.###}, "
        + $"final efficacy {(FinalEfficacy == Boin12FinalEfficacy.Unimodal ? "unimodal" : "observed")}{NonAdditiveNote}");

    // Empty for additive utilities (so their description is unchanged).
    private string NonAdditiveNote => Additive ? "" : string.Create(CultureInfo.InvariantCulture,
        $", utility not additive (u11 + u00 = {U11 + U00:0.##}): scored from each patient's (DLT, response) pair");

    private static readonly IReadOnlyList<DesignOption> Options =
    [
        CommonOptions.Target,
        CommonOptions.CohortSize(3),
        CommonOptions.MaxN(30),
        new() { Key = "target_e", Kind = OptionKind.Number, Default = 0.25, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, Doc = "Lowest acceptable response rate phi_E (the authors' code: targetE, lower_e)." },
        new() { Key = "u11", Kind = OptionKind.Number, Default = 60.0, Min = 0, Max = 100, Doc = "Utility of a DLT with a response (u(no DLT, response) = 100, u(DLT, no response) = 0). With u11 + u00 other than 100 each patient's (DLT, response) pair counts, so the scenario's association matters." },
        new() { Key = "u00", Kind = OptionKind.Number, Default = 40.0, Min = 0, Max = 100, Doc = "Utility of neither DLT nor response (u11 + u00 need not be 100; the BOIN12 design page gives the rule)." },
        new() { Key = "n_star", Kind = OptionKind.Integer, Default = 6, Min = 1, Max = 1000, Doc = "N*: with this many patients at the current dose and a DLT rate in (lambda_e, lambda_d), do not escalate." },
        new() { Key = "n_explore", Kind = OptionKind.Integer, Default = 9, Min = 1, Max = 1000, Doc = "Escalate to an untried admissible dose once the current dose has this many patients and a DLT rate below lambda_d." },
        new() { Key = "cutoff_eli", Kind = OptionKind.Number, Default = 0.95, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, Doc = "Eliminate a dose (and all above) when P(p > target | data) exceeds this, with at least 3 patients." },
        new() { Key = "cutoff_eli_e", Kind = OptionKind.Number, Default = 0.90, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, Doc = "BOIN12: eliminate a dose when P(response rate < target_e | data) exceeds this, with at least 3 patients." },
        new() { Key = "phi1", Kind = OptionKind.Number, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, ComputedDefault = (c, v) => 0.6 * v.Number("target"), DefaultText = "0.6 target", Doc = "Highest DLT rate deemed sub-therapeutic (R: p.saf)." },
        new() { Key = "phi2", Kind = OptionKind.Number, Min = 0, Max = 1, MinExclusive = true, MaxExclusive = true, ComputedDefault = (c, v) => 1.4 * v.Number("target"), DefaultText = "1.4 target", Doc = "Lowest DLT rate deemed overly toxic (R: p.tox)." },
        new() { Key = "final_efficacy", Kind = OptionKind.Choice, Default = "unimodal", Choices = ["unimodal", "observed"], Doc = "BOIN12's final OBD selection: unimodal (the authors' code: response rates by unimodal isotonic regression averaged over the mode, dose-rank offsets 0.01 and 0.001) or observed (the smoothed observed response rates over the tried doses, no rank offsets)." },
    ];

    /// <summary>BOIN12 in the design catalog.</summary>
    public static DesignDescriptor Descriptor { get; } = new()
    {
        Name = "boin12",
        Summary = "BOIN12: BOIN toxicity boundaries, then the admissible neighbour with the most desirable utility (Lin et al. 2020); reads responses.",
        References = ["Lin R, Zhou Y, Yan F, Li D, Yuan Y (2020). BOIN12: Bayesian optimal interval phase I/II trial design for utility-based dose finding in immunotherapy and targeted therapies. JCO Precision Oncology 4."],
        Options = Options,
        Build = (c, v) => new Boin12(c.DoseCount, v.Number("target"), v.Number("target_e"), v.Int("cohort_size"), v.Int("max_n"), v.Number("cutoff_eli"),
            v.Number("cutoff_eli_e"), v.Int("n_star"), v.Int("n_explore"), v.Number("u11"), v.Number("u00"), 0, v.Number("phi1"), v.Number("phi2"),
            v.Choice("final_efficacy") == "observed" ? Boin12FinalEfficacy.Observed : Boin12FinalEfficacy.Unimodal),
        Prose = (design, context) =>
        [
            "After each cohort, the observed DLT rate at the current dose is compared with the BOIN boundaries lambda_e and lambda_d. At or above lambda_d the next cohort goes to the admissible dose below. "
            + "Otherwise it goes to whichever of the admissible dose below, the current dose and (unless the current dose has N* patients and a DLT rate above lambda_e) the admissible dose above has the highest posterior probability that its utility exceeds the benchmark. "
            + "A dose is inadmissible when it is too toxic (it and every higher dose) or futile (that dose). Once the current dose has n_explore patients with a DLT rate below lambda_d, an untried admissible dose above is tried. "
            + "At the end, the OBD is the dose, at or below the isotonic MTD estimate, with the highest estimated utility; "
            + (design is Boin12 { FinalEfficacy: Boin12FinalEfficacy.Observed }
                ? "the response rates are the smoothed observed rates."
                : "the response rates are estimated by unimodal isotonic regression averaged over the mode (the authors' code)."),
        ],
    };

    public DecisionReason Explain(in TrialState state, Decision decision) => Why(this, state, decision);

    // BOIN12: the current dose's DLT rate against BOIN's boundaries, each dose's admissibility and
    // desirability (the utility score the design ranks the candidates d - 1, d, d + 1 by).
    private static DecisionReason Why(Boin12 d, in TrialState s, Decision decision)
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
        // Non-additive utilities score who had both; additive ones do not read it (and their reasons stay as they were).
        int both = d.Additive ? 0 : s.DltResponses[level];
        if (!d.Additive) q.Add(new("dlt_responses_at_dose", $"patients with both a DLT and a response at dose {level + 1}", both));
        Span<bool> eliminated = stackalloc bool[d.DoseCount];
        d.Eliminated(s, eliminated);
        var scores = new List<string>();
        for (int j = Math.Max(0, level - 1); j <= Math.Min(d.DoseCount - 1, level + 1); j++)
        {
            if (eliminated[j]) { scores.Add($"dose {j + 1} eliminated"); continue; }
            double score = d.DesirabilityAt(s, j);
            q.Add(new($"desirability_dose_{j + 1}", $"desirability of dose {j + 1}", score));
            scores.Add($"dose {j + 1} {F(score)}");
        }
        string observed = $"dose {level + 1}: {Dlts(x)} and {r} response{(r == 1 ? "" : "s")}{(d.Additive ? "" : $" ({both} with both)")} in {n} (DLT rate {F((double)x / n)}; lambda_e {F(d.LambdaE)}, lambda_d {F(d.LambdaD)})";
        string why = decision.IsStop
            ? (decision.Level == Decision.NoDose ? "no admissible dose is left" : "the trial stops; the OBD is the admissible dose with the highest estimated utility")
            : (double)x / n >= d.LambdaD || eliminated[level]
                ? "the DLT rate calls for de-escalation, to the highest admissible dose below"
                : $"desirability (the posterior probability that the dose's utility beats the benchmark {F(d.BenchmarkUtility)}): {string.Join(", ", scores)}";
        return new($"{observed}; {why}: {Verb(decision)}", q);
    }
}

/// <summary>How BOIN12's final selection estimates the response rates (option <c>final_efficacy</c>).</summary>
public enum Boin12FinalEfficacy
{
    /// <summary>The authors' code: unimodal isotonic regression averaged over the mode, with the dose-rank offsets (<see cref="Boin12.UnimodalEfficacy"/>).</summary>
    Unimodal,
    /// <summary>The smoothed observed rates (responses + 0.05)/(n + 0.1) over the tried doses, no rank offset in the utility.</summary>
    Observed,
}
