using DoseEscalation.Designs;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Designs.Rules;

namespace DoseEscalation.Tests.Designs;

/// <summary>Capabilities are asked with TryGet, and trial-level rules pass the question to the design they wrap.</summary>
public class CapabilityTests
{
    public static TheoryData<string> CatalogNames() => new(DesignCatalog.Default.Names);

    private static T? Find<T>(IDesign bare, IDesign wrapped) where T : class
    {
        var found = wrapped.TryGet<T>();
        Assert.Same(bare.TryGet<T>(), found);
        return found;
    }

    [Theory]
    [MemberData(nameof(CatalogNames))]
    public void Rules_pass_capabilities_through_to_the_design(string name)
    {
        var bare = DesignCatalog.Default.Get(name).Create(new DesignContext(3, 0.3), new OptionValues()).Design;
        IDesign wrapped = new NeverSkip(new StopAtDoseCount(bare, 9));
        Find<IExplainsDecisions>(bare, wrapped);
        Find<ITargeted>(bare, wrapped);
        Find<IDecisionTableSource>(bare, wrapped);
        Find<IPendingDesign>(bare, wrapped);
        Find<IBackfillDesign>(bare, wrapped);
        Assert.Same(bare.TryGet<IFinalSelection>(), wrapped.TryGet<IFinalSelection>());
        // A rule is itself an IMtdSelector (it may change the selection), so it answers that one.
        Assert.IsType<NeverSkip>(wrapped.TryGet<IMtdSelector>());
        Assert.Same(bare, bare.TryGet<IDesign>());
    }

    [Fact]
    public void Decision_tables_come_from_the_design_under_rules()
    {
        var boin = Design.Boin(doses: 3, target: 0.3);
        Assert.Equal(DecisionTable.For(boin).Render(), DecisionTable.For(new StopAtN(boin, 12)).Render());
        Assert.Throws<NotSupportedException>(() => DecisionTable.For(new StopAtN(Design.Crm([0.1, 0.2, 0.3], 0.3), 12)));
    }
}
