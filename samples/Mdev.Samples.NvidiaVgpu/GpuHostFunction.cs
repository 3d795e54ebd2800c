using Mdev.Vfio.Pci;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// The physical GPU as the PCI core shows it in sysfs (<see cref="PciHostFunction"/>): vendor 0x10de, the board's
/// device id from <see cref="BoardCatalog"/>, class 0x030200 (3D controller, as Tesla boards report), revision 0xa1; a
/// PCI Express endpoint at 8 GT/s x16; BAR0 16 MiB registers, BAR1 256 MiB and BAR3 32 MiB 64-bit prefetchable, BAR5
/// 128 I/O ports. The subsystem id (the board's device id again) and the addresses are this sample's choice.
/// </summary>
internal static class GpuHostFunction
{
    public static PciHostFunction Create(NvidiaGpuOptions options, GpuBoard board)
    {
        var header = new PciHeader(0x10de, board.DeviceId) { ClassCode = 0x030200, Revision = 0xa1, SubsystemVendorId = 0x10de, SubsystemId = board.DeviceId };
        return new PciHostFunction(
            options.PciAddress,
            header,
            [
                new(0, PciBarKind.Memory32, 0xfa00_0000, 16 << 20),
                new(1, PciBarKind.Memory64, 0x38_0000_0000, 256 << 20, Prefetchable: true),
                new(3, PciBarKind.Memory64, 0x38_1000_0000, 32 << 20, Prefetchable: true),
                new(5, PciBarKind.Io, 0xe000, 128),
            ],
            PciHostFunction.ExpressEndpoint,
            linkSpeed: 3,
            linkWidth: 16)
        {
            Irq = 16,
        };
    }
}
