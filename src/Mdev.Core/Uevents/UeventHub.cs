namespace Mdev.Core;

/// <summary>Numbers and delivers uevents. Its lock makes one batch (e.g. a create's add + bind) contiguous and ordered.</summary>
/// <remarks>
/// A thread may hold its publishes back in a list (<see cref="Capture"/>): a probe or remove of an mdev whose own
/// <c>add</c> is not out yet, so the class devices the probe makes (the VFIO group's <c>vfio/N</c>, <c>vfio-dev/vfioX</c>)
/// are announced after the mdev's <c>add</c>, in the kernel's order.
/// </remarks>
internal sealed class UeventHub
{
    // The list this thread's publishes to this hub go to instead of the listeners; null when none.
    [ThreadStatic]
    private static List<PendingUevent>? t_captured;

    [ThreadStatic]
    private static UeventHub? t_capturingHub;

    private readonly Lock _lock = new();
    private UeventListener[] _listeners = [];
    private ulong _sequence;

    public UeventListener Subscribe(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var listener = new UeventListener(capacity, Unsubscribe);
        lock (_lock)
        {
            _listeners = [.. _listeners, listener];
        }

        return listener;
    }

    /// <summary>
    /// Until the scope is disposed, this thread's publishes to this hub are appended to <paramref name="into"/> instead
    /// of being sent (a null list captures nothing). Scopes do not nest: the caller holds the mdev's binding lock.
    /// </summary>
    public CaptureScope Capture(List<PendingUevent>? into)
    {
        if (into is null)
        {
            return default;
        }

        var previous = (t_captured, t_capturingHub);
        (t_captured, t_capturingHub) = (into, this);
        return new CaptureScope(previous.t_captured, previous.t_capturingHub);
    }

    public void Publish(IReadOnlyList<PendingUevent> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        if (t_captured is { } captured && ReferenceEquals(t_capturingHub, this))
        {
            captured.AddRange(batch);
            return;
        }

        lock (_lock)
        {
            foreach (var pending in batch)
            {
                var seq = ++_sequence;
                var env = new List<KeyValuePair<string, string>>(6)
                {
                    new("ACTION", pending.Action.ToString().ToLowerInvariant()),
                    new("DEVPATH", pending.DevPath),
                    new("SUBSYSTEM", pending.Subsystem),
                };
                // kobject_uevent_env: the caller's variables (MDEV_STATE, SYNTH_*) come before dev_uevent's DRIVER.
                if (pending.Extra is { } extra)
                {
                    env.AddRange(extra);
                }

                if (pending.Driver is not null)
                {
                    env.Add(new("DRIVER", pending.Driver));
                }

                env.Add(new("SEQNUM", seq.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                var uevent = new Uevent(pending.Action, pending.DevPath, pending.Subsystem, seq, env);
                foreach (var listener in _listeners)
                {
                    listener.Offer(uevent);
                }
            }
        }
    }

    public void Publish(PendingUevent single) => Publish([single]);

    private void Unsubscribe(UeventListener listener)
    {
        lock (_lock)
        {
            _listeners = _listeners.Where(l => l != listener).ToArray();
        }
    }

    /// <summary>Ends a <see cref="Capture"/>, restoring what the thread captured into before.</summary>
    internal readonly struct CaptureScope(List<PendingUevent>? previous, UeventHub? previousHub) : IDisposable
    {
        private readonly bool _active = true;

        public void Dispose()
        {
            if (_active)
            {
                (t_captured, t_capturingHub) = (previous, previousHub);
            }
        }
    }
}
