using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Designs.Rules;
using DoseEscalation.Tests.Designs;

namespace DoseEscalation.Tests.Scenarios;

public class DesignRegistryIntervalTests
{
    [Theory]
    [InlineData("boin", typeof(Boin))]
    [InlineData("mtpi2", typeof(Mtpi2))]
    [InlineData("keyboard", typeof(Keyboard))]
    [InlineData("i3+3", typeof(IThreePlusThree))]
    [InlineData("BOIN", typeof(Boin))]
    public void Names_build_their_design(string name, Type type)
    {
        var design = Build.Design(name, 4, 0.25, ("cohort_size", 3), ("max_n", 24));
        Assert.IsType(type, design);
        Assert.Equal(24, design.MaxPatients);
        Assert.Contains(design.Name, DesignCatalog.Default.Names);
    }

    [Fact]
    public void Options_reach_the_design()
    {
        var start = Assert.IsType<StartDose>(Build.Design("boin", 5, 0.3, ("n_earlystop", 12), ("cutoff_eli", 0.9), ("extrasafe", true), ("offset", 0.1), ("bound_mtd", true), ("start_dose", 2)));
        var d = Assert.IsType<Boin>(start.Inner);
        Assert.Equal((12, 0.9, true, 0.1, true, 1), (d.NEarlystop, d.CutoffEli, d.ExtraSafe, d.Offset, d.BoundMtd, start.StartLevel));
        var k = (Keyboard)Build.Design("keyboard", 5, 0.3, ("epsilon1", 0.04), ("epsilon2", 0.06));
        Assert.Equal((0.04, 0.06), (k.Epsilon1, k.Epsilon2));
    }

    [Theory]
    [InlineData("boin", "epsilon1", 0.05)]
    [InlineData("keyboard", "bound_mtd", true)]
    [InlineData("mtpi2", "a", 3)]
    [InlineData("i3+3", "deescalate", true)]
    public void Options_a_design_does_not_take_are_rejected(string name, string option, object value)
    {
        var ex = Assert.Throws<DesignOptionException>(() => Build.Design(name, 5, 0.3, (option, value)));
        Assert.Equal(option, ex.Option);
    }

    [Theory]
    [InlineData("n_earlystop", 0)]
    [InlineData("max_n", 2)]
    [InlineData("cohort_size", 0)]
    [InlineData("cutoff_eli", 1.5)]
    [InlineData("epsilon2", 0.9)]
    public void Values_out_of_range_name_their_option(string option, object value)
    {
        var ex = Assert.Throws<DesignOptionException>(() => Build.Design("mtpi2", 5, 0.3, (option, value)));
        Assert.Equal(option, ex.Option);
    }
}
