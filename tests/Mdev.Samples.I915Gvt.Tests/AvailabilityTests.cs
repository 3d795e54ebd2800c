using Mdev.Core;

namespace Mdev.Samples.I915Gvt.Tests;

public sealed class AvailabilityTests
{
    [Fact]
    public async Task AvailableInstances_DefaultIgpu_AreSixThreeAndOne()
    {
        await using var host = GvtHost.Create();

        GvtHost.Available(host).Should().Equal(new Dictionary<string, int> { [GvtHost.V8] = 6, [GvtHost.V4] = 3, [GvtHost.V2] = 1 });
    }

    [Fact]
    public async Task Create_EachType_LowersEveryTypeFromTheSharedPool()
    {
        await using var host = GvtHost.Create();

        // Left after each create: low GM (aperture - 128 MB), high GM (hidden - 384 MB), fences (32 - 4).
        host.CreateDevice(GvtHost.V4); // 256 MB, 2688 MB, 24
        GvtHost.Available(host).Should().Equal(Counts(4, 2, 1));
        host.CreateDevice(GvtHost.V8); // 192 MB, 2304 MB, 20
        GvtHost.Available(host).Should().Equal(Counts(3, 1, 0));
        host.CreateDevice(GvtHost.V8); // 128 MB, 1920 MB, 16
        GvtHost.Available(host).Should().Equal(Counts(2, 1, 0));
        host.CreateDevice(GvtHost.V4); // 0 MB, 1408 MB, 12
        GvtHost.Available(host).Should().Equal(Counts(0, 0, 0));

        GvtHost.TryCreate(host, GvtHost.V8).Should().Be(Errno.ENOSPC);
        host.Parent.Devices.Should().HaveCount(4);
    }

    [Fact]
    public async Task Remove_LargestVgpu_GivesTheResourcesBackToEveryType()
    {
        await using var host = GvtHost.Create();
        var big = host.CreateDevice(GvtHost.V2);
        GvtHost.Available(host).Should().Equal(Counts(2, 1, 0));

        GvtHost.Remove(host, big);

        GvtHost.Available(host).Should().Equal(Counts(6, 3, 1));
    }

    [Fact]
    public async Task Create_WhenLowGmRunsOut_FailsWithEnospcNamingIt()
    {
        await using var host = GvtHost.Create();
        host.CreateDevice(GvtHost.V2);

        var ex = Assert.Throws<MdevException>(() => host.CreateDevice(GvtHost.V2));

        ex.Errno.Should().Be(Errno.ENOSPC);
        ex.Message.Should().Contain("low GM space").And.Contain("request 256MB avail 128MB");
        GvtHost.Available(host).Should().Equal(Counts(2, 1, 0));
    }

    [Fact]
    public async Task Fences_WhenScarce_BoundEveryType()
    {
        // 12 fences: 8 for vGPUs, i.e. two of any type.
        await using var host = GvtHost.Create(new GvtOptions { Fences = 12 });
        GvtHost.Available(host).Should().Equal(Counts(2, 2, 1));
        host.CreateDevice(GvtHost.V8);
        host.CreateDevice(GvtHost.V8);

        GvtHost.Available(host).Should().Equal(Counts(0, 0, 0));
        var ex = Assert.Throws<MdevException>(() => host.CreateDevice(GvtHost.V8));
        ex.Errno.Should().Be(Errno.ENOSPC);
        ex.Message.Should().Contain("resource fence: request 4 avail 0");
    }

    [Fact]
    public async Task HighGm_WhenScarce_BoundsEveryType()
    {
        // 2 GiB GGTT: 1536 MB hidden, 1152 MB of it for vGPUs.
        await using var host = GvtHost.Create(new GvtOptions { GgttMiB = 2048 });
        GvtHost.Available(host).Should().Equal(Counts(3, 2, 1));
        host.CreateDevice(GvtHost.V4);

        GvtHost.Available(host).Should().Equal(Counts(1, 1, 0));
        var ex = Assert.Throws<MdevException>(() => host.CreateDevice(GvtHost.V2));
        ex.Message.Should().Contain("high GM space").And.Contain("request 1024MB avail 640MB");
    }

    [Fact]
    public async Task Create_WithEnoughApertureInTotalButNoContiguousHole_FailsWithEnospc()
    {
        await using var host = GvtHost.Create();
        var slices = Enumerable.Range(0, 4).Select(_ => host.CreateDevice(GvtHost.V8)).ToList();
        host.CreateDevice(GvtHost.V4);
        GvtHost.Remove(host, slices[1]);
        GvtHost.Remove(host, slices[3]);
        GvtHost.Available(host)[GvtHost.V4].Should().Be(1);

        var ex = Assert.Throws<MdevException>(() => host.CreateDevice(GvtHost.V4));

        ex.Errno.Should().Be(Errno.ENOSPC);
        ex.Message.Should().Contain("fail to alloc low gm space");
        GvtHost.Available(host).Should().Equal(Counts(2, 1, 0));
        host.CreateDevice(GvtHost.V8).Should().NotBeNull();
    }

    [Fact]
    public async Task VgpuId_CreatesAndARemove_StartAtOneAndReuseTheLowestFreeId()
    {
        await using var host = GvtHost.Create();
        var devices = Enumerable.Range(0, 3).Select(_ => host.CreateDevice(GvtHost.V8)).ToList();

        devices.Select(d => host.Core.Sysfs.Read(d.SysfsPath + "/intel_vgpu/vgpu_id")).Should().Equal("1\n", "2\n", "3\n");
        host.Core.Sysfs.Stat(devices[0].SysfsPath + "/intel_vgpu/vgpu_id").Mode.Should().Be((UnixFileMode)Convert.ToInt32("444", 8));

        GvtHost.Remove(host, devices[1]);
        var next = host.CreateDevice(GvtHost.V4);

        host.Core.Sysfs.Read($"/sys/bus/mdev/devices/{next.Name}/intel_vgpu/vgpu_id").Should().Be("2\n");
    }

    [Fact]
    public async Task Create_AnyType_BindsToIntelVgpuMdev()
    {
        await using var host = GvtHost.Create();

        var mdev = host.CreateDevice(GvtHost.V4);

        host.Core.Sysfs.RealPath(mdev.SysfsPath + "/driver").Should().Be("/sys/bus/mdev/drivers/intel_vgpu_mdev");

        // module_add_driver: intel_vgpu_mdev lives in kvmgt.ko, the PCI driver in i915.ko.
        host.Core.Sysfs.RealPath("/sys/bus/mdev/drivers/intel_vgpu_mdev/module").Should().Be("/sys/module/kvmgt");
        host.Core.Sysfs.RealPath("/sys/module/kvmgt/drivers/mdev:intel_vgpu_mdev").Should().Be("/sys/bus/mdev/drivers/intel_vgpu_mdev");
        host.Core.Sysfs.RealPath("/sys/bus/pci/drivers/i915/module").Should().Be("/sys/module/i915");
        host.Core.Drivers.Select(d => d.Name).Should().Equal("intel_vgpu_mdev");
    }

    private static Dictionary<string, int> Counts(int v8, int v4, int v2) =>
        new() { [GvtHost.V8] = v8, [GvtHost.V4] = v4, [GvtHost.V2] = v2 };
}
