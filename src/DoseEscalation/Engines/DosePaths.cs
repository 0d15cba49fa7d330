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
        Designs.Rules.AcceleratedTitration.RefuseGrade2(graph.Design, scenario, "exact --paths");
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

    /// <summary>
    /// The pathways of the first <paramref name="cohorts"/> cohorts of <paramref name="design"/> as a
    /// tree, with every scenario's probabilities. It walks the design's decisions from the empty trial
    /// (the states the exact engine's graph holds, but only those within the first cohorts, so a design
    /// whose whole graph is too large still has its first cohorts drawn). More than
    /// <paramref name="maxLeaves"/> paths is refused (a figure past that is unreadable). A node's
    /// probability is the product of its edges' in the order <see cref="Enumerate"/> takes, so a leaf's equals its path's bit for bit.
    /// </summary>
    /// <exception cref="StateSpaceTooLargeException">More than <paramref name="maxLeaves"/> paths.</exception>
    public static DosePathTree Tree(IDesign design, IReadOnlyList<Scenario> scenarios, int cohorts, int maxLeaves)
    {
        ArgumentNullException.ThrowIfNull(design);
        if (scenarios.Count == 0) throw new ArgumentException("need at least one scenario", nameof(scenarios));
        if (design.ReadsResponses) throw new ArgumentException($"design '{design.Name}' reads responses; dose paths list DLT outcomes only", nameof(design));
        int k = design.DoseCount;
        foreach (var s in scenarios)
            if (s.Dlt.Count != k) throw new ArgumentException($"scenario '{s.Name}' has {s.Dlt.Count} doses; the design has {k}", nameof(scenarios));
        foreach (var s in scenarios) Designs.Rules.AcceleratedTitration.RefuseGrade2(design, s, "the dose-transition pathways");
        if (cohorts < 1) throw new ArgumentOutOfRangeException(nameof(cohorts), cohorts, "paths need at least one cohort");
        bool keepLast = design.ReadsLastCohort;
        var patients = new int[k];
        var dlts = new int[k];
        var nodes = new List<PathNode>();
        int leaves = 0;
        int n = scenarios.Count;
        var ones = Enumerable.Repeat(1.0, n).ToArray();
        // As the state graph's walk: the first decision is probed at level 0, then the root is the empty trial at the start level.
        var first = design.Decide(new TrialState(patients, dlts, 0, -1, 0));
        if (first.IsStop) throw new DesignContractException($"{design.Name}: stopped before treating anyone");
        void Add(int current, int lastDlts, int total, int parent, int depth, (int, int, int)? outcome, double[] edge, double[] p)
        {
            var decision = design.Decide(new TrialState(patients, dlts, current, lastDlts, total));
            if (decision.IsStop ? decision.Level < Decision.NoDose || decision.Level >= k : decision.Level < 0 || decision.Level >= k)
                throw new DesignContractException($"{design.Name}: decided on level {decision.Level}, outside 0..{k - 1}");
            if (!decision.IsStop && (decision.CohortSize < 1 || decision.CohortSize > design.MaxCohortSize))
                throw new DesignContractException($"{design.Name}: cohort size {decision.CohortSize} outside 1..{design.MaxCohortSize}");
            int id = nodes.Count;
            bool leaf = decision.IsStop || depth == cohorts;
            nodes.Add(new PathNode(id, parent, depth, outcome, decision, edge, p) { IsLeaf = leaf });
            if (leaf)
            {
                if (++leaves > maxLeaves)
                    throw new StateSpaceTooLargeException($"more than {maxLeaves:N0} paths in {cohorts} cohorts of {design.Name}; a pathway figure draws at most {maxLeaves:N0} (ask for fewer cohorts)");
                return;
            }
            int level = decision.Level, m = decision.CohortSize;
            patients[level] += m;
            for (int x = 0; x <= m; x++)
            {
                var e = new double[n];
                var q = new double[n];
                for (int j = 0; j < n; j++) { e[j] = Binomial.PMF(scenarios[j].Dlt[level], m, x); q[j] = p[j] * e[j]; }
                dlts[level] += x;
                Add(level, keepLast ? x : -1, total + m, id, depth + 1, (level, m, x), e, q);
                dlts[level] -= x;
            }
            patients[level] -= m;
        }
        Add(first.Level, -1, 0, -1, 0, null, ones, ones);
        return new DosePathTree(cohorts, scenarios, nodes);
    }
}

/// <summary>
/// One node of the dose-transition pathway tree: the decision after <see cref="Depth"/> cohorts,
/// reached from <see cref="Parent"/> by the cohort outcome <see cref="Outcome"/> (null at the root).
/// </summary>
/// <param name="Id">Its index in <see cref="DosePathTree.Nodes"/>.</param>
/// <param name="Parent">Its parent's id; -1 at the root.</param>
/// <param name="Depth">Cohorts on the path to it.</param>
/// <param name="Outcome">The last cohort's dose (0-based), patients and DLTs; null at the root.</param>
/// <param name="Decision">What the design does next: treat the next cohort at a dose, or stop.</param>
/// <param name="EdgeProbability">Per scenario, P(this outcome | the parent's path): the binomial probability of the cohort's DLT count at its dose (1 at the root).</param>
/// <param name="Probability">Per scenario, P(the path from the start to this node): the product of the edge probabilities.</param>
public sealed record PathNode(int Id, int Parent, int Depth, (int Level, int Patients, int Dlts)? Outcome, Decision Decision,
    IReadOnlyList<double> EdgeProbability, IReadOnlyList<double> Probability)
{
    /// <summary>A node with no children: the trial stopped here, or the tree's last cohort is reached.</summary>
    public bool IsLeaf { get; init; }
}

/// <summary>
/// The dose-transition pathways of the first <see cref="Cohorts"/> cohorts as a tree (Yap et al.
/// 2017): the root is the first cohort's dose, each child the decision after one more cohort's DLT
/// count, in order of DLTs (0 first). The tree's shape is the design's alone; the probabilities are
/// per scenario of <see cref="Scenarios"/>. Its leaves are the paths of <see cref="DosePaths.Enumerate"/>, in the same order.
/// </summary>
public sealed class DosePathTree
{
    private readonly int[][] _children;

    internal DosePathTree(int cohorts, IReadOnlyList<Scenario> scenarios, IReadOnlyList<PathNode> nodes)
    {
        (Cohorts, Scenarios, Nodes) = (cohorts, scenarios, nodes);
        var lists = nodes.Select(_ => new List<int>()).ToArray();
        foreach (var n in nodes) if (n.Parent >= 0) lists[n.Parent].Add(n.Id);
        _children = lists.Select(l => l.ToArray()).ToArray();
    }

    public int Cohorts { get; }
    public IReadOnlyList<Scenario> Scenarios { get; }
    /// <summary>Every node, parents before children (depth-first, outcomes in order of DLTs); node 0 is the root.</summary>
    public IReadOnlyList<PathNode> Nodes { get; }
    public PathNode Root => Nodes[0];
    public IReadOnlyList<int> Children(int node) => _children[node];
    /// <summary>The leaves, top to bottom: one per distinct path.</summary>
    public IEnumerable<PathNode> Leaves => Nodes.Where(n => n.IsLeaf);
    /// <summary>The nodes from the root's child down to <paramref name="node"/>.</summary>
    public IReadOnlyList<PathNode> PathTo(int node)
    {
        var list = new List<PathNode>();
        for (int n = node; n > 0; n = Nodes[n].Parent) list.Add(Nodes[n]);
        list.Reverse();
        return list;
    }
}
