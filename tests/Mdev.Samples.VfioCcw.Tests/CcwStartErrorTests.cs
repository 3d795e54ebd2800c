using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Samples.VfioCcw.Tests.Support;

namespace Mdev.Samples.VfioCcw.Tests;

/// <summary>I/O-region requests vfio-ccw refuses from IDLE, each followed by a request it accepts.</summary>
public sealed class CcwStartErrorTests
{
    private const byte Write = 0x01, Noop = 0x03;
    private const byte CommandChain = 0x40, Ida = 0x04;

    [Fact]
    public async Task Start_TransportModeOrb_FailsWithEopnotsupp()
    {
        await using var host = CcwHost.Create();
        using var session = Program(host);

        Expect.Errno(Errno.EOPNOTSUPP, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000, CcwGuest.OrbFormat1 | CcwGuest.OrbTransportMode)));
        CcwGuest.RetCode(session.Device).Should().Be(-(int)Errno.EOPNOTSUPP);

        AcceptsAStart(host, session);
    }

    [Theory]
    [InlineData(CcwGuest.FctlHalt)]
    [InlineData(CcwGuest.FctlClear)]
    public async Task Request_HaltOrClearThroughTheIoRegion_FailsWithEopnotsupp(uint fctl)
    {
        await using var host = CcwHost.Create();
        using var session = Program(host);

        Expect.Errno(Errno.EOPNOTSUPP, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000, fctl: fctl)));

        AcceptsAStart(host, session);
    }

    [Fact]
    public async Task Request_WithoutAFunction_ReturnsTheRetCodeLeftInTheRegion()
    {
        await using var host = CcwHost.Create();
        using var session = Program(host);
        Expect.Errno(Errno.EOPNOTSUPP, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000, fctl: CcwGuest.FctlHalt)));

        // ret_code is only set by a function; a 24-byte write leaves the old one, a full write brings its own.
        Expect.Errno(Errno.EOPNOTSUPP, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000, fctl: 0)));
        var full = new byte[124];
        CcwGuest.Start(0x1000, fctl: 0).CopyTo(full, 0);
        session.Device.Write(full, 0).Should().Be(124);
        BinaryPrimitives.WriteInt32LittleEndian(full.AsSpan(120), 5);
        session.Device.Write(full, 0).Should().Be(5, "a positive ret_code is returned as the count");

        host.Private().State.Should().Be(CcwFsmState.Idle);
        AcceptsAStart(host, session);
    }

    [Fact]
    public async Task Start_ProgramOutsideGuestMemory_FailsWithEinvalFromThePin()
    {
        await using var host = CcwHost.Create();
        using var session = Program(host);

        Expect.Errno(Errno.EINVAL, () => CcwGuest.Request(session.Device, CcwGuest.Start(16 << 20)));
        Expect.Errno(Errno.EINVAL, () => CcwGuest.Request(session.Device, CcwGuest.Start((16 << 20) - 8)));

        AcceptsAStart(host, session);
    }

    [Fact]
    public async Task Start_DataAreaOutsideGuestMemory_FailsWithEinvalAndPinsNothing()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        CcwGuest.PutCcw(session, 0x1000, Write, CommandChain, 16, 0x2000);
        CcwGuest.PutCcw(session, 0x1008, Write, 0, 16, (16 << 20) - 8);

        Expect.Errno(Errno.EINVAL, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)));

        host.Private().Program.Initialized.Should().BeFalse();
        session.Container.UnmapDma(0, 16 << 20).Should().Be(16ul << 20, "no page stayed pinned");
    }

    [Fact]
    public async Task Start_ChainOfMoreThan256Ccws_FailsWithEinval()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        for (uint i = 0; i < 256; i++)
        {
            CcwGuest.PutCcw(session, 0x1000 + (i * 8), Noop, CommandChain, 0, 0);
        }

        Expect.Errno(Errno.EINVAL, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)));

        CcwGuest.PutCcw(session, 0x1000 + (255 * 8), Noop, 0, 0, 0);
        var io = session.EnableIrq(0);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24, "256 CCWs are the most a chain may have");
        (await CcwGuest.WaitAsync(io)).Should().Be(1);
        CcwGuest.Irb(session.Device).Cpa.Should().Be(0x1000u + (256 * 8));
    }

    [Theory]
    [InlineData(CcwGuest.OrbFormat1 | CcwGuest.OrbPrefetch)]
    [InlineData(CcwGuest.OrbFormat1 | CcwGuest.OrbPrefetch | CcwGuest.OrbC64)]
    public async Task Start_IdaCcw_FailsWithEopnotsupp(uint orbFlags)
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        CcwGuest.PutCcw(session, 0x1000, Write, Ida, 16, 0x2000);

        Expect.Errno(Errno.EOPNOTSUPP, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000, orbFlags)));

        host.Private().State.Should().Be(CcwFsmState.Idle);
    }

    [Fact]
    public async Task Start_TicOutsideTheChains_IsFetchedAsANewChain()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var io = session.EnableIrq(0);
        CcwGuest.PutCcw(session, 0x1000, 0x08, 0, 0, (16 << 20) - 4);

        Expect.Errno(Errno.EINVAL, () => CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)));

        CcwGuest.PutCcw(session, 0x1000, 0x08, 0, 0, 0x1800);
        CcwGuest.PutCcw(session, 0x1800, Noop, 0, 0, 0);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24);
        await CcwGuest.WaitAsync(io);
        CcwGuest.Irb(session.Device).Cpa.Should().Be(0x1808u);
    }

    private static Testing.VmmSession Program(Testing.MdevTestHost host)
    {
        var session = host.Open(host.CreateDevice());
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        return session;
    }

    private static void AcceptsAStart(Testing.MdevTestHost host, Testing.VmmSession session)
    {
        host.Private().State.Should().Be(CcwFsmState.Idle);
        CcwGuest.PutCcw(session, 0x1000, Write, 0, 4, 0x2000);
        CcwGuest.Request(session.Device, CcwGuest.Start(0x1000)).Should().Be(24);
        CcwGuest.RetCode(session.Device).Should().Be(0);
    }
}
