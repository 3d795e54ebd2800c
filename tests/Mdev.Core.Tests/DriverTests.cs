using Mdev.Core.Tests.Support;
using Mdev.Core.Sysfs;

namespace Mdev.Core.Tests;

public sealed class DriverTests
{
    [Fact]
    public void RegisterDriver_Twice_IsEbusy_AndBadNamesAreEinval()
    {
        var core = new MdevCore();
        Expect.Errno(Errno.EINVAL, () => core.RegisterDriver(null!));
        Expect.Errno(Errno.EINVAL, () => core.RegisterDriver(new TestDriver("a/b")));
        core.RegisterDriver(new TestDriver());
        Expect.Errno(Errno.EBUSY, () => core.RegisterDriver(new TestDriver()));
        core.Drivers.Should().HaveCount(1);
        core.Sysfs.ReadDirectory("/sys/bus/mdev/drivers").Select(e => e.Name).Should().Equal("mtty");
    }

    [Fact]
    public async Task Legacy2016_RegisteringADriver_BindsUnboundDevices_UnregisteringUnbindsThem()
    {
        var host = new Host(withDriver: false, policy: RemovePolicy.Legacy2016);
        var mdev = host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid));
        using var listener = host.Core.SubscribeUevents();
        host.Core.RegisterDriver(host.Driver);
        mdev.Driver.Should().BeSameAs(host.Driver);
        host.Sysfs.ReadLink(mdev.SysfsPath + "/driver").Should().Be("../../../../../bus/mdev/drivers/mtty");
        host.Sysfs.Exists("/sys/bus/mdev/drivers/mtty/" + Host.Uuid).Should().BeTrue();

        await host.Core.UnregisterDriverAsync(host.Driver);
        mdev.Driver.Should().BeNull();
        mdev.State.Should().Be(MdevDeviceState.Active);
        host.Sysfs.Exists(mdev.SysfsPath + "/driver").Should().BeFalse();
        host.Sysfs.Exists("/sys/bus/mdev/drivers/mtty").Should().BeFalse();
        host.Driver.Calls.Should().Equal("probe " + Host.Uuid, "remove " + Host.Uuid);
        var events = Expect.Drain(listener);
        events.Select(e => e.ActionName).Should().Equal("bind", "unbind");
        events[0]["DRIVER"].Should().Be("mtty");
        events[1]["DRIVER"].Should().BeNull();
    }

    [Fact]
    public void Legacy2016_ProbeFailureWhileAttachingLater_LeavesTheDeviceUnbound()
    {
        var host = new Host(withDriver: false, policy: RemovePolicy.Legacy2016);
        var mdev = host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid));
        host.Driver.FailProbeWith = Errno.ENODEV;
        host.Core.RegisterDriver(host.Driver);
        mdev.Driver.Should().BeNull();
        host.Sysfs.Exists(mdev.SysfsPath + "/driver").Should().BeFalse();
        host.Sysfs.ReadDirectory("/sys/bus/mdev/drivers/mtty").Where(e => e.Kind == Mdev.Core.Sysfs.SysfsNodeKind.Symlink && e.Name != "module").Should().BeEmpty();
    }

    /// <summary>
    /// module_add_driver / module_remove_driver (drivers/base/module.c): the driver directory's <c>module</c> link and
    /// the module's <c>drivers/&lt;bus&gt;:&lt;driver&gt;</c> back-link, for mdev drivers and the parent's bus driver; a
    /// refused second registration (EBUSY) leaves them as they were; the module goes with its last driver.
    /// </summary>
    [Fact]
    public async Task EveryDriverDirectory_HasItsModuleLink_AndTheModuleLinksBack()
    {
        var core = new MdevCore();
        var driver = new ModuleDriver("vfio_ccw_mdev", "vfio_ccw");
        core.RegisterDriver(driver);
        Expect.Errno(Errno.EBUSY, () => core.RegisterDriver(new ModuleDriver("vfio_ccw_mdev", "other")));
        core.Sysfs.Exists("/sys/module/other").Should().BeFalse("a refused registration adds nothing");

        core.Sysfs.ReadLink("/sys/bus/mdev/drivers/vfio_ccw_mdev/module").Should().Be("../../../../module/vfio_ccw");
        core.Sysfs.ReadLink("/sys/module/vfio_ccw/drivers/mdev:vfio_ccw_mdev").Should().Be("../../../bus/mdev/drivers/vfio_ccw_mdev");
        core.Sysfs.RealPath("/sys/bus/mdev/drivers/vfio_ccw_mdev/module").Should().Be("/sys/module/vfio_ccw");

        // The parent's bus driver (the css driver vfio_ccw of the same module) links the same way.
        core.AddDevice("/sys/devices/css0/0.0.0313", bus: "css", driver: "vfio_ccw");
        core.Sysfs.ReadLink("/sys/bus/css/drivers/vfio_ccw/module").Should().Be("../../../../module/vfio_ccw");
        core.Sysfs.ReadDirectory("/sys/module/vfio_ccw/drivers").Select(e => e.Name).Should().Equal("css:vfio_ccw", "mdev:vfio_ccw_mdev");

        // The default module name is the driver's with '-' as '_'.
        core.RegisterDriver(new TestDriver("nvidia-vgpu-vfio"));
        core.Sysfs.RealPath("/sys/bus/mdev/drivers/nvidia-vgpu-vfio/module").Should().Be("/sys/module/nvidia_vgpu_vfio");

        await core.UnregisterDriverAsync(driver);
        core.Sysfs.Exists("/sys/bus/mdev/drivers/vfio_ccw_mdev").Should().BeFalse();
        core.Sysfs.ReadDirectory("/sys/module/vfio_ccw/drivers").Select(e => e.Name).Should().Equal("css:vfio_ccw");
        await core.UnregisterDriverAsync(core.Drivers.Single());
        core.Sysfs.Exists("/sys/module/nvidia_vgpu_vfio").Should().BeFalse("the module goes with its last driver");
    }

    /// <summary>
    /// drivers_autoprobe_store (drivers/base/bus.c, 6.12) looks only at the first byte: '0' is off, anything else on
    /// (the kernel uses no kstrtobool here, so nothing is EINVAL); the show is "0\n"/"1\n". Under the 2016 policy a
    /// driver registered while it is 0 binds nothing (bus_add_driver), nor does a create (bus_probe_device), while
    /// drivers_probe (device_attach) still binds; an unknown name there is ENODEV and changes nothing.
    /// </summary>
    [Fact]
    public void Legacy2016_DriversAutoprobeOff_LateDriverAndCreateBindNothing_DriversProbeBinds()
    {
        var host = new Host(withDriver: false, policy: RemovePolicy.Legacy2016);
        var sysfs = host.Sysfs;
        sysfs.Write("/sys/bus/mdev/drivers_autoprobe", "0").Should().Be(1);
        sysfs.Read("/sys/bus/mdev/drivers_autoprobe").Should().Be("0\n");
        var mdev = host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid));
        host.Core.RegisterDriver(host.Driver);
        mdev.Driver.Should().BeNull("bus_add_driver attaches only while drivers_autoprobe is 1");
        var second = host.Core.CreateMdevDevice(host.T1, Guid.NewGuid());
        second.Driver.Should().BeNull("bus_probe_device matches only while drivers_autoprobe is 1");

        Expect.Errno(Errno.ENODEV, () => sysfs.Write("/sys/bus/mdev/drivers_probe", "00000000-0000-0000-0000-000000000000"));
        mdev.Driver.Should().BeNull();
        host.Driver.Calls.Should().BeEmpty();

        sysfs.Write("/sys/bus/mdev/drivers_probe", Host.Uuid + "\n").Should().Be(37);
        mdev.Driver.Should().BeSameAs(host.Driver);
        host.Sysfs.ReadLink(mdev.SysfsPath + "/driver").Should().Be("../../../../../bus/mdev/drivers/mtty");
        second.Driver.Should().BeNull();

        sysfs.Write("/sys/bus/mdev/drivers_autoprobe", "yes\n");
        sysfs.Read("/sys/bus/mdev/drivers_autoprobe").Should().Be("1\n", "any first byte but '0' turns it on");
        host.Core.CreateMdevDevice(host.T1, Guid.NewGuid()).Driver.Should().BeSameAs(host.Driver);
    }

    /// <summary>Under the modern policy drivers_autoprobe changes nothing: mdev_device_create attaches explicitly, and drivers_probe binds nothing.</summary>
    [Fact]
    public void Modern_DriversAutoprobeOff_CreateStillBinds_DriversProbeBindsNothing()
    {
        var host = new Host(withDriver: false);
        host.Sysfs.Write("/sys/bus/mdev/drivers_autoprobe", "0\n");
        var unbound = host.Core.CreateMdevDevice(host.T1, Guid.NewGuid());
        host.Core.RegisterDriver(host.Driver);
        host.Sysfs.Write("/sys/bus/mdev/drivers_probe", unbound.Name).Should().Be(36);
        unbound.Driver.Should().BeNull("mdev_match never matches");
        host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid)).Driver.Should().BeSameAs(host.Driver);
    }

    private sealed class ModuleDriver(string name, string module) : MdevDriver
    {
        public override string Name => name;

        public override string ModuleName => module;

        public override void Probe(MdevDevice mdev)
        {
        }

        public override void Remove(MdevDevice mdev)
        {
        }
    }

    /// <summary>Modern mdev_match never matches: a driver registered later binds nothing, and its bind file is ENODEV.</summary>
    [Fact]
    public void Modern_ADriverRegisteredLater_BindsNothing_AndBindIsEnodev()
    {
        var host = new Host(withDriver: false);
        var mdev = host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid));
        using var listener = host.Core.SubscribeUevents();
        host.Core.RegisterDriver(host.Driver);
        mdev.Driver.Should().BeNull();
        Expect.Errno(Errno.ENODEV, () => host.Sysfs.Write("/sys/bus/mdev/drivers/mtty/bind", "no-such-device"));
        Expect.Errno(Errno.ENODEV, () => host.Sysfs.Write("/sys/bus/mdev/drivers/mtty/bind", Host.Uuid));
        mdev.Driver.Should().BeNull();
        host.Driver.Calls.Should().BeEmpty();
        Expect.Drain(listener).Should().BeEmpty();
    }

    /// <summary>bus.c's files: drivers_autoprobe, drivers_probe, uevent on the bus; bind, unbind, uevent per driver.</summary>
    [Fact]
    public void BusAndDriverFiles_ModesTextAndUnbind()
    {
        var host = new Host();
        var mdev = host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid));
        var sysfs = host.Sysfs;
        sysfs.ReadDirectory("/sys/bus/mdev").Select(e => e.Name).Should().Equal("devices", "drivers", "drivers_autoprobe", "drivers_probe", "uevent");
        sysfs.Stat("/sys/bus/mdev/drivers_autoprobe").Mode.Should().Be(SysfsModes.ReadWrite);
        sysfs.Stat("/sys/bus/mdev/drivers_probe").Mode.Should().Be(SysfsModes.WriteOnly);
        sysfs.Read("/sys/bus/mdev/drivers_autoprobe").Should().Be("1\n");
        sysfs.Write("/sys/bus/mdev/drivers_autoprobe", "0\n");
        sysfs.Read("/sys/bus/mdev/drivers_autoprobe").Should().Be("0\n");
        sysfs.Write("/sys/bus/mdev/drivers_autoprobe", "yes");
        sysfs.Read("/sys/bus/mdev/drivers_autoprobe").Should().Be("1\n");
        Expect.Errno(Errno.ENODEV, () => sysfs.Write("/sys/bus/mdev/drivers_probe", "nothing"));
        sysfs.Write("/sys/bus/mdev/drivers_probe", Host.Uuid + "\n").Should().Be(37);
        Expect.Errno(Errno.EACCES, () => sysfs.Read("/sys/bus/mdev/drivers/mtty/unbind"));
        sysfs.ReadDirectory("/sys/bus/mdev/drivers/mtty").Select(e => e.Name).Should().Equal(Host.Uuid, "bind", "module", "uevent", "unbind");

        using var listener = host.Core.SubscribeUevents();
        Expect.Errno(Errno.EINVAL, () => sysfs.Write("/sys/bus/mdev/uevent", "explode"));
        sysfs.Write("/sys/bus/mdev/uevent", "change");
        sysfs.Write("/sys/bus/mdev/drivers/mtty/uevent", "add\n");
        var synth = Expect.Drain(listener);
        synth.Select(e => $"{e.ActionName} {e.DevPath} {e.Subsystem}").Should().Equal("change /bus/mdev bus", "add /bus/mdev/drivers/mtty drivers");

        Expect.Errno(Errno.ENODEV, () => sysfs.Write("/sys/bus/mdev/drivers/mtty/unbind", "00000000-0000-0000-0000-000000000000"));
        sysfs.Write("/sys/bus/mdev/drivers/mtty/unbind", Host.Uuid).Should().Be(36);
        mdev.Driver.Should().BeNull();
        sysfs.Exists(mdev.SysfsPath + "/driver").Should().BeFalse();
        sysfs.Exists("/sys/bus/mdev/drivers/mtty/" + Host.Uuid).Should().BeFalse();
        sysfs.Read(mdev.SysfsPath + "/uevent").Should().BeEmpty();
        var unbind = Expect.Drain(listener).Should().ContainSingle().Subject;
        unbind.ActionName.Should().Be("unbind");
        Expect.Errno(Errno.ENODEV, () => sysfs.Write("/sys/bus/mdev/drivers/mtty/unbind", Host.Uuid));
        host.Driver.Calls.Should().Equal("probe " + Host.Uuid, "remove " + Host.Uuid);
    }

    [Fact]
    public void ParentNamingItsDriver_BindsToThatOne()
    {
        var core = new MdevCore();
        var generic = new TestDriver("vfio_mdev");
        var own = new TestDriver("mtty");
        core.RegisterDriver(generic);
        core.RegisterDriver(own);
        var parent = core.RegisterParent(core.AddDevice(Host.ParentPath, deviceClass: "mtty"), new NamedDriverVendor("mtty"));
        var mdev = core.CreateMdevDevice(parent.Types[0], Guid.Parse(Host.Uuid));
        mdev.Driver.Should().BeSameAs(own);
        generic.Calls.Should().BeEmpty();
        core.Sysfs.Read(mdev.SysfsPath + "/uevent").Should().Be("DRIVER=mtty\n");

        var orphanParent = core.RegisterParent(core.AddDevice("/sys/devices/virtual/x/x", deviceClass: "x"), new NamedDriverVendor("absent"));
        core.CreateMdevDevice(orphanParent.Types[0], Guid.NewGuid()).Driver.Should().BeNull();
    }

    private sealed class NamedDriverVendor(string driver) : ParentOps
    {
        public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("1", "vfio-pci")];

        public override int MaxInstances => 4;

        public override string? DriverName => driver;

        public override void Create(MdevDevice mdev)
        {
        }

        public override void Remove(MdevDevice mdev)
        {
        }
    }
}
