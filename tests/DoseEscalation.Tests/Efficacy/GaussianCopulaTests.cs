using DoseEscalation.Numerics;
using DoseEscalation.Scenarios;
using MathNet.Numerics.Distributions;

namespace DoseEscalation.Tests.Efficacy;

/// <summary>The bivariate normal distribution function and the Gaussian-copula association built on it.</summary>
public class GaussianCopulaTests
{
    [Theory]
    [InlineData(-0.999)]
    [InlineData(-0.9)]
    [InlineData(-0.5)]
    [InlineData(0.3)]
    [InlineData(0.8)]
    [InlineData(0.999)]
    public void At_the_origin_it_is_the_closed_form(double rho) =>
        // P(X <= 0, Y <= 0) = 1/4 + asin(rho) / (2 pi) (Sheppard).
        Assert.Equal(0.25 + Math.Asin(rho) / (2 * Math.PI), BivariateNormal.Cdf(0, 0, rho), 13);

    [Theory]
    [InlineData(-1.3, 0.4, 0.0)]
    [InlineData(0.5, 1.2, 0.6)]
    [InlineData(-0.7, -1.1, 0.9)]
    [InlineData(1.5, -0.2, -0.7)]
    [InlineData(-2.1, 0.9, 0.95)]
    public void It_agrees_with_a_direct_integration_of_the_conditional_form(double h, double k, double rho)
    {
        // P(X <= h, Y <= k) = integral to h of phi(x) Phi((k - rho x) / sqrt(1 - rho^2)) dx, integrated
        // independently of the design's formula (double-exponential quadrature).
        double s = Math.Sqrt(1 - rho * rho);
        double direct = MathNet.Numerics.Integrate.DoubleExponential(x => Normal.PDF(0, 1, x) * Normal.CDF(0, 1, (k - rho * x) / s), -40, h, 1e-14);
        Assert.Equal(direct, BivariateNormal.Cdf(h, k, rho), 11);
        // Symmetry and complement: Phi2(h, k; rho) + Phi2(h, -k; -rho) = Phi(h).
        Assert.Equal(BivariateNormal.Cdf(h, k, rho), BivariateNormal.Cdf(k, h, rho), 13);
        Assert.Equal(Normal.CDF(0, 1, h), BivariateNormal.Cdf(h, k, rho) + BivariateNormal.Cdf(h, -k, -rho), 13);
    }

    [Fact]
    public void Gaussian_cells_keep_the_marginals_and_order_with_rho()
    {
        double previous = -1;
        foreach (double rho in new[] { -0.9, -0.4, 0.0, 0.4, 0.9 })
        {
            var c = OutcomeCells.Gaussian(0.25, 0.4, rho);
            Assert.Null(c.Problem());
            Assert.Equal(0.25, c.Dlt, 12);
            Assert.Equal(0.4, c.Response, 12);
            Assert.True(c.DltResponse > previous, $"rho {rho}: P(DLT, response) {c.DltResponse} does not grow with rho");
            previous = c.DltResponse;
        }
        Assert.Equal(0.25 * 0.4, OutcomeCells.Gaussian(0.25, 0.4, 0).DltResponse, 14); // independence
        Assert.Equal(0.0, OutcomeCells.Gaussian(0.0, 0.4, 0.5).DltResponse);
        Assert.Equal(0.4, OutcomeCells.Gaussian(1.0, 0.4, 0.5).DltResponse);
    }

    [Fact]
    public void A_file_gives_a_gaussian_association()
    {
        var file = ScenarioFileReader.Parse("""
            trial:
              name: t
            doses: [A, B]
            scenarios:
              - name: s
                dlt: [0.1, 0.3]
                response: [0.2, 0.5]
                association: {gaussian: 0.5}
            """, "t.yaml");
        var s = file.Scenarios[0];
        Assert.Equal(AssociationKind.Gaussian, s.Association);
        Assert.Equal(0.5, s.GaussianRho);
        var c = s.Cells(1);
        Assert.Equal(BivariateNormal.Cdf(Normal.InvCDF(0, 1, 0.3), Normal.InvCDF(0, 1, 0.5), 0.5), c.DltResponse, 15);
    }

    [Fact]
    public void Per_patient_responses_are_drawn_given_the_dlt_from_the_joint_model()
    {
        // P(response | DLT) = P(DLT, response) / P(DLT) and P(response | no DLT) = P(no DLT, response) / (1 - P(DLT)).
        var s = new Scenario("s", [0.2, 0.4]) { Response = [0.3, 0.6] };
        var independent = DoseEscalation.Engines.Calendar.ResponseThresholds.For(s)!;
        Assert.Equal(independent.GivenDlt, independent.GivenNoDlt);
        Assert.Equal(DoseEscalation.Engines.CompiledScenario.BernoulliThreshold(0.6), independent.GivenDlt[1]);
        var gaussian = DoseEscalation.Engines.Calendar.ResponseThresholds.For(s.WithGaussian(0.6))!;
        var c = s.WithGaussian(0.6).Cells(1);
        Assert.Equal(DoseEscalation.Engines.CompiledScenario.BernoulliThreshold(c.DltResponse / 0.4), gaussian.GivenDlt[1]);
        Assert.Equal(DoseEscalation.Engines.CompiledScenario.BernoulliThreshold(c.ResponseNoDlt / 0.6), gaussian.GivenNoDlt[1]);
        Assert.True(gaussian.GivenDlt[1] > gaussian.GivenNoDlt[1]); // positive association: responders more likely among DLTs
    }
}
