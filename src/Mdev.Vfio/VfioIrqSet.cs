namespace Mdev.Vfio;

/// <summary>
/// A <c>VFIO_DEVICE_SET_IRQS</c> request (<c>struct vfio_irq_set</c> and its data), as a VMM sends it and as the vendor's
/// <see cref="VfioParentOps.SetIrqs"/> receives it once the common rules (<c>vfio_set_irqs_validate_and_prepare</c>)
/// have passed. Data is one bool per interrupt (DATA_BOOL) or one eventfd per interrupt (DATA_EVENTFD; null
/// de-assigns, as fd -1).
/// </summary>
public sealed class VfioIrqSet
{
    /// <summary>Creates a request.</summary>
    /// <param name="flags">One data type and one action.</param>
    /// <param name="index">The IRQ index.</param>
    /// <param name="start">The first interrupt of the index.</param>
    /// <param name="count">How many interrupts.</param>
    /// <param name="bools">The data for <see cref="VfioIrqSetFlags.DataBool"/>: <paramref name="count"/> values.</param>
    /// <param name="eventFds">The data for <see cref="VfioIrqSetFlags.DataEventFd"/>: <paramref name="count"/> eventfds, null for -1.</param>
    /// <param name="eventFdNumbers">The DATA_EVENTFD descriptors as the raw ioctl carried them (a driver may refuse values below -1); empty for the typed face.</param>
    public VfioIrqSet(VfioIrqSetFlags flags, uint index, uint start, uint count, IReadOnlyList<bool>? bools = null, IReadOnlyList<EventFd?>? eventFds = null, IReadOnlyList<int>? eventFdNumbers = null)
    {
        EventFdNumbers = eventFdNumbers ?? [];
        Flags = flags;
        Index = index;
        Start = start;
        Count = count;
        Bools = bools ?? [];
        EventFds = eventFds ?? [];
    }

    /// <summary>The flags: data type and action.</summary>
    public VfioIrqSetFlags Flags { get; }

    /// <summary>The IRQ index.</summary>
    public uint Index { get; }

    /// <summary>The first interrupt.</summary>
    public uint Start { get; }

    /// <summary>How many interrupts.</summary>
    public uint Count { get; }

    /// <summary>The DATA_BOOL values (empty otherwise).</summary>
    public IReadOnlyList<bool> Bools { get; }

    /// <summary>
    /// The DATA_EVENTFD eventfds, null for -1 (empty otherwise). For a raw ioctl each entry is resolved from its
    /// descriptor when it is read (<c>eventfd_ctx_fdget</c>: <c>EBADF</c> for a closed descriptor, <c>EINVAL</c> for one
    /// that is not an eventfd), so a driver validates the request before it reads them, as the kernel's do.
    /// </summary>
    public IReadOnlyList<EventFd?> EventFds { get; }

    /// <summary>The DATA_EVENTFD descriptors as the raw ioctl carried them (empty for the typed face): a negative one has a null <see cref="EventFds"/> entry, and a driver may refuse values below -1 (vfio-ccw does).</summary>
    public IReadOnlyList<int> EventFdNumbers { get; }

    /// <summary>The data type bits.</summary>
    public VfioIrqSetFlags DataType => Flags & VfioIrqSetFlags.DataTypeMask;

    /// <summary>The action bits.</summary>
    public VfioIrqSetFlags Action => Flags & VfioIrqSetFlags.ActionTypeMask;

    /// <summary>TRIGGER with eventfds: binds kernel-to-user signalling for <c>start..start+n</c>.</summary>
    /// <param name="index">The IRQ index.</param>
    /// <param name="start">The first interrupt.</param>
    /// <param name="eventFds">One eventfd per interrupt; null de-assigns.</param>
    /// <returns>The request.</returns>
    public static VfioIrqSet TriggerEventFds(uint index, uint start, params EventFd?[] eventFds) =>
        new(VfioIrqSetFlags.ActionTrigger | VfioIrqSetFlags.DataEventFd, index, start, (uint)eventFds.Length, eventFds: eventFds);

    /// <summary>TRIGGER with no data and count 0: disables the whole index.</summary>
    /// <param name="index">The IRQ index.</param>
    /// <returns>The request.</returns>
    public static VfioIrqSet Disable(uint index) => new(VfioIrqSetFlags.ActionTrigger | VfioIrqSetFlags.DataNone, index, 0, 0);

    /// <summary>An action with no data (TRIGGER as loop-back test, MASK, UNMASK).</summary>
    /// <param name="action">One of the action flags.</param>
    /// <param name="index">The IRQ index.</param>
    /// <param name="start">The first interrupt.</param>
    /// <param name="count">How many interrupts.</param>
    /// <returns>The request.</returns>
    public static VfioIrqSet NoData(VfioIrqSetFlags action, uint index, uint start, uint count) =>
        new(action | VfioIrqSetFlags.DataNone, index, start, count);
}
