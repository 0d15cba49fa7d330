using DoseEscalation.Reporting;

namespace DoseEscalation.Cli;

/// <summary>
/// The CLI's side of <see cref="AtomicOutput"/>: the same checks and all-or-nothing writes, with
/// every failure one <see cref="CliInputException"/> naming <c>--out</c> and the path as given.
/// </summary>
public static class OutputFile
{
    /// <summary>
    /// Checks an <c>--out</c> target before any work starts: not empty, not the input file
    /// <paramref name="input"/>, not a link, FIFO, device or socket; a folder for multi-file
    /// outputs (<paramref name="folder"/>), else not a folder.
    /// </summary>
    public static void Check(string? path, string? input, bool folder = false)
    {
        if (path is null) return;
        Cli(() => { if (folder) AtomicOutput.CheckFolder(path, input); else AtomicOutput.CheckFile(path, input); });
    }

    /// <summary>Checks the <c>--out</c> of any verb's options (the one call <see cref="DoseEscalation.Cli.Cli.Run"/> makes before running a verb).</summary>
    public static void Check(object options)
    {
        switch (options)
        {
            case PlotOptions p when p.Gallery is { } g: Check(g, null, folder: true); break;
            case PlotOptions p: Check(p.Out, p.File, folder: true); break;
            case InputOptions i: Check(i.Out, i.File); break;
        }
    }

    public static void WriteAtomically(string path, Action<Stream> write) => Cli(() => AtomicOutput.WriteFile(path, write));

    /// <summary>Runs <paramref name="step"/>, turning an output-path failure into a CLI input error naming --out.</summary>
    public static T Cli<T>(Func<T> step)
    {
        try { return step(); }
        catch (OutputPathException ex) { throw new CliInputException("--out " + ex.Message); }
    }

    public static void Cli(Action step) => Cli(() => { step(); return 0; });
}
