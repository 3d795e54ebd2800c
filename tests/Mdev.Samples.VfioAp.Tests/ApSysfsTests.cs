using Mdev.Core;
using Mdev.Samples.VfioAp.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.VfioAp.Tests;

/// <summary>The matrix parent, its type, the queues bound to vfio_ap, and each device's attribute files.</summary>
public sealed class ApSysfsTests
{
    private static readonly string[] Attributes =
        ["assign_adapter", "unassign_adapter", "assign_domain", "unassign_domain", "assign_control_domain", "unassign_control_domain", "control_domains", "matrix"];

    [Fact]
    public async Task Register_Default_ShowsThePassthroughTypeAndTheBoundQueues()
    {
        await using var host = ApHost.Create();
        var sys = host.Core.Sysfs;

        sys.RealPath("/sys/class/mdev_bus/matrix").Should().Be(ApHost.Matrix);
        sys.RealPath("/sys/bus/matrix/drivers/vfio_ap/matrix").Should().Be(ApHost.Matrix);
        sys.ReadDirectory(ApHost.Matrix + "/mdev_supported_types").Select(e => e.Name).Should().Equal("vfio_ap-passthrough");
        sys.Read(ApHost.Type + "/name").Should().Be("VFIO AP Passthrough Device\n");
        sys.Read(ApHost.Type + "/device_api").Should().Be("vfio-ap\n");
        sys.Read(ApHost.Type + "/available_instances").Should().Be("65536\n");
        sys.ReadDirectory("/sys/bus/ap/drivers/vfio_ap").Select(e => e.Name).Should().BeEquivalentTo("05.0047", "05.0048", "06.0047", "06.0048", "bind", "module", "unbind", "uevent");
        sys.RealPath("/sys/bus/ap/drivers/vfio_ap/module").Should().Be("/sys/module/vfio_ap", "the queue driver and vfio_ap_mdev share the module");
        sys.RealPath("/sys/bus/ap/devices/06.0048").Should().Be("/sys/devices/ap/card06/06.0048");
    }

    [Fact]
    public async Task Create_AddsTheKernelAttributesWithTheirModes()
    {
        await using var host = ApHost.Create();
        var sys = host.Core.Sysfs;
        var mdev = host.CreateDevice();

        sys.ReadDirectory($"/sys/bus/mdev/devices/{mdev.Name}").Select(e => e.Name).Should().Contain(Attributes);
        sys.RealPath($"/sys/bus/mdev/devices/{mdev.Name}/driver").Should().Be("/sys/bus/mdev/drivers/vfio_ap_mdev");
        sys.RealPath("/sys/bus/mdev/drivers/vfio_ap_mdev/module").Should().Be("/sys/module/vfio_ap");
        sys.RealPath("/sys/module/vfio_ap/drivers/mdev:vfio_ap_mdev").Should().Be("/sys/bus/mdev/drivers/vfio_ap_mdev");
        foreach (var name in Attributes)
        {
            var mode = sys.Stat(ApHost.Path(mdev, name)).Mode;
            ((int)mode).Should().Be(name is "matrix" or "control_domains" ? 0x124 : 0x80, name);
        }

        Expect.Errno(Errno.EACCES, () => host.Read(mdev, "assign_adapter"));
        Expect.Errno(Errno.EACCES, () => host.Write(mdev, "matrix", "5"));
        sys.Read(ApHost.Type + "/available_instances").Should().Be("65535\n");

        await host.Core.RemoveMdevDeviceAsync(mdev.Uuid);
        sys.Read(ApHost.Type + "/available_instances").Should().Be("65536\n");
    }

    [Fact]
    public void Register_MalformedConfiguration_FailsWithEinvalAndLeavesNoTrace()
    {
        using var core = new MdevCore();
        var vfio = new VfioModule(core);

        Expect.Errno(Errno.EINVAL, () => VfioAp.Register(core, vfio, new ApMatrixOptions { MaxAdapterId = 256 }));
        Expect.Errno(Errno.EINVAL, () => VfioAp.Register(core, vfio, new ApMatrixOptions { MaxDomainId = -1 }));
        Expect.Errno(Errno.EINVAL, () => VfioAp.Register(core, vfio, new ApMatrixOptions { Queues = ["5.47"] }));
        Expect.Errno(Errno.EINVAL, () => VfioAp.Register(core, vfio, new ApMatrixOptions { Queues = ["05.0100"] }));
        core.Sysfs.Exists("/sys/devices/ap").Should().BeFalse();
        core.Sysfs.Exists(ApHost.Matrix).Should().BeFalse();

        VfioAp.Register(core, vfio, new ApMatrixOptions { Queues = ["ff.00ff"] }).Types[0].Name.Should().Be("vfio_ap-passthrough");
        core.Sysfs.Exists("/sys/devices/ap/cardff/ff.00ff").Should().BeTrue();
    }

    [Fact]
    public async Task Register_SecondMatrix_FailsWithEexistAndRemovesItsQueues()
    {
        await using var host = ApHost.Create();

        Expect.Errno(Errno.EEXIST, () => VfioAp.Register(host.Core, host.Vfio, new ApMatrixOptions { Queues = ["07.0001"] }));

        host.Core.Sysfs.Exists("/sys/bus/ap/devices/07.0001").Should().BeFalse();
        host.Core.Sysfs.Exists("/sys/bus/ap/devices/05.0047").Should().BeTrue();
    }
}
