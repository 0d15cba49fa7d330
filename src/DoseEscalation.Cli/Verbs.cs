using System.Text;
using DoseEscalation.Application;
using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Cli;

/// <summary>--format, --out and --quiet of a verb as given.</summary>
internal sealed record OutputSettings(string Format, string? Out, bool Quiet)
{
    /// <summary>
    /// Checks --out before any work starts: not empty, not one of the inputs, not a link, FIFO,
    /// device or socket, not a folder.
    /// </summary>
    public void Check(params string?[] inputs) => OutputFile.Check(Out, inputs);
}

/// <summary>
/// The CLI's side of every run: the run context (catalog, progress drawn on standard error,
/// warnings and notes as one line each) and writing a result to standard output or --out.
/// </summary>
internal sealed class Verbs(DesignCatalog catalog, TextWriter stdout, TextWriter stderr, bool progress, bool quiet)
{
    /// <summary>Standard output.</summary>
    public TextWriter Out => stdout;

    public RunContext Context(IProgress<RunProgress>? reporter) => new()
    {
        Catalog = catalog, Progress = reporter, Quiet = quiet,
        Messages = m => stderr.WriteLine($"dose-escalation: {Cli.Printable(m.ToString())}"),
    };

    /// <summary>Runs <paramref name="run"/> with a progress bar when one is drawn.</summary>
    public T Run<T>(Func<RunContext, T> run) => Progress.Run(progress, reporter => run(Context(reporter)));

    /// <summary>Writes <paramref name="result"/> in the format asked for, to --out or standard output.</summary>
    public int Write(IRunResult result, OutputSettings output)
    {
        Emit(stream => result.Write(output.Format, stream), output.Out, stdout);
        return Cli.Ok;
    }

    /// <summary>Renders fully in memory first, so a failure leaves no partial output anywhere.</summary>
    public static void Emit(Action<Stream> render, string? outPath, TextWriter stdout)
    {
        using var buffer = new MemoryStream();
        render(buffer);
        if (outPath is null)
        {
            stdout.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            stdout.Flush();
        }
        else OutputFile.WriteAtomically(outPath, s => buffer.WriteTo(s));
    }
}
