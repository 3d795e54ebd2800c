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
            default:
                return _handle.Ioctl(request, argument);
        }
    }

    /// <summary>Registers a migration data stream as a descriptor for the raw MIG_DEVICE_STATE; set by <see cref="VfioProcess"/>.</summary>
    internal Func<VfioMigrationData, int>? DataFileRegistrar { get; set; }

    /// <summary><c>VFIO_DEVICE_FEATURE</c>: the core's checks in order, then the migration features (others reach the vendor).</summary>
    private long RawFeature(Span<byte> argument)
    {
        const int minsz = 8;
        uint argsz = Uapi.CheckArgsz(argument, minsz, "device feature");
        uint flags = Uapi.U32(argument, 4);
        if ((flags & ~(VfioIoctl.FeatureMask | VfioIoctl.FeatureGet | VfioIoctl.FeatureSet | VfioIoctl.FeatureProbe)) != 0)
        {
            throw new MdevException(Errno.EINVAL, $"device feature on {Device.Name}: unknown flag bits 0x{flags:x}");
        }

        bool get = (flags & VfioIoctl.FeatureGet) != 0, set = (flags & VfioIoctl.FeatureSet) != 0, probe = (flags & VfioIoctl.FeatureProbe) != 0;
        if (!probe && get && set)
        {
            throw new MdevException(Errno.EINVAL, $"device feature on {Device.Name}: GET and SET together without PROBE");
        }

        uint feature = flags & VfioIoctl.FeatureMask;
        if (feature is not (VfioIoctl.FeatureMigration or VfioIoctl.FeatureMigDeviceState or VfioIoctl.FeatureMigDataSize))
        {
            return _handle.Ioctl(VfioIoctl.DeviceFeature, argument);
        }

        MigrationOps();
        (bool canGet, bool canSet, int size) = feature switch
        {
            VfioIoctl.FeatureMigration => (true, false, 8),
            VfioIoctl.FeatureMigDeviceState => (true, true, 8),
            _ => (true, false, 8),
        };

        // vfio_check_feature: unsupported GET/SET, PROBE answers, neither, then the payload size.
        if ((get && !canGet) || (set && !canSet))
        {
            throw new MdevException(Errno.EINVAL, $"device feature {feature} on {Device.Name}: {(get ? "GET" : "SET")} is not supported");
        }

        if (probe)
        {
            return 0;
        }

        if (!get && !set)
        {
            throw new MdevException(Errno.EINVAL, $"device feature {feature} on {Device.Name}: neither GET nor SET");
        }

        if (argsz - minsz < size)
        {
            throw new MdevException(Errno.EINVAL, $"device feature {feature} on {Device.Name}: argsz {argsz} leaves no room for the {size}-byte payload");
        }

        Uapi.RequireBuffer(argument, minsz + size, "device feature");
        var payload = argument.Slice(minsz, size);
        switch (feature)
        {
            case VfioIoctl.FeatureMigration:
                Uapi.Put(payload, 0, (ulong)GetMigrationFlags());
                return 0;
            case VfioIoctl.FeatureMigDataSize:
                Uapi.Put(payload, 0, GetMigrationDataSize());
                return 0;
            default:
                if (get)
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
    }

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
        uint capOffset = 0;
        if (info.Capabilities.Count > 0)
        {
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
            var fds = new EventFd?[count];
            var numbers = new int[count];
            for (int i = 0; i < fds.Length; i++)
            {
                int fd = numbers[i] = Uapi.S32(data, i * 4);
                if (fd < 0)
                {
                    continue; // -1 de-assigns; below -1 is the driver's call (EventFdNumbers)
                }

                var resolve = EventFdResolver ?? throw new MdevException(Errno.EBADF, $"set irqs on {Device.Name}: fd {fd} is not open here (use the typed SetIrqs or a VfioProcess)");
                fds[i] = resolve(fd);
            }

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
