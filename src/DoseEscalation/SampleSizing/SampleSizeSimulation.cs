using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Rng;

namespace DoseEscalation.SampleSizing;

/// <summary>
/// An independent Monte Carlo check of <see cref="SampleSizeExact"/>, and the engine for designs
/// whose state graph does not fit: patient by patient, each enrolled patient is first drawn
/// non-evaluable (replaced, no DLT, not seen by the design) or evaluable; an evaluable patient then
/// draws a DLT and, when the scenario has response probabilities, a response. Batches and seeding
/// are those of <see cref="MonteCarloEngine"/>; every counter is an integer, so results are
/// bit-identical whatever the thread count.
/// </summary>
public static class SampleSizeSimulation
{
    public static SampleSizeResult Run(IDesign design, Scenario scenario, double target, SampleSizeModel model, MonteCarloOptions options)
    {
        ArgumentNullException.ThrowIfNull(design);
        model.Validate();
        options.Validate();
        ResourceGuard.Design(design);
        if (scenario.DoseCount != design.DoseCount)
            throw new ArgumentException($"scenario '{scenario.Name}' has {scenario.DoseCount} doses but the design has {design.DoseCount}");
        int k = design.DoseCount;
        int mtd = scenario.TrueMtdLevel(target);
        var thresholds = scenario.Dlt.Select(CompiledScenario.BernoulliThreshold).ToArray();
        var responses = ResponseThresholds.For(scenario);
        if (design.ReadsResponses) CalendarEngine.ResponsesFor(design, scenario);
        ulong nonEvaluable = CompiledScenario.BernoulliThreshold(model.NonEvaluableRate);
        // Nothing takes time here: the per-patient engine is the cohort loop, patients replaced until evaluable.
        var timeline = Timeline.Instant with { NonEvaluableRate = model.NonEvaluableRate };
        var grade2 = CalendarEngine.Grade2Thresholds(design, scenario);
        var total = new Tally(k, design.MaxPatients);
        CalendarEngine.Unwrapped(() => MonteCarloEngine.RunBatches(options,
            () => (Worker: new PerPatientSimulator(design, thresholds, timeline, countResponses: responses is not null, grade2Thresholds: grade2), Tally: new Tally(k, design.MaxPatients)),
            (local, batch, count) =>
            {
                var draws = new SingleStreamDraws(options.Seed, batch, nonEvaluable, responses);
                int e = model.ExpansionCohort;
                for (int t = 0; t < count; t++)
                {
                    var trial = local.Worker.RunTrial(ref draws, 0, t);
                    int sel = trial.Selected, expansionResponses = 0;
                    if (sel >= 0 && responses is not null)
                        for (int i = 0; i < e; i++) expansionResponses += draws.ExpansionResponse(responses.Marginal[sel]) ? 1 : 0;
                    local.Tally.Record(sel, local.Worker.Patients, local.Worker.Dlts, local.Worker.Responses, expansionResponses, trial.Evaluable,
                        trial.Enrolled + (sel >= 0 ? e : 0), mtd, e, model.MinResponses);
                }
            },
            local => { lock (total) total.Add(local.Tally); }));
        return total.ToResult(scenario, mtd, model, options, scenario.Response is not null);
    }

    /// <summary>Integer sums over simulated trials; merging is exact in any order.</summary>
    private sealed class Tally(int k, int maxPatients)
    {
        public long Trials;
        public readonly long[] Selection = new long[k + 1];
        public readonly long[] PatientsSum = new long[k], PatientsSq = new long[k];
        public readonly long[] DltsSum = new long[k], DltsSq = new long[k];
        public readonly long[] RespSum = new long[k], RespSq = new long[k];
        public readonly long[] Evaluable = new long[maxPatients + 1];
        public long[] Enrolled = new long[maxPatients + 1];
        public long DltTotalSum, DltTotalSq, AnyAbove, RespSelSum, RespSelSq, AtLeastR;

        public void Record(int sel, ReadOnlySpan<int> patients, ReadOnlySpan<int> dlts, ReadOnlySpan<int> responses,
            int expansionResponses, int evaluable, int enrolled, int mtd, int expansion, int? minResponses)
        {
            Trials++;
            Selection[sel + 1]++;
            int x = 0;
            bool above = false;
            for (int d = 0; d < k; d++)
            {
                PatientsSum[d] += patients[d]; PatientsSq[d] += (long)patients[d] * patients[d];
                DltsSum[d] += dlts[d]; DltsSq[d] += (long)dlts[d] * dlts[d];
                int rd = responses[d] + (d == sel ? expansionResponses : 0);
                RespSum[d] += rd; RespSq[d] += (long)rd * rd;
                x += dlts[d];
                if (d > mtd && patients[d] > 0) above = true;
            }
            DltTotalSum += x; DltTotalSq += (long)x * x;
            if (above) AnyAbove++;
            Evaluable[evaluable]++;
            if (enrolled >= Enrolled.Length) Array.Resize(ref Enrolled, Math.Max(enrolled + 1, 2 * Enrolled.Length));
            Enrolled[enrolled]++;
            int atSel = sel >= 0 ? responses[sel] + expansionResponses : 0;
            RespSelSum += atSel; RespSelSq += (long)atSel * atSel;
            if (minResponses is { } r && sel >= 0 && atSel >= r) AtLeastR++;
        }

