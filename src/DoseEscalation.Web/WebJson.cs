using System.Text.Json;
using System.Text.Json.Serialization;

namespace DoseEscalation.Web;

// The API's JSON bodies as named types, serialized by generated code (no reflection), so that the
// NativeAOT build of the CLI (deploy/native/publish.sh) serves the same bytes as the JIT build.
// Property order is the order on the wire.

/// <summary>202 from POST /api/runs.</summary>
public sealed record RunStarted(string Id, string CommandLine);

/// <summary>GET /api/runs/{id}.</summary>
public sealed record RunStatus(
    string Id, string State, string? Label, long Done, long Total, IReadOnlyList<string> Messages, string? Error,
    string CommandLine, IReadOnlyList<string> Formats, IReadOnlyList<string> Charts);

/// <summary>Every refusal: one line naming the field and the value.</summary>
public sealed record ErrorBody(string Error);

/// <summary>GET /api/designs: one design of the catalog.</summary>
public sealed record DesignInfo(string Name, string Summary, IReadOnlyList<string> References, bool HasDecisionTable, IReadOnlyList<OptionInfo> Options);

/// <summary>One option of a design, as the page builds its form field.</summary>
public sealed record OptionInfo(string Key, string Kind, string Doc, string Default, string Flag, string Range, IReadOnlyList<string> Choices, bool Common);

/// <summary>POST /api/scenario: the file as read.</summary>
public sealed record ScenarioInfo(string Trial, double Target, IReadOnlyList<DoseInfo> Doses, IReadOnlyList<string> Designs, IReadOnlyList<ScenarioRow> Scenarios);

public sealed record DoseInfo(string Label, string? Dose);

public sealed record ScenarioRow(string Name, IReadOnlyList<double> Dlt, IReadOnlyList<double>? Response);

/// <summary>
/// The generated serializers, with the web defaults (camelCase names, case-insensitive reading,
/// numbers also read from strings) and an unknown field in a request refused, never ignored.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(RunForm))]
[JsonSerializable(typeof(RunStarted))]
[JsonSerializable(typeof(RunStatus))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(List<DesignInfo>))]
[JsonSerializable(typeof(ScenarioInfo))]
public sealed partial class WebJson : JsonSerializerContext;
