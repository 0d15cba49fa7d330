using DoseEscalation.Application;
using DoseEscalation.Reporting;

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
    public static void Check(string? path, string?[] inputs, bool folder = false)
    {
        if (path is null) return;
        Cli(() => { if (folder) AtomicOutput.CheckFolder(path, inputs); else AtomicOutput.CheckFile(path, inputs); });
    }

    public static void WriteAtomically(string path, Action<Stream> write) => Cli(() => AtomicOutput.WriteFile(path, write));

    /// <summary>Runs <paramref name="step"/>, turning an output-path failure into an input error naming --out.</summary>
    public static T Cli<T>(Func<T> step)
    {
        try { return step(); }
        catch (OutputPathException ex) { throw new InputException("--out " + ex.Message); }
    }

    public static void Cli(Action step) => Cli(() => { step(); return 0; });
}
