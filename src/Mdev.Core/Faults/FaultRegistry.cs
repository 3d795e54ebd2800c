namespace Mdev.Core;

/// <summary>
/// Faults on demand: makes chosen steps of one <see cref="MdevCore"/> (and the VFIO stack on it) fail with a chosen
/// errno, once, N times or until cleared, so tooling can be tested against the failures it meets on real hosts
/// (ENOSPC on create, EADDRINUSE on a vfio-ap attribute, EIO at VFIO open).
/// </summary>
/// <remarks>
/// <para>A failing step throws <see cref="MdevException"/> with the armed errno exactly where the kernel step would
/// fail, so every rollback of that operation runs and no state is left behind.</para>
/// <para>Locking: <c>_lock</c> guards the list of armed faults and their counters; it is a leaf lock (taken under core
/// locks, never taking one), held only to match and count. When nothing is armed at a point, the check there is one
/// volatile read of a bit mask: the I/O path does not slow down.</para>
/// </remarks>
public sealed class FaultRegistry
{
    private readonly Lock _lock = new();
    private readonly List<Fault> _armed = [];
    private volatile int _mask;
    private int _nextId;

    /// <summary>The faults armed now, in arming order.</summary>
    public IReadOnlyList<Fault> Armed
    {
        get
        {
            lock (_lock)
            {
                return _armed.ToArray();
            }
        }
    }

    /// <summary>Arms a fault: from now on the matching steps fail with <see cref="FaultSpec.Errno"/>.</summary>
    /// <param name="spec">What to make fail.</param>
    /// <returns>The armed fault (its <see cref="Fault.Id"/> clears it).</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for a spec that cannot match (see <see cref="FaultSpec"/>); nothing is armed.</exception>
    public Fault Arm(FaultSpec spec)
    {
        if (spec is null)
        {
            throw new MdevException(Errno.EINVAL, "fault: no spec");
        }

        spec.Validate();
        lock (_lock)
        {
            var fault = new Fault(++_nextId, spec);
            _armed.Add(fault);
            UpdateMaskLocked();
            return fault;
        }
    }

    /// <summary>Disarms the fault with id <paramref name="id"/>.</summary>
    /// <param name="id">The fault's id.</param>
    /// <returns>True when it was armed.</returns>
    public bool Clear(int id)
    {
        lock (_lock)
        {
            int i = _armed.FindIndex(f => f.Id == id);
            if (i < 0)
            {
                return false;
            }

            _armed[i].IsArmed = false;
            _armed.RemoveAt(i);
            UpdateMaskLocked();
            return true;
        }
    }

    /// <summary>Disarms every fault (at <paramref name="point"/> only, when given).</summary>
    /// <param name="point">The point to clear; null for all.</param>
    /// <returns>How many faults were disarmed.</returns>
    public int ClearAll(FaultPoint? point = null)
    {
        lock (_lock)
        {
            var doomed = _armed.Where(f => point is null || f.Spec.Point == point).ToArray();
            foreach (var fault in doomed)
            {
                fault.IsArmed = false;
                _armed.Remove(fault);
            }

            UpdateMaskLocked();
            return doomed.Length;
        }
    }

    /// <summary>True when some fault is armed at <paramref name="point"/>: one volatile read.</summary>
    internal bool IsArmed(FaultPoint point) => (_mask & (1 << (int)point)) != 0;

    /// <summary>Fails the step at <paramref name="site"/> when a fault there is armed (the oldest matching one fires).</summary>
    /// <param name="point">The step.</param>
    /// <param name="site">Where it runs.</param>
    /// <param name="what">The operation, for the message (<c>create on mtty-2</c>).</param>
    /// <exception cref="MdevException">The armed errno.</exception>
    internal void Check(FaultPoint point, in FaultSite site, string what)
    {
        if (!IsArmed(point))
        {
            return;
        }

        Fault? fired = null;
        lock (_lock)
        {
            foreach (var fault in _armed)
            {
                if (fault.Spec.Point == point && fault.Spec.Matches(site))
                {
                    fired = fault;
                    break;
                }
            }

            if (fired is not null && fired.Fire())
            {
                fired.IsArmed = false;
                _armed.Remove(fired);
                UpdateMaskLocked();
            }
        }

        if (fired is not null)
        {
            throw new MdevException(fired.Spec.Errno, $"{what}: injected fault #{fired.Id} at {FaultSpec.PointName(point)}");
        }
    }

    private void UpdateMaskLocked()
    {
        int mask = 0;
        foreach (var fault in _armed)
        {
            mask |= 1 << (int)fault.Spec.Point;
        }

        _mask = mask;
    }
}
