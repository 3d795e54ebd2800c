using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mdev.Control.Json;

/// <summary>
/// Source-generated serialization of mdevctl's JSON shapes. <see cref="Pretty"/> and <see cref="Compact"/> add what
/// serde_json's <c>to_string_pretty</c> / <c>to_string</c> do: 2-space indent, <c>"key": value</c>, <c>\n</c> line
/// ends, and serde's escaping (<see cref="SerdeJsonEncoder"/>). Objects keep insertion order (mdevctl builds serde_json
/// with <c>preserve_order</c>), which <see cref="Dictionary{TKey, TValue}"/> does for maps that are only added to.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(ConfigJson))]
[JsonSerializable(typeof(List<Dictionary<string, List<Dictionary<string, ConfigJson>>>>))]
[JsonSerializable(typeof(List<Dictionary<string, List<Dictionary<string, TypeJson>>>>))]
internal sealed partial class MdevctlJsonContext : JsonSerializerContext
{
    public static MdevctlJsonContext Pretty { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        IndentSize = 2,
        IndentCharacter = ' ',
        NewLine = "\n",
        Encoder = SerdeJsonEncoder.Instance,
    });

    public static MdevctlJsonContext Compact { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = false,
        Encoder = SerdeJsonEncoder.Instance,
    });
}
