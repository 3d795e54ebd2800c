namespace Mdev.Core;

/// <summary>Settings of one <see cref="MdevCore"/>.</summary>
public sealed class MdevCoreOptions
{
    /// <summary>Modern (default) or 2016 removal rules.</summary>
    public RemovePolicy RemovePolicy { get; set; } = RemovePolicy.Modern;

    /// <summary>How often a waiting removal asks the user to let go (the kernel's 10 s).</summary>
    public TimeSpan RequestInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock for <see cref="RequestInterval"/>; a fake one makes tests deterministic.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// False for a host where mdev is not loaded (kubevirt#11168): no <c>/sys/bus/mdev</c>, no <c>/sys/class/mdev_bus</c>;
    /// registering a parent is <c>ENODEV</c> and an mdev bus driver is kept but shows nowhere. Default true.
    /// </summary>
    public bool MdevLoaded { get; set; } = true;

    /// <summary>
    /// Asynchronous appearance (issue 12 point 5): how long after a create has completed the device's <c>mdev_type</c>
    /// link appears, measured on <see cref="TimeProvider"/>. Until then the device directory, its bus link and its
    /// attributes are there and <c>mdev_type</c> is not, the window tooling's waits and polls exist for (the kernel
    /// makes it in <c>mdev_device_create</c>, between <c>device_add</c> and <c>mdev_create_sysfs_files</c>, and shows
    /// it to anyone reading during the create). A removal begun meanwhile cancels the link. Zero (default): at once.
    /// </summary>
    public TimeSpan MdevTypeLinkDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long a removal takes once nothing holds the device any more, measured on <see cref="TimeProvider"/>: the
    /// <c>remove</c> store (and <see cref="MdevCore.RemoveMdevDeviceAsync"/>) completes that much later, the device
    /// directory still there, hidden as during any removal (no <c>remove</c> or <c>mdev_type</c> file, no bus link), as
    /// with a vendor whose remove is slow. Zero (default): at once.
    /// </summary>
    public TimeSpan RemoveDuration { get; set; } = TimeSpan.Zero;

    /// <summary>The default buffer size, in events, of a uevent listener.</summary>
    public int UeventBufferCapacity { get; set; } = 1024;
}
