using System.Globalization;
using DoseEscalation.Engines;
using DoseEscalation.Scenarios;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DoseEscalation.Tests.Reliability;

/// <summary>
/// Properties over random designs (built through the <see cref="Design"/> facade), options and
/// scenarios. Sizes are bounded (1-3 doses, at most 12 patients, 1,000-4,000 trials) so every
/// property runs in well under a second per case.
/// </summary>
public class PropertyTests
{
    /// <summary>A random small design and scenario, described so a failing case reads in the report.</summary>
    public sealed record Case(string Label, IDesign Design, Scenario Scenario, double Target)
    {
        public override string ToString() => $"{Label} on [{string.Join(", ", Scenario.Dlt.Select(p => p.ToString("0.###", CultureInfo.InvariantCulture)))}]";
    }

    private static readonly string[] Kinds = ["3+3", "a+b", "boin", "mtpi2", "keyboard", "i3+3", "crm"];

    /// <summary>Design kind and dose count from FsCheck; the rest derived from a generated seed.</summary>
    private static Gen<Case> Cases(int maxDoses = 3) =>
        from kind in Gen.Elements(Kinds)
        from doses in Gen.Choose(1, maxDoses)
        from seed in Gen.Choose(0, int.MaxValue)
        select Build(kind, doses, seed);

    private static Case Build(string kind, int doses, int seed)
    {
        var r = new Random(seed);
        double target = new[] { 0.2, 0.25, 0.3, 0.33 }[r.Next(4)];
        // DLT probabilities on a 0.05 grid, including the edges 0 and 1.
        var dlt = Enumerable.Range(0, doses).Select(_ => r.Next(21) * 0.05).ToArray();
        if (r.Next(2) == 0) Array.Sort(dlt);
        int start = 1 + r.Next(doses);
        int cohort = 1 + r.Next(3);
        int maxN = cohort * (1 + r.Next(Math.Max(1, 12 / cohort)));
        bool flag = r.Next(2) == 0;
        IDesign design = kind switch
        {
            "3+3" => Design.ThreePlusThree(doses, deescalate: flag, expandTopDose: r.Next(2) == 0, startDose: start),
            "a+b" => AplusB(r, doses, flag, start),
            "boin" => Design.Boin(doses, target, cohort, maxN, extraSafe: flag, startDose: start),
            "mtpi2" => Design.Mtpi2(doses, target, cohort, maxN, startDose: start),
            "keyboard" => Design.Keyboard(doses, target, cohort, maxN, startDose: start),
            "i3+3" => Design.IThreePlusThree(doses, target, cohort, maxN, startDose: start),
            _ => Design.Crm(doses, target, 0.05, 1 + r.Next(doses), cohortSize: cohort, maxN: maxN, startDose: start),
        };
        return new Case($"{design.Describe()} (start {start})", design, new Scenario("s", dlt), target);
    }

    private static IDesign AplusB(Random r, int doses, bool deescalate, int start)
    {
        int a = 1 + r.Next(3), b = 1 + r.Next(3);
        int c = 1 + r.Next(a);
        int d = c + r.Next(a - c + 1);
        int e = d + r.Next(a + b - d + 1);
        return Design.AplusB(doses, a, b, c, d, e, deescalate, startDose: start);
    }

    private static Property ForAll(Gen<Case> gen, Func<Case, bool> property) => Prop.ForAll(Arb.From(gen), property);

    [Property(MaxTest = 60)]
    public Property Exact_selection_probabilities_sum_to_one() => ForAll(Cases(), c =>
    {
        var oc = ExactEngine.Run(c.Design, c.Scenario, c.Target);
        return Math.Abs(oc.Selection.Sum(e => e.Value) - 1) < 1e-9 && Math.Abs(oc.TotalProbability - 1) < 1e-9
            && Math.Abs(oc.NDistribution.Sum() - 1) < 1e-9;
    });

