using DoseEscalation.Conduct;
using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Response;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Efficacy;

/// <summary>
/// BOIN12 with utilities whose u11 + u00 is not 100 (issue 25): the quasi-binomial count from the four
/// outcome cells, x = (100 y01 + u00 y00 + u11 y11) / 100, by hand; the exact walk over states that
/// keep the patients with both against an enumeration of every patient's outcome and against Monte Carlo.
/// </summary>
public class Boin12UtilityTests
{
    // u11 = 50, u00 = 30 (the authors' app accepts them); phi_T 0.3, phi_E 0.25.
    private static readonly Boin12 D = new(3, 0.3, 0.25, cohortSize: 3, maxN: 12, u11: 50, u00: 30);

    [Fact]
    public void Benchmark_and_desirability_from_the_four_cells_by_hand()
    {
        Assert.False(D.Additive);
        Assert.True(D.ReadsJointOutcomes);
        // u_bar = 100*0.25*0.7 + 30*0.7*0.75 + 50*0.3*0.25 = 17.5 + 15.75 + 3.75 = 37; u_b = 37 + 63/2 = 68.5.
        Assert.Equal(68.5, D.BenchmarkUtility, 12);
        // 6 patients: 1 with both, 1 DLT only, 2 response only, 2 neither: x = (100*2 + 30*2 + 50*1)/100 = 3.1.
        Assert.Equal(3.1, D.UtilityCount(6, 2, 3, 1), 12);
        // P(Beta(4.1, 3.9) > 0.685), by Simpson's rule on 200,000 intervals (Python, independent of MathNet).
        Assert.Equal(0.1643059897294113, D.Desirability(6, 2, 3, 1), 9);
        // The same DLT and response counts with nobody having both: 2 DLT only, 3 response only, 1 neither: x = 3.3.
        Assert.Equal(0.20455376582624316, D.Desirability(6, 2, 3, 0), 9);
        // An untried dose: the prior's 1 - 0.685.
        Assert.Equal(0.315, D.Desirability(0, 0, 0, 0), 12);
        // The marginal counts alone do not say who had both: the three-count overload refuses.
        Assert.Throws<InvalidOperationException>(() => D.Desirability(6, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => D.Desirability(6, 2, 3, 3)); // more with both than DLTs
        Assert.Throws<ArgumentOutOfRangeException>(() => D.Desirability(3, 2, 2, 0)); // 2 + 2 - 3 = 1 must have both
    }

    [Fact]
    public void With_u11_plus_u00_equal_to_100_the_general_count_is_the_additive_one()
    {
        // 100 y01 + u00 y00 + u11 y11 = u00 (n - yT) + (100 - u00) yE + (u11 + u00 - 100) y11; the last term vanishes.
        var additive = new Boin12(3, 0.3, 0.25, maxN: 12, u11: 65, u00: 35);
        Assert.True(additive.Additive);
        Assert.False(additive.ReadsJointOutcomes);
        for (int n = 0; n <= 12; n++)
            for (int t = 0; t <= n; t++)
                for (int e = 0; e <= n; e++)
                    for (int j = Math.Max(0, t + e - n); j <= Math.Min(t, e); j++)
                    {
                        double general = (100.0 * (e - j) + 35 * (n - t - e + j) + 65 * j) / 100;
                        Assert.Equal(general, additive.UtilityCount(n, t, e, j), 12);
                        // The four-count overload gives the three-count value bit for bit.
                        Assert.Equal(additive.Desirability(n, t, e), additive.Desirability(n, t, e, j));
                    }
    }

    [Fact]
    public void Who_had_both_decides_between_staying_and_escalating()
    {
        // Dose 1, 3 patients, 1 DLT (1/3 in (lambda_e, lambda_d), fewer than N*: dose 2 is a candidate), 2 responses.
        // The DLT patient responded (1 both, 1 response only, 1 neither): x = 1.8, P(Beta(2.8, 2.2) > 0.685) = 0.3015 < 0.315: escalate.
        Assert.Equal(0.30153932773518016, D.Desirability(3, 1, 2, 1), 9);
        Assert.Equal(Decision.Treat(1, 3), D.Decide(new TrialState([3, 0, 0], [1, 0, 0], [2, 0, 0], [1, 0, 0], 0, 1, 3)));
        // The DLT patient did not respond (1 DLT only, 2 response only): x = 2, P(Beta(3, 2) > 0.685) = 1 - (4x^3 - 3x^4) = 0.3748: stay.
        double x = 0.685;
        Assert.Equal(1 - (4 * x * x * x - 3 * x * x * x * x), D.Desirability(3, 1, 2, 0), 12);
        Assert.Equal(Decision.Treat(0, 3), D.Decide(new TrialState([3, 0, 0], [1, 0, 0], [2, 0, 0], [0, 0, 0], 0, 1, 3)));
        // A state without the count of patients with both is refused by name.
        var ex = Assert.Throws<ArgumentException>(() => D.Decide(new TrialState([3, 0, 0], [1, 0, 0], [2, 0, 0], 0, 1, 3)));
        Assert.Contains("both a DLT and a response", ex.Message);
    }

    [Fact]
    public void Final_selection_adds_the_both_cell_term()
    {
        // Observed final efficacy, 2 doses with 6 patients each, no DLT at dose 1 and 1 at dose 2 (MTD estimate: dose 2).
        // Estimated utility u00 (1 - pT) + (100 - u00) pE + (u11 + u00 - 100) p11 with p = (y + 0.05)/(6.1).
        var d = new Boin12(2, 0.3, 0.25, maxN: 12, u11: 20, u00: 30, cutoffEliE: 0.999, finalEfficacy: Boin12FinalEfficacy.Observed);
        int[] n = [6, 6], t = [0, 1], e = [3, 4];
        // Dose 1: pT (iso) 0.05/6.1, pE 3.05/6.1, p11 0.05/6.1 -> 30*(1 - 0.0082) + 70*0.5 - 50*0.0082 = 64.34.
        // Dose 2 with its DLT patient a responder: pT 1.05/6.1, pE 4.05/6.1, p11 1.05/6.1 -> 24.84 + 46.48 - 8.61 = 62.71: dose 1.
        Assert.Equal(0, d.SelectMtd(new TrialState(n, t, e, [0, 1], 1, -1, 12)));
        // Dose 2 with its DLT patient not a responder: p11 0.05/6.1 -> 24.84 + 46.48 - 0.41 = 70.91: dose 2.
        Assert.Equal(1, d.SelectMtd(new TrialState(n, t, e, [0, 0], 1, -1, 12)));
        double U(int i, int both) => 30 * (1 - (t[i] + 0.05) / 6.1) + 70 * (e[i] + 0.05) / 6.1 - 50 * (both + 0.05) / 6.1;
        Assert.True(U(0, 0) > U(1, 1) && U(1, 0) > U(0, 0));
    }

    // Cohorts of 3, 9 patients, 2 doses, a positive association: every patient's outcome (one of 4 cells) enumerated.
    private static readonly Scenario Small = new Scenario("small", [0.1, 0.3]) { Response = [0.3, 0.6] }.WithGumbel(0.6);

    [Fact]
    public void Exact_walk_equals_the_enumeration_of_every_patients_outcome()
    {
        var d = new Boin12(2, 0.3, 0.25, cohortSize: 3, maxN: 9, u11: 50, u00: 30);
        var exact = ExactEngine.Run(d, Small, 0.3);
        var select = new double[3];
        var patients = new double[2];
        var cells = Enumerable.Range(0, 2).Select(Small.Cells).ToArray();
        Walk(d, cells, new int[2], new int[2], new int[2], new int[2], 0, -1, 0, 1.0, select, patients);
        Assert.Equal(1, select.Sum(), 12);
        for (int j = 0; j < 3; j++) Assert.Equal(select[j], exact.Selection[j].Value, 12);
        for (int j = 0; j < 2; j++) Assert.Equal(patients[j], exact.MeanPatients[j].Value, 10); // sums of about 4 patients: rounding at 1e-13
        // The association matters once the utility is not additive: rho -0.6 moves the selection.
        var negative = ExactEngine.Run(d, Small with { GumbelRho = -0.6 }, 0.3);
        Assert.True(Math.Abs(negative.Selection[1].Value - exact.Selection[1].Value) > 0.01,
            $"{negative.Selection[1].Value} vs {exact.Selection[1].Value}");
    }

    // Depth-first over cohorts; each cohort over the 4^m ordered outcomes of its patients (cells: both, DLT only, response only, neither).
    private static void Walk(Boin12 d, OutcomeCells[] cells, int[] n, int[] t, int[] e, int[] b, int level, int last, int total, double p,
        double[] select, double[] patients)
    {
        var dec = d.Decide(new TrialState(n, t, e, b, level, last, total));
        if (dec.IsStop)
        {
            select[dec.Level + 1] += p;
            for (int j = 0; j < n.Length; j++) patients[j] += p * n[j];
            return;
        }
        int m = dec.CohortSize, to = dec.Level, ways = 1 << (2 * m);
        var c = cells[to];
        double[] prob = [c.DltResponse, c.DltNoResponse, c.ResponseNoDlt, c.Neither];
        for (int code = 0; code < ways; code++)
        {
            int dt = 0, de = 0, db = 0;
            double q = p;
            for (int i = 0; i < m; i++)
            {
                int cell = (code >> (2 * i)) & 3;
                q *= prob[cell];
                if (cell <= 1) dt++;
                if (cell is 0 or 2) de++;
                if (cell == 0) db++;
            }
            if (q == 0) continue;
            int[] n2 = (int[])n.Clone(), t2 = (int[])t.Clone(), e2 = (int[])e.Clone(), b2 = (int[])b.Clone();
            n2[to] += m; t2[to] += dt; e2[to] += de; b2[to] += db;
            Walk(d, cells, n2, t2, e2, b2, to, dt, total + m, q, select, patients);
        }
    }

    [Fact]
    public void Monte_carlo_agrees_with_the_exact_walk_within_four_standard_errors()
    {
        var s = new Scenario("s", [0.05, 0.15, 0.40]) { Response = [0.15, 0.45, 0.50] }.WithGaussian(0.5);
        var exact = ExactEngine.Run(D, s, 0.3);
        Assert.Equal(1, exact.TotalProbability, 12);
        var mc = MonteCarloEngine.Run(D, s, 0.3, new MonteCarloOptions { Trials = 40_000, Seed = 25, Threads = 2 });
        for (int j = 0; j <= 3; j++) Within(exact.Selection[j], mc.Selection[j]);
        for (int j = 0; j < 3; j++)
        {
            Within(exact.MeanPatients[j], mc.MeanPatients[j]);
            Within(exact.Efficacy!.RespondersPerDose[j], mc.Efficacy!.RespondersPerDose[j]);
        }
        Within(exact.DoseOptimisation!.SelectObd, mc.DoseOptimisation!.SelectObd);
        // The same with the joint count ignored would differ: the additive design with the same u00 (u11 = 70) selects otherwise.
        var additive = ExactEngine.Run(new Boin12(3, 0.3, 0.25, cohortSize: 3, maxN: 12, u11: 70, u00: 30), s, 0.3);
        Assert.True(Enumerable.Range(0, 4).Max(j => Math.Abs(additive.Selection[j].Value - exact.Selection[j].Value)) > 0.01);
    }

    private static void Within(Estimate exact, Estimate mc) =>
        Assert.InRange(exact.Value, mc.Value - 4 * mc.Se - 1e-12, mc.Value + 4 * mc.Se + 1e-12);

    [Fact]
    public void Cohort_outcome_with_both_sums_to_the_marginal_one()
    {
        var c = new OutcomeCells(0.1, 0.2, 0.3, 0.4);
        var joint = ResponseEngine.CohortOutcomeWithBoth(c, 2);
        var marginal = ResponseEngine.CohortOutcome(c, 2);
        // (1 DLT, 1 responder) in 2: one "both" and one "neither" (j = 1), or DLT only and response only (j = 0).
        Assert.Equal(2 * 0.1 * 0.4, joint[(1 * 3 + 1) * 3 + 1], 15);
        Assert.Equal(2 * 0.2 * 0.3, joint[(1 * 3 + 1) * 3 + 0], 15);
        for (int a = 0; a <= 2; a++)
            for (int b = 0; b <= 2; b++)
                Assert.Equal(marginal[a * 3 + b], joint[(a * 3 + b) * 3] + joint[(a * 3 + b) * 3 + 1] + joint[(a * 3 + b) * 3 + 2], 15);
    }

    [Fact]
    public void Next_replays_who_had_both_from_the_notation()
    {
        var design = DesignCatalog.Default.Get("boin12").Create(new DesignContext(3, 0.3), new OptionValues().With("u11", 50.0).With("u00", 30.0).With("max_n", 12)).Design;
        Assert.True(design.ReadsJointOutcomes);
        // B: DLT and response, T: DLT only, E: response only, N: neither.
        Assert.Equal(Decision.Treat(1, 3), TrialReplay.Run(design, TrialData.ParseNotation("1BEN", 3)).Next);
        Assert.Equal(Decision.Treat(0, 3), TrialReplay.Run(design, TrialData.ParseNotation("1TEE", 3)).Next);
        var replay = TrialReplay.Run(design, TrialData.ParseNotation("1BEN", 3));
        Assert.Equal([1, 0, 0], replay.DltResponses.ToArray());
        // The reason names who had both and the desirabilities it led to (dose 1 0.3015, dose 2 untried 0.315, to 3 decimals).
        var reason = design.TryGet<IExplainsDecisions>()!.Explain(replay.State, replay.Next);
        Assert.Contains("1 DLT and 2 responses (1 with both) in 3", reason.Text);
        Assert.Contains("dose 1 0.302, dose 2 0.315", reason.Text);
        Assert.Equal(1, reason.Quantities.Single(q => q.Name == "dlt_responses_at_dose").Value);
    }

    [Fact]
    public void The_cli_accepts_non_additive_utilities_states_the_association_and_refuses_out_of_range_values()
    {
        string dir = Directory.CreateTempSubdirectory("boin12-util").FullName;
        try
        {
            string f = Path.Combine(dir, "t.yaml");
            File.WriteAllText(f, """
                trial:
                  name: t
                doses: [A, B, C]
                designs:
                  - name: boin12
                    max_n: 9
                    u11: 50
                    u00: 30
                target: 0.3
                scenarios:
                  - name: ind
                    dlt: [0.05, 0.15, 0.4]
                    response: [0.1, 0.4, 0.5]
                  - name: gumbel
                    dlt: [0.05, 0.15, 0.4]
                    response: [0.1, 0.4, 0.5]
                    association: {gumbel: 0.5}
                """);
            var (code, output, err) = Run("exact", f, "--design", "boin12");
            Assert.True(code == 0, err);
            Assert.Contains("utility not additive (u11 + u00 = 80)", output);
            Assert.Contains("independent at each dose", output);
            Assert.Contains("Gumbel (FGM) association, rho 0.5", output);
            // Flags override the file; with u11 + u00 = 100 again the note is gone.
            (code, output, err) = Run("exact", f, "--design", "boin12", "--u11", "70");
            Assert.True(code == 0, err);
            Assert.DoesNotContain("not additive", output);
            Assert.DoesNotContain("Note:", output);
            foreach (var (flag, value) in new[] { ("--u00", "101"), ("--u11", "-1") })
            {
                (code, output, err) = Run("exact", f, "--design", "boin12", flag, value);
                Assert.Equal(1, code);
                string line = err.Trim();
                Assert.DoesNotContain('\n', line);
                Assert.Contains(flag.TrimStart('-'), line);
                Assert.Contains(value, line);
                Assert.DoesNotContain("   at ", err);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        return (CliEntry.Run(args, o, e), o.ToString(), e.ToString());
    }
}
