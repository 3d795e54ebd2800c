using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Samples.VfioAp.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.VfioAp.Tests;

/// <summary>The vfio-ap device file: GET_INFO and RESET, everything else <c>EOPNOTSUPP</c>.</summary>
public sealed class ApDeviceTests
{
    [Fact]
    public async Task GetInfo_RawIoctl_ShortArgszFailsThenApAndResetWithNoRegionsOrIrqs()
    {
        await using var host = ApHost.Create();
        using var session = host.Open(host.CreateDevice());
        var info = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(info, 12);
        Expect.Errno(Errno.EINVAL, () => session.Device.Ioctl(VfioIoctl.DeviceGetInfo, info));

        BinaryPrimitives.WriteUInt32LittleEndian(info, 16);
        session.Device.Ioctl(VfioIoctl.DeviceGetInfo, info).Should().Be(0);

        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)).Should().Be(0x21u);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(8)).Should().Be(0u);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(12)).Should().Be(0u);
        session.Info.Should().Be(new VfioDeviceInfo(VfioDeviceFlags.Ap | VfioDeviceFlags.Reset, 0, 0));
    }

    [Fact]
    public async Task OtherDeviceIoctls_FailWithEopnotsuppThenResetWorks()
    {
        await using var host = ApHost.Create();
        using var session = host.Open(host.CreateDevice());
        using var efd = new EventFd();

        Expect.Errno(Errno.EOPNOTSUPP, () => session.Device.GetRegionInfo(0));
        Expect.Errno(Errno.EOPNOTSUPP, () => session.Device.GetIrqInfo(0));
        Expect.Errno(Errno.EOPNOTSUPP, () => session.Device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, efd)));
        Expect.Errno(Errno.EOPNOTSUPP, () => session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, RegionInfoArgument()));
        Expect.Errno(Errno.EOPNOTSUPP, () => session.Device.Ioctl(VfioIoctl.DeviceQueryGfxPlane, new byte[64]));

        session.Device.Ioctl(VfioIoctl.DeviceReset, []).Should().Be(0);
        session.Device.Reset();
    }

    [Fact]
    public async Task Open_SeveralDevicesAtOnce_EachGetsItsOwnGuest()
    {
        await using var host = ApHost.Create();
        var first = host.CreateDevice();
        var second = host.CreateDevice();

        using var one = host.Open(first);
        using var two = host.Open(second);

        host.Fails(Errno.EBUSY, first, "assign_adapter", "5");
        host.Fails(Errno.EBUSY, second, "assign_adapter", "5");

        // The guest is per device: closing one frees only that one.
        one.Dispose();
        host.Write(first, "assign_adapter", "5").Should().Be(1);
        host.Fails(Errno.EBUSY, second, "assign_adapter", "6");
    }

    private static byte[] RegionInfoArgument()
    {
        var b = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(b, 32);
        return b;
    }
}
