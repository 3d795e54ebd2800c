using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mdev.Samples.Host;

/// <summary>One parent of a <see cref="HostFile"/>: its <c>kind</c> (which vendor sample) and that kind's parameters, as further properties.</summary>
internal sealed class HostFileParent
{
    /// <summary>The vendor sample, e.g. <c>mtty</c> (see <see cref="HostFileKinds"/>).</summary>
    [JsonRequired]
    public string Kind { get; set; } = string.Empty;

    /// <summary>Every other property of the object: the kind's parameters.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Parameters { get; set; }

    /// <summary>A string parameter, or <paramref name="fallback"/> when absent.</summary>
    public string GetString(string name, string fallback)
    {
        if (Parameters is null || !Parameters.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw HostFileKinds.Invalid($"parent of kind {Kind}: parameter \"{name}\" must be a string");
    }

    /// <summary>An integer parameter, or <paramref name="fallback"/> when absent.</summary>
    public int GetInt(string name, int fallback)
    {
        if (Parameters is null || !Parameters.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw HostFileKinds.Invalid($"parent of kind {Kind}: parameter \"{name}\" must be a whole number");
    }

    /// <summary>A boolean parameter, or <paramref name="fallback"/> when absent.</summary>
    public bool GetBool(string name, bool fallback)
    {
        if (Parameters is null || !Parameters.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw HostFileKinds.Invalid($"parent of kind {Kind}: parameter \"{name}\" must be true or false"),
        };
    }

    /// <summary>A list-of-strings parameter, or <paramref name="fallback"/> when absent.</summary>
    public IReadOnlyList<string> GetStrings(string name, IReadOnlyList<string> fallback)
    {
        if (Parameters is null || !Parameters.TryGetValue(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw HostFileKinds.Invalid($"parent of kind {Kind}: parameter \"{name}\" must be a list of strings");
        }

        return value.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }
}
