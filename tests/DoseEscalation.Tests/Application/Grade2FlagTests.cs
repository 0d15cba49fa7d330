using DoseEscalation.Application;
using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Tests.Application;

/// <summary>--grade2 gives the --dlt scenario its P(grade 2 or worse) per dose, for accelerated titration's grade-2 trigger.</summary>
public class Grade2FlagTests
{
    [Fact]
    public void Grade2JoinsTheDltScenario()
    {
        var file = RunInputs.LoadFile(new TrialInput { Dlt = "0.05,0.1,0.2", Grade2 = "0.2,0.3,0.5" }, DesignCatalog.Default);
        var s = Assert.Single(file.Scenarios);
        Assert.Equal([0.2, 0.3, 0.5], s.Grade2!);
        Assert.Equal([0.05, 0.1, 0.2], s.Dlt);
    }

    [Theory]
    [InlineData(null, "0.2,0.3,0.5", "--grade2 0.2,0.3,0.5: gives the grade-2 probabilities of the --dlt scenario; give --dlt too")]
    [InlineData("0.05,0.1,0.2", "0.2,0.3", "--grade2 0.2,0.3: has 2 probabilities but --dlt has 3")]
    [InlineData("0.05,0.1,0.2", "0.2,0.05,0.5", "--grade2 0.2,0.05,0.5: dose 2's 0.05 is below its DLT probability 0.1 (P(grade 2 or worse) includes every DLT)")]
    [InlineData("0.05,0.1,0.2", "0.2,0.3,1.5", "--grade2 0.2,0.3,1.5: 1.5 is not a probability in [0, 1]")]
    public void BadGrade2IsRefusedNamingTheFlag(string? dlt, string grade2, string message)
    {
        var ex = Assert.Throws<InputException>(() => RunInputs.LoadFile(new TrialInput { Dlt = dlt, Grade2 = grade2 }, DesignCatalog.Default));
        Assert.Equal(message, ex.Message);
    }
    [Fact]
    public void Grade2WithoutTitrationIsRefusedAndAFilesIsNoted()
    {
        var ex = Assert.Throws<InputException>(() => RunInputs.Resolve(new TrialInput { Dlt = "0.05,0.1,0.2", Grade2 = "0.2,0.3,0.5" }, DesignCatalog.Default));
        Assert.Equal("--grade2 0.2,0.3,0.5: only accelerated titration reads grade-2 probabilities, and 3+3 runs without it (add --accelerated-titration, or leave --grade2 out)", ex.Message);
        // A file's grade2 may serve other runs: noted as unused, not refused.
        const string yaml = """
            trial:
              name: grade 2 given
              dlt_window_days: 28
            doses: [DL1, DL2]
            target: 0.3
            design: 3+3
            scenarios:
              - name: rising
                dlt: [0.05, 0.2]
                grade2: [0.2, 0.4]
            """;
        var inputs = RunInputs.Resolve(new TrialInput { File = "g2.yaml", FileText = yaml }, DesignCatalog.Default);
        Assert.Contains("scenario 'rising' gives grade2 probabilities, which no design of this run reads (only accelerated titration's grade-2 trigger does)", inputs.Notes);
        var titrated = RunInputs.Resolve(new TrialInput { File = "g2.yaml", FileText = yaml.Replace("design: 3+3", "accelerated_titration: true\ndesign: 3+3") }, DesignCatalog.Default);
        Assert.Empty(titrated.Notes);
    }
}
