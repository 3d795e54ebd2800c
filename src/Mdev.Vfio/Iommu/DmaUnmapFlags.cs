namespace Mdev.Vfio;

/// <summary><c>vfio_iommu_type1_dma_unmap.flags</c> (<c>include/uapi/linux/vfio.h</c>).</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Mirrors the uapi field it models: vfio_iommu_type1_dma_unmap.flags.")]
public enum DmaUnmapFlags
{
    /// <summary>A plain unmap of <c>[iova, iova + size)</c>.</summary>
    None = 0,

    /// <summary>
    /// <c>VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP</c> (1 &lt;&lt; 0): also return the dirty bitmap. Dirty tracking is not
    /// modelled, so <see cref="Type1Iommu.Unmap"/> refuses it with <c>EINVAL</c>, as the kernel does while tracking is off.
    /// </summary>
    GetDirtyBitmap = 1 << 0,

    /// <summary><c>VFIO_DMA_UNMAP_FLAG_ALL</c> (1 &lt;&lt; 1): unmap everything; iova and size must both be 0.</summary>
    All = 1 << 1,

    /// <summary>
    /// <c>VFIO_DMA_UNMAP_FLAG_VADDR</c> (1 &lt;&lt; 2): invalidate the process address instead of unmapping. Refused
    /// with <c>EBUSY</c> in a container with an mdev, see <see cref="Type1Iommu.Unmap"/>.
    /// </summary>
    Vaddr = 1 << 2,
}
