using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// An open VFIO device file: two faces on the same vendor callbacks. The typed face (<see cref="GetInfo"/>,
/// <see cref="GetRegionInfo"/>, <see cref="GetIrqInfo"/>, <see cref="SetIrqs"/>, <see cref="Reset"/>,
/// <see cref="Read"/>, <see cref="Write"/>, <see cref="Mmap"/>) and the raw face (<see cref="Ioctl"/>), which speaks
/// <c>include/uapi/linux/vfio.h</c> byte for byte: the argsz protocol, the capability-chain retry and the common
/// SET_IRQS validation. Ioctls the uapi does not define for devices reach the vendor's <see cref="ParentOps.Ioctl"/>.
/// </summary>
/// <remarks>
/// Read, write and ioctl take no lock of the core or of VFIO: the vendor serialises its own state, as in the kernel.
/// The vendor's Open runs on the device's first open and Release on its last close (the modern
/// <c>open_device</c>/<c>close_device</c> rule), whatever number of files are open.
/// </remarks>
public sealed partial class VfioDevice : IDisposable
{
    /// <summary>How many region indexes an mmap looks through at most.</summary>
    private const uint MaxRegionWalk = 64;

    private readonly VfioModule _module;
    private readonly IommuGroup _group;
    private readonly MdevDeviceHandle _handle;
    private int _disposed;

    internal VfioDevice(VfioModule module, IommuGroup group, MdevDeviceHandle handle)
    {
        _module = module;
        _group = group;
        _handle = handle;
    }

    /// <summary>The mdev device behind the file.</summary>
    public MdevDevice Device => _handle.Device;

    /// <summary>Resolves eventfd descriptors for the raw SET_IRQS; set by <see cref="VfioProcess"/>.</summary>
    internal Func<int, EventFd>? EventFdResolver { get; set; }

    private VfioParentOps Ops => Device.Parent.Ops as VfioParentOps
        ?? throw new MdevException(Errno.ENOTTY, $"{Device.Name}: the vendor driver has no typed VFIO callbacks (it handles raw ioctls itself)");

    /// <summary><c>VFIO_DEVICE_GET_INFO</c>.</summary>
    /// <returns>The device's flags and its numbers of regions and IRQ indexes.</returns>
    public VfioDeviceInfo GetInfo()
    {
        ThrowIfDisposed();
        return Ops.GetDeviceInfo(Device);
    }

    /// <summary><c>VFIO_DEVICE_GET_REGION_INFO</c>, with the capability chain; CAPS is set when there are capabilities.</summary>
    /// <param name="index">The region index.</param>
    /// <returns>The region.</returns>
    /// <exception cref="MdevException">The vendor's errno, <c>EINVAL</c> for an index the device does not have.</exception>
    public VfioRegionInfo GetRegionInfo(uint index)
    {
        ThrowIfDisposed();
        var info = Ops.GetRegionInfo(Device, index);
        return info.Capabilities.Count > 0 ? info with { Flags = info.Flags | VfioRegionFlags.Caps } : info;
    }

    /// <summary><c>VFIO_DEVICE_GET_IRQ_INFO</c>.</summary>
    /// <param name="index">The IRQ index.</param>
    /// <returns>The IRQ index's info.</returns>
    public VfioIrqInfo GetIrqInfo(uint index)
    {
        ThrowIfDisposed();
        return Ops.GetIrqInfo(Device, index);
    }

    /// <summary>
    /// <c>VFIO_DEVICE_SET_IRQS</c>: the common rules first (<c>vfio_set_irqs_validate_and_prepare</c>: index below the
    /// number of IRQ indexes, no count overflow, no unknown flag, <c>start</c> and <c>start + count</c> within the
    /// index, exactly one data type, data for every interrupt), then the vendor's <see cref="VfioParentOps.SetIrqs"/>.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for a request the common rules refuse; else the vendor's errno.</exception>
    public void SetIrqs(VfioIrqSet request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDisposed();
        var ops = Ops;
        ValidateSetIrqs(ops, request.Flags, request.Index, request.Start, request.Count);
        int have = request.DataType switch
        {
            VfioIrqSetFlags.DataBool => request.Bools.Count,
            VfioIrqSetFlags.DataEventFd => request.EventFds.Count,
            _ => int.MaxValue,
        };
        if ((uint)have < request.Count)
        {
            throw new MdevException(Errno.EINVAL, $"set irqs on {Device.Name}: data for {have} of {request.Count} interrupts");
        }

        CheckSetIrqsFault();
        ops.SetIrqs(Device, request);
    }

