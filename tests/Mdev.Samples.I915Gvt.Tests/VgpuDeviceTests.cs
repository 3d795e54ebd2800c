using System.Buffers.Binary;
using System.Text;
using Mdev.Core;
using Mdev.Testing;
using Mdev.Vfio;

namespace Mdev.Samples.I915Gvt.Tests;

public sealed class VgpuDeviceTests
{
    private const long Bar2 = 2L << 40;
    private const ulong FirstSlice = 128UL << 20;
    private const int PvInfo = 0x78000;
    private const long Ggtt = 8L << 20;

    [Fact]
    public async Task GetInfo_AnyVgpu_IsPciWithResetElevenRegionsFiveIrqs()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));

        session.Info.Should().Be(new VfioDeviceInfo(VfioDeviceFlags.Pci | VfioDeviceFlags.Reset, 11, 5));
    }

    [Fact]
    public async Task RegionInfo_MalformedIndexFirst_ThenBarsConfigAndOpRegion()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        var rw = VfioRegionFlags.Read | VfioRegionFlags.Write;

        Assert.Throws<MdevException>(() => session.Device.GetRegionInfo(11)).Errno.Should().Be(Errno.EINVAL);

        session.Device.GetRegionInfo(0).Should().Be(new VfioRegionInfo(0, rw, 16UL << 20, 0));
        session.Device.GetRegionInfo(1).Should().Be(new VfioRegionInfo(1, VfioRegionFlags.None, 0, 1UL << 40));
        session.Device.GetRegionInfo(2).Should().Be(new VfioRegionInfo(
            2, rw | VfioRegionFlags.Mmap | VfioRegionFlags.Caps, 512UL << 20, 2UL << 40, [new VfioSparseMmapCapability([new(FirstSlice, 128UL << 20)])]));
        session.Device.GetRegionInfo(7).Should().Be(new VfioRegionInfo(7, rw, 4096, 7UL << 40));
        session.Device.GetRegionInfo(8).Should().Be(new VfioRegionInfo(8, VfioRegionFlags.None, 0, 8UL << 40));
        session.Device.GetRegionInfo(9).Should().Be(new VfioRegionInfo(
            9, VfioRegionFlags.Read | VfioRegionFlags.Caps, 8192, 9UL << 40, [new VfioRegionTypeCapability(0x8000_8086, 1)]));
    }

    [Fact]
    public async Task SparseArea_OfEachVgpu_IsItsOwnApertureSlice()
    {
        await using var host = GvtHost.Create();
        var first = host.CreateDevice(GvtHost.V4);
        var second = host.CreateDevice(GvtHost.V8);
        var third = host.CreateDevice(GvtHost.V8);
        GvtHost.Remove(host, second);
        var fourth = host.CreateDevice(GvtHost.V8);

        Area(host, first).Should().Be(new VfioSparseMmapArea(128UL << 20, 128UL << 20));
        Area(host, third).Should().Be(new VfioSparseMmapArea(320UL << 20, 64UL << 20));
        Area(host, fourth).Should().Be(new VfioSparseMmapArea(256UL << 20, 64UL << 20));
    }

    [Fact]
    public async Task OpRegionInfoIoctl_ShortArgszFirst_ThenTheCapTypeHandshake()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        var info = new byte[48];
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(8), 9);

        BinaryPrimitives.WriteUInt32LittleEndian(info, 16);
        Assert.Throws<MdevException>(() => session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, info)).Errno.Should().Be(Errno.EINVAL);

        BinaryPrimitives.WriteUInt32LittleEndian(info, 32);
        session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, info.AsSpan(0, 32)).Should().Be(0);
        BinaryPrimitives.ReadUInt32LittleEndian(info).Should().Be(48);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)).Should().Be(0x9); // READ | CAPS
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(12)).Should().Be(0);

        session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, info).Should().Be(0);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)).Should().Be(0x9);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(8)).Should().Be(9);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(12)).Should().Be(32);
        BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(16)).Should().Be(8192);
        BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(24)).Should().Be(9UL << 40);
        BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(32)).Should().Be(2); // CAP_TYPE
        BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(34)).Should().Be(1); // version
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(36)).Should().Be(0); // next
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(40)).Should().Be(0x8000_8086);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(44)).Should().Be(1); // IGD_OPREGION
    }

    [Fact]
    public async Task OpRegion_WritesAndReadsPastTheEndFirst_ThenTheHeader()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        var header = new byte[16];

        Assert.Throws<MdevException>(() => session.WriteRegion(9, 0, 0, 4)).Errno.Should().Be(Errno.EFAULT);
        Assert.Throws<MdevException>(() => session.ReadRegion(9, 8192, 4)).Errno.Should().Be(Errno.EFAULT);

        session.Device.Read(header, 9L << 40).Should().Be(16);
        Encoding.ASCII.GetString(header).Should().Be("IntelGraphicsMem");
        session.ReadRegion(9, 0x10, 4).Should().Be(8);
        session.ReadRegion(9, 0x14, 4).Should().Be(0x0200_0000u);
        session.ReadRegion(9, 0x58, 4).Should().Be(1u << 3);
        session.ReadRegion(9, 0x1ac, 1).Should().Be(3);
        session.ReadRegion(9, 0x400, 4).Should().Be(BinaryPrimitives.ReadUInt32LittleEndian("$VBT"u8));
    }

    [Fact]
    public async Task Aperture_AccessOutsideTheSliceFirst_ThenReadWriteAndMmapInsideIt()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V8));
        long slice = (long)FirstSlice, end = slice + (64L << 20);

        Assert.Throws<MdevException>(() => session.ReadRegion(2, slice - 4, 4)).Errno.Should().Be(Errno.EFAULT);
        Assert.Throws<MdevException>(() => session.WriteRegion(2, end, 1, 4)).Errno.Should().Be(Errno.EFAULT);
        Assert.Throws<MdevException>(() => session.ReadRegion(2, end - 4, 4)).Errno.Should().Be(Errno.EFAULT); // kvmgt counts the end as outside
        Assert.Throws<MdevException>(() => session.Device.Mmap(Bar2, 0x1000)).Errno.Should().Be(Errno.EINVAL);
        Assert.Throws<MdevException>(() => session.Device.Mmap(Bar2 + end - 0x1000, 0x2000)).Errno.Should().Be(Errno.EINVAL);
        Assert.Throws<MdevException>(() => session.Device.Mmap(0, 0x1000)).Errno.Should().Be(Errno.EINVAL);

        var window = session.Device.Mmap(Bar2 + slice, 64 << 20);
        session.WriteRegion(2, slice + 0x100, 0xDEAD_BEEF, 4);
        BinaryPrimitives.ReadUInt32LittleEndian(window.Span[0x100..]).Should().Be(0xDEAD_BEEFu);
        BinaryPrimitives.WriteUInt32LittleEndian(window.Span[^8..], 0x0BAD_CAFE);
        session.ReadRegion(2, end - 8, 4).Should().Be(0x0BAD_CAFEu);
        session.Device.Mmap(Bar2 + end - 0x1000, 0x1000).Length.Should().Be(0x1000);
    }

    [Fact]
    public async Task PvInfo_SecondVgpu_TellsTheGuestItsIdSlicesAndFences()
    {
        await using var host = GvtHost.Create();
        host.CreateDevice(GvtHost.V8);
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        var magic = new byte[8];

        session.Device.Read(magic, PvInfo).Should().Be(8);
        BinaryPrimitives.ReadUInt64LittleEndian(magic).Should().Be(0x4776_5447_7654_4776UL);
        session.ReadRegion(0, PvInfo + 0x08, 4).Should().Be(1); // version 1.0
        session.ReadRegion(0, PvInfo + 0x0c, 4).Should().Be(2); // vgt_id
        session.ReadRegion(0, PvInfo + 0x10, 4).Should().Be(0x1C);
        session.ReadRegion(0, PvInfo + 0x40, 4).Should().Be(192u << 20); // aperture slice after the first vGPU's
        session.ReadRegion(0, PvInfo + 0x44, 4).Should().Be(128u << 20);
        session.ReadRegion(0, PvInfo + 0x48, 4).Should().Be((4096u - 384 - 512) << 20); // hidden slices from the top
        session.ReadRegion(0, PvInfo + 0x4c, 4).Should().Be(512u << 20);
        session.ReadRegion(0, PvInfo + 0x50, 4).Should().Be(4);
        session.ReadRegion(0, PvInfo + 0x830, 4).Should().Be(uint.MaxValue);
    }

    [Fact]
    public async Task Mmio_GuestWritesToTheHostHalfOfPvInfoAreDropped_OthersStick()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));

        session.WriteRegion(0, PvInfo + 0x0c, 99, 4);
        session.WriteRegion(0, PvInfo + 0x804, 1, 4); // display_ready
        session.WriteRegion(0, 0x2030, 0x1234, 4);

        session.ReadRegion(0, PvInfo + 0x0c, 4).Should().Be(1);
        session.ReadRegion(0, PvInfo + 0x804, 4).Should().Be(1);
        session.ReadRegion(0, 0x2030, 4).Should().Be(0x1234);
    }

    [Fact]
    public async Task Bar0_HoleAndNarrowGgttAccessesFirst_ThenGgttEntriesOfTheVgpuOnly()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        long own = Ggtt + (long)(FirstSlice / 4096 * 8), hosts = Ggtt;
        var entry = new byte[8];

        Assert.Throws<MdevException>(() => session.ReadRegion(0, 4L << 20, 4)).Errno.Should().Be(Errno.EFAULT);
        Assert.Throws<MdevException>(() => session.ReadRegion(0, own, 2)).Errno.Should().Be(Errno.EFAULT);

        BinaryPrimitives.WriteUInt64LittleEndian(entry, 0x1_2345_6003UL);
        session.Device.Write(entry, own).Should().Be(8);
        session.Device.Write(entry, hosts).Should().Be(8);
        session.WriteRegion(0, own + 12, 0x77, 4);

        session.ReadRegion(0, own, 4).Should().Be(0x2345_6003u);
        session.ReadRegion(0, own + 4, 4).Should().Be(1);
        session.ReadRegion(0, own + 12, 4).Should().Be(0x77);
        session.Device.Read(entry, hosts).Should().Be(8);
        BinaryPrimitives.ReadUInt64LittleEndian(entry).Should().Be(0);
    }

    [Fact]
    public async Task Regions_WithNothingBehindThem_FailReadsWithEfault()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        var four = new byte[4];

        Assert.Throws<MdevException>(() => session.Device.Read(four, 1L << 40)).Errno.Should().Be(Errno.EFAULT);
        Assert.Throws<MdevException>(() => session.Device.Read(four, 8L << 40)).Errno.Should().Be(Errno.EFAULT);
        Assert.Throws<MdevException>(() => session.Device.Read(four, 11L << 40)).Errno.Should().Be(Errno.EFAULT);
        Assert.Throws<MdevException>(() => session.Device.Read(four, (7L << 40) + 4096)).Errno.Should().Be(Errno.EFAULT);
    }

    [Fact]
    public async Task ConfigSpace_FreshVgpu_ShowsTheIgpuAndSizesItsBars()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));

        session.ReadConfig32(0x00).Should().Be(0x1912_8086u);
        (session.ReadConfig32(0x08) >> 8).Should().Be(0x030000u);
        session.ReadConfig32(0xffc).Should().Be(0);
        for (int bar = 0x10; bar < 0x28; bar += 4)
        {
            session.WriteConfig32(bar, 0xFFFF_FFFF);
        }

        session.ReadConfig32(0x10).Should().Be(0xFF00_0004u);
        session.ReadConfig32(0x14).Should().Be(0xFFFF_FFFFu);
        session.ReadConfig32(0x18).Should().Be(0xE000_000Cu);
        session.ReadConfig32(0x1c).Should().Be(0xFFFF_FFFFu);
        session.ReadConfig32(0x20).Should().Be(0);
        session.WriteConfig32(0xfc, 0x7F00_0000);
        session.ReadConfig32(0xfc).Should().Be(0x7F00_0000u);
    }

    [Fact]
    public async Task IrqInfo_OtherIndexesFirst_ThenIntxAndMsi()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));

        Assert.Throws<MdevException>(() => session.Device.GetIrqInfo(2)).Errno.Should().Be(Errno.EINVAL);
        Assert.Throws<MdevException>(() => session.Device.GetIrqInfo(5)).Errno.Should().Be(Errno.EINVAL);

        session.Device.GetIrqInfo(0).Should().Be(new VfioIrqInfo(0, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked, 1));
        session.Device.GetIrqInfo(1).Should().Be(new VfioIrqInfo(1, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.NoResize, 1));
    }

    [Fact]
    public async Task SetIrqs_UnsupportedRequestsFirst_ThenIntxAndMsiTriggers()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        using var efd = new EventFd();

        Assert.Throws<MdevException>(() => session.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionMask, 1, 0, 1))).Errno.Should().Be(Errno.ENOTTY);
        Assert.Throws<MdevException>(() => session.Device.SetIrqs(VfioIrqSet.TriggerEventFds(2, 0, efd))).Errno.Should().Be(Errno.EINVAL);
        Assert.Throws<MdevException>(() => session.Device.SetIrqs(VfioIrqSet.TriggerEventFds(1, 0, [null]))).Errno.Should().Be(Errno.EBADF);

        session.EnableIrq(0);
        session.Unmask(0);
        session.Device.SetIrqs(VfioIrqSet.TriggerEventFds(1, 0, efd));
        session.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionTrigger, 1, 0, 1));
        session.Device.SetIrqs(VfioIrqSet.Disable(1));
        efd.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public async Task Reset_RestoresRegistersGgttAndConfig_KeepsTheAperture()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        long own = Ggtt + (long)(FirstSlice / 4096 * 8);
        session.WriteRegion(0, 0x2030, 5, 4);
        session.WriteRegion(0, own, 0x1003, 4);
        session.WriteConfig32(0x10, 0xFFFF_FFFF);
        session.WriteRegion(2, (long)FirstSlice, 0xABCD, 4);

        session.Device.Reset();

        session.ReadRegion(0, 0x2030, 4).Should().Be(0);
        session.ReadRegion(0, own, 4).Should().Be(0);
        session.ReadRegion(0, PvInfo + 0x0c, 4).Should().Be(1);
        session.ReadConfig32(0x10).Should().Be(4);
        session.ReadRegion(2, (long)FirstSlice, 4).Should().Be(0xABCD);
    }

    private static VfioSparseMmapArea Area(MdevTestHost host, MdevDevice mdev)
    {
        using var session = host.Open(mdev);
        return session.Regions[2]!.Capabilities.OfType<VfioSparseMmapCapability>().Single().Areas.Single();
    }
}
