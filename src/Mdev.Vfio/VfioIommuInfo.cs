namespace Mdev.Vfio;

/// <summary>
/// <c>struct vfio_iommu_type1_info</c> with its capabilities (what <c>VFIO_IOMMU_GET_INFO</c> returns). An mdev-only
/// container has no IOVA range capability: its IOVA list is empty, which the kernel treats as "anything goes".
/// </summary>
/// <param name="IovaPageSizes">The supported page sizes (<c>PAGE_MASK</c> for emulated IOMMU groups).</param>
/// <param name="MigrationPageSizeBitmap">The MIGRATION capability's dirty-tracking page size (the smallest page size).</param>
/// <param name="MaxDirtyBitmapSize">The MIGRATION capability's largest dirty bitmap, in bytes.</param>
/// <param name="DmaAvailable">The DMA_AVAIL capability: how many more mappings MAP_DMA accepts.</param>
public readonly record struct VfioIommuInfo(ulong IovaPageSizes, ulong MigrationPageSizeBitmap, ulong MaxDirtyBitmapSize, uint DmaAvailable);