    /// <summary>An armed <see cref="FaultPoint.SetIrqs"/> fault fails here: after the common checks, before the vendor's.</summary>
    private void CheckSetIrqsFault() =>
        _module.Core.Faults.Check(FaultPoint.SetIrqs, FaultSite.Of(Device), $"set irqs on {Device.Name}");

    /// <summary>The header rules of <c>vfio_set_irqs_validate_and_prepare</c>, in the kernel's order.</summary>
    private void ValidateSetIrqs(VfioParentOps ops, VfioIrqSetFlags flags, uint index, uint start, uint count)
    {
        var (numIrqs, maxIrqType) = ops.GetSetIrqsBounds(Device, index);
        if (index >= maxIrqType)
        {
            throw new MdevException(Errno.EINVAL, $"set irqs on {Device.Name}: index {index} is not below {maxIrqType}");
        }

        if (count >= uint.MaxValue - start)
        {
            throw new MdevException(Errno.EINVAL, $"set irqs on {Device.Name}: start {start} + count {count} overflows");
        }

        if ((flags & ~(VfioIrqSetFlags.DataTypeMask | VfioIrqSetFlags.ActionTypeMask)) != 0)
        {
            throw new MdevException(Errno.EINVAL, $"set irqs on {Device.Name}: unknown flag bits 0x{(uint)flags:x}");
        }

        if (start >= numIrqs || start + count > numIrqs)
        {
            throw new MdevException(Errno.EINVAL, $"set irqs on {Device.Name}: interrupts {start}..{start + count} are outside index {index}'s {numIrqs}");
        }

        if ((flags & VfioIrqSetFlags.DataTypeMask) is not (VfioIrqSetFlags.DataNone or VfioIrqSetFlags.DataBool or VfioIrqSetFlags.DataEventFd))
        {
            throw new MdevException(Errno.EINVAL, $"set irqs on {Device.Name}: data type 0x{(uint)(flags & VfioIrqSetFlags.DataTypeMask):x} is not exactly one of NONE, BOOL, EVENTFD");
        }
    }

    /// <summary><c>VFIO_DEVICE_RESET</c>; a device that migrates is also back in RUNNING with no data stream (the way out of ERROR).</summary>
    public void Reset()
    {
        ThrowIfDisposed();
        var ops = Ops;
        ops.Reset(Device);
        if (ops.GetMigrationFlags(Device) != VfioMigrationFlags.None)
        {
            Context.Migration.Reset();
        }
    }

    /// <summary><c>VFIO_DEVICE_QUERY_GFX_PLANE</c>, typed: the driver's answer (see <see cref="VfioParentOps.QueryGfxPlane"/>).</summary>
    /// <param name="request">Flags and plane type (and whatever the caller wants copied back untouched).</param>
    /// <returns>The struct the driver copies back.</returns>
    /// <exception cref="MdevException">The driver's errno (kvmgt: <c>EINVAL</c> for bad flags or a bad plane, <c>EFAULT</c> for a plane outside the vGPU's memory).</exception>
    public VfioGfxPlaneInfo QueryGfxPlane(VfioGfxPlaneInfo request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDisposed();
        return Ops.QueryGfxPlane(Device, request);
    }

