using Mdev.Core;

namespace Mdev.Vfio.Tests;

public sealed class Type1IommuTests
{
    private const ulong KiB4 = 0x1000;
    private const ulong MiB = 0x10_0000;
    private const DmaMapFlags RW = DmaMapFlags.Read | DmaMapFlags.Write;

    // ---- spec §6 vector 14 ------------------------------------------------------------------------------------------

    [Fact]
    public void Vector14_MapRemapZeroSizeNoFlagsUnmapBisect_AsTheSpecSays()
    {
        var iommu = new Type1Iommu(v2: true);

        iommu.Map(0x7f00_0000_0000, 0, MiB, RW, Ram(MiB));
        iommu.Mappings.Should().Equal((0UL, MiB));

        ExpectErrno(Errno.EEXIST, () => iommu.Map(0x7f00_0000_0000, 0, MiB, RW, Ram(MiB)));
        ExpectErrno(Errno.EINVAL, () => iommu.Map(0x7f00_0010_0000, MiB, 0, RW, Memory<byte>.Empty));
        ExpectErrno(Errno.EINVAL, () => iommu.Map(0x7f00_0010_0000, MiB, MiB, DmaMapFlags.None, Ram(MiB)));
        iommu.MappingCount.Should().Be(1);

        iommu.Unmap(0, MiB).Should().Be(MiB);
        iommu.MappingCount.Should().Be(0);

        iommu.Map(0x7f00_0000_0000, 0, MiB, RW, Ram(MiB));
        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(0, MiB / 2)).Message.Should().Contain("bisects");
        iommu.Mappings.Should().Equal((0UL, MiB));
    }

    // ---- constants and counters -------------------------------------------------------------------------------------

    [Fact]
    public void Constants_Fresh_MatchAnMdevOnlyContainer()
    {
        var iommu = new Type1Iommu(v2: true);

        Type1Iommu.PageSize.Should().Be(4096);
        Type1Iommu.PageSizeBitmap.Should().Be(0xFFFF_FFFF_FFFF_F000);
        Type1Iommu.PinPagesMaxEntries.Should().Be(512);
        iommu.DmaEntryLimit.Should().Be(65535);
        iommu.DmaAvailable.Should().Be(65535);
        iommu.MappingCount.Should().Be(0);
        iommu.Mappings.Should().BeEmpty();
        iommu.IsV2.Should().BeTrue();
        new Type1Iommu(v2: false).IsV2.Should().BeFalse();
    }

    [Fact]
    public void Constructor_NegativeLimit_Throws()
    {
        var act = () => new Type1Iommu(v2: true, dmaEntryLimit: -1);
        act.Should().Throw<ArgumentOutOfRangeException>();
        new Type1Iommu(v2: true, dmaEntryLimit: 0).DmaAvailable.Should().Be(0);
    }

    [Fact]
    public void Mappings_SeveralMaps_SnapshotSortedByIova()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0x30000, KiB4, RW, Ram(KiB4));
        iommu.Map(0, 0x10000, 2 * KiB4, RW, Ram(2 * KiB4));
        iommu.Map(0, 0x20000, KiB4, DmaMapFlags.Read, Ram(KiB4));

        var snapshot = iommu.Mappings;
        iommu.Unmap(0x10000, 2 * KiB4);

        snapshot.Should().Equal((0x10000UL, 2 * KiB4), (0x20000UL, KiB4), (0x30000UL, KiB4));
        iommu.Mappings.Should().Equal((0x20000UL, KiB4), (0x30000UL, KiB4));
        iommu.MappingCount.Should().Be(2);
        iommu.DmaAvailable.Should().Be(65533);
    }

    // ---- MAP --------------------------------------------------------------------------------------------------------

    [Fact]
    public void Map_UnknownFlagBits_Einval()
    {
        var iommu = new Type1Iommu(v2: true);

        var ex = ExpectErrno(Errno.EINVAL, () => iommu.Map(0, 0, KiB4, RW | (DmaMapFlags)8, Ram(KiB4)));
        ex.Message.Should().Be("map dma iova 0x0 size 0x1000: unknown flags 0x8 (EINVAL)");
        iommu.MappingCount.Should().Be(0);

        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));
        iommu.MappingCount.Should().Be(1);
    }

    [Fact]
    public void Map_NeitherReadNorWrite_Einval()
    {
        var iommu = new Type1Iommu(v2: true);

        ExpectErrno(Errno.EINVAL, () => iommu.Map(0, 0, KiB4, DmaMapFlags.None, Ram(KiB4)))
            .Message.Should().Be("map dma iova 0x0 size 0x1000: neither READ nor WRITE is set (EINVAL)");

        iommu.Map(0, 0, KiB4, DmaMapFlags.Read, Ram(KiB4));
        iommu.Map(0, KiB4, KiB4, DmaMapFlags.Write, Ram(KiB4));
        iommu.MappingCount.Should().Be(2);
    }

    [Fact]
    public void Map_VaddrWithReadOrWrite_Einval()
    {
        var iommu = new Type1Iommu(v2: true);

        ExpectErrno(Errno.EINVAL, () => iommu.Map(0, 0, KiB4, DmaMapFlags.Vaddr | DmaMapFlags.Read, Ram(KiB4)))
            .Message.Should().Contain("VADDR cannot be combined");
        iommu.MappingCount.Should().Be(0);
    }

    [Fact]
    public void Map_VaddrAlone_EnoentWhenNothingMappedElseEinval()
    {
        var iommu = new Type1Iommu(v2: true);

        ExpectErrno(Errno.ENOENT, () => iommu.Map(0x5000, 0, KiB4, DmaMapFlags.Vaddr, Memory<byte>.Empty));

        iommu.Map(0x1000, 0, KiB4, RW, Ram(KiB4));
        ExpectErrno(Errno.EINVAL, () => iommu.Map(0x5000, 0, KiB4, DmaMapFlags.Vaddr, Memory<byte>.Empty))
            .Message.Should().Contain("never invalidated");
        iommu.Mappings.Should().Equal((0UL, KiB4));
    }

    [Fact]
    public void Map_ZeroSize_Einval()
    {
        var iommu = new Type1Iommu(v2: true);

        ExpectErrno(Errno.EINVAL, () => iommu.Map(0, 0x1000, 0, RW, Memory<byte>.Empty))
            .Message.Should().Be("map dma iova 0x1000 size 0x0: size is zero (EINVAL)");

        iommu.Map(0, 0x1000, KiB4, RW, Ram(KiB4));
        iommu.Mappings.Should().Equal((0x1000UL, KiB4));
    }

    [Theory]
    [InlineData(0x0UL, 0x0UL, 0x800UL)]
    [InlineData(0x0UL, 0x800UL, 0x1000UL)]
    [InlineData(0x10UL, 0x0UL, 0x1000UL)]
    [InlineData(0x1000UL, 0x2000UL, 0x1001UL)]
    public void Map_NotPageAligned_Einval(ulong vaddr, ulong iova, ulong size)
    {
        var iommu = new Type1Iommu(v2: true);

        ExpectErrno(Errno.EINVAL, () => iommu.Map(vaddr, iova, size, RW, new byte[size]))
            .Message.Should().Contain("4 KiB aligned");
        iommu.MappingCount.Should().Be(0);

        iommu.Map(vaddr & ~0xFFFUL, iova & ~0xFFFUL, KiB4, RW, Ram(KiB4));
        iommu.MappingCount.Should().Be(1);
    }

    [Fact]
    public void Map_IovaWrapsPastTop_EinvalButTheLastPageMaps()
    {
        var iommu = new Type1Iommu(v2: true);
        const ulong LastPage = 0xFFFF_FFFF_FFFF_F000;

        ExpectErrno(Errno.EINVAL, () => iommu.Map(0, LastPage, 2 * KiB4, RW, Ram(2 * KiB4)))
            .Message.Should().Contain("iova range wraps");

        iommu.Map(0, LastPage, KiB4, RW, Ram(KiB4));
        iommu.Mappings.Should().Equal((LastPage, KiB4));
        iommu.Write(ulong.MaxValue, [0x5A]);
        var b = new byte[1];
        iommu.Read(ulong.MaxValue, b);
        b[0].Should().Be(0x5A);
        iommu.Unmap(LastPage, KiB4).Should().Be(KiB4);
    }

    [Fact]
    public void Map_VaddrWrapsPastTop_Einval()
    {
        var iommu = new Type1Iommu(v2: true);

        ExpectErrno(Errno.EINVAL, () => iommu.Map(0xFFFF_FFFF_FFFF_F000, 0, 2 * KiB4, RW, Ram(2 * KiB4)))
            .Message.Should().Contain("vaddr range");

        iommu.Map(0xFFFF_FFFF_FFFF_E000, 0, 2 * KiB4, RW, Ram(2 * KiB4));
        iommu.MappingCount.Should().Be(1);
    }

    [Theory]
    [InlineData(0x10000UL, 0x4000UL)] // identical
    [InlineData(0xF000UL, 0x2000UL)] // overlaps the low end
    [InlineData(0x13000UL, 0x4000UL)] // overlaps the high end
    [InlineData(0x11000UL, 0x1000UL)] // inside
    [InlineData(0x0UL, 0x100000UL)] // covers it
    public void Map_OverlapsAnExistingMapping_Eexist(ulong iova, ulong size)
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0x10000, 0x4000, RW, Ram(0x4000));

        ExpectErrno(Errno.EEXIST, () => iommu.Map(0, iova, size, RW, new byte[size]))
            .Message.Should().Contain("overlaps the mapping at iova 0x10000 size 0x4000");
        iommu.Mappings.Should().Equal((0x10000UL, 0x4000UL));

        iommu.Map(0, 0xF000, KiB4, RW, Ram(KiB4)); // adjacent below
        iommu.Map(0, 0x14000, KiB4, RW, Ram(KiB4)); // adjacent above
        iommu.MappingCount.Should().Be(3);
    }

    [Fact]
    public void Map_AtTheDmaEntryLimit_Enospc()
    {
        var iommu = new Type1Iommu(v2: true, dmaEntryLimit: 2);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));
        iommu.Map(0, KiB4, KiB4, RW, Ram(KiB4));
        iommu.DmaAvailable.Should().Be(0);

        ExpectErrno(Errno.ENOSPC, () => iommu.Map(0, 2 * KiB4, KiB4, RW, Ram(KiB4)))
            .Message.Should().Contain("dma_entry_limit 2");
        iommu.MappingCount.Should().Be(2);

        iommu.Unmap(0, KiB4).Should().Be(KiB4);
        iommu.DmaAvailable.Should().Be(1);
        iommu.Map(0, 2 * KiB4, KiB4, RW, Ram(KiB4));
        iommu.DmaAvailable.Should().Be(0);
    }

    [Fact]
    public void Map_OverlapAtTheLimit_EexistComesFirst()
    {
        var iommu = new Type1Iommu(v2: true, dmaEntryLimit: 1);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));

        ExpectErrno(Errno.EEXIST, () => iommu.Map(0, 0, KiB4, RW, Ram(KiB4)));
        ExpectErrno(Errno.ENOSPC, () => iommu.Map(0, KiB4, KiB4, RW, Ram(KiB4)));
    }

    [Fact]
    public void Map_BackingOfTheWrongSize_Einval()
    {
        var iommu = new Type1Iommu(v2: true);

        ExpectErrno(Errno.EINVAL, () => iommu.Map(0, 0, 2 * KiB4, RW, Ram(KiB4)))
            .Message.Should().Be("map dma iova 0x0 size 0x2000: the caller's memory is the wrong size: 4096 bytes for a 0x2000-byte mapping (EINVAL)");
        ExpectErrno(Errno.EINVAL, () => iommu.Map(0, 0, KiB4, RW, Ram(2 * KiB4)));
        iommu.MappingCount.Should().Be(0);

        iommu.Map(0, 0, 2 * KiB4, RW, Ram(2 * KiB4));
        iommu.MappingCount.Should().Be(1);
    }

    [Fact]
    public void Map_SeveralRulesBroken_KernelOrderDecides()
    {
        var iommu = new Type1Iommu(v2: true, dmaEntryLimit: 1);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));

        // no READ/WRITE is checked before the size; the size before alignment; overlap before the backing
        ExpectErrno(Errno.EINVAL, () => iommu.Map(1, 0, 0, DmaMapFlags.None, Memory<byte>.Empty)).Message.Should().Contain("neither READ nor WRITE");
        ExpectErrno(Errno.EINVAL, () => iommu.Map(1, 1, 0, RW, Memory<byte>.Empty)).Message.Should().Contain("size is zero");
        ExpectErrno(Errno.EEXIST, () => iommu.Map(0, 0, KiB4, RW, Memory<byte>.Empty));
        ExpectErrno(Errno.ENOSPC, () => iommu.Map(0, KiB4, KiB4, RW, Memory<byte>.Empty));
    }

    // ---- UNMAP: argument checks -------------------------------------------------------------------------------------

    [Fact]
    public void Unmap_UnknownFlagBits_Einval()
    {
        var iommu = MappedV2(0, MiB);

        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(0, MiB, (DmaUnmapFlags)8))
            .Message.Should().Be("unmap dma iova 0x0 size 0x100000: unknown flags 0x8 (EINVAL)");
        iommu.MappingCount.Should().Be(1);

        iommu.Unmap(0, MiB, DmaUnmapFlags.None).Should().Be(MiB);
    }

    [Fact]
    public void Unmap_GetDirtyBitmap_EinvalAlsoWithAll()
    {
        var iommu = MappedV2(0, MiB);

        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(0, MiB, DmaUnmapFlags.GetDirtyBitmap))
            .Message.Should().Contain("dirty page tracking is not started");
        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(0, 0, DmaUnmapFlags.GetDirtyBitmap | DmaUnmapFlags.All))
            .Message.Should().Contain("cannot be combined");
        iommu.MappingCount.Should().Be(1);

        iommu.Unmap(0, MiB).Should().Be(MiB);
    }

    [Fact]
    public void Unmap_Vaddr_EbusyWithAnMdevContainer()
    {
        var iommu = MappedV2(0, MiB);

        ExpectErrno(Errno.EBUSY, () => iommu.Unmap(0, MiB, DmaUnmapFlags.Vaddr)).Message.Should().Contain("VADDR");
        iommu.MappingCount.Should().Be(1);

        iommu.Unmap(0, MiB).Should().Be(MiB);
    }

    [Fact]
    public void Unmap_ZeroSizeWithoutAll_Einval()
    {
        var iommu = MappedV2(0, MiB);

        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(0, 0)).Message.Should().Be("unmap dma iova 0x0 size 0x0: size is zero (EINVAL)");
        iommu.MappingCount.Should().Be(1);

        iommu.Unmap(0, MiB).Should().Be(MiB);
    }

    [Theory]
    [InlineData(0x800UL, 0x1000UL)]
    [InlineData(0x0UL, 0x1800UL)]
    public void Unmap_NotPageAligned_Einval(ulong iova, ulong size)
    {
        var iommu = MappedV2(0, MiB);

        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(iova, size)).Message.Should().Contain("4 KiB aligned");
        iommu.MappingCount.Should().Be(1);

        iommu.Unmap(0, MiB).Should().Be(MiB);
    }

    [Fact]
    public void Unmap_RangeWraps_Einval()
    {
        var iommu = MappedV2(0xFFFF_FFFF_FFFF_F000, KiB4);

        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(0xFFFF_FFFF_FFFF_F000, 2 * KiB4)).Message.Should().Contain("wraps");
        iommu.MappingCount.Should().Be(1);

        iommu.Unmap(0xFFFF_FFFF_FFFF_F000, KiB4).Should().Be(KiB4);
    }

    [Fact]
    public void Unmap_AllWithIovaOrSize_Einval()
    {
        var iommu = MappedV2(0, MiB);

        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(0, MiB, DmaUnmapFlags.All)).Message.Should().Contain("ALL requires iova 0 and size 0");
        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(MiB, 0, DmaUnmapFlags.All));
        iommu.MappingCount.Should().Be(1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unmap_All_RemovesEveryMapping(bool v2)
    {
        var iommu = new Type1Iommu(v2);
        iommu.Map(0, 0x1000, KiB4, RW, Ram(KiB4));
        iommu.Map(0, 0x10000, 0x4000, RW, Ram(0x4000));
        iommu.Map(0, 0xFFFF_FFFF_FFFF_F000, KiB4, DmaMapFlags.Read, Ram(KiB4));

        iommu.Unmap(0, 0, DmaUnmapFlags.All).Should().Be(0x6000);

        iommu.MappingCount.Should().Be(0);
        iommu.DmaAvailable.Should().Be(65535);
        iommu.Unmap(0, 0, DmaUnmapFlags.All).Should().Be(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unmap_NothingMapped_ReturnsZero(bool v2)
    {
        var iommu = new Type1Iommu(v2);
        iommu.Unmap(0, MiB).Should().Be(0);

        iommu.Map(0, 2 * MiB, MiB, RW, Ram(MiB));
        iommu.Unmap(0, MiB).Should().Be(0);
        iommu.Unmap(3 * MiB, MiB).Should().Be(0);
        iommu.MappingCount.Should().Be(1);
    }

    // ---- UNMAP: v1 and v2 semantics ---------------------------------------------------------------------------------

    [Fact]
    public void Unmap_V1RequestStartingInsideAMapping_RemovesNothingAtAll()
    {
        var iommu = new Type1Iommu(v2: false);
        iommu.Map(0, 0, 2 * KiB4, RW, Ram(2 * KiB4));
        iommu.Map(0, 4 * KiB4, KiB4, RW, Ram(KiB4));

        // The kernel's loop breaks at the first mapping, so even the fully covered second one stays.
        iommu.Unmap(KiB4, 8 * KiB4).Should().Be(0);
        iommu.Mappings.Should().Equal((0UL, 2 * KiB4), (4 * KiB4, KiB4));

        iommu.Unmap(0, KiB4).Should().Be(2 * KiB4);
        iommu.Mappings.Should().Equal((4 * KiB4, KiB4));
    }

    [Fact]
    public void Unmap_V1RequestCoveringTheFirstIova_RemovesTheWholeMapping()
    {
        var iommu = new Type1Iommu(v2: false);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));
        iommu.Map(0, 2 * KiB4, 4 * KiB4, RW, Ram(4 * KiB4));
        iommu.Map(0, 8 * KiB4, KiB4, RW, Ram(KiB4));

        // [0, 3 pages) covers the first iova of mappings 1 and 2; mapping 2 runs on to page 6 and goes entirely.
        iommu.Unmap(0, 3 * KiB4).Should().Be(5 * KiB4);
        iommu.Mappings.Should().Equal((8 * KiB4, KiB4));
    }

    [Fact]
    public void Unmap_V2RequestStartingInsideAMapping_Einval()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, 2 * KiB4, RW, Ram(2 * KiB4));
        iommu.Map(0, 4 * KiB4, KiB4, RW, Ram(KiB4));

        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(KiB4, 8 * KiB4))
            .Message.Should().Be("unmap dma iova 0x1000 size 0x8000: type1v2: the request bisects the mapping at iova 0x0 size 0x2000 (EINVAL)");
        iommu.MappingCount.Should().Be(2);

        iommu.Unmap(0, 8 * KiB4).Should().Be(3 * KiB4);
        iommu.MappingCount.Should().Be(0);
    }

    [Fact]
    public void Unmap_V2RequestEndingInsideAMapping_EinvalNothingRemoved()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));
        iommu.Map(0, 2 * KiB4, 4 * KiB4, RW, Ram(4 * KiB4));

        ExpectErrno(Errno.EINVAL, () => iommu.Unmap(0, 3 * KiB4)).Message.Should().Contain("bisects the mapping at iova 0x2000 size 0x4000");
        iommu.MappingCount.Should().Be(2, "the first mapping, fully covered, must survive the refused request");

        iommu.Unmap(0, 6 * KiB4).Should().Be(5 * KiB4);
    }

    [Fact]
    public void Unmap_V2RangeCoveringSeveralMappingsAndHoles_RemovesThemAll()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0x10000, KiB4, RW, Ram(KiB4));
        iommu.Map(0, 0x20000, 2 * KiB4, RW, Ram(2 * KiB4));
        iommu.Map(0, 0x40000, KiB4, RW, Ram(KiB4));

        iommu.Unmap(0x8000, 0x30000).Should().Be(3 * KiB4);

        iommu.Mappings.Should().Equal((0x40000UL, KiB4));
    }

    // ---- UNMAP with pinned pages ------------------------------------------------------------------------------------

    [Fact]
    public void Unmap_PinnedPagesAndTheVendorUnpins_NotifiesOnceAndSucceeds()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0x10000, 4 * KiB4, RW, Ram(4 * KiB4));
        iommu.Map(0, 0x20000, KiB4, RW, Ram(KiB4));
        iommu.Pin(0x11000, 2, write: true);
        iommu.Pin(0x11000, 1, write: false);
        var calls = new List<(ulong, ulong)>();
        iommu.DmaUnmap = (iova, size) =>
        {
            calls.Add((iova, size));
            iommu.Unpin(0x11000, 2);
            iommu.Unpin(0x11000, 1);
        };

        iommu.Unmap(0, MiB).Should().Be(5 * KiB4);

        calls.Should().Equal((0x10000UL, 4 * KiB4));
        iommu.MappingCount.Should().Be(0);
    }

    [Fact]
    public void Unmap_UnpinnedMappings_DoNotNotify()
    {
        var iommu = MappedV2(0, MiB);
        var calls = 0;
        iommu.DmaUnmap = (_, _) => calls++;

        iommu.Unmap(0, MiB).Should().Be(MiB);

        calls.Should().Be(0);
    }

    [Fact]
    public void Unmap_VendorKeepsPagesPinned_EbusyAndNothingRemoved()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4)); // unpinned, before the stuck one
        iommu.Map(0, 0x10000, 2 * KiB4, RW, Ram(2 * KiB4));
        iommu.Map(0, 0x20000, KiB4, RW, Ram(KiB4)); // pinned, and the vendor releases it
        iommu.Pin(0x11000, 1, write: false);
        iommu.Pin(0x20000, 1, write: false);
        var calls = new List<(ulong, ulong)>();
        iommu.DmaUnmap = (iova, size) =>
        {
            calls.Add((iova, size));
            if (iova == 0x20000)
            {
                iommu.Unpin(0x20000, 1);
            }
        };

        var ex = ExpectErrno(Errno.EBUSY, () => iommu.Unmap(0, MiB));

        ex.Message.Should().Contain("kept pages pinned in the mapping at iova 0x10000 size 0x2000");
        calls.Should().Equal((0x10000UL, 2 * KiB4), (0x20000UL, KiB4));
        iommu.Mappings.Should().Equal((0UL, KiB4), (0x10000UL, 2 * KiB4), (0x20000UL, KiB4));
        iommu.GetPinCount(0x11000).Should().Be(1);
        iommu.HasPinnedPages(0x10000).Should().BeTrue();
        iommu.HasPinnedPages(0x20000).Should().BeFalse();

        // The vendor now behaves: the same request succeeds.
        iommu.DmaUnmap = (_, _) => iommu.Unpin(0x11000, 1);
        iommu.Unmap(0, MiB).Should().Be(4 * KiB4);
        iommu.MappingCount.Should().Be(0);
    }

    [Fact]
    public void Unmap_PinnedPagesWithoutAVendorCallback_Ebusy()
    {
        var iommu = MappedV2(0, MiB);
        iommu.Pin(0, 1, write: true);

        ExpectErrno(Errno.EBUSY, () => iommu.Unmap(0, MiB));
        iommu.MappingCount.Should().Be(1);

        iommu.Unpin(0, 1);
        iommu.Unmap(0, MiB).Should().Be(MiB);
    }

    [Fact]
    public void Unmap_PinnedMappingOutsideTheRequest_IsNotNotified()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));
        iommu.Map(0, KiB4, KiB4, RW, Ram(KiB4));
        iommu.Pin(KiB4, 1, write: true);
        var calls = 0;
        iommu.DmaUnmap = (_, _) => calls++;

        iommu.Unmap(0, KiB4).Should().Be(KiB4);

        calls.Should().Be(0);
        iommu.Mappings.Should().Equal((KiB4, KiB4));
    }

    [Fact]
    public void Unmap_DmaUnmapCallback_RunsWithoutTheLock()
    {
        var iommu = MappedV2(0, MiB);
        iommu.Pin(0, 1, write: false);
        var otherThreadSawCount = -1;
        iommu.DmaUnmap = (iova, _) =>
        {
            // Another thread must be able to take the IOMMU lock while the vendor is being notified.
            var probe = Task.Run(() => iommu.MappingCount);
            probe.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue("the IOMMU lock must not be held during dma_unmap");
            otherThreadSawCount = probe.Result;
            iommu.Unpin(iova, 1);
        };

        iommu.Unmap(0, MiB).Should().Be(MiB);

        otherThreadSawCount.Should().Be(1);
    }

    [Fact]
    public void Unmap_CallbackThrows_PropagatesAndNothingRemoved()
    {
        var iommu = MappedV2(0, MiB);
        iommu.Pin(0, 1, write: false);
        iommu.DmaUnmap = (_, _) => throw new InvalidOperationException("vendor bug");

        var act = () => iommu.Unmap(0, MiB);

        act.Should().Throw<InvalidOperationException>();
        iommu.MappingCount.Should().Be(1);
        iommu.GetPinCount(0).Should().Be(1);
    }

    // ---- PIN / UNPIN ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, Errno.EINVAL)]
    [InlineData(-1, Errno.EINVAL)]
    [InlineData(513, Errno.E2BIG)]
    public void Pin_BadPageCount_Fails(int pageCount, Errno errno)
    {
        var iommu = MappedV2(0, 4 * MiB);

        ExpectErrno(errno, () => iommu.Pin(0, pageCount, write: true));
        iommu.HasPinnedPages(0).Should().BeFalse();

        iommu.Pin(0, 512, write: true);
        iommu.GetPinCount(0).Should().Be(1);
        iommu.GetPinCount(511 * KiB4).Should().Be(1);
        iommu.GetPinCount(512 * KiB4).Should().Be(0);
    }

    [Fact]
    public void Pin_UnalignedIova_Einval()
    {
        var iommu = MappedV2(0, MiB);

        ExpectErrno(Errno.EINVAL, () => iommu.Pin(0x10, 1, write: false)).Message.Should().Be("pin iova 0x10 pages 1: iova must be 4 KiB aligned (EINVAL)");
        iommu.HasPinnedPages(0).Should().BeFalse();

        iommu.Pin(0, 1, write: false);
        iommu.HasPinnedPages(0).Should().BeTrue();
    }

    [Fact]
    public void Pin_V1Container_Eacces()
    {
        var iommu = new Type1Iommu(v2: false);
        iommu.Map(0, 0, MiB, RW, Ram(MiB));

        ExpectErrno(Errno.EACCES, () => iommu.Pin(0, 1, write: false)).Message.Should().Contain("v1");
        ExpectErrno(Errno.EACCES, () => iommu.Unpin(0, 1));
        iommu.HasPinnedPages(0).Should().BeFalse();
    }

    [Fact]
    public void Pin_PageNotMapped_EinvalAndNoPageChanged()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, 2 * KiB4, RW, Ram(2 * KiB4));

        ExpectErrno(Errno.EINVAL, () => iommu.Pin(0, 3, write: false)).Message.Should().Contain("page 0x2000 is not mapped");
        iommu.GetPinCount(0).Should().Be(0);
        iommu.GetPinCount(KiB4).Should().Be(0);
        ExpectErrno(Errno.EINVAL, () => iommu.Pin(0x100000, 1, write: false));

        iommu.Pin(0, 2, write: false);
        iommu.GetPinCount(KiB4).Should().Be(1);
    }

    [Fact]
    public void Pin_PagesRunningPastTheTopOfTheAddressSpace_Einval()
    {
        var iommu = MappedV2(0xFFFF_FFFF_FFFF_F000, KiB4);

        ExpectErrno(Errno.EINVAL, () => iommu.Pin(0xFFFF_FFFF_FFFF_F000, 2, write: false));
        iommu.HasPinnedPages(0xFFFF_FFFF_FFFF_F000).Should().BeFalse();

        iommu.Pin(0xFFFF_FFFF_FFFF_F000, 1, write: false);
        iommu.HasPinnedPages(0xFFFF_FFFF_FFFF_F000).Should().BeTrue();
    }

    [Fact]
    public void Pin_WriteOnAReadOnlyMapping_Eperm()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));
        iommu.Map(0, KiB4, KiB4, DmaMapFlags.Read, Ram(KiB4));

        ExpectErrno(Errno.EPERM, () => iommu.Pin(0, 2, write: true)).Message.Should().Contain("lacks WRITE");
        iommu.GetPinCount(0).Should().Be(0, "all or nothing");

        iommu.Pin(0, 2, write: false);
        iommu.GetPinCount(0).Should().Be(1);
        iommu.GetPinCount(KiB4).Should().Be(1);
    }

    [Fact]
    public void Pin_ReadOnAWriteOnlyMapping_Eperm()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, KiB4, DmaMapFlags.Write, Ram(KiB4));

        ExpectErrno(Errno.EPERM, () => iommu.Pin(0, 1, write: false)).Message.Should().Contain("lacks READ");

        iommu.Pin(0, 1, write: true);
        iommu.GetPinCount(0).Should().Be(1);
    }

    [Fact]
    public void Pin_AcrossTwoAdjacentMappings_PinsBoth()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));
        iommu.Map(0, KiB4, KiB4, RW, Ram(KiB4));

        iommu.Pin(0, 2, write: true);

        iommu.HasPinnedPages(0).Should().BeTrue();
        iommu.HasPinnedPages(KiB4 + 0x800).Should().BeTrue();
        iommu.HasPinnedPages(2 * KiB4).Should().BeFalse();
    }

    [Fact]
    public void Unpin_ReferenceCounted_LastUnpinReleasesThenEinval()
    {
        var iommu = MappedV2(0, MiB);
        iommu.Pin(0, 1, write: false);
        iommu.Pin(0, 1, write: true);
        iommu.GetPinCount(0x123).Should().Be(2);

        iommu.Unpin(0, 1);
        iommu.GetPinCount(0).Should().Be(1);
        iommu.HasPinnedPages(0).Should().BeTrue();

        iommu.Unpin(0, 1);
        iommu.GetPinCount(0).Should().Be(0);
        iommu.HasPinnedPages(0).Should().BeFalse();

        ExpectErrno(Errno.EINVAL, () => iommu.Unpin(0, 1)).Message.Should().Be("unpin iova 0x0 pages 1: page 0x0 is not pinned (EINVAL)");
    }

    [Fact]
    public void Unpin_OnePageOfTheRangeNotPinned_EinvalAndNoPageChanged()
    {
        var iommu = MappedV2(0, MiB);
        iommu.Pin(0, 1, write: false);

        ExpectErrno(Errno.EINVAL, () => iommu.Unpin(0, 2)).Message.Should().Contain("page 0x1000 is not pinned");
        iommu.GetPinCount(0).Should().Be(1);

        iommu.Unpin(0, 1);
        iommu.HasPinnedPages(0).Should().BeFalse();
    }

    [Theory]
    [InlineData(0x0UL, 0, Errno.EINVAL)]
    [InlineData(0x0UL, 513, Errno.E2BIG)]
    [InlineData(0x10UL, 1, Errno.EINVAL)]
    [InlineData(0x200000UL, 1, Errno.EINVAL)]
    public void Unpin_BadArguments_Fail(ulong iova, int pageCount, Errno errno)
    {
        var iommu = MappedV2(0, MiB);
        iommu.Pin(0, 1, write: false);

        ExpectErrno(errno, () => iommu.Unpin(iova, pageCount));
        iommu.GetPinCount(0).Should().Be(1);

        iommu.Unpin(0, 1);
        iommu.GetPinCount(0).Should().Be(0);
    }

    [Fact]
    public void HasPinnedPages_NotMapped_False()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.HasPinnedPages(0).Should().BeFalse();
        iommu.GetPinCount(0).Should().Be(0);
    }

    // ---- DMA read / write -------------------------------------------------------------------------------------------

    [Fact]
    public void ReadWrite_AcrossTwoAdjacentMappings_CopyToAndFromBothBackings()
    {
        var iommu = new Type1Iommu(v2: true);
        var low = new byte[KiB4];
        var high = new byte[KiB4];
        iommu.Map(0x7000_0000, 0x10000, KiB4, RW, low);
        iommu.Map(0x9000_0000, 0x11000, KiB4, RW, high);
        var data = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

        iommu.Write(0x10FF8, data);

        low.AsSpan(0xFF8).ToArray().Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        high.AsSpan(0, 8).ToArray().Should().Equal(9, 10, 11, 12, 13, 14, 15, 16);
        var back = new byte[16];
        iommu.Read(0x10FF8, back);
        back.Should().Equal(data);
    }

    [Fact]
    public void Read_GapBetweenMappings_EinvalAndDestinationUntouched()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));
        iommu.Map(0, 2 * KiB4, KiB4, RW, Ram(KiB4));
        var destination = new byte[] { 0xEE, 0xEE };

        ExpectErrno(Errno.EINVAL, () => iommu.Read(KiB4 - 1, destination)).Message.Should().Be("dma read iova 0xfff length 2: iova 0x1000 is not mapped (EINVAL)");
        destination.Should().Equal(0xEE, 0xEE);
        ExpectErrno(Errno.EINVAL, () => iommu.Read(5 * KiB4, destination));

        iommu.Read(KiB4 - 2, destination);
        destination.Should().Equal(0, 0);
    }

    [Fact]
    public void Write_RunningOffTheEndOfTheMapping_EinvalAndNothingWritten()
    {
        var iommu = new Type1Iommu(v2: true);
        var ram = new byte[KiB4];
        iommu.Map(0, 0, KiB4, RW, ram);

        ExpectErrno(Errno.EINVAL, () => iommu.Write(KiB4 - 2, [1, 2, 3]));
        ram[^2].Should().Be(0);
        ram[^1].Should().Be(0);

        iommu.Write(KiB4 - 2, [1, 2]);
        ram[^2..].Should().Equal(1, 2);
    }

    [Fact]
    public void Read_MappingWithoutRead_Eperm()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, KiB4, DmaMapFlags.Write, Ram(KiB4));
        iommu.Map(0, KiB4, KiB4, DmaMapFlags.Read, Ram(KiB4));
        var buffer = new byte[4];

        ExpectErrno(Errno.EPERM, () => iommu.Read(0, buffer)).Message.Should().Contain("is not readable");

        iommu.Read(KiB4, buffer);
        buffer.Should().Equal(0, 0, 0, 0);
    }

    [Fact]
    public void Write_ReadOnlyMapping_EpermAndNothingWritten()
    {
        var iommu = new Type1Iommu(v2: true);
        var rw = new byte[KiB4];
        iommu.Map(0, 0, KiB4, RW, rw);
        iommu.Map(0, KiB4, KiB4, DmaMapFlags.Read, Ram(KiB4));

        ExpectErrno(Errno.EPERM, () => iommu.Write(KiB4 - 1, [7, 7])).Message.Should().Contain("mapping at iova 0x1000 is not readable and writable");
        rw[^1].Should().Be(0, "all checks precede the copy");

        iommu.Write(KiB4 - 1, [7]);
        rw[^1].Should().Be(7);
    }

    [Fact]
    public void Write_WriteOnlyMapping_EpermAsTheKernelRequiresReadToo()
    {
        var iommu = new Type1Iommu(v2: true);
        var ram = new byte[KiB4];
        iommu.Map(0, 0, KiB4, DmaMapFlags.Write, ram);

        ExpectErrno(Errno.EPERM, () => iommu.Write(0, [1]));
        ram[0].Should().Be(0);
    }

    [Fact]
    public void ReadWrite_ZeroLength_Einval()
    {
        var iommu = MappedV2(0, MiB);

        ExpectErrno(Errno.EINVAL, () => iommu.Read(0, [])).Message.Should().Be("dma read iova 0x0 length 0: the length is zero (EINVAL)");
        ExpectErrno(Errno.EINVAL, () => iommu.Write(0, []));

        iommu.Write(0, [1]);
        var one = new byte[1];
        iommu.Read(0, one);
        one[0].Should().Be(1);
    }

    [Fact]
    public void Read_RangeWrapsPastTop_Einval()
    {
        var iommu = MappedV2(0xFFFF_FFFF_FFFF_F000, KiB4);

        ExpectErrno(Errno.EINVAL, () => iommu.Read(ulong.MaxValue, new byte[2])).Message.Should().Contain("wraps");

        iommu.Read(ulong.MaxValue - 1, new byte[2]);
    }

    [Fact]
    public void ReadWrite_AfterWarmUp_DoNotAllocate()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0, 0, KiB4, RW, Ram(KiB4));
        iommu.Map(0, KiB4, KiB4, RW, Ram(KiB4));
        Span<byte> buffer = stackalloc byte[64];
        iommu.Write(KiB4 - 32, buffer);
        iommu.Read(KiB4 - 32, buffer);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            iommu.Write(KiB4 - 32, buffer);
            iommu.Read(KiB4 - 32, buffer);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    // ---- concurrency ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task MapUnmapPin_FromManyThreads_StateStaysConsistent()
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.DmaUnmap = (iova, size) =>
        {
            for (var page = iova; page < iova + size; page += KiB4)
            {
                while (iommu.GetPinCount(page) > 0)
                {
                    iommu.Unpin(page, 1);
                }
            }
        };

        var workers = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            var iova = (ulong)(t + 1) * MiB;
            for (var round = 0; round < 200; round++)
            {
                iommu.Map(0, iova, 2 * KiB4, RW, Ram(2 * KiB4));
                iommu.Pin(iova, 2, write: true);
                iommu.Write(iova + KiB4 - 1, [1, 2]);
                iommu.Unmap(iova, 2 * KiB4).Should().Be(2 * KiB4);
            }
        })).ToArray();

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        iommu.MappingCount.Should().Be(0);
        iommu.DmaAvailable.Should().Be(65535);
    }

    private static Type1Iommu MappedV2(ulong iova, ulong size)
    {
        var iommu = new Type1Iommu(v2: true);
        iommu.Map(0x7f00_0000_0000, iova, size, RW, Ram(size));
        return iommu;
    }

    private static Memory<byte> Ram(ulong size) => new byte[size];

    private static MdevException ExpectErrno(Errno errno, Action action)
    {
        var ex = Assert.Throws<MdevException>(action);
        ex.Errno.Should().Be(errno, ex.Message);
        ex.Message.Should().EndWith($"({errno})");
        return ex;
    }
}
