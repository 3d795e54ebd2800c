using System.Runtime.CompilerServices;

namespace Mdev.Core;

/// <summary>
/// A mediated device (<c>struct mdev_device</c>), named by its UUID printed in lower case. Its directory is a child of
/// the parent's (<c>&lt;parent&gt;/&lt;uuid&gt;</c>) and it sits on bus <c>mdev</c>.
/// </summary>
/// <remarks>
/// Locking: the core's UUID-index lock (<c>mdev_list_lock</c>) guards <see cref="State"/>; <see cref="_openLock"/>
/// (the VFIO <c>dev_set</c> mutex) guards the open count and serialises the vendor's Open/Release;
/// <see cref="BindLock"/> (the driver core's <c>device_lock</c>) guards <see cref="Driver"/>.
/// </remarks>
public sealed class MdevDevice
{
    private readonly Lock _openLock = new();
    private int _openCount;

    // Who holds the device open, one entry per live handle (for the warning a waiting removal logs); guarded by _openLock.
    private readonly List<MdevDeviceHandle> _handles = [];
    private TaskCompletionSource? _released;
    private int _removeClaimed;
    private int _openBlockers;

    internal MdevDevice(MdevCore core, Guid uuid, MdevType type)
    {
        Core = core;
        Uuid = uuid;
        Type = type;
        Name = uuid.ToString("D");
        SysfsPath = type.Parent.Device.SysfsPath + "/" + Name;
    }

    /// <summary>The UUID.</summary>
    public Guid Uuid { get; }

    /// <summary>The device name: the UUID in lower case, hyphenated (<c>%pUl</c>).</summary>
    public string Name { get; }

    /// <summary>The parent it was created on.</summary>
    public MdevParent Parent => Type.Parent;

    /// <summary>Its type.</summary>
    public MdevType Type { get; }

    /// <summary>The absolute path of its directory, <c>&lt;parent path&gt;/&lt;uuid&gt;</c>.</summary>
    public string SysfsPath { get; }

    /// <summary>The kernel's DEVPATH (sysfs path without <c>/sys</c>).</summary>
    public string DevPath => SysfsPath[Sysfs.SysfsPath.Root.Length..];

    /// <summary>The mdev bus driver bound to it, or null while unbound.</summary>
    public MdevDriver? Driver { get; internal set; }

    /// <summary>The lifecycle state.</summary>
    public MdevDeviceState State { get; internal set; }

    /// <summary>The vendor driver's private data (<c>mdev_set_drvdata</c>).</summary>
    public object? DriverData { get; set; }

    /// <summary>
    /// The bound mdev bus driver's per-device data (2016's <c>vfio_mdev</c> kept its <c>vfio_device</c> there); set by
    /// the driver in Probe and cleared in Remove. Vendors reach VFIO services through it.
    /// </summary>
    public object? BusDriverData { get; set; }

    /// <summary>How many users hold it open (VFIO device files).</summary>
    public int OpenCount
    {
        get
        {
            lock (_openLock)
            {
                return _openCount;
            }
        }
    }

    internal MdevCore Core { get; }

    internal Lock BindLock { get; } = new();

    /// <summary>Whether the create took a slot of the parent's core pool (returned at removal).</summary>
    internal bool TookPoolSlot { get; set; }

    /// <summary>Its node in the parent's child list; guarded by the parent's lock.</summary>
    internal LinkedListNode<MdevDevice>? ParentNode { get; set; }

    /// <summary>True once the device's <c>add</c> uevent is out; guarded by <see cref="BindLock"/>.</summary>
    internal bool Announced { get; set; }

    /// <summary>
    /// The uevents a probe or remove sent before <see cref="Announced"/> (the class devices the VFIO driver makes and
    /// takes down): sent right after the device's <c>add</c>, dropped with a failed create. Guarded by <see cref="BindLock"/>.
    /// </summary>
    internal List<PendingUevent>? HeldUevents { get; set; }

