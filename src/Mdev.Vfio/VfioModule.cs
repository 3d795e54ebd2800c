using Mdev.Core;
using Mdev.Core.Sysfs;

namespace Mdev.Vfio;

/// <summary>
/// One simulated VFIO stack (<c>vfio.ko</c>, <c>vfio_iommu_type1.ko</c>; under <see cref="RemovePolicy.Legacy2016"/> also
/// <c>vfio_mdev.ko</c>) on an <see cref="MdevCore"/>. A vendor makes its devices VFIO devices with the mdev bus driver the
/// VFIO layer gives it (<see cref="RegisterVendorDriver"/>, the modern kernel's per-vendor <c>mdev_driver</c> whose probe
/// is <c>vfio_register_emulated_iommu_dev</c>), named by its <see cref="ParentOps.DriverName"/>; under the 2016 policy the
/// generic <c>vfio_mdev</c> driver binds every device instead. A bound device gets an IOMMU group of its own (smallest
/// free id) with a VFIO group <c>/dev/vfio/&lt;id&gt;</c>; a VMM then opens the container (<see cref="OpenContainer"/>),
/// the group (<see cref="OpenGroup"/>) and the device file, typed or, through <see cref="CreateProcess"/>, with file
/// descriptors and raw uapi ioctls.
/// </summary>
/// <remarks>
/// Locking: <see cref="Lock"/> (the kernel's group and container locks together) guards the groups, the id allocator,
/// the device-to-group index, their open files, container attachments and device-file counts. It is never held while vendor code runs. The device I/O path takes
/// no lock of this module.
/// </remarks>
public sealed class VfioModule
{
    /// <summary>The generic bus driver of 2016 (v4.10 drivers/vfio/mdev/vfio_mdev.c), registered only under <see cref="RemovePolicy.Legacy2016"/>.</summary>
    public const string DriverName = "vfio_mdev";

    /// <summary>One VFIO stack per core (<c>vfio_init</c> runs once); a second is <c>EBUSY</c>.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MdevCore, VfioModule> Modules = new();

    /// <summary>
    /// The major number of the VFIO group nodes <c>/dev/vfio/&lt;N&gt;</c> (<c>alloc_chrdev_region</c> picks one at boot;
    /// the model fixes it). The minor is the group's own number, as <c>vfio.group_ida</c> hands out the smallest free one.
    /// </summary>
    public const int GroupMajor = 242;

    // Guarded by Lock. Lookups by id and by device are O(1) (ids are dense: a table indexed by id); an id returns to _ids only once the old
    // group's sysfs directory and class device are gone (iommu_group_release frees it last), so a racing probe never
    // meets the old nodes under its new id.
    private readonly IommuGroupTable _groups = new();

    /// <summary>
    /// An IOMMU group's attributes (drivers/iommu/iommu.c, mainline 6.x), shared by every group and made on first lookup:
    /// <c>name</c>, <c>reserved_regions</c> (none for an emulated group) and <c>type</c> (an emulated group has no default
    /// domain: "unknown", and it cannot be changed).
    /// </summary>
    private static readonly SysfsTemplate GroupFiles = new(
        SysfsTemplateEntry.Attribute<IommuGroup>("name", SysfsModes.ReadOnly, static g => g.Name + "\n", null),
        SysfsTemplateEntry.Constant("reserved_regions", string.Empty),
        SysfsTemplateEntry.Attribute<IommuGroup>("type", SysfsModes.ReadWrite, static _ => "unknown\n", static (g, _) => throw new MdevException(Errno.EINVAL, $"{g.SysfsPath}/type: the group has no default domain to change")));
    private readonly Dictionary<MdevDevice, IommuGroup> _byDevice = [];
    private readonly IdAllocator _ids = new();

    /// <summary>
    /// The <c>vfio.device_ida</c> indexes in use (<c>vfio-dev/vfioX</c>), guarded by <see cref="Lock"/>. As with group ids,
    /// an index returns to <see cref="_deviceIds"/> only once its class device is gone (<c>vfio_device_release</c> frees it
    /// after <c>device_del</c>), so a racing create never meets the old <c>/sys/class/vfio-dev/vfioX</c>.
    /// </summary>
    private readonly Dictionary<MdevDevice, int> _deviceIndexes = [];
    private readonly IdAllocator _deviceIds = new();

