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

    /// <summary>The default buffer size, in events, of a uevent listener.</summary>
    public int UeventBufferCapacity { get; set; } = 1024;
}
