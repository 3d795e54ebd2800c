namespace Mdev.Vfio;

/// <summary><c>struct vfio_region_info</c> with its capability chain (what <c>VFIO_DEVICE_GET_REGION_INFO</c> returns).</summary>
/// <param name="Index">The region index (PCI: BAR0..5 = 0..5, ROM 6, CONFIG 7, VGA 8, device-specific from 9).</param>
/// <param name="Flags">READ, WRITE, MMAP; CAPS is added by the device file when <paramref name="Capabilities"/> is not empty.</param>
/// <param name="Size">The region's size; 0 for an unimplemented index.</param>
/// <param name="Offset">The device-file offset of the region (for read, write and mmap).</param>
/// <param name="Capabilities">The capability chain, in order; empty for none.</param>
public sealed record VfioRegionInfo(uint Index, VfioRegionFlags Flags, ulong Size, ulong Offset, IReadOnlyList<VfioRegionCapability> Capabilities)
{
    /// <summary>A region without capabilities.</summary>
    /// <param name="index">The region index.</param>
    /// <param name="flags">The flags.</param>
    /// <param name="size">The size.</param>
    /// <param name="offset">The device-file offset.</param>
    public VfioRegionInfo(uint index, VfioRegionFlags flags, ulong size, ulong offset)
        : this(index, flags, size, offset, [])
    {
    }

    /// <inheritdoc />
    public bool Equals(VfioRegionInfo? other) =>
        other is not null && Index == other.Index && Flags == other.Flags && Size == other.Size && Offset == other.Offset
        && Capabilities.SequenceEqual(other.Capabilities);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Index, Flags, Size, Offset, Capabilities.Count);
}
