using DoseEscalation.Conduct;
using DoseEscalation.Designs;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Conduct;

/// <summary>next under TITE-CRM and TITE-BOIN with pending patients (issue 25): the design's own decision on partial follow-up.</summary>
public class TiteNextTests
{
    private static readonly double[] Skeleton = [0.084, 0.1567, 0.25, 0.3545];

    // Patients 1-3 complete at dose 1; at dose 2: 4 complete, 5 a DLT on day 10, 6 and 7 pending on days 14 and 7 of 28.
    private const string Csv = "patient,dose,dlt,days_followed,dlt_day\n1,1,0,28,\n2,1,0,28,\n3,1,0,28,\n4,2,0,28,\n5,2,1,28,10\n6,2,pending,14,\n7,2,pending,7,\n";

    private static TiteCrm TiteCrm(TiteWeightScheme scheme = TiteWeightScheme.Linear) =>
        new(new Crm(Skeleton, 0.25, cohortSize: 1, maxPatients: 30), scheme);

    private static ConductResult Next(IDesign design, string csv, double? window = 28, bool final = false) =>
        TrialConduct.Next(design, TrialData.Parse(csv, design.DoseCount), new ConductOptions { DltWindowDays = window, Final = final });

    /// <summary>
    /// The posterior mean of beta under the empiric model p = skeleton^exp(beta), beta ~ N(0, 1.34),
    /// with dfcrm's weighted likelihood p^y (1 - w p)^(1 - y): composite Simpson on [-12, 12] with
    /// 200 000 panels (the integrand is below 1e-20 outside), independent of the design's quadrature.
    /// </summary>
    private static double PosteriorMeanBeta(int[] levels, int[] dlts, double[] weights)
    {
        const int panels = 200_000;
        const double lo = -12, hi = 12, sigma2 = 1.34;
        double h = (hi - lo) / panels, num = 0, den = 0;
        for (int i = 0; i <= panels; i++)
        {
            double b = lo + i * h;
            double log = -b * b / (2 * sigma2);
            for (int j = 0; j < levels.Length; j++)
            {
                double p = Math.Pow(Skeleton[levels[j]], Math.Exp(b));
                log += dlts[j] == 1 ? Math.Log(p) : Math.Log(1 - weights[j] * p);
            }
            double c = (i == 0 || i == panels ? 1 : i % 2 == 1 ? 4 : 2) * Math.Exp(log);
            num += c * b;
            den += c;
        }
        return num / den;
    }

    [Fact]
    public void Tite_crm_linear_weights_give_the_weighted_posterior_per_dose_and_enrol_at_dose_2()
    {
        var r = Next(TiteCrm(), Csv);
        var t = Assert.IsType<TiteAdvice>(r.Tite);
        Assert.Equal(PendingAction.Enrol, t.Decision.Action);
        Assert.Equal(1, t.Decision.Level);
        // Linear weights: 14/28 = 0.5 and 7/28 = 0.25; dose 2's weights: 2 complete + 0.75.
        Assert.Equal(2.75, t.Doses[1].Weights!.Value, 12);
        Assert.Equal(3.0, t.Doses[0].Weights!.Value, 12);
        Assert.Equal(0.75, t.Doses[1].Followed, 12);
        Assert.Equal(2, t.Doses[1].Pending);
        double beta = PosteriorMeanBeta([0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 1, 0, 0], [1, 1, 1, 1, 1, 0.5, 0.25]);
        // R: integrate() of the same integrand gives beta = -0.18906199993694, P(DLT) 0.128703 0.215640 0.317434 0.423840.
        Assert.Equal(-0.18906199993694, beta, 8);
        for (int d = 0; d < 4; d++) Assert.Equal(Math.Pow(Skeleton[d], Math.Exp(beta)), t.Doses[d].Toxicity!.Value, 6);
        Assert.Contains("patient 6 at dose 2, day 14 of 28, patient 7 at dose 2, day 7 of 28", t.Reason);
    }

