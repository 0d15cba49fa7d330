using System.Net;
using System.Security.Cryptography;
using DoseEscalation.Application;
using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Web;

/// <summary>The settings of <c>dose-escalation serve</c>.</summary>
public sealed record ServeOptions
{
    /// <summary>Address to listen on; loopback by default. Any other needs <see cref="Token"/>.</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>0 = a free port chosen by the system.</summary>
    public int Port { get; init; } = 5080;
    /// <summary>Access token every API call must carry (header X-Access-Token, or ?token= on the page); null = none (loopback only).</summary>
    public string? Token { get; init; }
    /// <summary>Runs computing at once.</summary>
    public int MaxRuns { get; init; } = 2;
    /// <summary>Runs waiting for a slot; a run beyond them is refused with 429.</summary>
    public int MaxQueued { get; init; } = 8;
    /// <summary>A run is cancelled when its page has not asked about it for this long (the page went away).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Ended runs (done, failed, cancelled) kept with their results; beyond them the oldest is discarded.</summary>
    public int KeepResults { get; init; } = 100;
    /// <summary>How long an ended run is kept after it ended, at most.</summary>
    public TimeSpan KeepFor { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>Largest request body in bytes (a scenario file is a few kilobytes).</summary>
    public long MaxRequestBytes { get; init; } = 256 * 1024;
    public DesignCatalog Catalog { get; init; } = DesignCatalog.Default;

    public bool IsLoopback => Host == "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Checks the settings; a host that is not loopback gets a fresh token unless one was given.</summary>
    public ServeOptions Checked()
    {
        if (Port is < 0 or > 65535) throw new InputException($"--port {Port}: expected 0 to 65535");
        if (Host != "localhost" && !IPAddress.TryParse(Host, out _)) throw new InputException($"--host {Host}: expected an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost");
        if (MaxRuns < 1) throw new InputException($"--max-runs {MaxRuns}: expected at least 1");
        if (MaxQueued < 0) throw new InputException($"--max-queued {MaxQueued}: expected 0 or more");
        if (KeepResults < 1) throw new InputException($"--keep-results {KeepResults}: expected at least 1");
        if (KeepFor <= TimeSpan.Zero) throw new InputException($"--keep-seconds {KeepFor.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}: expected at least 1");
        if (Token is { Length: < 16 }) throw new InputException("--token: expected at least 16 characters");
        return IsLoopback || Token is not null ? this : this with { Token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant() };
    }
}
