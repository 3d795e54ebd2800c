using Mdev.Core;

namespace Mdev.Vfio.Pci;

/// <summary>
/// The INTx and MSI interrupts of an emulated PCI device, wired to <c>VFIO_DEVICE_GET_IRQ_INFO</c> and
/// <c>VFIO_DEVICE_SET_IRQS</c> with vfio-pci's rules, so a vendor driver only calls <see cref="Raise()"/>: one mode at a
/// time (INTx or MSI; TRIGGER on the other while one is enabled is <c>EINVAL</c>); TRIGGER with eventfds binds,
/// with a null eventfd or NONE and count 0 disables, with NONE or a true BOOL is a loop-back test; INTx is auto-masked
/// when it fires and MASK/UNMASK (NONE, or BOOL true) act on it; an INTx trigger other than a disable needs start 0 and
/// count 1 (<c>EINVAL</c>); MSI binds the block <c>[start, start + count)</c> of its vectors (<c>vfio_msi_set_block</c>)
/// and has no masking (<c>ENOTTY</c>); MSI-X, ERR and REQ are not implemented (count 0, <c>ENOTTY</c>).
/// Configurable: INTx only (<c>new PciInterrupts(intx: true, msiVectors: 0)</c>), N MSI vectors, or both (the default:
/// INTx and one MSI vector). An index the device does not have reports count 0, so the common SET_IRQS rules refuse it.
/// </summary>
/// <remarks>
/// Thread-safe: one lock guards the mode and the bindings. It may be taken while a <see cref="PciDevice"/>'s lock is
/// held (a register write that raises an interrupt) and never takes that lock itself, so a timer or worker thread may
/// call <see cref="Raise()"/> without holding the device lock.
/// </remarks>
public sealed class PciInterrupts
{
    /// <summary><c>VFIO_PCI_INTX_IRQ_INDEX</c>.</summary>
    public const uint IntxIndex = 0;

    /// <summary><c>VFIO_PCI_MSI_IRQ_INDEX</c>.</summary>
    public const uint MsiIndex = 1;

    /// <summary><c>VFIO_PCI_MSIX_IRQ_INDEX</c>.</summary>
    public const uint MsixIndex = 2;

    /// <summary><c>VFIO_PCI_NUM_IRQS</c>.</summary>
    public const uint NumIrqs = 5;

    /// <summary>The most MSI vectors a function can have (multiple message capable: 32).</summary>
    public const uint MaxMsiVectors = 32;

    private static readonly PciInterrupts Default = new();

    private readonly Lock _lock = new();
    private readonly MsiInterrupt[] _msi;
    private uint? _active;

    /// <summary>INTx and one MSI vector, as most emulated devices.</summary>
    public PciInterrupts()
        : this(intx: true, msiVectors: 1)
    {
    }

    /// <summary>A chosen set of interrupts.</summary>
    /// <param name="intx">Whether the device has an INTx pin.</param>
    /// <param name="msiVectors">How many MSI vectors it has: 0 (no MSI) to 32, a power of two (the MSI capability's encoding).</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for a vector count MSI cannot encode.</exception>
    public PciInterrupts(bool intx, uint msiVectors)
    {
        if (msiVectors > MaxMsiVectors || (msiVectors & (msiVectors - 1)) != 0)
        {
            throw new MdevException(Errno.EINVAL, $"PCI interrupts: {msiVectors} MSI vectors; MSI has 0, 1, 2, 4, 8, 16 or 32");
        }

        HasIntx = intx;
        _msi = new MsiInterrupt[Math.Max(msiVectors, 1)];
        for (int i = 0; i < _msi.Length; i++)
        {
            _msi[i] = new MsiInterrupt();
        }

        MsiVectorCount = msiVectors;
    }

    /// <summary>Whether the device has an INTx pin.</summary>
    public bool HasIntx { get; }

    /// <summary>How many MSI vectors the device has (0 for none).</summary>
    public uint MsiVectorCount { get; }

    /// <summary>The INTx line.</summary>
    public IntxInterrupt Intx { get; } = new();

