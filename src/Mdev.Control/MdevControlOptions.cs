namespace Mdev.Control;

/// <summary>Where <see cref="MdevControl"/> keeps definitions and how it waits; the defaults are mdevctl 1.2.0's on a real host.</summary>
public sealed class MdevControlOptions
{
    /// <summary>
    /// The root below which <c>etc/mdevctl.d</c> lies (definitions, <c>scripts.d/callouts</c>, <c>scripts.d/notifiers</c>),
    /// as mdevctl's <c>MDEVCTL_ENV_ROOT</c> is for its tests. Default <c>/</c>. sysfs is whatever <see cref="Core.Sysfs.ISysfs"/> the control is given.
    /// </summary>
    public string Root { get; set; } = "/";

    /// <summary>
    /// Refuse to work when <c>&lt;Root&gt;/etc/mdevctl.d</c> is missing, as mdevctl's start-up self-check does (default
    /// true). When false, a missing directory holds no definitions (for hosts without mdevctl installed); defining
    /// still needs it.
    /// </summary>
    public bool RequireConfigDirectory { get; set; } = true;

    /// <summary>Run the call-out scripts and notifiers below <c>scripts.d</c> as mdevctl does (default true).</summary>
    public bool RunCallouts { get; set; } = true;

    /// <summary>
    /// How long a start waits for <c>/sys/bus/mdev/devices/&lt;uuid&gt;</c> to appear after the <c>create</c> write (and a stop
    /// for it to go) before it fails with <c>ETIMEDOUT</c>. The kernel creates synchronously, so on a real or simulated
    /// host the wait ends at once; mdevctl does not wait at all. Default 10 s; zero checks once.
    /// </summary>
    public TimeSpan DeviceTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the wait of <see cref="DeviceTimeout"/> looks again. Default 10 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The clock of the waits (a fake one in tests). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
