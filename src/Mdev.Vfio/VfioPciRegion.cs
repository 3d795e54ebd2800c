namespace Mdev.Vfio;

/// <summary>
/// The region indexes of a <c>vfio-pci</c> device (<c>enum { VFIO_PCI_BAR0_REGION_INDEX, ... }</c> of
/// <c>include/uapi/linux/vfio.h</c>): BAR0..BAR5, the expansion ROM, the config space and the legacy VGA window;
/// device-specific regions follow from <see cref="NumRegions"/>.
/// </summary>
public static class VfioPciRegion
{
    /// <summary><c>VFIO_PCI_BAR0_REGION_INDEX</c>.</summary>
    public const uint Bar0 = 0;

    /// <summary><c>VFIO_PCI_BAR1_REGION_INDEX</c>.</summary>
    public const uint Bar1 = 1;

    /// <summary><c>VFIO_PCI_BAR2_REGION_INDEX</c>.</summary>
    public const uint Bar2 = 2;

    /// <summary><c>VFIO_PCI_BAR3_REGION_INDEX</c>.</summary>
    public const uint Bar3 = 3;

    /// <summary><c>VFIO_PCI_BAR4_REGION_INDEX</c>.</summary>
    public const uint Bar4 = 4;

    /// <summary><c>VFIO_PCI_BAR5_REGION_INDEX</c>.</summary>
    public const uint Bar5 = 5;

    /// <summary><c>VFIO_PCI_ROM_REGION_INDEX</c>.</summary>
    public const uint Rom = 6;

    /// <summary><c>VFIO_PCI_CONFIG_REGION_INDEX</c>.</summary>
    public const uint Config = 7;

    /// <summary><c>VFIO_PCI_VGA_REGION_INDEX</c> (legacy VGA: memory 0xa0000-0xbffff, I/O 0x3b0-0x3bb and 0x3c0-0x3df).</summary>
    public const uint Vga = 8;

    /// <summary><c>VFIO_PCI_NUM_REGIONS</c>: the number of standard regions (9); device-specific ones start here.</summary>
    public const uint NumRegions = 9;

    /// <summary>Whether region <paramref name="index"/> is one of BAR0..BAR5.</summary>
    /// <param name="index">The region index.</param>
    /// <returns>Whether the region index is a BAR's.</returns>
    public static bool IsBar(uint index) => index <= Bar5;
}
