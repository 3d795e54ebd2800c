using System.Text.Json.Serialization;

namespace Mdev.Control.Json;

/// <summary>A definition as mdevctl serializes it: keys in the order <c>mdev_type</c>, <c>start</c>, <c>attrs</c>; each attribute a one-key object.</summary>
internal sealed class ConfigJson
{
    [JsonPropertyName("mdev_type")]
    public required string MdevType { get; init; }

    [JsonPropertyName("start")]
    public required string Start { get; init; }

    [JsonPropertyName("attrs")]
    public required List<Dictionary<string, string>> Attrs { get; init; }

    public static ConfigJson From(MdevDeviceConfig config) => new()
    {
        MdevType = config.Type,
        Start = config.AutoStart ? "auto" : "manual",
        Attrs = config.Attributes.Select(a => new Dictionary<string, string>(StringComparer.Ordinal) { [a.Name] = a.Value }).ToList(),
    };
}
