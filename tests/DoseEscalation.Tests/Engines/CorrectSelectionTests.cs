using System.Text.Json;
using DoseEscalation.Engines;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Engines;

/// <summary>The correct-selection definition: the same in every summary and in the benchmark.</summary>
public class CorrectSelectionTests
{
    // Target 0.3: the true MTD (highest at or below) is dose 3 (0.25); the closest is dose 4 (0.32);
    // the window [0.25, 0.35] holds doses 3 and 4.
    private static readonly Scenario S = new("s", [0.05, 0.10, 0.25, 0.32, 0.45]);

    [Fact]
    public void Each_definition_marks_the_doses_it_names()
    {
        Assert.Equal([false, false, false, true, false, false], CorrectSelection.HighestAtOrBelowTarget.CorrectOutcomes(S, 0.3));
        Assert.Equal([false, false, false, false, true, false], CorrectSelection.ClosestToTarget.CorrectOutcomes(S, 0.3));
        Assert.Equal([false, false, false, true, true, false], CorrectSelection.Window(0.05, 0.05).CorrectOutcomes(S, 0.3));
        // Nothing in the window and dose 1 above it: stopping with no dose is correct.
        Assert.Equal([true, false, false], CorrectSelection.Window(0.05, 0.05).CorrectOutcomes(new Scenario("t", [0.5, 0.6]), 0.3));
        Assert.Equal([true, false, false], CorrectSelection.HighestAtOrBelowTarget.CorrectOutcomes(new Scenario("t", [0.5, 0.6]), 0.3));
    }

    private static JsonElement Json(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.True(CliEntry.Run(args, o, e) == 0, e.ToString());
        return JsonDocument.Parse(o.ToString()).RootElement.Clone();
    }

    [Theory]
    [InlineData("highest-at-or-below-target", new[] { 3 })]
    [InlineData("closest-to-target", new[] { 4 })]
    [InlineData("window", new[] { 3, 4 })]
    public void Exact_p_correct_is_the_selection_probability_of_the_correct_doses(string rule, int[] doses)
    {
        var args = new List<string> { "exact", "--dlt", "0.05,0.10,0.25,0.32,0.45", "--format", "json", "--correct-selection", rule };
        if (rule == "window") args.AddRange(["--correct-window", "0.05,0.05"]);
        var root = Json([.. args]);
        Assert.Equal(rule, root.GetProperty("correct_selection").GetProperty("rule").GetString());
        var sc = root.GetProperty("scenarios")[0];
        var selection = sc.GetProperty("selection").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double expected = doses.Sum(d => selection[d]);
        Assert.Equal(expected, sc.GetProperty("p_correct_selection").GetDouble(), 14);
        // The exact engine on the same design agrees.
        var oc = ExactEngine.Run(StateGraph.Build(Design.ThreePlusThree(5)), S, 0.3);
        Assert.Equal(doses.Sum(d => oc.Selection[d].Value), expected, 12);
    }

    [Fact]
    public void Compare_and_its_benchmark_use_the_same_definition()
    {
        string[] common = ["compare", "--dlt", "0.05,0.10,0.25,0.32,0.45", "--designs", "3+3,boin", "--trials", "20000", "--format", "json"];
        var highest = Json(common).GetProperty("scenarios")[0];
        var window = Json([.. common, "--correct-selection", "window", "--correct-window", "0.05,0.05"]).GetProperty("scenarios")[0];
        var closest = Json([.. common, "--correct-selection", "closest-to-target"]).GetProperty("scenarios")[0];
        double B(JsonElement sc) => sc.GetProperty("benchmark_p_correct_selection").GetDouble();
        // Same trials (same seed): the window's correct set is the union of the other two, so its P(correct) is their sum.
        Assert.Equal(B(highest) + B(closest), B(window), 12);
        foreach (int j in new[] { 0, 1 })
        {
            double P(JsonElement sc) => sc.GetProperty("designs")[j].GetProperty("p_correct_selection").GetDouble();
            Assert.Equal(P(highest) + P(closest), P(window), 12);
        }
    }
}