    /// <summary>
    /// Opens the device for a user, as a VFIO device file does: the vendor's <see cref="ParentOps.Open"/> runs on the
    /// first open only and <see cref="ParentOps.Release"/> on the last close (the modern <c>open_device</c>/<c>close_device</c>
    /// rule; the 2016 core called them per file).
    /// </summary>
    /// <param name="callerFile">Filled in by the compiler: where the handle is opened, named when a removal waits for it.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <returns>A handle; dispose it to release.</returns>
    /// <exception cref="MdevException"><c>ENODEV</c> when the device is not active (being created, removed, or gone), or the vendor's errno from Open.</exception>
    public MdevDeviceHandle Open([CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) =>
        Open($"a handle opened at {Path.GetFileName(callerFile)}:{callerLine}");

    /// <summary>
    /// Opens the device for a user named <paramref name="holder"/> (as <see cref="Open(string, int)"/>); the name is what
    /// a removal or unregistration that waits for the users logs (e.g. <c>VFIO device file of group 0</c>).
    /// </summary>
    /// <param name="holder">Who holds the handle, in words.</param>
    /// <returns>A handle; dispose it to release.</returns>
    /// <exception cref="MdevException"><c>ENODEV</c> when the device is not active (being created, removed, or gone), or the vendor's errno from Open.</exception>
    public MdevDeviceHandle Open(string holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        lock (_openLock)
        {
            if (State != MdevDeviceState.Active || _openBlockers > 0)
            {
                var why = State == MdevDeviceState.Active ? "going away" : State.ToString().ToLowerInvariant();
                throw new MdevException(Errno.ENODEV, $"open {Name}: device is {why}");
            }

            if (_openCount == 0)
            {
                Parent.Ops.Open(this);
            }

            _openCount++;
            var handle = new MdevDeviceHandle(this, holder);
            _handles.Add(handle);
            return handle;
        }
    }

    /// <summary>Who holds the device open now: each live handle's <see cref="MdevDeviceHandle.Holder"/>.</summary>
    public IReadOnlyList<string> Holders
    {
        get
        {
            lock (_openLock)
            {
                return _handles.Select(h => h.Holder).ToArray();
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    internal void Release(MdevDeviceHandle handle)
    {
        TaskCompletionSource? released = null;
        lock (_openLock)
        {
            _handles.Remove(handle);
            if (--_openCount == 0)
            {
                try
                {
                    Parent.Ops.Release(this);
                }
                finally
                {
                    released = _released;
                    _released = null;
                }
            }
        }

        released?.TrySetResult();
    }

    /// <summary>From now on opens fail with ENODEV (a removal or unbind is waiting for the users to let go).</summary>
    internal void BlockOpens()
    {
        lock (_openLock)
        {
            _openBlockers++;
        }
    }

    internal void UnblockOpens()
    {
        lock (_openLock)
        {
            _openBlockers--;
        }
    }

    /// <summary>The timer of a delayed <c>mdev_type</c> link (<see cref="MdevCoreOptions.MdevTypeLinkDelay"/>), kept here so it lives until it fires.</summary>
    internal ITimer? TypeLinkTimer { get; set; }

    /// <summary>Set under <see cref="BindLock"/> when teardown begins: no driver may bind any more.</summary>
    internal bool TearingDown { get; set; }

    /// <summary>A task that completes when no user holds the device open.</summary>
    internal Task WhenReleased()
    {
        lock (_openLock)
        {
            if (_openCount == 0)
            {
                return Task.CompletedTask;
            }

            _released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _released.Task;
        }
    }

    /// <summary><c>device_remove_file_self</c>: only one concurrent writer of <c>remove</c> wins.</summary>
    internal bool TryClaimRemoveFile() => Interlocked.Exchange(ref _removeClaimed, 1) == 0;

    internal void ReleaseRemoveFileClaim() => Volatile.Write(ref _removeClaimed, 0);
}
