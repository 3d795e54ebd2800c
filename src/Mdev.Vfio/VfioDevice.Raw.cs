using Mdev.Core;

namespace Mdev.Vfio;

public sealed partial class VfioDevice
{
    /// <summary>
    /// A device ioctl, byte for byte as <c>vfio.h</c> lays the structs out on x86-64. GET_INFO, GET_REGION_INFO,
    /// GET_IRQ_INFO, SET_IRQS and RESET go through the typed callbacks (argsz below the minimum is <c>EINVAL</c>; a
    /// region whose capabilities do not fit returns 0 with CAPS set and the argsz needed); anything else reaches
    /// <see cref="ParentOps.Ioctl"/>. A vendor that is not a <see cref="VfioParentOps"/> gets every ioctl raw.
    /// </summary>
    /// <param name="request">The request number.</param>
    /// <param name="argument">The argument struct, read and written in place (empty for RESET).</param>
    /// <returns>The ioctl's result (0 for the uapi ioctls).</returns>
    /// <exception cref="MdevException">The kernel's errno.</exception>
    public long Ioctl(uint request, Span<byte> argument)
    {
        ThrowIfDisposed();
        if (Device.Parent.Ops is not VfioParentOps)
        {
            return _handle.Ioctl(request, argument);
        }

        switch (request)
        {
            case VfioIoctl.DeviceGetInfo:
                return RawGetInfo(argument);
            case VfioIoctl.DeviceGetRegionInfo:
                return RawGetRegionInfo(argument);
            case VfioIoctl.DeviceGetIrqInfo:
                return RawGetIrqInfo(argument);
            case VfioIoctl.DeviceSetIrqs:
                return RawSetIrqs(argument);
            case VfioIoctl.DeviceReset:
                Reset();
                return 0;
            case VfioIoctl.DeviceFeature:
                return RawFeature(argument);
            case VfioIoctl.DeviceQueryGfxPlane when Ops.HasGfxPlanes(Device):
                return RawQueryGfxPlane(argument);
            case VfioIoctl.DeviceGetGfxDmabuf when Ops.HasGfxPlanes(Device):
                return RawGetGfxDmabuf(argument);
            default:
                return _handle.Ioctl(request, argument);
        }
    }

    /// <summary>Registers a dma-buf as a descriptor for the raw GET_GFX_DMABUF; set by <see cref="VfioProcess"/>.</summary>
    internal Func<VfioDmabuf, int>? DmabufRegistrar { get; set; }

    /// <summary>
    /// <c>VFIO_DEVICE_QUERY_GFX_PLANE</c> as kvmgt's <c>intel_vgpu_ioctl</c> takes it: <c>minsz</c> =
    /// <c>offsetofend(vfio_device_gfx_plane_info, dmabuf_id)</c> = 60 bytes copied in (a shorter buffer is <c>EFAULT</c>),
    /// <c>argsz</c> below it <c>EINVAL</c>, then the driver's answer, and the 60 bytes copied back.
    /// </summary>
    private long RawQueryGfxPlane(Span<byte> argument)
    {
        if (argument.Length < VfioGfxPlaneInfo.MinSize)
        {
            throw new MdevException(Errno.EFAULT, $"query gfx plane on {Device.Name}: the struct is {argument.Length} bytes, {VfioGfxPlaneInfo.MinSize} are copied in");
        }

        if (Uapi.U32(argument, 0) < VfioGfxPlaneInfo.MinSize)
        {
            throw new MdevException(Errno.EINVAL, $"query gfx plane on {Device.Name}: argsz {Uapi.U32(argument, 0)} is below {VfioGfxPlaneInfo.MinSize}");
        }

        QueryGfxPlane(VfioGfxPlaneInfo.Decode(argument)).Encode(argument);
        return 0;
    }

    /// <summary><c>VFIO_DEVICE_GET_GFX_DMABUF</c>: <c>get_user</c> of the <c>__u32</c> id (<c>EFAULT</c> without one), then the new descriptor.</summary>
    private long RawGetGfxDmabuf(Span<byte> argument)
    {
        if (argument.Length < 4)
        {
            throw new MdevException(Errno.EFAULT, $"get gfx dmabuf on {Device.Name}: no __u32 dmabuf id to read");
        }

        var dmabuf = GetGfxDmabuf(Uapi.U32(argument, 0));
        if (DmabufRegistrar is not { } registrar)
        {
            dmabuf.Dispose();
            throw new MdevException(Errno.EINVAL, $"get gfx dmabuf on {Device.Name}: a raw dma-buf needs a VfioProcess to hold its descriptor (use the typed GetGfxDmabuf)");
        }

        return registrar(dmabuf);
    }

