using DoseEscalation.Designs;

namespace DoseEscalation;

/// <summary>The front door to every design: <c>Design.</c> lists them.</summary>
public static class Design
{
    /// <summary>The 3+3 (Storer 1989): A+B with A = B = 3, C = D = E = 1.</summary>
    public static AplusB ThreePlusThree(int doses, bool deescalate = true, bool expandTopDose = true, int startDose = 1) =>
        new(doses, 3, 3, 1, 1, 1, deescalate, expandTopDose, startDose - 1);

    /// <summary>The A+B design (Lin &amp; Shih 2001). Doses are numbered from 1.</summary>
    public static AplusB AplusB(int doses, int a, int b, int c, int d, int e, bool deescalate = true, bool expandTopDose = true, int startDose = 1) =>
        new(doses, a, b, c, d, e, deescalate, expandTopDose, startDose - 1);

    /// <summary>
    /// BOIN (Liu &amp; Yuan 2015) with the BOIN R package's defaults: phi1 = 0.6 target, phi2 = 1.4 target,
    /// elimination at P(p &gt; target) &gt; 0.95 with n &gt;= 3, n_earlystop 100 (off), isotonic MTD selection.
    /// <paramref name="maxN"/> is R's ncohort * cohortsize. Doses are numbered from 1.
    /// </summary>
    public static Boin Boin(int doses, double target, int cohortSize = 3, int maxN = 30, int nEarlystop = 100,
        double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05, bool boundMtd = false, int startDose = 1) =>
        new(doses, target, cohortSize, maxN, nEarlystop, cutoffEli, extraSafe, offset, boundMtd, startDose - 1);

    /// <summary>mTPI-2 (Guo et al. 2017): equivalence interval [target - epsilon1, target + epsilon2], unit probability mass.</summary>
    public static Mtpi2 Mtpi2(int doses, double target, int cohortSize = 3, int maxN = 30, double epsilon1 = 0.05, double epsilon2 = 0.05,
        int nEarlystop = 100, double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05, int startDose = 1) =>
        new(doses, target, cohortSize, maxN, epsilon1, epsilon2, nEarlystop, cutoffEli, extraSafe, offset, startDose - 1);

    /// <summary>Keyboard (Yan, Mandrekar &amp; Yuan 2017): target key [target - epsilon1, target + epsilon2], most probable key.</summary>
    public static Keyboard Keyboard(int doses, double target, int cohortSize = 3, int maxN = 30, double epsilon1 = 0.05, double epsilon2 = 0.05,
        int nEarlystop = 100, double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05, int startDose = 1) =>
        new(doses, target, cohortSize, maxN, epsilon1, epsilon2, nEarlystop, cutoffEli, extraSafe, offset, startDose - 1);

    /// <summary>i3+3 (Liu, Wang &amp; Ji 2020): observed rate against [target - epsilon1, target + epsilon2].</summary>
    public static IThreePlusThree IThreePlusThree(int doses, double target, int cohortSize = 3, int maxN = 30, double epsilon1 = 0.05, double epsilon2 = 0.05,
        int nEarlystop = 100, double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05, int startDose = 1) =>
        new(doses, target, cohortSize, maxN, epsilon1, epsilon2, nEarlystop, cutoffEli, extraSafe, offset, startDose - 1);

    /// <summary>
    /// The CRM (O'Quigley, Pepe &amp; Fisher 1990) as in dfcrm, with the given skeleton (prior DLT
    /// guesses, increasing). Cohorts of 3 (dfcrm's default is 1; 3 makes it comparable with the 3+3)
    /// up to <paramref name="maxN"/> patients. Doses are numbered from 1.
    /// </summary>
    public static Crm Crm(IReadOnlyList<double> skeleton, double target, CrmModel model = CrmModel.Empiric,
        int cohortSize = 3, int maxN = 30, int startDose = 1, double priorVariance = Designs.Crm.DefaultPriorVariance,
        double? safetyCutoff = null) =>
        new(skeleton, target, model, cohortSize, maxN, startDose - 1, priorVariance, safetyCutoff);

    /// <summary>The CRM with a skeleton calibrated by indifference intervals (dfcrm's getprior; Lee &amp; Cheung 2009).</summary>
    public static Crm Crm(int doses, double target, double halfwidth, int priorMtd, CrmModel model = CrmModel.Empiric,
        int cohortSize = 3, int maxN = 30, int startDose = 1, double priorVariance = Designs.Crm.DefaultPriorVariance,
        double? safetyCutoff = null) =>
        Crm(CrmSkeleton.Calibrate(halfwidth, target, priorMtd, doses, model), target, model, cohortSize, maxN, startDose,
            priorVariance, safetyCutoff);

