using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw;

/// <summary>One vfio-ccw region: its index, CCW subtype (0 for the I/O region, which has no CAP_TYPE), size and flags.</summary>
/// <param name="Index">The region index.</param>
/// <param name="Subtype"><c>VFIO_REGION_SUBTYPE_CCW_*</c> (ASYNC_CMD 1, SCHIB 2, CRW 3), or 0.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Flags">READ/WRITE.</param>
internal sealed record CcwRegion(uint Index, uint Subtype, int Size, VfioRegionFlags Flags)
{
    /// <summary>The file offset, <c>index &lt;&lt; 10</c>.</summary>
    public ulong Offset => (ulong)VfioRegionOffsets.CcwIndexToOffset(Index);

    /// <summary>The region info <c>VFIO_DEVICE_GET_REGION_INFO</c> reports: the extra regions carry CAP_TYPE (type 2, their subtype).</summary>
    public VfioRegionInfo Info => Subtype == 0
        ? new VfioRegionInfo(Index, Flags, (ulong)Size, Offset)
        : new VfioRegionInfo(Index, Flags, (ulong)Size, Offset, [new VfioRegionTypeCapability(CcwLayout.RegionTypeCcw, Subtype)]);
}
