using System.Reflection;

namespace DoseEscalation.Reporting;

/// <summary>The tool's name and version, for reproducibility footers.</summary>
public static class ToolInfo
{
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ToolInfo).Assembly.GetName().Version?.ToString() ?? "0";
}
