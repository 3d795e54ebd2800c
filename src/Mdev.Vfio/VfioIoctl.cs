namespace Mdev.Vfio;

/// <summary>
/// The VFIO ioctl request numbers of <c>include/uapi/linux/vfio.h</c>: <c>_IO(VFIO_TYPE, VFIO_BASE + n)</c> with
/// <c>VFIO_TYPE = ';'</c> and <c>VFIO_BASE = 100</c>, i.e. <c>0x3B64 + n</c> (no size or direction bits). Numbers are
/// shared between container, group and device files; dispatch is per file type.
/// </summary>
public static class VfioIoctl
{
    /// <summary><c>VFIO_API_VERSION</c>: what <see cref="GetApiVersion"/> returns.</summary>
    public const int ApiVersion = 0;

    /// <summary><c>VFIO_TYPE</c>, the ioctl type character <c>';'</c>.</summary>
    public const uint Type = ';';

    /// <summary><c>VFIO_BASE</c>.</summary>
    public const uint Base = 100;

    /// <summary><c>VFIO_GET_API_VERSION</c> (container).</summary>
    public const uint GetApiVersion = (Type << 8) | (Base + 0);

    /// <summary><c>VFIO_CHECK_EXTENSION</c> (container).</summary>
    public const uint CheckExtension = (Type << 8) | (Base + 1);

    /// <summary><c>VFIO_SET_IOMMU</c> (container).</summary>
    public const uint SetIommu = (Type << 8) | (Base + 2);

    /// <summary><c>VFIO_GROUP_GET_STATUS</c> (group).</summary>
    public const uint GroupGetStatus = (Type << 8) | (Base + 3);

    /// <summary><c>VFIO_GROUP_SET_CONTAINER</c> (group).</summary>
    public const uint GroupSetContainer = (Type << 8) | (Base + 4);

    /// <summary><c>VFIO_GROUP_UNSET_CONTAINER</c> (group).</summary>
    public const uint GroupUnsetContainer = (Type << 8) | (Base + 5);

    /// <summary><c>VFIO_GROUP_GET_DEVICE_FD</c> (group).</summary>
    public const uint GroupGetDeviceFd = (Type << 8) | (Base + 6);

    /// <summary><c>VFIO_DEVICE_GET_INFO</c> (device).</summary>
    public const uint DeviceGetInfo = (Type << 8) | (Base + 7);

    /// <summary><c>VFIO_DEVICE_GET_REGION_INFO</c> (device).</summary>
    public const uint DeviceGetRegionInfo = (Type << 8) | (Base + 8);

    /// <summary><c>VFIO_DEVICE_GET_IRQ_INFO</c> (device).</summary>
    public const uint DeviceGetIrqInfo = (Type << 8) | (Base + 9);

    /// <summary><c>VFIO_DEVICE_SET_IRQS</c> (device).</summary>
    public const uint DeviceSetIrqs = (Type << 8) | (Base + 10);

    /// <summary><c>VFIO_DEVICE_RESET</c> (device).</summary>
    public const uint DeviceReset = (Type << 8) | (Base + 11);

    /// <summary><c>VFIO_IOMMU_GET_INFO</c> (container; the device's <c>VFIO_DEVICE_GET_PCI_HOT_RESET_INFO</c> shares the number).</summary>
    public const uint IommuGetInfo = (Type << 8) | (Base + 12);

    /// <summary><c>VFIO_IOMMU_MAP_DMA</c> (container).</summary>
    public const uint IommuMapDma = (Type << 8) | (Base + 13);

    /// <summary><c>VFIO_IOMMU_UNMAP_DMA</c> (container).</summary>
    public const uint IommuUnmapDma = (Type << 8) | (Base + 14);

    /// <summary><c>VFIO_DEVICE_QUERY_GFX_PLANE</c> (device).</summary>
    public const uint DeviceQueryGfxPlane = (Type << 8) | (Base + 14);

    /// <summary><c>VFIO_DEVICE_FEATURE</c> (device).</summary>
    public const uint DeviceFeature = (Type << 8) | (Base + 17);

    /// <summary><c>VFIO_IOMMU_DIRTY_PAGES</c> (container).</summary>
    public const uint IommuDirtyPages = (Type << 8) | (Base + 17);

    /// <summary><c>VFIO_DEVICE_QUERY_GFX_PLANE</c> shares 14 with UNMAP_DMA; <c>VFIO_DEVICE_GET_GFX_DMABUF</c> (device).</summary>
    public const uint DeviceGetGfxDmabuf = (Type << 8) | (Base + 15);

    /// <summary><c>VFIO_MIG_GET_PRECOPY_INFO</c> (a saving migration stream).</summary>
    public const uint MigGetPrecopyInfo = (Type << 8) | (Base + 21);

    /// <summary><c>VFIO_DEVICE_FEATURE_MASK</c>: the feature index bits of <c>vfio_device_feature.flags</c>.</summary>
    public const uint FeatureMask = 0xffff;

    /// <summary><c>VFIO_DEVICE_FEATURE_GET</c>.</summary>
    public const uint FeatureGet = 1 << 16;

    /// <summary><c>VFIO_DEVICE_FEATURE_SET</c>.</summary>
    public const uint FeatureSet = 1 << 17;

    /// <summary><c>VFIO_DEVICE_FEATURE_PROBE</c>.</summary>
    public const uint FeatureProbe = 1 << 18;

    /// <summary><c>VFIO_DEVICE_FEATURE_MIGRATION</c>.</summary>
    public const uint FeatureMigration = 1;

    /// <summary><c>VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE</c>.</summary>
    public const uint FeatureMigDeviceState = 2;

    /// <summary><c>VFIO_DEVICE_FEATURE_DMA_LOGGING_START</c>.</summary>
    public const uint FeatureDmaLoggingStart = 6;

    /// <summary><c>VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP</c>.</summary>
    public const uint FeatureDmaLoggingStop = 7;

    /// <summary><c>VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT</c>.</summary>
    public const uint FeatureDmaLoggingReport = 8;

    /// <summary><c>VFIO_DEVICE_FEATURE_MIG_DATA_SIZE</c>.</summary>
    public const uint FeatureMigDataSize = 9;
}
