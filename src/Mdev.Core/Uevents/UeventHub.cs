namespace Mdev.Core;

/// <summary>Numbers and delivers uevents. Its lock makes one batch (e.g. a create's add + bind) contiguous and ordered.</summary>
internal sealed class UeventHub
{
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

    public void Publish(IReadOnlyList<PendingUevent> batch)
    {
        if (batch.Count == 0)
        {
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
}
