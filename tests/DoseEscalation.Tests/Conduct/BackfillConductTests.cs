using System.Text;
using DoseEscalation.Conduct;
using DoseEscalation.Designs;
using DoseEscalation.Tests.Designs;

namespace DoseEscalation.Tests.Conduct;

/// <summary>
/// <c>next</c> for the backfill designs (bf-boin, bf-3+3): a patient table with a <c>backfill</c>
/// column and pending DLT outcomes, replayed through the design's own rules; the backfill advice
/// against hand-worked cases and against the rule the calendar engine uses.
/// </summary>
public class BackfillConductTests
{
    private static Backfill BfBoin(int doses = 4, params (string, object)[] options) =>
        (Backfill)Build.Design("bf-boin", doses, 0.3, options);

    private static string Table(params string[] rows) => "patient,dose,dlt,response,backfill\n" + string.Join("\n", rows) + "\n";

    [Fact]
    public void Backfilled_patients_count_in_the_decisions_after_their_row_and_the_escalation_cohorts_are_the_rest()
    {
        var design = BfBoin();
        // Escalation 1NEN 2NET 2NNN 3NNT; backfilled: patient 7 at dose 1 (after the first dose-2 cohort), 14 at dose 2 (pending).
        var data = TrialData.Parse(Table("1,1,no,no,no", "2,1,no,yes,no", "3,1,no,no,no", "4,2,no,no,no", "5,2,no,yes,no", "6,2,yes,no,no",
            "7,1,no,no,yes", "8,2,no,,no", "9,2,no,,no", "10,2,no,,no", "11,3,no,,no", "12,3,no,,no", "13,3,yes,,no", "14,2,pending,,yes"), 4);
        var r = TrialConduct.Next(design, data);
        Assert.Equal(4, r.Replay.Steps.Count);
        Assert.Equal(12, r.Replay.TotalPatients); // escalation patients only
        Assert.Equal([4, 6, 3, 0], r.Replay.Patients.ToArray()); // patient 7 known at dose 1; patient 14 pending
        Assert.Equal([0, 1, 1, 0], r.Replay.Dlts.ToArray());
        // 1/3 at dose 3, no lower dose disagrees (dose 1: 0/4 escalate; dose 2: 1/6 escalate; BOIN at n = 3: escalate 0, de-escalate 2): stay.
        Assert.Equal(Decision.Treat(2, 3), r.Decision);
        // While that cohort is observed: dose 1 (0/4, a response) and dose 2 (1/6 known, a response, 7 treated < 12) are open; the highest is dose 2.
        var b = Assert.IsType<BackfillAdvice>(r.Backfill);
        Assert.Equal(2, b.EscalationLevel);
        Assert.False(b.Observed);
        Assert.Equal(1, b.Level);
        Assert.Equal([BackfillDoseStatus.Open, BackfillDoseStatus.Open], b.Doses.Select(d => d.Status));
        Assert.Equal(7, b.Doses[1].Treated);
        Assert.Equal(6, b.Doses[1].Known);
        // --final: BOIN's select.mtd on every known outcome: (x + 0.05)/(n + 0.1) = 0.012, 0.172, 0.350; dose 3 is closest to 0.3.
        var final = TrialConduct.Next(design, data, new ConductOptions { Final = true }).Final!;
        Assert.Equal(2, final.SelectedLevel);
        Assert.Equal(0.3, final.Target);
        Assert.Equal(design.Escalation.SelectMtd(new TrialState([4, 6, 3, 0], [0, 1, 1, 0], 2, 1, 12)), final.SelectedLevel);
    }

