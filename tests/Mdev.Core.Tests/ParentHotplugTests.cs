using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>Parent hot-plug through the parent driver's own bind/unbind files, as <c>drivers/base/bus.c</c> has them.</summary>
public sealed class ParentHotplugTests : IAsyncDisposable
{
    private const string GpuPath = "/sys/devices/pci0000:00/0000:3e:00.0";
    private const string Gpu = "0000:3e:00.0";
    private const string DriverDir = "/sys/bus/pci/drivers/nvidia";
    private readonly MdevCore _core = new();
    private readonly TestVendor _vendor = new(poolSize: 4);
    private readonly Device _device;

    public ParentHotplugTests()
    {
        _device = _core.AddDevice(GpuPath, bus: "pci", driver: "nvidia");
        _core.RegisterParent(_device, _vendor);
    }

    public ValueTask DisposeAsync() => _core.DisposeAsync();

    [Fact]
    public void DriverDirectory_HasBindUnbindUevent_WriteOnly()
    {
        foreach (var name in new[] { "bind", "unbind", "uevent" })
        {
            _core.Sysfs.Stat(DriverDir + "/" + name).Mode.Should().Be(UnixFileMode.UserWrite, name);
        }

        _core.Sysfs.ReadLink(DriverDir + "/" + Gpu).Should().Be("../../../../devices/pci0000:00/0000:3e:00.0");
    }

    [Fact]
    public void Unbind_UnregistersTheParent_RemovesChildren_AndSendsTheKernelsEvents()
    {
        // No mdev bus driver here, so the child goes with a remove only (no unbind).
        var child = _core.CreateMdevDevice(_core.FindParent(Gpu)!.Types[0], Guid.Parse(Host.Uuid));
        using var listener = _core.SubscribeUevents();

        _core.Sysfs.Write(DriverDir + "/unbind", Gpu + "\n").Should().Be(Gpu.Length + 1);

        child.State.Should().Be(MdevDeviceState.Gone);
        _core.Parents.Should().BeEmpty();
        _core.Sysfs.Exists(GpuPath + "/mdev_supported_types").Should().BeFalse();
        _core.Sysfs.Exists(GpuPath + "/driver").Should().BeFalse();
        _core.Sysfs.Exists(DriverDir + "/" + Gpu).Should().BeFalse();
        _core.Sysfs.ReadDirectory("/sys/class/mdev_bus").Should().BeEmpty();
        _core.Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
        _core.Sysfs.Read(GpuPath + "/uevent").Should().BeEmpty();
        _device.Driver.Should().BeNull();
        var events = Expect.Drain(listener);
        events.Select(e => $"{e.ActionName} {e.DevPath}").Should().Equal(
            $"remove /devices/pci0000:00/0000:3e:00.0/{Host.Uuid}",
            "change /devices/pci0000:00/0000:3e:00.0",
            "unbind /devices/pci0000:00/0000:3e:00.0");
        events[1]["MDEV_STATE"].Should().Be("unregistered");
        events[1]["DRIVER"].Should().Be("nvidia", "the driver is still bound while its remove runs");
        events[2]["DRIVER"].Should().BeNull();
    }

    [Fact]
    public void Bind_RegistersAgain_WithTheDriversTypeNames_RegisteredThenBind()
    {
        _core.Sysfs.Write(DriverDir + "/unbind", Gpu);
        using var listener = _core.SubscribeUevents();

        _core.Sysfs.Write(DriverDir + "/bind", Gpu).Should().Be(Gpu.Length);

        var parent = _core.FindParent(Gpu)!;
        parent.Types.Select(t => t.Name).Should().Equal("nvidia-1", "nvidia-2");
        _core.Sysfs.ReadLink(GpuPath + "/driver").Should().Be("../../../bus/pci/drivers/nvidia");
        _core.Sysfs.ReadLink("/sys/class/mdev_bus/" + Gpu).Should().Be("../../devices/pci0000:00/0000:3e:00.0");
        _core.Sysfs.Read(GpuPath + "/mdev_supported_types/nvidia-1/available_instances").Should().Be("4\n");
        _core.Sysfs.Read(GpuPath + "/uevent").Should().Be("DRIVER=nvidia\n");
        var events = Expect.Drain(listener);
        events.Select(e => $"{e.ActionName} {e["MDEV_STATE"]} {e["DRIVER"]}").Should().Equal("change registered nvidia", "bind  nvidia");
        _core.CreateMdevDevice(parent.Types[0], Guid.Parse(Host.Uuid)).State.Should().Be(MdevDeviceState.Active);
    }

