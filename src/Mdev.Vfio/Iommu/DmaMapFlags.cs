namespace Mdev.Vfio;

/// <summary>
/// <c>vfio_iommu_type1_dma_map.flags</c> (<c>include/uapi/linux/vfio.h</c>). READ and WRITE are from the device's point
/// of view: READ lets the device read guest memory, WRITE lets it write guest memory.
/// </summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Mirrors the uapi field it models: vfio_iommu_type1_dma_map.flags.")]
public enum DmaMapFlags
{
    /// <summary>No flag; a map request without READ or WRITE is <c>EINVAL</c>.</summary>
    None = 0,

    /// <summary><c>VFIO_DMA_MAP_FLAG_READ</c> (1 &lt;&lt; 0): the device may read the range.</summary>
    Read = 1 << 0,

    /// <summary><c>VFIO_DMA_MAP_FLAG_WRITE</c> (1 &lt;&lt; 1): the device may write the range.</summary>
    Write = 1 << 1,

    /// <summary>
    /// <c>VFIO_DMA_MAP_FLAG_VADDR</c> (1 &lt;&lt; 2): update the process address of a mapping whose vaddr was
    /// invalidated. Never succeeds in a container with an mdev, see <see cref="Type1Iommu.Map"/>.
    /// </summary>
    Vaddr = 1 << 2,
}
