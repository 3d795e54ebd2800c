using Mdev.Vfio.Pci;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// The config space of a vGPU (4 KiB, <c>PCI_CFG_SPACE_EXP_SIZE</c>): vendor 0x8086, the iGPU's device id, class VGA;
/// BAR0 (GTTMMADR, 64-bit) 16 MiB of MMIO and GGTT entries, BAR2 (GMADR, 64-bit prefetchable) the aperture; INTA; an
/// MSI capability; ASLS (0xfc), the OpRegion address, writable.
/// </summary>
internal static class GvtPciHeader
{
    public const int Size = 4096;
    public const ulong Bar0Size = 16 << 20;
    public const int Asls = 0xfc;
    private const byte MsiCapabilityId = 0x05;

    public static PciConfigSpace Build(GvtHardware hardware)
    {
        var config = new PciConfigSpace(Size);
        config.SetIds(0x8086, hardware.DeviceId, 0x030000, subsystemVendorId: 0x8086);
        config.SetWriteMask(PciConfigSpace.CommandOffset, [0x07, 0x04]);
        config.DefineBar(0, PciBarKind.Memory64, Bar0Size);
        config.DefineBar(2, PciBarKind.Memory64, hardware.ApertureSize, prefetchable: true);
        config.SetU8(0x3d, 1); // interrupt pin INTA
        config.SetWriteMask(0x3c, [0xff]);

        // MSI with a 32-bit address: control (enable writable), address, data.
        config.AddCapability(MsiCapabilityId, [0, 0, 0, 0, 0, 0, 0, 0], [0x01, 0x00, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff]);
        config.SetWriteMask(Asls, [0xff, 0xff, 0xff, 0xff]);
        return config;
    }
}
