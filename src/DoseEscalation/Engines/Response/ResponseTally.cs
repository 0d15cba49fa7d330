using System.Numerics;

namespace DoseEscalation.Engines.Response;

/// <summary>
/// The toxicity tally (<see cref="OcTally{T}"/>) plus the responders each finished trial actually
/// had, for designs that read responses: their allocation depends on the responses, so expected
/// responders at the selected dose are counted, not derived from the allocation.
/// <typeparamref name="T"/> is <see cref="long"/> for Monte Carlo, <see cref="double"/> for exact.
/// </summary>
public sealed class ResponseTally<T> where T : INumber<T>
{
    public OcTally<T> Oc { get; }
    public readonly T[] RespondersSum, RespondersSq; // [K]
    public T TotalSum, TotalSq, AtSelectedSum, AtSelectedSq;
    /// <summary>[r]: trials whose selected dose had exactly r responders (a trial selecting no dose counts at 0).</summary>
    public readonly T[] AtSelectedDistribution;

    public ResponseTally(int doseCount, int maxPatients, int trueMtdLevel)
    {
        Oc = new OcTally<T>(doseCount, maxPatients, trueMtdLevel);
        RespondersSum = new T[doseCount];
        RespondersSq = new T[doseCount];
        AtSelectedDistribution = new T[maxPatients + 1];
        TotalSum = TotalSq = AtSelectedSum = AtSelectedSq = T.Zero;
    }

    /// <summary>Adds one finished trial (or terminal state) with the given weight.</summary>
    public void Record(int selectedLevel, ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, ReadOnlySpan<int> responses, T weight)
    {
        Oc.Record(selectedLevel, patients, dlts, weight);
        int total = 0;
        for (int d = 0; d < responses.Length; d++)
        {
            T r = T.CreateTruncating(responses[d]);
            RespondersSum[d] += weight * r;
            RespondersSq[d] += weight * r * r;
            total += responses[d];
        }
        T t = T.CreateTruncating(total);
        TotalSum += weight * t;
        TotalSq += weight * t * t;
        int at = selectedLevel >= 0 ? responses[selectedLevel] : 0;
        T a = T.CreateTruncating(at);
        AtSelectedSum += weight * a;
        AtSelectedSq += weight * a * a;
        AtSelectedDistribution[at] += weight;
    }

    public void Add(ResponseTally<T> other)
    {
        Oc.Add(other.Oc);
        for (int d = 0; d < RespondersSum.Length; d++) { RespondersSum[d] += other.RespondersSum[d]; RespondersSq[d] += other.RespondersSq[d]; }
        for (int r = 0; r < AtSelectedDistribution.Length; r++) AtSelectedDistribution[r] += other.AtSelectedDistribution[r];
        TotalSum += other.TotalSum; TotalSq += other.TotalSq;
        AtSelectedSum += other.AtSelectedSum; AtSelectedSq += other.AtSelectedSq;
    }

    /// <summary>The operating characteristics, with efficacy from the counted responders; <paramref name="trials"/> = 0 for exact.</summary>
    public OperatingCharacteristics ToResult(IDesign design, Scenario scenario, double target, string engine, long trials, ulong? seed)
    {
        var oc = OperatingCharacteristics.FromTally(Oc, design, scenario, target, engine, trials, seed);
        double w = double.CreateTruncating(Oc.Weight);
        bool exact = trials == 0;
        Estimate Mean(T sum, T sq)
        {
            double m = double.CreateTruncating(sum) / w;
            if (exact || trials < 2) return new(m, 0);
            double var = Math.Max(0, (double.CreateTruncating(sq) / w - m * m) * trials / (trials - 1.0));
            return new(m, Math.Sqrt(var / trials));
        }
        int max = AtSelectedDistribution.Length - 1;
        var atLeast = new Estimate[max + 1];
        double tail = 0;
        for (int r = max; r >= 0; r--)
        {
            tail += double.CreateTruncating(AtSelectedDistribution[r]) / w;
            double p = r == 0 ? 1 : Math.Min(1, tail);
            atLeast[r] = exact || r == 0 ? new(p, 0) : new(p, Math.Sqrt(Math.Max(0, p * (1 - p)) / trials));
        }
        return oc with
        {
            Efficacy = new EfficacySummary
            {
                RespondersPerDose = Enumerable.Range(0, RespondersSum.Length).Select(d => Mean(RespondersSum[d], RespondersSq[d])).ToArray(),
                TotalResponders = Mean(TotalSum, TotalSq),
                RespondersAtSelected = Mean(AtSelectedSum, AtSelectedSq),
                AtLeastResponsesAtSelected = atLeast,
            },
        };
    }
}
