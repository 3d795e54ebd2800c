namespace Mdev.Control.Tests.Support;

/// <summary>
/// A directory shaped like a real host's <c>/sys</c> (mdevctl-contract.md §4), for <c>DirectorySysfs</c>: parent
/// <c>0000:00:02.0</c> linked from <c>class/mdev_bus</c>, type <c>i915-GVTg_V5_4</c> whose <c>create</c> is a plain file
/// (a write succeeds and nothing appears), a symlinked type and a stray file that <c>types</c> skips.
/// </summary>
internal sealed class FixtureTree : IDisposable
{
    public const string Parent = "0000:00:02.0";
    public const string Type = "i915-GVTg_V5_4";
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mdev-fixture-");

    public FixtureTree()
    {
        var parent = Dir("devices/pci0000:00/" + Parent);
        var type = Dir($"devices/pci0000:00/{Parent}/mdev_supported_types/{Type}");
        File.WriteAllText(Path.Combine(type, "available_instances"), "3\n");
        File.WriteAllText(Path.Combine(type, "device_api"), "vfio-pci\n");
        File.WriteAllText(Path.Combine(type, "name"), "GVTg_V5_4\n");
        File.WriteAllText(Path.Combine(type, "description"), "low_gm_size: 128MB\nhigh_gm_size: 512MB\n");
        File.WriteAllText(Path.Combine(type, "create"), "");
        File.WriteAllText(Path.Combine(parent, "mdev_supported_types", "stray"), "");
        File.CreateSymbolicLink(Path.Combine(parent, "mdev_supported_types", "linked"), Type);
        Dir("class/mdev_bus");
        File.CreateSymbolicLink(Path.Combine(SysRoot, "class/mdev_bus", Parent), "../../devices/pci0000:00/" + Parent);
        Dir("bus/mdev/devices");
    }

    /// <summary>The directory that plays <c>/sys</c>.</summary>
    public string SysRoot => _root.FullName;

    /// <summary>Makes a device appear as the kernel would lay it out: <c>&lt;parent&gt;/&lt;uuid&gt;</c>, <c>mdev_type</c> and the bus link.</summary>
    public void AddDevice(Guid uuid)
    {
        var dir = Dir($"devices/pci0000:00/{Parent}/{uuid}");
        File.CreateSymbolicLink(Path.Combine(dir, "mdev_type"), "../mdev_supported_types/" + Type);
        File.WriteAllText(Path.Combine(dir, "remove"), "");
        File.CreateSymbolicLink(Path.Combine(SysRoot, "bus/mdev/devices", uuid.ToString()), $"../../../devices/pci0000:00/{Parent}/{uuid}");
    }

    public string CreateFile => Path.Combine(SysRoot, $"devices/pci0000:00/{Parent}/mdev_supported_types/{Type}/create");

    public void Dispose() => _root.Delete(recursive: true);

    private string Dir(string relative) => Directory.CreateDirectory(Path.Combine(SysRoot, relative)).FullName;
}
