using System.Text.RegularExpressions;
using DoseEscalation.Application;
using DoseEscalation.Conduct;

namespace DoseEscalation.Cli;

/// <summary>The next verb's command-line side: where the data come from, and bad data as one line naming the patient (docs/conduct.md).</summary>
public static partial class NextCommand
{
    /// <summary>Runs <paramref name="run"/>; bad data: one line on <paramref name="stderr"/> naming the patient, exit code 1, no output.</summary>
    internal static int Run(Func<int> run, string dataName, TextWriter stderr)
    {
        try { return run(); }
        catch (DeviationException ex)
        {
            stderr.WriteLine($"dose-escalation: error: {dataName}: {ex.Deviation.Message}; --allow-deviations accepts it");
            return Cli.BadInput;
        }
        catch (TrialDataException ex)
        {
            stderr.WriteLine($"dose-escalation: error: {dataName}: {ex.Message}");
            return Cli.BadInput;
        }
    }

    [GeneratedRegex(@"^\s*(\d+[A-Za-z]*\s*)*$")]
    private static partial Regex NotationLike();

    /// <summary>
    /// The data text and its name: "-" reads <paramref name="stdin"/>; text that looks like outcome
    /// notation (or is empty) is the data itself; anything else is a path to a CSV/TSV file.
    /// </summary>
    public static (string Text, string Name) ReadData(string data, TextReader stdin)
    {
        if (data == "-") return (stdin.ReadToEnd(), "standard input");
        if (NotationLike().IsMatch(data)) return (data, "--data");
        if (!File.Exists(data)) throw new InputException($"--data {data}: no such file, and not outcome notation like \"1NNN 2NTN\"");
        return (File.ReadAllText(data), data);
    }
}
