namespace DoseEscalation;

/// <summary>How the Monte Carlo engine runs a trial.</summary>
public enum SimulationMethod
{
    /// <summary>The compiled state-graph walk when the design's state space fits, else the trial loop.</summary>
    Auto,
    /// <summary>Walk the compiled state graph: one uniform per cohort, table lookups only.</summary>
    CompiledGraph,
    /// <summary>Ask the design at every cohort and draw each patient's DLT separately.</summary>
    TrialLoop,
}
