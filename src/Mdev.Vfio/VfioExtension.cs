namespace Mdev.Vfio;

/// <summary>The extension ids of <c>VFIO_CHECK_EXTENSION</c> and <c>VFIO_SET_IOMMU</c> (<c>include/uapi/linux/vfio.h</c>).</summary>
public static class VfioExtension
{
    /// <summary><c>VFIO_TYPE1_IOMMU</c>.</summary>
    public const uint Type1Iommu = 1;

    /// <summary><c>VFIO_SPAPR_TCE_IOMMU</c>.</summary>
    public const uint SpaprTceIommu = 2;

    /// <summary><c>VFIO_TYPE1v2_IOMMU</c>.</summary>
    public const uint Type1v2Iommu = 3;

    /// <summary><c>VFIO_DMA_CC_IOMMU</c>: DMA cache coherency.</summary>
    public const uint DmaCcIommu = 4;

    /// <summary><c>VFIO_EEH</c>.</summary>
    public const uint Eeh = 5;

    /// <summary><c>__VFIO_RESERVED_TYPE1_NESTING_IOMMU</c> (was <c>VFIO_TYPE1_NESTING_IOMMU</c>).</summary>
    public const uint Type1NestingIommu = 6;

    /// <summary><c>VFIO_SPAPR_TCE_v2_IOMMU</c>.</summary>
    public const uint SpaprTceV2Iommu = 7;

    /// <summary><c>VFIO_NOIOMMU_IOMMU</c>.</summary>
    public const uint NoIommu = 8;

    /// <summary><c>VFIO_UNMAP_ALL</c>.</summary>
    public const uint UnmapAll = 9;

    /// <summary><c>VFIO_UPDATE_VADDR</c>.</summary>
    public const uint UpdateVaddr = 10;
}
