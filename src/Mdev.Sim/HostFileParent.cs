using System.Text.Json;
using System.Text.Json.Serialization;
using Mdev.Core;

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

    /// <summary>The parameter every kind takes: the vendor quirks the parent shows (<see cref="GetQuirks"/>).</summary>
    public const string QuirksParameter = "quirks";

    /// <summary>
    /// The <c>quirks</c> parameter, e.g. <c>{"typesWithoutName":true,"typesWithoutDescription":true,
    /// "newlineOnlyAttributes":["vgpu_params"]}</c> (<see cref="ParentQuirks"/>); null when absent.
    /// </summary>
    /// <exception cref="MdevException"><c>EINVAL</c> naming the field that is malformed or unknown.</exception>
    public ParentQuirks? GetQuirks()
    {
        if (Parameters is null || !Parameters.TryGetValue(QuirksParameter, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw HostFileKinds.Invalid($"parent of kind {Kind}: parameter \"quirks\" must be an object");
        }

        var quirks = ParentQuirks.None;
        foreach (var field in value.EnumerateObject())
        {
            quirks = field.Name switch
            {
                "typesWithoutName" => quirks with { TypesWithoutName = Flag(field) },
                "typesWithoutDescription" => quirks with { TypesWithoutDescription = Flag(field) },
                "newlineOnlyAttributes" when field.Value.ValueKind == JsonValueKind.Array
                    && field.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && e.GetString()!.Length > 0)
                    => quirks with { NewlineOnlyAttributes = [.. field.Value.EnumerateArray().Select(e => e.GetString()!)] },
                "newlineOnlyAttributes" => throw HostFileKinds.Invalid($"parent of kind {Kind}: quirks.newlineOnlyAttributes must be a list of attribute names"),
                _ => throw HostFileKinds.Invalid($"parent of kind {Kind}: unknown quirk \"{field.Name}\" (known: typesWithoutName, typesWithoutDescription, newlineOnlyAttributes)"),
            };
        }

        return quirks;

        bool Flag(JsonProperty field) => field.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw HostFileKinds.Invalid($"parent of kind {Kind}: quirks.{field.Name} must be true or false"),
        };
    }

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
