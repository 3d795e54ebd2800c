using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.I915Gvt.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public async Task Register_Default_PutsTheIgpuAtSlot2BoundToI915WithThreeTypes()
    {
        await using var host = GvtHost.Create();
        var sys = host.Core.Sysfs;

        host.Parent.Device.SysfsPath.Should().Be(GvtHost.IgpuPath);
        sys.RealPath("/sys/class/mdev_bus/0000:00:02.0").Should().Be(GvtHost.IgpuPath);
        sys.RealPath(GvtHost.IgpuPath + "/driver").Should().Be("/sys/bus/pci/drivers/i915");
        host.Parent.Types.Select(t => t.Name).Should().Equal(GvtHost.V8, GvtHost.V4, GvtHost.V2);
        host.Core.Drivers.Select(d => d.Name).Should().Contain("intel_vgpu_mdev");
    }

    [Theory]
    [InlineData(7, 4096, 512, 32)]
    [InlineData(11, 4096, 512, 32)]
    [InlineData(9, 4096, 384, 32)]
    [InlineData(9, 4096, 128, 32)]
    [InlineData(9, 8192, 512, 32)]
    [InlineData(9, 640, 512, 32)]
    [InlineData(9, 4096, 512, 3)]
    [InlineData(9, 4096, 512, 33)]
    public async Task Register_HardwareGvtCannotServe_FailsWithEinvalAndAddsNothing(int graphicsVersion, int ggttMiB, int apertureMiB, int fences)
    {
        await using var core = new MdevCore();
        var vfio = new VfioModule(core);
        var options = new GvtOptions { GraphicsVersion = graphicsVersion, GgttMiB = ggttMiB, ApertureMiB = apertureMiB, Fences = fences };

        Assert.Throws<MdevException>(() => I915Gvt.Register(core, vfio, options)).Errno.Should().Be(Errno.EINVAL);

        core.Parents.Should().BeEmpty();
        core.FindTreeDevice(GvtHost.IgpuPath).Should().BeNull();
    }

    [Theory]
    [InlineData(256, new[] { "i915-GVTg_V5_8", "i915-GVTg_V5_4" })]
    [InlineData(512, new[] { "i915-GVTg_V5_8", "i915-GVTg_V5_4", "i915-GVTg_V5_2" })]
    [InlineData(1024, new[] { "i915-GVTg_V5_8", "i915-GVTg_V5_4", "i915-GVTg_V5_2", "i915-GVTg_V5_1" })]
    public async Task TypeList_ApertureSize_IsCutAtTheFirstTypeItCannotHold(int apertureMiB, string[] types)
    {
        await using var host = GvtHost.Create(new GvtOptions { ApertureMiB = apertureMiB });

        host.Parent.Types.Select(t => t.Name).Should().Equal(types);
    }

    [Fact]
    public async Task TypeNames_OnBroadwell_AreV4()
    {
        await using var host = GvtHost.Create(new GvtOptions { GraphicsVersion = 8, ApertureMiB = 256 });

        host.Parent.Types.Select(t => t.Name).Should().Equal("i915-GVTg_V4_8", "i915-GVTg_V4_4");
        host.Core.Sysfs.Read(GvtHost.TypeDir(host, "i915-GVTg_V4_4") + "/name").Should().Be("GVTg_V4_4\n");
    }

    [Fact]
    public async Task Register_SecondIgpuOnTheSameCore_SharesTheMdevDriver()
    {
        await using var host = GvtHost.Create();

        var second = I915Gvt.Register(host.Core, host.Vfio, new GvtOptions { PciAddress = "0001:00:02.0" });

        second.Device.SysfsPath.Should().Be("/sys/devices/pci0001:00/0001:00:02.0");
        host.Core.Drivers.Count(d => d.Name == "intel_vgpu_mdev").Should().Be(1);
    }
}
