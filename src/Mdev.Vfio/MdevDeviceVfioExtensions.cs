using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>VFIO services of an mdev device bound to a VFIO mdev driver (a vendor's, or 2016's <c>vfio_mdev</c>).</summary>
public static class MdevDeviceVfioExtensions
{
    /// <summary>The device's VFIO context: its IOMMU group and DMA.</summary>
    /// <param name="mdev">The device.</param>
    /// <returns>The context.</returns>
    /// <exception cref="MdevException"><c>ENODEV</c> when the device is not bound to a VFIO mdev driver (a vendor's, or 2016's <c>vfio_mdev</c>).</exception>
    public static VfioDeviceContext Vfio(this MdevDevice mdev)
    {
        ArgumentNullException.ThrowIfNull(mdev);
        return mdev.BusDriverData as VfioDeviceContext
            ?? throw new MdevException(Errno.ENODEV, $"{mdev.Name}: not bound to a VFIO mdev driver");
    }
}
