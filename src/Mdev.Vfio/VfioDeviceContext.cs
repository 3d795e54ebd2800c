using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// What a vendor driver reaches of VFIO for one of its devices (<c>mdev.Vfio()</c>): its IOMMU group and DMA into guest
/// memory through the container the device's group is attached to — <c>vfio_pin_pages</c>, <c>vfio_unpin_pages</c>,
/// <c>vfio_dma_rw</c>. Every DMA call fails with <c>EINVAL</c> while no device file is open or the group has no
/// container with an IOMMU set (<c>vfio_assert_device_open</c>).
/// </summary>
public sealed class VfioDeviceContext
{
    private readonly VfioModule _module;

    internal VfioDeviceContext(VfioModule module, IommuGroup group)
    {
        _module = module;
        Group = group;
        Migration = new VfioMigration(group.Device);
    }

    internal VfioMigration Migration { get; }

    /// <summary>The device's IOMMU group.</summary>
    public IommuGroup Group { get; }

    /// <summary>Pins <paramref name="pageCount"/> 4 KiB pages from <paramref name="iova"/> (<c>vfio_pin_pages</c>).</summary>
    /// <param name="iova">A page-aligned IOVA inside mappings.</param>
    /// <param name="pageCount">1 to 512 pages.</param>
    /// <param name="write">Whether the device will write them (needs a writable mapping, else <c>EPERM</c>).</param>
    public void PinPages(ulong iova, int pageCount, bool write) => Iommu("pin pages").Pin(iova, pageCount, write);

    /// <summary>Unpins pages pinned with <see cref="PinPages"/> (<c>vfio_unpin_pages</c>).</summary>
    /// <param name="iova">The page-aligned IOVA.</param>
    /// <param name="pageCount">How many pages.</param>
    public void UnpinPages(ulong iova, int pageCount) => Iommu("unpin pages").Unpin(iova, pageCount);

    /// <summary>Reads guest memory at <paramref name="iova"/> (<c>vfio_dma_rw</c>, read).</summary>
    /// <param name="iova">The IOVA.</param>
    /// <param name="destination">Where the bytes go.</param>
    public void DmaRead(ulong iova, Span<byte> destination) => Iommu("dma read").Read(iova, destination);

    /// <summary>Writes guest memory at <paramref name="iova"/> (<c>vfio_dma_rw</c>, write).</summary>
    /// <param name="iova">The IOVA.</param>
    /// <param name="source">The bytes.</param>
    public void DmaWrite(ulong iova, ReadOnlySpan<byte> source) => Iommu("dma write").Write(iova, source);

    private Type1Iommu Iommu(string what) =>
        _module.IommuOf(Group) ?? throw new MdevException(Errno.EINVAL, $"{what} for {Group.Device.Name}: no device file is open, or group {Group.Id} has no container with an IOMMU set");
}
