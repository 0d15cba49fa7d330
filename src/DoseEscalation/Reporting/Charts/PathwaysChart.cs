using SkiaSharp;
using DoseEscalation.Engines;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>How a pathway figure writes a cohort's outcome on an edge.</summary>
public enum PathLabels
{
    /// <summary>DLTs/patients, e.g. "1/3" (the notation of <c>exact --paths</c>).</summary>
    Counts,
    /// <summary>One letter per patient, N (no DLT) then T (DLT), e.g. "NNT" (escalation's dose_paths and Yap et al. 2017).</summary>
    Letters,
}

/// <summary>Which probabilities a pathway figure writes.</summary>
public enum PathProbabilities
{
    /// <summary>The tree alone: the design's decisions, no scenario.</summary>
    None,
    /// <summary>P(path) of every path, one column per scenario.</summary>
    Paths,
    /// <summary>P(path), and on every edge P(the cohort's outcome | the path so far): one scenario only.</summary>
    Edges,
}

/// <summary>Settings of <see cref="PathwaysChart.Tree"/>.</summary>
public sealed record PathwaysOptions
{
    public PathLabels Labels { get; init; } = PathLabels.Counts;
    public PathProbabilities Probabilities { get; init; } = PathProbabilities.Paths;
    /// <summary>Label per dose level for the legend, e.g. "DL2: 10 mg"; default none (the legend says "Dose d").</summary>
    public IReadOnlyList<string>? DoseLabels { get; init; }
    /// <summary>Replaces the default title.</summary>
    public string? Title { get; init; }
}

/// <summary>A node placed on the figure: its box's left edge, centre line, width, text and colours.</summary>
public sealed record PlacedNode(int Id, float X, float Y, float Width, string Label, string Fill, string Stroke);

/// <summary>An edge from a parent to a child, with the label written on the segment entering the child.</summary>
public sealed record PlacedEdge(int From, int To, string Label);

/// <summary>The laid-out tree of a pathway figure, in CSS pixels from the top-left of the figure's body.</summary>
public sealed record PathwaysLayout(IReadOnlyList<PlacedNode> Nodes, IReadOnlyList<PlacedEdge> Edges, float Width, float Height, float RowPitch);

/// <summary>
/// Dose-transition pathways as a figure (Yap et al. 2017, Clin Cancer Res 23:7440; escalation's
/// graph_paths): a tree read left to right, the root the first cohort's dose, each node the decision
/// after one more cohort (the next cohort's dose, coloured by dose, or a stop), each edge the
/// cohort's outcome; beside each path its exact probability under each scenario. The layout is a
/// deterministic tidy tree: leaves one row apart in the order of the text output, each parent
/// centred on its first and last children, one column per cohort.
/// </summary>
public static class PathwaysChart
{
    /// <summary>The most paths a figure draws: past this the rows no longer fit a page (escalation's dose_paths says "Be patient" past 100).</summary>
    public const int MaxPaths = 100;

    private const float Pad = 16;
    private const float TextSize = 11.5f;
    private const float HeaderSize = 11.5f;
    private const float RowPitch = 26;
    private const float NodeHeight = 19;
    private const float SpineGap = 10;
    private const float LegendRowHeight = 20;
    private const float MinWidth = 560;
    private const string StopFill = "#EEEEEE";
    private const string Stripe = "#F5F5F5";

