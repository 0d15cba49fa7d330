using DoseEscalation.Application;
using DoseEscalation.Tests.Reliability;

namespace DoseEscalation.Tests.Application;

/// <summary>What the application layer promises every front end: the CLI's bytes, one default list, nothing typed ignored.</summary>
public class FrontDoorTests
{
    private static string Written(IRunResult result, string format)
    {
        using var stream = new MemoryStream();
        result.Write(format, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    [InlineData("table")]
    public void Compare_and_exact_through_the_library_write_the_cli_bytes(string format)
    {
        var trial = Trial.FromDlt(0.05, 0.12, 0.30, 0.45).WithDesign("boin").WithSet("boin.extrasafe", "true");
        var cli = CliHarness.Run("exact", "--dlt", "0.05,0.12,0.30,0.45", "--design", "boin", "--set", "boin.extrasafe=true", "--format", format, "--quiet");
        Assert.Equal(0, cli.Code);
        Assert.Equal(cli.Out, Written(trial.Exact(), format));
        cli = CliHarness.Run("compare", "--dlt", "0.05,0.12,0.30,0.45", "--designs", "3+3,boin,crm", "--trials", "3000", "--seed", "9", "--format", format, "--quiet");
        Assert.Equal(0, cli.Code);
        Assert.Equal(cli.Out, Written(Trial.FromDlt(0.05, 0.12, 0.30, 0.45).Compare(["3+3", "boin", "crm"], trials: 3000, seed: 9), format));
    }

    [Fact]
    public void Compare_adds_the_one_default_comparison_list_to_a_file_with_one_design()
    {
        var result = Trial.FromDlt(0.05, 0.12, 0.30).Compare(trials: 2000, seed: 3);
        Assert.Equal(EngineRule.DefaultComparison, result.Set.Setups.Select(d => d.Label).ToArray());
        Assert.Contains("crm", EngineRule.DefaultComparison);
    }

    [Fact]
    public void An_out_file_extension_names_the_format_and_a_contradicting_format_is_refused()
    {
        string dir = CliHarness.TempDir();
        string csv = Path.Combine(dir, "oc.csv"), json = Path.Combine(dir, "oc.json");
        Assert.Equal(0, CliHarness.Run("exact", "--dlt", "0.05,0.12,0.30", "--out", csv, "--quiet").Code);
        Assert.Equal(CliHarness.Run("exact", "--dlt", "0.05,0.12,0.30", "--format", "csv", "--quiet").Out, File.ReadAllText(csv));
        var r = CliHarness.Run("exact", "--dlt", "0.05,0.12,0.30", "--format", "csv", "--out", json, "--quiet");
        Assert.Equal(1, r.Code);
        Assert.Equal($"dose-escalation: error: --out {json}: the extension says json but --format is csv", r.Err.Trim());
        Assert.False(File.Exists(json));
    }

    [Fact]
    public void Merge_follows_the_out_extension()
    {
        string dir = CliHarness.TempDir();
        string[] run = ["simulate", "--dlt", "0.1,0.2,0.3", "--trials", "1000", "--batch-size", "300", "--seed", "4", "--quiet"];
        string p0 = Path.Combine(dir, "p0.json"), p1 = Path.Combine(dir, "p1.json"), merged = Path.Combine(dir, "merged.csv");
        Assert.Equal(0, CliHarness.Run([.. run, "--shard", "0/2", "--out", p0]).Code);
        Assert.Equal(0, CliHarness.Run([.. run, "--shard", "1/2", "--out", p1]).Code);
        Assert.Equal(0, CliHarness.Run("merge", p0, p1, "--out", merged).Code);
        Assert.Equal(CliHarness.Run([.. run, "--format", "csv"]).Out, File.ReadAllText(merged));
    }

    [Fact]
    public void A_repeated_set_of_one_option_is_refused_not_the_last_kept()
    {
        var r = CliHarness.Run("simulate", "--dlt", "0.1,0.2,0.3", "--design", "boin", "--set", "boin.cutoff_eli=0.9", "--set", "boin.cutoff_eli=0.95", "--trials", "100");
        Assert.Equal(1, r.Code);
        Assert.Equal("dose-escalation: error: --set boin.cutoff_eli=0.95: boin.cutoff_eli is already set by --set boin.cutoff_eli=0.9; give it once", r.Err.Trim());
    }

    [Fact]
    public void Next_never_writes_its_report_over_the_patient_data()
    {
        string dir = CliHarness.TempDir();
        string data = Path.Combine(dir, "patients.csv");
        const string table = "patient,dose,dlt\n1,1,0\n2,1,0\n3,1,0\n";
        File.WriteAllText(data, table);
        var r = CliHarness.Run("next", "--dlt", "0.1,0.2,0.3", "--design", "boin", "--data", data, "--out", data);
        Assert.Equal(1, r.Code);
        Assert.Contains("is the input file", r.Err);
        Assert.Equal(table, File.ReadAllText(data));
    }
}
