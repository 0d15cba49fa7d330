using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DoseEscalation.Designs;

/// <summary>
/// TITE-CRM's posterior mean of beta with patients pending, on tabulated trapezoid grids: the
/// kernel behind <see cref="TiteCrm.DecidePending"/>. Same model, prior and data as
/// <see cref="Crm.Posterior(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{double})"/>;
/// a different rule, chosen for speed: a decision costs a few dozen nodes instead of a few hundred.
/// </summary>
/// <remarks>
/// <para>
/// The unnormalised posterior f(beta) = prior(beta) prod_d p_d^x_d (1 - p_d)^(n_d - x_d) prod_i (1 - w_i p_(d_i))
/// is smooth and decays like a Gaussian, so the trapezoid rule on a uniform grid converges
/// geometrically in the spacing (Trefethen &amp; Weideman 2014, SIAM Review 56:385): about
/// exp(-2 pi^2 sigma^2 / h^2) for a posterior of SD sigma and spacing h. The grids are nested
/// (spacing h0 2^t, t = 0, 1, ...), symmetric about 0 over the CRM's range of +-10 prior SDs, and
/// carry per dose log p, log(1 - p) and p at every node, so a node costs multiply-adds, one
/// exponential and one multiply-add per pending patient, with no logarithm.
/// </para>
/// <para>
/// Per decision: (1) the completed patients' log posterior on a coarse grid over the whole range
/// locates the mass: nodes whose log density is more than <see cref="Negligible"/> below the
/// largest (less the pending patients' log factor there, which can only lower it) are dropped, as
/// the CRM's range drops what lies past 10 prior SDs; (2) its curvature at the top, plus each
/// pending patient's weight times the most information one patient gives, gives an SD, and the grid with spacing at most
/// <see cref="SpacingPerSd"/> SDs is taken; (3) the sums run over the window with every factor;
/// the grid of twice the spacing (every other node) is checked against it, and the window's edges
/// against the largest term. Whenever a check fails, a finer grid is tried; past the finest, or if
/// the mass reaches the end of the range, <see cref="TryBetaMean"/> declines and the caller uses
/// the CRM's Gauss-Legendre rule. TiteCrmPosteriorTests compares the result with an adaptive
/// Gauss-Kronrod integration over random states of five settings (largest relative error below 1e-12).
/// </para>
/// </remarks>
internal sealed class TiteCrmPosterior
{
    /// <summary>Nodes whose term is below exp(-this) times the largest are left out (exp(-36) = 2.3e-16).</summary>
    private const double Negligible = 36;
    /// <summary>Largest spacing in posterior SDs: the trapezoid error on a Gaussian is exp(-2 pi^2 / 0.6^2) = 1.4e-24.</summary>
    private const double SpacingPerSd = 0.6;
    /// <summary>The rule on every other node may differ from the rule on all nodes by this (relative) at most.</summary>
    private const double HalfGridTolerance = 1e-5;
    private const int MaxNodes = 4096;
    /// <summary>
    /// The spacing is at most 2 pi a / this for a strip of half-width a: exp(-36) for the logistic
    /// model, whose pole is a true singularity; for the empiric model, entire, the strip bound is
    /// loose (exp(-12) before the growth factor), and the half-grid check and the tests hold it to 1e-13.
    /// </summary>
    private const double LogisticStripTerms = 36, EmpiricStripTerms = 12;

    private readonly Crm _crm;
    private readonly int _doses;
    private readonly Grid[] _grids;          // spacing h0 2^t
    private readonly int _locate;            // the grid the completed patients' log posterior is located on
    private readonly double _maxSpacing;     // no grid coarser than this is used to integrate
    private readonly double _priorPrecision; // 1 / prior variance
    private readonly double[] _infoMax;      // per dose: the most Fisher information one patient gives about beta
    private readonly double[] _breaks;       // Recommend(beta) changes only at these (ascending) ...
    private readonly int[] _levelBelow;      // ... being _levelBelow[i] just below _breaks[i]
    private readonly int _levelAbove;        // and this above the last

    private sealed class Grid
    {
        public required double Spacing;
        public required int Count;          // nodes; every table has Count + Vector<double>.Count entries (padding repeats the last node)
        public required double[] Beta, LogPrior;
        public required double[] LogP, Log1mP, P; // [d * stride + k]
        public required int Stride;
    }

