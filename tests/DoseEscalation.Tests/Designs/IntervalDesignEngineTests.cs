using DoseEscalation;
using DoseEscalation.Engines;

namespace DoseEscalation.Tests.Designs;

/// <summary>Exact engine against the Monte Carlo trial loop for every interval design.</summary>
public class IntervalDesignEngineTests
{
    private static readonly double[][] Truths =
    [
        [0.05, 0.15, 0.30, 0.45, 0.60],
        [0.30, 0.42, 0.52, 0.60, 0.70],
        [0.02, 0.05, 0.08, 0.12, 0.30],
    ];

    private static IDesign Make(string name) => name switch
    {
        "boin" => Design.Boin(5, 0.3),
        "mtpi2" => Design.Mtpi2(5, 0.3),
        "keyboard" => Design.Keyboard(5, 0.3, nEarlystop: 12),
        "i3+3" => Design.IThreePlusThree(5, 0.3, extraSafe: true),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { "boin", "mtpi2", "keyboard", "i3+3" })
            for (int s = 0; s < Truths.Length; s++) data.Add(name, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exact_and_Monte_Carlo_agree_within_four_standard_errors(string name, int scenario)
    {
        var design = Make(name);
        var sc = new Scenario($"s{scenario}", Truths[scenario]);
        var exact = ExactEngine.Run(design, sc, 0.3);
        var mc = MonteCarloEngine.Run(design, sc, 0.3, new MonteCarloOptions
        {
            Trials = 200_000, Seed = 20261122, Method = SimulationMethod.TrialLoop,
        });

        Assert.Equal(1.0, exact.TotalProbability, 12);
        for (int i = 0; i < exact.Selection.Length; i++)
            Within(exact.Selection[i].Value, mc.Selection[i], $"{name} {sc.Name} P(select {i})");
        for (int d = 0; d < exact.MeanPatients.Length; d++)
            Within(exact.MeanPatients[d].Value, mc.MeanPatients[d], $"{name} {sc.Name} patients at {d + 1}");
        Within(exact.MeanN.Value, mc.MeanN, $"{name} {sc.Name} mean N");
        Within(exact.MeanTotalDlts.Value, mc.MeanTotalDlts, $"{name} {sc.Name} mean DLTs");
    }

    private static void Within(double exact, Estimate mc, string what)
    {
        // A zero standard error means no trial varied: the exact value must then be (nearly) the same.
        double tolerance = Math.Max(4 * mc.Se, 1e-9);
        Assert.True(Math.Abs(exact - mc.Value) <= tolerance, $"{what}: exact {exact:R}, Monte Carlo {mc.Value:R} +- {mc.Se:R}");
    }

    [Fact]
    public void Compiled_graph_and_trial_loop_give_the_same_kind_of_answer()
    {
        var design = Design.Boin(5, 0.3);
        var sc = new Scenario("s", Truths[0]);
        var exact = ExactEngine.Run(design, sc, 0.3);
        var compiled = MonteCarloEngine.Run(design, sc, 0.3, new MonteCarloOptions { Trials = 100_000, Method = SimulationMethod.CompiledGraph });
        for (int i = 0; i < exact.Selection.Length; i++)
            Within(exact.Selection[i].Value, compiled.Selection[i], $"compiled P(select {i})");
    }
}
