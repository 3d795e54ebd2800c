using Mdev.Core;
using Mdev.Samples.Mtty.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests;

/// <summary>GET_INFO, GET_REGION_INFO, GET_IRQ_INFO, RESET and unknown ioctls, malformed first, typed and raw (spec §6 vector 10).</summary>
public sealed class DeviceInfoTests : IDisposable
{
    private readonly MttyHost _host = new();

    public void Dispose() => _host.Dispose();

    /// <summary>Spec §6 vector 10 through the typed face.</summary>
    [Fact]
    public void Vector10_Typed_InfoRegionsConfigAndBarSizing()
    {
        var device = _host.OpenTyped(_host.Create(MttyHost.Type1));

        device.GetInfo().Should().Be(new VfioDeviceInfo(VfioDeviceFlags.Pci, 9, 5));
        device.GetRegionInfo(7).Should().Be(new VfioRegionInfo(7, VfioRegionFlags.Read | VfioRegionFlags.Write, 0xff, 0x700_0000_0000));
        device.GetRegionInfo(1).Should().Be(new VfioRegionInfo(1, VfioRegionFlags.Read | VfioRegionFlags.Write, 0, 1UL << 40));
        Expect.Errno(Errno.EINVAL, () => device.GetRegionInfo(9));

        var guest = new Guest(device);
        guest.ConfigRead32(0).Should().Be(0x32534348);
        guest.ConfigWrite32(0x10, 0xffffffff);
        guest.ConfigRead32(0x10).Should().Be(0xfffffff9);
    }

