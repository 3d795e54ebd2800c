using System.Text.Json;
using Mdev.Control.Json;
using Mdev.Core;

namespace Mdev.Control;

/// <summary>
/// A persistent definition's content, the file <c>/etc/mdevctl.d/&lt;parent&gt;/&lt;uuid&gt;</c> (and what
/// <c>--jsonfile</c> takes): the type, the start mode and the attributes written in order after the device appears.
/// </summary>
/// <param name="Type">The <c>mdev_type</c> (e.g. <c>vfio_ap-passthrough</c>).</param>
/// <param name="AutoStart"><c>"start": "auto"</c>; false means <c>"manual"</c>.</param>
/// <param name="Attributes">The <c>attrs</c>, in order.</param>
public sealed record MdevDeviceConfig(string Type, bool AutoStart, IReadOnlyList<MdevConfigAttribute> Attributes)
{
    /// <summary>A definition of <paramref name="type"/> without attributes.</summary>
    /// <param name="type">The <c>mdev_type</c>.</param>
    /// <param name="autoStart">Start mode <c>auto</c>.</param>
    public MdevDeviceConfig(string type, bool autoStart = false)
        : this(type, autoStart, [])
    {
    }

    /// <summary>Value equality, attributes compared in order.</summary>
    /// <param name="other">The other definition.</param>
    /// <returns>True when type, start mode and attributes are equal.</returns>
    public bool Equals(MdevDeviceConfig? other) =>
        other is not null && Type == other.Type && AutoStart == other.AutoStart && Attributes.SequenceEqual(other.Attributes);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, AutoStart, Attributes.Count);

    /// <summary>The file content exactly as mdevctl 1.2.0 writes it: serde_json pretty printing, keys <c>mdev_type</c>, <c>start</c>, <c>attrs</c>, no trailing newline.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(ConfigJson.From(this), MdevctlJsonContext.Pretty.ConfigJson);

    /// <summary>The compact form mdevctl sends to a callout's standard input, e.g. <c>{"mdev_type":"mtty-1","start":"manual","attrs":[]}</c>.</summary>
    /// <returns>The JSON text.</returns>
    public string ToCompactJson() => JsonSerializer.Serialize(ConfigJson.From(this), MdevctlJsonContext.Compact.ConfigJson);

    /// <summary>
    /// Reads a definition as leniently as mdevctl: compact or pretty JSON, a trailing newline, unknown keys and a missing
    /// <c>attrs</c> are accepted; <c>start</c> is auto only when it is <c>"auto"</c>. Where mdevctl would panic (a
    /// non-string attribute value, an attribute that is not an object) this throws instead.
    /// </summary>
    /// <param name="json">The text.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="MdevctlException"><c>EINVAL</c>: <c>invalid json</c> when <c>mdev_type</c> or <c>start</c> is missing or null;
    /// unparsable text, with the 1-based line and column as serde_json reports them.</exception>
    public static MdevDeviceConfig Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            var what = ex.Message.Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
            throw new MdevctlException(Errno.EINVAL, $"{what} at line {(ex.LineNumber ?? 0) + 1} column {(ex.BytePositionInLine ?? 0) + 1}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("mdev_type", out var type) || type.ValueKind == JsonValueKind.Null
                || !root.TryGetProperty("start", out var start) || start.ValueKind == JsonValueKind.Null)
            {
                throw new MdevctlException(Errno.EINVAL, "invalid json");
            }

            if (type.ValueKind != JsonValueKind.String)
            {
                throw new MdevctlException(Errno.EINVAL, "invalid json: mdev_type is not a string");
            }

            IReadOnlyList<MdevConfigAttribute> attributes = root.TryGetProperty("attrs", out var attrs) && attrs.ValueKind == JsonValueKind.Array
                ? ReadAttributes(attrs)
                : [];
            bool auto = start.ValueKind == JsonValueKind.String && start.GetString() == "auto";
            return new MdevDeviceConfig(type.GetString()!, auto, attributes);
        }
    }

    /// <summary>Parses a JSON array of one-key objects with string values (a <c>get</c> callout's answer).</summary>
    /// <exception cref="MdevctlException"><c>EINVAL</c> when the text is not such an array.</exception>
    internal static IReadOnlyList<MdevConfigAttribute> ParseAttributes(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? ReadAttributes(document.RootElement)
                : throw new MdevctlException(Errno.EINVAL, "invalid json: attributes are not an array");
        }
        catch (JsonException ex)
        {
            throw new MdevctlException(Errno.EINVAL, ex.Message, ex);
        }
    }

    private static List<MdevConfigAttribute> ReadAttributes(JsonElement attrs)
    {
        var attributes = new List<MdevConfigAttribute>();
        foreach (var attr in attrs.EnumerateArray())
        {
            if (attr.ValueKind != JsonValueKind.Object)
            {
                throw new MdevctlException(Errno.EINVAL, $"invalid json: attribute {attributes.Count} is not an object");
            }

            foreach (var pair in attr.EnumerateObject())
            {
                if (pair.Value.ValueKind != JsonValueKind.String)
                {
                    throw new MdevctlException(Errno.EINVAL, $"invalid json: the value of attribute '{pair.Name}' is not a string");
                }

                attributes.Add(new MdevConfigAttribute(pair.Name, pair.Value.GetString()!));
            }
        }

        return attributes;
    }

    /// <summary>Reads a JSON file (<c>--jsonfile</c>) with <see cref="Parse"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="MdevctlException"><c>Unable to read jsonfile "&lt;path&gt;"</c> with the file system's errno, or what <see cref="Parse"/> throws.</exception>
    public static async Task<MdevDeviceConfig> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MdevctlException(Internal.FileErrors.ErrnoOf(ex), $"Unable to read jsonfile \"{path}\"", ex);
        }

        return Parse(text);
    }
}
