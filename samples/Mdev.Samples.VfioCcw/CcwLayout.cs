using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw;

/// <summary>
/// The vfio-ccw user API layout (<c>include/uapi/linux/vfio_ccw.h</c>, <c>vfio_ccw_ops.c</c>): regions at
/// <c>index &lt;&lt; 10</c>, the I/O region's fields, and the IRQ indexes. Byte areas hold s390 architecture blocks
/// (big-endian); the <c>__u32</c> fields (<c>ret_code</c>, <c>command</c>) are host order, little-endian on this host.
/// </summary>
internal static class CcwLayout
{
    /// <summary><c>VFIO_CCW_CONFIG_REGION_INDEX</c>.</summary>
    public const uint ConfigRegionIndex = 0;

    /// <summary><c>VFIO_CCW_NUM_REGIONS</c>: regions that exist before the device is opened.</summary>
    public const uint BaseRegions = 1;

    /// <summary><c>VFIO_CCW_OFFSET_MASK</c>.</summary>
    public const long OffsetMask = (1L << VfioRegionOffsets.CcwShift) - 1;

    /// <summary><c>sizeof(struct ccw_io_region)</c>.</summary>
    public const int IoRegionSize = 124;

    /// <summary><c>orb_area</c> offset and size.</summary>
    public const int OrbOffset = 0, OrbSize = 12;

    /// <summary><c>scsw_area</c> offset and size.</summary>
    public const int ScswOffset = 12, ScswSize = 12;

    /// <summary><c>irb_area</c> offset and size.</summary>
    public const int IrbOffset = 24, IrbSize = 96;

    /// <summary><c>ret_code</c> offset.</summary>
    public const int RetCodeOffset = 120;

    /// <summary><c>sizeof(struct ccw_cmd_region)</c>: <c>command</c> at 0, <c>ret_code</c> at 4.</summary>
    public const int CmdRegionSize = 8;

    /// <summary><c>sizeof(struct ccw_schib_region)</c>.</summary>
    public const int SchibRegionSize = 52;

    /// <summary><c>sizeof(struct ccw_crw_region)</c>: <c>crw</c> at 0, <c>pad</c> at 4.</summary>
    public const int CrwRegionSize = 8;

    /// <summary><c>VFIO_CCW_ASYNC_CMD_HSCH</c>.</summary>
    public const uint AsyncCmdHsch = 1 << 0;

    /// <summary><c>VFIO_CCW_ASYNC_CMD_CSCH</c>.</summary>
    public const uint AsyncCmdCsch = 1 << 1;

    /// <summary><c>VFIO_REGION_TYPE_CCW</c>.</summary>
    public const uint RegionTypeCcw = 2;

    /// <summary>The I/O region, always present.</summary>
    public static readonly CcwRegion IoRegion = new(ConfigRegionIndex, 0, IoRegionSize, VfioRegionFlags.Read | VfioRegionFlags.Write);

    /// <summary>The regions <c>open_device</c> registers, in its order: async command, SCHIB, CRW.</summary>
    public static readonly IReadOnlyList<CcwRegion> DeviceRegions =
    [
        new(1, 1, CmdRegionSize, VfioRegionFlags.Read | VfioRegionFlags.Write),
        new(2, 2, SchibRegionSize, VfioRegionFlags.Read),
        new(3, 3, CrwRegionSize, VfioRegionFlags.Read),
    ];

    /// <summary><c>VFIO_CCW_IO_IRQ_INDEX</c>.</summary>
    public const uint IoIrq = 0;

    /// <summary><c>VFIO_CCW_CRW_IRQ_INDEX</c>.</summary>
    public const uint CrwIrq = 1;

    /// <summary><c>VFIO_CCW_REQ_IRQ_INDEX</c>.</summary>
    public const uint ReqIrq = 2;

    /// <summary><c>VFIO_CCW_NUM_IRQS</c>.</summary>
    public const uint NumIrqs = 3;
}
