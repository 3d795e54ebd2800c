using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.NvidiaVgpu.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public async Task Register_Default_PutsOneM60GpuAt3e00BoundToNvidia()
    {
        await using var host = NvidiaHost.Create();
        var sys = host.Core.Sysfs;

        host.Parent.Device.SysfsPath.Should().Be(NvidiaHost.M60Path);
        host.Parent.Device.Bus.Should().Be("pci");
        host.Parent.Device.DriverString.Should().Be("nvidia");
        sys.RealPath("/sys/class/mdev_bus/0000:3e:00.0").Should().Be(NvidiaHost.M60Path);
        sys.RealPath(NvidiaHost.M60Path + "/driver").Should().Be("/sys/bus/pci/drivers/nvidia");
        host.Parent.Types.Select(t => t.Name).Should().Equal(Enumerable.Range(11, 12).Select(i => $"nvidia-{i}"));
        host.Parent.Types.Should().OnlyContain(t => sys.Read(t.SysfsPath + "/device_api") == "vfio-pci\n");
    }

    [Theory]
    [InlineData("0000:3E:00.0")]
    [InlineData("3e:00.0")]
    [InlineData("0000:3e:20.0")]
    [InlineData("0000:3e:00.8")]
    [InlineData("0000-3e:00.0")]
    public async Task Register_MalformedPciAddress_FailsWithEinvalAndAddsNothing(string address)
    {
        await using var core = new MdevCore();
        var vfio = new VfioModule(core);

        var ex = Assert.Throws<MdevException>(() => NvidiaVgpu.Register(core, vfio, new NvidiaGpuOptions { PciAddress = address }));

        ex.Errno.Should().Be(Errno.EINVAL);
        core.Parents.Should().BeEmpty();
        core.Sysfs.Exists("/sys/bus/pci/devices").Should().BeFalse();
    }

    /// <summary>The vGPUs bind to NVIDIA's own mdev driver (there is no vfio_mdev since 5.16), registered once for every GPU.</summary>
    [Fact]
    public async Task VGpus_BindToNvidiaVgpuVfio_RegisteredOnceForEveryGpu()
    {
        await using var core = new MdevCore();
        var vfio = new VfioModule(core);
        Assert.Throws<MdevException>(() => NvidiaVgpu.Register(core, vfio, new NvidiaGpuOptions { Board = "no-such-board" })).Errno.Should().Be(Errno.EINVAL);
        core.Parents.Should().BeEmpty();

        var first = NvidiaVgpu.Register(core, vfio);
        NvidiaVgpu.Register(core, vfio, new NvidiaGpuOptions { PciAddress = "0000:5e:00.0" });
        core.Drivers.Select(d => d.Name).Should().Equal(NvidiaVgpu.MdevDriverName);
        var mdev = core.CreateMdevDevice(first.Types[0], Guid.NewGuid());
        core.Sysfs.RealPath(mdev.SysfsPath + "/driver").Should().Be("/sys/bus/mdev/drivers/nvidia-vgpu-vfio");
        core.Sysfs.RealPath("/sys/bus/mdev/drivers/nvidia-vgpu-vfio/module").Should().Be("/sys/module/nvidia_vgpu_vfio");
        core.Sysfs.RealPath("/sys/bus/pci/drivers/nvidia/module").Should().Be("/sys/module/nvidia");
        vfio.FindGroup(mdev).Should().NotBeNull();
    }

    [Fact]
    public async Task Register_UnknownBoard_FailsWithEinvalNamingTheKnownBoards()
    {
        await using var core = new MdevCore();
        var vfio = new VfioModule(core);

        var ex = Assert.Throws<MdevException>(() => NvidiaVgpu.Register(core, vfio, new NvidiaGpuOptions { Board = "K80" }));

        ex.Errno.Should().Be(Errno.EINVAL);
        ex.Message.Should().Contain("K80").And.Contain("M60, P40, P4, RTX6000, V100");
        core.FindTreeDevice(NvidiaHost.M60Path).Should().BeNull();
    }

    [Fact]
    public async Task Register_VfioOfAnotherCore_FailsWithEinval()
    {
        await using var core = new MdevCore();
        await using var other = new MdevCore();

        Assert.Throws<MdevException>(() => NvidiaVgpu.Register(core, new VfioModule(other))).Errno.Should().Be(Errno.EINVAL);
        core.Parents.Should().BeEmpty();
    }

    [Fact]
    public async Task Register_SameAddressTwice_FailsWithEexistAndKeepsTheFirst()
    {
        await using var host = NvidiaHost.Create();

        Assert.Throws<MdevException>(() => NvidiaVgpu.Register(host.Core, host.Vfio)).Errno.Should().Be(Errno.EEXIST);
        host.Core.Parents.Should().ContainSingle().Which.Should().BeSameAs(host.Parent);
    }

    [Fact]
    public async Task Register_BoardName_IsCaseInsensitive()
    {
        await using var host = NvidiaHost.Create(new NvidiaGpuOptions { Board = "rtx6000" });

        host.Parent.Types.Select(t => t.PrettyName).Should().Equal("GRID RTX6000-1Q", "GRID RTX6000-2Q", "GRID RTX6000-3Q");
    }

    [Fact]
    public async Task Register_BothGpusOfAnM60_KeepTheOneTypeRulePerGpu()
    {
        await using var host = NvidiaHost.Create();
        var second = NvidiaVgpu.Register(host.Core, host.Vfio, new NvidiaGpuOptions { PciAddress = "0000:3f:00.0" });

        host.CreateDevice("nvidia-11");

        NvidiaHost.Available(host, "nvidia-12").Should().Be(0);
        host.Core.Sysfs.Read(second.FindType("nvidia-12")!.SysfsPath + "/available_instances").Should().Be("16\n");
        second.Device.SysfsPath.Should().Be("/sys/devices/pci0000:00/0000:3f:00.0");
    }
}