    public TiteCrmPosterior(Crm crm)
    {
        _crm = crm;
        _doses = crm.DoseCount;
        double variance = crm.PriorVariance, sd = Math.Sqrt(variance);
        _priorPrecision = 1 / variance;
        double range = 10 * sd; // the CRM's range (Crm.RangeSds)

        // The most information one patient gives about beta, per dose, over the range: bounds how
        // narrow a posterior of MaxPatients patients can be, hence the finest grid needed.
        _infoMax = new double[_doses];
        for (int j = -2000; j <= 2000; j++)
        {
            double b = range * j / 2000;
            for (int d = 0; d < _doses; d++)
            {
                var (lp, l1p) = crm.LogProbabilities(d, b);
                double p = Math.Exp(lp), q = Math.Exp(l1p);
                // dp/dbeta: empiric p log p; logistic p (1 - p) exp(beta) x_d.
                double slope = crm.Model == CrmModel.Empiric ? p * lp : p * q * Math.Exp(b) * (CrmSkeleton.Logit(crm.Skeleton[d]) - crm.Intercept);
                double info = p > 0 && q > 0 ? slope * slope / (p * q) : 0;
                if (info > _infoMax[d]) _infoMax[d] = info;
            }
        }
        double sdMin = 1 / Math.Sqrt(_priorPrecision + _infoMax.Max() * crm.MaxPatients);

        // The nearest singularity of the integrand off the real axis bounds the useful spacing:
        // the trapezoid error is also about exp(-2 pi a / h) for a strip of half-width a. Empiric:
        // p = s^exp(beta) stops decaying at Im(beta) = pi/2; logistic: expit's pole at
        // a0 + exp(beta) x = i pi, Im(beta) = atan2(pi, a0).
        double strip = crm.Model == CrmModel.Empiric ? Math.PI / 2 : Math.Min(Math.PI / 2, Math.Atan2(Math.PI, crm.Intercept));
        _maxSpacing = 2 * Math.PI * strip / (crm.Model == CrmModel.Empiric ? EmpiricStripTerms : LogisticStripTerms);

        double h0 = Math.Min(SpacingPerSd * sdMin / 2, _maxSpacing);
        // Level-0 nodes i h0, |i| <= n, n a multiple of the coarsest stride so that every grid ends at +-n h0.
        int levels = 1;
        while (levels < 12 && h0 * (1 << levels) <= range / 8) levels++;
        int coarsest = 1 << (levels - 1);
        int half = (int)Math.Ceiling(range / h0 / coarsest) * coarsest;
        _grids = new Grid[levels];
        int width = Vector<double>.Count;
        for (int t = 0; t < levels; t++)
        {
            int step = 1 << t;
            int count = 2 * half / step + 1;
            int stride = count + width;
            var g = new Grid
            {
                Spacing = h0 * step, Count = count, Stride = stride,
                Beta = new double[stride], LogPrior = new double[stride],
                LogP = new double[_doses * stride], Log1mP = new double[_doses * stride], P = new double[_doses * stride],
            };
            for (int k = 0; k < stride; k++)
            {
                double b = (-half + Math.Min(k, count - 1) * step) * h0;
                g.Beta[k] = b;
                g.LogPrior[k] = -b * b / (2 * variance);
                for (int d = 0; d < _doses; d++)
                {
                    var (lp, l1p) = crm.LogProbabilities(d, b);
                    g.LogP[d * stride + k] = lp;
                    g.Log1mP[d * stride + k] = l1p;
                    g.P[d * stride + k] = Math.Exp(lp);
                }
            }
            _grids[t] = g;
        }
        // Locate on the grid with spacing at most 2.5 times the narrowest posterior's SD: a peak cannot
        // hide between two nodes, and the nearest node is within exp(-0.8) of it (Negligible has room for that).
        _locate = 0;
        while (_locate + 1 < levels && _grids[_locate + 1].Spacing <= 2.5 * sdMin) _locate++;

        // Recommend(beta) is non-decreasing in beta (every p_d falls as beta grows): its steps, found by bisection.
        var breaks = new List<double>();
        var below = new List<int>();
        double lo = -range - 1;
        int level = crm.Recommend(lo);
        for (int j = 1; j <= 4000; j++)
        {
            double b = -range - 1 + (2 * range + 2) * j / 4000;
            int r = crm.Recommend(b);
            if (r == level) { lo = b; continue; }
            double a = lo, c = b;
            while (c - a > 1e-12 * Math.Max(1, Math.Abs(c))) { double m = 0.5 * (a + c); if (crm.Recommend(m) == level) a = m; else c = m; }
            breaks.Add(0.5 * (a + c));
            below.Add(level);
            level = r;
            lo = b;
        }
        _breaks = breaks.ToArray();
        _levelBelow = below.ToArray();
        _levelAbove = level;
    }

