using System.Globalization;

namespace DoseEscalation;

/// <summary>
/// Utility of each (DLT, response) outcome for one patient, each in [0, 100], as in BOIN12 (Lin R,
/// Zhou Y, Yan F, Li D, Yuan Y (2020), JCO Precision Oncology 4): the best outcome (response, no
/// DLT) scores 100 and the worst (DLT, no response) 0; the paper's default scores the two others 40
/// (neither) and 60 (both), the values the authors' software uses by default (u00 = 40, u11 = 60).
/// </summary>
/// <param name="ResponseNoDlt">u(no DLT, response); default 100.</param>
/// <param name="Neither">u(no DLT, no response); default 40.</param>
/// <param name="DltResponse">u(DLT, response); default 60.</param>
/// <param name="DltNoResponse">u(DLT, no response); default 0.</param>
public sealed record UtilityTable(double ResponseNoDlt = 100, double Neither = 40, double DltResponse = 60, double DltNoResponse = 0)
{
    /// <summary>The BOIN12 paper's default table (100, 40, 60, 0).</summary>
    public static UtilityTable Boin12Default { get; } = new();

    /// <summary>Lowest response probability a dose needs to count as acceptable for the OBD (default 0: any).</summary>
    public double MinResponse { get; init; }

    /// <summary>The problem with this table, or null: each utility finite and in [0, 100], the minimum response in [0, 1].</summary>
    public string? Problem()
    {
        foreach (var (name, v) in new[] { ("response_no_dlt", ResponseNoDlt), ("neither", Neither), ("dlt_response", DltResponse), ("dlt_no_response", DltNoResponse) })
            if (!(v >= 0 && v <= 100)) return $"{name} = {v.ToString("R", CultureInfo.InvariantCulture)}: a utility must be in [0, 100]";
        if (!(MinResponse >= 0 && MinResponse <= 1)) return $"min_response = {MinResponse.ToString("R", CultureInfo.InvariantCulture)}: must be in [0, 1]";
        return null;
    }

    /// <summary>Utility of one outcome.</summary>
    public double Of(bool dlt, bool response) => dlt ? (response ? DltResponse : DltNoResponse) : (response ? ResponseNoDlt : Neither);

    /// <summary>Expected utility of one patient whose outcome has the cell probabilities <paramref name="cells"/>.</summary>
    public double Expected(OutcomeCells cells) =>
        DltResponse * cells.DltResponse + DltNoResponse * cells.DltNoResponse + ResponseNoDlt * cells.ResponseNoDlt + Neither * cells.Neither;

    /// <summary>
    /// True if utility is additive in DLT and response (u(no DLT, resp) + u(DLT, no resp) = u(DLT, resp) +
    /// u(no DLT, no resp), as the default 100 + 0 = 60 + 40): then a dose's total utility depends on
    /// its counts of DLTs and responses alone, not on who had which.
    /// </summary>
    public bool IsAdditive => Math.Abs(ResponseNoDlt + DltNoResponse - DltResponse - Neither) <= 1e-9;

    /// <summary>"u(no DLT, resp) 100, u(neither) 40, u(DLT, resp) 60, u(DLT, no resp) 0".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"u(no DLT, response) {ResponseNoDlt:0.##}, u(neither) {Neither:0.##}, u(DLT and response) {DltResponse:0.##}, u(DLT, no response) {DltNoResponse:0.##}")
        + (MinResponse > 0 ? string.Create(CultureInfo.InvariantCulture, $", OBD needs P(response) >= {MinResponse:0.###}") : "");
}

/// <summary>
/// Dose optimisation under a scenario with response probabilities: the true expected utility of
/// each dose, the true optimal biological dose (OBD) and how often a design selects it, and the
/// expected true utility of the dose a design selects.
/// </summary>
/// <remarks>
/// The true OBD is the dose with the highest expected utility (<see cref="UtilityTable.Expected"/>)
/// among the acceptable doses: P(DLT) at most the target and P(response) at least
/// <see cref="UtilityTable.MinResponse"/>; the lower dose on a tie; none if no dose is acceptable.
/// This follows BOIN12 (Lin et al. 2020), whose OBD is the admissible dose with the highest utility,
/// with the true-scenario reading of admissible: safe by the criterion the true MTD uses everywhere
/// else in this tool (P(DLT) at most the target, docs/scenarios.md) and, optionally, a minimum
/// response rate. A trial that selects no dose scores utility 0.
/// </remarks>
public sealed record DoseOptimisationSummary
{
    public required UtilityTable Utility { get; init; }
    /// <summary>Expected utility of one patient at each dose, under the scenario's joint (DLT, response) model.</summary>
    public required double[] TrueUtility { get; init; }
    /// <summary>The true OBD (0-based level), or -1 when no dose is acceptable.</summary>
    public required int ObdLevel { get; init; }
    /// <summary>P(select the OBD); when there is none, P(select no dose).</summary>
    public required Estimate SelectObd { get; init; }
    /// <summary>Expected true utility of the selected dose (0 for no dose).</summary>
    public required Estimate UtilityOfSelected { get; init; }

    /// <summary>The true OBD of <paramref name="scenario"/> under <paramref name="utility"/> with DLT target <paramref name="target"/>; -1 if none.</summary>
    public static int TrueObd(Scenario scenario, double target, UtilityTable utility)
    {
        int best = Decision.NoDose;
        double bestU = double.NegativeInfinity;
        for (int d = 0; d < scenario.DoseCount; d++)
        {
            var c = scenario.Cells(d);
            if (scenario.Dlt[d] > target || scenario.Response![d] < utility.MinResponse) continue;
            double u = utility.Expected(c);
            if (u > bestU + 1e-12) { bestU = u; best = d; }
        }
        return best;
    }

    /// <summary>
    /// From selection probabilities (<paramref name="selection"/>[0] = no dose, [d + 1] = dose d);
    /// <paramref name="trials"/> = 0 for exact. A Monte Carlo standard error is that of a mean over
    /// trials of the selected dose's utility (a categorical variable), and of a proportion.
    /// </summary>
    public static DoseOptimisationSummary From(IReadOnlyList<Estimate> selection, Scenario scenario, double target, UtilityTable utility, long trials)
    {
        var u = Enumerable.Range(0, scenario.DoseCount).Select(d => utility.Expected(scenario.Cells(d))).ToArray();
        int obd = TrueObd(scenario, target, utility);
        double mean = 0, sq = 0;
        for (int d = 0; d < u.Length; d++) { double p = selection[d + 1].Value; mean += p * u[d]; sq += p * u[d] * u[d]; }
        double pObd = selection[obd + 1].Value;
        return new DoseOptimisationSummary
        {
            Utility = utility,
            TrueUtility = u,
            ObdLevel = obd,
            SelectObd = trials == 0 ? new(pObd, 0) : new(pObd, Math.Sqrt(Math.Max(0, pObd * (1 - pObd)) / trials)),
            UtilityOfSelected = trials < 2 ? new(mean, 0) : new(mean, Math.Sqrt(Math.Max(0, sq - mean * mean) * trials / (trials - 1.0) / trials)),
        };
    }
}
