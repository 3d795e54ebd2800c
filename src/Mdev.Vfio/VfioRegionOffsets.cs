namespace Mdev.Vfio;

/// <summary>
/// The device-file offset encodings drivers use for regions (kernel-internal conventions; user space must use
/// <see cref="VfioRegionInfo.Offset"/>): vfio-pci, mtty and GVT-g put region <c>i</c> at <c>i &lt;&lt; 40</c>; vfio-ccw at
/// <c>i &lt;&lt; 10</c>; mdpy and mbochs use flat custom layouts.
/// </summary>
/// <remarks>
/// One offset type per side of the uapi: a region's offset is a <see cref="ulong"/>, as <c>vfio_region_info.offset</c>
/// (<c>__u64</c>) and <see cref="VfioRegionInfo.Offset"/>, so <c>*IndexToOffset</c> feed <see cref="VfioRegionInfo"/>
/// directly; a file position is a <see cref="long"/>, as <c>pread</c>'s <c>off_t</c> and the device file's
/// <c>Read</c>/<c>Write</c>/<c>Mmap</c>, so the decoders take one.
/// </remarks>
public static class VfioRegionOffsets
{
    /// <summary><c>VFIO_PCI_OFFSET_SHIFT</c>.</summary>
    public const int PciShift = 40;

    /// <summary><c>VFIO_CCW_OFFSET_SHIFT</c>.</summary>
    public const int CcwShift = 10;

    /// <summary><c>VFIO_PCI_INDEX_TO_OFFSET</c>.</summary>
    /// <param name="index">The region index.</param>
    /// <returns>The region's file offset.</returns>
    public static ulong PciIndexToOffset(uint index) => (ulong)index << PciShift;

    /// <summary><c>VFIO_PCI_OFFSET_TO_INDEX</c>.</summary>
    /// <param name="offset">A file offset.</param>
    /// <returns>The region index.</returns>
    public static uint PciOffsetToIndex(long offset) => (uint)((ulong)offset >> PciShift);

    /// <summary>The offset within the region (<c>offset &amp; VFIO_PCI_OFFSET_MASK</c>).</summary>
    /// <param name="offset">A file offset.</param>
    /// <returns>The offset within its region.</returns>
    public static long PciOffsetInRegion(long offset) => offset & ((1L << PciShift) - 1);

    /// <summary>The ccw encoding: region <paramref name="index"/> at <c>index &lt;&lt; 10</c>.</summary>
    /// <param name="index">The region index.</param>
    /// <returns>The region's file offset.</returns>
    public static ulong CcwIndexToOffset(uint index) => (ulong)index << CcwShift;

    /// <summary>The ccw region index of a file offset.</summary>
    /// <param name="offset">A file offset.</param>
    /// <returns>The region index.</returns>
    public static uint CcwOffsetToIndex(long offset) => (uint)((ulong)offset >> CcwShift);
}
