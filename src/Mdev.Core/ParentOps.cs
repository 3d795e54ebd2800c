namespace Mdev.Core;

/// <summary>
/// The vendor driver's side of a parent (the seed's <c>struct parent_ops</c>, with the modern kernel's refinements).
/// Mandatory members are abstract; optional ones are virtual and return the kernel's default.
/// </summary>
/// <remarks>
/// <para>The core calls <see cref="Create"/> when a device is created and <see cref="Remove"/> when it goes away;
/// <see cref="Open"/>/<see cref="Release"/> bracket the device's users; <see cref="Read"/>, <see cref="Write"/>,
/// <see cref="Ioctl"/> and <see cref="Mmap"/> are the device-file I/O path, called with no core lock held (as in the
/// kernel, the vendor serialises its own state).</para>
/// <para>Availability comes in two models: return null from <see cref="GetAvailable"/> (the default) and the core
/// manages a per-parent pool of <see cref="MaxInstances"/> (<c>EUSERS</c> when empty); or return a count and decide in
/// <see cref="Create"/> yourself (e.g. mtty's <c>ENOSPC</c>).</para>
/// <para>Fail a callback by throwing <see cref="MdevException"/> with the errno the kernel driver returns; the core
/// passes it through to the caller and rolls back everything it did.</para>
/// </remarks>
public abstract class ParentOps
{
    /// <summary>The supported types (<c>supported_type_groups</c>); mandatory and non-empty.</summary>
    public abstract IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; }

    /// <summary>Extra attributes on the parent device's directory (<c>dev_attr_groups</c>).</summary>
    public virtual IReadOnlyList<AttributeGroup<Device>> DevAttrGroups => [];

    /// <summary>Extra attributes on each mdev device's directory (<c>mdev_attr_groups</c>; modern <c>driver.dev_groups</c>).</summary>
    public virtual IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups => [];

    /// <summary>The size of the core-managed pool shared by all types (<c>mdev_driver.max_instances</c>); used only while <see cref="GetAvailable"/> returns null.</summary>
    public virtual int MaxInstances => 0;

    /// <summary>
    /// The name of the mdev bus driver that must bind the parent's devices: modern kernels (5.16+) pass the vendor's own
    /// <c>mdev_driver</c> to <c>mdev_register_parent</c> (mtty's <c>mtty</c>; with VFIO, register it with
    /// <c>VfioModule.RegisterVendorDriver</c>). Null binds to the first registered bus driver: 2016's <c>vfio_mdev</c>,
    /// which <c>VfioModule</c> registers only under <see cref="RemovePolicy.Legacy2016"/> (a model convenience: no
    /// modern parent is without a driver).
    /// </summary>
    public virtual string? DriverName => null;

    /// <summary>The vendor's <c>available_instances</c> for <paramref name="type"/> (<c>get_available</c>); null (the default) uses the core pool.</summary>
    /// <param name="type">The type asked about.</param>
    /// <returns>The count, or null for the core pool.</returns>
    public virtual int? GetAvailable(MdevType type) => null;

    /// <summary>The <c>description</c> text (<c>show_description</c>), newline included; null (the default) means the type has no description file. Asked once per type at registration to decide whether the file exists.</summary>
    /// <param name="type">The type asked about.</param>
    /// <returns>The text, or null.</returns>
    public virtual string? ShowDescription(MdevType type) => null;

    /// <summary>Allocates the vendor's state for a new device (2016 <c>create</c>; modern <c>probe</c>/<c>init</c>). Throw to refuse, e.g. <c>ENOSPC</c>.</summary>
    /// <param name="mdev">The device being created (not yet active).</param>
    public abstract void Create(MdevDevice mdev);

    /// <summary>
    /// Frees the vendor's state. Under <see cref="RemovePolicy.Legacy2016"/> it is asked first and may refuse by
    /// throwing (the remove then fails with <c>EBUSY</c>); under <see cref="RemovePolicy.Modern"/> it runs after every
    /// user has let go, cannot refuse, and an exception is only logged.
    /// </summary>
    /// <param name="mdev">The device being removed.</param>
    public abstract void Remove(MdevDevice mdev);

    /// <summary>First open of the device by a user (<c>open</c>/<c>open_device</c>). Throw to refuse the open.</summary>
    /// <param name="mdev">The device.</param>
    public virtual void Open(MdevDevice mdev)
    {
    }

    /// <summary>Last close of the device (<c>release</c>/<c>close_device</c>).</summary>
    /// <param name="mdev">The device.</param>
    public virtual void Release(MdevDevice mdev)
    {
    }

    /// <summary>Emulates a read of the device file; the default fails with <c>EINVAL</c> (vfio_mdev's rule for a missing op).</summary>
    /// <param name="mdev">The device.</param>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="offset">The file offset.</param>
    /// <returns>The number of bytes read.</returns>
    public virtual int Read(MdevDevice mdev, Span<byte> buffer, long offset) =>
        throw new MdevException(Errno.EINVAL, $"read on {mdev.Name}: the vendor driver has no read");

    /// <summary>Emulates a write of the device file; the default fails with <c>EINVAL</c>.</summary>
    /// <param name="mdev">The device.</param>
    /// <param name="buffer">The bytes.</param>
    /// <param name="offset">The file offset.</param>
    /// <returns>The number of bytes written.</returns>
    public virtual int Write(MdevDevice mdev, ReadOnlySpan<byte> buffer, long offset) =>
        throw new MdevException(Errno.EINVAL, $"write on {mdev.Name}: the vendor driver has no write");

    /// <summary>Handles an ioctl on the device file; the default fails with <c>EINVAL</c>.</summary>
    /// <param name="mdev">The device.</param>
    /// <param name="command">The request number.</param>
    /// <param name="argument">The argument bytes, in and out.</param>
    /// <returns>The non-negative result.</returns>
    public virtual long Ioctl(MdevDevice mdev, uint command, Span<byte> argument) =>
        throw new MdevException(Errno.EINVAL, $"ioctl 0x{command:x} on {mdev.Name}: the vendor driver has no ioctl");

    /// <summary>Maps part of the device; the default fails with <c>EINVAL</c>.</summary>
    /// <param name="mdev">The device.</param>
    /// <param name="offset">The file offset.</param>
    /// <param name="length">The length.</param>
    /// <returns>The memory that backs the mapping.</returns>
    public virtual Memory<byte> Mmap(MdevDevice mdev, long offset, long length) =>
        throw new MdevException(Errno.EINVAL, $"mmap on {mdev.Name}: the vendor driver has no mmap");

    /// <summary>
    /// Asks the device's user to let go (<c>vfio_device_ops.request</c>): called while a removal waits for the device
    /// to be released, first at once (count 0) and then every <see cref="MdevCoreOptions.RequestInterval"/>. Typically
    /// signals a REQ interrupt. The default does nothing.
    /// </summary>
    /// <param name="mdev">The device.</param>
    /// <param name="count">How many times it was asked before (0, 1, 2, ...).</param>
    public virtual void Request(MdevDevice mdev, uint count)
    {
    }
}