    /// <summary>Registers a migration data stream as a descriptor for the raw MIG_DEVICE_STATE; set by <see cref="VfioProcess"/>.</summary>
    internal Func<VfioMigrationData, int>? DataFileRegistrar { get; set; }

    /// <summary>Resolves the caller's user memory (a pointer in a feature's payload); set by <see cref="VfioProcess"/>.</summary>
    internal Func<ulong, ulong, Memory<byte>>? AddressSpace { get; set; }

    /// <summary>
    /// <c>VFIO_DEVICE_FEATURE</c> (<c>vfio_ioctl_device_feature</c>, mainline; the same since 6.2): argsz, unknown flags,
    /// GET with SET without PROBE, then per feature: the migration features (<c>ENOTTY</c> without migration), the DMA
    /// logging features (<c>ENOTTY</c> without log ops), each through <c>vfio_check_feature</c>; any other feature goes to
    /// the driver's <see cref="VfioParentOps.DeviceFeature"/> (<c>EINVAL</c> without one).
    /// </summary>
    private long RawFeature(Span<byte> argument)
    {
        const int minsz = 8;
        uint argsz = Uapi.CheckArgsz(argument, minsz, "device feature");
        uint flags = Uapi.U32(argument, 4);
        if ((flags & ~(VfioIoctl.FeatureMask | VfioIoctl.FeatureGet | VfioIoctl.FeatureSet | VfioIoctl.FeatureProbe)) != 0)
        {
            throw new MdevException(Errno.EINVAL, $"device feature on {Device.Name}: unknown flag bits 0x{flags:x}");
        }

        if ((flags & VfioIoctl.FeatureProbe) == 0 && (flags & VfioIoctl.FeatureGet) != 0 && (flags & VfioIoctl.FeatureSet) != 0)
        {
            throw new MdevException(Errno.EINVAL, $"device feature on {Device.Name}: GET and SET together without PROBE");
        }

        var ops = Ops;
        uint feature = flags & VfioIoctl.FeatureMask;
        uint payloadSize = argsz - minsz;
        switch (feature)
        {
            case VfioIoctl.FeatureMigration:
                MigrationOps();
                if (CheckFeature(flags, payloadSize, VfioIoctl.FeatureGet, 8))
                {
                    Uapi.Put(Payload(argument, 8), 0, (ulong)GetMigrationFlags());
                }

                return 0;
            case VfioIoctl.FeatureMigDeviceState:
                MigrationOps();
                return CheckFeature(flags, payloadSize, VfioIoctl.FeatureGet | VfioIoctl.FeatureSet, 8) ? RawMigDeviceState(flags, Payload(argument, 8)) : 0;
            case VfioIoctl.FeatureMigDataSize:
                MigrationOps();
                if (CheckFeature(flags, payloadSize, VfioIoctl.FeatureGet, 8))
                {
                    Uapi.Put(Payload(argument, 8), 0, GetMigrationDataSize());
                }

                return 0;
            case VfioIoctl.FeatureDmaLoggingStart:
                LogOps(ops);
                return CheckFeature(flags, payloadSize, VfioIoctl.FeatureSet, DmaLoggingControlSize) ? RawDmaLoggingStart(ops, Payload(argument, DmaLoggingControlSize)) : 0;
            case VfioIoctl.FeatureDmaLoggingStop:
                LogOps(ops);
                if (CheckFeature(flags, payloadSize, VfioIoctl.FeatureSet, 0))
                {
                    ops.DmaLoggingStop(Device);
                }

                return 0;
            case VfioIoctl.FeatureDmaLoggingReport:
                LogOps(ops);
                return CheckFeature(flags, payloadSize, VfioIoctl.FeatureGet, DmaLoggingReportSize) ? RawDmaLoggingReport(ops, Payload(argument, DmaLoggingReportSize)) : 0;
            default:
                return ops.DeviceFeature(Device, flags, argument.Slice(minsz, (int)Math.Min(payloadSize, (uint)(argument.Length - minsz))));
        }

        static Span<byte> Payload(Span<byte> argument, int size)
        {
            Uapi.RequireBuffer(argument, 8 + size, "device feature");
            return argument.Slice(8, size);
        }
    }

