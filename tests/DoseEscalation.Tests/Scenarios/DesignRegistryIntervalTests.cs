using DoseEscalation.Designs;
using DoseEscalation.Scenarios;

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
        var design = DesignRegistry.Create(new DesignSpec { Name = name, CohortSize = 3, MaxN = 24 }, 4, 0.25);
        Assert.IsType(type, design);
        Assert.Equal(24, design.MaxPatients);
        Assert.Contains(design.Name, DesignRegistry.Names);
    }

    [Fact]
    public void Options_reach_the_design()
    {
        var d = (Boin)DesignRegistry.Create(new DesignSpec { Name = "boin", NEarlyStop = 12, CutoffEli = 0.9, ExtraSafe = true, Offset = 0.1, BoundMtd = true, StartDose = 2 }, 5, 0.3);
        Assert.Equal((12, 0.9, true, 0.1, true, 1), (d.NEarlystop, d.CutoffEli, d.ExtraSafe, d.Offset, d.BoundMtd, d.StartLevel));
        var k = (Keyboard)DesignRegistry.Create(new DesignSpec { Name = "keyboard", Epsilon1 = 0.04, Epsilon2 = 0.06 }, 5, 0.3);
        Assert.Equal((0.04, 0.06), (k.Epsilon1, k.Epsilon2));
    }

    [Theory]
    [InlineData("boin", "epsilon1")]
    [InlineData("keyboard", "bound_mtd")]
    [InlineData("mtpi2", "a")]
    [InlineData("i3+3", "deescalate")]
    public void Options_a_design_does_not_take_are_rejected(string name, string option)
    {
        var spec = option switch
        {
            "epsilon1" => new DesignSpec { Name = name, Epsilon1 = 0.05 },
            "bound_mtd" => new DesignSpec { Name = name, BoundMtd = true },
            "a" => new DesignSpec { Name = name, A = 3 },
            _ => new DesignSpec { Name = name, Deescalate = true },
        };
        var ex = Assert.Throws<DesignSpecException>(() => DesignRegistry.Create(spec, 5, 0.3));
        Assert.Equal(option, ex.Option);
    }

    [Theory]
    [InlineData("n_earlystop")]
    [InlineData("max_n")]
    [InlineData("cohort_size")]
    [InlineData("cutoff_eli")]
    [InlineData("epsilon2")]
    public void Values_out_of_range_name_their_option(string option)
    {
        var spec = option switch
        {
            "n_earlystop" => new DesignSpec { Name = "mtpi2", NEarlyStop = 0 },
            "max_n" => new DesignSpec { Name = "mtpi2", MaxN = 2 },
            "cohort_size" => new DesignSpec { Name = "mtpi2", CohortSize = 0 },
            "cutoff_eli" => new DesignSpec { Name = "mtpi2", CutoffEli = 1.5 },
            _ => new DesignSpec { Name = "mtpi2", Epsilon2 = 0.9 },
        };
        var ex = Assert.Throws<DesignSpecException>(() => DesignRegistry.Create(spec, 5, 0.3));
        Assert.Equal(option, ex.Option);
    }
}
