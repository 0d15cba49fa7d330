using System.Text.Json;
using DoseEscalation.Cli;
using CliEntry = DoseEscalation.Cli.Cli;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Tests.Conduct;

public class NextCliTests
{
    private static (int Code, string Out, string Err) Run(string? stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliEntry.Run(args, o, e, stdin: new StringReader(stdin ?? ""));
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Next_on_the_built_in_trial_prints_the_decision_reason_and_pathways()
    {
        var (code, output, err) = Run(null, "next", "--data", "1NNN 2NTN", "--scenario", "mtd-at-dl2");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("Next: treat the next 3 at dose 2 (DL2: 3-6 x 10^6 CAR-NK cells/kg)", output);
        Assert.Contains("Why: 1 DLT in 3 patients at dose 2: C = 1 <= DLTs <= D = 1 in the first 3, so dose 2 needs 3 more: treat 3 at dose 2", output);
        Assert.Contains("  2NNN          0.4219  treat 3 at dose 3", output); // 0.75^3
    }

    [Fact]
    public void Bad_data_is_one_line_naming_the_patient_with_exit_code_1_and_no_output()
    {
        foreach (var (data, message) in new[]
        {
            ("1NNN 4NNN", "dose-escalation: error: --data: cohort 2 '4NNN' (patient 4): unknown dose 4; the design has doses 1..3"),
            ("1NNN 3NNN", "dose-escalation: error: --data: patients 4-6: dose 3 skips untried dose 2 (the design chose dose 2); --allow-deviations accepts it"),
            ("1NNN 2NXN", "dose-escalation: error: --data: cohort 2 '2NXN': patient 5 has 'X'; expected N (no DLT) or T (DLT), or E (response) or B (DLT and response)"),
            ("1TTT 1NNN", "dose-escalation: error: --data: patients 4-6: treated at dose 1 after the design had stopped (stop, no dose selected) after 3 patients; --allow-deviations accepts it"),
            ("no-such-file.csv", "dose-escalation: error: --data no-such-file.csv: no such file, and not outcome notation like \"1NNN 2NTN\""),
        })
        {
            var (code, output, err) = Run(null, "next", "--data", data);
            Assert.Equal(1, code);
            Assert.Equal("", output);
            Assert.Equal(message + "\n", err.Replace("\r\n", "\n"));
        }
        Assert.Equal(1, Run(null, "next", "--data", "1NNN", "--scenario", "nope").Code);
        Assert.Equal(1, Run(null, "next", "--data", "1NNN", "--format", "csv").Code);
        Assert.Equal(1, Run(null, "next", "--data", "1NNN", "--cohorts-ahead", "9").Code);
        Assert.Equal(2, Run(null, "next").Code); // --data is required
    }

    [Fact]
    public void Deviations_are_accepted_when_allowed_and_the_output_says_so()
    {
        var (code, output, _) = Run(null, "next", "--data", "1NNN 3NNN", "--allow-deviations");
        Assert.Equal(0, code);
        Assert.Contains("Note: deviations occurred: 1 cohort(s) differ from what the design asked for", output);
        Assert.Contains("Deviation: patients 4-6: dose 3 skips untried dose 2 (the design chose dose 2)", output);
    }

    [Fact]
    public void Out_writes_the_file_and_nothing_on_bad_data()
    {
        string path = Path.Combine(Path.GetTempPath(), $"conduct-{Environment.ProcessId}.md");
        try
        {
            Assert.Equal(0, Run(null, "next", "--data", "1NNN", "--format", "md", "--out", path).Code);
            Assert.StartsWith("**Design:** 3+3", File.ReadAllText(path));
            File.Delete(path);
            Assert.Equal(1, Run(null, "next", "--data", "1NXN", "--out", path).Code);
            Assert.False(File.Exists(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Data_from_standard_input_and_from_a_tsv_file()
    {
        string tsv = "patient\tdose\tdlt\n101\t1\t0\n102\t1\t0\n103\t1\t1\n";
        var (code, output, err) = Run(tsv, "next", "--data", "-");
        Assert.Equal(0, code);
        Assert.Contains("Next: treat the next 3 at dose 1", output);
        string path = Path.Combine(Path.GetTempPath(), $"conduct-{Environment.ProcessId}.tsv");
        File.WriteAllText(path, tsv.Replace("103\t1\t1", "103\t1\tmaybe"));
        try
        {
            (code, output, err) = Run(null, "next", "--data", path);
            Assert.Equal(1, code);
            Assert.Equal($"dose-escalation: error: {path}: patient 103 (line 4): dlt 'maybe' is not 1/0, yes/no, true/false, T/N or pending\n", err);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Json_has_the_decision_reason_per_dose_quantities_pathways_and_final()
    {
        var (code, output, _) = Run(null, "next", "--design", "crm", "--skeleton", "0.1,0.2,0.3", "--data", "1NNN 2NTN",
            "--dlt", "0.1,0.2,0.3", "--final", "--format", "json", "--cohorts-ahead", "2");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("crm", root.GetProperty("design").GetString());
        Assert.Equal("treat", root.GetProperty("decision").GetProperty("action").GetString());
        Assert.Equal(2, root.GetProperty("decision").GetProperty("dose").GetInt32());
        Assert.StartsWith("at the posterior mean of beta", root.GetProperty("reason").GetString());
        Assert.Equal(3, root.GetProperty("quantities").GetProperty("recommended_dose").GetDouble());
        Assert.Equal(0.9, root.GetProperty("credible_level").GetDouble());
        var dose1 = root.GetProperty("per_dose")[0];
        Assert.True(dose1.GetProperty("p_dlt_interval_lower").GetDouble() < dose1.GetProperty("p_dlt_posterior_mean").GetDouble());
        var paths = root.GetProperty("pathways");
        Assert.Equal(1, paths.EnumerateArray().Sum(p => p.GetProperty("probability").GetDouble()), 12);
        Assert.Equal(3, root.GetProperty("final").GetProperty("mtd").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("final").GetProperty("estimates")[2].GetProperty("estimate").ValueKind);
        Assert.False(root.GetProperty("deviations_occurred").GetBoolean());
    }

    // Issue 25: the CRM selects dose 3 after "1NNN 2NTN", where nobody was treated; every format says so.
    [Fact]
    public void A_final_selection_of_an_untried_dose_is_warned_in_every_format()
    {
        string[] args = ["next", "--design", "crm", "--skeleton", "0.1,0.2,0.3", "--data", "1NNN 2NTN", "--final"];
        var (code, text, _) = Run(null, args);
        Assert.Equal(0, code);
        Assert.Contains("Final MTD: dose 3", text);
        Assert.Contains("Warning: dose 3 has no patients: the CRM selects it from the model alone\n", text.ReplaceLineEndings("\n"));
        Assert.Contains("Estimates: the CRM posterior per dose above", text);
        Assert.DoesNotContain("select.mtd", text);
        var (_, md, _) = Run(null, [.. args, "--format", "md"]);
        Assert.Contains("> Warning: dose 3 has no patients: the CRM selects it from the model alone", md);
        var (_, json, _) = Run(null, [.. args, "--format", "json"]);
        using var doc = JsonDocument.Parse(json);
        Assert.True(doc.RootElement.GetProperty("final").GetProperty("selected_untried").GetBoolean());
    }

    // Issue 25: final_selection tried keeps the final MTD among doses with patients.
    [Fact]
    public void Final_selection_tried_selects_a_tried_dose_and_a_bad_value_names_the_flag()
    {
        string[] args = ["next", "--design", "crm", "--skeleton", "0.1,0.2,0.3", "--data", "1NNN 2NTN", "--final", "--final-selection", "tried"];
        var (code, text, _) = Run(null, args);
        Assert.Equal(0, code);
        Assert.Contains("Final MTD: dose 2", text);
        Assert.Contains("Selection: highest dose with patients at or below the dose whose DLT probability at the posterior mean is closest to the target", text);
        Assert.DoesNotContain("Warning:", text);
        var (_, json, _) = Run(null, [.. args, "--format", "json"]);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(2, doc.RootElement.GetProperty("final").GetProperty("mtd").GetInt32());
        Assert.False(doc.RootElement.GetProperty("final").GetProperty("selected_untried").GetBoolean());

        var (badCode, badOut, badErr) = Run(null, [.. args[..^1], "closest"]);
        Assert.Equal((1, ""), (badCode, badOut));
        Assert.Equal("dose-escalation: error: --final-selection closest: expected one of model, tried", badErr.Trim());
        var (boinCode, _, boinErr) = Run(null, "next", "--design", "boin", "--dlt", "0.1,0.2,0.3", "--data", "1NNN 2NTN", "--final-selection", "tried");
        Assert.Equal(1, boinCode);
        Assert.StartsWith("dose-escalation: error: boin: final_selection = tried: design 'boin' takes no option 'final_selection'", boinErr.Trim());
    }

    [Fact]
    public void A_final_selection_of_a_tried_dose_adds_no_warning()
    {
        string[] args = ["next", "--data", "1NNN 2NNN 3NTN", "--design", "boin", "--dlt", "0.1,0.2,0.3,0.4", "--final"];
        var (code, text, _) = Run(null, args);
        Assert.Equal(0, code);
        Assert.DoesNotContain("Warning:", text);
        var (_, json, _) = Run(null, [.. args, "--format", "json"]);
        using var doc = JsonDocument.Parse(json);
        Assert.False(doc.RootElement.GetProperty("final").GetProperty("selected_untried").GetBoolean());
    }

    [Fact]
    public void The_request_api_runs_without_the_command_line_parser()
    {
        var result = DoseEscalation.Application.Runs.Conduct(Design.Boin(doses: 4, target: 0.25), [], ["10 mg", "20 mg", "40 mg", "80 mg"], 0.25, null,
            new DoseEscalation.Application.NextRequest { Data = "1NNN 2NNN 3NTN 2NNN", Final = true }, null);
        using var stream = new MemoryStream();
        result.Write("md", stream);
        string md = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("**Next:** treat the next 3 at dose 3 (40 mg).", md);
        // select.mtd at target 0.25: 1/3 at 40 mg gives 1.05/3.1, Beta(1.05, 2.05) quantiles, P(p > 0.25) = 0.575 (mpmath).
        Assert.Contains("| 40 mg | 0.34 | (0.01,0.84) | 0.58 |", md);
    }
}
