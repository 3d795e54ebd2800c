namespace Mdev.Vfio.Pci;

/// <summary>An edge MSI vector: bound to an eventfd by SET_IRQS (TRIGGER|EVENTFD), never masked by firing.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class MsiInterrupt
{
    private EventFd? _trigger;
    private long _fired;

    /// <summary>The bound eventfd, or null.</summary>
    public EventFd? Trigger => Volatile.Read(ref _trigger);

    /// <summary>How many times the vector has signalled its eventfd.</summary>
    public long Fired => Interlocked.Read(ref _fired);

    /// <summary>Binds (or with null, unbinds) the eventfd.</summary>
    /// <param name="trigger">The eventfd.</param>
    public void Bind(EventFd? trigger) => Volatile.Write(ref _trigger, trigger);

    /// <summary>Fires the vector: signals the eventfd when bound.</summary>
    /// <returns>Whether the eventfd was signalled.</returns>
    public bool Raise()
    {
        var trigger = Volatile.Read(ref _trigger);
        if (trigger is null)
        {
            return false;
        }

        trigger.SignalFromKernel();
        Interlocked.Increment(ref _fired);
        return true;
    }
}
