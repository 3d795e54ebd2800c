namespace Mdev.Core;

/// <summary>A step of the model where a test can make the kernel fail on purpose (<see cref="FaultRegistry"/>).</summary>
/// <remarks>Each step's text name (<see cref="FaultSpec.PointName"/>) is what host files and the control API use.</remarks>
public enum FaultPoint
{
    /// <summary><c>create</c> on a type (<c>create</c>): fails where the vendor's create would, after the device directory was made, so the rollback runs.</summary>
    Create,

    /// <summary><c>remove</c> of an mdev device (<c>remove</c>): fails before anything changes; the device stays active.</summary>
    Remove,

    /// <summary>A store to a named sysfs attribute (<c>attribute-store</c>): fails before the store callback runs.</summary>
    AttributeStore,

    /// <summary>Opening <c>/dev/vfio/&lt;N&gt;</c> (<c>group-open</c>).</summary>
    GroupOpen,

    /// <summary><c>VFIO_GROUP_GET_DEVICE_FD</c> (<c>device-open</c>): fails before the vendor's Open.</summary>
    DeviceOpen,

    /// <summary><c>pread</c> on a device file (<c>region-read</c>).</summary>
    RegionRead,

    /// <summary><c>pwrite</c> on a device file (<c>region-write</c>).</summary>
    RegionWrite,

    /// <summary><c>VFIO_DEVICE_SET_IRQS</c> (<c>set-irqs</c>): fails after the common checks, before the vendor's.</summary>
    SetIrqs,

    /// <summary><c>VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE</c> SET (<c>migration-state</c>): fails before any arc is walked.</summary>
    MigrationState,
}
