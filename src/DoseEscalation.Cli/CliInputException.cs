namespace DoseEscalation.Cli;

/// <summary>A bad command-line value: one line naming the option and value.</summary>
public sealed class CliInputException(string message) : Exception(message);
