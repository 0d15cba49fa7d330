using System.Diagnostics;
using static DoseEscalation.Tests.Reliability.CliHarness;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Tests.Reliability;

/// <summary>--out never destroys an input, never replaces a link, pipe, device or folder, and multi-file outputs are all or nothing.</summary>
public class OutputSafetyTests
{

    private static string CopyScenario(string dir)
    {
        string src = Directory.GetFiles(FindRepo("scenarios"), "crb401-bcma-car-t.yaml").Single();
        string path = Path.Combine(dir, "s.yaml");
        File.Copy(src, path);
        return path;
    }

    internal static string FindRepo(string sub)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, sub))) d = d.Parent;
        return Path.Combine(d!.FullName, sub);
    }

    [Theory]
    [InlineData("simulate")]
    [InlineData("exact")]
    [InlineData("compare")]
    [InlineData("table")]
    [InlineData("samplesize")]
    [InlineData("report")]
    [InlineData("plot")]
    public void Out_equal_to_the_input_is_refused_and_the_input_kept(string verb)
    {
        string dir = TempDir();
        string input = CopyScenario(dir);
        string before = File.ReadAllText(input);
        string[] trials = verb is "exact" or "table" ? [] : ["--trials", "100"];
        AssertBadInput(Run([verb, input, .. trials, "--out", input]), input);
        // The same file by another spelling, and through a symbolic link to it.
        AssertBadInput(Run([verb, input, .. trials, "--out", Path.Combine(dir, ".", "s.yaml")]), "s.yaml");
        string link = Path.Combine(dir, "link.yaml");
        File.CreateSymbolicLink(link, input);
        AssertBadInput(Run([verb, link, .. trials, "--out", input]), input);
        Assert.Equal(before, File.ReadAllText(input));
    }

    [Fact]
    public void A_symbolic_link_as_out_is_refused_not_replaced()
    {
        string dir = TempDir();
        string target = Path.Combine(dir, "target.txt");
        File.WriteAllText(target, "keep");
        string link = Path.Combine(dir, "out.json");
        File.CreateSymbolicLink(link, target);
        AssertBadInput(Run("simulate", "--dlt", "0.1,0.2", "--trials", "100", "--out", link), link);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("keep", File.ReadAllText(target));
        // A dangling link too.
        string dangling = Path.Combine(dir, "dangling.json");
        File.CreateSymbolicLink(dangling, Path.Combine(dir, "nowhere"));
        AssertBadInput(Run("exact", "--dlt", "0.1,0.2", "--out", dangling), dangling);
        Assert.False(File.Exists(Path.Combine(dir, "nowhere")));
    }

    [Fact]
    public void A_fifo_or_device_as_out_is_refused()
    {
        if (OperatingSystem.IsWindows()) return;
        string dir = TempDir();
        string fifo = Path.Combine(dir, "pipe");
        using (var p = Process.Start(new ProcessStartInfo("mkfifo", fifo) { UseShellExecute = false })!) p.WaitForExit();
        AssertBadInput(Run("simulate", "--dlt", "0.1,0.2", "--trials", "100", "--out", fifo), fifo);
        Assert.False(new FileInfo(fifo).Attributes.HasFlag(FileAttributes.Directory));
        AssertBadInput(Run("simulate", "--dlt", "0.1,0.2", "--trials", "100", "--out", "/dev/null"), "/dev/null");
    }

    [Theory]
    [InlineData("simulate")]
    [InlineData("exact")]
    [InlineData("compare")]
    [InlineData("table")]
    [InlineData("samplesize")]
    [InlineData("report")]
    public void A_folder_as_a_single_file_out_is_refused(string verb)
    {
        string dir = TempDir();
        string[] trials = verb is "exact" or "table" ? [] : ["--trials", "100"];
        string[] dlt = verb == "table" ? [] : ["--dlt", "0.1,0.2,0.3"];
        var line = AssertBadInput(Run([verb, .. dlt, .. trials, "--out", dir]), dir);
        Assert.Contains("folder", line);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void An_empty_out_says_so()
    {
        string line = AssertBadInput(Run("simulate", "--dlt", "0.1,0.2", "--trials", "100", "--out", ""), "--out");
        Assert.Contains("''", line);
        Assert.Contains("empty", line);
    }

    [Fact]
    public void An_unwritable_out_names_the_path_given_not_the_temporary_file()
    {
        foreach (string path in new[] { "/proc/de-out.json", "/sys/de-out.json" })
        {
            if (!Directory.Exists(Path.GetDirectoryName(path))) continue;
            string line = AssertBadInput(Run("simulate", "--dlt", "0.1,0.2", "--trials", "100", "--out", path), path);
            Assert.DoesNotContain(".tmp", line);
        }
    }

    [Fact]
    public void A_failing_file_set_leaves_nothing()
    {
        string dir = TempDir();
        var files = new List<(string, Action<Stream>)>
        {
            (Path.Combine(dir, "a.svg"), AtomicOutput.Text("<svg/>")),
            (Path.Combine(dir, "b.md"), _ => throw new IOException("No space left on device : '/x/.b.md.tmp'")),
        };
        var ex = Assert.Throws<OutputPathException>(() => AtomicOutput.WriteFiles(files));
        Assert.Contains("b.md", ex.Message);
        Assert.DoesNotContain(".tmp", ex.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void A_failing_new_folder_is_not_created()
    {
        string parent = TempDir();
        string dir = Path.Combine(parent, "charts");
        Assert.Throws<OutputPathException>(() => AtomicOutput.WriteFolder(dir,
            [("a.svg", AtomicOutput.Text("<svg/>")), ("b.svg", _ => throw new IOException("disk full"))]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(parent));
        var written = AtomicOutput.WriteFolder(dir, [("a.svg", AtomicOutput.Text("<svg/>")), ("b.svg", AtomicOutput.Text("<svg/>"))]);
        Assert.Equal(2, written.Count);
        Assert.Equal(new[] { "a.svg", "b.svg" }, Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Order().ToArray());
        Assert.Single(Directory.EnumerateFileSystemEntries(parent));
    }

    [Fact]
    public void A_failing_plot_leaves_no_folder()
    {
        string parent = TempDir();
        string dir = Path.Combine(parent, "charts");
        AssertBadInput(Run("plot", "--dlt", "0.1,0.2,0.3", "--mark-n", "0", "--out", dir), "--mark-n");
        Assert.Empty(Directory.EnumerateFileSystemEntries(parent));
        var ok = Run("plot", "--dlt", "0.1,0.2,0.3", "--charts", "selection,allocation", "--out", dir);
        Assert.Equal(0, ok.Code);
        Assert.Equal(2, Directory.GetFiles(dir, "*.png").Length);
        Assert.Single(Directory.EnumerateFileSystemEntries(parent));
    }

    [Fact]
    public void A_file_as_the_plot_folder_is_refused()
    {
        string dir = TempDir();
        string file = Path.Combine(dir, "x");
        File.WriteAllText(file, "keep");
        AssertBadInput(Run("plot", "--dlt", "0.1,0.2,0.3", "--out", file), file);
        Assert.Equal("keep", File.ReadAllText(file));
    }

    [Fact]
    public void Markdown_report_escapes_html_and_links_from_names()
    {
        string dir = TempDir();
        string yaml = Path.Combine(dir, "evil.yaml");
        File.WriteAllText(yaml, """
            trial:
              name: "<script>alert(1)</script> trial"
              notes: "[click](javascript:alert(2)) <!-- x -->"
            doses: ["<img src=x onerror=alert(3)>", "<svg onload=alert(4)>", "D3"]
            scenarios:
              - name: "<script>s</script>"
                dlt: [0.1, 0.2, 0.3]
                rationale: "<iframe src=x></iframe>"
            """);
        string md = Path.Combine(dir, "r.md");
        var r = Run("report", yaml, "--format", "md", "--out", md, "--designs", "3+3", "--quiet");
        Assert.Equal(0, r.Code);
        string text = File.ReadAllText(md);
        foreach (var tag in new[] { "<script", "</script", "<img", "<svg", "<iframe", "<!--", "](javascript:" })
            Assert.DoesNotMatch(@"(?<!\\)" + System.Text.RegularExpressions.Regex.Escape(tag), text);
        Assert.Contains("\\<script>", text);
        Assert.Contains("## Sample size", text);
        // samplesize's own Markdown escapes the same names.
        var ss = Run("samplesize", yaml, "--format", "md", "--quiet");
        Assert.Equal(0, ss.Code);
        foreach (var tag in new[] { "<script", "</script", "<img", "<svg", "<iframe" })
            Assert.DoesNotMatch(@"(?<!\\)" + System.Text.RegularExpressions.Regex.Escape(tag), ss.Out);
        Assert.Contains("\\<script>", ss.Out);
    }

    [Fact]
    public void A_control_character_in_a_name_is_a_scenario_error_naming_the_field()
    {
        string dir = TempDir();
        string yaml = Path.Combine(dir, "ctl.yaml");
        File.WriteAllText(yaml, "trial: {name: \"a\\u0001b\"}\ndoses: [D1, D2]\nscenarios:\n  - name: s\n    dlt: [0.1, 0.2]\n");
        foreach (var verb in new[] { "plot", "report", "simulate" })
        {
            string output = verb switch { "plot" => "plots", "report" => "report.html", _ => "simulate.out" };
            string line = AssertBadInput(Run(verb, yaml, "--trials", "100", "--out", Path.Combine(dir, output)), "trial.name");
            Assert.Contains("U+0001", line);
        }
        Assert.Single(Directory.EnumerateFileSystemEntries(dir));
    }
}
