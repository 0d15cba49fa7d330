using System.Numerics;

namespace DoseEscalation.Engines;

/// <summary>
/// Sums over finished trials of every quantity the operating characteristics need, with their
/// squares and the cross products the ratio estimates use. <typeparamref name="T"/> is
/// <see cref="long"/> for Monte Carlo (a trial has weight 1, so merging is exact in any order) and
/// <see cref="double"/> for the exact engine (a terminal state has weight = its probability).
/// </summary>
public sealed class OcTally<T> where T : INumber<T>
{
    public int DoseCount { get; }
    public int MaxPatients { get; }
    /// <summary>The true MTD level the "above MTD" quantities refer to (-1: every dose is above).</summary>
    public int TrueMtdLevel { get; }

    public T Weight;                  // trials, or total probability
    public readonly T[] Selection;    // [K+1], index 0 = no dose, index d = level d-1
    public readonly T[] PatientsSum, PatientsSq, DltsSum, DltsSq; // [K]
    public readonly T[] NDistribution;     // [MaxPatients+1]
    public readonly T[] DltTotalDistribution; // [MaxPatients+1]
    public T AboveSum, AboveSq, AboveTimesN;   // patients treated above the true MTD
    public T AtSum, AtSq, AtTimesN;            // patients treated at the true MTD
    public T AnyAbove;       // trials with >= 1 patient above the true MTD
    public T Above60;        // trials with >= 60% of patients above the true MTD
    public T NSq;            // sum of N^2 (the ratio estimates need it)
    /// <summary>Trials that selected a dose with no (evaluable) patient: a model-based selection of an untried dose.</summary>
    public T SelectedUntried;
    /// <summary>
    /// [level * (MaxPatients + 1) + n]: trials that selected <c>level</c> with n patients treated
    /// there; with <see cref="PatientsCross"/>, what the efficacy summaries need. Null unless asked for.
    /// </summary>
    public readonly T[]? SelectedPatients;
    /// <summary>[d * K + e]: sum of n_d n_e, for the variance of a weighted sum of allocations. Null unless asked for.</summary>
    public readonly T[]? PatientsCross;

    /// <summary>A zero tally; <c>efficacy</c> also counts what the efficacy summaries need (when the scenario has response probabilities).</summary>
    public OcTally(int doseCount, int maxPatients, int trueMtdLevel, bool efficacy = false)
    {
        if (efficacy)
        {
            SelectedPatients = new T[doseCount * (maxPatients + 1)];
            PatientsCross = new T[doseCount * doseCount];
        }
        DoseCount = doseCount;
        MaxPatients = maxPatients;
        TrueMtdLevel = trueMtdLevel;
        Weight = T.Zero;
        Selection = new T[doseCount + 1];
        PatientsSum = new T[doseCount]; PatientsSq = new T[doseCount];
        DltsSum = new T[doseCount]; DltsSq = new T[doseCount];
        NDistribution = new T[maxPatients + 1];
        DltTotalDistribution = new T[maxPatients + 1];
        AboveSum = AboveSq = AboveTimesN = AtSum = AtSq = AtTimesN = AnyAbove = Above60 = NSq = SelectedUntried = T.Zero;
    }

    public void Clear()
    {
        Weight = T.Zero;
        Array.Fill(Selection, T.Zero);
        Array.Fill(PatientsSum, T.Zero); Array.Fill(PatientsSq, T.Zero);
        Array.Fill(DltsSum, T.Zero); Array.Fill(DltsSq, T.Zero);
        Array.Fill(NDistribution, T.Zero); Array.Fill(DltTotalDistribution, T.Zero);
        AboveSum = AboveSq = AboveTimesN = AtSum = AtSq = AtTimesN = AnyAbove = Above60 = NSq = SelectedUntried = T.Zero;
        if (SelectedPatients is not null) { Array.Fill(SelectedPatients, T.Zero); Array.Fill(PatientsCross!, T.Zero); }
    }

    /// <summary>Adds one finished trial (or terminal state) with the given weight.</summary>
    public void Record(int selectedLevel, ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, T weight)
    {
        Weight += weight;
        Selection[selectedLevel + 1] += weight;
        if (selectedLevel >= 0 && patients[selectedLevel] == 0) SelectedUntried += weight;
        int n = 0, x = 0, above = 0, at = 0;
        for (int d = 0; d < DoseCount; d++)
        {
            T nd = T.CreateTruncating(patients[d]), xd = T.CreateTruncating(dlts[d]);
            PatientsSum[d] += weight * nd; PatientsSq[d] += weight * nd * nd;
            DltsSum[d] += weight * xd; DltsSq[d] += weight * xd * xd;
            n += patients[d]; x += dlts[d];
            if (d > TrueMtdLevel) above += patients[d];
            else if (d == TrueMtdLevel) at += patients[d];
        }
        NDistribution[n] += weight;
        DltTotalDistribution[x] += weight;
        T tn = T.CreateTruncating(n), ta = T.CreateTruncating(above), tt = T.CreateTruncating(at);
        NSq += weight * tn * tn;
        AboveSum += weight * ta; AboveSq += weight * ta * ta; AboveTimesN += weight * ta * tn;
        AtSum += weight * tt; AtSq += weight * tt * tt; AtTimesN += weight * tt * tn;
        if (above > 0) AnyAbove += weight;
        if (5 * above >= 3 * n) Above60 += weight; // above/n >= 60%, in integers
        if (SelectedPatients is not null)
        {
            if (selectedLevel >= 0) SelectedPatients[selectedLevel * (MaxPatients + 1) + patients[selectedLevel]] += weight;
            for (int d = 0; d < DoseCount; d++)
            {
                if (patients[d] == 0) continue;
                T nd = T.CreateTruncating(patients[d]);
                for (int e = 0; e < DoseCount; e++) PatientsCross![d * DoseCount + e] += weight * nd * T.CreateTruncating(patients[e]);
            }
        }
    }

    /// <summary>Adds another tally's sums (exact for long; order-dependent only in the last bit for double).</summary>
    public void Add(OcTally<T> other)
    {
        Weight += other.Weight;
        AddInto(Selection, other.Selection);
        AddInto(PatientsSum, other.PatientsSum); AddInto(PatientsSq, other.PatientsSq);
        AddInto(DltsSum, other.DltsSum); AddInto(DltsSq, other.DltsSq);
        AddInto(NDistribution, other.NDistribution); AddInto(DltTotalDistribution, other.DltTotalDistribution);
        AboveSum += other.AboveSum; AboveSq += other.AboveSq; AboveTimesN += other.AboveTimesN;
        AtSum += other.AtSum; AtSq += other.AtSq; AtTimesN += other.AtTimesN;
        AnyAbove += other.AnyAbove; Above60 += other.Above60; NSq += other.NSq;
        SelectedUntried += other.SelectedUntried;
        if (SelectedPatients is not null) { AddInto(SelectedPatients, other.SelectedPatients!); AddInto(PatientsCross!, other.PatientsCross!); }
    }

    private static void AddInto(T[] into, T[] from)
    {
        for (int i = 0; i < into.Length; i++) into[i] += from[i];
    }
}