    /// <summary>The figure of <paramref name="tree"/>; <paramref name="design"/> (the design's description) goes in the caption.</summary>
    public static Figure Tree(DosePathTree tree, string design, PathwaysOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tree);
        options ??= new PathwaysOptions();
        Check(tree, options);
        var body = new Body(tree, options);
        string title = options.Title ?? (options.Probabilities == PathProbabilities.Edges
            ? $"Dose-transition pathways of the first {Cohorts(tree.Cohorts)}, scenario '{tree.Scenarios[0].Name}'"
            : $"Dose-transition pathways of the first {Cohorts(tree.Cohorts)}");
        return new Figure(title, Caption(tree, design, options), Describe(tree, options), body);
    }

    /// <summary>The positions of the nodes and the edges' labels (what the figure draws; the tests check it).</summary>
    public static PathwaysLayout Lay(DosePathTree tree, PathwaysOptions? options = null)
    {
        options ??= new PathwaysOptions();
        Check(tree, options);
        return new Body(tree, options).Layout;
    }

    /// <summary>A cohort's outcome as an edge label: "1/3" or "NNT".</summary>
    public static string Outcome(int patients, int dlts, PathLabels labels) => labels == PathLabels.Letters
        ? new string('N', patients - dlts) + new string('T', dlts)
        : $"{dlts}/{patients}";

    /// <summary>A node's text: "Dose 2" (the next cohort's dose), "Stop: dose 2" (select it) or "Stop: none".</summary>
    public static string NodeLabel(Decision d) => d.Kind == DecisionKind.Treat ? $"Dose {d.Level + 1}"
        : d.Level == Decision.NoDose ? "Stop: none" : $"Stop: dose {d.Level + 1}";

    /// <summary>A probability as the figure writes it: one decimal of a percent, "&lt;0.1%" for a small non-zero one, "0%" for none.</summary>
    public static string Percent(double p) => p == 0 ? "0%" : p < 0.0005 ? "<0.1%" : Formatting.Percent(p, 1);

    private static string Cohorts(int n) => n == 1 ? "cohort" : $"{n} cohorts";

    private static void Check(DosePathTree tree, PathwaysOptions options)
    {
        if (options.Probabilities == PathProbabilities.Edges && tree.Scenarios.Count != 1)
            throw new ArgumentException($"edge probabilities are one scenario's; the tree has {tree.Scenarios.Count}", nameof(options));
        int leaves = tree.Leaves.Count();
        if (leaves > MaxPaths) throw new ArgumentException($"{leaves} paths; a pathway figure draws at most {MaxPaths}", nameof(tree));
    }

    private static string Caption(DosePathTree tree, string design, PathwaysOptions options)
    {
        var parts = new List<string> { $"{design}." };
        parts.Add("Each node is the decision after the cohorts on its path: the dose of the next cohort, or stop (with the dose selected).");
        parts.Add(options.Labels == PathLabels.Letters
            ? "Each edge is a cohort's outcome, one letter per patient: N no DLT, T DLT."
            : "Each edge is a cohort's outcome: DLTs/patients.");
        if (options.Probabilities == PathProbabilities.Edges)
            parts.Add("The percentage on an edge is P(that outcome | the path so far), the binomial probability at the cohort's dose.");
        if (options.Probabilities != PathProbabilities.None)
        {
            parts.Add("P(path): exact probability of each path under the scenario (true P(DLT) per dose) " +
                string.Join("; ", tree.Scenarios.Select(s => $"'{s.Name}' {string.Join(", ", s.Dlt.Select(v => Formatting.Round(v, 2)))}")) + ".");
        }
        return string.Join(" ", parts);
    }

    private static string Describe(DosePathTree tree, PathwaysOptions options)
    {
        var paths = tree.Leaves.Select((leaf, i) =>
        {
            string steps = string.Join(", ", tree.PathTo(leaf.Id).Select(n => $"dose {n.Outcome!.Value.Level + 1} {Outcome(n.Outcome.Value.Patients, n.Outcome.Value.Dlts, options.Labels)}"));
            string p = options.Probabilities == PathProbabilities.None ? ""
                : "; P = " + string.Join(", ", tree.Scenarios.Select((s, j) => $"{Percent(leaf.Probability[j])} ('{s.Name}')"));
            return $"Path {i + 1}: {steps}, then {leaf.Decision}{p}.";
        });
        return $"A tree from the first cohort at dose {tree.Root.Decision.Level + 1}: {tree.Leaves.Count()} paths of up to {Cohorts(tree.Cohorts)}. " + string.Join(" ", paths);
    }

    /// <summary>The laid-out tree and its drawing.</summary>
    private sealed class Body : IFigureBody
    {
        private readonly DosePathTree _tree;
        private readonly PathwaysOptions _options;
        private readonly List<(string Color, string Stroke, string Label)> _legend = [];
        private readonly List<List<int>> _legendRows = [];
        private readonly float _nodeWidth, _columnGap, _treeTop, _probLeft, _headerTop;
        private readonly List<float> _probWidths = [];
        private readonly List<IReadOnlyList<string>> _probHeaders = [];
        private readonly int _depth;

        public Body(DosePathTree tree, PathwaysOptions options)
        {
            (_tree, _options) = (tree, options);
            var nodes = tree.Nodes;
            var labels = nodes.Select(n => NodeLabel(n.Decision)).ToList();
            var edgeLabels = nodes.Select(n => n.Outcome is { } o
                ? Outcome(o.Patients, o.Dlts, options.Labels) + (options.Probabilities == PathProbabilities.Edges ? "  " + Percent(n.EdgeProbability[0]) : "")
                : "").ToList();
            _nodeWidth = labels.Max(l => ChartFonts.Width(l, TextSize, bold: true)) + 16;
            _columnGap = SpineGap + edgeLabels.Max(l => ChartFonts.Width(l, TextSize)) + 18;
            _depth = nodes.Max(n => n.Depth);
            float treeRight = Pad + _depth * (_nodeWidth + _columnGap) + _nodeWidth;
            _probLeft = treeRight + 18;
            float x = _probLeft;
            if (options.Probabilities != PathProbabilities.None)
            {
                foreach (var s in tree.Scenarios)
                {
                    var header = ChartFonts.Wrap(s.Name, HeaderSize, 150, bold: true);
                    _probHeaders.Add(header);
                    float w = Math.Max(header.Max(h => ChartFonts.Width(h, HeaderSize, bold: true)), ChartFonts.Width("100.0%", TextSize)) + 16;
                    _probWidths.Add(w);
                    x += w;
                }
            }
            // The legend: a box per dose that appears in the tree, and the stop boxes.
            float width = Math.Max(MinWidth, x + Pad);
            var levels = nodes.Select(n => n.Decision.Level).Where(l => l >= 0).Distinct().Order().ToList();
            foreach (int l in levels)
            {
                string name = options.DoseLabels is { } d && l < d.Count ? $"Dose {l + 1} ({d[l]})" : $"Dose {l + 1}";
                _legend.Add((Tint(Palette.At(l)), Palette.At(l), name));
            }
            if (nodes.Any(n => n.Decision.IsStop && n.Decision.Level >= 0)) _legend.Add(("#FFFFFF", Palette.Ink, "Stop, selecting a dose"));
            if (nodes.Any(n => n.Decision.IsStop && n.Decision.Level < 0)) _legend.Add((StopFill, Palette.Muted, "Stop, no dose selected"));
            var row = new List<int>();
            float rx = 0;
            for (int i = 0; i < _legend.Count; i++)
            {
                float w = LegendWidth(_legend[i].Label);
                if (row.Count > 0 && rx + w > width - 2 * Pad) { _legendRows.Add(row); row = []; rx = 0; }
                row.Add(i);
                rx += w;
            }
            if (row.Count > 0) _legendRows.Add(row);
            _headerTop = _legendRows.Count * LegendRowHeight + 8;
            int headerLines = Math.Max(1, _probHeaders.Count == 0 ? 1 : _probHeaders.Max(h => h.Count) + 1);
            _treeTop = _headerTop + headerLines * HeaderSize * 1.3f + 6;
            Layout = Place(labels, edgeLabels, width);
        }

        public PathwaysLayout Layout { get; }
        public float Width => Layout.Width;
        public float Height => Layout.Height;

        private static float LegendWidth(string label) => 22 + ChartFonts.Width(label, TextSize) + 18;

        private PathwaysLayout Place(List<string> labels, List<string> edgeLabels, float width)
        {
            var nodes = _tree.Nodes;
            var y = new float[nodes.Count];
            int leaf = 0;
            foreach (var n in nodes) if (n.IsLeaf) y[n.Id] = _treeTop + (leaf++ + 0.5f) * RowPitch;
            // Parents before children in Nodes, so children are placed first going backwards.
            for (int id = nodes.Count - 1; id >= 0; id--)
            {
                var children = _tree.Children(id);
                if (children.Count > 0) y[id] = (y[children[0]] + y[children[^1]]) / 2;
            }
            var placed = nodes.Select(n =>
            {
                var d = n.Decision;
                string fill = d.Kind == DecisionKind.Treat ? Tint(Palette.At(d.Level)) : d.Level >= 0 ? "#FFFFFF" : StopFill;
                string stroke = d.Kind == DecisionKind.Treat ? Palette.At(d.Level) : d.Level >= 0 ? Palette.Ink : Palette.Muted;
                return new PlacedNode(n.Id, Pad + n.Depth * (_nodeWidth + _columnGap), y[n.Id], _nodeWidth, labels[n.Id], fill, stroke);
            }).ToList();
            var edges = nodes.Where(n => n.Parent >= 0).Select(n => new PlacedEdge(n.Parent, n.Id, edgeLabels[n.Id])).ToList();
            float height = _treeTop + leaf * RowPitch + 4;
            return new PathwaysLayout(placed, edges, width, height, RowPitch);
        }

        public void Draw(SKCanvas canvas, float top)
        {
            var layout = Layout;
            // Legend.
            for (int r = 0; r < _legendRows.Count; r++)
            {
                float x = Pad, cy = top + r * LegendRowHeight + LegendRowHeight / 2;
                foreach (int i in _legendRows[r])
                {
                    var (fill, stroke, label) = _legend[i];
                    Box(canvas, x, cy - 6, 16, 12, fill, stroke);
                    Text(canvas, label, x + 22, cy + TextSize * 0.35f, TextSize, false, Palette.Ink, SKTextAlign.Left);
                    x += LegendWidth(label);
                }
            }
            // Column headers: the cohorts, then P(path) per scenario.
            float headerBase = top + _headerTop + HeaderSize;
            int probLines = _probHeaders.Count == 0 ? 0 : _probHeaders.Max(h => h.Count);
            float cohortBase = headerBase + probLines * HeaderSize * 1.3f;
            for (int d = 0; d <= _depth; d++)
            {
                float cx = Pad + d * (_nodeWidth + _columnGap) + _nodeWidth / 2;
                Text(canvas, d == 0 ? "Start" : $"After cohort {d}", cx, cohortBase, HeaderSize, true, Palette.Muted, SKTextAlign.Center);
            }
            if (_probHeaders.Count > 0)
            {
                float span = _probWidths.Sum();
                Text(canvas, "P(path)", _probLeft + span / 2, headerBase, HeaderSize, true, Palette.Muted, SKTextAlign.Center);
                float x = _probLeft;
                for (int j = 0; j < _probHeaders.Count; j++)
                {
                    x += _probWidths[j];
                    for (int l = 0; l < _probHeaders[j].Count; l++)
                        Text(canvas, _probHeaders[j][^(l + 1)], x - 8, cohortBase - l * HeaderSize * 1.3f, HeaderSize, true, Palette.Ink, SKTextAlign.Right);
                }
            }
            // Stripes on every other path, so a path's row reads across to its probabilities.
            var leaves = _tree.Leaves.ToList();
            using (var stripe = new SKPaint { Color = SKColor.Parse(Stripe), Style = SKPaintStyle.Fill })
                for (int i = 1; i < leaves.Count; i += 2)
                {
                    float cy = top + layout.Nodes[leaves[i].Id].Y;
                    canvas.DrawRect(Pad / 2, cy - RowPitch / 2, layout.Width - Pad, RowPitch, stripe);
                }
            using var line = new SKPaint { Color = SKColor.Parse(Palette.Muted), Style = SKPaintStyle.Stroke, StrokeWidth = 1.2f, IsAntialias = true };
            using var leader = new SKPaint { Color = SKColor.Parse("#C8C8C8"), Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = true };
            // Edges: from the parent's right edge to a vertical spine, then across to each child, the outcome above that last segment.
            foreach (var parent in layout.Nodes)
            {
                var children = _tree.Children(parent.Id);
                if (children.Count == 0) continue;
                float spine = parent.X + parent.Width + SpineGap;
                float py = top + parent.Y;
                canvas.DrawLine(parent.X + parent.Width, py, spine, py, line);
                canvas.DrawLine(spine, top + layout.Nodes[children[0]].Y, spine, top + layout.Nodes[children[^1]].Y, line);
                foreach (int c in children)
                {
                    var child = layout.Nodes[c];
                    float cy = top + child.Y;
                    canvas.DrawLine(spine, cy, child.X, cy, line);
                    Text(canvas, layout.Edges[c - 1].Label, spine + 5, cy - 4, TextSize, false, Palette.Ink, SKTextAlign.Left);
                }
            }
            foreach (var n in layout.Nodes)
            {
                float cy = top + n.Y;
                Box(canvas, n.X, cy - NodeHeight / 2, n.Width, NodeHeight, n.Fill, n.Stroke);
                Text(canvas, n.Label, n.X + n.Width / 2, cy + TextSize * 0.36f, TextSize, true, Palette.Ink, SKTextAlign.Center);
            }
            // P(path) beside each leaf, a leader line from a path that stopped early.
            if (_probHeaders.Count > 0)
                foreach (var leaf in leaves)
                {
                    var n = layout.Nodes[leaf.Id];
                    float cy = top + n.Y;
                    if (leaf.Depth < _depth) canvas.DrawLine(n.X + n.Width + 6, cy, _probLeft - 6, cy, leader);
                    float x = _probLeft;
                    for (int j = 0; j < _probWidths.Count; j++)
                    {
                        x += _probWidths[j];
                        Text(canvas, Percent(leaf.Probability[j]), x - 8, cy + TextSize * 0.36f, TextSize, false, Palette.Ink, SKTextAlign.Right);
                    }
                }
        }

        private static void Box(SKCanvas canvas, float x, float y, float w, float h, string fill, string stroke)
        {
            using var f = new SKPaint { Color = SKColor.Parse(fill), Style = SKPaintStyle.Fill, IsAntialias = true };
            using var s = new SKPaint { Color = SKColor.Parse(stroke), Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, IsAntialias = true };
            var rect = new SKRect(x, y, x + w, y + h);
            canvas.DrawRoundRect(rect, 4, 4, f);
            canvas.DrawRoundRect(rect, 4, 4, s);
        }

        private static void Text(SKCanvas canvas, string text, float x, float baseline, float size, bool bold, string color, SKTextAlign align)
        {
            using var font = ChartFonts.Font(size, bold);
            using var paint = new SKPaint { Color = SKColor.Parse(color), IsAntialias = true };
            canvas.DrawText(text, x, baseline, align, font, paint);
        }
    }

    /// <summary>A dose colour mixed two parts in three with white: a fill light enough for dark text.</summary>
    private static string Tint(string hex)
    {
        int Channel(int at) => (int)Math.Round(Convert.ToInt32(hex.Substring(at, 2), 16) / 3.0 + 255 * 2 / 3.0);
        return $"#{Channel(1):X2}{Channel(3):X2}{Channel(5):X2}";
    }
}
