using Mdev.Vfio.Pci;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// The iGPU as the PCI core shows it in sysfs (<see cref="PciHostFunction"/>): vendor 0x8086, the options' device id,
/// class 0x030000 (VGA), revision 0x06; a PCI Express root-complex integrated endpoint (4096-byte config space, no
/// link); BAR0 GTTMMADR (16 MiB, 64-bit), BAR2 GMADR (the aperture, 64-bit prefetchable), BAR4 64 I/O ports; the boot VGA device. The
/// subsystem ids (8086:2212) and the addresses are this sample's choice, not a measured machine's.
/// </summary>
internal static class GvtHostFunction
{
    public static PciHostFunction Create(GvtOptions options)
    {
        ulong aperture = System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(options.ApertureMiB, 1) << 20);
        var header = new PciHeader(0x8086, options.DeviceId) { ClassCode = 0x030000, Revision = 0x06, SubsystemVendorId = 0x8086, SubsystemId = 0x2212 };
        return new PciHostFunction(
            options.PciAddress,
            header,
            [
                new(0, PciBarKind.Memory64, 0xf600_0000, 16 << 20),
                new(2, PciBarKind.Memory64, 0x40_0000_0000, aperture, Prefetchable: true),
                new(4, PciBarKind.Io, 0xf000, 64),
            ],
            PciHostFunction.ExpressRootComplexIntegratedEndpoint)
        {
            Irq = 16,
            DmaMaskBits = 39,
            BootVga = true,
        };
    }
}
