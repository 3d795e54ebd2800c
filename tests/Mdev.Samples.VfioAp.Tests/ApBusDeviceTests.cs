using Mdev.Core;
using Mdev.Samples.VfioAp.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.VfioAp.Tests;

/// <summary>AP cards and queues as the AP bus makes them (Linux 6.12 ap_bus.c, ap_card.c, ap_queue.c).</summary>
public sealed class ApBusDeviceTests
{
    private const string Card = "/sys/devices/ap/card05";
    private const string Queue = Card + "/05.0047";

    [Fact]
    public async Task Register_MalformedQueue_LeavesNoCardOrQueue_ThenCardsAndQueuesAreDevicesWithTheirDevtypes()
    {
        await using (var core = new MdevCore())
        {
            var vfio = new VfioModule(core);
            Expect.Errno(Errno.EINVAL, () => VfioAp.Register(core, vfio, new ApMatrixOptions { Queues = ["05.0047", "5.47"] }));
            core.TreeDevices.Where(d => d.Bus is not null).Should().BeEmpty();
        }

        await using var host = ApHost.Create();
        var sys = host.Core.Sysfs;

        host.Core.TreeDevices.Select(d => d.SysfsPath).Should().Equal(
            "/sys/devices/ap",
            "/sys/devices/ap/card05", "/sys/devices/ap/card05/05.0047", "/sys/devices/ap/card05/05.0048",
            "/sys/devices/ap/card06", "/sys/devices/ap/card06/06.0047", "/sys/devices/ap/card06/06.0048",
            "/sys/devices/vfio_ap", "/sys/devices/vfio_ap/matrix");
        sys.Read(Card + "/uevent").Should().Be("DEVTYPE=ap_card\nDRIVER=cex4card\nDEV_TYPE=000D\nMODALIAS=ap:t0D\nMODE=cca\n");
        sys.Read(Queue + "/uevent").Should().Be("DEVTYPE=ap_queue\nDRIVER=vfio_ap\nMODE=cca\n");
        sys.Read("/sys/devices/ap/uevent").Should().BeEmpty();
        sys.Read("/sys/devices/vfio_ap/uevent").Should().BeEmpty();
        sys.RealPath("/sys/bus/ap/devices/card05").Should().Be(Card);
        sys.RealPath("/sys/bus/ap/devices/05.0047").Should().Be(Queue);
        sys.RealPath("/sys/bus/ap/drivers/cex4card/card06").Should().Be("/sys/devices/ap/card06");
        sys.RealPath("/sys/bus/ap/drivers/vfio_ap/06.0048").Should().Be("/sys/devices/ap/card06/06.0048");
    }

    [Fact]
    public async Task CardAttributes_ReadAsTheKernelPrintsThem()
    {
        await using var host = ApHost.Create();
        var sys = host.Core.Sysfs;

        sys.Read(Card + "/hwtype").Should().Be("13\n");
        sys.Read(Card + "/raw_hwtype").Should().Be("13\n");
        sys.Read(Card + "/depth").Should().Be("8\n");
        sys.Read(Card + "/ap_functions").Should().Be("0x72000000\n");
        sys.Read(Card + "/modalias").Should().Be("ap:t0D\n");
        sys.Read(Card + "/request_count").Should().Be("0\n");
        sys.Read(Queue + "/request_count").Should().Be("0\n");
        sys.Read(Queue + "/chkstop").Should().Be("0\n");
    }

    [Fact]
    public async Task QueueUeventFile_ReadsWhatASynthesizedChangeCarries()
    {
        await using var host = ApHost.Create();
        using var listener = host.Core.SubscribeUevents();

        host.Core.Sysfs.Write(Queue + "/uevent", "change");

        listener.Reader.TryRead(out var e).Should().BeTrue();
        e!.Subsystem.Should().Be("ap");
        string.Concat(e.Environment.SkipWhile(kv => kv.Key != "SYNTH_UUID").Skip(1).SkipLast(1).Select(kv => $"{kv.Key}={kv.Value}\n"))
            .Should().Be(host.Core.Sysfs.Read(Queue + "/uevent"));
    }
}
