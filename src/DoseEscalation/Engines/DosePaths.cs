using MathNet.Numerics.Distributions;

namespace DoseEscalation.Engines;

/// <summary>One distinct outcome path of the first cohorts: each cohort's dose and DLT count.</summary>
public sealed record DosePath(IReadOnlyList<(int Level, int Patients, int Dlts)> Cohorts, double Probability, Decision Next)
{
    /// <summary>"1:0/3 2:1/3 2:0/3" (dose number: DLTs/patients per cohort).</summary>
    public string Notation => string.Join(" ", Cohorts.Select(c => $"{c.Level + 1}:{c.Dlts}/{c.Patients}"));
}

/// <summary>
/// Dose-transition pathways (as SPIRIT-DEFINE asks protocols to show): every distinct sequence of
/// cohort outcomes up to a number of cohorts, with its exact probability under a scenario and the
/// decision that follows it.
/// </summary>
internal static class DosePaths
{
    public static IReadOnlyList<DosePath> Enumerate(StateGraph graph, Scenario scenario, int cohorts, int maxPaths = 100_000)
    {
        ExactEngine.CheckDoses(graph, scenario);
        if (cohorts < 1) throw new ArgumentOutOfRangeException(nameof(cohorts), cohorts, "paths need at least one cohort");
        var result = new List<DosePath>();
        var stack = new List<(int, int, int)>();
        void Walk(int node, double p)
        {
            bool terminal = graph.IsTerminal(node);
            if (terminal || stack.Count == cohorts)
            {
                if (stack.Count == 0) return;
                if (result.Count >= maxPaths)
                    throw new StateSpaceTooLargeException($"more than {maxPaths:N0} paths in {cohorts} cohorts; ask for fewer cohorts");
                var next = terminal ? Decision.Select(graph.SelectedLevel(node)) : Decision.Treat(graph.NextLevel(node), graph.NextCohortSize(node));
                if (terminal && graph.SelectedLevel(node) < 0) next = Decision.StopNoDose;
                result.Add(new DosePath(stack.ToArray(), p, next));
                return;
            }
            int level = graph.NextLevel(node), m = graph.NextCohortSize(node);
            for (int x = 0; x <= m; x++)
            {
                stack.Add((level, m, x));
                Walk(graph.Child(node, x), p * Binomial.PMF(scenario.Dlt[level], m, x));
                stack.RemoveAt(stack.Count - 1);
            }
        }
        Walk(graph.Root, 1.0);
        return result;
    }
}
