using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Testing;
using Mdev.Vfio;

namespace Mdev.Samples.NvidiaVgpu.Tests;

public sealed class PciDeviceTests
{
    private const int Doorbell = 0x1000;
    private const int MsiControl = 0x42;

    [Fact]
    public async Task GetInfo_OfAVgpu_IsPciWithResetNineRegionsFiveIrqs()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-18"));

        session.Info.Should().Be(new VfioDeviceInfo(VfioDeviceFlags.Pci | VfioDeviceFlags.Reset, 9, 5));
    }

    [Fact]
    public async Task ConfigSpace_FreshVgpu_ShowsAnNvidiaVgaDeviceWithMsi()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-18"));

        session.ReadConfig32(0x00).Should().Be(0x13F2_10DEu);
        session.ReadConfig32(0x08).Should().Be(0x0300_00A1u);
        session.ReadConfig16(0x2c).Should().Be(0x10DE);
        session.ReadConfig8(0x3d).Should().Be(1);
        (session.ReadConfig16(0x06) & 0x10).Should().Be(0x10);
        session.ReadConfig8(0x34).Should().Be(0x40);
        session.ReadConfig8(0x40).Should().Be(0x05);
        session.ReadConfig16(MsiControl).Should().Be(0x0080);
    }

    [Theory]
    [InlineData("M60", "nvidia-11", 0xE000_000Cu, 0xFFFF_FFFFu)]
    [InlineData("M60", "nvidia-22", 0x0000_000Cu, 0xFFFF_FFFEu)]
    [InlineData("P40", "nvidia-48", 0x0000_000Cu, 0xFFFF_FFFFu)]
    [InlineData("P40", "nvidia-53", 0x0000_000Cu, 0xFFFF_FFF8u)]
    public async Task BarSizing_AllOnesWritten_ReportsA16MiBRegisterBarAndAFramebufferBarRoundedToAPowerOfTwo(string board, string type, uint bar1Low, uint bar1High)
    {
        await using var host = NvidiaHost.Create(new NvidiaGpuOptions { Board = board });
        using var session = host.Open(host.CreateDevice(type));

        session.ReadConfig32(0x10).Should().Be(0);
        session.ReadConfig32(0x14).Should().Be(0xC);
        session.WriteConfig32(0x10, 0xFFFF_FFFF);
        session.WriteConfig32(0x14, 0xFFFF_FFFF);
        session.WriteConfig32(0x18, 0xFFFF_FFFF);

        session.ReadConfig32(0x10).Should().Be(0xFF00_0000u);
        session.ReadConfig32(0x14).Should().Be(bar1Low);
        session.ReadConfig32(0x18).Should().Be(bar1High);
    }

    [Fact]
    public async Task RegionInfo_MalformedIndexFirst_ThenTheFramebufferWithItsSparseArea()
    {
        await using var host = NvidiaHost.Create(new NvidiaGpuOptions { Board = "P40" });
        using var session = host.Open(host.CreateDevice("nvidia-48"));

        Assert.Throws<MdevException>(() => session.Device.GetRegionInfo(9)).Errno.Should().Be(Errno.EINVAL);
        session.Device.GetRegionInfo(2).Should().Be(new VfioRegionInfo(2, VfioRegionFlags.None, 0, 2UL << 40));

        session.Device.GetRegionInfo(0).Should().Be(new VfioRegionInfo(0, VfioRegionFlags.Read | VfioRegionFlags.Write, 16UL << 20, 0));
        session.Device.GetRegionInfo(1).Should().Be(new VfioRegionInfo(
            1, VfioRegionFlags.Read | VfioRegionFlags.Write | VfioRegionFlags.Mmap | VfioRegionFlags.Caps, 4UL << 30, 1UL << 40,
            [new VfioSparseMmapCapability([new(0, 3UL << 30)])]));
        session.Device.GetRegionInfo(7).Should().Be(new VfioRegionInfo(7, VfioRegionFlags.Read | VfioRegionFlags.Write, 256, 7UL << 40));
    }

    [Fact]
    public async Task RegionInfoIoctl_FramebufferSparseCapability_NeedsASecondCallWithTheLargerArgsz()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-11"));
        var info = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(info, 32);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(8), 1);

        session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, info.AsSpan(0, 32)).Should().Be(0);
        BinaryPrimitives.ReadUInt32LittleEndian(info).Should().Be(64);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)).Should().Be(0xF); // READ | WRITE | MMAP | CAPS
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(12)).Should().Be(0);

        session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, info).Should().Be(0);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(12)).Should().Be(32);
        BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(16)).Should().Be(512UL << 20);
        BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(24)).Should().Be(1UL << 40);
        BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(32)).Should().Be(1); // SPARSE_MMAP
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(36)).Should().Be(0); // next
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(40)).Should().Be(1); // nr_areas
        BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(48)).Should().Be(0);
        BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(56)).Should().Be(512UL << 20);
    }

    [Fact]
    public async Task Mmap_WindowsOutsideTheSparseAreaFirst_ThenAWindowThatAliasesTheFramebuffer()
    {
        await using var host = NvidiaHost.Create(new NvidiaGpuOptions { Board = "P40" });
        using var session = host.Open(host.CreateDevice("nvidia-48"));
        long bar1 = 1L << 40;

        Assert.Throws<MdevException>(() => session.Device.Mmap(0, 0x1000)).Errno.Should().Be(Errno.EINVAL);
        Assert.Throws<MdevException>(() => session.Device.Mmap(bar1 + (3L << 30), 0x1000)).Errno.Should().Be(Errno.EINVAL);
        Assert.Throws<MdevException>(() => session.Device.Mmap(bar1 + (3L << 30) - 0x1000, 0x2000)).Errno.Should().Be(Errno.EINVAL);
        Assert.Throws<MdevException>(() => session.Device.Mmap(bar1 + 0x1F_F000, 0x2000)).Errno.Should().Be(Errno.EINVAL);

        var window = session.Device.Mmap(bar1 + 0x20_0000, 0x20_0000);
        window.Length.Should().Be(0x20_0000);
        BinaryPrimitives.WriteUInt32LittleEndian(window.Span[0x10..], 0xCAFE_F00D);
        session.ReadRegion(1, 0x20_0010, 4).Should().Be(0xCAFE_F00Du);
        session.WriteRegion(1, 0x3F_FFFC, 0x1234_5678, 4);
        BinaryPrimitives.ReadUInt32LittleEndian(window.Span[0x1F_FFFC..]).Should().Be(0x1234_5678u);
        session.Device.Mmap(bar1 + (3L << 30) - 0x1000, 0x1000).Length.Should().Be(0x1000);
    }

    [Fact]
    public async Task Framebuffer_TailOfTheRoundedBar_ReadsZeroAndIgnoresWrites()
    {
        await using var host = NvidiaHost.Create(new NvidiaGpuOptions { Board = "P40" });
        using var session = host.Open(host.CreateDevice("nvidia-48"));

        session.WriteRegion(1, 3L << 30, 0xFFFF_FFFF, 4);

        session.ReadRegion(1, 3L << 30, 4).Should().Be(0);
        Assert.Throws<MdevException>(() => session.ReadRegion(1, (4L << 30) - 2, 4)).Errno.Should().Be(Errno.EINVAL);
    }

    [Fact]
    public async Task Registers_MalformedAccessesFirst_ThenBoot0AndScratchRegisters()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-18"));
        var eight = new byte[8];

        Assert.Throws<MdevException>(() => session.ReadRegion(0, 2, 4)).Errno.Should().Be(Errno.EINVAL);
        Assert.Throws<MdevException>(() => session.Device.Read(eight, 0x100)).Errno.Should().Be(Errno.EINVAL);
        Assert.Throws<MdevException>(() => session.ReadRegion(0, 16 << 20, 4)).Errno.Should().Be(Errno.EINVAL);

        session.ReadRegion(0, 0, 4).Should().Be(0x1240_00A1u);
        session.ReadRegion(0, 2, 2).Should().Be(0x1240u);
        session.WriteRegion(0, 0, 0, 4);
        session.ReadRegion(0, 0, 4).Should().Be(0x1240_00A1u);
        session.ReadRegion(0, 0x2000, 4).Should().Be(0);
        session.WriteRegion(0, 0x2000, 0xAABB_CCDD, 4);
        session.WriteRegion(0, 0x2001, 0x11, 1);
        session.ReadRegion(0, 0x2000, 4).Should().Be(0xAABB_11DDu);
    }

    [Fact]
    public async Task IrqInfo_OutOfRangeFirst_ThenIntxAndMsiWithOneVectorEach()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-18"));

        Assert.Throws<MdevException>(() => session.Device.GetIrqInfo(5)).Errno.Should().Be(Errno.EINVAL);

        session.Device.GetIrqInfo(0).Should().Be(new VfioIrqInfo(0, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked, 1));
        session.Device.GetIrqInfo(1).Should().Be(new VfioIrqInfo(1, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.NoResize, 1));
        session.Device.GetIrqInfo(2).Should().Be(new VfioIrqInfo(2, VfioIrqInfoFlags.None, 0));
    }

    [Fact]
    public async Task SetIrqs_UnsupportedRequestsFirst_ThenDoorbellRaisesAutoMaskedIntx()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-18"));
        using var stray = new EventFd();

        Assert.Throws<MdevException>(() => session.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionMask, 1, 0, 1))).Errno.Should().Be(Errno.ENOTTY);
        Assert.Throws<MdevException>(() => session.Device.SetIrqs(VfioIrqSet.TriggerEventFds(2, 0, stray))).Errno.Should().Be(Errno.EINVAL);

        var intx = session.EnableIrq(0);
        session.WriteRegion(0, Doorbell, 1, 4);
        session.WriteRegion(0, Doorbell, 1, 4);
        intx.TryRead(out var count).Should().BeTrue();
        count.Should().Be(1);

        session.Unmask();
        session.WriteRegion(0, Doorbell, 1, 4);
        intx.TryRead(out count).Should().BeTrue();
        count.Should().Be(1);
    }

    [Fact]
    public async Task SetIrqs_LoopbackTriggerWithFalseBoolFirst_ThenWithNoDataSignalsTheBoundEventfd()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-18"));
        var msi = session.EnableIrq(1);

        session.Device.SetIrqs(new VfioIrqSet(VfioIrqSetFlags.ActionTrigger | VfioIrqSetFlags.DataBool, 1, 0, 1, bools: [false]));
        msi.TryRead(out _).Should().BeFalse();
        Assert.Throws<MdevException>(() => session.Device.SetIrqs(new VfioIrqSet(VfioIrqSetFlags.ActionUnmask | VfioIrqSetFlags.DataBool, 1, 0, 1, bools: [false])))
            .Errno.Should().Be(Errno.ENOTTY);

        session.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionTrigger, 1, 0, 1));
        msi.TryRead(out var count).Should().BeTrue();
        count.Should().Be(1);
    }

    [Fact]
    public async Task Doorbell_WithMsiEnabled_SignalsMsiAndNotIntx()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-18"));
        var intx = session.EnableIrq(0);
        var msi = session.EnableIrq(1);

        session.WriteConfig8(MsiControl, 1);
        session.WriteRegion(0, Doorbell, 1, 4);
        session.WriteRegion(0, Doorbell, 1, 4);

        msi.TryRead(out var count).Should().BeTrue();
        count.Should().Be(2);
        intx.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public async Task Doorbell_WithIntxDisabledInTheCommandRegister_SignalsNothing()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-18"));
        var intx = session.EnableIrq(0);

        session.WriteConfig32(0x04, 0x0406);
        session.WriteRegion(0, Doorbell, 1, 4);

        session.ReadConfig16(0x04).Should().Be(0x0406);
        intx.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public async Task Reset_RestoresConfigAndRegisters_KeepsTheFramebuffer()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-18"));
        session.WriteConfig32(0x10, 0xFFFF_FFFF);
        session.WriteConfig8(MsiControl, 1);
        session.WriteRegion(0, 0x2000, 7, 4);
        session.WriteRegion(1, 0x100, 0x55, 1);

        session.Device.Reset();

        session.ReadConfig32(0x10).Should().Be(0);
        session.ReadConfig16(MsiControl).Should().Be(0x0080);
        session.ReadRegion(0, 0x2000, 4).Should().Be(0);
        session.ReadRegion(1, 0x100, 1).Should().Be(0x55);
    }

    [Fact]
    public async Task Ioctl_UnknownRequest_IsEnotty()
    {
        await using var host = NvidiaHost.Create();
        using var session = host.Open(host.CreateDevice("nvidia-18"));

        Assert.Throws<MdevException>(() => session.Device.Ioctl(VfioIoctl.DeviceQueryGfxPlane, new byte[64])).Errno.Should().Be(Errno.ENOTTY);
    }
}
