namespace DoseEscalation;

/// <summary>
/// The joint distribution of (DLT, response) for one patient at one dose: the four cell
/// probabilities, each in [0, 1], summing to 1.
/// </summary>
public readonly record struct OutcomeCells(double DltResponse, double DltNoResponse, double ResponseNoDlt, double Neither)
{
    /// <summary>How far the four cells may sum from 1, and given marginals from the cells' marginals: 1e-6.</summary>
    public const double Tolerance = 1e-6;

    /// <summary>P(DLT) = P(DLT, response) + P(DLT, no response).</summary>
    public double Dlt => DltResponse + DltNoResponse;
    /// <summary>P(response) = P(DLT, response) + P(no DLT, response).</summary>
    public double Response => DltResponse + ResponseNoDlt;

    /// <summary>Cell i in the order (DLT and response, DLT only, response only, neither).</summary>
    public double this[int cell] => cell switch
    {
        0 => DltResponse,
        1 => DltNoResponse,
        2 => ResponseNoDlt,
        3 => Neither,
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "a cell is 0..3"),
    };

    /// <summary>
    /// The cells of a DLT probability <paramref name="dlt"/> and a response probability
    /// <paramref name="response"/> joined by the Farlie-Gumbel-Morgenstern ("Gumbel") model with
    /// association <paramref name="rho"/> in [-1, 1]: P(DLT, response) = pT pE + rho pT(1-pT) pE(1-pE).
    /// rho = 0 is independence. This is the "Gumbel model" of Thall &amp; Cook (2004, Biometrics
    /// 60:684-693) with rho = (e^psi - 1)/(e^psi + 1); every rho in [-1, 1] gives valid cells.
    /// </summary>
    public static OutcomeCells Gumbel(double dlt, double response, double rho)
    {
        if (!(dlt >= 0 && dlt <= 1)) throw new ArgumentOutOfRangeException(nameof(dlt), dlt, "a DLT probability must be in [0, 1]");
        if (!(response >= 0 && response <= 1)) throw new ArgumentOutOfRangeException(nameof(response), response, "a response probability must be in [0, 1]");
        if (!(rho >= -1 && rho <= 1)) throw new ArgumentOutOfRangeException(nameof(rho), rho, "the Gumbel association must be in [-1, 1]");
        double both = dlt * response + rho * dlt * (1 - dlt) * response * (1 - response);
        // Clamp the last-bit rounding of the differences; the model keeps every cell in [0, 1].
        return new(both, Math.Max(0, dlt - both), Math.Max(0, response - both), Math.Max(0, 1 - dlt - response + both));
    }

    /// <summary>
    /// The cells of P(DLT) = <paramref name="dlt"/> and P(response) = <paramref name="response"/>
    /// joined by a Gaussian copula with correlation <paramref name="rho"/>: P(DLT, response) =
    /// Phi2(Phi^-1(pT), Phi^-1(pE); rho), the probability that two correlated standard normal
    /// latent variables both fall below their thresholds. rho = 0 is independence.
    /// </summary>
    public static OutcomeCells Gaussian(double dlt, double response, double rho)
    {
        if (!(dlt >= 0 && dlt <= 1)) throw new ArgumentOutOfRangeException(nameof(dlt), dlt, "a DLT probability must be in [0, 1]");
        if (!(response >= 0 && response <= 1)) throw new ArgumentOutOfRangeException(nameof(response), response, "a response probability must be in [0, 1]");
        double both = dlt == 0 || response == 0 ? 0 : dlt == 1 ? response : response == 1 ? dlt
            : Numerics.BivariateNormal.Cdf(MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, dlt), MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, response), rho);
        // Frechet bounds hold for the copula; clamp the last-bit rounding of the differences.
        both = Math.Clamp(both, Math.Max(0, dlt + response - 1), Math.Min(dlt, response));
        return new(both, Math.Max(0, dlt - both), Math.Max(0, response - both), Math.Max(0, 1 - dlt - response + both));
    }

    /// <summary>Independent DLT and response (the default association).</summary>
    public static OutcomeCells Independent(double dlt, double response) => Gumbel(dlt, response, 0);

    /// <summary>The problem with these cells, or null: each in [0, 1], summing to 1 within <see cref="Tolerance"/>.</summary>
    public string? Problem()
    {
        for (int i = 0; i < 4; i++)
            if (!(this[i] >= 0 && this[i] <= 1)) return $"cell {i + 1} is {this[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; a probability must be in [0, 1]";
        double sum = DltResponse + DltNoResponse + ResponseNoDlt + Neither;
        if (Math.Abs(sum - 1) > Tolerance)
            return $"the four cells sum to {sum.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, not 1";
        return null;
    }
}

/// <summary>How a scenario joins P(DLT) and P(response) at each dose.</summary>
public enum AssociationKind
{
    /// <summary>Independent given the dose (the default).</summary>
    Independent,
    /// <summary>Farlie-Gumbel-Morgenstern ("Gumbel") model with one parameter rho in [-1, 1] (<see cref="OutcomeCells.Gumbel"/>).</summary>
    Gumbel,
    /// <summary>The four cell probabilities given per dose.</summary>
    Cells,
    /// <summary>Gaussian copula with one correlation rho in [-0.999, 0.999] (<see cref="OutcomeCells.Gaussian"/>).</summary>
    Gaussian,
}
