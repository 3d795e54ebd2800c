using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The vfio-ccw vendor driver on one subchannel (<c>vfio_ccw_mdev_driver</c> and <c>vfio_ccw_dev_ops</c>): one <c>io</c>
/// type with one instance, probe refused while NOT_OPER, regions at <c>index &lt;&lt; 10</c>, IO/CRW/REQ eventfds.
/// </summary>
internal sealed class CcwParentOps(CcwPrivate p) : VfioParentOps
{
    public CcwPrivate Private => p;

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } =
        [new MdevTypeGroup(CcwCatalog.TypeName, CcwCatalog.DeviceApi, CcwCatalog.PrettyName)];

    public override int MaxInstances => CcwCatalog.MaxInstances;

    public override string? DriverName => CcwCatalog.MdevDriver;

    /// <summary><c>vfio_ccw_mdev_probe</c>: <c>ENODEV</c> while the subchannel is not operational.</summary>
    public override void Create(MdevDevice mdev)
    {
        if (p.State == CcwFsmState.NotOper)
        {
            throw new MdevException(Errno.ENODEV, $"create on {mdev.Type.Name}: subchannel {p.Subchannel.Id} is not operational");
        }

        mdev.DriverData = p;
    }

    public override void Remove(MdevDevice mdev) => mdev.DriverData = null;

    public override void Open(MdevDevice mdev) => p.OpenDevice(mdev);

    public override void Release(MdevDevice mdev) => p.CloseDevice();

    public override VfioDeviceInfo GetDeviceInfo(MdevDevice mdev) =>
        new(VfioDeviceFlags.Ccw | VfioDeviceFlags.Reset, CcwLayout.BaseRegions + (uint)p.NumRegions, CcwLayout.NumIrqs);

    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) =>
        index == CcwLayout.ConfigRegionIndex ? CcwLayout.IoRegion.Info
        : index < CcwLayout.BaseRegions + (uint)p.NumRegions ? CcwLayout.DeviceRegions[(int)(index - CcwLayout.BaseRegions)].Info
        : throw new MdevException(Errno.EINVAL, $"region info {index} on {mdev.Name}: {CcwLayout.BaseRegions + (uint)p.NumRegions} regions");

    public override VfioIrqInfo GetIrqInfo(MdevDevice mdev, uint index) =>
        index < CcwLayout.NumIrqs
            ? new VfioIrqInfo(index, VfioIrqInfoFlags.EventFd, 1)
            : throw new MdevException(Errno.EINVAL, $"irq info {index} on {mdev.Name}: vfio-ccw has {CcwLayout.NumIrqs} IRQ indexes");

    /// <summary>vfio-ccw validates SET_IRQS with one interrupt per index and three indexes.</summary>
    public override (uint NumIrqs, uint MaxIrqType) GetSetIrqsBounds(MdevDevice mdev, uint index) => (1, CcwLayout.NumIrqs);

    /// <summary>
    /// <c>vfio_ccw_mdev_set_irqs</c>: TRIGGER must be among the actions (<c>EINVAL</c>); DATA_NONE, or DATA_BOOL true,
    /// signals the index's eventfd; DATA_EVENTFD binds one (or releases it for -1; below -1 is <c>EINVAL</c>). A request
    /// without data changes nothing.
    /// </summary>
    public override void SetIrqs(MdevDevice mdev, VfioIrqSet request)
    {
        if ((request.Flags & VfioIrqSetFlags.ActionTrigger) == 0)
        {
            throw new MdevException(Errno.EINVAL, $"set irqs {request.Index} on {mdev.Name}: vfio-ccw only accepts ACTION_TRIGGER");
        }

        switch (request.DataType)
        {
            case VfioIrqSetFlags.DataNone:
                p.Signal(request.Index);
                break;
            case VfioIrqSetFlags.DataBool when request.Bools.Count > 0 && request.Bools[0]:
                p.Signal(request.Index);
                break;
            case VfioIrqSetFlags.DataEventFd when request.EventFds.Count > 0:
                if (request.EventFdNumbers.Count > 0 && request.EventFdNumbers[0] < -1)
                {
                    throw new MdevException(Errno.EINVAL, $"set irqs {request.Index} on {mdev.Name}: fd {request.EventFdNumbers[0]} is below -1");
                }

                p.SetTrigger(request.Index, request.EventFds[0]);
                break;
        }
    }

    public override void Reset(MdevDevice mdev) => p.Reset();

    public override void DmaUnmap(MdevDevice mdev, ulong iova, ulong length) => p.DmaUnmap(iova, length);

    /// <summary><c>vfio_ccw_mdev_request</c>: relays the removal request to the user through the REQ eventfd.</summary>
    public override void Request(MdevDevice mdev, uint count) => p.Signal(CcwLayout.ReqIrq);

    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset)
    {
        int pos = Locate(mdev, offset, out uint index);
        return index switch
        {
            0 => CcwIoRegion.Read(p, buffer, pos),
            1 => CcwAsyncRegion.Read(p, buffer, pos),
            2 => CcwChannelPathRegions.ReadSchib(p, buffer, pos),
            _ => CcwChannelPathRegions.ReadCrw(p, buffer, pos),
        };
    }

    public override int Write(MdevDevice mdev, ReadOnlySpan<byte> buffer, long offset)
    {
        int pos = Locate(mdev, offset, out uint index);
        return index switch
        {
            0 => CcwIoRegion.Write(p, buffer, pos),
            1 => CcwAsyncRegion.Write(p, buffer, pos),
            2 => CcwChannelPathRegions.Write(p, "SCHIB"),
            _ => CcwChannelPathRegions.Write(p, "CRW"),
        };
    }

    /// <summary>Any other ioctl: <c>ENOTTY</c>.</summary>
    public override long Ioctl(MdevDevice mdev, uint command, Span<byte> argument) =>
        throw new MdevException(Errno.ENOTTY, $"ioctl 0x{command:x} on {mdev.Name}: not a vfio-ccw ioctl");

    /// <summary><c>VFIO_CCW_OFFSET_TO_INDEX</c> checked against the registered regions (<c>EINVAL</c>), and the offset within the region.</summary>
    private int Locate(MdevDevice mdev, long offset, out uint index)
    {
        index = offset < 0 ? uint.MaxValue : VfioRegionOffsets.CcwOffsetToIndex(offset);
        if (index >= CcwLayout.BaseRegions + (uint)p.NumRegions)
        {
            throw new MdevException(Errno.EINVAL, $"access at 0x{offset:x} on {mdev.Name}: no region {index}");
        }

        return (int)(offset & CcwLayout.OffsetMask);
    }
}