    [Property(MaxTest = 40)]
    public Property Exact_equals_the_sum_over_dose_paths() => ForAll(Cases(), c =>
    {
        var graph = StateGraph.For(c.Design);
        var exact = ExactEngine.Run(graph, c.Scenario, c.Target);
        // Enough cohorts that every path reaches its stop (each cohort has at least one patient).
        var paths = DosePaths.Enumerate(graph, c.Scenario, c.Design.MaxPatients + 1);
        var byLevel = new double[c.Scenario.DoseCount + 1];
        foreach (var p in paths)
        {
            if (!p.Next.IsStop) return false;
            byLevel[p.Next.Level + 1] += p.Probability;
        }
        return byLevel.Select((v, i) => Math.Abs(v - exact.Selection[i].Value) < 1e-9).All(ok => ok);
    });

    [Property(MaxTest = 40)]
    public Property Monte_Carlo_is_within_5_standard_errors_of_exact() => ForAll(Cases(), c =>
    {
        const int n = 4_000;
        var exact = ExactEngine.Run(c.Design, c.Scenario, c.Target);
        var mc = MonteCarloEngine.Run(c.Design, c.Scenario, c.Target, new MonteCarloOptions { Trials = n, Seed = 7, Threads = 1 });
        for (int i = 0; i < exact.Selection.Length; i++)
        {
            double p = exact.Selection[i].Value;
            // 5 SE of the estimate, plus one trial's worth for the lattice of n trials.
            if (Math.Abs(mc.Selection[i].Value - p) > 5 * Math.Sqrt(p * (1 - p) / n) + 1.0 / n) return false;
        }
        double sdN = Math.Sqrt(Math.Max(0, exact.NDistribution.Select((q, k) => q * k * k).Sum() - exact.MeanN.Value * exact.MeanN.Value));
        return Math.Abs(mc.MeanN.Value - exact.MeanN.Value) <= 5 * sdN / Math.Sqrt(n) + 1e-9;
    });

    [Property(MaxTest = 60)]
    public Property No_design_skips_an_untried_dose() => ForAll(Cases(), c =>
    {
        var graph = StateGraph.For(c.Design);
        for (int node = 0; node < graph.FirstTerminal; node++)
        {
            var patients = graph.PatientsAt(node);
            int highest = -1;
            for (int d = 0; d < patients.Length; d++) if (patients[d] > 0) highest = d;
            if (highest < 0) continue; // the first cohort goes to the start dose
            if (graph.NextLevel(node) > highest + 1) return false;
        }
        return true;
    });

    [Property(MaxTest = 30)]
    public Property Results_do_not_depend_on_the_thread_count() => ForAll(Cases(), c =>
    {
        // Small batches so several workers share the run.
        var o = new MonteCarloOptions { Trials = 3_000, Seed = 11, BatchSize = 256, Method = SimulationMethod.TrialLoop };
        var one = MonteCarloEngine.Run(c.Design, c.Scenario, c.Target, o with { Threads = 1 });
        var two = MonteCarloEngine.Run(c.Design, c.Scenario, c.Target, o with { Threads = 3 });
        var graphOne = MonteCarloEngine.Run(c.Design, c.Scenario, c.Target, o with { Threads = 1, Method = SimulationMethod.CompiledGraph });
        var graphTwo = MonteCarloEngine.Run(c.Design, c.Scenario, c.Target, o with { Threads = 3, Method = SimulationMethod.CompiledGraph });
        return one.Selection.SequenceEqual(two.Selection) && one.MeanN == two.MeanN && one.MeanPatients.SequenceEqual(two.MeanPatients)
            && graphOne.Selection.SequenceEqual(graphTwo.Selection) && graphOne.MeanN == graphTwo.MeanN;
    });

    // ---- scenario files -------------------------------------------------------------------------

