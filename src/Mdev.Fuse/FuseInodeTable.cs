using Mdev.Core.Sysfs;

namespace Mdev.Fuse;

/// <summary>
/// The FUSE node ids the kernel holds: one per tree node it has looked up, with the kernel's lookup count, until the
/// kernel forgets it. Ids are never reused (a node created again at a removed path is a new node with a new id), so
/// generation numbers stay 0. The root (<c>/sys</c>) is <see cref="RootId"/> and is never forgotten.
/// </summary>
/// <remarks>Thread-safe: one lock guards both maps and every count; nothing else runs under it.</remarks>
internal sealed class FuseInodeTable
{
    /// <summary><c>FUSE_ROOT_ID</c>.</summary>
    public const ulong RootId = 1;

    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Entry> _byId = [];
    private readonly Dictionary<SysfsNode, ulong> _byNode = new(ReferenceEqualityComparer.Instance);
    private ulong _lastId = RootId;

    public FuseInodeTable(SysfsNode root)
    {
        _byId[RootId] = new Entry(root) { Lookups = 1 };
        _byNode[root] = RootId;
    }

    /// <summary>How many node ids the kernel holds (the root included).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>The node behind <paramref name="id"/>, or null when the kernel forgot it (or never had it).</summary>
    public SysfsNode? Find(ulong id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var entry) ? entry.Node : null;
        }
    }

    /// <summary>The id the kernel holds for <paramref name="node"/>, if any.</summary>
    public bool TryGetId(SysfsNode node, out ulong id)
    {
        lock (_lock)
        {
            return _byNode.TryGetValue(node, out id);
        }
    }

    /// <summary>One more kernel reference to <paramref name="node"/> (a lookup answered); a new id on the first.</summary>
    public ulong Acquire(SysfsNode node)
    {
        lock (_lock)
        {
            if (!_byNode.TryGetValue(node, out var id))
            {
                id = ++_lastId;
                _byNode[node] = id;
                _byId[id] = new Entry(node);
            }

            _byId[id].Lookups++;
            return id;
        }
    }

    /// <summary>The kernel dropped <paramref name="count"/> references (<c>forget</c>); the id goes at zero.</summary>
    public void Forget(ulong id, ulong count)
    {
        lock (_lock)
        {
            if (id == RootId || !_byId.TryGetValue(id, out var entry))
            {
                return;
            }

            entry.Lookups = count >= entry.Lookups ? 0 : entry.Lookups - count;
            if (entry.Lookups == 0)
            {
                _byId.Remove(id);
                _byNode.Remove(entry.Node);
            }
        }
    }

    private sealed class Entry(SysfsNode node)
    {
        public SysfsNode Node { get; } = node;

        public ulong Lookups { get; set; }
    }
}
