using System.Text.Json;
using Mdev.Control.Json;

namespace Mdev.Control;

/// <summary>
/// mdevctl's <c>--dumpjson</c> output, byte for byte: what <c>mdevctl types --dumpjson</c> and
/// <c>mdevctl list [--defined] --dumpjson</c> print on standard output for the same state (serde_json pretty printing
/// and the final newline of <c>println!</c>), so a caller that parses mdevctl's output can switch without change.
/// </summary>
public static class MdevctlJson
{
    /// <summary>The output of <c>mdevctl types --dumpjson</c>: <c>[]</c> without types, else one object of parents, each an array of one-key type objects.</summary>
    /// <param name="types">The types, as <see cref="MdevControl.ListTypesAsync"/> returns them (sorted by parent, then type).</param>
    /// <returns>The text, ending in a newline.</returns>
    public static string Types(IEnumerable<MdevTypeInfo> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var parents = new Dictionary<string, List<Dictionary<string, TypeJson>>>(StringComparer.Ordinal);
        foreach (var t in types)
        {
            if (!parents.TryGetValue(t.Parent, out var list))
            {
                parents[t.Parent] = list = [];
            }

            list.Add(new Dictionary<string, TypeJson>(StringComparer.Ordinal)
            {
                [t.TypeId] = new TypeJson { AvailableInstances = t.AvailableInstances, DeviceApi = t.DeviceApi, Name = t.Name, Description = t.Description },
            });
        }

        List<Dictionary<string, List<Dictionary<string, TypeJson>>>> root = parents.Count == 0 ? [] : [parents];
        return JsonSerializer.Serialize(root, MdevctlJsonContext.Pretty.ListDictionaryStringListDictionaryStringTypeJson) + "\n";
    }

    /// <summary>
    /// The output of <c>mdevctl list [--defined] --dumpjson [-u uuid]</c>: with a <paramref name="uuid"/> filter and
    /// exactly one device, only that device's config object; else <c>[]</c> or one object of parents, each an array of
    /// one-key <c>{uuid: config}</c> objects.
    /// </summary>
    /// <param name="devices">The devices, as <see cref="MdevControl.ListActiveAsync"/> or <see cref="MdevControl.ListDefinedAsync"/> return them (sorted).</param>
    /// <param name="uuid">The <c>-u</c> filter the list was made with, or null.</param>
    /// <returns>The text, ending in a newline.</returns>
    public static string Devices(IEnumerable<MdevDeviceInfo> devices, Guid? uuid = null)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var all = devices.ToList();
        if (uuid is not null && all.Count == 1)
        {
            return all[0].Config.ToJson() + "\n";
        }

        var parents = new Dictionary<string, List<Dictionary<string, ConfigJson>>>(StringComparer.Ordinal);
        foreach (var d in all)
        {
            if (!parents.TryGetValue(d.Parent, out var list))
            {
                parents[d.Parent] = list = [];
            }

            list.Add(new Dictionary<string, ConfigJson>(StringComparer.Ordinal) { [Internal.Uuids.Format(d.Uuid)] = ConfigJson.From(d.Config) });
        }

        List<Dictionary<string, List<Dictionary<string, ConfigJson>>>> root = parents.Count == 0 ? [] : [parents];
        return JsonSerializer.Serialize(root, MdevctlJsonContext.Pretty.ListDictionaryStringListDictionaryStringConfigJson) + "\n";
    }
}