    private static readonly string[] Values =
        ["", "~", "0", "1", "-1", "0.3", "0.30", "1e-3", "0.999", "1.5", "3", "12", "30", "1000", "1001", "abc", "\"\"", "[]", "{}", "[0.1]",
         "[0.1, 0.2]", "[0.1, 0.2, 0.3]", "[0.3, 0.2, 0.1]", "[0, 1, 0.5]", "true", "no", "9223372036854775807", "18446744073709551615", "nan", ".inf"];

    private static readonly string[] DesignNames = ["3+3", "a+b", "boin", "mtpi2", "keyboard", "i3+3", "crm", "BOIN", " crm ", "none", ""];

    private static readonly string[] DesignKeys = ["start_dose", "deescalate", "expand_top_dose", "a", "b", "c", "d", "e", "cohort_size", "max_n",
        "n_earlystop", "extrasafe", "offset", "cutoff_eli", "bound_mtd", "epsilon1", "epsilon2", "skeleton", "model", "prior_variance",
        "safety_cutoff", "halfwidth", "prior_mtd", "bogus"];

    /// <summary>A scenario file assembled from random valid and invalid pieces.</summary>
    private static Gen<string> ScenarioTexts =>
        from seed in Gen.Choose(0, int.MaxValue)
        select ScenarioText(new Random(seed));

    private static string ScenarioText(Random r)
    {
        string V() => Values[r.Next(Values.Length)];
        int doses = 1 + r.Next(3);
        var sb = new System.Text.StringBuilder();
        sb.Append("trial: {name: t}\n");
        sb.Append("doses: [").Append(string.Join(", ", Enumerable.Range(1, doses).Select(i => $"D{i}"))).Append("]\n");
        if (r.Next(2) == 0) sb.Append($"target: {(r.Next(2) == 0 ? "0.3" : V())}\n");
        if (r.Next(3) > 0)
        {
            sb.Append($"design:\n  name: \"{DesignNames[r.Next(DesignNames.Length)]}\"\n");
            for (int i = r.Next(4); i > 0; i--)
            {
                string key = DesignKeys[r.Next(DesignKeys.Length)];
                if (!sb.ToString().Contains($"\n  {key}:")) sb.Append($"  {key}: {V()}\n");
            }
        }
        sb.Append("scenarios:\n");
        for (int s = 1 + r.Next(2); s > 0; s--)
        {
            var dlt = Enumerable.Range(0, r.Next(8) == 0 ? doses + 1 : doses).Select(_ => r.Next(8) == 0 ? V() : (r.Next(21) * 0.05).ToString(CultureInfo.InvariantCulture));
            sb.Append($"  - name: s{s}\n    dlt: [{string.Join(", ", dlt)}]\n");
        }
        if (r.Next(3) == 0) sb.Append($"simulation:\n  trials: {(r.Next(2) == 0 ? "200" : V())}\n");
        if (r.Next(3) == 0) sb.Append($"protocol:\n  planned_n: {V()}\n");
        return sb.ToString();
    }

    [Property(MaxTest = 150)]
    public Property Any_scenario_file_that_validates_runs_and_any_other_fails_cleanly() =>
        Prop.ForAll(Arb.From(ScenarioTexts), text =>
        {
            ScenarioFile file;
            try { file = ScenarioFileReader.Parse(text, "p.yaml"); }
            catch (ScenarioFileException ex) { return !ex.Message.Contains('\n'); }
            var design = DesignSetup.Resolve(DoseEscalation.Designs.Configuration.DesignCatalog.Default, file.Designs[0], file.Common, file.Doses.Count, file.Target).Design;
            var options = new MonteCarloOptions { Trials = Math.Min(file.Trials, 500), Seed = file.Seed, Threads = 1 };
            foreach (var s in file.Scenarios)
            {
                var oc = MonteCarloEngine.Run(design, s, file.Target, options);
                if (Math.Abs(oc.Selection.Sum(e => e.Value) - 1) > 1e-9) return false;
            }
            return true;
        });
}
