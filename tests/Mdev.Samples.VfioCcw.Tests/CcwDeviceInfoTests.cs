using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Samples.VfioCcw.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw.Tests;

/// <summary>GET_INFO, GET_REGION_INFO, GET_IRQ_INFO and region bounds of a vfio-ccw device.</summary>
public sealed class CcwDeviceInfoTests
{
    [Fact]
    public async Task GetDeviceInfo_BeforeAndAfterOpen_HasOneThenFourRegions()
    {
        await using var host = CcwHost.Create();
        var mdev = host.CreateDevice();
        var ops = (VfioParentOps)host.Parent.Ops;

        ops.GetDeviceInfo(mdev).Should().Be(new VfioDeviceInfo(VfioDeviceFlags.Ccw | VfioDeviceFlags.Reset, 1, 3));
        Expect.Errno(Errno.EINVAL, () => ops.GetRegionInfo(mdev, 1));

        using (var session = host.Open(mdev))
        {
            session.Info.Should().Be(new VfioDeviceInfo(VfioDeviceFlags.Ccw | VfioDeviceFlags.Reset, 4, 3));
            ((uint)session.Info.Flags).Should().Be(0x11);
            host.Private().State.Should().Be(CcwFsmState.Idle);
        }

        ops.GetDeviceInfo(mdev).NumRegions.Should().Be(1);
        host.Private().State.Should().Be(CcwFsmState.Standby);
    }

    [Fact]
    public async Task GetRegionInfo_EveryIndex_MatchesTheVfioCcwLayout()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var rw = VfioRegionFlags.Read | VfioRegionFlags.Write;

        Expect.Errno(Errno.EINVAL, () => session.Device.GetRegionInfo(4));
        session.Device.GetRegionInfo(0).Should().Be(new VfioRegionInfo(0, rw, 124, 0));
        session.Device.GetRegionInfo(1).Should().Be(new VfioRegionInfo(1, rw | VfioRegionFlags.Caps, 8, 0x400, [new VfioRegionTypeCapability(2, 1)]));
        session.Device.GetRegionInfo(2).Should().Be(new VfioRegionInfo(2, VfioRegionFlags.Read | VfioRegionFlags.Caps, 52, 0x800, [new VfioRegionTypeCapability(2, 2)]));
        session.Device.GetRegionInfo(3).Should().Be(new VfioRegionInfo(3, VfioRegionFlags.Read | VfioRegionFlags.Caps, 8, 0xC00, [new VfioRegionTypeCapability(2, 3)]));
    }

    [Fact]
    public async Task GetRegionInfo_RawCapabilityHandshakeOnIndex1_AsksForMoreRoomThenFillsTheChain()
    {
        // Spec §6 vector 13.
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var shortArg = Info(argsz: 16, index: 1, size: 32);
        Expect.Errno(Errno.EINVAL, () => session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, shortArg));

        var first = Info(argsz: 32, index: 1, size: 32);
        session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, first).Should().Be(0);
        U32(first, 0).Should().Be(48u, "argsz now says what the chain needs");
        (U32(first, 4) & 0x8).Should().Be(0x8u, "CAPS is set");
        U32(first, 4).Should().Be(0xBu);
        U32(first, 12).Should().Be(0u, "no chain was copied");

        var retry = Info(argsz: 48, index: 1, size: 48);
        session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, retry).Should().Be(0);
        U32(retry, 0).Should().Be(48u);
        U32(retry, 4).Should().Be(0xBu);
        U32(retry, 8).Should().Be(1u);
        U32(retry, 12).Should().Be(32u, "cap_offset");
        BinaryPrimitives.ReadUInt64LittleEndian(retry.AsSpan(16)).Should().Be(8ul);
        BinaryPrimitives.ReadUInt64LittleEndian(retry.AsSpan(24)).Should().Be(0x400ul);
        BinaryPrimitives.ReadUInt16LittleEndian(retry.AsSpan(32)).Should().Be(2, "id CAP_TYPE");
        BinaryPrimitives.ReadUInt16LittleEndian(retry.AsSpan(34)).Should().Be(1, "version");
        U32(retry, 36).Should().Be(0u, "next");
        U32(retry, 40).Should().Be(2u, "type CCW");
        U32(retry, 44).Should().Be(1u, "subtype ASYNC_CMD");
    }

    [Fact]
    public async Task GetIrqInfo_IndexesZeroToTwo_AreOneEventfdEach()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());

        Expect.Errno(Errno.EINVAL, () => session.Device.GetIrqInfo(3));
        for (uint i = 0; i < 3; i++)
        {
            session.Device.GetIrqInfo(i).Should().Be(new VfioIrqInfo(i, VfioIrqInfoFlags.EventFd, 1));
        }
    }

    [Fact]
    public async Task Ioctl_NotAVfioCcwIoctl_FailsWithEnotty()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());

        Expect.Errno(Errno.ENOTTY, () => session.Device.Ioctl(VfioIoctl.DeviceQueryGfxPlane, new byte[64]));
    }

    [Theory]
    [InlineData(0L, 125)]
    [InlineData(120L, 8)]
    [InlineData(0x400L, 9)]
    [InlineData(0x804L, 52)]
    [InlineData(0xC00L, 12)]
    [InlineData(0x1000L, 4)]
    [InlineData(-1L, 4)]
    public async Task Read_OutsideARegion_FailsWithEinval(long offset, int count)
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());

        Expect.Errno(Errno.EINVAL, () => session.Device.Read(new byte[count], offset));
        session.Device.Read(new byte[4], 120).Should().Be(4);
    }

    [Theory]
    [InlineData(0x800L)]
    [InlineData(0xC00L)]
    public async Task Write_SchibOrCrwRegion_FailsWithEinval(long offset)
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());

        Expect.Errno(Errno.EINVAL, () => session.Device.Write(new byte[4], offset));
    }

    [Fact]
    public async Task Write_PastTheIoOrAsyncRegion_FailsWithEinvalAndRunsNothing()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());

        Expect.Errno(Errno.EINVAL, () => session.Device.Write(new byte[8], 120));
        Expect.Errno(Errno.EINVAL, () => session.Device.Write(new byte[8], 0x404));
        host.Private().State.Should().Be(CcwFsmState.Idle);
    }

    private static byte[] Info(uint argsz, uint index, int size)
    {
        var b = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(b, argsz);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), index);
        return b;
    }

    private static uint U32(byte[] b, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(offset));
}