    /// <summary>
    /// <see cref="Crm.Recommend"/> at <paramref name="beta"/>, from the steps found at construction;
    /// within 1e-9 of a step it asks the CRM itself, so the answer is always the CRM's.
    /// </summary>
    public int Recommend(double beta)
    {
        for (int i = 0; i < _breaks.Length; i++)
        {
            double gap = beta - _breaks[i];
            if (Math.Abs(gap) < 1e-9 * Math.Max(1, Math.Abs(beta))) return _crm.Recommend(beta);
            if (gap < 0) return _levelBelow[i];
        }
        return _levelAbove;
    }

    /// <summary>
    /// The posterior mean of beta given the completed patients and DLTs per level and each pending
    /// patient's level and weight in [0, 1); false when this rule cannot vouch for its result (the
    /// caller then integrates by the CRM's rule).
    /// </summary>
    [SkipLocalsInit] // the stack buffers are written before they are read
    public bool TryBetaMean(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, ReadOnlySpan<int> pendingLevels, ReadOnlySpan<double> pendingWeights,
        out double mean)
    {
        mean = 0;
        int width = Vector<double>.Count;
        // (1) Locate: the completed patients' log posterior on the coarse grid.
        var g = _grids[_locate];
        int m = g.Count;
        if (m + width > MaxNodes) return false;
        Span<double> logPost = stackalloc double[m + width];
        CompletedLogPosterior(g, 0, m + width, patients, dlts, logPost);
        int top = 0;
        double max = double.NegativeInfinity;
        for (int k = 0; k < m; k++)
            if (logPost[k] > max) { max = logPost[k]; top = k; }
        if (!double.IsFinite(max) || top == 0 || top == m - 1) return false;
        // The pending patients' factor at the top lowers the largest term by at most its log.
        double factor = 1;
        for (int i = 0; i < pendingLevels.Length; i++) factor *= 1 - pendingWeights[i] * g.P[pendingLevels[i] * g.Stride + top];
        if (!(factor > 0)) return false;
        double threshold = max + Math.Log(factor) - Negligible;
        int first = 0, last = m - 1;
        while (logPost[first] < threshold) first++;
        while (logPost[last] < threshold) last--;
        // One more coarse node on each side; the mass must not reach the end of the range.
        if (first == 0 || last == m - 1) return false;
        double betaLo = g.Beta[first - 1], betaHi = g.Beta[last + 1];

        // (2) The SD: curvature of the completed log posterior at the top, plus every pending patient counted fully at its most informative.
        double h = g.Spacing;
        double precision = Math.Max((2 * logPost[top] - logPost[top - 1] - logPost[top + 1]) / (h * h), _priorPrecision);
        for (int i = 0; i < pendingLevels.Length; i++) precision += pendingWeights[i] * _infoMax[pendingLevels[i]];
        double spacing = Math.Min(SpacingPerSd / Math.Sqrt(precision), _maxSpacing);
        int t = _grids.Length - 1;
        while (t > 0 && _grids[t].Spacing > spacing) t--;

        // (3) Integrate on grid t over the window; check against every other node; refine if needed.
        for (; t >= 0; t--)
        {
            var r = Integrate(_grids[t], betaLo, betaHi, max, patients, dlts, pendingLevels, pendingWeights, out mean);
            if (r == Outcome.Accepted) return true;
            if (r == Outcome.Failed) return false;
        }
        return false;
    }

    private enum Outcome { Accepted, Refine, Failed }

