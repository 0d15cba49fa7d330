using System.Reflection;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Files;

namespace DoseEscalation.Reporting.Formats;

/// <summary>The tool's name, version and the commit it was built from, for reproducibility footers and <c>--version</c>.</summary>
public static class ToolInfo
{
    // The SDK appends "+<commit>" to the informational version when building from a git checkout.
    private static readonly string Informational =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolInfo).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>The package version, e.g. "0.1.0".</summary>
    public static string Version { get; } = Informational.Split('+')[0];

    /// <summary>The git commit the library was built from (full hash), or null when it was built outside a git checkout.</summary>
    public static string? Commit { get; } = Informational.Split('+') is [_, var c, ..] && c.Length > 0 ? c : null;

    /// <summary>"dose-escalation 0.1.0 (commit 35ff64b7af96)" or "... (commit unknown)".</summary>
    public static string Describe() => $"dose-escalation {Version} (commit {(Commit is { } c ? c[..Math.Min(12, c.Length)] : "unknown")})";
}
