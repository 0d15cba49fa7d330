using System.Text.Json;
using DoseEscalation.Conduct;
using DoseEscalation.Designs;
using DoseEscalation.Tests.Designs;
using MathNet.Numerics;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Conduct;

/// <summary>
/// The hypothetical-outcomes table of the model-based designs (<c>table --design blrm|crm|tite-crm</c>):
/// every decision is the design's own Decide at the row's counts, every posterior the model's, checked
/// against independent adaptive integration.
/// </summary>
public class OutcomeTableTests
{
    private static readonly double[] Doses5 = [1, 2, 4, 8, 16];

    /// <summary>The counts and trial state of a row: the data's counts plus its hypothetical cohorts, the last cohort's dose and DLTs.</summary>
    private static TrialState StateOf(OutcomeTable t, OutcomeRow r)
    {
        var n = r.Doses.Select(d => d.Patients).ToArray();
        var x = r.Doses.Select(d => d.Dlts).ToArray();
        if (r.Depth == 0) return t.Conduct.Replay.State;
        var last = r.Cohorts[^1];
        return new TrialState(n, x, last.Level, last.Dlts, n.Sum());
    }

    private static void EveryDecisionIsTheDesigns(IDesign design, OutcomeTable t)
    {
        foreach (var r in t.Rows)
        {
            var s = StateOf(t, r);
            Assert.Equal(design.Decide(s), r.Decision);
            // The row's counts are the data's plus its cohorts'.
            var n = t.Conduct.Replay.Patients.ToArray();
            foreach (var c in r.Cohorts) n[c.Level] += c.Patients;
            Assert.Equal(n, r.Doses.Select(d => d.Patients).ToArray());
        }
    }

    [Fact]
    public void Blrm_rows_are_the_designs_decisions_and_the_posterior_of_an_independent_integration()
    {
        var blrm = new Blrm(Doses5, 0.3, BlrmPrior.Default);
        var t = OutcomeTable.Build(blrm, TrialData.Parse("1NNN 2NNT", 5), cohorts: 2);
        Assert.Equal(OutcomeModel.Blrm, t.Model);
        EveryDecisionIsTheDesigns(blrm, t);
        // The tree: the data so far, 4 outcomes of the cohort at dose 2; after 2TTT the trial stops, so 3 x 4 more.
        Assert.Equal(1 + 4 + 3 * 4, t.Rows.Count);
        Assert.Equal(["", "2NNN", "2NNN 3NNN", "2NNN 3TNN", "2NNN 3TTN", "2NNN 3TTT", "2TNN"], t.Rows.Take(7).Select(r => r.Notation));
        var depth1 = t.Rows.Where(r => r.Depth == 1).ToList();
        Assert.Equal([Decision.Treat(2, 3), Decision.Treat(1, 3), Decision.Treat(0, 3), Decision.StopNoDose], depth1.Select(r => r.Decision));
        Assert.Equal(Decision.Treat(1, 3), t.Rows[0].Decision);
        // Posteriors: the design's own, and within the quadrature's stated accuracy (BlrmTests: 1e-10
        // on means, 1e-6 on interval probabilities) of nested adaptive Gauss-Kronrod integration.
        foreach (var r in new[] { t.Rows[0], depth1[0], depth1[3], t.Rows[^1] })
        {
            var n = r.Doses.Select(d => d.Patients).ToArray();
            var x = r.Doses.Select(d => d.Dlts).ToArray();
            var own = blrm.Posterior(n, x);
            for (int d = 0; d < 5; d++)
            {
                Assert.Equal(own[d].Mean, r.Doses[d].Mean);
                Assert.Equal(own[d].Under, r.Doses[d].Under);
                Assert.Equal(own[d].Target, r.Doses[d].Target);
                Assert.Equal(own[d].Over, r.Doses[d].Over);
                var want = BlrmTests.Independent(Doses5, 16, BlrmPrior.Default, n, x, d, 0.16, 0.33);
                Assert.True(Math.Abs(r.Doses[d].Mean - want.Mean) < 1e-10, $"{r.Notation}, dose {d + 1}: mean {r.Doses[d].Mean} vs {want.Mean}");
                Assert.True(Math.Abs(r.Doses[d].Under!.Value - want.Under) < 1e-6, $"{r.Notation}, dose {d + 1}: under");
                Assert.True(Math.Abs(r.Doses[d].Target!.Value - want.Target) < 1e-6, $"{r.Notation}, dose {d + 1}: target");
                Assert.True(Math.Abs(r.Doses[d].Over!.Value - want.Over) < 1e-6, $"{r.Notation}, dose {d + 1}: over");
            }
        }
        // The data so far: dose 2 has the highest P(target) among the admissible doses up to dose 3.
        Assert.Equal(0.3268, t.Rows[0].Doses[1].Target!.Value, 4);
        Assert.Equal(0.1642, t.Rows[0].Doses[1].Over!.Value, 4);
    }

