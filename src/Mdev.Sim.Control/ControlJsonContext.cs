using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mdev.Sim.Control;

/// <summary>Source-generated (AOT-safe) JSON for the control API: camelCase, unknown properties in requests refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FaultRequest))]
[JsonSerializable(typeof(List<FaultRequest>))]
[JsonSerializable(typeof(ControlState))]
[JsonSerializable(typeof(FaultState))]
[JsonSerializable(typeof(IReadOnlyList<FaultState>))]
[JsonSerializable(typeof(ParentState))]
[JsonSerializable(typeof(ControlError))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ControlJsonContext : JsonSerializerContext
{
    /// <summary>The same contract, printing quotes and apostrophes as they are (answers are read by people at a shell too).</summary>
    public static ControlJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
