using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// An open <c>/dev/vfio/vfio</c>: a container that groups attach to and that, once an IOMMU model is set
/// (<see cref="SetIommu"/>, type1 or type1v2), holds the DMA mappings of guest memory for every device of its groups.
/// </summary>
/// <remarks>State is guarded by the module's lock; DMA state by the type1 model's own lock.</remarks>
public sealed class VfioContainer : IDisposable
{
    /// <summary>The MIGRATION capability's largest dirty bitmap: DIRTY_BITMAP_BYTES(INT_MAX pages).</summary>
    public const ulong MaxDirtyBitmapSize = 0x1000_0000;

    private readonly VfioModule _module;
    private bool _closed;

    internal VfioContainer(VfioModule module) => _module = module;

    /// <summary>The groups attached to it.</summary>
    public IReadOnlyList<IommuGroup> Groups
    {
        get
        {
            lock (_module.Lock)
            {
                return AttachedGroups.ToArray();
            }
        }
    }

    /// <summary>The IOMMU model set (<see cref="VfioExtension.Type1Iommu"/> or <see cref="VfioExtension.Type1v2Iommu"/>), or 0.</summary>
    public uint IommuType { get; private set; }

    internal List<IommuGroup> AttachedGroups { get; } = [];

    internal Type1Iommu? Iommu { get; private set; }

    /// <summary>Resolves a process's user addresses for the raw MAP_DMA; null outside a <see cref="VfioProcess"/>.</summary>
    internal Func<ulong, ulong, Memory<byte>>? AddressSpace { get; set; }

    /// <summary>The memory of the process outside .NET that opened the container (a served VMM); null otherwise.</summary>
    internal IProcessMemory? ProcessMemory { get; set; }

    /// <summary><c>VFIO_GET_API_VERSION</c>.</summary>
    /// <returns>0, <c>VFIO_API_VERSION</c>.</returns>
    public int GetApiVersion()
    {
        ThrowIfClosed();
        return VfioIoctl.ApiVersion;
    }

    /// <summary>
    /// <c>VFIO_CHECK_EXTENSION</c>, answered by type1 as in current kernels: TYPE1, TYPE1v2 and UNMAP_ALL → 1;
    /// DMA_CC_IOMMU → 1 once an IOMMU is set (no hardware domain to lack coherency), else 0; UPDATE_VADDR → 0 (not with
    /// mdevs); the retired TYPE1_NESTING and everything else → 0. Never an error.
    /// </summary>
    /// <param name="extension">The extension id.</param>
    /// <returns>1 when supported, else 0.</returns>
    public int CheckExtension(uint extension)
    {
        ThrowIfClosed();
        lock (_module.Lock)
        {
            return extension switch
            {
                VfioExtension.Type1Iommu or VfioExtension.Type1v2Iommu or VfioExtension.UnmapAll => 1,
                VfioExtension.DmaCcIommu => Iommu is null ? 0 : 1,
                _ => 0,
            };
        }
    }

    /// <summary><c>VFIO_SET_IOMMU</c>.</summary>
    /// <param name="type">The IOMMU model: <see cref="VfioExtension.Type1Iommu"/> or <see cref="VfioExtension.Type1v2Iommu"/>.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> when no group is attached, a model is set already, or type1 refuses the type (UNMAP_ALL); <c>ENODEV</c> when no IOMMU driver accepts <paramref name="type"/>.</exception>
    public void SetIommu(uint type)
    {
        ThrowIfClosed();
        lock (_module.Lock)
        {
            if (AttachedGroups.Count == 0)
            {
                throw new MdevException(Errno.EINVAL, "set iommu: no group is attached to the container");
            }

            if (Iommu is not null)
            {
                throw new MdevException(Errno.EINVAL, $"set iommu {type}: an IOMMU model ({IommuType}) is set already");
            }

            if (type is not (VfioExtension.Type1Iommu or VfioExtension.Type1v2Iommu))
            {
                // The container tries every driver whose CHECK_EXTENSION(type) is positive: type1 answers 1 for
                // UNMAP_ALL, then its open() refuses the type with -EINVAL; with no taker at all it is -ENODEV.
                throw type == VfioExtension.UnmapAll
                    ? new MdevException(Errno.EINVAL, $"set iommu {type}: the type1 IOMMU does not open as this type")
                    : new MdevException(Errno.ENODEV, $"set iommu {type}: no IOMMU driver supports it");
            }

            var iommu = new Type1Iommu(v2: type == VfioExtension.Type1v2Iommu) { ProcessMemory = ProcessMemory };
            iommu.DmaUnmap = NotifyDmaUnmap;
            Iommu = iommu;
            IommuType = type;
        }
    }

