using System.Diagnostics.CodeAnalysis;

namespace Mdev.Vfio;

/// <summary>
/// The live IOMMU groups by id. Ids come from <see cref="IdAllocator"/> (the smallest free one, as the kernel's IDA),
/// so they are dense: a list indexed by id finds a group in O(1), with no tree node per group and no pointer chase
/// through one (a sorted tree of 100,000 groups is 17 cache misses a lookup), and lists them in id order in O(highest
/// id), which dense ids keep near O(n). Not thread-safe: guarded by <see cref="VfioModule"/>'s lock.
/// </summary>
internal sealed class IommuGroupTable
{
    private readonly List<IommuGroup?> _byId = [];
    private int _count;

    /// <summary>Adds <paramref name="group"/> at its id, which must be free.</summary>
    public void Add(IommuGroup group)
    {
        while (_byId.Count <= group.Id)
        {
            _byId.Add(null);
        }

        if (_byId[group.Id] is not null)
        {
            throw new InvalidOperationException($"iommu group {group.Id} is already in the table");
        }

        _byId[group.Id] = group;
        _count++;
    }

    /// <summary>The group with id <paramref name="id"/>, or false.</summary>
    public bool TryGetValue(int id, [NotNullWhen(true)] out IommuGroup? group)
    {
        group = (uint)id < (uint)_byId.Count ? _byId[id] : null;
        return group is not null;
    }

    /// <summary>Removes the group with id <paramref name="id"/>; returns whether it was there.</summary>
    public bool Remove(int id)
    {
        if ((uint)id >= (uint)_byId.Count || _byId[id] is null)
        {
            return false;
        }

        _byId[id] = null;
        _count--;
        while (_byId.Count > 0 && _byId[^1] is null)
        {
            _byId.RemoveAt(_byId.Count - 1);
        }

        return true;
    }

    /// <summary>Every group, in id order.</summary>
    public IommuGroup[] ToArray()
    {
        var all = new IommuGroup[_count];
        int n = 0;
        foreach (var group in _byId)
        {
            if (group is not null)
            {
                all[n++] = group;
            }
        }

        return all;
    }
}
