namespace DoseEscalation.Designs;

/// <summary>The working dose-toxicity model of the CRM; both have one parameter beta.</summary>
public enum CrmModel
{
    /// <summary>Empiric (power) model p_d = s_d ^ exp(beta), s the skeleton.</summary>
    Empiric,
    /// <summary>One-parameter logistic model logit(p_d) = a0 + exp(beta) x_d, x_d = logit(s_d) - a0, a0 fixed (3).</summary>
    Logistic,
}

/// <summary>
/// Skeleton calibration by indifference intervals (dfcrm's <c>getprior</c>): the skeleton for which
/// the CRM's indifference interval around the target is exactly target ± halfwidth at every dose.
/// </summary>
/// <remarks>
/// Lee &amp; Cheung (2009) Clin Trials 6:227; Cheung &amp; Chappell (2002) Biometrics 58:671;
/// Cheung (2011) Dose Finding by the Continual Reassessment Method, ch. 8.
/// dfcrm builds the skeleton by a backward/forward recursion through the boundary parameters b_k;
/// solving that recursion gives the closed forms used here:
/// empiric: s_k = t ^ (r ^ (nu - k)) with r = log(t - h) / log(t + h);
/// logistic: x_k = (logit t - a0) (B / A) ^ (nu - k) with A = logit(t + h) - a0, B = logit(t - h) - a0,
/// and s_k = expit(a0 + x_k).
/// </remarks>
public static class CrmSkeleton
{
    /// <summary>The intercept a0 of the one-parameter logistic model, as in dfcrm.</summary>
    public const double DefaultIntercept = 3;

    /// <summary>
    /// The calibrated skeleton for <paramref name="doseCount"/> doses: <paramref name="priorMtd"/>
    /// (dose numbered from 1) gets the target itself; neighbours are spaced so that every
    /// indifference interval is [target - halfwidth, target + halfwidth].
    /// </summary>
    public static double[] Calibrate(double halfwidth, double target, int priorMtd, int doseCount,
        CrmModel model = CrmModel.Empiric, double intercept = DefaultIntercept)
    {
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "target must be in (0, 1)");
        if (!(halfwidth > 0 && halfwidth < Math.Min(target, 1 - target)))
            throw new ArgumentOutOfRangeException(nameof(halfwidth), halfwidth, "halfwidth must be in (0, min(target, 1 - target))");
        if (doseCount < 1) throw new ArgumentOutOfRangeException(nameof(doseCount), doseCount, "need at least one dose level");
        if (priorMtd < 1 || priorMtd > doseCount) throw new ArgumentOutOfRangeException(nameof(priorMtd), priorMtd, "prior MTD must be one of the dose levels (numbered from 1)");

        var skeleton = new double[doseCount];
        int nu = priorMtd - 1;
        switch (model)
        {
            case CrmModel.Empiric:
                double r = Math.Log(target - halfwidth) / Math.Log(target + halfwidth);
                for (int k = 0; k < doseCount; k++) skeleton[k] = Math.Pow(target, Math.Pow(r, nu - k));
                break;
            case CrmModel.Logistic:
                double a = Logit(target + halfwidth) - intercept, b = Logit(target - halfwidth) - intercept;
                // The scaled doses must be negative (dfcrm stops with "intercept ... too small" otherwise).
                if (!(a < 0)) throw new ArgumentOutOfRangeException(nameof(intercept), intercept, "intercept must exceed logit(target + halfwidth)");
                double x0 = Logit(target) - intercept;
                for (int k = 0; k < doseCount; k++) skeleton[k] = Expit(intercept + x0 * Math.Pow(b / a, nu - k));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(model), model, "unknown CRM model");
        }
        // Far from the prior MTD the closed form underflows to 0 (or rounds to 1): with many doses no
        // valid skeleton has these indifference intervals in double precision.
        for (int k = 0; k < doseCount; k++)
            if (!(skeleton[k] > 0 && skeleton[k] < 1) || k > 0 && !(skeleton[k] > skeleton[k - 1]))
                throw new ArgumentOutOfRangeException(nameof(doseCount), doseCount,
                    $"the skeleton calibrated for {doseCount} doses (halfwidth {halfwidth.ToString(System.Globalization.CultureInfo.InvariantCulture)}, prior MTD dose {priorMtd}) "
                    + $"is {(skeleton[k] >= 1 ? "1" : "0")} at dose {k + 1}: give a skeleton, fewer doses or a larger halfwidth");
        return skeleton;
    }

    internal static double Logit(double p) => Math.Log(p / (1 - p));
    internal static double Expit(double x) => 1 / (1 + Math.Exp(-x));
}
