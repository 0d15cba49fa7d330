using System.Numerics;

namespace DoseEscalation.Numerics;

/// <summary>Pieces of the binomial log-likelihood on a grid of quadrature nodes, shared by the
/// model-based designs (CRM, BLRM) that integrate their posterior over such a grid.</summary>
internal static class BinomialLogLikelihood
{
    /// <summary>acc[i] += x log p_i + y log(1 - p_i) at every node i (x DLTs, y patients without).</summary>
    internal static void Add(Span<double> acc, ReadOnlySpan<double> logP, int x, ReadOnlySpan<double> log1mP, int y)
    {
        int i = 0;
        var vx = new Vector<double>(x);
        var vy = new Vector<double>(y);
        for (; i <= acc.Length - Vector<double>.Count; i += Vector<double>.Count)
        {
            var sum = new Vector<double>(acc[i..]) + vx * new Vector<double>(logP[i..]) + vy * new Vector<double>(log1mP[i..]);
            sum.CopyTo(acc[i..]);
        }
        for (; i < acc.Length; i++) acc[i] += x * logP[i] + y * log1mP[i];
    }

    /// <summary>log(1 + e^z) without overflow for large z: -log(1 - p) for the logistic p with logit z.</summary>
    internal static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
}
