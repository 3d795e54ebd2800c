using Mdev.Vfio.Pci;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// The config space a vGPU shows its guest: vendor 0x10de, the board's device id, class VGA (0x030000, as guests list
/// vGPUs), revision A1, the type-0 preset's masks and INTA; BAR0 a 16 MiB 32-bit register BAR, BAR1 (with BAR2 as its
/// upper half) a 64-bit prefetchable framebuffer BAR (both declared by <see cref="VgpuDevice"/>); one MSI capability
/// with a 64-bit address.
/// </summary>
internal static class VgpuPciHeader
{
    public const int Size = 256;
    public const ulong Bar0Size = 16 << 20;
    private const byte MsiCapabilityId = 0x05;

    public static PciHeader For(GpuBoard board) =>
        new(0x10DE, board.DeviceId) { ClassCode = 0x030000, Revision = 0xA1, SubsystemVendorId = 0x10DE, ConfigSize = Size };

    /// <summary>Adds the MSI capability: message control (64-bit capable; enable and multiple-message-enable writable), address low/high, data. Returns its offset.</summary>
    public static int AddMsi(PciConfigSpace config) => config.AddCapability(
        MsiCapabilityId,
        [0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [0x71, 0x00, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00]);

    /// <summary>Whether the guest enabled MSI (message control bit 0).</summary>
    public static bool MsiEnabled(PciConfigSpace config, int msiCapability) => (config.ReadU16(msiCapability + 2) & 1) != 0;

    /// <summary>Whether the guest disabled INTx (command bit 10).</summary>
    public static bool IntxDisabled(PciConfigSpace config) => (config.ReadU16(PciConfigSpace.CommandOffset) & PciHeader.CommandIntxDisable) != 0;
}