        public void Add(Tally o)
        {
            Trials += o.Trials;
            AddInto(Selection, o.Selection);
            AddInto(PatientsSum, o.PatientsSum); AddInto(PatientsSq, o.PatientsSq);
            AddInto(DltsSum, o.DltsSum); AddInto(DltsSq, o.DltsSq);
            AddInto(RespSum, o.RespSum); AddInto(RespSq, o.RespSq);
            AddInto(Evaluable, o.Evaluable);
            if (o.Enrolled.Length > Enrolled.Length) Array.Resize(ref Enrolled, o.Enrolled.Length);
            AddInto(Enrolled, o.Enrolled);
            DltTotalSum += o.DltTotalSum; DltTotalSq += o.DltTotalSq; AnyAbove += o.AnyAbove;
            RespSelSum += o.RespSelSum; RespSelSq += o.RespSelSq; AtLeastR += o.AtLeastR;
        }

        private static void AddInto(long[] into, long[] from) { for (int i = 0; i < from.Length; i++) into[i] += from[i]; }

        public SampleSizeResult ToResult(Scenario scenario, int mtd, SampleSizeModel model, MonteCarloOptions options, bool hasResponse)
        {
            double n = Trials;
            Estimate P(long c) { double p = c / n; return new(p, Math.Sqrt(p * (1 - p) / n)); }
            Estimate M(double sum, double sq)
            {
                double m = sum / n;
                if (Trials < 2) return new(m, 0);
                double v = Math.Max(0, (sq / n - m * m) * n / (n - 1));
                return new(m, Math.Sqrt(v / n));
            }
            Estimate FromHistogram(long[] h)
            {
                double s = 0, sq = 0;
                for (int i = 0; i < h.Length; i++) { s += (double)h[i] * i; sq += (double)h[i] * i * i; }
                return M(s, sq);
            }
            int lastEnrolled = Array.FindLastIndex(Enrolled, c => c > 0);
            int minEval = Array.FindIndex(Evaluable, c => c > 0), maxEval = Array.FindLastIndex(Evaluable, c => c > 0);
            long aboveSel = 0;
            for (int d = mtd + 1; d < k; d++) aboveSel += Selection[d + 1];
            return new SampleSizeResult
            {
                Scenario = scenario,
                TrueMtdLevel = mtd,
                Engine = "monte-carlo",
                Trials = Trials,
                Seed = options.Seed,
                EvaluableDistribution = Evaluable.Take(maxEval + 1).Select(c => c / n).ToArray(),
                EnrolledDistribution = Enrolled.Take(lastEnrolled + 1).Select(c => c / n).ToArray(),
                MeanEvaluable = FromHistogram(Evaluable),
                MeanEnrolled = FromHistogram(Enrolled),
                MinEvaluable = minEval,
                MaxEvaluable = maxEval,
                MinEnrolled = Array.FindIndex(Enrolled, c => c > 0),
                EvaluableRangeIsExact = false,
                MaxEnrolled = model.NonEvaluableRate > 0 ? null : lastEnrolled,
                ExpectedDlts = M(DltTotalSum, DltTotalSq),
                AnyPatientAboveMtd = P(AnyAbove),
                SelectAboveMtd = P(aboveSel),
                CorrectSelection = P(Selection[mtd + 1]),
                Selection = Selection.Select(P).ToArray(),
                MeanPatients = Enumerable.Range(0, k).Select(d => M(PatientsSum[d], PatientsSq[d])).ToArray(),
                MeanDlts = Enumerable.Range(0, k).Select(d => M(DltsSum[d], DltsSq[d])).ToArray(),
                ExpectedResponders = hasResponse ? Enumerable.Range(0, k).Select(d => M(RespSum[d], RespSq[d])).ToArray() : null,
                ExpectedRespondersAtSelected = hasResponse ? M(RespSelSum, RespSelSq) : null,
                AtLeastMinResponses = hasResponse && model.MinResponses is not null ? P(AtLeastR) : null,
                MinResponses = hasResponse ? model.MinResponses : null,
            };
        }
    }
}
