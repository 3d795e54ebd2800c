using Mdev.Core;
using Mdev.Samples.VfioCcw.Tests.Support;
using Mdev.Testing;
using Mdev.Vfio;

namespace Mdev.Samples.VfioCcw.Tests;

/// <summary>The subchannel parent, its type and its instance limit, through sysfs.</summary>
public sealed class CcwSysfsTests
{
    [Fact]
    public async Task Register_DefaultSubchannel_ShowsTheVfioCcwIoType()
    {
        await using var host = CcwHost.Create();
        var sys = host.Core.Sysfs;

        sys.RealPath("/sys/class/mdev_bus/0.0.0313").Should().Be(CcwHost.Parent);
        sys.RealPath("/sys/bus/css/drivers/vfio_ccw/0.0.0313").Should().Be(CcwHost.Parent);
        sys.ReadDirectory(CcwHost.Parent + "/mdev_supported_types").Select(e => e.Name).Should().Equal("vfio_ccw-io");
        sys.Read(CcwHost.Type + "/name").Should().Be("I/O subchannel (Non-QDIO)\n");
        sys.Read(CcwHost.Type + "/device_api").Should().Be("vfio-ccw\n");
        sys.Read(CcwHost.Type + "/available_instances").Should().Be("1\n");
        sys.Exists(CcwHost.Type + "/description").Should().BeFalse();
    }

    [Fact]
    public async Task Create_Twice_SecondFailsWithEusers()
    {
        // Spec §6 vector 5.
        await using var host = CcwHost.Create();
        var sys = host.Core.Sysfs;
        var first = Guid.NewGuid();
        sys.Write(CcwHost.Type + "/create", first + "\n").Should().Be(37);
        sys.Read(CcwHost.Type + "/available_instances").Should().Be("0\n");

        var second = Guid.NewGuid();
        Expect.Errno(Errno.EUSERS, () => sys.Write(CcwHost.Type + "/create", second + "\n"));

        host.Core.FindDevice(second).Should().BeNull();
        sys.ReadDirectory(CcwHost.Type + "/devices").Select(e => e.Name).Should().Equal(first.ToString());
        sys.RealPath($"/sys/bus/mdev/devices/{first}/driver").Should().Be("/sys/bus/mdev/drivers/vfio_ccw_mdev");

        // One module, two drivers: the css driver vfio_ccw and the mdev driver vfio_ccw_mdev (module_add_driver).
        sys.RealPath("/sys/bus/mdev/drivers/vfio_ccw_mdev/module").Should().Be("/sys/module/vfio_ccw");
        sys.RealPath("/sys/bus/css/drivers/vfio_ccw/module").Should().Be("/sys/module/vfio_ccw");
        sys.ReadDirectory("/sys/module/vfio_ccw/drivers").Select(e => e.Name).Should().Equal("css:vfio_ccw", "mdev:vfio_ccw_mdev");
    }

    [Fact]
    public async Task Create_OnNotOperationalSubchannel_FailsWithEnodevAndLeavesTheSlot()
    {
        await using var host = CcwHost.Create(new CcwSubchannelOptions { State = CcwSubchannelState.NotOperational });
        var sys = host.Core.Sysfs;

        Expect.Errno(Errno.ENODEV, () => sys.Write(CcwHost.Type + "/create", Guid.NewGuid() + "\n"));

        sys.Read(CcwHost.Type + "/available_instances").Should().Be("1\n");
        sys.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
    }

    [Theory]
    [InlineData("0.0.313")]
    [InlineData("0.4.0313")]
    [InlineData("0.0.03130")]
    [InlineData("100.0.0313")]
    [InlineData("0_0_0313")]
    public void Register_MalformedSubchannelId_FailsWithEinval(string id)
    {
        using var core = new MdevCore();
        var vfio = new VfioModule(core);

        Expect.Errno(Errno.EINVAL, () => VfioCcw.Register(core, vfio, new CcwSubchannelOptions { SubchannelId = id }));

        core.Sysfs.Exists("/sys/devices/css0").Should().BeFalse();
    }

    [Fact]
    public void Register_QdioSubchannel_FailsWithEnodevThenAnotherIdRegisters()
    {
        using var core = new MdevCore();
        var vfio = new VfioModule(core);

        Expect.Errno(Errno.ENODEV, () => VfioCcw.Register(core, vfio, new CcwSubchannelOptions { Qdio = true }));
        core.Parents.Should().BeEmpty();

        var parent = VfioCcw.Register(core, vfio, new CcwSubchannelOptions { SubchannelId = "0.1.beef" });
        parent.Device.SysfsPath.Should().Be("/sys/devices/css0/0.1.beef");
        parent.Types.Single().Name.Should().Be("vfio_ccw-io");
    }

    [Fact]
    public async Task Register_TwoSubchannels_ShareOneMdevDriverAndKeepOneInstanceEach()
    {
        await using var host = CcwHost.Create();
        var second = VfioCcw.Register(host.Core, host.Vfio, new CcwSubchannelOptions { SubchannelId = "0.0.0314" });

        host.Core.Drivers.Count(d => d.Name == "vfio_ccw_mdev").Should().Be(1);
        host.CreateDevice();
        host.Core.CreateMdevDevice(second.Types[0], Guid.NewGuid()).Driver!.Name.Should().Be("vfio_ccw_mdev");
        host.Parent.Types[0].AvailableInstances.Should().Be(0);
        second.Types[0].AvailableInstances.Should().Be(0);
    }

    [Fact]
    public async Task Register_SameSubchannelTwice_FailsWithEexistAndKeepsTheFirst()
    {
        await using var host = CcwHost.Create();

        Expect.Errno(Errno.EEXIST, () => VfioCcw.Register(host.Core, host.Vfio));

        host.Core.Sysfs.Read(CcwHost.Type + "/available_instances").Should().Be("1\n");
    }
}
