using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.VfioAp;

/// <summary>
/// The vfio-ap vendor driver (<c>vfio_ap_matrix_driver</c>, <c>vfio_ap_matrix_dev_ops</c>): one <c>passthrough</c> type
/// from a pool of 65536, a device configured by its sysfs attributes, and an ioctl set of GET_INFO and RESET only.
/// </summary>
internal sealed class ApParentOps(ApMatrixDevice dev) : VfioParentOps
{
    public ApMatrixDevice MatrixDevice => dev;

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } =
        [new MdevTypeGroup(ApCatalog.TypeName, ApCatalog.DeviceApi, ApCatalog.PrettyName)];

    public override IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups { get; } = [ApAttributes.Group(dev)];

    public override int MaxInstances => ApCatalog.MaxInstances;

    public override string? DriverName => ApCatalog.MdevDriver;

    public override void Create(MdevDevice mdev) => mdev.DriverData = dev.Add(mdev);

    public override void Remove(MdevDevice mdev)
    {
        if (mdev.DriverData is ApMatrixMdev m)
        {
            dev.Remove(m);
        }

        mdev.DriverData = null;
    }

    /// <summary>
    /// <c>vfio_ap_mdev_open_device</c> needs the opener's KVM; the model has no KVM, so every opener counts as a guest of
    /// its own and the matrix is in use until the last close.
    /// </summary>
    public override void Open(MdevDevice mdev) => SetInUse(mdev, true);

    /// <summary><c>vfio_ap_mdev_close_device</c>: the guest lets go (its queues are reset).</summary>
    public override void Release(MdevDevice mdev) => SetInUse(mdev, false);

    /// <summary><c>vfio_ap_mdev_get_device_info</c>: AP|RESET, no regions, no IRQs.</summary>
    public override VfioDeviceInfo GetDeviceInfo(MdevDevice mdev) => new(VfioDeviceFlags.Ap | VfioDeviceFlags.Reset, 0, 0);

    /// <summary><c>vfio_ap_mdev_reset_queues</c>: every queue of the matrix is zeroized (the emulated queues hold no state).</summary>
    public override void Reset(MdevDevice mdev)
    {
        // ZAPQ on every APQN of the matrix: the emulated queues hold no messages, so there is nothing to clear.
    }

    public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) => throw NotSupported(mdev, "VFIO_DEVICE_GET_REGION_INFO");

    public override VfioIrqInfo GetIrqInfo(MdevDevice mdev, uint index) => throw NotSupported(mdev, "VFIO_DEVICE_GET_IRQ_INFO");

    /// <summary>vfio-ap does not take SET_IRQS at all, so the request is refused before any validation.</summary>
    public override (uint NumIrqs, uint MaxIrqType) GetSetIrqsBounds(MdevDevice mdev, uint index) => throw NotSupported(mdev, "VFIO_DEVICE_SET_IRQS");

    public override long Ioctl(MdevDevice mdev, uint command, Span<byte> argument) => throw NotSupported(mdev, $"ioctl 0x{command:x}");

    private void SetInUse(MdevDevice mdev, bool inUse)
    {
        lock (dev.Lock)
        {
            ((ApMatrixMdev)mdev.DriverData!).InUse = inUse;
        }
    }

    private static MdevException NotSupported(MdevDevice mdev, string what) =>
        new(Errno.EOPNOTSUPP, $"{what} on {mdev.Name}: vfio-ap handles only GET_INFO and RESET");
}
