using System.Text.Json;
using System.Text.Json.Nodes;
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

/// <summary>
/// POST /api/scenario: the file as read (trial, registry id, DLT window, target, doses, designs,
/// scenarios), the reader's warnings, and <see cref="File"/>: every key the file sets, as written
/// (mappings as objects in the file's order, lists as arrays, every scalar as its text), from
/// which the page fills its fields and names any key it has no field for.
/// </summary>
public sealed record ScenarioInfo(
    string Trial, string? RegistryId, int? DltWindowDays, double Target, IReadOnlyList<DoseInfo> Doses, IReadOnlyList<DesignRow> Designs,
    IReadOnlyList<ScenarioRow> Scenarios, bool Timeline, IReadOnlyList<string> Warnings, JsonObject File);

public sealed record DoseInfo(string Label, string? Dose);

/// <summary>A design of the file: its catalog name (as the page's list has it) and its label when the file gives one.</summary>
public sealed record DesignRow(string Name, string? Label);

/// <summary>A scenario of the file: its DLT rates, and its response and grade 2 (or worse) rates when it gives them.</summary>
public sealed record ScenarioRow(string Name, IReadOnlyList<double> Dlt, IReadOnlyList<double>? Response, IReadOnlyList<double>? Grade2);

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
