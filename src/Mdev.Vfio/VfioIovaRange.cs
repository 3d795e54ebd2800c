namespace Mdev.Vfio;

/// <summary>An IOVA range (<c>struct vfio_device_feature_dma_logging_range</c>): first IOVA and length in bytes.</summary>
/// <param name="Iova">The first IOVA.</param>
/// <param name="Length">The length in bytes.</param>
public readonly record struct VfioIovaRange(ulong Iova, ulong Length);
