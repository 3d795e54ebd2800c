using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace Mdev.Core.Sysfs;

/// <summary>A sysfs directory: a kobject, an attribute group or a kset.</summary>
/// <remarks>
/// Listings are in ordinal name order, so they are deterministic. A small directory (most of them: a device's own
/// directory, <c>power/</c>, an IOMMU group) holds its children in one sorted array (binary search, 8 bytes an
/// entry); a directory that grows past <see cref="LargeThreshold"/> entries (<c>/sys/bus/mdev/devices</c>, a type's
/// <c>devices/</c>) moves them once to a hash map (O(1) lookups, also by a span of the path, so resolving allocates
/// nothing), whose sorted listing is built on the first readdir after a change and kept until the next one. A
/// directory may also hold a <see cref="SysfsTemplate"/> with an owner: the template's entries are its children too,
/// but each becomes a node (and moves into the children) only when it is first looked up, or never. All members are
/// guarded by <see cref="SysfsTree"/>'s lock (a lookup may make a node).
/// </remarks>
internal sealed class SysfsDirectoryNode(string name) : SysfsNode(name)
{
    /// <summary>The entry count above which the children move from the sorted array to a sorted map.</summary>
    internal const int LargeThreshold = 32;

    private SysfsNode[]? _small;
    private LargeChildren? _large;
    private SysfsTemplate? _template;
    private object? _templateOwner;
    private int _smallCount;

    // Bit i: entry i of _template is a child that no lookup has made a node of yet.
    private uint _pending;

    public override SysfsNodeKind Kind => SysfsNodeKind.Directory;

    /// <summary>The number of children (template entries not yet made included).</summary>
    public int ChildCount => (_large?.Map.Count ?? _smallCount) + BitOperations.PopCount(_pending);

    /// <summary>
    /// Gives the directory <paramref name="template"/>'s entries as children of <paramref name="owner"/> (made on first
    /// lookup); the caller has checked that none of their names is taken. A directory holds one template at a time:
    /// adding the same one again (after its entries were removed) is fine, another one only once none is pending.
    /// </summary>
    public void SetTemplate(SysfsTemplate template, object owner)
    {
        if (_pending != 0 && (!ReferenceEquals(template, _template) || !ReferenceEquals(owner, _templateOwner)))
        {
            throw new InvalidOperationException($"sysfs: {Name} holds another template's entries");
        }

        _template = template;
        _templateOwner = owner;
        _pending |= template.AllEntries;
    }

    /// <summary>Whether a template entry called <paramref name="childName"/> is pending (not made yet).</summary>
    public bool IsPending(ReadOnlySpan<char> childName) => PendingIndex(childName) >= 0;

    /// <summary>Removes the pending template entry called <paramref name="childName"/> without making it; false when there is none.</summary>
    public bool TryRemovePending(ReadOnlySpan<char> childName)
    {
        int i = PendingIndex(childName);
        if (i < 0)
        {
            return false;
        }

        _pending &= ~(1u << i);
        return true;
    }

    /// <summary>The child called <paramref name="childName"/>, or false.</summary>
    public bool TryGetChild(string childName, [NotNullWhen(true)] out SysfsNode? child) => TryGetChild(childName.AsSpan(), out child);

    /// <summary>The child called <paramref name="childName"/> (a span of a path), or false; makes a pending template entry's node.</summary>
    public bool TryGetChild(ReadOnlySpan<char> childName, [NotNullWhen(true)] out SysfsNode? child)
    {
        if (_large is not null)
        {
            if (_large.BySpan.TryGetValue(childName, out child))
            {
                return true;
            }
        }
        else
        {
            int i = IndexOf(childName);
            if (i >= 0)
            {
                child = _small![i];
                return true;
            }
        }

        int p = PendingIndex(childName);
        if (p < 0)
        {
            child = null;
            return false;
        }

        // First lookup of a template entry: its node from now on (until removed), so its identity is stable.
        _pending &= ~(1u << p);
        child = _template!.Entries[p].Create(_templateOwner!, this);
        child.Parent = this;
        AddChild(child);
        return true;
    }

    /// <summary>Whether a child called <paramref name="childName"/> exists.</summary>
    public bool ContainsChild(string childName) =>
        (_large?.Map.ContainsKey(childName) ?? IndexOf(childName) >= 0) || PendingIndex(childName) >= 0;

