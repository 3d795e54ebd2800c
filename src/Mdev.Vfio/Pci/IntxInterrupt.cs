namespace Mdev.Vfio.Pci;

/// <summary>
/// A level INTx line as vfio-pci and the samples emulate it: bound to an eventfd by SET_IRQS (TRIGGER|EVENTFD),
/// auto-masked when it fires (the VMM unmasks with SET_IRQS UNMASK once the guest has handled it), maskable.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class IntxInterrupt
{
    private readonly Lock _lock = new();
    private EventFd? _trigger;
    private bool _masked;

    /// <summary>The bound eventfd, or null.</summary>
    public EventFd? Trigger
    {
        get
        {
            lock (_lock)
            {
                return _trigger;
            }
        }
    }

    /// <summary>Whether the line is masked.</summary>
    public bool IsMasked
    {
        get
        {
            lock (_lock)
            {
                return _masked;
            }
        }
    }

    /// <summary>How many times the line has signalled its eventfd.</summary>
    public long Fired { get; private set; }

    /// <summary>Binds (or with null, unbinds) the eventfd and unmasks the line.</summary>
    /// <param name="trigger">The eventfd.</param>
    public void Bind(EventFd? trigger)
    {
        lock (_lock)
        {
            _trigger = trigger;
            _masked = false;
        }
    }

    /// <summary>Raises the line: signals the eventfd unless masked or unbound, then auto-masks.</summary>
    /// <returns>Whether the eventfd was signalled.</returns>
    public bool Raise()
    {
        lock (_lock)
        {
            if (_trigger is null || _masked)
            {
                return false;
            }

            _trigger.SignalFromKernel();
            _masked = true;
            Fired++;
            return true;
        }
    }

    /// <summary>Masks the line (SET_IRQS MASK).</summary>
    public void Mask()
    {
        lock (_lock)
        {
            _masked = true;
        }
    }

    /// <summary>Unmasks the line (SET_IRQS UNMASK).</summary>
    public void Unmask()
    {
        lock (_lock)
        {
            _masked = false;
        }
    }
}