    [Fact]
    public void From_the_start_the_first_row_is_the_prior_and_the_rows_follow_the_first_cohorts()
    {
        var blrm = new Blrm(Doses5, 0.3, BlrmPrior.Default);
        var t = OutcomeTable.Build(blrm, TrialData.Parse("", 5), cohorts: 1);
        EveryDecisionIsTheDesigns(blrm, t);
        Assert.Equal(["", "1NNN", "1TNN", "1TTN", "1TTT"], t.Rows.Select(r => r.Notation));
        var prior = blrm.Posterior(new int[5], new int[5]);
        Assert.Equal(prior.Select(p => p.Target), t.Rows[0].Doses.Select(d => d.Target!.Value));
        // Prior: logit p_5 = log alpha ~ N(0, 4) at the reference dose, so its mean DLT rate is 1/2 by symmetry.
        Assert.Equal(0.5, t.Rows[0].Doses[4].Mean, 12);
    }

    [Fact]
    public void A_trial_level_rule_changes_decisions_not_the_posterior()
    {
        var bare = new Blrm(Doses5, 0.3, BlrmPrior.Default);
        var ruled = Build.Design("blrm", 5, 0.3, ("dose_values", Doses5), ("stop_n_at_dose", 6));
        var a = OutcomeTable.Build(bare, TrialData.Parse("1NNN 2NNN", 5), 2);
        var b = OutcomeTable.Build(ruled, TrialData.Parse("1NNN 2NNN", 5), 2);
        EveryDecisionIsTheDesigns(ruled, b);
        // Some outcome sends the next cohort to a dose that already has 6 patients: the rule stops there, the bare design does not.
        Assert.Contains(b.Rows, r => r.Decision.IsStop && !a.Rows.Single(q => q.Notation == r.Notation).Decision.IsStop);
        foreach (var r in b.Rows.Where(r => a.Rows.Any(q => q.Notation == r.Notation)))
            Assert.Equal(a.Rows.Single(q => q.Notation == r.Notation).Doses, r.Doses);
    }

    /// <summary>dfcrm's empiric model p_d = s_d^exp(beta), beta ~ N(0, v), integrated directly by adaptive Gauss-Kronrod.</summary>
    private static double CrmIndependentMean(double[] skeleton, double v, int[] n, int[] x, int level)
    {
        double sd = Math.Sqrt(v);
        double LogDensity(double b)
        {
            double e = Math.Exp(b), l = -b * b / (2 * v);
            for (int d = 0; d < skeleton.Length; d++)
                if (n[d] > 0)
                {
                    double lp = e * Math.Log(skeleton[d]);
                    l += x[d] * lp + (n[d] - x[d]) * Math.Log(1 - Math.Exp(lp));
                }
            return l;
        }
        double lo = -10 * sd, hi = 10 * sd;
        double shift = Enumerable.Range(0, 2001).Select(i => LogDensity(lo + i * (hi - lo) / 2000)).Max();
        double Integral(Func<double, double> g, double a, double b) =>
            Integrate.GaussKronrod(t => g(t) * Math.Exp(LogDensity(t) - shift), a, b, out _, out _, 1e-12, 25);
        double z = Integral(_ => 1, lo, hi);
        return Integral(b => Math.Pow(skeleton[level], Math.Exp(b)), lo, hi) / z;
    }

    [Fact]
    public void Crm_rows_are_the_designs_decisions_and_the_posterior_of_an_independent_integration()
    {
        double[] skeleton = [0.05, 0.12, 0.25, 0.4, 0.55];
        var crm = new Crm(skeleton, 0.25);
        var t = OutcomeTable.Build(crm, TrialData.Parse("1NNN 2NTN", 5), cohorts: 2);
        Assert.Equal(OutcomeModel.Crm, t.Model);
        EveryDecisionIsTheDesigns(crm, t);
        foreach (var r in t.Rows)
        {
            var n = r.Doses.Select(d => d.Patients).ToArray();
            var x = r.Doses.Select(d => d.Dlts).ToArray();
            var fit = crm.Fit(n, x, OutcomeTable.CredibleLevel);
            for (int d = 0; d < 5; d++)
            {
                Assert.Equal(fit.Doses[d], new CrmDoseEstimate(r.Doses[d].PlugIn!.Value, r.Doses[d].Mean, r.Doses[d].Lower!.Value, r.Doses[d].Upper!.Value));
                double want = CrmIndependentMean(skeleton, Crm.DefaultPriorVariance, n, x, d);
                Assert.True(Math.Abs(r.Doses[d].Mean - want) < 1e-9, $"{r.Notation}, dose {d + 1}: mean {r.Doses[d].Mean} vs {want}");
            }
        }
    }

    [Fact]
    public void Tite_crm_on_complete_cohorts_is_the_crm_table_with_cohorts_of_one()
    {
        var tite = Build.Design("tite-crm", 3, 0.3);
        var t = OutcomeTable.Build(tite, TrialData.Parse("1N 2N", 3), cohorts: 3);
        EveryDecisionIsTheDesigns(tite, t);
        Assert.Equal(1 + 2 + 4 + 8, t.Rows.Count);
        Assert.All(t.Rows.Skip(1), r => Assert.All(r.Cohorts, c => Assert.Equal(1, c.Patients)));
    }

