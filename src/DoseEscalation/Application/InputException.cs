namespace DoseEscalation.Application;

/// <summary>
/// Bad input to a run (a value out of range, an unknown design, a missing file): one line naming
/// the option or field and the value. Front ends show the message as it is (the CLI exits 1).
/// </summary>
public class InputException(string message) : Exception(message);

/// <summary>
/// Inputs that cannot go together (an option that does not apply to the engine asked for): the CLI
/// reports it as a usage error (exit 2).
/// </summary>
public sealed class UsageException(string message) : InputException(message);
