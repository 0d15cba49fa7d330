using System.Diagnostics;
using System.IO.Compression;
using DoseEscalation.Tests.Scenarios;
using CliEntry = DoseEscalation.Cli.Cli;

namespace DoseEscalation.Tests.Reporting;

/// <summary>A fact that needs Debian's chromium: skipped where it is missing, except in CI (CI=true), where it fails.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path) && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = $"{Path} not installed (apt-get install chromium); .ci/run installs it";
    }
}

/// <summary>Renders the charts and the HTML report in headless Chromium and checks the pictures.</summary>
public class RenderingTests
{
    private static string Screenshot(string file, int width, int height)
    {
        Assert.True(File.Exists(ChromiumFactAttribute.Path), "chromium is required here (CI=true): apt-get install chromium");
        string dir = Directory.CreateTempSubdirectory("de-chromium").FullName;
        string png = System.IO.Path.Combine(dir, "shot.png");
        var psi = new ProcessStartInfo(ChromiumFactAttribute.Path)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={System.IO.Path.Combine(dir, "profile")}",
                     $"--screenshot={png}", $"--window-size={width},{height}", new Uri(file).AbsoluteUri })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEndAsync();
        p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(90_000), "chromium did not finish in 90 s");
        Assert.True(File.Exists(png), "chromium wrote no screenshot");
        return png;
    }

    /// <summary>Width, height and the number of distinct byte values of the decompressed image data (a blank page has very few).</summary>
    private static (int Width, int Height, int Distinct) ReadPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, bytes[..8]);
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        for (int pos = 8; pos < bytes.Length;)
        {
            int len = (bytes[pos] << 24) | (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
            string type = System.Text.Encoding.ASCII.GetString(bytes, pos + 4, 4);
            if (type == "IHDR")
            {
                width = (bytes[pos + 8] << 24) | (bytes[pos + 9] << 16) | (bytes[pos + 10] << 8) | bytes[pos + 11];
                height = (bytes[pos + 12] << 24) | (bytes[pos + 13] << 16) | (bytes[pos + 14] << 8) | bytes[pos + 15];
            }
            if (type == "IDAT") idat.Write(bytes, pos + 8, len);
            pos += 12 + len;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var seen = new bool[256];
        var buffer = new byte[1 << 16];
        int n;
        while ((n = z.Read(buffer)) > 0) for (int i = 0; i < n; i++) seen[buffer[i]] = true;
        return (width, height, seen.Count(s => s));
    }

    [ChromiumFact]
    public void Html_report_and_every_chart_render_non_blank_at_the_requested_size()
    {
        string dir = Directory.CreateTempSubdirectory("de-render").FullName;
        string html = System.IO.Path.Combine(dir, "report.html");
        string file = System.IO.Path.Combine(Repo.Root, "scenarios", "henan-bcma-car-nk-13-patients.yaml");
        var err = new StringWriter();
        Assert.Equal(0, CliEntry.Run(["report", file, "--out", html, "--designs", "3+3,boin", "--compare-trials", "2000"], new StringWriter(), err));
        Assert.Equal(0, CliEntry.Run(["plot", file, "--out", dir, "--format", "svg", "--designs", "3+3,boin", "--trials", "2000"], new StringWriter(), err));
        string text = File.ReadAllText(html);
        Assert.DoesNotContain("http://", text.Replace("http://www.w3.org/2000/svg", ""));
        Assert.DoesNotContain("https://", text);
        var (w, h, distinct) = ReadPng(Screenshot(html, 1000, 1400));
        Assert.Equal((1000, 1400), (w, h));
        Assert.True(distinct > 30, $"report screenshot looks blank ({distinct} distinct byte values)");
        foreach (string svg in Directory.GetFiles(dir, "*.svg"))
        {
            var (sw, sh, sd) = ReadPng(Screenshot(svg, 800, 600));
            Assert.Equal((800, 600), (sw, sh));
            Assert.True(sd > 20, $"{System.IO.Path.GetFileName(svg)} renders blank ({sd} distinct byte values)");
        }
    }
}
