using Mdev.Core;
using Mdev.Vfio.Pci;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests.Pci;

/// <summary>The vendor-driver toolkit: config space with write masks and BAR sizing, capability lists, interrupts, layouts.</summary>
public sealed class ToolkitTests
{
    [Fact]
    public void DefineBar_Io_SizesAndProgramsLikeHardware()
    {
        var cfg = new PciConfigSpace();
        cfg.DefineBar(0, PciBarKind.Io, 8);
        cfg.ReadU32(0x10).Should().Be(0x1);
        cfg.Write(0x10, Bytes.Of(0xffffffff));
        cfg.ReadU32(0x10).Should().Be(0xfffffff9, "all ones reads back the size mask with the I/O bit");
        cfg.Write(0x10, Bytes.Of(0xc150));
        cfg.ReadU32(0x10).Should().Be(0xc151);
        cfg.Write(0x10, Bytes.Of(0xc157));
        cfg.ReadU32(0x10).Should().Be(0xc151, "address bits below the size cannot be set");
    }

    [Fact]
    public void DefineBar_Memory64Prefetchable_UsesTwoBarsAndSizesBoth()
    {
        var cfg = new PciConfigSpace();
        cfg.DefineBar(2, PciBarKind.Memory64, 0x1_0000_0000, prefetchable: true);
        cfg.ReadU32(0x18).Should().Be(0xc);
        cfg.Write(0x18, Bytes.Of(0xffffffff, 0xffffffff));
        cfg.ReadU32(0x18).Should().Be(0x0000000c, "a 4 GiB BAR has no size bits in the low dword");
        cfg.ReadU32(0x1c).Should().Be(0xffffffff);
        cfg.DefineBar(0, PciBarKind.Memory32, 0x1000);
        cfg.Write(0x10, Bytes.Of(0xffffffff));
        cfg.ReadU32(0x10).Should().Be(0xfffff000);
    }

    [Theory]
    [InlineData(-1, PciBarKind.Io, 8UL)]
    [InlineData(6, PciBarKind.Io, 8UL)]
    [InlineData(5, PciBarKind.Memory64, 0x1000UL)]
    [InlineData(0, PciBarKind.Io, 6UL)]
    [InlineData(0, PciBarKind.Io, 2UL)]
    [InlineData(0, PciBarKind.Memory32, 8UL)]
    public void DefineBar_Invalid_IsEinval(int index, PciBarKind kind, ulong size)
    {
        var cfg = new PciConfigSpace();
        Expect.Errno(Errno.EINVAL, () => cfg.DefineBar(index, kind, size));
        cfg.ReadU32(0x10).Should().Be(0);
    }

    [Fact]
    public void WriteMask_KeepsReadOnlyRegisters_AndOutOfRangeIsEinval()
    {
        var cfg = new PciConfigSpace();
        cfg.SetIds(0x4348, 0x3253, 0x070002, revision: 0x10);
        cfg.Write(0, Bytes.Of(0xffffffff));
        cfg.ReadU32(0).Should().Be(0x32534348u);
        cfg.ReadU8(0x09).Should().Be(0x02);
        cfg.ReadU8(0x0b).Should().Be(0x07);
        cfg.SetWriteMask(0x3c, [0xff]);
        cfg.Write(0x3c, [0x0b, 0x77]);
        (cfg.ReadU8(0x3c), cfg.ReadU8(0x3d)).Should().Be(((byte)0x0b, (byte)0));
        Expect.Errno(Errno.EINVAL, () => cfg.Write(0xfe, Bytes.Of(1)));
        Expect.Errno(Errno.EINVAL, () => cfg.ReadU32(0xfd));
    }

    [Fact]
    public void AddCapability_LinksTheListAndSetsTheStatusBit()
    {
        var cfg = new PciConfigSpace();
        int msi = cfg.AddCapability(0x05, new byte[10]);
        int vendor = cfg.AddCapability(0x09, [0x10, 1, 2, 3, 4]);
        (msi, vendor).Should().Be((0x40, 0x4c));
        cfg.ReadU8(0x34).Should().Be(0x40);
        (cfg.ReadU8(0x40), cfg.ReadU8(0x41)).Should().Be(((byte)0x05, (byte)0x4c));
        (cfg.ReadU8(0x4c), cfg.ReadU8(0x4d), cfg.ReadU8(0x4e)).Should().Be(((byte)0x09, (byte)0, (byte)0x10));
        (cfg.ReadU16(0x06) & PciConfigSpace.StatusCapList).Should().Be(PciConfigSpace.StatusCapList);
        Expect.Errno(Errno.ENOSPC, () => cfg.AddCapability(0x10, new byte[200]));
    }

    [Fact]
    public void Intx_AutoMasksUntilUnmasked_AndMsiNever()
    {
        using var efd = new EventFd();
        var intx = new IntxInterrupt();
        intx.Raise().Should().BeFalse("no eventfd bound");
        intx.Bind(efd);
        intx.Raise().Should().BeTrue();
        intx.Raise().Should().BeFalse("auto-masked");
        intx.IsMasked.Should().BeTrue();
        efd.Read().Should().Be(1);
        intx.Unmask();
        intx.Raise().Should().BeTrue();
        intx.Fired.Should().Be(2);

        using var msiFd = new EventFd();
        var msi = new MsiInterrupt();
        msi.Bind(msiFd);
        msi.Raise().Should().BeTrue();
        msi.Raise().Should().BeTrue();
        msiFd.Read().Should().Be(2);
        msiFd.Dispose();
        msi.Raise().Should().BeTrue("the kernel's reference keeps a closed eventfd signalable");
    }

    [Fact]
    public void RegionOffsets_EncodeAndDecode()
    {
        VfioRegionOffsets.PciIndexToOffset(7).Should().Be(0x700_0000_0000);
        VfioRegionOffsets.PciOffsetToIndex(0x700_0000_0010).Should().Be(7);
        VfioRegionOffsets.PciOffsetInRegion(0x700_0000_0010).Should().Be(0x10);
        VfioRegionOffsets.CcwIndexToOffset(3).Should().Be(0xc00);
        VfioRegionOffsets.CcwOffsetToIndex(0xc04).Should().Be(3);
    }

    [Fact]
    public void FlatLayout_PlacesRegionsOnPages_AndFindsAccessesInsideOneRegion()
    {
        var layout = new VfioFlatRegionLayout();
        layout.Add(7, 0xff).Should().Be(0);
        layout.Add(0, 0x200000).Should().Be(0x1000);
        layout.Add(16, 0x10).Should().Be(0x201000);
        Expect.Errno(Errno.EINVAL, () => layout.Add(7, 0x10));
        Expect.Errno(Errno.EINVAL, () => layout.Add(9, 0));
        layout.OffsetOf(16).Should().Be(0x201000);
        Expect.Errno(Errno.EINVAL, () => layout.OffsetOf(1));
        layout.TryFind(0x1004, 4, out var index, out var inRegion).Should().BeTrue();
        (index, inRegion).Should().Be((0u, 4L));
        layout.TryFind(0xfe, 4, out _, out _).Should().BeFalse("the access runs past the config region");
        layout.TryFind(0x800, 1, out _, out _).Should().BeFalse("the gap after a region belongs to none");
    }
}
