namespace Mdev.Control.Internal;

/// <summary>UUIDs as mdevctl prints and parses them.</summary>
internal static class Uuids
{
    /// <summary>Lower case and hyphenated, as mdevctl writes every UUID.</summary>
    public static string Format(Guid uuid) => uuid.ToString("D");

    /// <summary>A directory entry's name as a UUID: hyphenated, simple, braced or <c>urn:uuid:</c>, as the uuid crate parses it.</summary>
    public static bool TryParse(string name, out Guid uuid)
    {
        var text = name.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) ? name[9..] : name;
        return Guid.TryParseExact(text, "D", out uuid) || Guid.TryParseExact(text, "N", out uuid) || Guid.TryParseExact(text, "B", out uuid);
    }
}
