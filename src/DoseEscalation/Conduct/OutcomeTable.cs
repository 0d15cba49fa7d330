using DoseEscalation.Designs;
using DoseEscalation.Designs.Rules;

namespace DoseEscalation.Conduct;

/// <summary>
/// One dose's posterior in a row of <see cref="OutcomeTable"/>. BLRM: the mean and the interval
/// probabilities (under, target, over); CRM: the mean, the plug-in estimate (at the posterior mean
/// of beta) and the credible interval. The fields a model does not have are null.
/// </summary>
public sealed record OutcomeDose(int Patients, int Dlts, double Mean,
    double? Under = null, double? Target = null, double? Over = null,
    double? PlugIn = null, double? Lower = null, double? Upper = null);

/// <summary>
/// One row of <see cref="OutcomeTable"/>: the data so far followed by <see cref="Cohorts"/> (none:
/// the data so far), what the design does then, and every dose's posterior on those data.
/// </summary>
/// <param name="Cohorts">The hypothetical cohorts after the data: dose (0-based), patients, DLTs.</param>
/// <param name="Decision">The design's decision after them: treat a cohort at a dose, or stop (selecting <see cref="Decision.Level"/>, or none).</param>
/// <param name="Doses">Per dose: the counts (data plus hypothetical cohorts) and the posterior.</param>
public sealed record OutcomeRow(IReadOnlyList<(int Level, int Patients, int Dlts)> Cohorts, Decision Decision, IReadOnlyList<OutcomeDose> Doses)
{
    /// <summary>Hypothetical cohorts after the data (0 for the data so far).</summary>
    public int Depth => Cohorts.Count;
    /// <summary>"2NNN 3TNN" (outcome notation, DLTs first), or "" for the data so far.</summary>
    public string Notation => string.Join(" ", Cohorts.Select(c => $"{c.Level + 1}{new string('T', c.Dlts)}{new string('N', c.Patients - c.Dlts)}"));
    /// <summary>Patients in the data and the hypothetical cohorts.</summary>
    public int TotalPatients => Doses.Sum(d => d.Patients);
}

/// <summary>What kind of posterior the rows of an <see cref="OutcomeTable"/> hold.</summary>
public enum OutcomeModel
{
    /// <summary>BLRM: mean and P(under / target / over).</summary>
    Blrm,
    /// <summary>CRM (and TITE-CRM on complete outcomes): mean, plug-in, credible interval.</summary>
    Crm,
}

/// <summary>
/// The "hypothetical data scenarios" table of a model-based design's protocol: from the data so far
/// (none: the start of the trial), every outcome of the next cohorts (0..c DLTs each, up to
/// <see cref="TrialConduct.MaxCohortsAhead"/> cohorts), the design's decision after it (the next
/// dose, or the stop and the MTD) and every dose's posterior. The pathways and the decisions are
/// <see cref="TrialConduct.Next"/>'s (the design's own <see cref="IDesign.Decide"/>, as <c>next
/// --cohorts-ahead</c> lists them); the posteriors are the model's own (<see cref="Blrm.Posterior"/>,
/// <see cref="Crm.Fit"/>), of the bare design: trial-level rules change decisions, not the model.
/// </summary>
public sealed class OutcomeTable
{
    /// <summary>Level of the CRM's credible intervals in the table.</summary>
    public const double CredibleLevel = 0.90;

    private OutcomeTable(IDesign design, OutcomeModel model, int cohorts, ConductResult conduct, IReadOnlyList<OutcomeRow> rows) =>
        (Design, Model, Cohorts, Conduct, Rows) = (design, model, cohorts, conduct, rows);

    public IDesign Design { get; }
    public OutcomeModel Model { get; }
    /// <summary>Cohorts looked ahead.</summary>
    public int Cohorts { get; }
    /// <summary>The conduct of the data so far (its replay, decision and notes).</summary>
    public ConductResult Conduct { get; }
    /// <summary>The data so far, then every node of the outcome tree depth first, outcomes in order of DLTs (0 first).</summary>
    public IReadOnlyList<OutcomeRow> Rows { get; }
    /// <summary>True if <paramref name="design"/> has a model whose posterior the table can show (blrm, crm, tite-crm).</summary>
    public static bool Supports(IDesign design) => ModelOf(design) is not null;

    /// <summary>The table of <paramref name="design"/> from <paramref name="data"/>, <paramref name="cohorts"/> cohorts ahead.</summary>
    /// <exception cref="NotSupportedException">The design has no such model (see <see cref="Supports"/>).</exception>
    /// <exception cref="TrialDataException">Pending patients (the table is of complete cohorts), or bad data.</exception>
    /// <exception cref="DeviationException">Data the design would not have produced, without <paramref name="allowDeviations"/>.</exception>
    public static OutcomeTable Build(IDesign design, TrialData data, int cohorts, bool allowDeviations = false)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(data);
        var model = ModelOf(design) ?? throw new NotSupportedException($"design '{design.Name}' has no model posterior to tabulate");
        if (data.HasPending)
            throw new TrialDataException($"{data.Patients.Count(p => p.Pending)} patient(s) pending: the table lists outcomes of complete cohorts (next decides with pending patients)");
        var conduct = TrialConduct.Next(design, data, new ConductOptions { CohortsAhead = cohorts, AllowDeviations = allowDeviations });
        int k = design.DoseCount;
        var patients = conduct.Replay.Patients.ToArray();
        var dlts = conduct.Replay.Dlts.ToArray();
        var rows = new List<OutcomeRow> { new([], conduct.Decision, model.Summaries(patients, dlts)) };
        // Every node of the tree once, parents before children: a pathway's prefixes beyond the part it
        // shares with the previous pathway. An inner node's decision is its child's cohort.
        IReadOnlyList<(int Level, int Patients, int Dlts)> previous = [];
        foreach (var path in conduct.Pathways)
        {
            var c = path.Cohorts;
            int shared = 0;
            while (shared < c.Count && shared < previous.Count && c[shared] == previous[shared]) shared++;
            var n = (int[])patients.Clone();
            var x = (int[])dlts.Clone();
            for (int j = 0; j < c.Count; j++)
            {
                n[c[j].Level] += c[j].Patients;
                x[c[j].Level] += c[j].Dlts;
                if (j < shared) continue;
                var decision = j + 1 < c.Count ? Decision.Treat(c[j + 1].Level, c[j + 1].Patients) : path.Next;
                rows.Add(new OutcomeRow(c.Take(j + 1).ToArray(), decision, model.Summaries(n, x)));
            }
            previous = c;
        }
        return new OutcomeTable(design, model.Kind, cohorts, conduct, rows);
    }

    private sealed record ModelView(OutcomeModel Kind, Func<int[], int[], OutcomeDose[]> Summaries);

    private static ModelView? ModelOf(IDesign design)
    {
        var (inner, _) = DesignRule.Unwrap(design);
        if (inner is Blrm blrm)
            return new(OutcomeModel.Blrm, (n, x) => blrm.Posterior(n, x)
                .Select((p, d) => new OutcomeDose(n[d], x[d], p.Mean, p.Under, p.Target, p.Over)).ToArray());
        var crm = inner as Crm ?? (inner as TiteCrm)?.Crm;
        if (crm is null) return null;
        return new(OutcomeModel.Crm, (n, x) =>
        {
            var fit = crm.Fit(n, x, CredibleLevel);
            return fit.Doses.Select((e, d) => new OutcomeDose(n[d], x[d], e.Mean, PlugIn: e.PlugIn, Lower: e.Lower, Upper: e.Upper)).ToArray();
        });
    }
}