    /// <summary><c>VFIO_IOMMU_GET_INFO</c>.</summary>
    /// <returns>Page sizes and the MIGRATION and DMA_AVAIL capabilities.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> before <see cref="SetIommu"/> (the container's default for any other ioctl).</exception>
    public VfioIommuInfo GetIommuInfo()
    {
        var iommu = RequireIommu("iommu get info");
        return new VfioIommuInfo(Type1Iommu.PageSizeBitmap, Type1Iommu.PageSize, MaxDirtyBitmapSize, (uint)iommu.DmaAvailable);
    }

    /// <summary><c>VFIO_IOMMU_MAP_DMA</c> of guest memory the caller provides.</summary>
    /// <param name="iova">The IOVA (4 KiB aligned).</param>
    /// <param name="memory">The guest memory (a multiple of 4 KiB).</param>
    /// <param name="flags">READ and/or WRITE.</param>
    /// <exception cref="MdevException">The type1 rules: <c>EINVAL</c>, <c>EEXIST</c> on overlap, <c>ENOSPC</c> past the mapping limit.</exception>
    public void MapDma(ulong iova, Memory<byte> memory, DmaMapFlags flags) =>
        RequireIommu("map dma").Map(0, iova, (ulong)memory.Length, flags, memory);

    /// <summary><c>VFIO_IOMMU_UNMAP_DMA</c>.</summary>
    /// <param name="iova">The first IOVA.</param>
    /// <param name="size">The size.</param>
    /// <param name="flags">None, or ALL (with iova and size 0).</param>
    /// <returns>The number of bytes actually unmapped (written back into <c>size</c> by the raw ioctl).</returns>
    public ulong UnmapDma(ulong iova, ulong size, DmaUnmapFlags flags = DmaUnmapFlags.None) =>
        RequireIommu("unmap dma").Unmap(iova, size, flags);

    /// <summary>A container ioctl whose argument is a value (<c>GET_API_VERSION</c>, <c>CHECK_EXTENSION</c>, <c>SET_IOMMU</c>).</summary>
    /// <param name="request">The request number.</param>
    /// <param name="argument">The value argument.</param>
    /// <returns>The ioctl's result.</returns>
    public long Ioctl(uint request, ulong argument)
    {
        switch (request)
        {
            case VfioIoctl.GetApiVersion:
                return GetApiVersion();
            case VfioIoctl.CheckExtension:
                return CheckExtension(argument > uint.MaxValue ? 0 : (uint)argument);
            case VfioIoctl.SetIommu:
                SetIommu(argument > uint.MaxValue ? uint.MaxValue : (uint)argument);
                return 0;
            default:
                return Ioctl(request, Span<byte>.Empty);
        }
    }

    /// <summary>A container ioctl with a struct argument, byte for byte as <c>vfio.h</c> lays it out on x86-64.</summary>
    /// <param name="request">The request number.</param>
    /// <param name="argument">The struct, read and written in place.</param>
    /// <returns>0 on success.</returns>
    /// <exception cref="MdevException">The kernel's errno: <c>EINVAL</c> before SET_IOMMU, <c>ENOTTY</c> for an ioctl type1 does not know.</exception>
    public long Ioctl(uint request, Span<byte> argument)
    {
        ThrowIfClosed();
        switch (request)
        {
            case VfioIoctl.GetApiVersion or VfioIoctl.CheckExtension or VfioIoctl.SetIommu:
                throw new MdevException(Errno.EINVAL, $"container ioctl 0x{request:x}: takes a value argument");
        }

        lock (_module.Lock)
        {
            if (Iommu is null)
            {
                throw new MdevException(Errno.EINVAL, $"container ioctl 0x{request:x}: no IOMMU model is set");
            }
        }

        switch (request)
        {
            case VfioIoctl.IommuGetInfo:
                return RawGetInfo(argument);
            case VfioIoctl.IommuMapDma:
                return RawMapDma(argument);
            case VfioIoctl.IommuUnmapDma:
                return RawUnmapDma(argument);
            case VfioIoctl.IommuDirtyPages:
                return RawDirtyPages(argument);
            default:
                throw new MdevException(Errno.ENOTTY, $"container ioctl 0x{request:x}: unknown to the type1 IOMMU");
        }
    }

