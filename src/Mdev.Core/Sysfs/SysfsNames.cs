using System.Collections.Frozen;

namespace Mdev.Core.Sysfs;

/// <summary>
/// One shared string for each node name that every device repeats (<c>uevent</c>, <c>power</c>, <c>subsystem</c>,
/// ...), so a live device does not hold its own copies; other names (UUIDs, group numbers) are taken as they come.
/// </summary>
internal static class SysfsNames
{
    private static readonly FrozenSet<string> Common = FrozenSet.Create(
        StringComparer.Ordinal,
        "remove", "uevent", "subsystem", "power", "control", "runtime_status", "runtime_active_time",
        "runtime_suspended_time", "driver", "mdev_type", "iommu_group", "devices", "name", "reserved_regions", "type",
        "vfio-dev", "dev", "device");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Common.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary><paramref name="name"/>'s shared string when it is a common name, else <paramref name="name"/> itself.</summary>
    public static string Shared(string name) => Lookup.TryGetValue(name, out var shared) ? shared : name;

    /// <summary>The last component of <paramref name="path"/>, shared when it is a common name.</summary>
    public static string NameOf(string path)
    {
        var span = path.AsSpan(path.LastIndexOf('/') + 1);
        return Lookup.TryGetValue(span, out var shared) ? shared : span.ToString();
    }
}
