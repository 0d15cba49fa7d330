using DoseEscalation.Designs.Configuration;
using DoseEscalation.Web;

namespace DoseEscalation.Cli;

/// <summary>serve: maps its flags to <see cref="ServeOptions"/>, starts the web host, prints its URL and runs until stopped (Ctrl+C).</summary>
internal static class ServeCommand
{
    public static int Run(string host, int port, int? maxRuns, int? maxQueued, DesignCatalog catalog, TextWriter stdout)
    {
        var defaults = new ServeOptions();
        var options = new ServeOptions
        {
            Host = host, Port = port, MaxRuns = maxRuns ?? defaults.MaxRuns, MaxQueued = maxQueued ?? defaults.MaxQueued, Catalog = catalog,
        }.Checked();
        Api.Serve(options, stdout);
        return Cli.Ok;
    }
}