    /// <summary><c>VFIO_DEVICE_GET_GFX_DMABUF</c>, typed: the dma-buf of a plane by the id a query gave; dispose it to close it.</summary>
    /// <param name="dmabufId">The id.</param>
    /// <returns>The dma-buf.</returns>
    /// <exception cref="MdevException">The driver's errno (kvmgt: <c>EINVAL</c> for an unknown id).</exception>
    public VfioDmabuf GetGfxDmabuf(uint dmabufId)
    {
        ThrowIfDisposed();
        return Ops.GetGfxDmabuf(Device, dmabufId);
    }

    /// <summary><c>VFIO_DEVICE_FEATURE_MIGRATION</c> (GET): the device's migration capabilities.</summary>
    /// <returns>The flags.</returns>
    /// <exception cref="MdevException"><c>ENOTTY</c> when the device does not migrate.</exception>
    public VfioMigrationFlags GetMigrationFlags()
    {
        ThrowIfDisposed();
        return MigrationOps().GetMigrationFlags(Device);
    }

    /// <summary><c>VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE</c> (GET).</summary>
    /// <returns>The current state.</returns>
    public VfioMigrationState GetMigrationState()
    {
        ThrowIfDisposed();
        MigrationOps();
        return Context.Migration.State;
    }

    /// <summary>
    /// <c>VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE</c> (SET): walks the kernel's arcs one at a time to <paramref name="target"/>.
    /// </summary>
    /// <param name="target">The state wanted.</param>
    /// <returns>The data stream the last arc opened (saving for STOP_COPY/PRE_COPY, resuming for RESUMING), else null.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for an unsupported or unreachable state; the vendor's errno from an arc (the device stays in the last state reached).</exception>
    public VfioMigrationData? SetMigrationState(VfioMigrationState target)
    {
        ThrowIfDisposed();
        var ops = MigrationOps();
        _module.Core.Faults.Check(FaultPoint.MigrationState, FaultSite.Of(Device), $"migration on {Device.Name} to {target}");
        return Context.Migration.SetState(ops, target);
    }

    /// <summary><c>VFIO_DEVICE_FEATURE_MIG_DATA_SIZE</c> (GET): the vendor's estimate of the STOP_COPY length.</summary>
    /// <returns>Bytes.</returns>
    public ulong GetMigrationDataSize()
    {
        ThrowIfDisposed();
        return MigrationOps().GetMigrationDataSize(Device);
    }

    private VfioDeviceContext Context => Device.Vfio();

    private VfioParentOps MigrationOps()
    {
        var ops = Ops;
        return ops.GetMigrationFlags(Device) == VfioMigrationFlags.None
            ? throw new MdevException(Errno.ENOTTY, $"migration on {Device.Name}: the device does not support migration")
            : ops;
    }

    /// <summary><c>pread</c> on the device file: the vendor's Read at <paramref name="offset"/>.</summary>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="offset">The file offset (a region's <see cref="VfioRegionInfo.Offset"/> plus the offset in it).</param>
    /// <returns>The number of bytes read.</returns>
    public int Read(Span<byte> buffer, long offset)
    {
        ThrowIfDisposed();
        ThrowIfNegative(offset, "pread");
        var faults = _module.Core.Faults;
        if (faults.IsArmed(FaultPoint.RegionRead))
        {
            faults.Check(FaultPoint.RegionRead, FaultSite.Of(Device), $"pread on {Device.Name} at 0x{offset:x}");
        }

        return _handle.Read(buffer, offset);
    }

    /// <summary><c>pwrite</c> on the device file: the vendor's Write at <paramref name="offset"/>.</summary>
    /// <param name="buffer">The bytes.</param>
    /// <param name="offset">The file offset.</param>
    /// <returns>The number of bytes written.</returns>
    public int Write(ReadOnlySpan<byte> buffer, long offset)
    {
        ThrowIfDisposed();
        ThrowIfNegative(offset, "pwrite");
        var faults = _module.Core.Faults;
        if (faults.IsArmed(FaultPoint.RegionWrite))
        {
            faults.Check(FaultPoint.RegionWrite, FaultSite.Of(Device), $"pwrite on {Device.Name} at 0x{offset:x}");
        }

        return _handle.Write(buffer, offset);
    }

