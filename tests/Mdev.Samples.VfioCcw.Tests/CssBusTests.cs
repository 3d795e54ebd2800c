using Mdev.Core;
using Mdev.Samples.VfioCcw.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw.Tests;

/// <summary>The subchannel as the css bus makes it (Linux 6.12 drivers/s390/cio/css.c), so libvirt can classify it.</summary>
public sealed class CssBusTests
{
    [Fact]
    public async Task Register_Qdio_AddsNoSubchannel_ThenTheSubchannelHasTheCssAttributes()
    {
        await using (var core = new MdevCore())
        {
            var vfio = new VfioModule(core);
            Expect.Errno(Errno.ENODEV, () => VfioCcw.Register(core, vfio, new CcwSubchannelOptions { Qdio = true }));
            core.TreeDevices.Should().BeEmpty();
        }

        await using var host = CcwHost.Create(new CcwSubchannelOptions { Chpids = [0x50, 0x51, 0x2e], DeviceNumber = 0x2b09 });
        var sys = host.Core.Sysfs;

        sys.Read(CcwHost.Parent + "/type").Should().Be("0\n");
        sys.Read(CcwHost.Parent + "/modalias").Should().Be("css:t0\n");
        sys.Read(CcwHost.Parent + "/chpids").Should().Be("50 51 2e 00 00 00 00 00 \n");
        sys.Read(CcwHost.Parent + "/pimpampom").Should().Be("e0 e0 e0\n");
        sys.Read(CcwHost.Parent + "/dev_busid").Should().Be("0.0.2b09\n");
        sys.Read(CcwHost.Parent + "/driver_override").Should().Be("(null)\n");
        sys.Read(CcwHost.Parent + "/uevent").Should().Be("DRIVER=vfio_ccw\nST=0\nMODALIAS=css:t0\n");
        sys.Read("/sys/devices/css0/uevent").Should().BeEmpty();
    }

    [Fact]
    public async Task DriverOverride_TooLongIsEinval_ThenSetAndCleared()
    {
        await using var host = CcwHost.Create();
        var sys = host.Core.Sysfs;

        Expect.Errno(Errno.EINVAL, () => sys.Write(CcwHost.Parent + "/driver_override", new string('x', 4095)));
        sys.Read(CcwHost.Parent + "/driver_override").Should().Be("(null)\n");

        sys.Write(CcwHost.Parent + "/driver_override", "vfio_ccw\n");
        sys.Read(CcwHost.Parent + "/driver_override").Should().Be("vfio_ccw\n");
        sys.Write(CcwHost.Parent + "/driver_override", "\n");
        sys.Read(CcwHost.Parent + "/driver_override").Should().Be("(null)\n");
    }

    [Fact]
    public async Task Events_CarrySTAndModalias_AfterDriver()
    {
        await using var core = new MdevCore();
        var vfio = new VfioModule(core);
        using var listener = core.SubscribeUevents();

        VfioCcw.Register(core, vfio);

        var events = new List<Uevent>();
        while (listener.Reader.TryRead(out var e))
        {
            events.Add(e);
        }

        var subchannel = events.Where(e => e.DevPath == "/devices/css0/0.0.0313").ToList();
        subchannel.Select(e => e.ActionName).Should().StartWith(["add", "bind"]);
        string.Join(' ', subchannel[0].Environment.Skip(3).SkipLast(1).Select(kv => $"{kv.Key}={kv.Value}")).Should().Be("ST=0 MODALIAS=css:t0");
        string.Join(' ', subchannel[1].Environment.Skip(3).SkipLast(1).Select(kv => $"{kv.Key}={kv.Value}")).Should().Be("DRIVER=vfio_ccw ST=0 MODALIAS=css:t0");
        events.Should().NotContain(e => e.DevPath == "/devices/css0", "css0 has no bus and no class");
    }
}