    /// <summary><c>struct vfio_device_feature_dma_logging_control</c>: page_size, num_ranges, reserved, ranges.</summary>
    private const int DmaLoggingControlSize = 24;

    /// <summary><c>struct vfio_device_feature_dma_logging_report</c>: iova, length, page_size, bitmap.</summary>
    private const int DmaLoggingReportSize = 32;

    /// <summary><c>LOG_MAX_RANGES</c> of vfio_main.c.</summary>
    private const uint DmaLoggingMaxRanges = 256;

    /// <summary>
    /// <c>vfio_check_feature</c>: a GET or SET the feature does not support is <c>EINVAL</c>; PROBE answers 0 (false:
    /// nothing more to do); neither GET nor SET is <c>EINVAL</c>; a payload shorter than the feature's is <c>EINVAL</c>.
    /// </summary>
    private bool CheckFeature(uint flags, uint payloadSize, uint supported, uint minsz)
    {
        uint feature = flags & VfioIoctl.FeatureMask;
        if ((flags & (VfioIoctl.FeatureGet | VfioIoctl.FeatureSet) & ~supported) != 0)
        {
            throw new MdevException(Errno.EINVAL, $"device feature {feature} on {Device.Name}: {((flags & VfioIoctl.FeatureGet & ~supported) != 0 ? "GET" : "SET")} is not supported");
        }

        if ((flags & VfioIoctl.FeatureProbe) != 0)
        {
            return false;
        }

        if ((flags & (VfioIoctl.FeatureGet | VfioIoctl.FeatureSet)) == 0)
        {
            throw new MdevException(Errno.EINVAL, $"device feature {feature} on {Device.Name}: neither GET nor SET");
        }

        if (payloadSize < minsz)
        {
            throw new MdevException(Errno.EINVAL, $"device feature {feature} on {Device.Name}: argsz leaves {payloadSize} bytes for the {minsz}-byte payload");
        }

        return true;
    }

    /// <summary><c>vfio_ioctl_device_feature_mig_device_state</c>: GET the state, or SET it and hand out the data stream's descriptor (-1 when the arc opened none).</summary>
    private long RawMigDeviceState(uint flags, Span<byte> payload)
    {
        if ((flags & VfioIoctl.FeatureGet) != 0)
        {
            Uapi.Put(payload, 0, (uint)GetMigrationState());
            Uapi.Put(payload, 4, unchecked((uint)-1));
            return 0;
        }

        var data = SetMigrationState((VfioMigrationState)Uapi.U32(payload, 0));
        int fd = -1;
        if (data is not null)
        {
            fd = DataFileRegistrar?.Invoke(data)
                ?? throw new MdevException(Errno.EBADF, $"migration on {Device.Name}: the data stream needs a process to get a descriptor (use SetMigrationState)");
        }

        Uapi.Put(payload, 4, unchecked((uint)fd));
        return 0;
    }

    private void LogOps(VfioParentOps ops)
    {
        if (!ops.HasDmaLogging(Device))
        {
            throw new MdevException(Errno.ENOTTY, $"dma logging on {Device.Name}: the device has no log ops");
        }
    }