    [Fact]
    public void A_backfilled_dose_whose_data_disagree_pools_the_decision_from_that_dose_up()
    {
        var design = BfBoin();
        // 1NNN 2NNN 3NNN in escalation; four backfilled at dose 2 after the dose-3 cohort, three with a DLT:
        // dose 2 is 3/7 (de-escalate, n = 7: de-escalate at >= 3), dose 3 is 0/3 (escalate): a conflict at dose 2.
        // Pooled doses 2-3: 3 DLTs in 10 (n = 10: escalate <= 2, de-escalate >= 4): stay at dose 3.
        var data = TrialData.Parse(Table("1,1,no,yes,no", "2,1,no,no,no", "3,1,no,no,no", "4,2,no,yes,no", "5,2,no,no,no", "6,2,no,no,no",
            "7,3,no,no,no", "8,3,no,no,no", "9,3,no,no,no", "10,2,yes,no,yes", "11,2,yes,no,yes", "12,2,yes,no,yes", "13,2,no,no,yes"), 4);
        var r = TrialConduct.Next(design, data);
        Assert.Equal(Decision.Treat(2, 3), r.Decision);
        Assert.Contains("pooled: 3 DLT(s) in 10", r.Reason.Text);
        Assert.Equal(2, r.Reason.Quantities.Single(q => q.Name == "conflicting_dose").Value);
        // Backfill with those data: dose 1 is 0/3 alone (safe, a response read): open; dose 2 is 3/7 alone and 3/10 pooled with dose 3 (safe pooled), a response read: open.
        Assert.Equal(1, r.Backfill!.Level);
        // Without the backfilled patients BOIN alone escalates (0/3 at dose 3).
        var escalationOnly = TrialData.Parse(Table("1,1,no,yes,no", "2,1,no,no,no", "3,1,no,no,no", "4,2,no,yes,no", "5,2,no,no,no", "6,2,no,no,no",
            "7,3,no,no,no", "8,3,no,no,no", "9,3,no,no,no"), 4);
        Assert.Equal(Decision.Treat(3, 3), TrialConduct.Next(design, escalationOnly).Decision);
    }

    [Fact]
    public void A_cohort_with_pending_outcomes_waits_and_backfill_takes_the_patients_who_arrive()
    {
        var design = BfBoin();
        var data = TrialData.Parse(Table("1,1,no,no,no", "2,1,no,no,no", "3,1,no,no,no", "4,2,no,pending,no", "5,2,pending,,no", "6,2,pending,,no"), 4);
        var r = TrialConduct.Next(design, data);
        Assert.Single(r.Replay.Steps);
        Assert.Equal(3, r.Replay.Pending.Count);
        Assert.Equal(0, r.Replay.Remaining);
        var b = r.Backfill!;
        Assert.True(b.Observed);
        Assert.False(b.Enrolling);
        Assert.Equal(1, b.EscalationLevel);
        // Dose 1 is safe (0/3) but no response has been read there: closed, so no dose is open.
        Assert.Equal(-1, b.Level);
        Assert.Equal(BackfillDoseStatus.NoResponse, b.Doses.Single().Status);
        // With backfill_response false, dose 1 opens.
        Assert.Equal(0, TrialConduct.Next(BfBoin(4, ("backfill_response", false)), data).Backfill!.Level);
        // A cohort still being enrolled: its patients are the ones who arrive.
        var enrolling = TrialConduct.Next(design, TrialData.Parse(Table("1,1,no,yes,no", "2,1,no,no,no", "3,1,no,no,no", "4,2,pending,,no"), 4));
        Assert.True(enrolling.Backfill!.Enrolling);
        Assert.Equal(2, enrolling.Replay.Remaining);
        Assert.Equal(-1, enrolling.Backfill.Level);
    }

