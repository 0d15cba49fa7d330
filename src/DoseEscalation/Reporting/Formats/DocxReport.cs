using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using A = DocumentFormat.OpenXml.Drawing;
using DW = DocumentFormat.OpenXml.Drawing.Wordprocessing;
using PIC = DocumentFormat.OpenXml.Drawing.Pictures;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>
/// The report as a Word document (.docx), written with the Open XML SDK: real Heading 1/2 styles
/// (so Word's navigation pane and table of contents see them), tables with a header row, and each
/// chart as a PNG at <see cref="ChartFileOptions.DefaultDpi"/> dpi with its description as alt text.
/// </summary>
public static class DocxReport
{
    private const long EmuPerPixel = 9525; // 914400 EMU per inch / 96 CSS pixels per inch
    private const long MaxWidthEmu = 6 * 914400; // 6 inches: fits a portrait page with 1-inch margins

    public static void Write(Report report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        using var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document, autoSave: true);
        var main = doc.AddMainDocumentPart();
        AddStyles(main);
        var body = new Body();
        main.Document = new Document(body);
        doc.PackageProperties.Title = $"Operating characteristics: {report.Results.TrialName}";
        doc.PackageProperties.Creator = ToolInfo.Describe();

        body.Append(Heading($"Operating characteristics: {report.Results.TrialName}", "Title"));
        body.Append(Text(report.Results.Design.Describe()));
        foreach (var section in report.Sections())
        {
            body.Append(Heading(section.Heading, "Heading1"));
            foreach (var p in section.Paragraphs) body.Append(Text(p));
            if (section.Table is { } t) body.Append(Table(t), Text(""));
        }
        body.Append(Heading("Charts", "Heading1"));
        uint id = 1;
        foreach (var (name, figure) in report.Charts)
        {
            var part = main.AddImagePart(ImagePartType.Png);
            using (var png = new MemoryStream(figure.ToPng(ChartFileOptions.DefaultDpi))) part.FeedData(png);
            long cx = (long)Math.Ceiling(figure.Width) * EmuPerPixel, cy = (long)Math.Ceiling(figure.Height) * EmuPerPixel;
            if (cx > MaxWidthEmu) (cx, cy) = (MaxWidthEmu, cy * MaxWidthEmu / cx);
            body.Append(new Paragraph(new Run(Image(main.GetIdOfPart(part), id++, name, figure.Title + ". " + figure.Description, cx, cy))));
        }
        body.Append(new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = "Footer" }), new Run(new Text(report.Footer()) { Space = SpaceProcessingModeValues.Preserve })));
        body.Append(new SectionProperties(
            new PageSize { Width = 12240, Height = 15840 }, // US Letter; A4 users' Word rescales nothing, the margins fit both
            new PageMargin { Top = 1440, Bottom = 1440, Left = 1440, Right = 1440 }));
    }

    private static void AddStyles(MainDocumentPart main)
    {
        var styles = main.AddNewPart<StyleDefinitionsPart>();
        Style ParagraphStyle(string id, string name, int halfPoints, bool bold, int spaceBefore, string? basedOn = "Normal", int? outline = null, string color = "222222")
        {
            var rpr = new StyleRunProperties(new RunFonts { Ascii = "Calibri", HighAnsi = "Calibri" }, new Color { Val = color }, new FontSize { Val = halfPoints.ToString() });
            if (bold) rpr.InsertAfter(new Bold(), rpr.GetFirstChild<RunFonts>()); // schema order: rFonts, b, color, sz
            var ppr = new StyleParagraphProperties(new SpacingBetweenLines { Before = spaceBefore.ToString(), After = "120" });
            if (outline is { } o) ppr.Append(new OutlineLevel { Val = o });
            var style = new Style(new StyleName { Val = name }, new PrimaryStyle(), ppr, rpr) { Type = StyleValues.Paragraph, StyleId = id };
            if (basedOn is not null) style.InsertAfter(new BasedOn { Val = basedOn }, style.StyleName);
            return style;
        }
        styles.Styles = new Styles(
            ParagraphStyle("Normal", "Normal", 22, false, 0, basedOn: null),
            ParagraphStyle("Title", "Title", 36, true, 0),
            ParagraphStyle("Heading1", "heading 1", 28, true, 360, outline: 0),
            ParagraphStyle("Footer", "Footer", 16, false, 480, color: "555555"),
            new Style(new StyleName { Val = "Table Grid" }, new StyleTableProperties(new TableBorders(
                new TopBorder { Val = BorderValues.Single, Size = 4, Color = "BBBBBB" }, new LeftBorder { Val = BorderValues.Single, Size = 4, Color = "BBBBBB" },
                new BottomBorder { Val = BorderValues.Single, Size = 4, Color = "BBBBBB" }, new RightBorder { Val = BorderValues.Single, Size = 4, Color = "BBBBBB" },
                new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4, Color = "BBBBBB" }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4, Color = "BBBBBB" })))
            { Type = StyleValues.Table, StyleId = "TableGrid" });
    }

    private static Paragraph Heading(string text, string style) =>
        new(new ParagraphProperties(new ParagraphStyleId { Val = style }), new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));

    private static Paragraph Text(string text) => new(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));

    private static Table Table(ReportTable t)
    {
        var table = new Table(new TableProperties(new TableStyle { Val = "TableGrid" }, new TableWidth { Type = TableWidthUnitValues.Auto, Width = "0" }));
        // The grid: equal columns across the 6.5-inch text width (9360 twips); Word then fits them to the text.
        table.Append(new TableGrid(t.Header.Select(_ => new GridColumn { Width = (9360 / t.Header.Count).ToString() })));
        TableRow Row(IEnumerable<string> cells, bool header)
        {
            var row = new TableRow();
            if (header) row.Append(new TableRowProperties(new TableHeader()));
            foreach (var c in cells)
            {
                var run = new Run(new Text(c) { Space = SpaceProcessingModeValues.Preserve });
                run.PrependChild(new RunProperties(new FontSize { Val = "18" }));
                if (header) run.RunProperties!.PrependChild(new Bold());
                row.Append(new TableCell(new Paragraph(new ParagraphProperties(new SpacingBetweenLines { Before = "0", After = "0" }), run)));
            }
            return row;
        }
        table.Append(Row(t.Header, header: true));
        foreach (var r in t.Rows) table.Append(Row(r, header: false));
        return table;
    }

    // An inline picture: the standard DrawingML wrapper around an image part, with alt text.
    private static Drawing Image(string relationshipId, uint id, string name, string altText, long cx, long cy) =>
        new(new DW.Inline(
            new DW.Extent { Cx = cx, Cy = cy },
            new DW.EffectExtent { LeftEdge = 0, TopEdge = 0, RightEdge = 0, BottomEdge = 0 },
            new DW.DocProperties { Id = id, Name = name, Description = altText },
            new DW.NonVisualGraphicFrameDrawingProperties(new A.GraphicFrameLocks { NoChangeAspect = true }),
            new A.Graphic(new A.GraphicData(
                new PIC.Picture(
                    new PIC.NonVisualPictureProperties(new PIC.NonVisualDrawingProperties { Id = id, Name = name + ".png", Description = altText }, new PIC.NonVisualPictureDrawingProperties()),
                    new PIC.BlipFill(new A.Blip { Embed = relationshipId }, new A.Stretch(new A.FillRectangle())),
                    new PIC.ShapeProperties(new A.Transform2D(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = cx, Cy = cy }),
                        new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle })))
            { Uri = "http://schemas.openxmlformats.org/drawingml/2006/picture" }))
        { DistanceFromTop = 0, DistanceFromBottom = 0, DistanceFromLeft = 0, DistanceFromRight = 0 });
}
