namespace Mdev.Core;

/// <summary>
/// A device in the simulated driver-core device tree (<c>struct device</c>): what a vendor driver registers as an mdev
/// parent, e.g. <c>/sys/devices/pci0000:00/0000:00:02.0</c> on bus <c>pci</c> bound to <c>i915</c>, or
/// <c>/sys/devices/virtual/mtty/mtty</c> of class <c>mtty</c>. Created with <see cref="MdevCore.AddDevice(string, string?, string?, string?)"/>.
/// </summary>
public sealed class Device
{
    internal Device(MdevCore core, string sysfsPath, string? bus, string? deviceClass, string? driver, DeviceNumber? number = null, DeviceKind? kind = null)
    {
        Number = number;
        Kind = kind;
        Core = core;
        SysfsPath = sysfsPath;
        Name = Sysfs.SysfsPath.NameOf(sysfsPath);
        Bus = bus;
        Class = deviceClass;
        Driver = driver;
        MatchingDriver = driver;
    }

    /// <summary>The device name (<c>dev_name()</c>), the last component of its path, e.g. <c>0000:00:02.0</c>.</summary>
    public string Name { get; }

    /// <summary>The absolute sysfs path of its directory, e.g. <c>/sys/devices/virtual/mtty/mtty</c>.</summary>
    public string SysfsPath { get; }

    /// <summary>The kernel's DEVPATH: the sysfs path without <c>/sys</c>.</summary>
    public string DevPath => SysfsPath[Sysfs.SysfsPath.Root.Length..];

    /// <summary>The bus it sits on (<c>pci</c>, <c>css</c>, <c>matrix</c>), or null.</summary>
    public string? Bus { get; }

    /// <summary>Its class (<c>mtty</c>, <c>mdpy</c>), or null.</summary>
    public string? Class { get; }

    /// <summary>The name of the driver bound to it (<c>i915</c>, <c>vfio_ccw</c>), or null (never bound, or unbound through the driver's <c>unbind</c> file).</summary>
    public string? Driver { get; internal set; }

    /// <summary>
    /// <c>dev_driver_string()</c>: the bound driver's name, else the bus name, else the class name, else empty. It is the
    /// prefix of every type directory (<c>mtty-1</c>, <c>i915-GVTg_V5_4</c>).
    /// </summary>
    public string DriverString => Driver ?? Bus ?? Class ?? string.Empty;

    /// <summary>The SUBSYSTEM of its uevents: the bus, else the class.</summary>
    public string? Subsystem => Bus ?? Class;

    /// <summary>True once it has been registered as an mdev parent: binding its driver again registers it again.</summary>
    public bool WasParent => ProbeOps is not null;

    /// <summary>The character-device number, when the device has a node in <c>/dev</c>.</summary>
    public DeviceNumber? Number { get; }

    /// <summary><c>dev_uevent</c>'s MAJOR, MINOR and DEVNAME for a device with a number; empty otherwise.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> NumberVariables => Number is { } n
        ? [new("MAJOR", n.Major.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("MINOR", n.Minor.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("DEVNAME", n.DevName)]
        : [];

    /// <summary>What its bus and device type give it (attributes, <c>DEVTYPE</c>, the bus's uevent variables), or null.</summary>
    public DeviceKind? Kind { get; }

    /// <summary>
    /// <c>dev_uevent</c> as the given driver binding would print it: MAJOR, MINOR, DEVNAME, DEVTYPE, DRIVER, then the
    /// bus's variables (drivers/base/core.c, Linux 6.12). Empty for a device with neither bus nor class
    /// (<c>dev_uevent_filter</c> sends nothing for it and its <c>uevent</c> file reads empty).
    /// </summary>
    internal List<KeyValuePair<string, string>> UeventVariables(string? driver)
    {
        var vars = new List<KeyValuePair<string, string>>(NumberVariables);
        if (Subsystem is null)
        {
            return vars;
        }

        if (Kind?.DevType is { } devType)
        {
            vars.Add(new("DEVTYPE", devType));
        }

        if (driver is not null)
        {
            vars.Add(new("DRIVER", driver));
        }

        if (Kind?.Uevent is { } uevent)
        {
            vars.AddRange(uevent(this));
        }

        return vars;
    }

    internal MdevCore Core { get; }

    internal bool Deleted { get; set; }

    /// <summary>The nearest device of the tree above this one (by path), or null; guarded by the core's tree lock.</summary>
    internal Device? TreeParent { get; set; }

    /// <summary>The devices whose nearest tree device above is this one, or null when none ever was; guarded by the core's tree lock.</summary>
    internal HashSet<Device>? TreeChildren { get; set; }

    /// <summary>The driver whose id table matches the device (<c>driver_match_device</c>): the one it was added with.</summary>
    internal string? MatchingDriver { get; }

    /// <summary>The vendor callbacks of its last parent registration: what the driver's probe registers again on bind.</summary>
    internal ParentOps? ProbeOps { get; set; }

    /// <summary><c>device_lock</c>: serialises binding, unbinding and deletion of the device (held across the waits).</summary>
    internal SemaphoreSlim BindingLock => LazyInitializer.EnsureInitialized(ref _bindingLock, static () => new SemaphoreSlim(1, 1));

    // Created on first use: most class devices (a VFIO group's, vfio-dev/vfioX) never bind, so they do not carry one.
    private SemaphoreSlim? _bindingLock;

    /// <inheritdoc />
    public override string ToString() => SysfsPath;
}