    [Fact]
    public void Doses_close_at_the_cap_and_above_a_dose_that_is_not_safe()
    {
        var design = BfBoin(4, ("backfill_cap", 4));
        // Escalation 1NNT 1NNN (1/6: escalate) 2ENN 3NNN, with patient 10 backfilled at dose 1 while dose 2 was observed.
        var r = TrialConduct.Next(design, TrialData.Parse(Table("1,1,no,yes,no", "2,1,no,no,no", "3,1,yes,no,no", "4,1,no,no,no", "5,1,no,no,no", "6,1,no,no,no",
            "7,2,no,yes,no", "8,2,no,no,no", "9,2,no,no,no", "10,1,no,no,yes", "11,3,no,no,no", "12,3,no,no,no", "13,3,no,no,no"), 4));
        Assert.Equal(Decision.Treat(3, 3), r.Decision);
        // Dose 1: 7 treated (>= cap 4): full. Dose 2: 0/3, a response: open. Dose 3: 0/3, no response: closed.
        Assert.Equal([BackfillDoseStatus.Full, BackfillDoseStatus.Open, BackfillDoseStatus.NoResponse], r.Backfill!.Doses.Select(d => d.Status));
        Assert.Equal(1, r.Backfill.Level);

        // Dose 2 at 4/7 (de-escalate at n = 7: >= 3), and pooled with dose 3's 0/3, 4/10 (de-escalate at n = 10: >= 4): not
        // safe, so it closes itself and dose 3 above it; dose 1 (0/3) stays open.
        var open = BfBoin();
        int[] known = [3, 7, 3, 0], dlts = [0, 4, 0, 0], responses = [1, 1, 1, 0];
        var s = new TrialState(known, dlts, 3, 0, 12);
        Assert.Equal([BackfillDoseStatus.Open, BackfillDoseStatus.Unsafe, BackfillDoseStatus.AboveUnsafe], open.Statuses(s, known, responses, 3));
        Assert.Equal(0, open.BackfillLevel(s, known, responses, 3));
        // Three DLTs instead: 3/7 alone is not safe, but 3/10 pooled is (below 4): every dose open, the highest taken.
        int[] three = [0, 3, 0, 0];
        var s3 = new TrialState(known, three, 3, 0, 12);
        Assert.Equal([BackfillDoseStatus.Open, BackfillDoseStatus.Open, BackfillDoseStatus.Open], open.Statuses(s3, known, responses, 3));
        Assert.Equal(2, open.BackfillLevel(s3, known, responses, 3));
    }

    [Fact]
    public void The_statuses_name_the_dose_the_backfill_rule_picks_on_random_states()
    {
        var rng = new Random(20261130);
        foreach (var assignment in new[] { "highest", "lowest" })
        foreach (bool response in new[] { true, false })
        {
            var design = BfBoin(5, ("backfill_dose", assignment), ("backfill_response", response), ("backfill_cap", 6));
            for (int i = 0; i < 2000; i++)
            {
                int[] n = new int[5], x = new int[5], treated = new int[5], resp = new int[5];
                for (int d = 0; d < 5; d++)
                {
                    n[d] = rng.Next(0, 10);
                    x[d] = rng.Next(0, n[d] + 1);
                    treated[d] = n[d] + rng.Next(0, 3);
                    resp[d] = rng.Next(0, 2) * rng.Next(0, 3);
                }
                int level = rng.Next(0, 5);
                var s = new TrialState(n, x, level, -1, 12);
                var statuses = design.Statuses(s, treated, resp, level);
                var open = Enumerable.Range(0, statuses.Length).Where(b => statuses[b] == BackfillDoseStatus.Open).ToList();
                int expected = open.Count == 0 ? -1 : assignment == "highest" ? open.Max() : open.Min();
                Assert.Equal(expected, design.BackfillLevel(s, treated, resp, level));
            }
        }
    }