    /// <summary>MSI vector 0.</summary>
    public MsiInterrupt Msi => _msi[0];

    /// <summary>Every MSI vector (empty when the device has no MSI).</summary>
    public IReadOnlyList<MsiInterrupt> MsiVectors => MsiVectorCount == 0 ? [] : _msi;

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

    /// <summary><c>VFIO_DEVICE_GET_IRQ_INFO</c> for a PCI device with INTx and one MSI vector (the default configuration).</summary>
    /// <param name="index">The IRQ index.</param>
    /// <returns>The info.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for an index past <see cref="NumIrqs"/>.</exception>
    public static VfioIrqInfo GetIrqInfo(uint index) => Default.Info(index);

    /// <summary><c>VFIO_DEVICE_GET_IRQ_INFO</c> for this configuration: INTx EVENTFD|MASKABLE|AUTOMASKED with count 1, MSI EVENTFD|NORESIZE with its vector count, count 0 for what the device lacks.</summary>
    /// <param name="index">The IRQ index.</param>
    /// <returns>The info.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for an index past <see cref="NumIrqs"/>.</exception>
    public VfioIrqInfo Info(uint index) => index switch
    {
        IntxIndex when HasIntx => new(index, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked, 1),
        MsiIndex when MsiVectorCount > 0 => new(index, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.NoResize, MsiVectorCount),
        IntxIndex or MsiIndex => new(index, index == IntxIndex ? VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked : VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.NoResize, 0),
        < NumIrqs => new(index, VfioIrqInfoFlags.None, 0),
        _ => throw new MdevException(Errno.EINVAL, $"irq info {index}: not below VFIO_PCI_NUM_IRQS {NumIrqs}"),
    };

    /// <summary>Raises the enabled interrupt (INTx honours its mask; MSI fires vector 0). Returns whether an eventfd was signalled.</summary>
    /// <returns>Whether the interrupt reached an eventfd.</returns>
    public bool Raise() => Raise(0);

    /// <summary>Raises MSI vector <paramref name="vector"/> when MSI is enabled, else INTx when it is (the vector is then ignored).</summary>
    /// <param name="vector">The MSI vector.</param>
    /// <returns>Whether the interrupt reached an eventfd.</returns>
    public bool Raise(uint vector)
    {
        lock (_lock)
        {
            return _active switch
            {
                IntxIndex => Intx.Raise(),
                MsiIndex => vector < MsiVectorCount && _msi[vector].Raise(),
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
            UnbindMsi();
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

        if (request.Count == 0 || (index == IntxIndex && (request.Start != 0 || request.Count != 1)))
        {
            throw new MdevException(Errno.EINVAL, $"set irqs: index {index} start {request.Start} count {request.Count} is not a block of its interrupts");
        }

        if (request.DataType == VfioIrqSetFlags.DataEventFd)
        {
            if (index == IntxIndex)
            {
                if (request.EventFds[0] is not { } trigger)
                {
                    Unbind(index);
                    return;
                }

                Intx.Bind(trigger);
                _active = index;
                return;
            }

            // vfio_msi_set_block: each vector of the block gets its eventfd (a null one unbinds that vector).
            for (uint i = 0; i < request.Count; i++)
            {
                _msi[request.Start + i].Bind(request.EventFds[(int)i]);
            }

            _active = _msi.Any(v => v.Trigger is not null) ? index : null;
            return;
        }

        // NONE, or BOOL true per interrupt: a loop-back test of an enabled interrupt.
        if (_active != index)
        {
            return;
        }

        for (uint i = 0; i < request.Count; i++)
        {
            if (request.DataType == VfioIrqSetFlags.DataNone || request.Bools[(int)i])
            {
                _ = index == IntxIndex ? Intx.Raise() : _msi[request.Start + i].Raise();
            }
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
            UnbindMsi();
        }

        _active = null;
    }

    private void UnbindMsi()
    {
        foreach (var vector in _msi)
        {
            vector.Bind(null);
        }
    }
}