    [Fact]
    public void A_stopped_trial_has_its_one_row_and_pending_patients_are_refused()
    {
        var blrm = new Blrm(Doses5, 0.3, BlrmPrior.Default);
        var t = OutcomeTable.Build(blrm, TrialData.Parse("1TTT", 5), 2);
        Assert.Equal(Decision.StopNoDose, Assert.Single(t.Rows).Decision);
        Assert.Throws<NotSupportedException>(() => OutcomeTable.Build(Build.Design("boin", 5, 0.3), TrialData.Parse("", 5), 1));
    }

    private static (int Code, string Out, string Err) Run(string? stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliEntry.Run(args, o, e, stdin: new StringReader(stdin ?? ""));
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Cli_writes_every_format_and_refuses_what_does_not_apply_in_one_line()
    {
        var dir = Directory.CreateTempSubdirectory("outcome-table");
        try
        {
            var file = Path.Combine(dir.FullName, "t.yaml");
            File.WriteAllText(file, """
                trial:
                  name: t
                doses: [A, B, C, D, E]
                dose_values: [1, 2, 4, 8, 16]
                design:
                  name: blrm
                scenarios:
                  - name: s
                    dlt: [0.05, 0.1, 0.2, 0.3, 0.4]
                """);
            var json = Run(null, "table", file, "--data", "1NNN 2NNT", "--cohorts", "2", "--format", "json");
            Assert.Equal(0, json.Code);
            Assert.Equal("", json.Err);
            using var doc = JsonDocument.Parse(json.Out);
            var rows = doc.RootElement.GetProperty("rows");
            Assert.Equal(17, rows.GetArrayLength());
            Assert.Equal("1NNN 2NNT", doc.RootElement.GetProperty("data").GetString());
            var blrm = new Blrm(Doses5, 0.3, BlrmPrior.Default);
            var t = OutcomeTable.Build(blrm, TrialData.Parse("1NNN 2NNT", 5), 2);
            for (int i = 0; i < t.Rows.Count; i++)
            {
                var row = rows[i];
                Assert.Equal(t.Rows[i].Notation, row.GetProperty("outcome").GetString());
                var dose = row.GetProperty("doses")[1];
                Assert.Equal(t.Rows[i].Doses[1].Target!.Value, dose.GetProperty("p_target").GetDouble());
            }
            Assert.Equal("stop_no_dose", rows[t.Rows.ToList().FindIndex(r => r.Notation == "2TTT")].GetProperty("decision").GetString());

            var text = Run(null, "table", file, "--data", "1NNN 2NNT");
            Assert.Equal(0, text.Code);
            Assert.Contains("+ 2TTT (9 patients): stop with no dose selected", text.Out);
            var csv = Run(null, "table", file, "--format", "csv");
            Assert.Equal(0, csv.Code);
            Assert.StartsWith("row,cohorts_ahead,outcome,total_patients,decision,next_dose,cohort_size,selected_dose,dose,dose_label,patients,dlts,mean,p_under,p_target,p_over\n", csv.Out);
            Assert.Equal(1 + 5 * 5, csv.Out.TrimEnd('\n').Split('\n').Length);
            var stdinData = Run("1NNN 2NNT", "table", file, "--data", "-", "--format", "md");
            Assert.Equal(0, stdinData.Code);
            Assert.Contains("**+ 2NNN** (9 patients): treat 3 at dose 3", stdinData.Out);

            foreach (var (args, message) in new (string[], string)[]
            {
                (["table", "--design", "boin", "--data", "1NNN"], "dose-escalation: error: --data: applies to the hypothetical-outcomes table of a model-based design (blrm, crm, tite-crm); boin's table is of DLT counts at one dose and reads no data"),
                (["table", "--design", "boin", "--cohorts", "2"], "dose-escalation: error: --cohorts: applies to the hypothetical-outcomes table of a model-based design (blrm, crm, tite-crm); boin's table is of DLT counts at one dose and reads no data"),
                (["table", "--design", "boin", "--format", "json"], "dose-escalation: error: --format json: boin's decision table is written as table, csv or md; json is the hypothetical-outcomes table of blrm, crm and tite-crm"),
                (["table", file, "--cohorts", "5"], "dose-escalation: error: --cohorts 5: must be between 1 and 4"),
                (["table", file, "--data", "1NNN 3NNN"], "dose-escalation: error: --data: patients 4-6: dose 3 skips untried dose 2 (the design chose dose 2); --allow-deviations accepts it"),
            })
            {
                var r = Run(null, args);
                Assert.Equal(1, r.Code);
                Assert.Equal("", r.Out);
                Assert.Equal(message, r.Err.TrimEnd('\n'));
            }
            Assert.Equal(0, Run(null, "table", file, "--data", "1NNN 3NNN", "--allow-deviations").Code);
        }
        finally { dir.Delete(recursive: true); }
    }
}
