using DoseEscalation.Designs;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;

namespace DoseEscalation.Tests.Calendar;

/// <summary>
/// IPendingDesign.CertainlyEnrols: where a design says it certainly enrols, DecidePending does
/// enrol; and the calendar engine, which then skips decisions nobody can act on, gives the same
/// results, bit for bit, as asking the design at every arrival and outcome.
/// </summary>
public class PendingDecisionSkipTests
{
    /// <summary>Forwards every question to the design it wraps and counts the decisions asked; optionally hides CertainlyEnrols (the interface's default, false).</summary>
    private sealed class Counting(IPendingDesign inner, bool forwardCertainlyEnrols) : IPendingDesign
    {
        public long Asked;
        public string Name => inner.Name;
        public int DoseCount => inner.DoseCount;
        public int MaxCohortSize => inner.MaxCohortSize;
        public int MaxPatients => inner.MaxPatients;
        public bool ReadsLastCohort => inner.ReadsLastCohort;
        public bool ReadsFollowUp => inner.ReadsFollowUp;
        public Decision Decide(in TrialState state) => inner.Decide(state);
        public string Describe() => inner.Describe();
        public bool CertainlyEnrols(int evaluated, int pending) => forwardCertainlyEnrols && inner.CertainlyEnrols(evaluated, pending);
        public PendingDecision DecidePending(in TrialState state, in PendingPatients pending)
        {
            Asked++;
            return inner.DecidePending(state, pending);
        }
    }

    public static TheoryData<string> Designs => new() { "tite-crm", "tite-boin" };

    private static IPendingDesign Build(string name) => name switch
    {
        // dfcrm's titesim example (T1): 6 doses, 24 patients, start at dose 3.
        "tite-crm" => new TiteCrm(new Crm([0.05, 0.10, 0.20, 0.35, 0.50, 0.70], 0.2, cohortSize: 1, maxPatients: 24, startLevel: 2)),
        _ => new TiteBoin(new Boin(6, 0.2, 3, 24)),
    };

    [Theory]
    [MemberData(nameof(Designs))]
    public void Skipping_decisions_nobody_can_act_on_changes_no_result(string name)
    {
        var scenario = new Scenario("T1", [0.10, 0.20, 0.40, 0.50, 0.60, 0.65]);
        var options = new MonteCarloOptions { Trials = 3_000, Seed = 11, Threads = 1 };
        // Fast Poisson accrual with a short waiting list, waits that expire, screening failures,
        // infusion delays and non-evaluable patients: every path of the waiting list is exercised.
        var timeline = new Timeline
        {
            Accrual = AccrualKind.Poisson, RatePerMonth = 6, DltWindowDays = 28, MaxWaiting = 2, MaxWaitDays = 10,
            ScreeningFailure = 0.1, InfusionDelayDays = 3, NonEvaluableRate = 0.1,
        };
        var every = new Counting(Build(name), forwardCertainlyEnrols: false);
        var skipping = new Counting(Build(name), forwardCertainlyEnrols: true);
        var a = CalendarEngine.Run(every, scenario, 0.2, timeline, options);
        var b = CalendarEngine.Run(skipping, scenario, 0.2, timeline, options);
        Assert.Equal(a.Oc.Selection, b.Oc.Selection);
        Assert.Equal(a.Oc.MeanPatients, b.Oc.MeanPatients);
        Assert.Equal(a.Oc.MeanDlts, b.Oc.MeanDlts);
        Assert.Equal(a.Oc.NDistribution, b.Oc.NDistribution);
        Assert.Equal((a.Duration.Mean, a.Duration.Sd, a.TimeToDecision.Mean), (b.Duration.Mean, b.Duration.Sd, b.TimeToDecision.Mean));
        Assert.Equal(a.Duration.DayCounts, b.Duration.DayCounts);
        Assert.Equal((a.MeanEnrolled, a.MeanNonEvaluable, a.MeanLost, a.MeanWaited), (b.MeanEnrolled, b.MeanNonEvaluable, b.MeanLost, b.MeanWaited));
        Assert.True(a.MeanLost > 0.1, $"{name}: the waiting list lost {a.MeanLost} patients per trial: the test needs losses");
        // The point of it: fewer decisions (TITE-CRM skips every outcome nobody is waiting at; TITE-BOIN only within cohorts).
        Assert.True(skipping.Asked < (name == "tite-crm" ? 0.8 : 0.95) * every.Asked, $"{name}: asked {skipping.Asked} of {every.Asked}");
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void Certainly_enrols_only_where_the_decision_enrols(string name)
    {
        // Random states: completed counts, pending patients and their follow-up; wherever the design
        // says it certainly enrols, DecidePending enrols.
        var design = Build(name);
        var random = new Random(5);
        int k = design.DoseCount, checkedStates = 0;
        for (int s = 0; s < 4000; s++)
        {
            int evaluated = random.Next(0, design.MaxPatients + 1), pending = random.Next(0, Math.Min(8, design.MaxPatients - evaluated) + 1);
            if (!design.CertainlyEnrols(evaluated, pending)) continue;
            int level = random.Next(k);
            int[] patients = new int[k], dlts = new int[k], perLevel = new int[k], levels = new int[pending];
            double[] followed = new double[pending];
            for (int i = 0; i < evaluated; i++)
            {
                int d = Math.Clamp(level + random.Next(-2, 2), 0, k - 1);
                patients[d]++;
                if (random.NextDouble() < 0.3) dlts[d]++;
            }
            for (int i = 0; i < pending; i++)
            {
                levels[i] = Math.Clamp(level + random.Next(-1, 1), 0, k - 1);
                perLevel[levels[i]]++;
                followed[i] = random.NextDouble();
            }
            var decision = design.DecidePending(new TrialState(patients, dlts, level, -1, evaluated), new PendingPatients(perLevel, levels, followed));
            Assert.Equal(PendingAction.Enrol, decision.Action);
            checkedStates++;
        }
        Assert.True(checkedStates > 500, $"{name}: only {checkedStates} states where the design certainly enrols");
    }
}
