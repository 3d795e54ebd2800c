using Mdev.Core;

namespace Mdev.Vfio.Pci;

/// <summary>
/// The INTx and MSI interrupts of an emulated PCI device, wired to <c>VFIO_DEVICE_GET_IRQ_INFO</c> and
/// <c>VFIO_DEVICE_SET_IRQS</c> with vfio-pci's rules, so a vendor driver only calls <see cref="Raise"/>: one mode at a
/// time (INTx or MSI; TRIGGER on the other while one is enabled is <c>EINVAL</c>); TRIGGER with eventfds binds,
/// with a null eventfd or NONE and count 0 disables, with NONE or a true BOOL is a loop-back test; INTx is auto-masked
/// when it fires and MASK/UNMASK (NONE, or BOOL true) act on it; a trigger other than a disable needs start 0 and count
/// 1 (<c>EINVAL</c>); MSI has no masking (<c>ENOTTY</c>); MSI-X, ERR and REQ
/// are not implemented (count 0, <c>ENOTTY</c>).
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class PciInterrupts
{
    /// <summary><c>VFIO_PCI_INTX_IRQ_INDEX</c>.</summary>
    public const uint IntxIndex = 0;

    /// <summary><c>VFIO_PCI_MSI_IRQ_INDEX</c>.</summary>
    public const uint MsiIndex = 1;

    /// <summary><c>VFIO_PCI_NUM_IRQS</c>.</summary>
    public const uint NumIrqs = 5;

    private readonly Lock _lock = new();
    private uint? _active;

    /// <summary>The INTx line.</summary>
    public IntxInterrupt Intx { get; } = new();

    /// <summary>The MSI vector.</summary>
    public MsiInterrupt Msi { get; } = new();

    /// <summary>The index with a bound eventfd (INTx or MSI), or null.</summary>
    public uint? ActiveIndex
    {
        get
        {
            lock (_lock)
            {
                return _active;
            }
        }
    }

    /// <summary><c>VFIO_DEVICE_GET_IRQ_INFO</c> for a PCI device with INTx and one MSI vector.</summary>
    /// <param name="index">The IRQ index.</param>
    /// <returns>The info.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for an index past <see cref="NumIrqs"/>.</exception>
    public static VfioIrqInfo GetIrqInfo(uint index) => index switch
    {
        IntxIndex => new(index, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked, 1),
        MsiIndex => new(index, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.NoResize, 1),
        < NumIrqs => new(index, VfioIrqInfoFlags.None, 0),
        _ => throw new MdevException(Errno.EINVAL, $"irq info {index}: not below VFIO_PCI_NUM_IRQS {NumIrqs}"),
    };

    /// <summary>Raises the enabled interrupt (INTx honours its mask). Returns whether an eventfd was signalled.</summary>
    /// <returns>Whether the interrupt reached an eventfd.</returns>
    public bool Raise()
    {
        lock (_lock)
        {
            return _active switch
            {
                IntxIndex => Intx.Raise(),
                MsiIndex => Msi.Raise(),
                _ => false,
            };
        }
    }

    /// <summary>Disables both (close_device, reset).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            Intx.Bind(null);
            Msi.Bind(null);
            _active = null;
        }
    }

    /// <summary><c>VFIO_DEVICE_SET_IRQS</c>, already validated by the common rules.</summary>
    /// <param name="request">The request.</param>
    /// <exception cref="MdevException"><c>ENOTTY</c> for an index or action not implemented; <c>EINVAL</c> for a trigger on one mode while the other is enabled.</exception>
    public void SetIrqs(VfioIrqSet request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            switch (request.Index, request.Action)
            {
                case (IntxIndex, VfioIrqSetFlags.ActionMask):
                case (IntxIndex, VfioIrqSetFlags.ActionUnmask):
                    if (request.DataType == VfioIrqSetFlags.DataEventFd)
                    {
                        throw new MdevException(Errno.ENOTTY, "set irqs: INTx mask/unmask through an eventfd is not supported");
                    }

                    if (request.Count > 0 && (request.DataType == VfioIrqSetFlags.DataNone || request.Bools[0]))
                    {
                        if (request.Action == VfioIrqSetFlags.ActionMask)
                        {
                            Intx.Mask();
                        }
                        else
                        {
                            Intx.Unmask();
                        }
                    }

                    return;
                case (IntxIndex or MsiIndex, VfioIrqSetFlags.ActionTrigger):
                    Trigger(request);
                    return;
                case (MsiIndex, _):
                    throw new MdevException(Errno.ENOTTY, "set irqs: MSI has no mask/unmask");
                default:
                    throw new MdevException(Errno.ENOTTY, $"set irqs: index {request.Index} action 0x{(uint)request.Action:x} is not implemented");
            }
        }
    }

    private void Trigger(VfioIrqSet request)
    {
        uint index = request.Index;
        if (request.DataType == VfioIrqSetFlags.DataNone && request.Count == 0)
        {
            if (_active == index)
            {
                Unbind(index);
            }

            return;
        }

        if (_active is { } other && other != index)
        {
            throw new MdevException(Errno.EINVAL, $"set irqs: index {index} while index {other} is enabled");
        }

        if (request.Start != 0 || request.Count != 1)
        {
            throw new MdevException(Errno.EINVAL, $"set irqs: index {index} has one interrupt (start {request.Start}, count {request.Count})");
        }

        if (request.DataType == VfioIrqSetFlags.DataEventFd)
        {
            var trigger = request.EventFds[0];
            if (trigger is null)
            {
                Unbind(index);
                return;
            }

            if (index == IntxIndex)
            {
                Intx.Bind(trigger);
            }
            else
            {
                Msi.Bind(trigger);
            }

            _active = index;
            return;
        }

        // NONE, or BOOL true: a loop-back test of an enabled interrupt.
        if (_active == index && (request.DataType == VfioIrqSetFlags.DataNone || request.Bools[0]))
        {
            _ = index == IntxIndex ? Intx.Raise() : Msi.Raise();
        }
    }

    private void Unbind(uint index)
    {
        if (index == IntxIndex)
        {
            Intx.Bind(null);
        }
        else
        {
            Msi.Bind(null);
        }

        _active = null;
    }
}