    /// <summary>
    /// The BLRM with overdose control (Neuenschwander, Branson &amp; Gsponer 2008) on dose values
    /// <paramref name="doseValues"/> (default 1, 2, ..., <paramref name="doses"/>), reference dose the
    /// highest unless given, and OncoBayes2's single-agent prior unless given (<see cref="BlrmPrior.Default"/>).
    /// </summary>
    public static Blrm Blrm(int doses, double target, IReadOnlyList<double>? doseValues = null, double? referenceDose = null,
        BlrmPrior? prior = null, int cohortSize = 3, int maxN = 30, int startDose = 1, double maxOverdoseProb = Designs.Blrm.DefaultMaxOverdoseProb,
        double maxIncrement = 1) =>
        doseValues is not null && doseValues.Count != doses
            ? throw new ArgumentException($"{doseValues.Count} dose values for {doses} doses", nameof(doseValues))
            : new(doseValues ?? Enumerable.Range(1, doses).Select(i => (double)i).ToArray(), target, prior ?? BlrmPrior.Default, referenceDose,
            maxOverdoseProb: maxOverdoseProb, maxIncrement: maxIncrement, cohortSize: cohortSize, maxPatients: maxN, startLevel: startDose - 1);

    /// <summary>
    /// The rolling six (Skolnik et al. 2008): up to 6 patients enrolled concurrently at a dose, one at a
    /// time; with nothing pending (every engine but the calendar's) one patient at a time on the same table.
    /// </summary>
    public static RollingSix RollingSix(int doses) => new(doses);

    /// <summary>
    /// TITE-CRM (Cheung &amp; Chappell 2000) as dfcrm's titesim: the CRM with the given skeleton, one
    /// patient at a time up to <paramref name="maxN"/>, patients still in the DLT window weighted by
    /// <paramref name="scheme"/>. Starts at dose 1.
    /// </summary>
    public static TiteCrm TiteCrm(IReadOnlyList<double> skeleton, double target, CrmModel model = CrmModel.Empiric, int maxN = 30,
        double priorVariance = Designs.Crm.DefaultPriorVariance, TiteWeightScheme scheme = TiteWeightScheme.Linear) =>
        new(new Crm(skeleton, target, model, 1, maxN, 0, priorVariance, null), scheme);

    /// <summary>
    /// TITE-BOIN (Yuan et al. 2018): BOIN with the BOIN R package's defaults (as <see cref="Boin"/>),
    /// deciding with pending patients counted by their follow-up (<paramref name="estimate"/>: the paper's
    /// single mean imputation, or the effective sample size); accrual is suspended while more than
    /// <paramref name="maxPending"/> of the current dose's patients are pending. Starts at dose 1.
    /// </summary>
    public static TiteBoin TiteBoin(int doses, double target, int cohortSize = 3, int maxN = 30, int nEarlystop = 100,
        double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05, bool boundMtd = false, double maxPending = 0.5,
        TiteBoinEstimate estimate = TiteBoinEstimate.Imputation) =>
        new(new Boin(doses, target, cohortSize, maxN, nEarlystop, cutoffEli, extraSafe, offset, boundMtd), maxPending, estimate);

    /// <summary>
    /// BOIN12 (Lin, Zhou, Yuan et al. 2020) for the optimal biological dose: DLT target
    /// <paramref name="target"/>, lowest acceptable response rate <paramref name="targetE"/>, utilities
    /// u11 = 60 and u00 = 40 (the paper's defaults), as the catalog's boin12. Doses are numbered from 1.
    /// </summary>
    public static Boin12 Boin12(int doses, double target, double targetE, int cohortSize = 3, int maxN = 30, double cutoffEli = 0.95,
        double cutoffEliE = 0.90, int nStar = 6, int nExplore = 9, double u11 = 60, double u00 = 40, int startDose = 1) =>
        new(doses, target, targetE, cohortSize, maxN, cutoffEli, cutoffEliE, nStar, nExplore, u11, u00, startDose - 1);

    /// <summary>
    /// BF-BOIN (Zhao et al. 2024): BOIN escalation for at most <paramref name="maxN"/> patients in
    /// escalation cohorts, with arrivals during a cohort's window backfilled at an open lower dose (up
    /// to <paramref name="backfillCap"/> per dose; opened by a response when <paramref name="backfillResponse"/>).
    /// </summary>
    public static Backfill BfBoin(int doses, double target, int cohortSize = 3, int maxN = 30, int backfillCap = 12,
        bool backfillResponse = true, BackfillAssignment backfillDose = BackfillAssignment.Highest, int nEarlystop = 100,
        double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05, bool boundMtd = false) =>
        new("bf-boin", new Boin(doses, target, cohortSize, Designs.Backfill.TableSize(doses, maxN, backfillCap), nEarlystop, cutoffEli, extraSafe, offset, boundMtd),
            maxN, backfillCap, backfillResponse, backfillDose);

    /// <summary>
    /// The 3+3 with backfill: BF-BOIN's 3+3 form (target 0.25, cohorts of 3, 3 more after 1 DLT in 3),
    /// whose decisions at 3 and 6 patients on a dose are the 3+3's; backfill as in <see cref="BfBoin"/>.
    /// </summary>
    public static Backfill BfThreePlusThree(int doses, int maxN = 30, int backfillCap = 12, bool backfillResponse = true,
        BackfillAssignment backfillDose = BackfillAssignment.Highest, int nEarlystop = 100, double cutoffEli = 0.95, bool extraSafe = false, double offset = 0.05) =>
        new("bf-3+3", new Boin(doses, 0.25, 3, Designs.Backfill.TableSize(doses, maxN, backfillCap), nEarlystop, cutoffEli, extraSafe, offset),
            maxN, backfillCap, backfillResponse, backfillDose, threePlusThree: true);
}
