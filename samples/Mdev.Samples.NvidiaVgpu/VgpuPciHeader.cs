using Mdev.Vfio.Pci;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// The config space a vGPU shows its guest: vendor 0x10de, the board's device id, class VGA (0x030000, as guests list
/// vGPUs), revision A1; BAR0 a 16 MiB 32-bit register BAR, BAR1 (with BAR2 as its upper half) a 64-bit prefetchable
/// framebuffer BAR; INTA; one MSI capability with a 64-bit address.
/// </summary>
internal static class VgpuPciHeader
{
    public const int Size = 256;
    public const ulong Bar0Size = 16 << 20;
    public const ushort CommandIntxDisable = 0x0400;
    private const int InterruptLineOffset = 0x3c;
    private const int InterruptPinOffset = 0x3d;
    private const byte MsiCapabilityId = 0x05;

    /// <summary>Builds the config space; <paramref name="msiCapability"/> is the MSI capability's offset.</summary>
    public static PciConfigSpace Build(GpuBoard board, ulong bar1Size, out int msiCapability)
    {
        var config = new PciConfigSpace(Size);
        config.SetIds(0x10DE, board.DeviceId, 0x030000, revision: 0xA1, subsystemVendorId: 0x10DE);

        // Command: I/O, memory, bus master and INTx-disable are the guest's to change.
        config.SetWriteMask(PciConfigSpace.CommandOffset, [0x07, 0x04]);
        config.DefineBar(0, PciBarKind.Memory32, Bar0Size);
        config.DefineBar(1, PciBarKind.Memory64, bar1Size, prefetchable: true);
        config.SetU8(InterruptPinOffset, 1);
        config.SetWriteMask(InterruptLineOffset, [0xff]);

        // MSI: message control (64-bit capable; enable and multiple-message-enable writable), address low/high, data.
        msiCapability = config.AddCapability(
            MsiCapabilityId,
            [0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            [0x71, 0x00, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00]);
        return config;
    }

    /// <summary>Whether the guest enabled MSI (message control bit 0).</summary>
    public static bool MsiEnabled(PciConfigSpace config, int msiCapability) => (config.ReadU16(msiCapability + 2) & 1) != 0;

    /// <summary>Whether the guest disabled INTx (command bit 10).</summary>
    public static bool IntxDisabled(PciConfigSpace config) => (config.ReadU16(PciConfigSpace.CommandOffset) & CommandIntxDisable) != 0;
}