    /// <summary>
    /// Creates the VFIO stack on <paramref name="core"/>. Under <see cref="RemovePolicy.Legacy2016"/> it registers 2016's
    /// generic <c>vfio_mdev</c> bus driver; under <see cref="RemovePolicy.Modern"/> there is none (since 5.16 each vendor
    /// registers its own, see <see cref="RegisterVendorDriver"/>).
    /// </summary>
    /// <param name="core">The mdev core.</param>
    /// <exception cref="MdevException"><c>EBUSY</c> when the core has a VFIO stack already, or (2016) a <c>vfio_mdev</c> driver.</exception>
    public VfioModule(MdevCore core)
    {
        ArgumentNullException.ThrowIfNull(core);
        if (!Modules.TryAdd(core, this))
        {
            throw new MdevException(Errno.EBUSY, "vfio: this mdev core has a VFIO stack already");
        }

        Core = core;
        try
        {
            if (core.Options.RemovePolicy == RemovePolicy.Legacy2016)
            {
                core.RegisterDriver(new VfioMdevDriver(this, DriverName, DriverName));
            }
        }
        catch
        {
            Modules.Remove(core);
            throw;
        }

        core.Sysfs.EnsureDirectory("/sys/kernel/iommu_groups");

        // vfio_init: class_create("vfio") makes /sys/class/vfio when the module loads, before any group exists.
        core.Sysfs.EnsureDirectory("/sys/class/vfio");
    }

    /// <summary>The mdev core it serves.</summary>
    public MdevCore Core { get; }

    /// <summary>The live IOMMU groups, by id.</summary>
    public IReadOnlyList<IommuGroup> Groups
    {
        get
        {
            lock (Lock)
            {
                return _groups.ToArray();
            }
        }
    }

    internal Lock Lock { get; } = new();

    /// <summary>Finds the group of a device.</summary>
    /// <param name="mdev">The device.</param>
    /// <returns>Its group, or null when it is not bound to a VFIO mdev driver.</returns>
    public IommuGroup? FindGroup(MdevDevice mdev)
    {
        lock (Lock)
        {
            return _byDevice.GetValueOrDefault(mdev);
        }
    }