    /// <summary>
    /// <c>mmap</c> of the device file: <paramref name="offset"/> page-aligned, <paramref name="length"/> rounded up to a
    /// page as the VFS does (<c>do_mmap</c>'s <c>PAGE_ALIGN</c>), the window inside one
    /// region that has MMAP and, when the region has a sparse-mmap capability, inside one of its areas; the vendor backs
    /// the window (<see cref="ParentOps.Mmap"/>).
    /// </summary>
    /// <param name="offset">The file offset.</param>
    /// <param name="length">The length.</param>
    /// <returns>The memory window.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> when the window is not mmap-able.</exception>
    public Memory<byte> Mmap(long offset, long length)
    {
        ThrowIfDisposed();
        const long page = 4096;
        if (offset < 0 || length <= 0 || offset % page != 0)
        {
            throw new MdevException(Errno.EINVAL, $"mmap on {Device.Name}: offset 0x{offset:x} must be page-aligned and length 0x{length:x} non-empty");
        }

        // do_mmap: len = PAGE_ALIGN(len), ENOMEM when that overflows; the driver sees whole pages.
        if (length > long.MaxValue - page + 1)
        {
            throw new MdevException(Errno.ENOMEM, $"mmap on {Device.Name}: length 0x{length:x} overflows when rounded up to a page");
        }

        length = (length + page - 1) & ~(page - 1);

        if (Device.Parent.Ops is VfioParentOps ops)
        {
            // Walk region indexes 0..63 (holes refused with EINVAL, as mdpy's 9..15), without GET_INFO, whose answer a
            // driver may cache as a side effect (mtty does).
            VfioRegionInfo? region = null;
            for (uint i = 0; i < MaxRegionWalk && region is null; i++)
            {
                VfioRegionInfo r;
                try
                {
                    r = ops.GetRegionInfo(Device, i);
                }
                catch (MdevException ex) when (ex.Errno == Errno.EINVAL)
                {
                    continue;
                }

                if (r.Size > 0 && (ulong)offset >= r.Offset && (ulong)offset - r.Offset < r.Size)
                {
                    region = r;
                }
            }

            if (region is null || (region.Flags & VfioRegionFlags.Mmap) == 0 || (ulong)(offset + length) > region.Offset + region.Size)
            {
                throw new MdevException(Errno.EINVAL, $"mmap on {Device.Name}: 0x{offset:x}+0x{length:x} is not inside an mmap-able region");
            }

            if (region.Capabilities.OfType<VfioSparseMmapCapability>().FirstOrDefault() is { } sparse)
            {
                ulong start = (ulong)offset - region.Offset, end = start + (ulong)length;
                if (!sparse.Areas.Any(a => start >= a.Offset && end <= a.Offset + a.Size))
                {
                    throw new MdevException(Errno.EINVAL, $"mmap on {Device.Name}: 0x{offset:x}+0x{length:x} is outside the region's sparse mmap areas");
                }
            }
        }

        return _handle.Mmap(offset, length);
    }

    /// <summary>Closes the file; the last close of the device runs the vendor's Release.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _handle.Dispose();
            if (Device.OpenCount == 0 && Device.BusDriverData is VfioDeviceContext context)
            {
                context.Migration.Close(); // close_device disables the migration files; the state stays the vendor's
            }
        }
        finally
        {
            lock (_module.Lock)
            {
                _group.DeviceFiles--;
                if (_group.DeviceFiles == 0 && _group.FileClosing && _group.OpenFile is { } file)
                {
                    file.ReleaseLocked();
                }
            }
        }
    }

    /// <summary>The VFS refuses a negative file offset before any driver sees it.</summary>
    private void ThrowIfNegative(long offset, string what)
    {
        if (offset < 0)
        {
            throw new MdevException(Errno.EINVAL, $"{what} on {Device.Name}: negative offset {offset}");
        }
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new MdevException(Errno.EBADF, $"{Device.Name}: the device file is closed");
        }
    }
}
