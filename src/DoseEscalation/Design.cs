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
}