    /// <summary>
    /// <c>vfio_ioctl_device_feature_logging_start</c>: no ranges <c>EINVAL</c>, more than 256 <c>E2BIG</c>; each range
    /// read from the caller's memory (<c>EFAULT</c>), aligned to page_size (<c>EINVAL</c>), not overflowing
    /// (<c>EOVERFLOW</c>), not overlapping another (<c>EINVAL</c>); then <c>log_start</c>, and page_size written back.
    /// </summary>
    private long RawDmaLoggingStart(VfioParentOps ops, Span<byte> control)
    {
        ulong pageSize = Uapi.U64(control, 0);
        uint count = Uapi.U32(control, 8);
        ulong pointer = Uapi.U64(control, 16);
        if (count == 0)
        {
            throw new MdevException(Errno.EINVAL, $"dma logging start on {Device.Name}: no ranges");
        }

        if (count > DmaLoggingMaxRanges)
        {
            throw new MdevException(Errno.E2BIG, $"dma logging start on {Device.Name}: {count} ranges, at most {DmaLoggingMaxRanges}");
        }

        var ranges = new List<VfioIovaRange>((int)count);
        for (uint i = 0; i < count; i++)
        {
            var bytes = UserMemory(pointer + (i * 16UL), 16, "dma logging start").Span;
            var range = new VfioIovaRange(Uapi.U64(bytes, 0), Uapi.U64(bytes, 8));
            if (!IsAligned(range.Iova, pageSize) || !IsAligned(range.Length, pageSize))
            {
                throw new MdevException(Errno.EINVAL, $"dma logging start on {Device.Name}: range 0x{range.Iova:x}+0x{range.Length:x} is not aligned to page size 0x{pageSize:x}");
            }

            if (range.Iova + range.Length < range.Iova)
            {
                throw new MdevException(Errno.EOVERFLOW, $"dma logging start on {Device.Name}: range 0x{range.Iova:x}+0x{range.Length:x} overflows");
            }

            // interval_tree_iter_first over [start, last]; a zero length has last = start - 1.
            ulong last = range.Iova + range.Length - 1;
            if (ranges.Any(r => r.Iova <= last && range.Iova <= r.Iova + r.Length - 1))
            {
                throw new MdevException(Errno.EINVAL, $"dma logging start on {Device.Name}: range 0x{range.Iova:x}+0x{range.Length:x} overlaps another");
            }

            ranges.Add(range);
        }

        ops.DmaLoggingStart(Device, ranges, ref pageSize);
        Uapi.Put(control, 0, pageSize);
        return 0;

        // IS_ALIGNED(x, a): (x & (a - 1)) == 0, so a page size of 0 accepts only 0.
        static bool IsAligned(ulong x, ulong a) => (x & unchecked(a - 1)) == 0;
    }

    /// <summary>
    /// <c>vfio_ioctl_device_feature_logging_report</c>: page_size below 4096 or not a power of two <c>EINVAL</c>, an
    /// overflowing range <c>EOVERFLOW</c>, a bitmap not in the caller's memory <c>EFAULT</c>; then <c>log_read_and_clear</c>
    /// and one bit per page set for what it reports (<c>iova_bitmap_set</c>).
    /// </summary>
    private long RawDmaLoggingReport(VfioParentOps ops, Span<byte> report)
    {
        ulong iova = Uapi.U64(report, 0), length = Uapi.U64(report, 8), pageSize = Uapi.U64(report, 16), bitmap = Uapi.U64(report, 24);
        if (pageSize < 4096 || !ulong.IsPow2(pageSize))
        {
            throw new MdevException(Errno.EINVAL, $"dma logging report on {Device.Name}: page size 0x{pageSize:x} is below 4096 or not a power of two");
        }

        if (iova + length < iova)
        {
            throw new MdevException(Errno.EOVERFLOW, $"dma logging report on {Device.Name}: range 0x{iova:x}+0x{length:x} overflows");
        }

        ulong pages = (length + pageSize - 1) / pageSize;
        var bits = UserMemory(bitmap, (pages + 63) / 64 * 8, "dma logging report");
        foreach (var dirty in ops.DmaLoggingReadAndClear(Device, iova, length))
        {
            ulong from = Math.Max(dirty.Iova, iova), to = Math.Min(dirty.Iova + dirty.Length, iova + length);
            for (ulong page = (from - iova) / pageSize; from < to && page <= (to - 1 - iova) / pageSize; page++)
            {
                bits.Span[(int)(page / 8)] |= (byte)(1 << (int)(page % 8));
            }
        }

        return 0;
    }

    private Memory<byte> UserMemory(ulong address, ulong length, string what) =>
        AddressSpace?.Invoke(address, length)
        ?? throw new MdevException(Errno.EFAULT, $"{what} on {Device.Name}: address 0x{address:x} is not in a process's memory (use a VfioProcess)");

    private long RawGetInfo(Span<byte> argument)
    {
        Uapi.CheckArgsz(argument, Uapi.DeviceInfoMinSize, "device get info");
        var info = GetInfo();
        Uapi.Put(argument, 4, (uint)info.Flags);
        Uapi.Put(argument, 8, info.NumRegions);
        Uapi.Put(argument, 12, info.NumIrqs);
        return 0;
    }

