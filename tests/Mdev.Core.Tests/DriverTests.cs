using Mdev.Core.Tests.Support;

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
    public async Task RegisteringADriver_BindsUnboundDevices_UnregisteringUnbindsThem()
    {
        var host = new Host(withDriver: false);
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
    public void ProbeFailureWhileAttachingLater_LeavesTheDeviceUnbound()
    {
        var host = new Host(withDriver: false);
        var mdev = host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid));
        host.Driver.FailProbeWith = Errno.ENODEV;
        host.Core.RegisterDriver(host.Driver);
        mdev.Driver.Should().BeNull();
        host.Sysfs.Exists(mdev.SysfsPath + "/driver").Should().BeFalse();
        host.Sysfs.ReadDirectory("/sys/bus/mdev/drivers/vfio_mdev").Should().BeEmpty();
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
