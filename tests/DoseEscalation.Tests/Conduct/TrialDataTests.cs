using DoseEscalation.Conduct;

namespace DoseEscalation.Tests.Conduct;

public class TrialDataTests
{
    [Fact]
    public void Notation_gives_cohorts_and_numbers_patients_in_order()
    {
        var data = TrialData.ParseNotation("1NNN 2NTN  2nnt", 3);
        Assert.Equal(9, data.Patients.Count);
        Assert.Equal(3, data.Cohorts!.Count);
        Assert.Equal(["1NNN", "2NTN", "2NNT"], data.Cohorts.Select(c => c.Notation));
        Assert.Equal("5", data.Patients.Single(p => p.Dlt && p.Level == 1 && p.Id == "5").Id);
        Assert.Equal(1, data.Cohorts[2].Dlts);
        Assert.Equal("patients 7-9", data.Cohorts[2].PatientRange);
        Assert.Empty(TrialData.Parse("  ", 3).Patients);
    }

    [Theory]
    [InlineData("1NNN 4NNN", 3, "cohort 2 '4NNN' (patient 4): unknown dose 4; the design has doses 1..3")]
    [InlineData("1NNN 2NXN", 3, "cohort 2 '2NXN': patient 5 has 'X'; expected N (no DLT) or T (DLT), or E (response) or B (DLT and response)")]
    [InlineData("NNN", 3, "cohort 1 'NNN': expected a dose number then N or T per patient, e.g. 2NNT")]
    [InlineData("1NNN 2", 3, "cohort 2 '2': no patients after dose 2; write N (no DLT) or T (DLT) per patient (E, B with a response), e.g. 2NNN")]
    [InlineData("0NNN", 3, "cohort 1 '0NNN' (patient 1): unknown dose 0; the design has doses 1..3")]
    public void Malformed_notation_is_one_line_naming_the_patient(string text, int doses, string message)
    {
        var ex = Assert.Throws<TrialDataException>(() => TrialData.Parse(text, doses));
        Assert.Equal(message, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_csv_table_reads_patients_doses_dlts_and_time_to_event()
    {
        const string csv = "patient,dose,dlt,days_followed,dlt_day\nP01,1,0,28,\nP02,1,no,28,\n# a comment\nP03,1,yes,28,12\n\nP04,2,0,14,\n";
        var data = TrialData.Parse(csv, 3);
        Assert.Null(data.Cohorts);
        Assert.Equal(["P01", "P02", "P03", "P04"], data.Patients.Select(p => p.Id));
        Assert.Equal([0, 0, 0, 1], data.Patients.Select(p => p.Level));
        Assert.Equal([false, false, true, false], data.Patients.Select(p => p.Dlt));
        Assert.Equal(12, data.Patients[2].DltDay);
        Assert.Equal(14, data.Patients[3].DaysFollowed);
        Assert.True(data.HasTimeToEvent);
    }

    [Fact]
    public void A_tsv_table_with_a_cohort_column_gives_cohorts()
    {
        const string tsv = "patient\tdose\tdlt\tcohort\n1\t1\t0\tA\n2\t1\t0\tA\n3\t2\t1\tB\n4\t2\t0\tB\n";
        var data = TrialData.Parse(tsv, 2);
        Assert.Equal(["1NN", "2TN"], data.Cohorts!.Select(c => c.Notation));
        Assert.False(data.HasTimeToEvent);
        Assert.Equal(4, TrialData.Parse("# exported 2026-11-30\n\n" + tsv, 2).Patients.Count);
    }

    [Theory]
    [InlineData("patient,dose,dlt\nP1,4,0\n", "patient P1 (line 2): unknown dose 4; the design has doses 1..3")]
    [InlineData("patient,dose,dlt\nP1,one,0\n", "patient P1 (line 2): dose 'one' is not a whole number")]
    [InlineData("patient,dose,dlt\nP1,1,maybe\n", "patient P1 (line 2): dlt 'maybe' is not 1/0, yes/no, true/false, T/N or pending")]
    [InlineData("patient,dose,dlt\nP1,1,0\nP1,1,0\n", "patient P1 (line 3): patient P1 appears twice")]
    [InlineData("patient,dose,dlt\nP1,1\n", "patient P1 (line 2): 2 fields, but the header has 3")]
    [InlineData("patient,dose,grade\nP1,1,3\n", "line 1: unknown column 'grade'; expected patient, dose, dlt, days_followed, dlt_day, cohort, response, backfill")]
    [InlineData("patient,dose\nP1,1\n", "line 1: the header has no 'dlt' column (need patient, dose, dlt)")]
    [InlineData("patient,dose,dlt,days_followed,dlt_day\nP1,1,1,10,12\n", "patient P1 (line 2): dlt_day 12 is after days_followed 10")]
    [InlineData("patient,dose,dlt,dlt_day\nP1,1,0,12\n", "patient P1 (line 2): dlt_day 12 given, but dlt is 0")]
    [InlineData("patient,dose,dlt,days_followed\nP1,1,0,-3\n", "patient P1 (line 2): days_followed '-3' is not a number of days >= 0")]
    [InlineData("patient,dose,dlt,cohort\nP1,1,0,A\nP2,2,0,A\n", "patient P2: cohort 'A' mixes doses 1 and 2")]
    public void Bad_tables_are_one_line_naming_the_patient(string text, string message)
    {
        var ex = Assert.Throws<TrialDataException>(() => TrialData.Parse(text, 3));
        Assert.Equal(message, ex.Message);
    }
}

public class TrialReplayTests
{
    private static readonly IDesign ThreePlusThree = Design.ThreePlusThree(doses: 3);

    [Fact]
    public void Replay_follows_the_design_cohort_by_cohort()
    {
        var replay = TrialReplay.Run(ThreePlusThree, TrialData.Parse("1NNN 2NTN 2NNN", 3));
        Assert.Equal(["treat 3 at dose 1", "treat 3 at dose 2", "treat 3 at dose 2"], replay.Steps.Select(s => s.Advised.ToString()));
        Assert.Equal(Decision.Treat(2, 3), replay.Next);
        Assert.Empty(replay.Deviations);
        Assert.Equal([3, 6, 0], replay.Patients.ToArray());
        Assert.Equal([0, 1, 0], replay.Dlts.ToArray());
        Assert.Equal(9, replay.TotalPatients);
        Assert.False(replay.Stopped);
    }

    [Fact]
    public void A_patient_table_is_grouped_into_the_cohorts_the_design_asked_for()
    {
        var rows = new List<string> { "patient,dose,dlt" };
        int id = 1;
        foreach (var (dose, tox) in new[] { (1, "NNN"), (2, "NTN"), (2, "NNN"), (3, "TT") })
            foreach (char t in tox) rows.Add($"{id++},{dose},{(t == 'T' ? 1 : 0)}");
        var replay = TrialReplay.Run(ThreePlusThree, TrialData.Parse(string.Join("\n", rows), 3));
        Assert.Equal(3, replay.Steps.Count);
        Assert.Equal(["1NNN", "2NTN", "2NNN"], replay.Steps.Select(s => s.Cohort.Notation));
        // The last two patients are a cohort in progress at the dose the design chose.
        Assert.Equal(2, replay.Pending.Count);
        Assert.Equal(1, replay.Remaining);
        Assert.Equal(Decision.Treat(2, 3), replay.Next);
        Assert.Equal([3, 6, 0], replay.Patients.ToArray());
    }

    [Theory]
    [InlineData("1NNN 3NNN", DeviationKind.SkippedDose, "patients 4-6: dose 3 skips untried dose 2 (the design chose dose 2)")]
    [InlineData("1NNN 1NNN", DeviationKind.DoseNotChosen, "patients 4-6: treated at dose 1, but the design chose dose 2")]
    [InlineData("1NNN 2NN 2NNN", DeviationKind.CohortSize, "patients 4-5: a cohort of 2 at dose 2, but the design asked for 3")]
    [InlineData("1TTN 1NNN", DeviationKind.AfterStop, "patients 4-6: treated at dose 1 after the design had stopped (stop, no dose selected) after 3 patients")]
    public void Deviations_are_rejected_naming_the_patients_unless_allowed(string data, DeviationKind kind, string message)
    {
        var parsed = TrialData.Parse(data, 3);
        var ex = Assert.Throws<DeviationException>(() => TrialReplay.Run(ThreePlusThree, parsed));
        Assert.Equal(message + "; deviations are accepted only when allowed", ex.Message);

        var replay = TrialReplay.Run(ThreePlusThree, parsed, allowDeviations: true);
        Assert.Equal(kind, replay.Deviations[0].Kind);
        Assert.Equal(message, replay.Deviations[0].Message);
        Assert.Equal(parsed.Patients.Count, replay.TotalPatients); // the counts follow the data
    }

    [Fact]
    public void Counts_past_the_designs_maximum_are_one_line_even_with_deviations_allowed()
    {
        var boin = Design.Boin(doses: 3, target: 0.3, maxN: 6);
        var data = TrialData.Parse("1NNN 1NNN 1NNN 1NNN", 3);
        var ex = Assert.Throws<TrialDataException>(() => TrialReplay.Run(boin, data, allowDeviations: true));
        Assert.Equal("after 9 patients, more than the design's maximum of 6, the design has no rule for these counts", ex.Message);
    }

    [Fact]
    public void The_design_stops_and_says_so()
    {
        var replay = TrialReplay.Run(ThreePlusThree, TrialData.Parse("1NNN 2NTN 2NTN", 3));
        Assert.False(replay.Stopped);
        Assert.Equal(Decision.Treat(0, 3), replay.Next); // 3+3 with de-escalation: confirm dose 1 on 6
        replay = TrialReplay.Run(ThreePlusThree, TrialData.Parse("1NNN 2NTN 2NTN 1NNN", 3));
        Assert.True(replay.Stopped);
        Assert.Equal(Decision.Select(0), replay.Next);
    }
}
