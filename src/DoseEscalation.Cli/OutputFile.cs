using DoseEscalation.Application;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;
namespace DoseEscalation.Cli;

/// <summary>
/// The CLI's side of <see cref="AtomicOutput"/>: the same checks and all-or-nothing writes, with
/// every failure one <see cref="InputException"/> naming <c>--out</c> and the path as given.
/// </summary>
public static class OutputFile
{
    /// <summary>
    /// Checks an <c>--out</c> target before any work starts: not empty, not one of the inputs
    /// <paramref name="inputs"/>, not a link, FIFO, device or socket; a folder for multi-file
    /// outputs (<paramref name="folder"/>), else not a folder.
    /// </summary>
    public static void Check(string? path, string? input, bool folder = false) => Check(path, [input], folder);

    /// <inheritdoc cref="Check(string?, string?, bool)"/>
    /// <param name="path">The output path as given; null = standard output (nothing to check).</param>
    /// <param name="inputs">The run's input files, which an output must never replace.</param>
    /// <param name="folder">A folder of files rather than one file.</param>
    /// <param name="flag">The option that named <paramref name="path"/>, for the message.</param>
    public static void Check(string? path, string?[] inputs, bool folder = false, string flag = "--out")
    {
        if (path is null) return;
        Cli(() => { if (folder) AtomicOutput.CheckFolder(path, inputs); else AtomicOutput.CheckFile(path, inputs); }, flag);
    }

    public static void WriteAtomically(string path, Action<Stream> write) => Cli(() => AtomicOutput.WriteFile(path, write));

    /// <summary>Runs <paramref name="step"/>, turning an output-path failure into an input error naming --out.</summary>
    public static T Cli<T>(Func<T> step, string flag = "--out")
    {
        try { return step(); }
        catch (OutputPathException ex) { throw new InputException(flag + " " + ex.Message); }
    }

    public static void Cli(Action step, string flag = "--out") => Cli(() => { step(); return 0; }, flag);
}
