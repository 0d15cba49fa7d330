using DoseEscalation.Application;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;
namespace DoseEscalation.Cli;

/// <summary>The plot and report verbs' command-line side: output formats and folders; the runs and charts are the library's (<see cref="Charts"/>).</summary>
internal static class PlotCommand
{
    public static int Plot(ChartsRequest request, OutputSettings output, int? dpi, string? galleryDir, Verbs front)
    {
        var fileOptions = ChartFileOptionsOf(output.Format, dpi);
        if (output.Out is null && galleryDir is null) throw new InputException("--out DIR: plot needs a folder to write the chart files into");
        if (galleryDir is not null)
        {
            foreach (var path in OutputFile.Cli(() => Gallery.Write(galleryDir))) front.Out.WriteLine(path);
            return Cli.Ok;
        }
        Charts.ParseNames(request.Charts); // an unknown chart is named before the folder and the inputs
        string outDir = output.Out!;
        if (File.Exists(outDir)) throw new InputException($"--out {outDir}: is a file; plot writes one file per chart into a folder");
        if (ChartFileOptions.FromExtension(Path.GetExtension(outDir.TrimEnd('/', '\\'))) is { } named)
            throw new InputException($"--out {outDir}: plot writes one file per chart into a folder; name a folder (and choose the format with --format {named.ToString().ToLowerInvariant()})");
        var figures = front.Run(ctx => Charts.Plot(request, ctx));
        // Everything is drawn before anything is written, and the set is written all or nothing.
        var encoded = figures.Select(c => (c.Name + ChartFileOptions.Extension(fileOptions.Format), Bytes: c.Figure.Encode(fileOptions))).ToList();
        var written = OutputFile.Cli(() => AtomicOutput.WriteFolder(outDir,
            encoded.Select(e => (e.Item1, (Action<Stream>)(s => s.Write(e.Bytes)))).ToList(), request.Input.File));
        foreach (var path in written) front.Out.WriteLine(path);
        return Cli.Ok;
    }

    public static int Report(ChartsRequest request, OutputSettings output, string commandLine, Verbs front)
    {
        // The shared default "table" means: the format the --out extension names, else HTML.
        string? fromExtension = output.Out is null ? null : Path.GetExtension(output.Out).ToLowerInvariant() switch
        {
            ".html" or ".htm" => "html",
            ".md" or ".markdown" => "md",
            ".docx" => "docx",
            "" => null,
            var other => throw new InputException($"--out {output.Out}: report writes HTML (.html), Markdown (.md) or Word (.docx), not {other}"),
        };
        string format = output.Format.Trim().ToLowerInvariant() switch
        {
            "table" => fromExtension ?? "html",
            "html" => "html",
            "md" or "markdown" => "md",
            "docx" => "docx",
            _ => throw new InputException($"--format {output.Format}: expected html, md or docx"),
        };
        if (fromExtension is not null && fromExtension != format)
            throw new InputException($"--out {output.Out}: the extension says {fromExtension} but --format is {format}");
        if (output.Out is null) throw new InputException($"--out PATH: report needs a file to write (e.g. report.{format})");
        var report = front.Run(ctx => Charts.Report(request, commandLine, ctx));
        if (format == "html")
            Verbs.Emit(stream => Text(stream, w => HtmlReport.Write(report, w)), output.Out, front.Out);
        else if (format == "docx")
            Verbs.Emit(stream => DocxReport.Write(report, stream), output.Out, front.Out);
        else
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(output.Out)) ?? ".";
            if (!Directory.Exists(dir)) throw new InputException($"--out {output.Out}: the folder {dir} does not exist");
            foreach (var path in OutputFile.Cli(() => MarkdownReport.Write(report, output.Out, request.Input.File))) front.Out.WriteLine(path);
        }
        return Cli.Ok;
    }

    private static void Text(Stream s, Action<TextWriter> write)
    {
        using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        write(w);
    }

    /// <summary>--format png|svg|pdf (the shared default "table" means PNG) and --dpi of the plot verb.</summary>
    private static ChartFileOptions ChartFileOptionsOf(string given, int? dpiGiven)
    {
        string f = given.Trim().ToLowerInvariant();
        var format = f == "table" ? ChartFormat.Png : ChartFileOptions.FromExtension(f)
            ?? throw new InputException($"--format {given}: plot writes png, svg or pdf");
        int dpi = dpiGiven ?? ChartFileOptions.DefaultDpi;
        if (dpi is < ChartFileOptions.MinDpi or > ChartFileOptions.MaxDpi)
            throw new InputException($"--dpi {dpi}: must be between {ChartFileOptions.MinDpi} and {ChartFileOptions.MaxDpi}");
        if (dpiGiven is not null && format != ChartFormat.Png) throw new InputException($"--dpi {dpi}: only PNG charts have a resolution (--format {f} is a vector format)");
        return new ChartFileOptions { Format = format, Dpi = dpi };
    }
}
