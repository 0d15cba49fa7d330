using DoseEscalation.Engines;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.SampleSizing;

/// <summary>
/// Exact sample-size quantities from the terminal states of the design's <see cref="StateGraph"/>:
/// the evaluable N is a terminal state's total; the enrolled N adds the replacements R, with
/// R | N_eval ~ NegativeBinomial(N_eval, 1 - q) (failures before the N_eval-th success), and the
/// expansion cohort when a dose is selected.
/// </summary>
public static class SampleSizeExact
{
    /// <summary>The NegBin tail is cut where its remaining mass drops below this; the mass cut is reported.</summary>
    public const double TailCut = 1e-15;

    internal static SampleSizeResult Run(StateGraph graph, Scenario scenario, double target, SampleSizeModel model)
    {
        ArgumentNullException.ThrowIfNull(graph);
        model.Validate();
        var prob = ExactEngine.NodeProbabilities(graph, scenario);
        int k = graph.DoseCount;
        int mtd = scenario.TrueMtdLevel(target);
        int e = model.ExpansionCohort;
        double q = model.NonEvaluableRate;
        var response = scenario.Response;
        int? r = response is null ? null : model.MinResponses;

        // Structural range: every terminal state, whatever its probability under this scenario.
        int minEval = int.MaxValue, maxEval = 0, minEnrolled = int.MaxValue;
        bool anySelection = false;
        for (int t = graph.FirstTerminal; t < graph.NodeCount; t++)
        {
            minEval = Math.Min(minEval, graph.TotalPatients(t));
            maxEval = Math.Max(maxEval, graph.TotalPatients(t));
            anySelection |= graph.SelectedLevel(t) >= 0;
            minEnrolled = Math.Min(minEnrolled, graph.TotalPatients(t) + (graph.SelectedLevel(t) >= 0 ? e : 0));
        }

        var evaluable = new double[maxEval + 1];
        // Weight by (evaluable N, dose selected?): the enrolled N depends on nothing else.
        var byN = new double[maxEval + 1, 2];
        var selection = new double[k + 1];
        var patients = new double[k];
        var dlts = new double[k];
        var responders = new double[k];
        double total = 0, dltSum = 0, anyAbove = 0, respAtSel = 0, atLeastR = 0;
        for (int t = graph.FirstTerminal; t < graph.NodeCount; t++)
        {
            double w = prob[t];
            if (w == 0) continue;
            total += w;
            int n = graph.TotalPatients(t);
            int sel = graph.SelectedLevel(t);
            evaluable[n] += w;
            byN[n, sel >= 0 ? 1 : 0] += w;
            selection[sel + 1] += w;
            var pat = graph.PatientsAt(t);
            var dl = graph.DltsAt(t);
            bool above = false;
            for (int d = 0; d < k; d++)
            {
                patients[d] += w * pat[d];
                dlts[d] += w * dl[d];
                dltSum += w * dl[d];
                if (d > mtd && pat[d] > 0) above = true;
                if (response is not null) responders[d] += w * (pat[d] + (d == sel ? e : 0)) * response[d];
            }
            if (above) anyAbove += w;
            if (response is not null && sel >= 0)
            {
                int treated = pat[sel] + e;
                respAtSel += w * treated * response[sel];
                if (r is { } rr) atLeastR += w * AtLeast(rr, treated, response[sel]);
            }
        }

        var (enrolled, truncated) = Enrolled(byN, q, e);
        double meanEval = 0;
        for (int n = 0; n <= maxEval; n++) meanEval += n * evaluable[n];
        // E[R | N] = N q / (1 - q): the mean needs no truncation.
        double meanEnrolled = meanEval / (1 - q) + e * (total - selection[0]);

        double aboveSel = 0;
        for (int d = mtd + 1; d < k; d++) aboveSel += selection[d + 1];
        static Estimate X(double v) => new(v, 0);
        return new SampleSizeResult
        {
            Scenario = scenario,
            TrueMtdLevel = mtd,
            Engine = "exact",
            EvaluableDistribution = evaluable,
            EnrolledDistribution = enrolled,
            TruncatedMass = truncated,
            MeanEvaluable = X(meanEval),
            MeanEnrolled = X(meanEnrolled),
            MinEvaluable = minEval,
            MaxEvaluable = maxEval,
            MinEnrolled = minEnrolled,
            EvaluableRangeIsExact = true,
            MaxEnrolled = q > 0 ? null : maxEval + (anySelection ? e : 0),
            ExpectedDlts = X(dltSum),
            AnyPatientAboveMtd = X(anyAbove),
            SelectAboveMtd = X(aboveSel),
            CorrectSelection = X(selection[mtd + 1]),
            Selection = selection.Select(X).ToArray(),
            MeanPatients = patients.Select(X).ToArray(),
            MeanDlts = dlts.Select(X).ToArray(),
            ExpectedResponders = response is null ? null : responders.Select(X).ToArray(),
            ExpectedRespondersAtSelected = response is null ? null : X(respAtSel),
            AtLeastMinResponses = r is null ? null : X(atLeastR),
            MinResponses = r,
        };
    }

    /// <summary>P(Binomial(n, p) &gt;= r).</summary>
    internal static double AtLeast(int r, int n, double p)
    {
        if (r <= 0) return 1;
        if (n < r) return 0;
        // Degenerate probabilities: answer directly rather than rely on the CDF at its edges.
        if (p <= 0) return 0;
        if (p >= 1) return 1;
        return Math.Clamp(1 - Binomial.CDF(p, n, r - 1), 0, 1);
    }

    /// <summary>
    /// The enrolled N distribution: for each evaluable N (weight w) add w NB(N, 1 - q) shifted by N,
    /// plus the expansion cohort when a dose was selected. Each NegBin is cut once its upper tail
    /// P(R &gt; k) = I_q(k + 1, N) is below <see cref="TailCut"/>; the cut mass is summed.
    /// </summary>
    internal static (double[] Pmf, double Truncated) Enrolled(double[,] byN, double q, int expansion)
    {
        int maxN = byN.GetLength(0) - 1;
        var pmf = new List<double>();
        void Add(int at, double v)
        {
            while (pmf.Count <= at) pmf.Add(0);
            pmf[at] += v;
        }
        double truncated = 0;
        for (int n = 0; n <= maxN; n++)
        {
            double w0 = byN[n, 0], w1 = byN[n, 1];
            if (w0 == 0 && w1 == 0) continue;
            if (q == 0 || n == 0)
            {
                Add(n, w0);
                Add(n + expansion, w1);
                continue;
            }
            // P(R = 0) = (1 - q)^N, then P(R = j + 1) = P(R = j) q (N + j) / (j + 1).
            double p = Math.Pow(1 - q, n);
            for (int j = 0; ; j++)
            {
                Add(n + j, w0 * p);
                Add(n + j + expansion, w1 * p);
                double tail = SpecialFunctions.BetaRegularized(j + 1, n, q);
                if (tail < TailCut)
                {
                    truncated += (w0 + w1) * tail;
                    break;
                }
                p *= q * (n + j) / (j + 1);
            }
        }
        return (pmf.ToArray(), truncated);
    }
}
