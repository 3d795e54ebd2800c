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
        core.Sysfs.ReadDirectory("/sys/bus/mdev/drivers").Select(e => e.Name).Should().Equal("vfio_mdev");
    }

    [Fact]
    public async Task Legacy2016_RegisteringADriver_BindsUnboundDevices_UnregisteringUnbindsThem()
    {
        var host = new Host(withDriver: false, policy: RemovePolicy.Legacy2016);
        var mdev = host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid));
        using var listener = host.Core.SubscribeUevents();
        host.Core.RegisterDriver(host.Driver);
        mdev.Driver.Should().BeSameAs(host.Driver);
        host.Sysfs.ReadLink(mdev.SysfsPath + "/driver").Should().Be("../../../../../bus/mdev/drivers/vfio_mdev");
        host.Sysfs.Exists("/sys/bus/mdev/drivers/vfio_mdev/" + Host.Uuid).Should().BeTrue();

        await host.Core.UnregisterDriverAsync(host.Driver);
        mdev.Driver.Should().BeNull();
        mdev.State.Should().Be(MdevDeviceState.Active);
        host.Sysfs.Exists(mdev.SysfsPath + "/driver").Should().BeFalse();
        host.Sysfs.Exists("/sys/bus/mdev/drivers/vfio_mdev").Should().BeFalse();
        host.Driver.Calls.Should().Equal("probe " + Host.Uuid, "remove " + Host.Uuid);
        var events = Expect.Drain(listener);
        events.Select(e => e.ActionName).Should().Equal("bind", "unbind");
        events[0]["DRIVER"].Should().Be("vfio_mdev");
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
        host.Sysfs.ReadDirectory("/sys/bus/mdev/drivers/vfio_mdev").Where(e => e.Kind == Mdev.Core.Sysfs.SysfsNodeKind.Symlink).Should().BeEmpty();
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
        Expect.Errno(Errno.ENODEV, () => host.Sysfs.Write("/sys/bus/mdev/drivers/vfio_mdev/bind", "no-such-device"));
        Expect.Errno(Errno.ENODEV, () => host.Sysfs.Write("/sys/bus/mdev/drivers/vfio_mdev/bind", Host.Uuid));
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
        Expect.Errno(Errno.EACCES, () => sysfs.Read("/sys/bus/mdev/drivers/vfio_mdev/unbind"));
        sysfs.ReadDirectory("/sys/bus/mdev/drivers/vfio_mdev").Select(e => e.Name).Should().Equal(Host.Uuid, "bind", "uevent", "unbind");

        using var listener = host.Core.SubscribeUevents();
        Expect.Errno(Errno.EINVAL, () => sysfs.Write("/sys/bus/mdev/uevent", "explode"));
        sysfs.Write("/sys/bus/mdev/uevent", "change");
        sysfs.Write("/sys/bus/mdev/drivers/vfio_mdev/uevent", "add\n");
        var synth = Expect.Drain(listener);
        synth.Select(e => $"{e.ActionName} {e.DevPath} {e.Subsystem}").Should().Equal("change /bus/mdev bus", "add /bus/mdev/drivers/vfio_mdev drivers");

        Expect.Errno(Errno.ENODEV, () => sysfs.Write("/sys/bus/mdev/drivers/vfio_mdev/unbind", "00000000-0000-0000-0000-000000000000"));
        sysfs.Write("/sys/bus/mdev/drivers/vfio_mdev/unbind", Host.Uuid).Should().Be(36);
        mdev.Driver.Should().BeNull();
        sysfs.Exists(mdev.SysfsPath + "/driver").Should().BeFalse();
        sysfs.Exists("/sys/bus/mdev/drivers/vfio_mdev/" + Host.Uuid).Should().BeFalse();
        sysfs.Read(mdev.SysfsPath + "/uevent").Should().BeEmpty();
        var unbind = Expect.Drain(listener).Should().ContainSingle().Subject;
        unbind.ActionName.Should().Be("unbind");
        Expect.Errno(Errno.ENODEV, () => sysfs.Write("/sys/bus/mdev/drivers/vfio_mdev/unbind", Host.Uuid));
        host.Driver.Calls.Should().Equal("probe " + Host.Uuid, "remove " + Host.Uuid);
    }

    [Fact]
    public void ParentNamingItsDriver_BindsToThatOne()
    {
        var core = new MdevCore();
        var generic = new TestDriver();
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
