namespace Mdev.Core;

/// <summary>
/// What a device's bus and <c>struct device_type</c> give it beyond the driver core's own files (Linux 6.12): the
/// <c>DEVTYPE</c> of its uevents (<c>device_type.name</c>, e.g. <c>ap_card</c>; null for none, as for PCI functions),
/// the attribute groups (<c>bus_type.dev_groups</c> and <c>device_type.groups</c>: <c>vendor</c>, <c>class</c>,
/// <c>config</c> ...) and the variables its bus's <c>uevent</c> callback adds (<c>pci_uevent</c>'s <c>PCI_CLASS</c>,
/// <c>PCI_ID</c> ...). Pass it to <see cref="MdevCore.AddDevice(string, DeviceKind, string, string?)"/>.
/// </summary>
/// <remarks>
/// <c>dev_uevent</c> (drivers/base/core.c) emits, in this order: <c>MAJOR</c>, <c>MINOR</c>, <c>DEVNAME</c> (devices
/// with a number), <c>DEVTYPE</c>, <c>DRIVER</c> (while bound), then the bus's variables. The device's <c>uevent</c>
/// file reads exactly those, and every uevent of the device carries them after its caller's variables. The callbacks
/// run on whatever thread reads the file or sends the event, never under the core's tree, list or uevent locks (a
/// bind, unbind or registration event is built under the device's binding lock, <c>device_lock</c>, as in the kernel);
/// they must be thread-safe and should not throw (a throwing show reads as <c>EIO</c>).
/// </remarks>
public sealed class DeviceKind
{
    /// <summary>Creates a device kind.</summary>
    /// <param name="devType">The <c>DEVTYPE</c> (<c>device_type.name</c>), or null for none.</param>
    /// <param name="groups">The bus's and type's attribute groups, created in this order when the device is added.</param>
    /// <param name="uevent">The bus's <c>uevent</c> callback: the variables it adds, in order; null for none.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for an empty <paramref name="devType"/>.</exception>
    public DeviceKind(string? devType, IReadOnlyList<AttributeGroup<Device>> groups, Func<Device, IReadOnlyList<KeyValuePair<string, string>>>? uevent)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (devType is { Length: 0 })
        {
            throw new MdevException(Errno.EINVAL, "device kind: an empty DEVTYPE; use null for none");
        }

        DevType = devType;
        Groups = groups;
        Uevent = uevent;
    }

    /// <summary>The <c>DEVTYPE</c> uevent variable, or null.</summary>
    public string? DevType { get; }

    /// <summary>The attribute groups of the bus and the device type.</summary>
    public IReadOnlyList<AttributeGroup<Device>> Groups { get; }

    /// <summary>The bus's <c>uevent</c> callback, or null.</summary>
    public Func<Device, IReadOnlyList<KeyValuePair<string, string>>>? Uevent { get; }
}
