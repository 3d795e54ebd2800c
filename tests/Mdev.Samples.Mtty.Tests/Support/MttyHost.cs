using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests.Support;

/// <summary>A core with VFIO and the mtty sample registered, as after <c>modprobe mtty</c>.</summary>
internal sealed class MttyHost : IDisposable
{
    public const string Type1 = Mtty.ParentPath + "/mdev_supported_types/mtty-1";
    public const string Type2 = Mtty.ParentPath + "/mdev_supported_types/mtty-2";
    public const string Uuid = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    public const string Uuid2 = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1002";

    private readonly Dictionary<MdevDevice, VfioGroup> _groups = [];
    private readonly List<IDisposable> _files = [];

    public MttyHost()
    {
        Core = new MdevCore();
        Vfio = new VfioModule(Core);
        Parent = Mtty.Register(Core, Vfio);
    }

    public MdevCore Core { get; }

    public SysfsTree Sysfs => Core.Sysfs;

    public VfioModule Vfio { get; }

    public MdevParent Parent { get; }

    public static string Uuid3(int i) => $"00000000-0000-0000-0000-{i:x12}";

    public string Available(string typePath) => Sysfs.Read(typePath + "/available_instances");

    /// <summary>Creates a device by writing its UUID to the type's <c>create</c>, as <c>echo $uuid &gt; create</c> does.</summary>
    public MdevDevice Create(string typePath, string uuid = Uuid)
    {
        Sysfs.Write(typePath + "/create", uuid + "\n");
        return Core.FindDevice(Guid.Parse(uuid))!;
    }

    public int GroupId(MdevDevice mdev) => Vfio.FindGroup(mdev)!.Id;

    /// <summary>Container with TYPE1v2, the device's group attached, the device file open (typed face).</summary>
    /// <remarks>The group stays open (one opener at a time), so later calls for the same device reuse it.</remarks>
    public VfioDevice OpenTyped(MdevDevice mdev)
    {
        if (!_groups.TryGetValue(mdev, out var group))
        {
            var container = Vfio.OpenContainer();
            group = Vfio.OpenGroup(GroupId(mdev));
            group.SetContainer(container);
            container.SetIommu(VfioExtension.Type1v2Iommu);
            _groups.Add(mdev, group);
        }

        var device = group.GetDeviceFile(mdev.Name);
        _files.Add(device);
        return device;
    }

    /// <summary>A VMM process that opened the container, the group and the device, all by descriptor (raw face).</summary>
    public (VfioProcess Process, int DeviceFd) OpenRaw(MdevDevice mdev)
    {
        var process = Vfio.CreateProcess();
        int container = process.Open(VfioProcess.ContainerPath);
        int group = process.Open($"/dev/vfio/{GroupId(mdev)}");
        process.Ioctl(group, VfioIoctl.GroupSetContainer, Bytes.Of(unchecked((uint)container)));
        process.Ioctl(container, VfioIoctl.SetIommu, (ulong)VfioExtension.Type1v2Iommu);
        var name = System.Text.Encoding.ASCII.GetBytes(mdev.Name + "\0");
        int device = (int)process.Ioctl(group, VfioIoctl.GroupGetDeviceFd, name);
        _files.Add(process);
        return (process, device);
    }

    /// <summary>Closes every file a test left open (a removal waits for them, as in the kernel), then the core.</summary>
    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }

        foreach (var group in _groups.Values)
        {
            group.Dispose();
        }

        Core.Dispose();
    }
}
