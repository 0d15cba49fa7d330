using DoseEscalation.Application;
using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Tests.Application;

/// <summary>--response gives the --dlt scenario its response probabilities, so BOIN12 runs without a scenario file.</summary>
public class ResponseFlagTests
{
    [Fact]
    public void ResponseJoinsTheDltScenario()
    {
        var file = RunInputs.LoadFile(new TrialInput { Dlt = "0.05,0.1,0.2", Response = "0.1,0.3,0.5" }, DesignCatalog.Default);
        var s = Assert.Single(file.Scenarios);
        Assert.Equal([0.1, 0.3, 0.5], s.Response!);
        Assert.Equal([0.05, 0.1, 0.2], s.Dlt);
        Assert.Equal(UtilityTable.Boin12Default, s.Utility);
        // BOIN12 reads responses: it resolves now, where --dlt alone is refused.
        Assert.Equal("boin12", RunInputs.Resolve(new TrialInput { Dlt = "0.05,0.1,0.2", Response = "0.1,0.3,0.5", Design = "boin12" }, DesignCatalog.Default).Design.Name);
        Assert.Throws<InputException>(() => RunInputs.Resolve(new TrialInput { Dlt = "0.05,0.1,0.2", Design = "boin12" }, DesignCatalog.Default));
    }

    [Theory]
    [InlineData(null, "0.1,0.3,0.5", "--response 0.1,0.3,0.5: gives the response probabilities of the --dlt scenario; give --dlt too")]
    [InlineData("0.05,0.1,0.2", "0.1,0.3", "--response 0.1,0.3: has 2 probabilities but --dlt has 3")]
    [InlineData("0.05,0.1,0.2", "0.1,0.3,1.5", "--response 0.1,0.3,1.5: 1.5 is not a probability in [0, 1]")]
    [InlineData("0.05,0.1,0.2", "0.1,x,0.5", "--response 0.1,x,0.5: 'x' is not a number")]
    public void BadResponseIsRefusedNamingTheFlag(string? dlt, string response, string message)
    {
        var ex = Assert.Throws<InputException>(() => RunInputs.LoadFile(new TrialInput { Dlt = dlt, Response = response }, DesignCatalog.Default));
        Assert.Equal(message, ex.Message);
    }
}
