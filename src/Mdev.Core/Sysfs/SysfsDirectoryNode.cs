using System.Diagnostics.CodeAnalysis;

namespace Mdev.Core.Sysfs;

/// <summary>A sysfs directory: a kobject, an attribute group or a kset.</summary>
/// <remarks>
/// Listings are in ordinal name order, so they are deterministic. A small directory (most of them: a device's own
/// directory, <c>power/</c>, an IOMMU group) holds its children in one sorted array (binary search, 8 bytes an
/// entry); a directory that grows past <see cref="LargeThreshold"/> entries (<c>/sys/bus/mdev/devices</c>, a type's
/// <c>devices/</c>) moves them once to a hash map (O(1) lookups, also by a span of the path, so resolving allocates
/// nothing), whose sorted listing is built on the first readdir after a change and kept until the next one. All
/// members are guarded by <see cref="SysfsTree"/>'s lock.
/// </remarks>
internal sealed class SysfsDirectoryNode(string name) : SysfsNode(name)
{
    /// <summary>The entry count above which the children move from the sorted array to a sorted map.</summary>
    internal const int LargeThreshold = 32;

    private SysfsNode[]? _small;
    private int _smallCount;
    private Dictionary<string, SysfsNode>? _large;
    private Dictionary<string, SysfsNode>.AlternateLookup<ReadOnlySpan<char>> _largeBySpan;

    // The large map's children in ordinal order, built by a listing and dropped by any change.
    private SysfsNode[]? _sorted;

    public override SysfsNodeKind Kind => SysfsNodeKind.Directory;

    /// <summary>The number of children.</summary>
    public int ChildCount => _large?.Count ?? _smallCount;

    /// <summary>The child called <paramref name="childName"/>, or false.</summary>
    public bool TryGetChild(string childName, [NotNullWhen(true)] out SysfsNode? child) => TryGetChild(childName.AsSpan(), out child);

    /// <summary>The child called <paramref name="childName"/> (a span of a path), or false.</summary>
    public bool TryGetChild(ReadOnlySpan<char> childName, [NotNullWhen(true)] out SysfsNode? child)
    {
        if (_large is not null)
        {
            return _largeBySpan.TryGetValue(childName, out child);
        }

        int i = IndexOf(childName);
        child = i >= 0 ? _small![i] : null;
        return i >= 0;
    }

    /// <summary>Whether a child called <paramref name="childName"/> exists.</summary>
    public bool ContainsChild(string childName) => _large?.ContainsKey(childName) ?? IndexOf(childName) >= 0;

    /// <summary>Adds <paramref name="child"/> under its own name; the caller has checked that the name is free.</summary>
    public void AddChild(SysfsNode child)
    {
        if (_large is not null)
        {
            _large.Add(child.Name, child);
            _sorted = null;
            return;
        }

        int i = IndexOf(child.Name);
        if (i >= 0)
        {
            throw new InvalidOperationException($"duplicate child {child.Name}");
        }

        if (_smallCount == LargeThreshold)
        {
            _large = new Dictionary<string, SysfsNode>(2 * LargeThreshold, StringComparer.Ordinal);
            _largeBySpan = _large.GetAlternateLookup<ReadOnlySpan<char>>();
            for (int k = 0; k < _smallCount; k++)
            {
                _large.Add(_small![k].Name, _small[k]);
            }

            _large.Add(child.Name, child);
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

    /// <summary>Removes the child called <paramref name="childName"/>; returns whether it was there.</summary>
    public bool RemoveChild(string childName)
    {
        if (_large is not null)
        {
            _sorted = null;
            return _large.Remove(childName);
        }

        int i = IndexOf(childName);
        if (i < 0)
        {
            return false;
        }

        _smallCount--;
        Array.Copy(_small!, i + 1, _small!, i, _smallCount - i);
        _small![_smallCount] = null!;
        return true;
    }

    /// <summary>Calls <paramref name="action"/> on every child (which must not add or remove children of this directory).</summary>
    public void ForEachChild(Action<SysfsNode> action)
    {
        if (_large is not null)
        {
            foreach (var child in _large.Values)
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

    /// <summary>The entries of a listing, in ordinal name order.</summary>
    public SysfsDirectoryEntry[] ListEntries()
    {
        ReadOnlySpan<SysfsNode> children;
        if (_large is not null)
        {
            if (_sorted is null)
            {
                var all = new SysfsNode[_large.Count];
                _large.Values.CopyTo(all, 0);
                Array.Sort(all, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                _sorted = all;
            }

            children = _sorted;
        }
        else
        {
            children = _small.AsSpan(0, _smallCount);
        }

        var list = new SysfsDirectoryEntry[children.Length];
        for (int i = 0; i < children.Length; i++)
        {
            list[i] = new SysfsDirectoryEntry(children[i].Name, children[i].Kind);
        }

        return list;
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
}
