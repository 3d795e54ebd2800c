using Mdev.Core;
using Mdev.Samples.VfioCcw.Tests.Support;

namespace Mdev.Samples.VfioCcw.Tests;

/// <summary>What the I/O and async regions answer in each FSM state, and the transitions open, close and reset make.</summary>
public sealed class CcwFsmTests
{
    private const byte Write = 0x01;

    [Theory]
    [InlineData((int)CcwFsmState.NotOper, Errno.EIO)]
    [InlineData((int)CcwFsmState.Standby, Errno.EIO)]
    [InlineData((int)CcwFsmState.CpProcessing, Errno.EAGAIN)]
    [InlineData((int)CcwFsmState.CpPending, Errno.EBUSY)]
    public async Task IoRequest_InAStateThatCannotStart_SetsTheKernelRetCode(int fsmState, Errno errno)
    {
        var state = (CcwFsmState)fsmState;
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        host.Force(state);

        Expect.Errno(errno, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)));

        CcwGuest.RetCode(session.Device).Should().Be(-(int)errno);
        host.Private().State.Should().Be(state);
    }

    [Theory]
    [InlineData((int)CcwFsmState.NotOper, Errno.EIO)]
    [InlineData((int)CcwFsmState.Standby, Errno.EIO)]
    [InlineData((int)CcwFsmState.CpProcessing, Errno.EAGAIN)]
    public async Task AsyncRequest_InAStateThatCannotHaltOrClear_SetsTheKernelRetCode(int fsmState, Errno errno)
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        host.Force((CcwFsmState)fsmState);

        Expect.Errno(errno, () => CcwGuest.Async(session.Device, 1));
        Expect.Errno(errno, () => CcwGuest.Async(session.Device, 2));

        CcwGuest.AsyncRetCode(session.Device).Should().Be(-(int)errno);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(3u)]
    [InlineData(4u)]
    public async Task AsyncRequest_UnknownCommand_FailsWithEinvalThenHaltWorks(uint command)
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);

        Expect.Errno(Errno.EINVAL, () => CcwGuest.Async(session.Device, command));

        CcwGuest.Async(session.Device, 1).Should().Be(8);
        CcwGuest.AsyncRetCode(session.Device).Should().Be(0);
        (await CcwGuest.WaitAsync(io)).Should().Be(1);
        CcwGuest.Irb(session.Device).Word0.Should().Be(0x0000_2001u, "halt function, status pending alone");
        host.Private().State.Should().Be(CcwFsmState.Idle);
    }

    [Fact]
    public async Task AsyncRequest_ClearInIdle_PresentsClearStatus()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);

        CcwGuest.Async(session.Device, 2).Should().Be(8);

        (await CcwGuest.WaitAsync(io)).Should().Be(1);
        CcwGuest.Irb(session.Device).Word0.Should().Be(0x0000_1001u);
        host.Private().State.Should().Be(CcwFsmState.Idle);
    }

    [Fact]
    public async Task AsyncRequest_WhileAStartIsPending_HaltIsBusyAndClearEndsTheProgram()
    {
        var (host, clock) = CcwHost.CreateWithClock();
        await using var _ = host;
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24);

        Expect.Errno(Errno.EBUSY, () => CcwGuest.Async(session.Device, 1));
        CcwGuest.Async(session.Device, 2).Should().Be(8);
        host.Private().State.Should().Be(CcwFsmState.CpPending);

        clock.Advance(TimeSpan.FromMilliseconds(1));

        io.Read().Should().Be(1);
        CcwGuest.Irb(session.Device).Word0.Should().Be(0x0000_1001u, "the clear replaced the start's status");
        host.Private().State.Should().Be(CcwFsmState.Idle);
        host.Private().Program.Initialized.Should().BeFalse();
    }

    [Fact]
    public async Task Write_WhileAnotherRequestHoldsTheRegion_FailsWithEagain()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        var p = host.Private();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = Task.Factory.StartNew(
            () =>
            {
                lock (p.IoLock)
                {
                    held.SetResult();
                    release.Task.Wait();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await held.Task;

        Expect.Errno(Errno.EAGAIN, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)));
        Expect.Errno(Errno.EAGAIN, () => CcwGuest.Async(session.Device, 1));

        release.SetResult();
        await holder;
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24);
    }

    [Fact]
    public async Task Reset_WithAPendingProgram_ClosesAndReopensToIdle()
    {
        var (host, clock) = CcwHost.CreateWithClock();
        await using var _ = host;
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000));

        session.Device.Reset();

        host.Private().State.Should().Be(CcwFsmState.Idle);
        host.Private().Program.Initialized.Should().BeFalse();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        io.Count.Should().Be(0);
        session.Info.NumRegions.Should().Be(4);
    }

    [Fact]
    public async Task SubchannelGone_BeforeTheEvent_StartHaltClearAndSchibFailWithEnodev()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        host.Private().Subchannel.Vanish();

        Expect.Errno(Errno.ENODEV, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)));
        Expect.Errno(Errno.ENODEV, () => CcwGuest.Async(session.Device, 1));
        Expect.Errno(Errno.ENODEV, () => CcwGuest.Async(session.Device, 2));
        Expect.Errno(Errno.ENODEV, () => session.Device.Read(new byte[52], CcwGuest.SchibRegion));
        host.Private().State.Should().Be(CcwFsmState.Idle);
    }

    [Fact]
    public async Task SubchannelEvent_AfterTheSubchannelIsGone_MakesTheDeviceNotOperational()
    {
        await using var host = CcwHost.Create();
        var mdev = host.CreateDevice();
        var session = host.Open(mdev);
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        host.Private().Subchannel.Vanish();

        host.Private().SubchannelEvent();

        host.Private().State.Should().Be(CcwFsmState.NotOper);
        Expect.Errno(Errno.EIO, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)));
        Expect.Errno(Errno.EINVAL, () => session.Device.Reset());
        session.Dispose();
        Expect.Errno(Errno.EINVAL, () => host.Open(mdev));
        await host.Core.RemoveMdevDeviceAsync(mdev.Uuid);
        Expect.Errno(Errno.ENODEV, () => host.CreateDevice());
    }

    [Fact]
    public async Task PathOffline_StartOnThatPathOnly_FailsWithEaccesAndTheOtherPathStillWorks()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        host.Private().ChannelPathEvent(0x50, online: false);

        Expect.Errno(Errno.EACCES, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000, CcwGuest.OrbFormat1 | CcwGuest.OrbPrefetch | 0x8000)));

        host.Private().Subchannel.Lpm.Should().Be(0x40);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24);
        host.Private().Subchannel.Lpum.Should().Be(0x40);
    }

    [Fact]
    public async Task PathsAllOffline_Start_FailsWithEnodevAndClearsTheLogicalPathMask()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        host.Private().ChannelPathEvent(0x50, online: false);
        host.Private().ChannelPathEvent(0x51, online: false);

        Expect.Errno(Errno.ENODEV, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)));

        host.Private().Subchannel.Lpm.Should().Be(0);
        host.Private().ChannelPathEvent(0x51, online: true);
        host.Private().Subchannel.Lpm.Should().Be(0x40);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24);
    }
}
