using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// Dirty page tracking (<c>VFIO_IOMMU_DIRTY_PAGES</c>, <c>vfio_iommu_type1_dirty_pages</c>, mainline; unchanged since
/// 5.8 apart from the iommufd split). Every group of an mdev-only container has the pinned-page dirty scope, so the
/// report is precise: a page is dirty when a vendor pinned it (pinned pages stay dirty at every report) or wrote it
/// with <see cref="Write"/> while tracking was on.
/// </summary>
public sealed partial class Type1Iommu
{
    /// <summary>Guarded by <see cref="_lock"/>.</summary>
    private bool _dirtyTracking;

    /// <summary>Whether dirty page tracking is on (<c>iommu-&gt;dirty_page_tracking</c>).</summary>
    public bool IsDirtyTracking
    {
        get
        {
            lock (_lock)
            {
                return _dirtyTracking;
            }
        }
    }

    /// <summary><c>VFIO_IOMMU_DIRTY_PAGES_FLAG_START</c>: every mapping gets a bitmap holding its pinned pages; a no-op when on.</summary>
    /// <exception cref="MdevException"><c>EACCES</c> in a v1 container.</exception>
    public void StartDirtyTracking()
    {
        RequireV2Dirty();
        lock (_lock)
        {
            if (!_dirtyTracking)
            {
                foreach (var mapping in _mappings)
                {
                    mapping.PopulateDirty();
                }

                _dirtyTracking = true;
            }
        }
    }

    /// <summary><c>VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP</c>: the bitmaps are dropped; a no-op when off.</summary>
    /// <exception cref="MdevException"><c>EACCES</c> in a v1 container.</exception>
    public void StopDirtyTracking()
    {
        RequireV2Dirty();
        lock (_lock)
        {
            _dirtyTracking = false;
            foreach (var mapping in _mappings)
            {
                mapping.Dirty = null;
            }
        }
    }

    /// <summary>
    /// <c>VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP</c>: one bit per page of <c>[iova, iova + size)</c> (bit <c>n</c> of
    /// little-endian 64-bit words is page <c>iova + n * pageSize</c>), then each reported mapping's bitmap holds only its
    /// pinned pages again (<c>vfio_iova_dirty_bitmap</c>).
    /// </summary>
    /// <param name="iova">The first IOVA, page aligned.</param>
    /// <param name="size">The length, a non-zero multiple of the page size.</param>
    /// <param name="pageSize">The bitmap's page size: only the smallest supported, 4096.</param>
    /// <param name="bitmap">At least <c>ALIGN(size / pageSize, 64) / 8</c> bytes; the bits of mapped pages are overwritten.</param>
    /// <exception cref="MdevException">
    /// <c>EACCES</c> in a v1 container; <c>EINVAL</c> for a range that overflows, a bitmap too small or over
    /// <see cref="VfioContainer.MaxDirtyBitmapSize"/>, a page size other than 4096, an unaligned or empty range, tracking off, or a
    /// range that bisects a mapping. Nothing changed then.
    /// </exception>
    public void GetDirtyBitmap(ulong iova, ulong size, ulong pageSize, Memory<byte> bitmap) =>
        GetDirtyBitmap(iova, size, pageSize, (ulong)bitmap.Length, () => bitmap);

    /// <summary>GET_BITMAP with the caller's bitmap reached only after every check (<c>copy_to_user</c> comes last: <c>EFAULT</c>).</summary>
    internal void GetDirtyBitmap(ulong iova, ulong size, ulong pageSize, ulong bitmapLength, Func<Memory<byte>> resolveBitmap)
    {
        RequireV2Dirty();
        if (iova + size < iova)
        {
            throw DirtyError(iova, size, "the range wraps past 2^64");
        }

        // verify_bitmap_size(size >> __ffs(pgsize), bitmap.size)
        ulong pages = pageSize == 0 ? 0 : size >> System.Numerics.BitOperations.TrailingZeroCount(pageSize);
        ulong needed = (pages + 63) / 64 * 8;
        if (pages == 0 || bitmapLength == 0 || bitmapLength > VfioContainer.MaxDirtyBitmapSize || bitmapLength < needed)
        {
            throw DirtyError(iova, size, $"a {bitmapLength}-byte bitmap does not fit {pages} pages (needs {needed}, at most {VfioContainer.MaxDirtyBitmapSize})");
        }

        if (pageSize != PageSize)
        {
            throw DirtyError(iova, size, $"bitmap page size {pageSize} is not the smallest supported, {PageSize}");
        }

        if ((iova & PageOffsetMask) != 0 || (size & PageOffsetMask) != 0)
        {
            throw DirtyError(iova, size, "iova and size must be 4 KiB aligned");
        }

        lock (_lock)
        {
            if (!_dirtyTracking)
            {
                throw DirtyError(iova, size, "dirty page tracking is not started");
            }

            ulong last = iova + size - 1;
            if (FindContaining(iova) is { } head && head.Iova != iova)
            {
                throw DirtyError(iova, size, $"the range bisects the mapping at iova 0x{head.Iova:x}");
            }

            if (FindContaining(last) is { } tail && tail.Last != last)
            {
                throw DirtyError(iova, size, $"the range bisects the mapping at iova 0x{tail.Iova:x}");
            }

            var bitmap = resolveBitmap().Span;
            for (int i = LowerBound(iova); i < _mappings.Count && _mappings[i].Iova <= last; i++)
            {
                // update_user_bitmap: the mapping's bits are copied as whole 64-bit words; bits below its first page in
                // the first word keep what the caller had (the leftover), bits past its last page in the last word are 0.
                var mapping = _mappings[i];
                ulong first = (mapping.Iova - iova) / PageSize, end = first + (mapping.Size / PageSize);
                for (ulong bit = first; bit < (end + 63) / 64 * 64 && bit / 8 < (ulong)bitmap.Length; bit++)
                {
                    bool dirty = bit < end && mapping.Dirty!.Contains(mapping.Iova + ((bit - first) * PageSize));
                    byte mask = (byte)(1 << (int)(bit % 8));
                    bitmap[(int)(bit / 8)] = dirty ? (byte)(bitmap[(int)(bit / 8)] | mask) : (byte)(bitmap[(int)(bit / 8)] & ~mask);
                }

                mapping.PopulateDirty();
            }
        }
    }

    /// <summary>Marks the pages of <c>[iova, iova + length)</c> in <paramref name="mapping"/> dirty while tracking (lock held).</summary>
    private static void MarkDirty(DmaMapping mapping, ulong iova, int length)
    {
        if (mapping.Dirty is not { } dirty || length == 0)
        {
            return;
        }

        for (ulong page = iova & ~PageOffsetMask; page <= iova + (ulong)length - 1; page += PageSize)
        {
            dirty.Add(page);
        }
    }

    private void RequireV2Dirty()
    {
        if (!IsV2)
        {
            throw new MdevException(Errno.EACCES, "dirty pages: a type1 v1 container does not track dirty pages");
        }
    }

    private static MdevException DirtyError(ulong iova, ulong size, string rule) =>
        new(Errno.EINVAL, $"dirty pages get bitmap iova 0x{iova:x} size 0x{size:x}: {rule}");
}
