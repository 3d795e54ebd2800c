using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Samples.VfioCcw.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw.Tests;

/// <summary>SET_IRQS on the IO, CRW and REQ indexes, and REQ during removal.</summary>
public sealed class CcwSetIrqsTests
{
    [Fact]
    public async Task SetIrqs_MalformedRequests_FailWithEinval()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        using var efd = new EventFd();

        Expect.Errno(Errno.EINVAL, () => session.Device.SetIrqs(VfioIrqSet.TriggerEventFds(3, 0, efd)));
        Expect.Errno(Errno.EINVAL, () => session.Device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 1, efd)));
        Expect.Errno(Errno.EINVAL, () => session.Device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, efd, efd)));
        Expect.Errno(Errno.EINVAL, () => session.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionUnmask, 0, 0, 1)));
        Expect.Errno(Errno.EINVAL, () => session.Device.SetIrqs(new VfioIrqSet(VfioIrqSetFlags.ActionMask | VfioIrqSetFlags.DataEventFd, 0, 0, 1, eventFds: [efd])));

        session.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionTrigger, 0, 0, 1));
        efd.Count.Should().Be(0, "nothing was bound");
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(2u)]
    public async Task SetIrqs_TriggerWithEachDataType_BindsSignalsAndReleases(uint index)
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var efd = session.EnableIrq(index);

        session.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionTrigger, index, 0, 1));
        efd.Read().Should().Be(1);
        session.Device.SetIrqs(new VfioIrqSet(VfioIrqSetFlags.ActionTrigger | VfioIrqSetFlags.DataBool, index, 0, 1, bools: [false]));
        efd.Count.Should().Be(0);
        session.Device.SetIrqs(new VfioIrqSet(VfioIrqSetFlags.ActionTrigger | VfioIrqSetFlags.DataBool, index, 0, 1, bools: [true]));
        efd.Read().Should().Be(1);

        // Several action bits pass as long as TRIGGER is among them (the common rules do not check actions).
        session.Device.SetIrqs(new VfioIrqSet(VfioIrqSetFlags.ActionTrigger | VfioIrqSetFlags.ActionMask | VfioIrqSetFlags.DataNone, index, 0, 1));
        efd.Read().Should().Be(1);

        session.Device.SetIrqs(VfioIrqSet.TriggerEventFds(index, 0, [null]));
        session.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionTrigger, index, 0, 1));
        efd.Count.Should().Be(0, "the eventfd was released");
    }

    [Fact]
    public async Task SetIrqs_TriggerNoneWithCountZero_SignalsInsteadOfDisabling()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var efd = session.EnableIrq(0);

        session.Device.SetIrqs(VfioIrqSet.Disable(0));

        efd.Read().Should().Be(1, "vfio-ccw signals on DATA_NONE whatever the count");
    }

    [Fact]
    public async Task SetIrqs_RawIoctlWithFdMinusOne_ReleasesTheEventfd()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var efd = session.EnableIrq(0);
        var set = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(set, 24);
        BinaryPrimitives.WriteUInt32LittleEndian(set.AsSpan(4), (uint)(VfioIrqSetFlags.ActionTrigger | VfioIrqSetFlags.DataEventFd));
        BinaryPrimitives.WriteUInt32LittleEndian(set.AsSpan(16), 1);
        BinaryPrimitives.WriteInt32LittleEndian(set.AsSpan(20), -1);
        var tooShort = set.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(tooShort, 20);
        Expect.Errno(Errno.EINVAL, () => session.Device.Ioctl(VfioIoctl.DeviceSetIrqs, tooShort));
        var belowMinusOne = set.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(belowMinusOne.AsSpan(20), -2);
        Expect.Errno(Errno.EINVAL, () => session.Device.Ioctl(VfioIoctl.DeviceSetIrqs, belowMinusOne)); // vfio-ccw: fd < -1
        session.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionTrigger, 0, 0, 1));
        efd.Read().Should().Be(1, "the eventfd is still bound after the refused request");

        session.Device.Ioctl(VfioIoctl.DeviceSetIrqs, set).Should().Be(0);

        session.Device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionTrigger, 0, 0, 1));
        efd.Count.Should().Be(0);
    }

    [Fact]
    public async Task Remove_WhileOpen_SignalsTheReqEventfdUntilReleased()
    {
        await using var host = CcwHost.Create();
        var mdev = host.CreateDevice();
        var session = host.Open(mdev);
        var req = session.EnableIrq(2);

        var removal = host.Core.RemoveMdevDeviceAsync(mdev.Uuid);
        (await CcwGuest.WaitAsync(req)).Should().BeGreaterThan(0);
        removal.IsCompleted.Should().BeFalse("the device is still open");

        session.Dispose();
        await removal;
        host.Core.FindDevice(mdev.Uuid).Should().BeNull();
        host.Private().State.Should().Be(CcwFsmState.Standby);
    }
}
