using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// The DMA state of a VFIO container after <c>VFIO_SET_IOMMU(VFIO_TYPE1_IOMMU / VFIO_TYPE1v2_IOMMU)</c> when every group
/// in it is an mdev (emulated IOMMU) group: the list of user mappings (<c>struct vfio_dma</c>), the pages vendor
/// drivers pinned in them, and DMA reads and writes on the device's behalf
/// (<c>drivers/vfio/vfio_iommu_type1.c</c>).
/// </summary>
/// <remarks>
/// <para>
/// Nothing is pinned at <see cref="Map"/> time (there is no IOMMU domain to program); vendors pin lazily with
/// <see cref="Pin"/>. The memory behind a mapping is the <see cref="Memory{T}"/> the caller passes to <see cref="Map"/>
/// (the guest RAM of the VMM), so <see cref="Read"/> and <see cref="Write"/> copy to and from it, and a single mapping
/// is at most <see cref="int.MaxValue"/> bytes rounded down to a page.
/// </para>
/// <para>
/// One lock (the kernel's <c>iommu-&gt;lock</c>) guards all state. <see cref="DmaUnmap"/> is invoked without it, because
/// the vendor calls <see cref="Unpin"/> from inside. Every operation that throws has left the state as it was.
/// </para>
/// </remarks>
public sealed partial class Type1Iommu
{
    /// <summary>The page size (<c>PAGE_SIZE</c>, 4 KiB): the granularity of mappings, pins and alignment.</summary>
    public const int PageSize = 4096;

    /// <summary>
    /// <c>iova_pgsizes</c> as <c>VFIO_IOMMU_GET_INFO</c> reports it for a container with only mdev groups:
    /// <c>PAGE_MASK</c>, every power of two from 4 KiB up.
    /// </summary>
    public const ulong PageSizeBitmap = 0xFFFF_FFFF_FFFF_F000;

    /// <summary>The default of the <c>dma_entry_limit</c> module parameter (<c>U16_MAX</c>).</summary>
    public const int DefaultDmaEntryLimit = 65535;

    /// <summary><c>VFIO_PIN_PAGES_MAX_ENTRIES</c> (<c>PAGE_SIZE / sizeof(unsigned long)</c>): the most pages one pin or unpin call takes.</summary>
    public const int PinPagesMaxEntries = 512;

    private const ulong PageOffsetMask = PageSize - 1;

    private readonly Lock _lock = new();

    /// <summary>Sorted by IOVA, never overlapping, so <see cref="DmaMapping.Last"/> is sorted too.</summary>
    private readonly List<DmaMapping> _mappings = [];