    /// <summary>Closes the container file. Attached groups keep the container (and its mappings) alive until they detach.</summary>
    public void Dispose()
    {
        lock (_module.Lock)
        {
            _closed = true;
        }
    }

    internal bool IsClosed
    {
        get
        {
            lock (_module.Lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Whether the file is closed, for callers that hold the module lock already.</summary>
    internal bool IsClosedLocked => _closed;

    /// <summary>Detaches a group (under the module lock); the last one releases the IOMMU and every mapping.</summary>
    internal void DetachLocked(IommuGroup group)
    {
        AttachedGroups.Remove(group);
        group.Container = null;
        if (AttachedGroups.Count == 0)
        {
            Iommu = null;
            IommuType = 0;
        }
    }

    private long RawGetInfo(Span<byte> argument)
    {
        uint argsz = Uapi.CheckArgsz(argument, Uapi.Type1InfoMinSize, "iommu get info");
        var info = GetIommuInfo();
        int minsz = (int)Math.Min(argsz, Uapi.Type1InfoSize);

        // Capabilities: MIGRATION (32 bytes), DMA_AVAIL (12, padded to 16). No IOVA_RANGE: an mdev-only container's list is empty.
        const int capsSize = 32 + 16;
        uint flags = 1 | 2; // PGSIZES | CAPS
        Uapi.RequireBuffer(argument, minsz, "iommu get info");
        var header = argument[..minsz];
        Uapi.Put(header, 4, flags);
        Uapi.Put(header, 8, info.IovaPageSizes);
        if (argsz < Uapi.Type1InfoSize + capsSize)
        {
            Uapi.Put(header, 0, (uint)(Uapi.Type1InfoSize + capsSize));
            if (minsz >= 20)
            {
                Uapi.Put(header, 16, 0u);
            }
        }
        else
        {
            Uapi.RequireBuffer(argument, Uapi.Type1InfoSize + capsSize, "iommu get info");
            var caps = argument.Slice(Uapi.Type1InfoSize, capsSize);
            caps.Clear();
            Uapi.Put(caps, 0, (ushort)2);
            Uapi.Put(caps, 2, (ushort)1);
            Uapi.Put(caps, 4, (uint)(Uapi.Type1InfoSize + 32));
            Uapi.Put(caps, 8, 0u);
            Uapi.Put(caps, 16, info.MigrationPageSizeBitmap);
            Uapi.Put(caps, 24, info.MaxDirtyBitmapSize);
            Uapi.Put(caps, 32, (ushort)3);
            Uapi.Put(caps, 34, (ushort)1);
            Uapi.Put(caps, 36, 0u);
            Uapi.Put(caps, 40, info.DmaAvailable);
            Uapi.Put(header, 16, (uint)Uapi.Type1InfoSize);
        }

        if (minsz >= Uapi.Type1InfoSize)
        {
            Uapi.Put(header, 20, 0u);
        }

        return 0;
    }

    private long RawMapDma(Span<byte> argument)
    {
        Uapi.CheckArgsz(argument, Uapi.DmaMapSize, "map dma");
        var flags = (DmaMapFlags)Uapi.U32(argument, 4);
        ulong vaddr = Uapi.U64(argument, 8), iova = Uapi.U64(argument, 16), size = Uapi.U64(argument, 24);
        var iommu = RequireIommu("map dma");

        // An mdev-only container never touches vaddr at map time; memory the process has not mapped faults at DMA time.
        Memory<byte>? backing = null;
        if (AddressSpace is { } resolve && size is > 0 and <= int.MaxValue)
        {
            try
            {
                backing = resolve(vaddr, size);
            }
            catch (MdevException ex) when (ex.Errno == Errno.EFAULT)
            {
                backing = null;
            }
        }

        if (backing is { } memory)
        {
            iommu.Map(vaddr, iova, size, flags, memory);
        }
        else
        {
            iommu.MapUnbacked(vaddr, iova, size, flags);
        }

        return 0;
    }

    private long RawUnmapDma(Span<byte> argument)
    {
        Uapi.CheckArgsz(argument, Uapi.DmaUnmapSize, "unmap dma");
        var flags = (DmaUnmapFlags)Uapi.U32(argument, 4);
        ulong unmapped = UnmapDma(Uapi.U64(argument, 8), Uapi.U64(argument, 16), flags);
        Uapi.Put(argument, 16, unmapped);
        return 0;
    }

    /// <summary>
    /// <c>VFIO_IOMMU_DIRTY_PAGES</c> (<c>vfio_iommu_type1_dirty_pages</c>): a v1 container is <c>EACCES</c> before anything
    /// is read; argsz below 8 or unknown flags <c>EINVAL</c>; exactly one of START (1), STOP (2), GET_BITMAP (4), else
    /// <c>EINVAL</c>. GET_BITMAP takes <c>struct vfio_iommu_type1_dirty_bitmap_get</c> after the header (argsz at least
    /// 48): iova, size, then <c>struct vfio_bitmap</c> pgsize, size, data; <see cref="Type1Iommu.GetDirtyBitmap(ulong, ulong, ulong, Memory{byte})"/>
    /// has the range rules, and the bitmap is written into the process's memory at <c>data</c> (<c>EFAULT</c> when not mapped).
    /// </summary>
    private long RawDirtyPages(Span<byte> argument)
    {
        const uint start = 1, stop = 2, getBitmap = 4;
        const int minsz = 8, rangeSize = 40;
        var iommu = RequireIommu("dirty pages");
        if (!iommu.IsV2)
        {
            throw new MdevException(Errno.EACCES, "dirty pages: a type1 v1 container does not track dirty pages");
        }

        uint argsz = Uapi.CheckArgsz(argument, minsz, "dirty pages");
        uint flags = Uapi.U32(argument, 4);
        if ((flags & ~(start | stop | getBitmap)) != 0)
        {
            throw new MdevException(Errno.EINVAL, $"dirty pages: unknown flags 0x{flags:x}");
        }

        switch (flags)
        {
            case start:
                iommu.StartDirtyTracking();
                return 0;
            case stop:
                iommu.StopDirtyTracking();
                return 0;
            case getBitmap:
                if (argsz - minsz < rangeSize)
                {
                    throw new MdevException(Errno.EINVAL, $"dirty pages: argsz {argsz} leaves no room for the 40-byte range");
                }

                Uapi.RequireBuffer(argument, minsz + rangeSize, "dirty pages");
                ulong iova = Uapi.U64(argument, 8), size = Uapi.U64(argument, 16);
                ulong pageSize = Uapi.U64(argument, 24), bitmapSize = Uapi.U64(argument, 32), data = Uapi.U64(argument, 40);
                if (data + bitmapSize < data)
                {
                    throw new MdevException(Errno.EINVAL, $"dirty pages: bitmap 0x{data:x}+0x{bitmapSize:x} is not user memory (access_ok)");
                }

                iommu.GetDirtyBitmap(iova, size, pageSize, bitmapSize, () =>
                    AddressSpace?.Invoke(data, bitmapSize)
                    ?? throw new MdevException(Errno.EFAULT, $"dirty pages: bitmap address 0x{data:x} is not in a process's memory (use a VfioProcess)"));
                return 0;
            default:
                throw new MdevException(Errno.EINVAL, $"dirty pages: flags 0x{flags:x} must be exactly one of START, STOP, GET_BITMAP");
        }
    }

    private Type1Iommu RequireIommu(string what)
    {
        ThrowIfClosed();
        lock (_module.Lock)
        {
            return Iommu ?? throw new MdevException(Errno.EINVAL, $"{what}: no IOMMU model is set on the container");
        }
    }

    /// <summary>Tells every open device of the container's groups that a mapping goes (dma_unmap), outside any lock.</summary>
    private void NotifyDmaUnmap(ulong iova, ulong size)
    {
        MdevDevice[] devices;
        lock (_module.Lock)
        {
            devices = AttachedGroups.Where(g => g.DeviceFiles > 0).Select(g => g.Device).ToArray();
        }

        foreach (var mdev in devices)
        {
            if (mdev.Parent.Ops is VfioParentOps ops)
            {
                ops.DmaUnmap(mdev, iova, size);
            }
        }
    }

    private void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw new MdevException(Errno.EBADF, "container: the file is closed");
        }
    }
}