    /// <summary>Spec §6 vector 10 byte for byte through a VMM process's descriptors.</summary>
    [Fact]
    public void Vector10_Raw_InfoRegionsConfigAndBarSizing()
    {
        var (process, fd) = _host.OpenRaw(_host.Create(MttyHost.Type1));
        using var vmm = process;

        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceGetInfo, Bytes.Sized(16, 15)));
        var info = Bytes.Sized(16, 16, 0xdead, 0xbeef, 0xcafe);
        process.Ioctl(fd, VfioIoctl.DeviceGetInfo, info).Should().Be(0);
        (Bytes.U32(info, 0), Bytes.U32(info, 4), Bytes.U32(info, 8), Bytes.U32(info, 12)).Should().Be((16u, 0x2u, 9u, 5u));

        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceGetRegionInfo, Bytes.Sized(32, 32, 0, 9)));
        var region = Bytes.Sized(32, 32, 0xffff, 7, 0xffff);
        process.Ioctl(fd, VfioIoctl.DeviceGetRegionInfo, region).Should().Be(0);
        (Bytes.U32(region, 0), Bytes.U32(region, 4), Bytes.U32(region, 8), Bytes.U32(region, 12), Bytes.U64(region, 16), Bytes.U64(region, 24))
            .Should().Be((32u, 0x3u, 7u, 0xffffu, 0xffUL, 0x700_0000_0000UL)); // no capabilities: cap_offset stays as given
        var bar1 = Bytes.Sized(32, 32, 0, 1);
        process.Ioctl(fd, VfioIoctl.DeviceGetRegionInfo, bar1).Should().Be(0);
        (Bytes.U32(bar1, 4), Bytes.U64(bar1, 16), Bytes.U64(bar1, 24)).Should().Be((0x3u, 0UL, 1UL << 40));

        var id = new byte[4];
        process.Pread(fd, id, 7L << 40).Should().Be(4);
        Bytes.U32(id, 0).Should().Be(0x32534348);
        process.Pwrite(fd, Bytes.Of(0xffffffff), (7L << 40) + 0x10).Should().Be(4);
        var bar = new byte[4];
        process.Pread(fd, bar, (7L << 40) + 0x10).Should().Be(4);
        Bytes.U32(bar, 0).Should().Be(0xfffffff9);
    }

    [Theory]
    [InlineData(0u, 8UL)]
    [InlineData(1u, 8UL)]
    [InlineData(2u, 0UL)]
    [InlineData(5u, 0UL)]
    [InlineData(6u, 0UL)]
    [InlineData(7u, 0xffUL)]
    [InlineData(8u, 0UL)]
    public void GetRegionInfo_DualPort_EveryIndexReadWriteAtIndexShift40(uint index, ulong size)
    {
        var device = _host.OpenTyped(_host.Create(MttyHost.Type2));
        Expect.Errno(Errno.EINVAL, () => device.GetRegionInfo(index + 9));
        device.GetRegionInfo(index).Should().Be(new VfioRegionInfo(index, VfioRegionFlags.Read | VfioRegionFlags.Write, size, (ulong)index << 40));
    }

    [Fact]
    public void GetIrqInfo_BeforeGetInfo_IsEinval_ThenTheCachedNumIrqsBoundsIt()
    {
        var device = _host.OpenTyped(_host.Create(MttyHost.Type1));
        Expect.Errno(Errno.EINVAL, () => device.GetIrqInfo(0));

        device.GetInfo();
        device.GetIrqInfo(0).Should().Be(new VfioIrqInfo(0, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked, 1));
        device.GetIrqInfo(1).Should().Be(new VfioIrqInfo(1, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.NoResize, 1));
        foreach (uint index in new uint[] { 2, 3, 4, 5 })
        {
            Expect.Errno(Errno.EINVAL, () => device.GetIrqInfo(index));
        }
    }

    [Fact]
    public void GetIrqInfo_Raw_ShortArgszAndBadIndex_AreEinval_ThenEveryField()
    {
        var (process, fd) = _host.OpenRaw(_host.Create(MttyHost.Type1));
        using var vmm = process;
        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceGetIrqInfo, Bytes.Sized(16, 16, 0, 0)));
        process.Ioctl(fd, VfioIoctl.DeviceGetInfo, Bytes.Sized(16, 16));

        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceGetIrqInfo, Bytes.Sized(16, 15, 0, 0)));
        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceGetIrqInfo, Bytes.Sized(16, 16, 0, 4)));
        var intx = Bytes.Sized(16, 16, 0xffff, 0, 0xffff);
        process.Ioctl(fd, VfioIoctl.DeviceGetIrqInfo, intx).Should().Be(0);
        (Bytes.U32(intx, 0), Bytes.U32(intx, 4), Bytes.U32(intx, 8), Bytes.U32(intx, 12)).Should().Be((16u, 0x7u, 0u, 1u));
        var msi = Bytes.Sized(16, 16, 0, 1);
        process.Ioctl(fd, VfioIoctl.DeviceGetIrqInfo, msi).Should().Be(0);
        (Bytes.U32(msi, 4), Bytes.U32(msi, 8), Bytes.U32(msi, 12)).Should().Be((0x9u, 1u, 1u));
    }

    [Fact]
    public void Reopen_KeepsTheCachedNumIrqs()
    {
        var mdev = _host.Create(MttyHost.Type1);
        var (process, fd) = _host.OpenRaw(mdev);
        process.Ioctl(fd, VfioIoctl.DeviceGetInfo, Bytes.Sized(16, 16));
        process.Dispose();

        var (again, fd2) = _host.OpenRaw(mdev);
        using var vmm = again;
        var intx = Bytes.Sized(16, 16, 0, 0);
        again.Ioctl(fd2, VfioIoctl.DeviceGetIrqInfo, intx).Should().Be(0, "mdev_state outlives the open; nothing clears dev_info");
        Bytes.U32(intx, 4).Should().Be(0x7);
    }

    [Fact]
    public void Reset_ReturnsZero_AndKeepsTheUartState()
    {
        var (process, fd) = _host.OpenRaw(_host.Create(MttyHost.Type1));
        using var vmm = process;
        process.Pwrite(fd, [0x5a], 7).Should().Be(1); // SCR
        process.Ioctl(fd, VfioIoctl.DeviceReset, Span<byte>.Empty).Should().Be(0);
        var scr = new byte[1];
        process.Pread(fd, scr, 7);
        scr[0].Should().Be(0x5a);
    }

    [Fact]
    public void UnknownIoctl_IsEnotty_AndAnUnknownDeviceFeatureIsEinval()
    {
        var (process, fd) = _host.OpenRaw(_host.Create(MttyHost.Type1));
        using var vmm = process;
        Expect.Errno(Errno.ENOTTY, () => process.Ioctl(fd, VfioIoctl.DeviceQueryGfxPlane, new byte[64]));
        Expect.Errno(Errno.ENOTTY, () => process.Ioctl(fd, 0x3B99, new byte[8]));
        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceFeature, Bytes.Sized(16, 16, VfioIoctl.FeatureGet | 3)));
    }
}
