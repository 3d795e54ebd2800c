using System.Buffers.Binary;
using Mdev.Samples.VfioCcw.Tests.Support;

namespace Mdev.Samples.VfioCcw.Tests;

/// <summary>The SCHIB and CRW regions.</summary>
public sealed class CcwChannelPathTests
{
    [Fact]
    public async Task ReadSchib_OpenDevice_ShowsTheEnabledPmcw()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var schib = new byte[52];

        session.Device.Read(schib, CcwGuest.SchibRegion).Should().Be(52);

        BinaryPrimitives.ReadUInt32BigEndian(schib).Should().Be(0x0001_0313u, "intparm: the subchannel's SID");
        BinaryPrimitives.ReadUInt32BigEndian(schib.AsSpan(4)).Should().Be(0x1881_2b09u, "isc 3, enabled, device number valid, 0x2b09");
        schib.AsSpan(8, 4).ToArray().Should().Equal(0xC0, 0x00, 0x00, 0xC0);
        schib.AsSpan(14, 10).ToArray().Should().Equal(0xC0, 0xC0, 0x50, 0x51, 0, 0, 0, 0, 0, 0);
        schib.AsSpan(28, 24).ToArray().Should().OnlyContain(b => b == 0, "no status pending, no measurement block");

        var tail = new byte[8];
        session.Device.Read(tail, CcwGuest.SchibRegion + 44).Should().Be(8);
    }

    [Fact]
    public async Task ReadSchib_AfterAPathWentOffline_ShowsItNotOperational()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        host.Private().ChannelPathEvent(0x51, online: false);
        var schib = new byte[52];

        session.Device.Read(schib, CcwGuest.SchibRegion);

        schib[9].Should().Be(0x40, "pnom");
        schib[14].Should().Be(0x80, "pom");
    }

    [Fact]
    public async Task ChannelPathEvents_QueueCrwsAndSignalTheCrwEventfdWhileAnyRemain()
    {
        await using var host = CcwHost.Create();
        using var session = host.Open(host.CreateDevice());
        var crwIrq = session.EnableIrq(1);
        var crw = new byte[8];
        session.Device.Read(crw, CcwGuest.CrwRegion).Should().Be(8);
        crw.Should().OnlyContain(b => b == 0, "nothing is queued");

        host.Private().ChannelPathEvent(0x50, online: false);
        host.Private().ChannelPathEvent(0x50, online: true);
        host.Private().ChannelPathEvent(0x99, online: false);
        crwIrq.Read().Should().Be(2, "one signal per queued CRW; 0x99 is not a path of this subchannel");

        session.Device.Read(crw, CcwGuest.CrwRegion);
        BinaryPrimitives.ReadUInt32BigEndian(crw).Should().Be(0x0406_0050u, "channel path, permanent error not initialised, chpid 0x50");
        crwIrq.Read().Should().Be(1, "another CRW is queued");
        session.Device.Read(crw, CcwGuest.CrwRegion);
        BinaryPrimitives.ReadUInt32BigEndian(crw).Should().Be(0x0402_0050u, "channel path, initialised, chpid 0x50");
        crwIrq.Count.Should().Be(0);
        session.Device.Read(crw, CcwGuest.CrwRegion);
        BinaryPrimitives.ReadUInt32BigEndian(crw).Should().Be(0u);
    }
}
