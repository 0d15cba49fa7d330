using DoseEscalation;

namespace DoseEscalation.Tests.Designs;

/// <summary>
/// Outcome notation (as in the escalation R package): "1NNN 2NTN" = a cohort of three at dose 1
/// with no DLT, then three at dose 2 with one DLT. Replays it into counts and asks the design.
/// </summary>
public static class Outcomes
{
    public static Decision Decide(IDesign design, string outcomes)
    {
        int k = design.DoseCount;
        var patients = new int[k];
        var dlts = new int[k];
        int level = 0, last = -1, total = 0;
        foreach (string cohort in outcomes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int i = 0;
            while (i < cohort.Length && char.IsDigit(cohort[i])) i++;
            level = int.Parse(cohort[..i]) - 1;
            string tox = cohort[i..];
            int x = tox.Count(c => c == 'T');
            if (tox.Any(c => c != 'T' && c != 'N')) throw new FormatException(cohort);
            patients[level] += tox.Length;
            dlts[level] += x;
            total += tox.Length;
            last = x;
        }
        return design.Decide(new TrialState(patients, dlts, level, last, total));
    }

    /// <summary>Parses "treat 3 at 2", "select 2", "none".</summary>
    public static Decision Parse(string expected)
    {
        var parts = expected.Split(' ');
        return parts[0] switch
        {
            "treat" => Decision.Treat(int.Parse(parts[3]) - 1, int.Parse(parts[1])),
            "select" => Decision.Select(int.Parse(parts[1]) - 1),
            "none" => Decision.StopNoDose,
            _ => throw new FormatException(expected),
        };
    }
}
