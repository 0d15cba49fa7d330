using DoseEscalation.Designs.Configuration;
using DoseEscalation.Web;

namespace DoseEscalation.Cli;

/// <summary>serve: maps its flags to <see cref="ServeOptions"/>, starts the web host, prints its URL and runs until stopped (Ctrl+C).</summary>
internal static class ServeCommand
{
    /// <summary>serve's flags as given (null: not given, the default applies).</summary>
    public sealed record Flags(string Host, int Port, int? MaxRuns, int? MaxQueued, int? KeepResults, int? KeepSeconds);

    public static int Run(Flags f, DesignCatalog catalog, TextWriter stdout)
    {
        var defaults = new ServeOptions();
        var options = new ServeOptions
        {
            Host = f.Host, Port = f.Port, MaxRuns = f.MaxRuns ?? defaults.MaxRuns, MaxQueued = f.MaxQueued ?? defaults.MaxQueued,
            KeepResults = f.KeepResults ?? defaults.KeepResults,
            KeepFor = f.KeepSeconds is { } s ? TimeSpan.FromSeconds(s) : defaults.KeepFor,
            Catalog = catalog,
        }.Checked();
        Api.Serve(options, stdout);
        return Cli.Ok;
    }
}