    [Fact]
    public void Random_trials_walked_on_the_rules_are_given_back_decision_for_decision_from_their_patient_table()
    {
        var rng = new Random(7);
        double[] pDlt = [0.05, 0.15, 0.3, 0.45], pResp = [0.2, 0.3, 0.4, 0.5];
        int decisions = 0;
        foreach (string name in new[] { "bf-boin", "bf-3+3" })
        {
            var design = (Backfill)Build.Design(name, 4, name == "bf-3+3" ? 0.25 : 0.3);
            for (int trial = 0; trial < 200; trial++)
            {
                int[] n = new int[4], x = new int[4], treated = new int[4], resp = new int[4];
                int level = 0, last = -1, total = 0, id = 0;
                var table = new StringBuilder("patient,dose,dlt,response,backfill\n");
                var expected = new List<Decision>();
                while (true)
                {
                    var d = design.Decide(new TrialState(n, x, level, last, total));
                    expected.Add(d);
                    if (d.IsStop) break;
                    int[] cn = new int[4], cx = new int[4], cr = new int[4];
                    int dlts = 0;
                    for (int i = 0; i < d.CohortSize; i++)
                    {
                        bool dlt = rng.NextDouble() < pDlt[d.Level], r = rng.NextDouble() < pResp[d.Level];
                        table.Append($"{++id},{d.Level + 1},{(dlt ? "yes" : "no")},{(r ? "yes" : "no")},no\n");
                        dlts += dlt ? 1 : 0;
                        cn[d.Level]++; cx[d.Level] += dlt ? 1 : 0; cr[d.Level] += r ? 1 : 0;
                        treated[d.Level]++;
                    }
                    // Patients who arrive while the cohort is observed: the cohort's outcomes are not known yet.
                    for (int a = rng.Next(0, 4); a > 0; a--)
                    {
                        int b = design.BackfillLevel(new TrialState(n, x, d.Level, last, total), treated, resp, d.Level);
                        if (b < 0) break;
                        bool dlt = rng.NextDouble() < pDlt[b], r = rng.NextDouble() < pResp[b];
                        table.Append($"{++id},{b + 1},{(dlt ? "yes" : "no")},{(r ? "yes" : "no")},yes\n");
                        cn[b]++; cx[b] += dlt ? 1 : 0; cr[b] += r ? 1 : 0;
                        treated[b]++;
                    }
                    for (int j = 0; j < 4; j++) { n[j] += cn[j]; x[j] += cx[j]; resp[j] += cr[j]; }
                    level = d.Level; last = dlts; total += d.CohortSize;
                }
                var replay = TrialReplay.Run(design, TrialData.Parse(table.ToString(), 4));
                Assert.Empty(replay.Deviations);
                Assert.Equal(expected.Count - 1, replay.Steps.Count);
                for (int c = 0; c < replay.Steps.Count; c++) Assert.Equal(expected[c], replay.Steps[c].Advised);
                Assert.Equal(expected[^1], replay.Next);
                Assert.Equal(n, replay.Patients.ToArray());
                decisions += expected.Count;
            }
        }
        Assert.True(decisions > 1000, $"{decisions} decisions");
    }