    [Fact]
    public void BadWrites_AreTheKernelsErrno_AndChangeNothing()
    {
        using var listener = _core.SubscribeUevents();
        Expect.Errno(Errno.ENODEV, () => _core.Sysfs.Write(DriverDir + "/unbind", "0000:00:00.0")).Message.Should().Contain("no device '0000:00:00.0'");
        Expect.Errno(Errno.ENODEV, () => _core.Sysfs.Write(DriverDir + "/unbind", Gpu + "\n\n"));
        Expect.Errno(Errno.EBUSY, () => _core.Sysfs.Write(DriverDir + "/bind", Gpu));

        var other = _core.AddDevice("/sys/devices/pci0000:00/0000:00:02.0", bus: "pci", driver: "i915");
        Expect.Errno(Errno.ENODEV, () => _core.Sysfs.Write(DriverDir + "/unbind", other.Name)).Message.Should().Contain("bound to i915");
        _core.Sysfs.Write("/sys/bus/pci/drivers/i915/unbind", other.Name);
        Expect.Errno(Errno.ENODEV, () => _core.Sysfs.Write(DriverDir + "/bind", other.Name)).Message.Should().Contain("does not match");
        Expect.Errno(Errno.ENODEV, () => _core.Sysfs.Write("/sys/bus/pci/drivers/i915/unbind", other.Name));

        _core.FindParent(Gpu).Should().NotBeNull();
        _device.Driver.Should().Be("nvidia");
        Expect.Drain(listener).Select(e => $"{e.ActionName} {e.DevPath}").Should().Equal(
            "add /devices/pci0000:00/0000:00:02.0", "bind /devices/pci0000:00/0000:00:02.0", "unbind /devices/pci0000:00/0000:00:02.0");
    }

    [Fact]
    public async Task Unbind_WaitsForAnOpenChild_AskingItsUser()
    {
        var child = _core.CreateMdevDevice(_core.FindParent(Gpu)!.Types[0], Guid.Parse(Host.Uuid));
        var handle = child.Open();
        var unbind = Task.Run(() => _core.Sysfs.Write(DriverDir + "/unbind", Gpu));
        await RemoveTests.WaitUntil(() => _vendor.Requests.Count >= 1);
        unbind.IsCompleted.Should().BeFalse();
        _device.Driver.Should().Be("nvidia");

        handle.Dispose();
        (await unbind).Should().Be(Gpu.Length);
        _device.Driver.Should().BeNull();
    }

    [Fact]
    public async Task ConcurrentBindAndUnbind_EndConsistent_EveryWriteWonOrGotTheKernelsErrno()
    {
        for (int round = 0; round < 30; round++)
        {
            var writes = Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            {
                try
                {
                    _core.Sysfs.Write(DriverDir + (i % 2 == 0 ? "/unbind" : "/bind"), Gpu);
                    return "ok";
                }
                catch (MdevException ex) when (ex.Errno is Errno.ENODEV or Errno.EBUSY)
                {
                    return ex.Errno.ToString();
                }
            })).ToArray();
            (await Task.WhenAll(writes)).Should().OnlyContain(r => r == "ok" || r == "ENODEV" || r == "EBUSY");

            bool bound = _device.Driver is not null;
            (_core.FindParent(Gpu) is not null).Should().Be(bound);
            _core.Sysfs.Exists(GpuPath + "/driver").Should().Be(bound);
            _core.Sysfs.Exists(GpuPath + "/mdev_supported_types").Should().Be(bound);
            _core.Sysfs.Exists("/sys/class/mdev_bus/" + Gpu).Should().Be(bound);
            if (!bound)
            {
                _core.Sysfs.Write(DriverDir + "/bind", Gpu);
            }
        }
    }

    [Fact]
    public void DeviceThatWasNeverAParent_BindsAndUnbindsWithoutMdev()
    {
        var queue = _core.AddDevice("/sys/devices/ap/card05/05.0004", bus: "ap", driver: "vfio_ap");
        _core.Sysfs.Write("/sys/bus/ap/drivers/vfio_ap/unbind", queue.Name);
        _core.Sysfs.Exists("/sys/bus/ap/drivers/vfio_ap/05.0004").Should().BeFalse();
        _core.Sysfs.Write("/sys/bus/ap/drivers/vfio_ap/bind", queue.Name);
        _core.Sysfs.ReadLink(queue.SysfsPath + "/driver").Should().Be("../../../../bus/ap/drivers/vfio_ap");
        _core.FindParent(queue.Name).Should().BeNull();
    }

    [Fact]
    public void MdevNotLoaded_HasNoMdevBusNorClass_AndRegisteringIsEnodev()
    {
        var core = new MdevCore(new MdevCoreOptions { MdevLoaded = false });
        core.RegisterDriver(new TestDriver());
        var gpu = core.AddDevice(GpuPath, bus: "pci", driver: "nvidia");
        Expect.Errno(Errno.ENODEV, () => core.RegisterParent(gpu, new TestVendor())).Message.Should().Contain("mdev is not loaded");
        core.Sysfs.Exists("/sys/bus/mdev").Should().BeFalse();
        core.Sysfs.Exists("/sys/class/mdev_bus").Should().BeFalse();
        core.Sysfs.Exists(GpuPath + "/mdev_supported_types").Should().BeFalse();
        core.Sysfs.ReadDirectory("/sys/bus").Select(e => e.Name).Should().Equal("pci");
    }
}