    /// <summary>
    /// A vendor's own mdev bus driver backed by VFIO, not yet registered: the modern kernel's <c>struct mdev_driver</c>
    /// whose probe calls <c>vfio_register_emulated_iommu_dev</c> (each bound device gets its IOMMU group and VFIO group).
    /// Register it with <see cref="MdevCore.RegisterDriver"/> and name it in <see cref="ParentOps.DriverName"/>;
    /// <see cref="RegisterVendorDriver"/> does both steps but the second.
    /// </summary>
    /// <param name="name">The driver name, <c>/sys/bus/mdev/drivers/&lt;name&gt;</c>: mtty's <c>mtty</c>, vfio-ccw's <c>vfio_ccw_mdev</c>, vfio-ap's <c>vfio_ap_mdev</c>, kvmgt's <c>intel_vgpu_mdev</c>.</param>
    /// <param name="module">The module it lives in (<c>/sys/module/&lt;module&gt;</c>: <c>vfio_ccw</c>, <c>vfio_ap</c>, <c>kvmgt</c>); null for <paramref name="name"/> with '-' as '_'.</param>
    /// <returns>The driver.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for a name that is no valid sysfs name.</exception>
    public MdevDriver CreateMdevDriver(string name, string? module = null)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            throw new MdevException(Errno.EINVAL, $"vfio: '{name}' is no valid mdev driver name");
        }

        return new VfioMdevDriver(this, name, module ?? name.Replace('-', '_'));
    }

    /// <summary>
    /// Creates a vendor's VFIO-backed mdev bus driver (<see cref="CreateMdevDriver"/>) and registers it on the core
    /// (<c>mdev_register_driver</c>), as a modern vendor module's init does before <c>mdev_register_parent</c>; a parent
    /// selects it with <see cref="ParentOps.DriverName"/>. Unregister it with <see cref="MdevCore.UnregisterDriver"/>.
    /// </summary>
    /// <param name="name">The driver name, <c>/sys/bus/mdev/drivers/&lt;name&gt;</c>.</param>
    /// <param name="module">The module it lives in; null for <paramref name="name"/> with '-' as '_'.</param>
    /// <returns>The registered driver.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for a bad name; <c>EBUSY</c> when a driver of that name is registered.</exception>
    public MdevDriver RegisterVendorDriver(string name, string? module = null)
    {
        var driver = CreateMdevDriver(name, module);
        Core.RegisterDriver(driver);
        return driver;
    }

    /// <summary>Opens <c>/dev/vfio/vfio</c>: a new, empty container (always succeeds).</summary>
    /// <returns>The container file.</returns>
    public VfioContainer OpenContainer() => new(this);

    /// <summary>Opens <c>/dev/vfio/&lt;id&gt;</c>.</summary>
    /// <param name="id">The group id.</param>
    /// <returns>The group file.</returns>
    /// <exception cref="MdevException"><c>ENOENT</c> when there is no such group; <c>EBUSY</c> when it is open already (one opener at a time).</exception>
    public VfioGroup OpenGroup(int id)
    {
        lock (Lock)
        {
            if (!_groups.TryGetValue(id, out var group) || group.DeviceGone)
            {
                throw new MdevException(Errno.ENOENT, $"open /dev/vfio/{id}: no such group");
            }

            if (group.OpenFile is not null)
            {
                throw new MdevException(Errno.EBUSY, $"open /dev/vfio/{id}: the group is already open");
            }

            Core.Faults.Check(FaultPoint.GroupOpen, FaultSite.Of(group.Device), $"open /dev/vfio/{id}");

            var file = new VfioGroup(this, group);
            group.OpenFile = file;
            group.FileClosing = false;
            return file;
        }
    }

    /// <summary>A user process with a file-descriptor table, for code that speaks the uapi byte for byte.</summary>
    /// <returns>The process.</returns>
    public VfioProcess CreateProcess() => new(this);

    /// <summary>The fd table of a process outside .NET (a served VMM), whose MAP_DMA vaddrs point into <paramref name="memory"/>.</summary>
    internal VfioProcess CreateOutsideProcess(IProcessMemory memory) => new(this) { ProcessMemory = memory };

    /// <summary>The VFIO mdev driver's probe (<c>vfio_register_emulated_iommu_dev</c>; 2016: vfio_mdev's): a fresh IOMMU group with its sysfs nodes and the VFIO group's class device.</summary>
    internal void Attach(MdevDevice mdev)
    {
        IommuGroup group;
        lock (Lock)
        {
            group = new IommuGroup(_ids.Allocate(), mdev);
            _groups.Add(group);
            _byDevice.Add(mdev, group);
        }

        var sysfs = Core.Sysfs;
        Device? classDevice = null;
        try
        {
            sysfs.AddDirectory(group.SysfsPath);
            sysfs.AddDirectory(group.SysfsPath + "/devices");
            sysfs.AddTemplate(group.SysfsPath, GroupFiles, group);
            sysfs.AddLink(group.SysfsPath + "/devices/" + mdev.Name, mdev.SysfsPath, mdev.Name);
            sysfs.AddLink(mdev.SysfsPath + "/iommu_group", group.SysfsPath);
            classDevice = Core.AddCharDevice($"/sys/devices/virtual/vfio/{group.Id}", "vfio", new DeviceNumber(GroupMajor, group.Id, $"vfio/{group.Id}"));

            // Since 6.1 every vfio_device is a class device of its own (vfio_init_device / vfio_device_add): vfio-dev/vfioX
            // below the mdev, with its device link; without VFIO_DEVICE_CDEV it has no node (no dev, an empty uevent).
            AddVfioDev(mdev);
            mdev.BusDriverData = new VfioDeviceContext(this, group);
        }
        catch
        {
            RemoveVfioDev(mdev);
            sysfs.TryRemove(mdev.SysfsPath + "/iommu_group");
            sysfs.TryRemove(group.SysfsPath);
            if (classDevice is not null)
            {
                Core.DeleteDeviceAsync(classDevice).GetAwaiter().GetResult();
            }

            lock (Lock)
            {
                _groups.Remove(group.Id);
                _byDevice.Remove(mdev);
                _ids.Free(group.Id);
            }

            throw;
        }
    }

    /// <summary>
    /// The VFIO mdev driver's remove (<c>vfio_unregister_group_dev</c>): the core has already waited until no device file is open. The group leaves its container, its
    /// nodes go and its id is freed; a group file still open answers <c>ENODEV</c> from now on.
    /// </summary>
    internal void Detach(MdevDevice mdev)
    {
        IommuGroup? group;
        lock (Lock)
        {
            if (!_byDevice.Remove(mdev, out group))
            {
                return;
            }

            // vfio_device_remove_group (mainline, 6.2+): the group leaves its container at once even while its fd is
            // open (vfio_group_detach_container; the last group out releases the IOMMU and its mappings) and can no
            // longer be opened; an open group file only sees ENODEV (group->iommu_group = NULL). 6.1 and before waited
            // for the group fd to close instead.
            group.DeviceGone = true;
            group.Container?.DetachLocked(group);
            _groups.Remove(group.Id);
        }

        RemoveVfioDev(mdev);
        mdev.BusDriverData = null;
        Core.Sysfs.TryRemove(mdev.SysfsPath + "/iommu_group");
        Core.Sysfs.TryRemove(group.SysfsPath);

        if (Core.FindTreeDevice($"/sys/devices/virtual/vfio/{group.Id}") is { } classDevice)
        {
            Core.DeleteDeviceAsync(classDevice).GetAwaiter().GetResult();
        }

        // iommu_group_release: the id goes back to the IDA only after the group's kobject (its directory) is gone.
        lock (Lock)
        {
            _ids.Free(group.Id);
        }
    }

    /// <summary>
    /// <c>vfio_device_add</c> (since 6.1): the smallest free <c>vfio.device_ida</c> index and the class device
    /// <c>vfio-dev/vfioX</c> below the mdev with its <c>device</c> link; without VFIO_DEVICE_CDEV it has no node.
    /// </summary>
    internal Device AddVfioDev(MdevDevice mdev)
    {
        lock (Lock)
        {
            _deviceIndexes[mdev] = _deviceIds.Allocate();
        }

        try
        {
            var vfioDev = Core.AddDevice(VfioDevPath(mdev), deviceClass: "vfio-dev");
            Core.Sysfs.AddLink(vfioDev.SysfsPath + "/device", mdev.SysfsPath);
            return vfioDev;
        }
        catch
        {
            RemoveVfioDev(mdev);
            throw;
        }
    }

    /// <summary><c>vfio_device_del</c>: the device's <c>vfio-dev/vfioX</c> class device goes and its index is free again.</summary>
    internal void RemoveVfioDev(MdevDevice mdev)
    {
        string? path;
        lock (Lock)
        {
            path = _deviceIndexes.ContainsKey(mdev) ? VfioDevPath(mdev) : null;
        }

        if (path is not null && Core.FindTreeDevice(path) is { } vfioDev)
        {
            Core.DeleteDeviceAsync(vfioDev).GetAwaiter().GetResult();
        }

        Core.Sysfs.TryRemove(mdev.SysfsPath + "/vfio-dev");
        lock (Lock)
        {
            if (_deviceIndexes.Remove(mdev, out int index))
            {
                _deviceIds.Free(index);
            }
        }
    }

    /// <summary>The sysfs path of a device's vfio-dev class device (index from <see cref="_deviceIndexes"/>).</summary>
    private string VfioDevPath(MdevDevice mdev)
    {
        lock (Lock)
        {
            return $"{mdev.SysfsPath}/vfio-dev/vfio{_deviceIndexes[mdev]}";
        }
    }

    /// <summary>The type1 IOMMU of the container a group is attached to, when one is set.</summary>
    internal Type1Iommu? IommuOf(IommuGroup group)
    {
        lock (Lock)
        {
            return group.DeviceFiles > 0 ? group.Container?.Iommu : null;
        }
    }

}
