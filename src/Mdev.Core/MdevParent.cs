namespace Mdev.Core;

/// <summary>
/// A registered parent (<c>struct mdev_parent</c>): a <see cref="Core.Device"/> whose vendor driver (<see cref="ParentOps"/>)
/// offers mdev types. Created by <see cref="MdevCore.RegisterParent"/>.
/// </summary>
/// <remarks>
/// Locking: <see cref="_lock"/> (the parent's mutex and <c>unreg_sem</c> together) guards the child list, the
/// core-managed instance pool and the unregistration state. It is never held while calling vendor code.
/// </remarks>
public sealed class MdevParent
{
    private readonly Lock _lock = new();
    // Creation order; each device holds its own node, so removal is O(1).
    private readonly LinkedList<MdevDevice> _children = new();
    private int _poolAvailable;
    private int _operations;
    private bool _unregistering;
    private TaskCompletionSource? _drained;
    private TaskCompletionSource? _unregistered;

    internal MdevParent(Device device, ParentOps ops, ParentQuirks quirks)
    {
        Device = device;
        Ops = ops;
        Quirks = quirks;
        _poolAvailable = ops.MaxInstances;
        Types = ops.SupportedTypeGroups.Select(g => new MdevType(this, g)).ToArray();
    }

    /// <summary>The parent device.</summary>
    public Device Device { get; }

    /// <summary>The vendor driver's callbacks.</summary>
    public ParentOps Ops { get; }

    /// <summary>The quirks it shows, fixed at its registration (<see cref="MdevCore.SetParentQuirks"/>).</summary>
    public ParentQuirks Quirks { get; }

    /// <summary>The types it offers, in the vendor's order.</summary>
    public IReadOnlyList<MdevType> Types { get; }

    /// <summary>Its active mdev devices, in creation order.</summary>
    public IReadOnlyList<MdevDevice> Devices
    {
        get
        {
            lock (_lock)
            {
                return _children.ToArray();
            }
        }
    }

    /// <summary>The core-managed pool's free slots (<c>parent-&gt;available_instances</c>), shared by all types.</summary>
    public int PoolAvailable => Volatile.Read(ref _poolAvailable);

    /// <summary>True once unregistration has begun: creates and removes now fail with <c>ENODEV</c>.</summary>
    public bool IsUnregistering
    {
        get
        {
            lock (_lock)
            {
                return _unregistering;
            }
        }
    }

    /// <summary>Finds a type by directory name (<c>mtty-2</c>) or by id (<c>2</c>).</summary>
    /// <param name="name">The type's <see cref="MdevType.Name"/> or <see cref="MdevType.SysfsName"/>.</param>
    /// <returns>The type, or null.</returns>
    public MdevType? FindType(string name) =>
        Types.FirstOrDefault(t => t.Name == name) ?? Types.FirstOrDefault(t => t.SysfsName == name);

    /// <inheritdoc />
    public override string ToString() => Device.Name;

    internal IReadOnlyList<MdevDevice> DevicesOf(MdevType type)
    {
        lock (_lock)
        {
            return _children.Where(d => d.Type == type).ToArray();
        }
    }

    /// <summary>Takes a pool slot: <c>-EUSERS</c> when none is left.</summary>
    internal void TakePoolSlot(MdevType type)
    {
        lock (_lock)
        {
            if (_poolAvailable <= 0)
            {
                throw new MdevException(Errno.EUSERS, $"create on {type.Name}: no instances left on parent {Device.Name}");
            }

            _poolAvailable--;
        }
    }

    internal void ReturnPoolSlot()
    {
        lock (_lock)
        {
            _poolAvailable++;
        }
    }

    /// <summary><c>down_read_trylock(&amp;parent-&gt;unreg_sem)</c>: false once unregistration has begun.</summary>
    internal bool TryEnterOperation()
    {
        lock (_lock)
        {
            if (_unregistering)
            {
                return false;
            }

            _operations++;
            return true;
        }
    }

    /// <summary><c>up_read</c>.</summary>
    internal void ExitOperation()
    {
        TaskCompletionSource? drained = null;
        lock (_lock)
        {
            if (--_operations == 0 && _drained is not null)
            {
                drained = _drained;
                _drained = null;
            }
        }

        drained?.TrySetResult();
    }

    /// <summary>
    /// <c>down_write(&amp;parent-&gt;unreg_sem)</c>: marks the parent as going away. Returns true for the first caller, with a
    /// task that completes once every in-flight create/remove has left; later callers get false and
    /// <paramref name="drained"/> is the task that completes when the first caller's unregistration has finished.
    /// </summary>
    internal bool BeginUnregister(out Task drained)
    {
        lock (_lock)
        {
            if (_unregistered is not null)
            {
                drained = _unregistered.Task;
                return false;
            }

            _unregistering = true;
            _unregistered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_operations == 0)
            {
                drained = Task.CompletedTask;
            }
            else
            {
                _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                drained = _drained.Task;
            }

            return true;
        }
    }

    /// <summary>Signals that unregistration has finished (wakes concurrent unregister callers).</summary>
    internal void EndUnregister() => _unregistered?.TrySetResult();

    internal void AddChild(MdevDevice mdev)
    {
        lock (_lock)
        {
            mdev.ParentNode = _children.AddLast(mdev);
        }
    }

    internal void RemoveChild(MdevDevice mdev)
    {
        lock (_lock)
        {
            if (mdev.ParentNode is { List: not null } node)
            {
                _children.Remove(node);
            }

            mdev.ParentNode = null;
        }
    }
}
