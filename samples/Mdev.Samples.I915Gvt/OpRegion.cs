using System.Buffers.Binary;
using System.Text;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// The virtual ACPI OpRegion GVT-g gives each vGPU (<c>intel_vgpu_init_opregion</c>), exposed read-only as VFIO region 9
/// with CAP_TYPE <c>PCI_VENDOR_TYPE | 0x8086</c>, subtype <c>IGD_OPREGION</c> (1); QEMU copies it into guest memory and
/// points config register ASLS (0xfc) at it. Two pages: header with the VBT mailbox only, lid forced open, the VBT at
/// 0x400 (this sample writes only its <c>$VBT</c> signature, not a whole VBT).
/// </summary>
internal static class OpRegion
{
    public const int Size = 2 * 4096;
    public const uint RegionType = 0x80000000 | 0x8086;
    public const uint RegionSubtype = 1;
    private const uint MailboxVbt = 1 << 3;

    public static byte[] Build()
    {
        var region = new byte[Size];
        Encoding.ASCII.GetBytes("IntelGraphicsMem", region);
        BinaryPrimitives.WriteUInt32LittleEndian(region.AsSpan(0x10), 8); // size in KiB
        BinaryPrimitives.WriteUInt32LittleEndian(region.AsSpan(0x14), 0x02000000); // OpRegion version 2.0
        BinaryPrimitives.WriteUInt32LittleEndian(region.AsSpan(0x58), MailboxVbt);
        region[0x1ac] = 0x3; // CLID: lid open
        Encoding.ASCII.GetBytes("$VBT", region.AsSpan(0x400));
        return region;
    }
}
