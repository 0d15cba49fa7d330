using MathNet.Numerics.Integration;

namespace DoseEscalation.Numerics;

/// <summary>
/// Composite Gauss-Legendre quadrature: a fixed-order rule on each panel between consecutive
/// breakpoints. A breakpoint can sit exactly where an integrand has a kink or a step, so a tail
/// probability P(X &lt; c) is integrated as accurately as a smooth function.
/// </summary>
public static class CompositeGaussLegendre
{
    /// <summary>
    /// Nodes (ascending) and weights of the composite rule on [<paramref name="lower"/>,
    /// <paramref name="upper"/>] with panels no wider than <paramref name="maxPanelWidth"/>; every
    /// value of <paramref name="breakpoints"/> strictly inside the interval becomes a panel edge.
    /// </summary>
    public static (double[] Nodes, double[] Weights) Build(double lower, double upper, double maxPanelWidth, int order,
        ReadOnlySpan<double> breakpoints)
    {
        if (!(upper > lower)) throw new ArgumentOutOfRangeException(nameof(upper), upper, "upper must exceed lower");
        if (!(maxPanelWidth > 0)) throw new ArgumentOutOfRangeException(nameof(maxPanelWidth), maxPanelWidth, "panel width must be positive");
        if (order < 1) throw new ArgumentOutOfRangeException(nameof(order), order, "order must be at least 1");

        var edges = new List<double> { lower, upper };
        foreach (double b in breakpoints)
            if (b > lower && b < upper) edges.Add(b);
        edges.Sort();

        // The unit rule once; each panel is an affine map of it.
        var unit = new GaussLegendreRule(-1, 1, order);
        double[] x = unit.Abscissas, w = unit.Weights;
        Array.Sort(x, w);

        var nodes = new List<double>();
        var weights = new List<double>();
        for (int e = 0; e + 1 < edges.Count; e++)
        {
            double a = edges[e], b = edges[e + 1];
            int panels = Math.Max(1, (int)Math.Ceiling((b - a) / maxPanelWidth));
            double width = (b - a) / panels;
            for (int p = 0; p < panels; p++)
            {
                double lo = a + p * width;
                double half = width / 2, mid = lo + half;
                for (int i = 0; i < x.Length; i++)
                {
                    nodes.Add(mid + half * x[i]);
                    weights.Add(half * w[i]);
                }
            }
        }
        return (nodes.ToArray(), weights.ToArray());
    }
}
