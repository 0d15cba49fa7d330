using System.Globalization;

namespace DoseEscalation;

/// <summary>A number the rule used, named in snake_case (for JSON) with a label in words.</summary>
public sealed record RuleQuantity(string Name, string Label, double Value);

/// <summary>Why a design decided what it did: the reason in words and the quantities it used.</summary>
public sealed record DecisionReason(string Text, IReadOnlyList<RuleQuantity> Quantities);

/// <summary>The words every decision reason shares, so each design's reasons read alike.</summary>
internal static class ReasonText
{
    /// <summary>"treat 3 at dose 2", "stop and select dose 2", "stop with no dose selected".</summary>
    public static string Verb(Decision d) => d.Kind == DecisionKind.Treat
        ? $"treat {d.CohortSize} at dose {d.Level + 1}"
        : d.Level == Decision.NoDose ? "stop with no dose selected" : $"stop and select dose {d.Level + 1}";

    public static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
    public static string Dlts(int x) => x == 1 ? "1 DLT" : $"{x} DLTs";
}
