using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Cli;

public class PlotCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        return (CliEntry.Run(args, o, e), o.ToString(), e.ToString());
    }

    [Fact]
    public void Plot_writes_one_png_per_chart_with_stable_names_at_300_dpi()
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("de-plot").FullName, "out");
        var (code, output, _) = Run("plot", "--out", dir, "--designs", "3+3,boin", "--trials", "2000");
        Assert.Equal(0, code);
        var names = Directory.GetFiles(dir).Select(Path.GetFileName).OrderBy(n => n).ToList();
        // The built-in scenario file has a timeline, so the duration charts (one per scenario) come too.
        Assert.Equal(["allocation.png", "comparison.png", "duration-all-safe.png", "duration-all-toxic.png", "duration-mtd-at-dl1.png", "duration-mtd-at-dl2.png",
            "duration-mtd-at-dl3.png", "oc-curve.png", "paths.png", "sample-size-all-safe.png", "sample-size-all-toxic.png",
            "sample-size-mtd-at-dl1.png", "sample-size-mtd-at-dl2.png", "sample-size-mtd-at-dl3.png", "selection.png"], names);
        Assert.Equal(names.Count, output.TrimEnd().Split('\n').Length);
        foreach (var f in Directory.GetFiles(dir)) Assert.Equal(300, DoseEscalation.Reporting.Charts.PngChunks.Dpi(File.ReadAllBytes(f))!.Value, 0);
    }

    [Theory]
    [InlineData("svg", "<svg")]
    [InlineData("pdf", "%PDF-")]
    [InlineData("png", "\u0089PNG")]
    public void Plot_honours_the_format(string format, string magic)
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("de-plot").FullName, "out");
        string[] dpi = format == "png" ? ["--dpi", "150"] : [];
        var (code, _, err) = Run(["plot", "--dlt", "0.1,0.2,0.4", "--charts", "selection,occurve", "--out", dir, "--format", format, .. dpi]);
        Assert.True(code == 0, err);
        Assert.Equal([$"oc-curve.{format}", $"selection.{format}"], Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToList());
        string head = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(dir, $"selection.{format}"))[..5]);
        Assert.StartsWith(magic, head);
        if (format == "png") Assert.Equal(150, DoseEscalation.Reporting.Charts.PngChunks.Dpi(File.ReadAllBytes(Path.Combine(dir, "selection.png")))!.Value, 0);
    }

    [Theory]
    [InlineData("plot --charts selection,pie", "unknown chart 'pie'")]
    [InlineData("plot --charts selection", "--out DIR")]
    [InlineData("plot --dlt 0.1,2 --charts selection", "is not a probability")]
    [InlineData("report --format pdf", "--format pdf: expected html, md or docx")]
    [InlineData("plot --format jpg --charts selection", "--format jpg: expected png, svg or pdf")]
    [InlineData("plot --format svg --dpi 150 --charts selection", "--dpi 150: only PNG charts")]
    [InlineData("plot --dpi 5 --charts selection", "--dpi 5: must be between 48 and 1200")]
    [InlineData("report --dlt 0.1,0.2", "--out PATH")]
    public void Bad_input_is_one_line_exit_1_and_writes_nothing(string args, string message)
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("de-plot").FullName, "out");
        string[] argv = args.Split(' ');
        bool needsOut = !message.StartsWith("--out");
        string target = argv[0] == "plot" ? dir : Path.Combine(Path.GetDirectoryName(dir)!, "r.html");
        var (code, output, err) = Run([.. argv, .. needsOut ? new[] { "--out", target } : []]);
        Assert.Equal(1, code);
        Assert.Contains(message, err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(dir));
        Assert.False(File.Exists(target));
    }

    [Theory]
    [InlineData("plot --charts selection --out x.png", "plot writes one file per chart into a folder")]
    [InlineData("plot --charts selection --format svg --out x.pdf", "plot writes one file per chart into a folder")]
    [InlineData("report --out r.pdf", "report writes HTML (.html), Markdown (.md) or Word (.docx), not .pdf")]
    [InlineData("report --format html --out r.docx", "the extension says docx but --format is html")]
    [InlineData("report --format md --out r.html", "the extension says html but --format is md")]
    public void An_out_path_that_contradicts_the_format_is_refused(string args, string message)
    {
        string dir = Directory.CreateTempSubdirectory("de-out").FullName;
        var argv = args.Split(' ').Select(a => a.Contains('.') && !a.StartsWith('-') && !a.Contains(',') ? Path.Combine(dir, a) : a).ToArray();
        var (code, _, err) = Run([.. argv, "--dlt", "0.1,0.2"]);
        Assert.Equal(1, code);
        Assert.Contains(message, err);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Report_takes_markdown_from_the_out_extension()
    {
        string dir = Directory.CreateTempSubdirectory("de-md").FullName;
        var (code, _, err) = Run("report", "--dlt", "0.1,0.2", "--out", Path.Combine(dir, "r.md"));
        Assert.True(code == 0, err);
        Assert.StartsWith("# Operating characteristics", File.ReadAllText(Path.Combine(dir, "r.md")));
    }

    [Fact]
    public void Word_report_has_headings_tables_and_every_chart_as_a_png_with_alt_text()
    {
        string dir = Directory.CreateTempSubdirectory("de-docx").FullName;
        string docx = Path.Combine(dir, "r.docx");
        var (code, _, err) = Run("report", "--dlt", "0.1,0.2,0.35", "--out", docx, "--designs", "3+3,boin", "--compare-trials", "1000");
        Assert.True(code == 0, err);
        using var doc = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Open(docx, false);
        var errors = new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(doc).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(5)));
        var body = doc.MainDocumentPart!.Document.Body!;
        var headings = body.Descendants<DocumentFormat.OpenXml.Wordprocessing.Paragraph>()
            .Where(p => p.ParagraphProperties?.ParagraphStyleId?.Val?.Value == "Heading1").Select(p => p.InnerText).ToList();
        Assert.Contains("Operating characteristics", headings);
        Assert.Contains("Sample size", headings);
        Assert.Contains("Charts", headings);
        Assert.True(body.Descendants<DocumentFormat.OpenXml.Wordprocessing.Table>().Count() >= 4);
        var images = doc.MainDocumentPart.ImageParts.ToList();
        var pictures = body.Descendants<DocumentFormat.OpenXml.Drawing.Wordprocessing.DocProperties>().ToList();
        Assert.Equal(images.Count, pictures.Count);
        Assert.True(images.Count >= 5);
        Assert.All(pictures, p => Assert.False(string.IsNullOrWhiteSpace(p.Description?.Value)));
        using var png = images[0].GetStream();
        var bytes = new MemoryStream();
        png.CopyTo(bytes);
        Assert.Equal(300, DoseEscalation.Reporting.Charts.PngChunks.Dpi(bytes.ToArray())!.Value, 0);
        Assert.Contains("dose-escalation", body.InnerText[^400..]); // the reproducibility footer
    }

    [Fact]
    public void Markdown_report_writes_its_charts_beside_it()
    {
        string dir = Directory.CreateTempSubdirectory("de-md").FullName;
        string md = Path.Combine(dir, "report.md");
        var (code, _, _) = Run("report", "--out", md, "--format", "md", "--designs", "3+3,boin", "--compare-trials", "1000");
        Assert.Equal(0, code);
        string text = File.ReadAllText(md);
        foreach (var svg in Directory.GetFiles(dir, "*.svg")) Assert.Contains($"]({Path.GetFileName(svg)})", text);
        Assert.Contains("dose-escalation report --out", text);
        Assert.Contains("## Operating characteristics", text);
    }
}