    private long RawGetRegionInfo(Span<byte> argument)
    {
        uint argsz = Uapi.CheckArgsz(argument, Uapi.RegionInfoSize, "device get region info");
        var info = GetRegionInfo(Uapi.U32(argument, 8));
        var flags = info.Flags;
        // vfio_ioctl_device_get_region_info: cap_offset is written only when there are capabilities; without them it
        // stays what the caller gave (the struct is copied in, filled and copied back).
        uint capOffset = Uapi.U32(argument, 12);
        if (info.Capabilities.Count > 0)
        {
            capOffset = 0;
            int chain = Uapi.ChainSize(info.Capabilities);
            if (argsz < Uapi.RegionInfoSize + chain)
            {
                // Too small for the chain: success, CAPS set, argsz says what is needed, cap_offset 0.
                argsz = (uint)(Uapi.RegionInfoSize + chain);
            }
            else
            {
                Uapi.RequireBuffer(argument, Uapi.RegionInfoSize + chain, "device get region info");
                Uapi.WriteChain(argument, Uapi.RegionInfoSize, info.Capabilities);
                capOffset = Uapi.RegionInfoSize;
            }
        }

        Uapi.Put(argument, 0, argsz);
        Uapi.Put(argument, 4, (uint)flags);
        Uapi.Put(argument, 12, capOffset);
        Uapi.Put(argument, 16, info.Size);
        Uapi.Put(argument, 24, info.Offset);
        return 0;
    }

    private long RawGetIrqInfo(Span<byte> argument)
    {
        Uapi.CheckArgsz(argument, Uapi.IrqInfoSize, "device get irq info");
        var info = GetIrqInfo(Uapi.U32(argument, 8));
        Uapi.Put(argument, 4, (uint)info.Flags);
        Uapi.Put(argument, 12, info.Count);
        return 0;
    }

    private long RawSetIrqs(Span<byte> argument)
    {
        uint argsz = Uapi.CheckArgsz(argument, Uapi.IrqSetHeaderSize, "device set irqs");
        var flags = (VfioIrqSetFlags)Uapi.U32(argument, 4);
        uint index = Uapi.U32(argument, 8), start = Uapi.U32(argument, 12), count = Uapi.U32(argument, 16);
        var ops = Ops;
        ValidateSetIrqs(ops, flags, index, start, count);
        int elem = (flags & VfioIrqSetFlags.DataTypeMask) switch
        {
            VfioIrqSetFlags.DataBool => 1,
            VfioIrqSetFlags.DataEventFd => 4,
            _ => 0,
        };
        if ((ulong)(argsz - Uapi.IrqSetHeaderSize) < (ulong)count * (ulong)elem)
        {
            throw new MdevException(Errno.EINVAL, $"set irqs on {Device.Name}: argsz {argsz} holds no data for {count} interrupts");
        }

        Uapi.RequireBuffer(argument, Uapi.IrqSetHeaderSize + ((long)count * elem), "device set irqs");
        var data = argument.Slice(Uapi.IrqSetHeaderSize, (int)(count * (uint)elem));
        VfioIrqSet request;
        if (elem == 1)
        {
            var bools = new bool[count];
            for (int i = 0; i < bools.Length; i++)
            {
                bools[i] = data[i] != 0;
            }

            request = new VfioIrqSet(flags, index, start, count, bools: bools);
        }
        else if (elem == 4)
        {
            var numbers = new int[count];
            for (int i = 0; i < numbers.Length; i++)
            {
                numbers[i] = Uapi.S32(data, i * 4);
            }

            // Resolved only when the driver reads an entry (after its own checks); -1 de-assigns, below -1 is the driver's call.
            var resolver = EventFdResolver;
            var fds = new VfioEventFdList(numbers, fd => resolver is null
                ? throw new MdevException(Errno.EBADF, $"set irqs on {Device.Name}: fd {fd} is not open here (use the typed SetIrqs or a VfioProcess)")
                : resolver(fd));
            request = new VfioIrqSet(flags, index, start, count, eventFds: fds, eventFdNumbers: numbers);
        }
        else
        {
            request = new VfioIrqSet(flags, index, start, count);
        }

        CheckSetIrqsFault();
        ops.SetIrqs(Device, request);
        return 0;
    }
}