    /// <summary>Creates an empty container IOMMU.</summary>
    /// <param name="v2"><c>true</c> for <c>VFIO_TYPE1v2_IOMMU</c> (3), <c>false</c> for <c>VFIO_TYPE1_IOMMU</c> (1).</param>
    /// <param name="dmaEntryLimit">The most mappings the container may hold (<c>dma_entry_limit</c>); 0 allows none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dmaEntryLimit"/> is negative.</exception>
    public Type1Iommu(bool v2, int dmaEntryLimit = DefaultDmaEntryLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dmaEntryLimit);
        IsV2 = v2;
        DmaEntryLimit = dmaEntryLimit;
    }

    /// <summary>Whether this is the v2 interface (strict unmap, pinning allowed).</summary>
    public bool IsV2 { get; }

    /// <summary>The most mappings the container may hold.</summary>
    public int DmaEntryLimit { get; }

    /// <summary>
    /// The vendor's <c>dma_unmap</c> op (<c>VFIO_IOMMU_NOTIFY_DMA_UNMAP</c> in 2016 kernels): called with a mapping's
    /// IOVA and size before a mapping that has pinned pages is removed. The vendor must <see cref="Unpin"/> every page
    /// it pinned in that range before returning. Called without the IOMMU lock held, on the unmapping thread.
    /// </summary>
    public Action<ulong, ulong>? DmaUnmap { get; set; }

    /// <summary>
    /// The memory of the process outside .NET that owns the container (a served VMM): mappings without in-process
    /// backing reach it by vaddr instead of faulting. Set once, before the first mapping.
    /// </summary>
    internal IProcessMemory? ProcessMemory { get; init; }

    /// <summary>How many mappings exist.</summary>
    public int MappingCount
    {
        get
        {
            lock (_lock)
            {
                return _mappings.Count;
            }
        }
    }

    /// <summary>How many more mappings may be created: the <c>VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL</c> capability's <c>avail</c>.</summary>
    public int DmaAvailable
    {
        get
        {
            lock (_lock)
            {
                return DmaEntryLimit - _mappings.Count;
            }
        }
    }

    /// <summary>A snapshot of the mappings, sorted by IOVA.</summary>
    public IReadOnlyList<(ulong Iova, ulong Size)> Mappings
    {
        get
        {
            lock (_lock)
            {
                var snapshot = new (ulong Iova, ulong Size)[_mappings.Count];
                for (var i = 0; i < snapshot.Length; i++)
                {
                    snapshot[i] = (_mappings[i].Iova, _mappings[i].Size);
                }

                return snapshot;
            }
        }
    }

    /// <summary>Whether the mapping that contains <paramref name="iova"/> has any pinned page.</summary>
    /// <param name="iova">Any address inside the mapping.</param>
    /// <returns><c>false</c> as well when nothing is mapped at <paramref name="iova"/>.</returns>
    public bool HasPinnedPages(ulong iova)
    {
        lock (_lock)
        {
            return FindContaining(iova)?.HasPins == true;
        }
    }

    /// <summary>The pin reference count of the page that contains <paramref name="iova"/>.</summary>
    /// <param name="iova">Any address inside the page.</param>
    /// <returns>0 when the page is not pinned or not mapped.</returns>
    public int GetPinCount(ulong iova)
    {
        var page = iova & ~PageOffsetMask;
        lock (_lock)
        {
            return FindContaining(page)?.Pins?.GetValueOrDefault(page) ?? 0;
        }
    }

    /// <summary>
    /// <c>VFIO_IOMMU_MAP_DMA</c>: maps <c>[iova, iova + size)</c> for the device to the caller's memory
    /// <paramref name="backing"/>, which the process sees at <paramref name="vaddr"/>.
    /// </summary>
    /// <param name="vaddr">The process address of the memory (recorded, checked for alignment and wrap-around).</param>
    /// <param name="iova">The device address of the first byte.</param>
    /// <param name="size">The length in bytes.</param>
    /// <param name="flags"><see cref="DmaMapFlags.Read"/> and/or <see cref="DmaMapFlags.Write"/>.</param>
    /// <param name="backing">The memory behind the range; exactly <paramref name="size"/> bytes.</param>
    /// <remarks>
    /// Checks, in the kernel's order, each <see cref="Errno.EINVAL"/> unless noted: unknown flag bits; VADDR together with
    /// READ or WRITE, or none of the three; size zero; size, iova or vaddr not 4 KiB aligned; iova or vaddr range wraps
    /// past 2^64; then under the lock an overlap with an existing mapping (<see cref="Errno.EEXIST"/>); the container
    /// already holding <see cref="DmaEntryLimit"/> mappings (<see cref="Errno.ENOSPC"/>); and last this model's own rule
    /// that <paramref name="backing"/> is exactly <paramref name="size"/> bytes.
    /// <see cref="DmaMapFlags.Vaddr"/> alone (<c>VFIO_UPDATE_VADDR</c>) can only fail here, as in the kernel with an
    /// mdev present: vaddrs can never be invalidated (see <see cref="Unmap"/>), so it is <see cref="Errno.ENOENT"/> when
    /// nothing overlaps the range and <see cref="Errno.EINVAL"/> otherwise.
    /// </remarks>
    /// <exception cref="MdevException">One of the rules above; nothing was mapped.</exception>
    public void Map(ulong vaddr, ulong iova, ulong size, DmaMapFlags flags, Memory<byte> backing) =>
        MapCore(vaddr, iova, size, flags, backing, unbacked: false);

    /// <summary>
    /// A raw MAP_DMA whose vaddr the process has no memory behind: an mdev-only kernel container records it without
    /// touching the vaddr, and the fault comes later, at pin or DMA time, as <c>EFAULT</c>. Same rules as <see cref="Map(ulong, ulong, ulong, DmaMapFlags, Memory{byte})"/>.
    /// </summary>
    internal void MapUnbacked(ulong vaddr, ulong iova, ulong size, DmaMapFlags flags) =>
        MapCore(vaddr, iova, size, flags, Memory<byte>.Empty, unbacked: true);

    private void MapCore(ulong vaddr, ulong iova, ulong size, DmaMapFlags flags, Memory<byte> backing, bool unbacked)
    {
        const DmaMapFlags known = DmaMapFlags.Read | DmaMapFlags.Write | DmaMapFlags.Vaddr;
        const DmaMapFlags prot = DmaMapFlags.Read | DmaMapFlags.Write;

        if ((flags & ~known) != 0)
        {
            throw MapError(Errno.EINVAL, iova, size, $"unknown flags 0x{(uint)(flags & ~known):x}");
        }

        var setVaddr = (flags & DmaMapFlags.Vaddr) != 0;
        var hasProt = (flags & prot) != 0;
        if (hasProt && setVaddr)
        {
            throw MapError(Errno.EINVAL, iova, size, "VADDR cannot be combined with READ or WRITE");
        }

        if (!hasProt && !setVaddr)
        {
            throw MapError(Errno.EINVAL, iova, size, "neither READ nor WRITE is set");
        }

        if (size == 0)
        {
            throw MapError(Errno.EINVAL, iova, size, "size is zero");
        }

        if (((size | iova | vaddr) & PageOffsetMask) != 0)
        {
            throw MapError(Errno.EINVAL, iova, size, $"size, iova and vaddr 0x{vaddr:x} must be 4 KiB aligned");
        }

        var last = iova + size - 1;
        if (last < iova)
        {
            throw MapError(Errno.EINVAL, iova, size, "the iova range wraps past 2^64");
        }

        if (vaddr + size - 1 < vaddr)
        {
            throw MapError(Errno.EINVAL, iova, size, $"the vaddr range from 0x{vaddr:x} wraps past 2^64");
        }

        lock (_lock)
        {
            var index = LowerBound(iova);
            var overlap = index < _mappings.Count && _mappings[index].Iova <= last ? _mappings[index] : null;
            if (setVaddr)
            {
                throw overlap is null
                    ? MapError(Errno.ENOENT, iova, size, "VADDR: no mapping to update")
                    : MapError(Errno.EINVAL, iova, size, "VADDR: the mapping's vaddr was never invalidated (an mdev container refuses UNMAP with VADDR)");
            }

            if (overlap is not null)
            {
                throw MapError(Errno.EEXIST, iova, size, $"overlaps the mapping at iova 0x{overlap.Iova:x} size 0x{overlap.Size:x}");
            }

            if (_mappings.Count >= DmaEntryLimit)
            {
                throw MapError(Errno.ENOSPC, iova, size, $"the container already holds dma_entry_limit {DmaEntryLimit} mappings");
            }

            if (!unbacked && (ulong)backing.Length != size)
            {
                throw MapError(Errno.EINVAL, iova, size, $"the caller's memory is the wrong size: {backing.Length} bytes for a 0x{size:x}-byte mapping");
            }

            var mapping = new DmaMapping(iova, vaddr, size, flags & prot, backing);
            if (_dirtyTracking)
            {
                mapping.PopulateDirty(); // vfio_dma_do_map: vfio_dma_bitmap_alloc while tracking
            }

            _mappings.Insert(index, mapping);
        }
    }

    /// <summary>
    /// <c>VFIO_IOMMU_UNMAP_DMA</c>: removes the mappings in <c>[iova, iova + size)</c>, or all of them with
    /// <see cref="DmaUnmapFlags.All"/>.
    /// </summary>
    /// <param name="iova">The first device address; 0 with <see cref="DmaUnmapFlags.All"/>.</param>
    /// <param name="size">The length in bytes; 0 with <see cref="DmaUnmapFlags.All"/>.</param>
    /// <param name="flags">The unmap flags.</param>
    /// <returns>
    /// The bytes actually unmapped, the sum of the removed mappings' sizes (what the kernel writes back into
    /// <c>size</c>); 0 when nothing was mapped there.
    /// </returns>
    /// <remarks>
    /// <para>
    /// Argument checks, in the kernel's order, each <see cref="Errno.EINVAL"/> unless noted: unknown flag bits;
    /// GET_DIRTY_BITMAP together with ALL or VADDR; VADDR (<see cref="Errno.EBUSY"/>: the kernel refuses to invalidate
    /// vaddrs while an mdev is in the container); iova not 4 KiB aligned; with ALL, a non-zero iova or size; without it,
    /// size zero, size not aligned, or the range wrapping past 2^64; GET_DIRTY_BITMAP (dirty tracking is never started
    /// in this model).
    /// </para>
    /// <para>
    /// Type1 v1: the request is matched against the lowest mapping it touches. If that mapping starts below
    /// <paramref name="iova"/> the kernel stops at once, so nothing at all is removed and the result is 0, even when the
    /// request also covers later mappings. Otherwise every mapping whose first IOVA lies in the range is removed whole,
    /// including one that extends past the end of the request. Type1 v2: a request that starts or ends inside a mapping
    /// (bisects it) is <see cref="Errno.EINVAL"/> and removes nothing; ALL is never a bisection.
    /// </para>
    /// <para>
    /// Pinned pages: before anything is removed, each affected mapping that has pinned pages is reported once to
    /// <see cref="DmaUnmap"/> (without the lock), then the request is checked again from the start. If a reported
    /// mapping still has pinned pages, the call fails with <see cref="Errno.EBUSY"/> and nothing at all was removed: the
    /// kernel loops instead (and <c>BUG()</c>s after ten rounds on one mapping); this model refuses rather than hang, and
    /// is all-or-nothing. v1 containers cannot pin (<see cref="Pin"/> is <see cref="Errno.EACCES"/> there), so a v1
    /// unmap never waits on a vendor.
    /// </para>
    /// </remarks>
    /// <exception cref="MdevException">One of the rules above; nothing was unmapped.</exception>
    public ulong Unmap(ulong iova, ulong size, DmaUnmapFlags flags = DmaUnmapFlags.None)
    {
        var last = ValidateUnmap(iova, size, flags);
        var all = (flags & DmaUnmapFlags.All) != 0;
        List<DmaMapping>? notified = null;

        while (true)
        {
            List<DmaMapping>? toNotify = null;
            lock (_lock)
            {
                if (IsV2 && !all)
                {
                    var head = FindContaining(iova);
                    if (head is not null && head.Iova != iova)
                    {
                        throw UnmapError(Errno.EINVAL, iova, size, $"type1v2: the request bisects the mapping at iova 0x{head.Iova:x} size 0x{head.Size:x}");
                    }

                    var tail = FindContaining(last);
                    if (tail is not null && tail.Last != last)
                    {
                        throw UnmapError(Errno.EINVAL, iova, size, $"type1v2: the request bisects the mapping at iova 0x{tail.Iova:x} size 0x{tail.Size:x}");
                    }
                }

                var first = LowerBound(iova);
                if (!IsV2 && first < _mappings.Count && _mappings[first].Iova < iova)
                {
                    return 0; // v1: a request offset into a mapping unmaps nothing (the kernel's loop breaks).
                }

                var end = first;
                while (end < _mappings.Count && _mappings[end].Iova <= last)
                {
                    var mapping = _mappings[end++];
                    if (!mapping.HasPins)
                    {
                        continue;
                    }

                    if (notified?.Contains(mapping) == true)
                    {
                        throw UnmapError(
                            Errno.EBUSY,
                            iova,
                            size,
                            $"the vendor kept pages pinned in the mapping at iova 0x{mapping.Iova:x} size 0x{mapping.Size:x} after dma_unmap (nothing was unmapped)");
                    }

                    (toNotify ??= []).Add(mapping);
                }

                if (toNotify is null)
                {
                    ulong unmapped = 0;
                    for (var i = first; i < end; i++)
                    {
                        unmapped += _mappings[i].Size;
                    }

                    _mappings.RemoveRange(first, end - first);
                    return unmapped;
                }
            }

            // Like vfio_notify_dma_unmap: drop the lock, since the vendor unpins from inside the callback.
            var callback = DmaUnmap;
            notified ??= [];
            foreach (var mapping in toNotify)
            {
                notified.Add(mapping);
                callback?.Invoke(mapping.Iova, mapping.Size);
            }
        }
    }

    /// <summary>
    /// <c>vfio_pin_pages</c>: a vendor pins <paramref name="pageCount"/> consecutive pages from <paramref name="iova"/>.
    /// Pins are reference counted per page; a mapping with pinned pages makes <see cref="Unmap"/> call
    /// <see cref="DmaUnmap"/> first.
    /// </summary>
    /// <param name="iova">The first page's device address, 4 KiB aligned.</param>
    /// <param name="pageCount">1 to <see cref="PinPagesMaxEntries"/> pages.</param>
    /// <param name="write">Pin for device writes (<c>IOMMU_WRITE</c>, needs a WRITE mapping) instead of reads (<c>IOMMU_READ</c>, needs READ).</param>
    /// <remarks>
    /// Checks, in order: <paramref name="pageCount"/> zero or negative (<see cref="Errno.EINVAL"/>) or above
    /// <see cref="PinPagesMaxEntries"/> (<see cref="Errno.E2BIG"/>); <paramref name="iova"/> not page aligned
    /// (<see cref="Errno.EINVAL"/>); a v1 container (<see cref="Errno.EACCES"/>, the kernel pins for v2 only); then page by
    /// page, not mapped (<see cref="Errno.EINVAL"/>) or mapped without the needed permission (<see cref="Errno.EPERM"/>).
    /// All or nothing: on failure no page's count changed.
    /// </remarks>
    /// <exception cref="MdevException">One of the rules above.</exception>
    public void Pin(ulong iova, int pageCount, bool write)
    {
        ValidatePinArguments("pin", iova, pageCount);
        RequireV2("pin", iova, pageCount);
        var need = write ? DmaMapFlags.Write : DmaMapFlags.Read;
        lock (_lock)
        {
            for (var i = 0; i < pageCount; i++)
            {
                var page = iova + ((ulong)i * PageSize);
                var mapping = page < iova ? null : FindContaining(page);
                if (mapping is null)
                {
                    throw PinError(Errno.EINVAL, "pin", iova, pageCount, $"page 0x{page:x} is not mapped");
                }

                if (mapping.Backing.IsEmpty && ProcessMemory is null)
                {
                    throw PinError(Errno.EFAULT, "pin", iova, pageCount, $"page 0x{page:x} has no process memory behind vaddr 0x{mapping.Vaddr:x}");
                }

                if ((mapping.Prot & need) == 0)
                {
                    throw PinError(
                        Errno.EPERM,
                        "pin",
                        iova,
                        pageCount,
                        $"page 0x{page:x} is in the mapping at iova 0x{mapping.Iova:x}, which lacks {(write ? "WRITE" : "READ")}");
                }
            }

            for (var i = 0; i < pageCount; i++)
            {
                var page = iova + ((ulong)i * PageSize);
                var mapping = FindContaining(page)!;
                var pins = mapping.Pins ??= [];
                pins[page] = pins.GetValueOrDefault(page) + 1;
                mapping.Dirty?.Add(page); // vfio_iommu_type1_pin_pages marks a pinned page dirty while tracking
            }
        }
    }

    /// <summary><c>vfio_unpin_pages</c>: drops one pin reference from each of <paramref name="pageCount"/> pages from <paramref name="iova"/>.</summary>
    /// <param name="iova">The first page's device address, 4 KiB aligned.</param>
    /// <param name="pageCount">1 to <see cref="PinPagesMaxEntries"/> pages.</param>
    /// <remarks>
    /// The argument checks are <see cref="Pin"/>'s, including <see cref="Errno.EACCES"/> in a v1 container (where the
    /// kernel only warns); then each page must be mapped and pinned, else
    /// <see cref="Errno.EINVAL"/>. The kernel's unpin returns nothing and skips a page that is not pinned; this model
    /// reports the vendor's mistake instead. All or nothing.
    /// </remarks>
    /// <exception cref="MdevException">One of the rules above.</exception>
    public void Unpin(ulong iova, int pageCount)
    {
        ValidatePinArguments("unpin", iova, pageCount);
        RequireV2("unpin", iova, pageCount);
        lock (_lock)
        {
            for (var i = 0; i < pageCount; i++)
            {
                var page = iova + ((ulong)i * PageSize);
                var mapping = page < iova ? null : FindContaining(page);
                if (mapping is null)
                {
                    throw PinError(Errno.EINVAL, "unpin", iova, pageCount, $"page 0x{page:x} is not mapped");
                }

                if (mapping.Pins?.ContainsKey(page) != true)
                {
                    throw PinError(Errno.EINVAL, "unpin", iova, pageCount, $"page 0x{page:x} is not pinned");
                }
            }

            for (var i = 0; i < pageCount; i++)
            {
                var page = iova + ((ulong)i * PageSize);
                var pins = FindContaining(page)!.Pins!;
                var count = pins[page] - 1;
                if (count == 0)
                {
                    pins.Remove(page);
                }
                else
                {
                    pins[page] = count;
                }
            }
        }
    }

    /// <summary>
    /// <c>vfio_dma_rw(…, write = false)</c>: copies guest memory at <paramref name="iova"/> into
    /// <paramref name="destination"/>, crossing from one mapping into the next when they are contiguous.
    /// </summary>
    /// <param name="iova">The device address of the first byte.</param>
    /// <param name="destination">Receives <c>destination.Length</c> bytes.</param>
    /// <remarks>
    /// <see cref="Errno.EINVAL"/> for an empty <paramref name="destination"/> (the kernel's <c>len &lt;= 0</c>) or any byte
    /// not mapped; <see cref="Errno.EPERM"/> when a mapping on the way lacks READ. Everything is checked before anything
    /// is copied (the kernel copies chunk by chunk and may stop half way). Does not allocate.
    /// </remarks>
    /// <exception cref="MdevException">One of the rules above; <paramref name="destination"/> is untouched.</exception>
    public void Read(ulong iova, Span<byte> destination)
    {
        lock (_lock)
        {
            var index = ValidateAccess("dma read", iova, destination.Length, write: false);
            var cursor = iova;
            while (!destination.IsEmpty)
            {
                var mapping = _mappings[index++];
                var offset = (int)(cursor - mapping.Iova);
                var chunk = (int)Math.Min((ulong)destination.Length, mapping.Size - (ulong)offset);
                if (mapping.Backing.IsEmpty)
                {
                    ProcessMemory!.Read(mapping.Vaddr + (ulong)offset, destination[..chunk]);
                }
                else
                {
                    mapping.Backing.Span.Slice(offset, chunk).CopyTo(destination);
                }

                destination = destination[chunk..];
                cursor += (ulong)chunk;
            }
        }
    }

    /// <summary>
    /// <c>vfio_dma_rw(…, write = true)</c>: copies <paramref name="source"/> into guest memory at <paramref name="iova"/>,
    /// crossing from one mapping into the next when they are contiguous.
    /// </summary>
    /// <param name="iova">The device address of the first byte.</param>
    /// <param name="source">The bytes to write.</param>
    /// <remarks>
    /// <see cref="Errno.EINVAL"/> for an empty <paramref name="source"/> or any byte not mapped; <see cref="Errno.EPERM"/>
    /// when a mapping on the way lacks WRITE, or lacks READ: the kernel's <c>vfio_iommu_type1_dma_rw_chunk</c> requires
    /// READ for writes too. Everything is checked before anything is copied. Does not allocate.
    /// </remarks>
    /// <exception cref="MdevException">One of the rules above; guest memory is untouched.</exception>
    public void Write(ulong iova, ReadOnlySpan<byte> source)
    {
        lock (_lock)
        {
            var index = ValidateAccess("dma write", iova, source.Length, write: true);
            var cursor = iova;
            while (!source.IsEmpty)
            {
                var mapping = _mappings[index++];
                var offset = (int)(cursor - mapping.Iova);
                var chunk = (int)Math.Min((ulong)source.Length, mapping.Size - (ulong)offset);
                if (mapping.Backing.IsEmpty)
                {
                    ProcessMemory!.Write(mapping.Vaddr + (ulong)offset, source[..chunk]);
                }
                else
                {
                    source[..chunk].CopyTo(mapping.Backing.Span.Slice(offset, chunk));
                }

                MarkDirty(mapping, cursor, chunk); // vfio_iommu_type1_dma_rw_chunk: a write dirties its pages while tracking
                source = source[chunk..];
                cursor += (ulong)chunk;
            }
        }
    }

    private static ulong ValidateUnmap(ulong iova, ulong size, DmaUnmapFlags flags)
    {
        const DmaUnmapFlags known = DmaUnmapFlags.GetDirtyBitmap | DmaUnmapFlags.All | DmaUnmapFlags.Vaddr;

        if ((flags & ~known) != 0)
        {
            throw UnmapError(Errno.EINVAL, iova, size, $"unknown flags 0x{(uint)(flags & ~known):x}");
        }

        if ((flags & DmaUnmapFlags.GetDirtyBitmap) != 0 && (flags & (DmaUnmapFlags.All | DmaUnmapFlags.Vaddr)) != 0)
        {
            throw UnmapError(Errno.EINVAL, iova, size, "GET_DIRTY_BITMAP cannot be combined with ALL or VADDR");
        }

        if ((flags & DmaUnmapFlags.Vaddr) != 0)
        {
            throw UnmapError(Errno.EBUSY, iova, size, "VADDR: vaddrs cannot be invalidated while an mdev is in the container");
        }

        if ((iova & PageOffsetMask) != 0)
        {
            throw UnmapError(Errno.EINVAL, iova, size, "iova must be 4 KiB aligned");
        }

        ulong last;
        if ((flags & DmaUnmapFlags.All) != 0)
        {
            if (iova != 0 || size != 0)
            {
                throw UnmapError(Errno.EINVAL, iova, size, "ALL requires iova 0 and size 0");
            }

            last = ulong.MaxValue;
        }
        else
        {
            if (size == 0)
            {
                throw UnmapError(Errno.EINVAL, iova, size, "size is zero");
            }

            if ((size & PageOffsetMask) != 0)
            {
                throw UnmapError(Errno.EINVAL, iova, size, "size must be 4 KiB aligned");
            }

            last = iova + size - 1;
            if (last < iova)
            {
                throw UnmapError(Errno.EINVAL, iova, size, "the iova range wraps past 2^64");
            }
        }

        if ((flags & DmaUnmapFlags.GetDirtyBitmap) != 0)
        {
            throw UnmapError(Errno.EINVAL, iova, size, "GET_DIRTY_BITMAP: dirty page tracking is not started (not modelled)");
        }

        return last;
    }

    private static void ValidatePinArguments(string operation, ulong iova, int pageCount)
    {
        if (pageCount <= 0)
        {
            throw PinError(Errno.EINVAL, operation, iova, pageCount, "the page count must be at least 1");
        }

        if (pageCount > PinPagesMaxEntries)
        {
            throw PinError(Errno.E2BIG, operation, iova, pageCount, $"more than VFIO_PIN_PAGES_MAX_ENTRIES ({PinPagesMaxEntries}) pages");
        }

        if ((iova & PageOffsetMask) != 0)
        {
            throw PinError(Errno.EINVAL, operation, iova, pageCount, "iova must be 4 KiB aligned");
        }
    }

    private void RequireV2(string operation, ulong iova, int pageCount)
    {
        if (!IsV2)
        {
            throw PinError(Errno.EACCES, operation, iova, pageCount, "type1 v1 containers do not support page pinning");
        }
    }

    private static MdevException MapError(Errno errno, ulong iova, ulong size, string rule) =>
        new(errno, $"map dma iova 0x{iova:x} size 0x{size:x}: {rule}");

    private static MdevException UnmapError(Errno errno, ulong iova, ulong size, string rule) =>
        new(errno, $"unmap dma iova 0x{iova:x} size 0x{size:x}: {rule}");

    private static MdevException PinError(Errno errno, string operation, ulong iova, int pageCount, string rule) =>
        new(errno, $"{operation} iova 0x{iova:x} pages {pageCount}: {rule}");

    /// <summary>Checks a DMA access under the lock; returns the index of the mapping holding its first byte.</summary>
    private int ValidateAccess(string operation, ulong iova, int length, bool write)
    {
        if (length == 0)
        {
            throw new MdevException(Errno.EINVAL, $"{operation} iova 0x{iova:x} length 0: the length is zero");
        }

        var last = iova + (ulong)length - 1;
        if (last < iova)
        {
            throw new MdevException(Errno.EINVAL, $"{operation} iova 0x{iova:x} length {length}: the range wraps past 2^64");
        }

        var first = LowerBound(iova);
        var index = first;
        var cursor = iova;
        while (true)
        {
            if (index >= _mappings.Count || _mappings[index].Iova > cursor)
            {
                throw new MdevException(Errno.EINVAL, $"{operation} iova 0x{iova:x} length {length}: iova 0x{cursor:x} is not mapped");
            }

            var mapping = _mappings[index];
            if ((mapping.Prot & DmaMapFlags.Read) == 0 || (write && (mapping.Prot & DmaMapFlags.Write) == 0))
            {
                throw new MdevException(
                    Errno.EPERM,
                    $"{operation} iova 0x{iova:x} length {length}: the mapping at iova 0x{mapping.Iova:x} is not {(write ? "readable and writable" : "readable")}");
            }

            if (mapping.Backing.IsEmpty && ProcessMemory is null)
            {
                throw new MdevException(Errno.EFAULT, $"{operation} iova 0x{iova:x} length {length}: the mapping at iova 0x{mapping.Iova:x} has no process memory behind vaddr 0x{mapping.Vaddr:x}");
            }

            if (mapping.Last >= last)
            {
                return first;
            }

            cursor = mapping.Last + 1;
            index++;
        }
    }

    /// <summary>The index of the first mapping whose last byte is at or after <paramref name="address"/>.</summary>
    private int LowerBound(ulong address)
    {
        int low = 0, high = _mappings.Count;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if (_mappings[mid].Last < address)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private DmaMapping? FindContaining(ulong address)
    {
        var index = LowerBound(address);
        return index < _mappings.Count && _mappings[index].Iova <= address ? _mappings[index] : null;
    }
}
