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
            stderr.WriteLine($"dose-escalation: error: {Cli.Printable($"{dataName}: {ex.Deviation.Message}")}; --allow-deviations accepts it");
            return Cli.BadInput;
        }
        catch (TrialDataException ex)
        {
            stderr.WriteLine($"dose-escalation: error: {Cli.Printable($"{dataName}: {ex.Message}")}");
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
        if (data == "-") return (Bounded(stdin, "--data -: standard input"), "standard input");
        if (NotationLike().IsMatch(data)) return (data, "--data");
        if (Directory.Exists(data)) throw new InputException($"--data {data}: is a folder, not a patient table");
        if (!File.Exists(data)) throw new InputException($"--data {data}: no such file, and not outcome notation like \"1NNN 2NTN\"");
        try
        {
            var bytes = BoundedInput.ReadFile(data, BoundedInput.MaxDataBytes) ?? throw Large($"--data {data}");
            using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return (reader.ReadToEnd(), data);
        }
        catch (UnauthorizedAccessException) { throw new InputException($"--data {data}: cannot be read (permission denied)"); }
    }

    // Standard input may never end (a device, a pipe): at most the limit is read.
    private static string Bounded(TextReader reader, string name)
    {
        var text = new System.Text.StringBuilder();
        var buffer = new char[65536];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > BoundedInput.MaxDataBytes) throw Large(name);
        }
        return text.ToString();
    }

    private static InputException Large(string name) =>
        new($"{name}: more than {BoundedInput.MaxDataBytes >> 20} MiB of patient data; a trial's table is a few kilobytes");
}
