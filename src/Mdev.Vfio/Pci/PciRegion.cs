namespace Mdev.Vfio.Pci;

/// <summary>One region declared on a <see cref="PciDevice"/>: its info and its handlers.</summary>
internal sealed record PciRegion(
    uint Index,
    ulong Size,
    VfioRegionFlags Flags,
    PciRegionReader? Read,
    PciRegionWriter? Write,
    PciRegionMapper? Mmap,
    IReadOnlyList<VfioRegionCapability> Capabilities)
{
    public VfioRegionInfo Info => new(Index, Flags, Size, VfioRegionOffsets.PciIndexToOffset(Index), Capabilities);
}
