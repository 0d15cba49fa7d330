using CommandLine;
using CommandLine.Text;
using DoseEscalation.Engines;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Cli;

/// <summary>The command line: parses a verb, runs it, maps failures to exit codes (0 ok, 1 bad input, 2 usage).</summary>
public static class Cli
{
    public const int Ok = 0, BadInput = 1, Usage = 2;

    /// <summary>Every verb's options type, in help order.</summary>
    public static readonly Type[] Verbs = [typeof(SimulateOptions), typeof(ExactOptions), typeof(CompareOptions), typeof(TableOptions), typeof(SampleSizeOptions), typeof(PlotOptions), typeof(ReportOptions), typeof(BenchOptions)];

    /// <param name="interactive">True when standard error is a terminal: progress may be drawn there.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false)
    {
        using var parser = new Parser(s => { s.HelpWriter = null; s.CaseSensitive = false; s.AutoVersion = true; });
        var parsed = parser.ParseArguments(args, Verbs);
        if (parsed is NotParsed<object> notParsed)
        {
            var help = HelpText.AutoBuild(parsed, h =>
            {
                h.Heading = $"dose-escalation {Reporting.ToolInfo.Version}";
                h.Copyright = "Phase I dose-escalation designs: simulation and exact operating characteristics. Docs: docs/README.md";
                h.AddDashesToOption = true;
                h.MaximumDisplayWidth = 100;
                return h;
            }, e => e, verbsIndex: true);
            bool asked = notParsed.Errors.All(e => e is HelpRequestedError or HelpVerbRequestedError or VersionRequestedError);
            if (notParsed.Errors.Any(e => e is VersionRequestedError)) { stdout.WriteLine(Reporting.ToolInfo.Version); return Ok; }
            (asked ? stdout : stderr).WriteLine(help);
            return asked ? Ok : Usage;
        }
        var options = ((Parsed<object>)parsed).Value;
        try
        {
            OutputFile.Check(options); // an unusable --out fails before any work
            return options switch
            {
                SimulateOptions o => Commands.Simulate(o, stdout, stderr, interactive),
                ExactOptions o => Commands.Exact(o, stdout, stderr),
                CompareOptions o => CompareCommand.Compare(o, stdout, stderr, interactive),
                TableOptions o => CompareCommand.Table(o, stdout),
                SampleSizeOptions o => SampleSizeCommand.Run(o, stdout, stderr),
                PlotOptions o => PlotCommand.Plot(o, stdout, stderr, interactive),
                ReportOptions o => PlotCommand.Report(o, stdout, stderr, interactive, "dose-escalation " + string.Join(' ', args)),
                BenchOptions o => BenchCommand.Run(o, stdout),
                _ => Usage,
            };
        }
        catch (Exception ex) when (ex is CliInputException or ScenarioFileException or DesignSpecException or StateSpaceTooLargeException or ResourceLimitException)
        {
            stderr.WriteLine($"dose-escalation: error: {ex.Message}");
            return BadInput;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"dose-escalation: error: {ex.Message.Split('\n')[0]}");
            return BadInput;
        }
    }
}
