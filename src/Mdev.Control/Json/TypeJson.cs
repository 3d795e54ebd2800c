using System.Text.Json.Serialization;

namespace Mdev.Control.Json;

/// <summary>One type as <c>mdevctl types --dumpjson</c> prints it: <c>name</c> and <c>description</c> left out when empty.</summary>
internal sealed class TypeJson
{
    [JsonPropertyName("available_instances")]
    public required int AvailableInstances { get; init; }

    [JsonPropertyName("device_api")]
    public required string DeviceApi { get; init; }

    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    [JsonPropertyName("description")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }
}
