using Mdev.Core;
using Mdev.Samples.VfioCcw.Tests.Support;

namespace Mdev.Samples.VfioCcw.Tests;

/// <summary>Channel programs read from guest memory through DMA, run against the device, and completed with an IRB.</summary>
public sealed class CcwChannelProgramTests
{
    private const byte Write = 0x01, Read = 0x02, Sense = 0x04, Tic = 0x08, SenseId = 0xE4;
    private const byte CommandChain = 0x40, Sli = 0x20;
    private static readonly byte[] Payload = "hello, channel!!"u8.ToArray();

    [Fact]
    public async Task Start_WriteThenReadChain_RoundTripsThroughDmaAndSignalsTheIoEventfd()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        Payload.CopyTo(session.GuestMemory.Span[0x2000..]);
        CcwGuest.PutCcw(session, 0x1000, Write, CommandChain, 16, 0x2000);
        CcwGuest.PutCcw(session, 0x1008, Read, 0, 16, 0x3000);

        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24);

        (await CcwGuest.WaitAsync(io)).Should().Be(1);
        var irb = CcwGuest.Irb(session.Device);
        irb.Word0.Should().Be(0x00C0_4007u, "F and P from the ORB, start function, primary + secondary + pending status");
        irb.Cpa.Should().Be(0x1010u, "the last CCW + 8");
        irb.DeviceStatus.Should().Be(0x0C, "channel end and device end");
        irb.SubchannelStatus.Should().Be(0);
        irb.Count.Should().Be(0);
        session.GuestMemory.Span.Slice(0x3000, 16).ToArray().Should().Equal(Payload);
        host.Private().Subchannel.Device.Record.ToArray().Should().Equal(Payload);
        CcwGuest.RetCode(session.Device).Should().Be(0);
        host.Private().State.Should().Be(CcwFsmState.Idle);
        host.Private().Program.Initialized.Should().BeFalse("the final interruption freed the program");
    }

    [Fact]
    public async Task Start_BeforeTheInterruption_StaysPendingWithPagesPinnedAndRefusesAnotherStart()
    {
        var (host, clock) = CcwHost.CreateWithClock();
        await using var _ = host;
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        Payload.CopyTo(session.GuestMemory.Span[0x2000..]);
        CcwGuest.PutCcw(session, 0x1000, Write, CommandChain, 16, 0x2000);
        CcwGuest.PutCcw(session, 0x1008, Read, 0, 16, 0x3000);

        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24);

        host.Private().State.Should().Be(CcwFsmState.CpPending);
        host.Private().Program.IovaPinned(0x2000, 0x2000).Should().BeTrue();
        io.Count.Should().Be(0);
        Expect.Errno(Errno.EBUSY, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)));
        CcwGuest.RetCode(session.Device).Should().Be(-(int)Errno.EBUSY);

        clock.Advance(TimeSpan.FromMilliseconds(1));

        io.Read().Should().Be(1);
        host.Private().State.Should().Be(CcwFsmState.Idle);
        host.Private().Program.IovaPinned(0, 16 << 20).Should().BeFalse();
        CcwGuest.Irb(session.Device).Cpa.Should().Be(0x1010u);
    }

    [Fact]
    public async Task UnmapDma_UnderAPendingProgram_ResetsTheDeviceAndDropsTheInterruption()
    {
        var (host, clock) = CcwHost.CreateWithClock();
        await using var _ = host;
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 16, 0x2000);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24);

        session.Container.UnmapDma(0, 16 << 20).Should().Be(16ul << 20, "vfio-ccw unpinned everything on dma_unmap");

        host.Private().State.Should().Be(CcwFsmState.Idle);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        io.Count.Should().Be(0, "closing the subchannel discarded the pending status");
    }

    [Fact]
    public async Task Start_ReadLongerThanTheRecord_EndsWithIncorrectLengthUnlessSuppressed()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        "abcd"u8.CopyTo(session.GuestMemory.Span[0x2000..]);
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000));
        await CcwGuest.WaitAsync(io);

        CcwGuest.PutCcw(session, 0x1000, Read, 0, 16, 0x3000);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000));
        await CcwGuest.WaitAsync(io);
        var incorrect = CcwGuest.Irb(session.Device);
        incorrect.SubchannelStatus.Should().Be(0x40, "incorrect length");
        (incorrect.Word0 & 0x1F).Should().Be(0x17u, "alert status joins primary, secondary and pending");
        incorrect.Count.Should().Be(12);

        CcwGuest.PutCcw(session, 0x1000, Read, Sli, 16, 0x3000);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000));
        await CcwGuest.WaitAsync(io);
        var suppressed = CcwGuest.Irb(session.Device);
        suppressed.SubchannelStatus.Should().Be(0);
        (suppressed.Word0 & 0x1F).Should().Be(0x07u);
        suppressed.Count.Should().Be(12);
        session.GuestMemory.Span.Slice(0x3000, 4).ToArray().Should().Equal("abcd"u8.ToArray());
    }

    [Fact]
    public async Task Start_UnknownCommand_EndsWithUnitCheckAndSenseSaysCommandReject()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        CcwGuest.PutCcw(session, 0x1000, 0x0B, CommandChain, 0, 0);
        CcwGuest.PutCcw(session, 0x1008, Read, 0, 16, 0x3000);

        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000));
        await CcwGuest.WaitAsync(io);
        var check = CcwGuest.Irb(session.Device);
        check.DeviceStatus.Should().Be(0x0E, "channel end, device end, unit check");
        check.Cpa.Should().Be(0x1008u, "the chain stopped at the rejected CCW");

        CcwGuest.PutCcw(session, 0x1000, Sense, Sli, 32, 0x4000);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000));
        await CcwGuest.WaitAsync(io);
        session.GuestMemory.Span[0x4000].Should().Be(0x80);
        CcwGuest.Irb(session.Device).DeviceStatus.Should().Be(0x0C);
    }

    [Fact]
    public async Task Start_SenseId_ReturnsTheDeviceIdentity()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        CcwGuest.PutCcw(session, 0x1000, SenseId, 0, 7, 0x4000);

        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000));
        await CcwGuest.WaitAsync(io);

        session.GuestMemory.Span.Slice(0x4000, 7).ToArray().Should().Equal(0xFF, 0x39, 0x90, 0xE9, 0x33, 0x90, 0x0C);
        CcwGuest.Irb(session.Device).SubchannelStatus.Should().Be(0);
    }

    [Fact]
    public async Task Start_TicToAnotherChain_FetchesAndFollowsIt()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        Payload.CopyTo(session.GuestMemory.Span[0x2000..]);
        CcwGuest.PutCcw(session, 0x1000, Write, CommandChain, 16, 0x2000);
        CcwGuest.PutCcw(session, 0x1008, Tic, 0, 0, 0x5000);
        CcwGuest.PutCcw(session, 0x5000, Read, 0, 16, 0x3000);

        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24);
        await CcwGuest.WaitAsync(io);

        CcwGuest.Irb(session.Device).Cpa.Should().Be(0x5008u);
        session.GuestMemory.Span.Slice(0x3000, 16).ToArray().Should().Equal(Payload);
    }

    [Fact]
    public async Task Start_Format0Ccws_AreConvertedAndRun()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        Payload.CopyTo(session.GuestMemory.Span[0x2000..]);
        byte[] format0 =
        [
            Write, 0x00, 0x20, 0x00, CommandChain, 0, 0, 16,
            Read, 0x00, 0x30, 0x00, 0, 0, 0, 16,
        ];
        format0.CopyTo(session.GuestMemory.Span[0x1000..]);

        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000, orbFlags: CcwGuest.OrbPrefetch)).Should().Be(24);
        await CcwGuest.WaitAsync(io);

        session.GuestMemory.Span.Slice(0x3000, 16).ToArray().Should().Equal(Payload);
        CcwGuest.Irb(session.Device).Word0.Should().Be(0x0040_4007u, "P from the ORB, F clear");
    }
}
