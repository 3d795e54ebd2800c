namespace Mdev.Vfio;

/// <summary>
/// The kernel's IDA as <c>iommu_group_alloc</c> uses it (<c>ida_alloc(&amp;iommu_group_ida, GFP_KERNEL)</c>): hands out
/// the smallest free non-negative id in O(log n) and takes ids back with <see cref="Free"/>.
/// </summary>
/// <remarks>Not thread-safe: the owner's lock guards it (<see cref="VfioModule"/>'s).</remarks>
internal sealed class IdAllocator
{
    // Ids below _next that are free, smallest first; every id at or above _next is free.
    private readonly SortedSet<int> _holes = [];
    private int _next;

    /// <summary>Takes the smallest free id.</summary>
    public int Allocate()
    {
        if (_holes.Count > 0)
        {
            int id = _holes.Min;
            _holes.Remove(id);
            return id;
        }

        return _next++;
    }

    /// <summary>Returns an id taken with <see cref="Allocate"/>.</summary>
    public void Free(int id)
    {
        if (id == _next - 1)
        {
            // Shrink the range so the set stays as small as the live ids' gaps.
            _next--;
            while (_next > 0 && _holes.Remove(_next - 1))
            {
                _next--;
            }
        }
        else
        {
            _holes.Add(id);
        }
    }
}
