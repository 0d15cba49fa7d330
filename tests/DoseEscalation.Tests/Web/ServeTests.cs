using System.Net;
using DoseEscalation.Web;

namespace DoseEscalation.Tests.Web;

/// <summary>
/// serve's flags: bad values are one line naming the flag and value, exit 1, before any server starts
/// (serve runs until stopped, so it is not in the bad-input suite's valid-twin run); and the URLs it prints.
/// </summary>
public sealed class ServeTests
{
    [Theory]
    [InlineData("--host", "nowhere", "--host nowhere")]
    [InlineData("--port", "70000", "--port 70000")]
    [InlineData("--max-runs", "0", "--max-runs")]
    [InlineData("--port", "x", "--port")]
    [InlineData("--keep-results", "0", "--keep-results 0")]
    [InlineData("--keep-seconds", "0", "--keep-seconds 0")]
    [InlineData("--keep-seconds", "1.5", "--keep-seconds 1.5")]
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

    private static readonly IPAddress[] Interfaces =
        [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("192.0.2.2"), IPAddress.Parse("::1"), IPAddress.Parse("fd00::2"), IPAddress.Parse("fe80::fc:ff:fe00:1"), IPAddress.Parse("10.1.2.3"), IPAddress.Parse("192.0.2.2")];

    [Fact]
    public void On_every_IPv4_address_the_URLs_are_the_machine_name_and_its_IPv4_addresses_never_0_0_0_0()
    {
        Assert.Equal(["http://lab-pc:5080/?token=abc", "http://192.0.2.2:5080/?token=abc", "http://10.1.2.3:5080/?token=abc"],
            Api.Urls("http://0.0.0.0:5080", "abc", "lab-pc", Interfaces));
    }

    [Fact]
    public void On_every_IPv6_address_the_URLs_add_the_routable_IPv6_addresses_in_brackets()
    {
        Assert.Equal(["http://lab-pc:41000/?token=abc", "http://192.0.2.2:41000/?token=abc", "http://10.1.2.3:41000/?token=abc", "http://[fd00::2]:41000/?token=abc"],
            Api.Urls("http://[::]:41000", "abc", "lab-pc", Interfaces));
    }

    [Fact]
    public void One_bound_address_is_printed_as_it_is_and_a_machine_with_no_name_or_address_falls_back_to_loopback()
    {
        Assert.Equal(["http://127.0.0.1:5080/"], Api.Urls("http://127.0.0.1:5080", null, "lab-pc", Interfaces));
        Assert.Equal(["http://192.0.2.2:5080/?token=abc"], Api.Urls("http://192.0.2.2:5080", "abc", "lab-pc", Interfaces));
        Assert.Equal(["http://[fd00::2]:5080/?token=abc"], Api.Urls("http://[fd00::2]:5080", "abc", "lab-pc", Interfaces));
        Assert.Equal(["http://127.0.0.1:5080/?token=abc"], Api.Urls("http://0.0.0.0:5080", "abc", "localhost", [IPAddress.Loopback]));
    }

    /// <summary>serve on 0.0.0.0 as the CLI runs it: every URL it prints opens the page, and its token opens the API.</summary>
    [Fact]
    public async Task Every_URL_printed_for_0_0_0_0_answers_with_its_token()
    {
        var output = new StringWriter();
        var synced = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource();
        var options = new ServeOptions { Host = "0.0.0.0", Port = 0 }.Checked();
        var serving = Task.Run(() => Api.Serve(options, synced, stop.Token));
        try
        {
            for (int i = 0; i < 400 && !output.ToString().Contains("Stop with Ctrl+C."); i++) await Task.Delay(25);
            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("dose-escalation serve: http://" + Dns.GetHostName() + ":", lines[0]);
            var urls = lines.Where(l => l.Contains("http://")).Select(l => l[(l.IndexOf("http://", StringComparison.Ordinal))..].Trim()).ToList();
            Assert.NotEmpty(urls);
            Assert.All(urls, u => Assert.DoesNotContain("0.0.0.0", u));
            Assert.All(urls, u => Assert.EndsWith("/?token=" + options.Token, u));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            // The name is for other machines (their DNS); it is tried here only if this machine resolves it.
            bool nameResolves;
            try { nameResolves = (await Dns.GetHostAddressesAsync(Dns.GetHostName())).Length > 0; }
            catch (System.Net.Sockets.SocketException) { nameResolves = false; }
            foreach (var url in nameResolves ? urls : urls.Skip(1))
            {
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url)).StatusCode);
                var api = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(url), "/api/designs"));
                api.Headers.Add("X-Access-Token", new Uri(url).Query["?token=".Length..]);
                Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(api)).StatusCode);
            }
        }
        finally
        {
            stop.Cancel();
            await serving;
        }
    }
}