    /// <summary>Adds <paramref name="child"/> under its own name; the caller has checked that the name is free.</summary>
    public void AddChild(SysfsNode child)
    {
        if (_large is not null)
        {
            _large.Map.Add(child.Name, child);
            _large.Sorted = null;
            return;
        }

        int i = IndexOf(child.Name);
        if (i >= 0)
        {
            throw new InvalidOperationException($"duplicate child {child.Name}");
        }

        if (_smallCount == LargeThreshold)
        {
            var large = new LargeChildren();
            for (int k = 0; k < _smallCount; k++)
            {
                large.Map.Add(_small![k].Name, _small[k]);
            }

            large.Map.Add(child.Name, child);
            _large = large;
            _small = null;
            _smallCount = 0;
            return;
        }

        i = ~i;
        if (_small is null)
        {
            _small = new SysfsNode[4];
        }
        else if (_smallCount == _small.Length)
        {
            Array.Resize(ref _small, Math.Min(_small.Length * 2, LargeThreshold));
        }

        Array.Copy(_small, i, _small, i + 1, _smallCount - i);
        _small[i] = child;
        _smallCount++;
    }

    /// <summary>Removes the child called <paramref name="childName"/> (a node or a pending template entry); returns whether it was there.</summary>
    public bool RemoveChild(string childName)
    {
        if (_large is not null)
        {
            _large.Sorted = null;
            return _large.Map.Remove(childName) || TryRemovePending(childName);
        }

        int i = IndexOf(childName);
        if (i < 0)
        {
            return TryRemovePending(childName);
        }

        _smallCount--;
        Array.Copy(_small!, i + 1, _small!, i, _smallCount - i);
        _small![_smallCount] = null!;
        return true;
    }

    /// <summary>Calls <paramref name="action"/> on every child node (not on pending template entries, which no one holds); it must not add or remove children of this directory.</summary>
    public void ForEachChild(Action<SysfsNode> action)
    {
        if (_large is not null)
        {
            foreach (var child in _large.Map.Values)
            {
                action(child);
            }

            return;
        }

        for (int i = 0; i < _smallCount; i++)
        {
            action(_small![i]);
        }
    }

    /// <summary>The entries of a listing, in ordinal name order (pending template entries listed without making them).</summary>
    public SysfsDirectoryEntry[] ListEntries()
    {
        ReadOnlySpan<SysfsNode> children;
        if (_large is not null)
        {
            if (_large.Sorted is null)
            {
                var all = new SysfsNode[_large.Map.Count];
                _large.Map.Values.CopyTo(all, 0);
                Array.Sort(all, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                _large.Sorted = all;
            }

            children = _large.Sorted;
        }
        else
        {
            children = _small.AsSpan(0, _smallCount);
        }

        var list = new SysfsDirectoryEntry[children.Length + BitOperations.PopCount(_pending)];
        int n = 0;
        if (_pending == 0)
        {
            for (; n < children.Length; n++)
            {
                list[n] = new SysfsDirectoryEntry(children[n].Name, children[n].Kind);
            }

            return list;
        }

        // Merge the two ordinal-ordered runs: the nodes and the pending entries.
        var entries = _template!.Entries;
        int c = 0, e = 0;
        while (c < children.Length || e < entries.Length)
        {
            if (e < entries.Length && (_pending & (1u << e)) == 0)
            {
                e++;
                continue;
            }

            if (e < entries.Length && (c == children.Length || string.CompareOrdinal(entries[e].Name, children[c].Name) < 0))
            {
                list[n++] = new SysfsDirectoryEntry(entries[e].Name, entries[e].Kind);
                e++;
            }
            else
            {
                list[n++] = new SysfsDirectoryEntry(children[c].Name, children[c].Kind);
                c++;
            }
        }

        return list;
    }

    private int PendingIndex(ReadOnlySpan<char> childName)
    {
        if (_pending == 0)
        {
            return -1;
        }

        int i = _template!.IndexOf(childName);
        return i >= 0 && (_pending & (1u << i)) != 0 ? i : -1;
    }

    private int IndexOf(ReadOnlySpan<char> childName)
    {
        int lo = 0, hi = _smallCount - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            int c = _small![mid].Name.AsSpan().SequenceCompareTo(childName);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    /// <summary>The children of a directory past <see cref="LargeThreshold"/> entries (kept apart, so small directories do not carry its fields).</summary>
    private sealed class LargeChildren
    {
        public LargeChildren()
        {
            Map = new Dictionary<string, SysfsNode>(2 * LargeThreshold, StringComparer.Ordinal);
            BySpan = Map.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public Dictionary<string, SysfsNode> Map { get; }

        public Dictionary<string, SysfsNode>.AlternateLookup<ReadOnlySpan<char>> BySpan { get; }

        // The map's children in ordinal order, built by a listing and dropped by any change.
        public SysfsNode[]? Sorted { get; set; }
    }
}