    [SkipLocalsInit] // as TryBetaMean
    private Outcome Integrate(Grid g, double betaLo, double betaHi, double max, ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts,
        ReadOnlySpan<int> pendingLevels, ReadOnlySpan<double> pendingWeights, out double mean)
    {
        mean = 0;
        int width = Vector<double>.Count;
        double origin = g.Beta[0];
        int lo = (int)Math.Floor((betaLo - origin) / g.Spacing);
        int hi = (int)Math.Ceiling((betaHi - origin) / g.Spacing);
        lo = Math.Max(lo, 0);
        hi = Math.Min(hi, g.Count - 1);
        int n = (hi - lo + 1 + width - 1) / width * width;
        if (n > MaxNodes) return Outcome.Failed;
        if (lo + n > g.Count) lo = Math.Max(0, g.Count - n); // whole vectors, inside the grid: extra nodes only add negligible terms
        n = Math.Min(n, g.Count - lo) / width * width;
        if (n == 0) return Outcome.Failed;
        Span<double> terms = stackalloc double[n];
        CompletedLogPosterior(g, lo, n, patients, dlts, terms);

        var vmax = new Vector<double>(max);
        var one = Vector<double>.One;
        // Every other node, counted from the grid's origin: the nodes of the grid twice as coarse.
        Span<double> maskValues = stackalloc double[width];
        for (int i = 0; i < width; i++) maskValues[i] = (lo + i) % 2 == 0 ? 1 : 0;
        var even = new Vector<double>(maskValues);
        // Each pending patient's row of p_d on this grid, from node lo.
        int pendingCount = pendingLevels.Length;
        Span<int> rows = stackalloc int[pendingCount];
        for (int i = 0; i < pendingCount; i++) rows[i] = pendingLevels[i] * g.Stride + lo;
        ref double p = ref MemoryMarshal.GetArrayDataReference(g.P);
        ref double betaRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(g.Beta), lo);
        ref double term = ref MemoryMarshal.GetReference(terms);
        Vector<double> s = Vector<double>.Zero, b = Vector<double>.Zero, sEven = Vector<double>.Zero, bEven = Vector<double>.Zero, top = Vector<double>.Zero;
        for (int k = 0; k < n; k += width)
        {
            var f = Vector.Exp(Vector.LoadUnsafe(ref term, (nuint)k) - vmax);
            for (int i = 0; i < pendingCount; i++)
                f *= one - new Vector<double>(pendingWeights[i]) * Vector.LoadUnsafe(ref p, (nuint)(rows[i] + k));
            var beta = Vector.LoadUnsafe(ref betaRow, (nuint)k);
            var fe = f * even;
            s += f;
            b += f * beta;
            sEven += fe;
            bEven += fe * beta;
            top = Vector.Max(top, f);
            f.StoreUnsafe(ref term, (nuint)k);
        }
        double sum = Vector.Sum(s), sumEven = Vector.Sum(sEven);
        double largest = 0;
        for (int i = 0; i < width; i++) largest = Math.Max(largest, top[i]);
        if (!(sum > 0) || !double.IsFinite(sum) || !(sumEven > 0)) return Outcome.Failed;
        // The window's ends must be negligible (the pending patients could have moved the mass).
        double edge = Math.Max(terms[0], terms[n - 1]);
        if (edge > largest * Math.Exp(-Negligible + 8)) return Outcome.Failed;
        mean = Vector.Sum(b) / sum;
        double meanEven = Vector.Sum(bEven) / sumEven;
        // The rule on every other node (spacing 2h) against the rule on all: their difference is the
        // coarser rule's error, and the finer rule's is at most about its square.
        double scale = g.Spacing;
        if (Math.Abs(2 * sumEven - sum) > HalfGridTolerance * sum || Math.Abs(meanEven - mean) > HalfGridTolerance * scale)
            return Outcome.Refine;
        return Outcome.Accepted;
    }

    // log prior + sum_d x_d log p_d + (n_d - x_d) log(1 - p_d) at nodes [from, from + count) of grid g.
    private void CompletedLogPosterior(Grid g, int from, int count, ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, Span<double> into)
    {
        int width = Vector<double>.Count;
        g.LogPrior.AsSpan(from, count).CopyTo(into);
        ref double target = ref MemoryMarshal.GetReference(into);
        for (int d = 0; d < _doses; d++)
        {
            int n = patients[d];
            if (n == 0) continue;
            var vx = new Vector<double>(dlts[d]);
            var vy = new Vector<double>(n - dlts[d]);
            // Rows checked once here (the loads below are unchecked): nodes [from, from + count) of dose d.
            var lpRow = g.LogP.AsSpan(d * g.Stride + from, count);
            var l1pRow = g.Log1mP.AsSpan(d * g.Stride + from, count);
            ref double lp = ref MemoryMarshal.GetReference(lpRow);
            ref double l1p = ref MemoryMarshal.GetReference(l1pRow);
            int k = 0;
            for (; k <= count - width; k += width)
                (Vector.LoadUnsafe(ref target, (nuint)k) + vx * Vector.LoadUnsafe(ref lp, (nuint)k) + vy * Vector.LoadUnsafe(ref l1p, (nuint)k)).StoreUnsafe(ref target, (nuint)k);
            for (; k < count; k++) into[k] += dlts[d] * lpRow[k] + (n - dlts[d]) * l1pRow[k];
        }
    }
}
