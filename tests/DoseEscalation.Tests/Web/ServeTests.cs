namespace DoseEscalation.Tests.Web;

/// <summary>
/// serve's flags: bad values are one line naming the flag and value, exit 1, before any server starts
/// (serve runs until stopped, so it is not in the bad-input suite's valid-twin run).
/// </summary>
public sealed class ServeTests
{
    [Theory]
    [InlineData("--host", "nowhere", "--host nowhere")]
    [InlineData("--port", "70000", "--port 70000")]
    [InlineData("--max-runs", "0", "--max-runs")]
    [InlineData("--port", "x", "--port")]
    public void Bad_serve_flags_are_one_line_naming_them(string flag, string value, string named)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = DoseEscalation.Cli.Cli.Run(["serve", flag, value], o, e);
        Assert.Equal(1, code);
        Assert.Equal("", o.ToString());
        string line = Assert.Single(e.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("dose-escalation: error: ", line);
        Assert.Contains(named, line);
    }
}
