using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Pci;

namespace Mdev.Samples.Mtty;

/// <summary>
/// mtty's interrupt state (<c>irq_index</c>, the INTx and MSI eventfds, <c>intx_mask</c>), its IRQ info and its
/// SET_IRQS rules (<c>mtty_set_irqs</c>), on the toolkit's <see cref="IntxInterrupt"/> (auto-masked) and
/// <see cref="MsiInterrupt"/>. The caller holds the device lock.
/// </summary>
internal sealed class MttyInterrupts(string device)
{
    public const uint IntxIndex = 0;
    public const uint MsiIndex = 1;
    public const uint NumIrqs = 5; // VFIO_PCI_NUM_IRQS: INTX, MSI, MSIX, ERR, REQ

    private const int NoIrq = -1;
    private readonly IntxInterrupt _intx = new();
    private readonly MsiInterrupt _msi = new();
    private int _irqIndex = NoIrq;

    private bool IsIntx => _irqIndex == IntxIndex;

    private bool IsMsi => _irqIndex == MsiIndex;

    /// <summary><c>mtty_get_irq_info</c>: INTx and MSI have one interrupt each; every other index is <c>EINVAL</c>.</summary>
    public static VfioIrqInfo Info(string device, uint index) => index switch
    {
        IntxIndex => new(index, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked, 1),
        MsiIndex => new(index, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.NoResize, 1),
        _ => throw new MdevException(Errno.EINVAL, $"irq info {index} on {device}: mtty has only INTX (0) and MSI (1)"),
    };

    /// <summary><c>mtty_trigger_interrupt</c>: the MSI eventfd in MSI mode; in INTx mode the eventfd unless masked, then auto-masked.</summary>
    public void Trigger()
    {
        if (IsMsi)
        {
            _msi.Raise();
        }
        else if (IsIntx)
        {
            _intx.Raise();
        }
    }

    /// <summary>SET_IRQS, after the common validation.</summary>
    public void Set(VfioIrqSet request)
    {
        switch (request.Index)
        {
            case IntxIndex:
                SetIntx(request);
                break;
            case MsiIndex:
                SetMsi(request);
                break;
            default: // MSIX, ERR, REQ
                throw new MdevException(Errno.ENOTTY, $"set irqs on {device}: index {request.Index} is not supported (only INTX and MSI)");
        }
    }

    /// <summary><c>close_device</c>: both eventfds dropped, no IRQ mode.</summary>
    public void DisableAll()
    {
        DisableIntx();
        DisableMsi();
    }

    private void SetIntx(VfioIrqSet request)
    {
        switch (request.Action)
        {
            case VfioIrqSetFlags.ActionMask or VfioIrqSetFlags.ActionUnmask:
                bool mask = request.Action == VfioIrqSetFlags.ActionMask;
                if (!IsIntx || request.Start != 0 || request.Count != 1)
                {
                    throw Invalid(request, "INTX MASK/UNMASK needs INTx mode, start 0 and count 1");
                }

                if (request.DataType == VfioIrqSetFlags.DataEventFd)
                {
                    throw new MdevException(Errno.ENOTTY, $"set irqs on {device}: INTX has no mask/unmask eventfd");
                }

                if (request.DataType == VfioIrqSetFlags.DataNone || request.Bools[0])
                {
                    if (mask)
                    {
                        _intx.Mask();
                    }
                    else
                    {
                        _intx.Unmask();
                    }
                }

                break;
            case VfioIrqSetFlags.ActionTrigger:
                if (IsIntx && request.Count == 0 && request.DataType == VfioIrqSetFlags.DataNone)
                {
                    DisableIntx();
                    return;
                }

                SetTrigger(request, IsIntx);
                break;
            default: // no action bit, or several: mtty falls through and returns 0
                break;
        }
    }

    private void SetMsi(VfioIrqSet request)
    {
        switch (request.Action)
        {
            case VfioIrqSetFlags.ActionMask or VfioIrqSetFlags.ActionUnmask:
                throw new MdevException(Errno.ENOTTY, $"set irqs on {device}: MSI cannot be masked or unmasked");
            case VfioIrqSetFlags.ActionTrigger:
                if (IsMsi && request.Count == 0 && request.DataType == VfioIrqSetFlags.DataNone)
                {
                    DisableMsi();
                    return;
                }

                SetTrigger(request, IsMsi);
                break;
            default:
                break;
        }
    }

    /// <summary>ACTION_TRIGGER shared by INTx and MSI: bind an eventfd (null = fd &lt; 0: stay disabled), or the loop-back test.</summary>
    private void SetTrigger(VfioIrqSet request, bool inMode)
    {
        if (!(inMode || _irqIndex == NoIrq) || request.Start != 0 || request.Count != 1)
        {
            throw Invalid(request, "TRIGGER needs this index's mode or none, start 0 and count 1");
        }

        if (request.DataType == VfioIrqSetFlags.DataEventFd)
        {
            Bind(request);
            return;
        }

        if (!inMode)
        {
            throw Invalid(request, "a loop-back trigger needs the index enabled");
        }

        if (request.DataType == VfioIrqSetFlags.DataNone || request.Bools[0])
        {
            Trigger();
        }
    }

    /// <summary>
    /// Drops the index's eventfd first, then resolves the new one (<c>eventfd_ctx_fdget</c>) and enters its mode: fd &lt; 0
    /// leaves the index disabled, and so does a bad descriptor (its <c>EBADF</c>/<c>EINVAL</c> comes after the disable).
    /// </summary>
    private void Bind(VfioIrqSet request)
    {
        bool intx = request.Index == IntxIndex;
        if (intx)
        {
            DisableIntx();
        }
        else
        {
            DisableMsi();
        }

        var eventFd = request.EventFds[0];
        if (eventFd is null)
        {
            return;
        }

        if (intx)
        {
            _intx.Bind(eventFd);
        }
        else
        {
            _msi.Bind(eventFd);
        }

        _irqIndex = (int)request.Index;
    }

    private void DisableIntx()
    {
        if (_intx.Trigger is not null)
        {
            _intx.Bind(null);
            _irqIndex = NoIrq;
        }
    }

    private void DisableMsi()
    {
        if (_msi.Trigger is not null)
        {
            _msi.Bind(null);
            _irqIndex = NoIrq;
        }
    }

    private MdevException Invalid(VfioIrqSet request, string rule) =>
        new(Errno.EINVAL, $"set irqs on {device}: index {request.Index} action 0x{(uint)request.Action:x} start {request.Start} count {request.Count} refused: {rule}");
}
