using DoseEscalation.Scenarios;

namespace DoseEscalation.Tests.Efficacy;

/// <summary>The joint (DLT, response) model of a scenario: independence, the Gumbel (FGM) model, cells given directly.</summary>
public class JointOutcomeTests
{
    private const string Head = """
        trial:
          name: t
        doses: [A, B]
        scenarios:
          - name: s

        """;

    private static Scenario One(string body) => ScenarioFileReader.Parse(Head + body, "t.yaml").Scenarios[0];

    private static ScenarioFileException Bad(string body) =>
        Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(Head + body, "t.yaml"));

    [Fact]
    public void Independent_cells_are_products_of_the_marginals()
    {
        var s = new Scenario("s", [0.1, 0.3]) { Response = [0.2, 0.5] };
        var c = s.Cells(1);
        Assert.Equal(AssociationKind.Independent, s.Association);
        Assert.Equal(0.15, c.DltResponse, 15);
        Assert.Equal(0.15, c.DltNoResponse, 15);
        Assert.Equal(0.35, c.ResponseNoDlt, 15);
        Assert.Equal(0.35, c.Neither, 15);
    }

    [Fact]
    public void Gumbel_cells_keep_the_marginals_and_move_the_joint_cell_by_rho_times_the_variances()
    {
        // p11 = 0.3 * 0.5 + 0.6 * 0.3*0.7 * 0.5*0.5 = 0.15 + 0.0315
        var c = OutcomeCells.Gumbel(0.3, 0.5, 0.6);
        Assert.Equal(0.1815, c.DltResponse, 15);
        Assert.Equal(0.1185, c.DltNoResponse, 15);
        Assert.Equal(0.3185, c.ResponseNoDlt, 15);
        Assert.Equal(0.3815, c.Neither, 15);
        Assert.Equal(0.3, c.Dlt, 15);
        Assert.Equal(0.5, c.Response, 15);
        // The extremes stay valid cells.
        foreach (double rho in new[] { -1.0, 1.0 })
            foreach (double p in new[] { 0.0, 0.01, 0.5, 0.99, 1.0 })
                Assert.Null(OutcomeCells.Gumbel(p, 1 - p, rho).Problem());
    }

    [Fact]
    public void A_file_gives_the_association_as_gumbel_or_independent()
    {
        var g = One("    dlt: [0.1, 0.3]\n    response: [0.2, 0.5]\n    association: {gumbel: 0.6}\n");
        Assert.Equal(AssociationKind.Gumbel, g.Association);
        Assert.Equal(OutcomeCells.Gumbel(0.3, 0.5, 0.6), g.Cells(1));
        var i = One("    dlt: [0.1, 0.3]\n    response: [0.2, 0.5]\n    association: independent\n");
        Assert.Equal(AssociationKind.Independent, i.Association);
        Assert.Equal(OutcomeCells.Independent(0.1, 0.2), i.Cells(0));
    }

    [Fact]
    public void A_file_gives_the_four_cells_and_the_marginals_follow()
    {
        var s = One("    cells: [[0.02, 0.08, 0.18, 0.72], [0.1, 0.2, 0.3, 0.4]]\n");
        Assert.Equal(AssociationKind.Cells, s.Association);
        Assert.Equal(0.1, s.Dlt[0], 15);
        Assert.Equal(0.3, s.Dlt[1], 15);
        Assert.Equal(0.2, s.Response![0], 15);
        Assert.Equal(0.4, s.Response[1], 15);
        Assert.Equal(new OutcomeCells(0.1, 0.2, 0.3, 0.4), s.Cells(1));
        // Consistent marginals beside the cells are accepted.
        var t = One("    dlt: [0.1, 0.3]\n    response: [0.2, 0.4]\n    cells: [[0.02, 0.08, 0.18, 0.72], [0.1, 0.2, 0.3, 0.4]]\n");
        Assert.Equal(s.Cells(0), t.Cells(0));
    }

    [Fact]
    public void Without_response_a_scenario_has_no_cells_and_old_files_read_as_before()
    {
        var s = One("    dlt: [0.1, 0.3]\n");
        Assert.False(s.HasResponse);
        Assert.Null(s.JointOutcomes);
        Assert.Throws<InvalidOperationException>(() => s.Cells(0));
    }

    [Theory]
    [InlineData("    cells: [[0.02, 0.08, 0.18, 0.70], [0.1, 0.2, 0.3, 0.4]]\n", "scenarios[0].cells[0]", "sum to 0.98")]
    [InlineData("    cells: [[0.02, 0.08, 0.9], [0.1, 0.2, 0.3, 0.4]]\n", "scenarios[0].cells[0]", "four probabilities")]
    [InlineData("    cells: [[0.1, 0.2, 0.3, 0.4]]\n", "scenarios[0].cells", "1 doses but there are 2")]
    [InlineData("    cells: [[0.02, 0.08, 1.2, -0.3], [0.1, 0.2, 0.3, 0.4]]\n", "scenarios[0].cells[0][2]", "[0, 1]")]
    [InlineData("    dlt: [0.1, 0.35]\n    cells: [[0.02, 0.08, 0.18, 0.72], [0.1, 0.2, 0.3, 0.4]]\n", "scenarios[0].dlt[1]", "P(DLT) = 0.3")]
    [InlineData("    response: [0.2, 0.5]\n    cells: [[0.02, 0.08, 0.18, 0.72], [0.1, 0.2, 0.3, 0.4]]\n", "scenarios[0].response[1]", "P(response) = 0.4")]
    [InlineData("    cells: [[0.02, 0.08, 0.18, 0.72], [0.1, 0.2, 0.3, 0.4]]\n    association: {gumbel: 0.2}\n", "scenarios[0].association", "not both")]
    [InlineData("    dlt: [0.1, 0.3]\n    response: [0.2, 0.5]\n    association: {gumbel: 1.5}\n", "scenarios[0].association.gumbel", "between -1 and 1")]
    [InlineData("    dlt: [0.1, 0.3]\n    response: [0.2, 0.5]\n    association: {clayton: 1}\n", "scenarios[0].association.clayton", "unknown key")]
    [InlineData("    dlt: [0.1, 0.3]\n    response: [0.2, 0.5]\n    association: positive\n", "scenarios[0].association", "independent, {gumbel")]
    [InlineData("    dlt: [0.1, 0.3]\n    response: [0.2, 0.5]\n    association: {gaussian: 1}\n", "scenarios[0].association.gaussian", "between -0.999 and 0.999")]
    [InlineData("    dlt: [0.1, 0.3]\n    response: [0.2, 0.5]\n    association: {gaussian: 0.2, gumbel: 0.1}\n", "scenarios[0].association", "one of gumbel")]
    [InlineData("    dlt: [0.1, 0.3]\n    association: {gumbel: 0.5}\n", "scenarios[0].association", "needs response")]
    public void Bad_joint_models_are_refused_naming_the_file_field_and_value(string body, string field, string problem)
    {
        var ex = Bad(body);
        Assert.StartsWith("t.yaml:", ex.Message);
        Assert.Contains(field, ex.Message);
        Assert.Contains(problem, ex.Message);
    }
}
