using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// An IOMMU group (<c>struct iommu_group</c>) with its VFIO group (<c>/dev/vfio/&lt;Id&gt;</c>): the unit of ownership a
/// VMM opens. Every mdev gets one of its own when <c>vfio_mdev</c> binds it; it is named <c>vfio-noiommu</c> as the
/// modern kernel's emulated-IOMMU groups are, and lives at <c>/sys/kernel/iommu_groups/&lt;Id&gt;</c>.
/// </summary>
/// <remarks>The mutable state below is guarded by the owning <see cref="VfioModule"/>'s lock.</remarks>
public sealed class IommuGroup
{
    /// <summary>The name emulated-IOMMU groups carry (<c>iommu_group_set_name(group, "vfio-noiommu")</c>).</summary>
    public const string EmulatedName = "vfio-noiommu";

    internal IommuGroup(int id, MdevDevice device)
    {
        Id = id;
        Device = device;
        SysfsPath = $"/sys/kernel/iommu_groups/{id}";
    }

    /// <summary>The group number: <c>/sys/kernel/iommu_groups/&lt;Id&gt;</c> and <c>/dev/vfio/&lt;Id&gt;</c>.</summary>
    public int Id { get; }

    /// <summary>What the group's <c>name</c> file shows.</summary>
    public string Name { get; } = EmulatedName;

    /// <summary>The one device in the group.</summary>
    public MdevDevice Device { get; }

    /// <summary>The group's sysfs directory.</summary>
    public string SysfsPath { get; }

    /// <summary>The VFIO group's character device path.</summary>
    public string DevicePath => $"/dev/vfio/{Id}";

    /// <summary>True once the device has left the group (unbound): an open group file gets <c>ENODEV</c>, and the id is free again once the group's nodes are gone.</summary>
    public bool IsDead => DeviceGone;

    internal VfioGroup? OpenFile { get; set; }

    internal bool FileClosing { get; set; }

    internal VfioContainer? Container { get; set; }

    internal int DeviceFiles { get; set; }

    internal bool DeviceGone { get; set; }

    /// <inheritdoc />
    public override string ToString() => DevicePath;
}