    [Fact]
    public void Next_on_the_command_line_gives_the_backfill_dose_in_text_markdown_and_json()
    {
        string dir = Reliability.CliHarness.TempDir();
        string csv = Path.Combine(dir, "bf.csv");
        File.WriteAllText(csv, Table("1,1,no,no,no", "2,1,no,yes,no", "3,1,no,no,no", "4,2,no,no,no", "5,2,no,yes,no", "6,2,yes,no,no",
            "7,1,no,no,yes", "8,2,no,,no", "9,2,no,,no", "10,2,no,,no", "11,3,no,,no", "12,3,pending,,no", "13,3,pending,,no", "14,2,pending,,yes"));
        var text = Reliability.CliHarness.Run("next", "--dlt", "0.05,0.1,0.2,0.3", "--design", "bf-boin", "--data", csv);
        Assert.True(text.Code == 0, text.Err);
        Assert.Equal("", text.Err); // no note that backfill runs only on the calendar: next reads the trial's own backfilled patients
        Assert.Contains("Data: 14 patients, 3 complete cohorts: 1NEN 2NET 2NNN + in progress 3N?? + backfilled 1N 2?", text.Out);
        Assert.Contains("Next: wait: the cohort at dose 3 (DL3) is in its DLT window", text.Out);
        Assert.Contains("Backfill: a patient who can be enrolled while the cohort at dose 3 is observed goes to dose 2 (DL2), on today's data", text.Out);
        var md = Reliability.CliHarness.Run("next", "--dlt", "0.05,0.1,0.2,0.3", "--design", "bf-boin", "--data", csv, "--format", "md");
        Assert.Contains("| DL2 | 7 | 6 | 1 | 1 | open |", md.Out);
        var json = Reliability.CliHarness.Run("next", "--dlt", "0.05,0.1,0.2,0.3", "--design", "bf-boin", "--data", csv, "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var b = doc.RootElement.GetProperty("backfill");
        Assert.Equal(3, b.GetProperty("escalation_dose").GetInt32());
        Assert.True(b.GetProperty("cohort_observed").GetBoolean());
        Assert.Equal(2, b.GetProperty("dose").GetInt32());
        Assert.Equal("open", b.GetProperty("per_dose")[0].GetProperty("status").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("backfilled").GetArrayLength());
        Assert.Equal("pending", doc.RootElement.GetProperty("backfilled")[1].GetProperty("dlt").GetString());
    }

    [Theory]
    [InlineData("1,1,no,no,yes\n2,1,no,no,no", "patient 1: backfilled before any escalation cohort")]
    [InlineData("1,1,no,no,no\n2,1,no,no,no\n3,1,no,no,no\n4,1,no,no,yes", "patient 4: backfilled at dose 1, but the escalation cohort then was at dose 1")]
    [InlineData("1,1,no,no,no\n2,1,pending,no,no\n3,1,no,no,no\n4,2,no,no,no\n5,2,no,no,no\n6,2,no,no,no", "patient 2: dlt is pending, but escalation cohorts were treated after it")]
    public void Data_a_backfill_design_would_not_have_produced_is_one_line_naming_the_patient(string rows, string message)
    {
        var e = Assert.ThrowsAny<TrialDataException>(() => TrialConduct.Next(BfBoin(), TrialData.Parse("patient,dose,dlt,response,backfill\n" + rows, 4)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_cohort_with_pending_outcomes_at_a_dose_the_design_did_not_choose_is_refused_even_with_deviations_allowed()
    {
        // 0/3 at dose 1 escalates; the next cohort went to dose 3 with outcomes pending.
        var data = TrialData.Parse(Table("1,1,no,yes,no", "2,1,no,no,no", "3,1,no,no,no", "4,3,no,,no", "5,3,pending,,no", "6,3,pending,,no"), 4);
        var e = Assert.Throws<DeviationException>(() => TrialConduct.Next(BfBoin(), data));
        Assert.Contains("the design chose dose 2", e.Message);
        var allowed = Assert.ThrowsAny<TrialDataException>(() => TrialConduct.Next(BfBoin(), data, new ConductOptions { AllowDeviations = true }));
        Assert.Contains("patient 5: dlt is pending in a cohort that deviates from the design", allowed.Message);
    }

    [Fact]
    public void Other_designs_refuse_backfilled_and_pending_patients_in_one_line()
    {
        var boin = Build.Design("boin", 4, 0.3);
        var e = Assert.ThrowsAny<TrialDataException>(() => TrialConduct.Next(boin, TrialData.Parse(Table("1,1,no,no,no", "2,1,no,no,yes"), 4)));
        Assert.Contains("patient 2: backfill is yes, but design boin does not backfill", e.Message);
        e = Assert.ThrowsAny<TrialDataException>(() => TrialConduct.Next(boin, TrialData.Parse("patient,dose,dlt\n1,1,no\n2,1,pending\n", 4)));
        Assert.Contains("patient 2: dlt is pending; design boin decides on complete DLT outcomes", e.Message);
        e = Assert.ThrowsAny<TrialDataException>(() => TrialData.Parse("patient,dose,dlt\n1,1,maybe\n", 4));
        Assert.Contains("dlt 'maybe' is not 1/0, yes/no, true/false, T/N or pending", e.Message);
    }
}
