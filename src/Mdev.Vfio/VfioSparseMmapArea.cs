namespace Mdev.Vfio;

/// <summary>One mmap-able area of a region (<c>struct vfio_region_sparse_mmap_area</c>), relative to the region's start.</summary>
/// <param name="Offset">The area's offset within the region.</param>
/// <param name="Size">The area's size.</param>
public readonly record struct VfioSparseMmapArea(ulong Offset, ulong Size);
