using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// A flat region layout, as mdpy and mbochs use instead of <c>index &lt;&lt; 40</c>: regions placed one after another at
/// page-aligned device-file offsets, in the order they are added, with the lookup from a file offset back to the
/// region. Build it once per device type; it is immutable once built and safe to share.
/// </summary>
public sealed class VfioFlatRegionLayout
{
    /// <summary>The alignment of every region's offset (PAGE_SIZE), so each can be mmapped.</summary>
    public const long PageSize = 4096;

    private readonly List<(uint Index, long Offset, long Size)> _regions = [];
    private long _next;

    /// <summary>The regions, in file-offset order.</summary>
    public IReadOnlyList<(uint Index, long Offset, long Size)> Regions => _regions;

    /// <summary>Places region <paramref name="index"/> of <paramref name="size"/> bytes at the next page-aligned offset.</summary>
    /// <param name="index">The region index (e.g. 7 for PCI config, 0 for BAR0, 9+ for device-specific ones).</param>
    /// <param name="size">The region's size in bytes (at least 1).</param>
    /// <returns>The region's file offset.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for a size below 1 or an index placed already.</exception>
    public long Add(uint index, long size)
    {
        if (size < 1 || _regions.Any(r => r.Index == index))
        {
            throw new MdevException(Errno.EINVAL, $"flat layout: region {index} of size {size} cannot be added");
        }

        long offset = _next;
        _regions.Add((index, offset, size));
        _next = offset + ((size + PageSize - 1) / PageSize * PageSize);
        return offset;
    }

    /// <summary>The file offset of region <paramref name="index"/>.</summary>
    /// <param name="index">The region index.</param>
    /// <returns>The offset.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> when the region is not in the layout.</exception>
    public long OffsetOf(uint index)
    {
        foreach (var r in _regions)
        {
            if (r.Index == index)
            {
                return r.Offset;
            }
        }

        throw new MdevException(Errno.EINVAL, $"flat layout: no region {index}");
    }

    /// <summary>Which region a file access falls in, and where inside it: the whole access must fit in the region.</summary>
    /// <param name="offset">The file offset.</param>
    /// <param name="length">The access length.</param>
    /// <param name="index">The region index.</param>
    /// <param name="offsetInRegion">The offset inside the region.</param>
    /// <returns>Whether the access lies inside one region.</returns>
    public bool TryFind(long offset, int length, out uint index, out long offsetInRegion)
    {
        foreach (var r in _regions)
        {
            if (offset >= r.Offset && offset - r.Offset + length <= r.Size)
            {
                index = r.Index;
                offsetInRegion = offset - r.Offset;
                return true;
            }
        }

        index = 0;
        offsetInRegion = 0;
        return false;
    }
}