    [Fact]
    public void Tite_crm_adaptive_weights_follow_cheung_and_chappell()
    {
        var t = Next(TiteCrm(TiteWeightScheme.Adaptive), Csv).Tite!;
        // One DLT at s1 = 10/28. Patient 6 (f = 1/2 > s1): (1 + (f - s1)/(1 - s1))/2 = 11/18;
        // patient 7 (f = 1/4 < s1): (f/s1)/2 = 0.35.
        double s1 = 10.0 / 28;
        double w6 = (1 + (0.5 - s1) / (1 - s1)) / 2, w7 = 0.25 / s1 / 2;
        Assert.Equal(11.0 / 18, w6, 12);
        Assert.Equal(2 + 11.0 / 18 + 0.35, t.Doses[1].Weights!.Value, 12);
        double beta = PosteriorMeanBeta([0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 1, 0, 0], [1, 1, 1, 1, 1, w6, w7]);
        for (int d = 0; d < 4; d++) Assert.Equal(Math.Pow(Skeleton[d], Math.Exp(beta)), t.Doses[d].Toxicity!.Value, 6);
    }

    [Fact]
    public void Next_decides_as_the_design_object_does_in_the_calendar_code_path()
    {
        var crm = TiteCrm();
        var t = Next(crm, Csv).Tite!;
        // The state the calendar engine hands the design: evaluated counts, the last enrolment's level, the pending patients' fractions.
        int[] n = [3, 2, 0, 0], x = [0, 1, 0, 0], perLevel = [0, 2, 0, 0], levels = [1, 1];
        double[] followed = [0.5, 0.25];
        var own = crm.DecidePending(new TrialState(n, x, 1, -1, 5), new PendingPatients(perLevel, levels, followed, [10.0 / 28]));
        Assert.Equal(own, t.Decision);

        var boin = new TiteBoin(new Boin(4, 0.25, 3, 30));
        const string csv = "patient,dose,dlt,days_followed\n1,1,0,28\n2,1,0,28\n3,1,0,28\n4,2,0,28\n5,2,1,28\n6,2,pending,14\n";
        var b = Next(boin, csv).Tite!;
        var ownB = boin.DecidePending(new TrialState(n, x, 1, -1, 5), new PendingPatients([0, 1, 0, 0], [1], [0.5]));
        Assert.Equal(ownB, b.Decision);
    }

    [Fact]
    public void Tite_boin_estimate_deescalates_and_the_suspension_rule_waits()
    {
        const string csv = "patient,dose,dlt,days_followed\n1,1,0,28\n2,1,0,28\n3,1,0,28\n4,2,0,28\n5,2,1,28\n6,2,pending,14\n";
        // Dose 2: 2 complete (one DLT), 1 pending at day 14 of 28: n = 3, x = 1, m = 1, STFT = 0.5.
        // Imputation (the default): p = (1 + 0.125) / (3 - 1 + 1) = 0.375, q = 0.6, estimate (1 + 0.6 * 0.5) / 3 = 0.4333;
        // the observed 1/3 >= lambda_d 0.2984 de-escalates whatever the pending outcome.
        var boin = new TiteBoin(new Boin(4, 0.25, 3, 30));
        var r = Next(boin, csv);
        Assert.Equal(PendingDecision.Enrol(0), r.Tite!.Decision);
        Assert.Equal(1.3 / 3, r.Tite.Doses[1].Estimate!.Value, 12);
        Assert.Equal(0.0, r.Tite.Doses[0].Estimate!.Value, 12);
        Assert.Null(r.Tite.Doses[2].Estimate);
        // The effective sample size rule: 1 / (3 - 1 + 0.5) = 0.4 >= lambda_d: de-escalate.
        var ess = new TiteBoin(new Boin(4, 0.25, 3, 30), estimate: TiteBoinEstimate.Ess);
        var e = Next(ess, csv);
        Assert.Equal(PendingDecision.Enrol(0), e.Tite!.Decision);
        Assert.Equal(0.4, e.Tite.Doses[1].Estimate!.Value, 12);
        Assert.Equal(2.5, e.Tite.Doses[1].EffectiveN, 12);
        // Two pending of 3 at dose 2, no DLT: 2 > 3 * 0.5, accrual suspended under both rules.
        const string waiting = "patient,dose,dlt,days_followed\n1,1,0,28\n2,1,0,28\n3,1,0,28\n4,2,0,28\n5,2,pending,14\n6,2,pending,7\n";
        foreach (var design in new[] { boin, ess })
        {
            var w = Next(design, waiting);
            Assert.Equal(PendingAction.Wait, w.Tite!.Decision.Action);
            Assert.StartsWith("wait: enrol no one until a pending patient's outcome is known: TITE-BOIN suspends accrual while more than 0.5 of the patients at dose 2 are pending", w.Tite.Reason);
        }
    }

