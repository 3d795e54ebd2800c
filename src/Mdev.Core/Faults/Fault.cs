namespace Mdev.Core;

/// <summary>An armed fault of a <see cref="FaultRegistry"/>: its spec, its id, how often it fired and how many failures it has left.</summary>
/// <remarks>Counters are read without a lock (each is one aligned field written under the registry's lock).</remarks>
public sealed class Fault
{
    private int _hits;
    private int _remaining;

    internal Fault(int id, FaultSpec spec)
    {
        Id = id;
        Spec = spec;
        _remaining = spec.Times ?? -1;
    }

    /// <summary>The registry's number for it (1, 2, ... in arming order), used to clear it.</summary>
    public int Id { get; }

    /// <summary>What it makes fail.</summary>
    public FaultSpec Spec { get; }

    /// <summary>How many attempts it has failed so far.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>How many more attempts it will fail; null when it fails until cleared.</summary>
    public int? Remaining => Spec.Times is null ? null : Volatile.Read(ref _remaining);

    /// <summary>True while it is armed (not cleared and not used up).</summary>
    public bool IsArmed { get; internal set; } = true;

    /// <summary>Takes one failure; returns true when that was the last one. Called under the registry's lock.</summary>
    internal bool Fire()
    {
        Volatile.Write(ref _hits, _hits + 1);
        if (_remaining < 0)
        {
            return false;
        }

        Volatile.Write(ref _remaining, _remaining - 1);
        return _remaining == 0;
    }

    /// <inheritdoc />
    public override string ToString() => $"fault #{Id} at {FaultSpec.PointName(Spec.Point)} ({Spec.Errno})";
}
