namespace DoseEscalation.Cli;

public static class Program
{
    /// <summary>Progress is drawn only on a terminal, and never in CI (CI=true), whatever its terminal emulation.</summary>
    public static int Main(string[] args) =>
        Cli.Run(args, Console.Out, Console.Error, interactive: !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") != "true");
}