    [Fact]
    public void Final_is_the_designs_own_selection_and_says_patients_are_pending()
    {
        var t = Next(TiteCrm(), Csv, final: true).Tite!;
        Assert.Equal(1, t.Selected);
        Assert.Contains("2 patient(s) still pending (6, 7); a final selection normally waits for them; they enter with their weights", t.SelectionNote);
        var boin = new TiteBoin(new Boin(4, 0.25, 3, 30));
        var b = Next(boin, "patient,dose,dlt,days_followed\n1,1,0,28\n2,1,0,28\n3,1,0,28\n4,2,1,28\n5,2,pending,14\n6,2,pending,7\n", final: true).Tite!;
        // BOIN's isotonic selection on the complete patients: dose 1 0/3, dose 2 1/1 -> dose 1.
        Assert.Equal(0, b.Selected);
        Assert.Contains("they are left out", b.SelectionNote);
    }

    [Theory]
    [InlineData("patient,dose,dlt,days_followed\n1,1,0,28\n2,1,pending,28\n", 28.0, "patient 2: days_followed 28 with dlt pending reaches the DLT window of 28 days; a patient who completed the window without a DLT has dlt 0")]
    [InlineData("patient,dose,dlt,days_followed\n1,1,0,28\n2,1,pending,\n", 28.0, "patient 2: dlt is pending without days_followed; tite-crm weights a pending patient by its follow-up (add a days_followed column)")]
    [InlineData("patient,dose,dlt\n1,1,0\n2,1,pending\n", 28.0, "patient 2: dlt is pending without days_followed; tite-crm weights a pending patient by its follow-up (add a days_followed column)")]
    [InlineData("patient,dose,dlt,days_followed\n1,1,0,28\n2,1,pending,3\n", null, "patient 2: dlt is pending, but the DLT window is unknown; add trial: dlt_window_days: <days> to a scenario file and pass it to next")]
    public void Bad_pending_data_is_one_line_naming_patient_field_and_value(string csv, double? window, string message)
    {
        var e = Assert.Throws<TrialDataException>(() => Next(TiteCrm(), csv, window));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Negative_days_and_pending_with_days_for_a_design_without_time_keep_todays_messages()
    {
        var neg = Assert.Throws<TrialDataException>(() => TrialData.Parse("patient,dose,dlt,days_followed\n1,1,pending,-2\n", 4));
        Assert.Equal("patient 1 (line 2): days_followed '-2' is not a number of days >= 0", neg.Message);
        var e = Assert.Throws<TrialDataException>(() => Next(Design.ThreePlusThree(doses: 4), "patient,dose,dlt,days_followed\n1,1,0,28\n2,1,pending,14\n"));
        Assert.Equal("patient 2: dlt is pending and days are given; give one or the other (days_followed for time-to-event designs)", e.Message);
    }

    [Fact]
    public void Cli_prints_the_time_to_event_table_and_refuses_without_a_window_in_one_line()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tite-next-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string yaml = Path.Combine(dir, "t.yaml"), data = Path.Combine(dir, "d.csv");
            File.WriteAllText(yaml, "trial:\n  name: TITE example\n  dlt_window_days: 28\ndoses:\n  - label: DL1\n  - label: DL2\n  - label: DL3\n  - label: DL4\ndesign:\n  name: tite-crm\ntarget: 0.25\nscenarios:\n  - name: s1\n    dlt: [0.05, 0.1, 0.2, 0.3]\n");
            File.WriteAllText(data, Csv);
            var o = new StringWriter();
            var err = new StringWriter();
            Assert.Equal(0, CliEntry.Run(["next", yaml, "--data", data], o, err));
            Assert.Contains("Next: enrol the next patient at dose 2 (DL2)", o.ToString());
            Assert.Contains("  DL2          2     1        2      0.750    2.750", o.ToString());
            Assert.DoesNotContain("counts every recorded patient", err.ToString());
            o = new StringWriter();
            err = new StringWriter();
            Assert.Equal(1, CliEntry.Run(["next", "--dlt", "0.05,0.1,0.2,0.3", "--design", "tite-crm", "--data", data], o, err));
            Assert.Equal($"dose-escalation: error: {data}: patient 6: dlt is pending, but the DLT window is unknown; add trial: dlt_window_days: <days> to a scenario file and pass it to next", err.ToString().Trim().Split('\n')[^1]);
        }
        finally { Directory.Delete(dir, true); }
    }
    [Fact]
    public void Cli_json_and_markdown_carry_tite_boins_own_estimate_and_final()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tite-next-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string yaml = Path.Combine(dir, "t.yaml"), data = Path.Combine(dir, "d.csv");
            File.WriteAllText(yaml, "trial:\n  name: TITE-BOIN example\n  dlt_window_days: 28\ndoses:\n  - label: DL1\n  - label: DL2\n  - label: DL3\n  - label: DL4\ndesign:\n  name: tite-boin\ntarget: 0.25\nscenarios:\n  - name: s1\n    dlt: [0.05, 0.1, 0.2, 0.3]\n");
            File.WriteAllText(data, "patient,dose,dlt,days_followed\n1,1,0,28\n2,1,0,28\n3,1,0,28\n4,2,0,28\n5,2,1,28\n6,2,pending,14\n");
            var o = new StringWriter();
            Assert.Equal(0, CliEntry.Run(["next", yaml, "--data", data, "--final", "--format", "json"], o, new StringWriter()));
            using var doc = System.Text.Json.JsonDocument.Parse(o.ToString());
            var tte = doc.RootElement.GetProperty("time_to_event");
            Assert.Equal("enrol", tte.GetProperty("action").GetString());
            Assert.Equal(1, tte.GetProperty("dose").GetInt32());
            var dose2 = tte.GetProperty("per_dose")[1];
            Assert.Equal(1.3 / 3, dose2.GetProperty("dlt_estimate").GetDouble(), 12);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, tte.GetProperty("per_dose")[2].GetProperty("dlt_estimate").ValueKind);
            // BOIN's isotonic selection on the complete patients: dose 1 0/3, dose 2 1/2 (0.5 > 0.25 + ...): dose 1.
            Assert.Equal(1, tte.GetProperty("final").GetProperty("dose").GetInt32());
            Assert.Equal("6", tte.GetProperty("pending")[0].GetProperty("patient").GetString());

            o = new StringWriter();
            Assert.Equal(0, CliEntry.Run(["next", yaml, "--data", data, "--format", "md"], o, new StringWriter()));
            Assert.Contains("| dose | complete | DLTs | pending | follow-up | DLT estimate |", o.ToString());
            Assert.Contains("| 2 | 1 | 1 | 0.500 | 0.433 |", o.ToString());
        }
        finally { Directory.Delete(dir, true); }
    }
}
