namespace DoseEscalation;

/// <summary>
/// The trial so far, as counts: evaluable patients and DLTs per dose level, the level the last
/// cohort was treated at, and that cohort's DLTs. Designs decide from this alone, so engines never
/// keep or replay a patient history.
/// </summary>
public readonly ref struct TrialState
{
    /// <summary>Evaluable patients treated at each level (length = number of doses).</summary>
    public ReadOnlySpan<int> Patients { get; }
    /// <summary>DLTs observed at each level (length = number of doses).</summary>
    public ReadOnlySpan<int> Dlts { get; }
    /// <summary>The level of the last cohort, or the start level before any cohort.</summary>
    public int CurrentLevel { get; }
    /// <summary>DLTs in the last cohort; -1 before any cohort.</summary>
    public int LastCohortDlts { get; }
    /// <summary>Total evaluable patients.</summary>
    public int TotalPatients { get; }
    /// <summary>
    /// Responders among the evaluable patients at each level, for designs that read efficacy
    /// (<see cref="IDesign.ReadsResponses"/>); empty when the engine does not track responses.
    /// </summary>
    public ReadOnlySpan<int> Responses { get; }
    /// <summary>
    /// Patients with both a DLT and a response at each level, for designs that read the joint outcome
    /// (<see cref="IDesign.ReadsJointOutcomes"/>); empty when the engine does not track it. With
    /// <see cref="Patients"/>, <see cref="Dlts"/> and <see cref="Responses"/> it gives all four cells.
    /// </summary>
    public ReadOnlySpan<int> DltResponses { get; }
    /// <summary>
    /// Patients with a grade 2 toxicity and no DLT so far, for accelerated titration's grade-2
    /// trigger; -1 when the engine draws no grade-2 outcome (the scenario gives no grade-2
    /// probabilities, or the design has no titration). Read only while the trial is titrating:
    /// engines may stop counting (or reset the count to 0) once titration is over.
    /// </summary>
    public int Grade2Events { get; init; }

    public TrialState(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, int currentLevel, int lastCohortDlts, int totalPatients)
    {
        Patients = patients;
        Dlts = dlts;
        CurrentLevel = currentLevel;
        LastCohortDlts = lastCohortDlts;
        TotalPatients = totalPatients;
        Responses = default;
        DltResponses = default;
        Grade2Events = -1;
    }

    public TrialState(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, ReadOnlySpan<int> responses, int currentLevel, int lastCohortDlts, int totalPatients)
        : this(patients, dlts, currentLevel, lastCohortDlts, totalPatients)
    {
        Responses = responses;
    }

    public TrialState(ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, ReadOnlySpan<int> responses, ReadOnlySpan<int> dltResponses, int currentLevel, int lastCohortDlts, int totalPatients)
        : this(patients, dlts, responses, currentLevel, lastCohortDlts, totalPatients)
    {
        DltResponses = dltResponses;
    }

    public int DoseCount => Patients.Length;
    public bool IsStart => TotalPatients == 0;
}
