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
}
