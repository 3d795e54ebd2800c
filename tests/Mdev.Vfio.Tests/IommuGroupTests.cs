using Mdev.Core;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests;

public sealed class IommuGroupTests
{
    [Fact]
    public void Probe_GivesEachDeviceItsOwnGroup_WithTheKernelsSysfs()
    {
        var host = new VfioHost();
        var sys = host.Core.Sysfs;
        var dev = host.Device.SysfsPath;
        sys.ReadLink(dev + "/iommu_group").Should().Be("../../../../kernel/iommu_groups/0");
        sys.Read("/sys/kernel/iommu_groups/0/name").Should().Be("vfio-noiommu\n");
        sys.Read("/sys/kernel/iommu_groups/0/type").Should().Be("unknown\n");
        sys.Read("/sys/kernel/iommu_groups/0/reserved_regions").Should().Be("");
        sys.ReadLink("/sys/kernel/iommu_groups/0/devices/" + VfioHost.Uuid).Should().Be("../../../../devices/pci0000:00/0000:00:04.0/" + VfioHost.Uuid);
        sys.RealPath("/sys/kernel/iommu_groups/0/devices/" + VfioHost.Uuid).Should().Be(dev);
        sys.ReadLink("/sys/class/vfio/0").Should().Be("../../devices/virtual/vfio/0");
        sys.ReadLink(dev + "/driver").Should().Be("../../../../bus/mdev/drivers/" + VfioHost.MdevDriver);
        var group = host.Vfio.FindGroup(host.Device)!;
        (group.Id, group.Name, group.DevicePath, group.Device).Should().Be((0, "vfio-noiommu", "/dev/vfio/0", host.Device));
        host.Device.Vfio().Group.Should().BeSameAs(group);
    }

    [Fact]
    public void GroupIds_AreTheSmallestFree_AndComeBackAfterRemoval()
    {
        var host = new VfioHost();
        var b = host.Core.CreateMdevDevice(host.Parent.Types[0], Guid.NewGuid());
        var c = host.Core.CreateMdevDevice(host.Parent.Types[0], Guid.NewGuid());
        host.Vfio.Groups.Select(g => g.Id).Should().Equal(0, 1, 2);
        host.Core.RemoveMdevDevice(b.Uuid);
        host.Vfio.Groups.Select(g => g.Id).Should().Equal(0, 2);
        host.Core.Sysfs.Exists("/sys/kernel/iommu_groups/1").Should().BeFalse();
        host.Core.Sysfs.Exists("/sys/class/vfio/1").Should().BeFalse();
        Expect.Errno(Errno.ENOENT, () => host.Vfio.OpenGroup(1));
        var d = host.Core.CreateMdevDevice(host.Parent.Types[0], Guid.NewGuid());
        host.Vfio.FindGroup(d)!.Id.Should().Be(1);
        host.Vfio.FindGroup(c)!.Id.Should().Be(2);
    }

    [Fact]
    public void RemovingTheDevice_DetachesAnOpenGroupFromItsContainer_FreesTheId_AndTheFileGetsEnodev()
    {
        var host = new VfioHost();
        var container = host.Vfio.OpenContainer();
        var group = host.Vfio.OpenGroup(0);
        group.SetContainer(container);
        container.SetIommu(VfioExtension.Type1v2Iommu);
        container.MapDma(0, new byte[0x1000], DmaMapFlags.Read);
        host.Core.RemoveMdevDevice(host.Device.Uuid);

        group.Group.IsDead.Should().BeTrue();
        Expect.Errno(Errno.ENODEV, () => group.GetStatus());
        Expect.Errno(Errno.ENODEV, () => group.GetDeviceFile(VfioHost.Uuid));
        Expect.Errno(Errno.EINVAL, () => group.UnsetContainer());
        Expect.Errno(Errno.ENODEV, () => group.SetContainer(container));
        container.Groups.Should().BeEmpty();
        Expect.Errno(Errno.EINVAL, () => container.GetIommuInfo()); // the last group took the IOMMU and the mappings

        var next = host.Core.CreateMdevDevice(host.Parent.Types[0], Guid.NewGuid());
        host.Vfio.FindGroup(next)!.Id.Should().Be(0, "the id is free as soon as the device left");
        group.Dispose();
        using var reopened = host.Vfio.OpenGroup(0);
        reopened.GetStatus().Should().Be(VfioGroupFlags.Viable);
    }

    [Fact]
    public void Uevents_ForTheVfioGroup_ComeWithTheMdevs()
    {
        var core = new MdevCore();
        new VfioModule(core).RegisterVendorDriver(VfioHost.MdevDriver);
        var parent = core.RegisterParent(core.AddDevice("/sys/devices/pci0000:00/0000:00:04.0", bus: "pci", driver: "testpci"), new TestPciVendor());
        using var listener = core.SubscribeUevents();
        var mdev = core.CreateMdevDevice(parent.Types[0], Guid.Parse(VfioHost.Uuid));
        core.RemoveMdevDevice(mdev.Uuid);
        var events = new List<Uevent>();
        while (listener.Reader.TryRead(out var e))
        {
            events.Add(e);
        }

        // The kernel's order: device_add's add of the mdev, then what the VFIO mdev driver's probe makes (the group's class
        // device, vfio-dev/vfioX), then driver_bound's bind; at removal the driver's remove takes them down before unbind.
        events.Select(e => $"{e.ActionName} {e.Subsystem}").Should().Equal(
            "add mdev", "add vfio", "add vfio-dev", "bind mdev", "remove vfio-dev", "remove vfio", "unbind mdev", "remove mdev");
        events.Select(e => e.SequenceNumber).Should().BeInAscendingOrder();
        var groupAdd = events[1];
        groupAdd.Environment.Select(kv => kv.Key).Should().Equal("ACTION", "DEVPATH", "SUBSYSTEM", "MAJOR", "MINOR", "DEVNAME", "SEQNUM");
        (groupAdd["MAJOR"], groupAdd["MINOR"], groupAdd["DEVNAME"]).Should().Be(("242", "0", "vfio/0"));
        events[5]["DEVNAME"].Should().Be("vfio/0", "remove carries the node too");
    }

    [Fact]
    public void VfioMdev_CannotBeRegisteredTwice_OnOneCore()
    {
        var core = new MdevCore();
        _ = new VfioModule(core);
        Expect.Errno(Errno.EBUSY, () => _ = new VfioModule(core));
    }

    /// <summary>
    /// The group's class device has a node (<c>dev</c> "MAJ:MIN", uevent MAJOR/MINOR/DEVNAME=vfio/N); since 6.1 the
    /// vfio_device is a vfio-dev class device below the mdev (vfio_device_add), with no node without VFIO_DEVICE_CDEV.
    /// </summary>
    [Fact]
    public void ClassDevices_VfioGroupNodeAndVfioDev()
    {
        var host = new VfioHost();
        var sysfs = host.Core.Sysfs;
        int id = host.GroupId;
        Expect.Errno(Errno.EACCES, () => sysfs.Write($"/sys/class/vfio/{id}/dev", "1:2"));
        sysfs.Read($"/sys/class/vfio/{id}/dev").Should().Be($"242:{id}\n");
        sysfs.Read($"/sys/class/vfio/{id}/uevent").Should().Be($"MAJOR=242\nMINOR={id}\nDEVNAME=vfio/{id}\n");

        var vfioDev = host.Device.SysfsPath + "/vfio-dev/vfio0";
        sysfs.ReadDirectory(vfioDev).Select(e => e.Name).Should().Equal("device", "power", "subsystem", "uevent");
        sysfs.ReadLink(vfioDev + "/device").Should().Be("../../../" + host.Device.Name);
        sysfs.ReadLink(vfioDev + "/subsystem").Should().EndWith("/class/vfio-dev");
        sysfs.Read(vfioDev + "/uevent").Should().BeEmpty();
        sysfs.ReadLink("/sys/class/vfio-dev/vfio0").Should().EndWith(host.Device.Name + "/vfio-dev/vfio0");

        using var listener = host.Core.SubscribeUevents();
        sysfs.Write($"/sys/class/vfio/{id}/uevent", "change\0").Should().Be(7);
        listener.Reader.TryRead(out var e).Should().BeTrue();
        e!.Environment.Select(kv => kv.Key).Should().Equal("ACTION", "DEVPATH", "SUBSYSTEM", "SYNTH_UUID", "MAJOR", "MINOR", "DEVNAME", "SEQNUM");

        host.Core.RemoveMdevDevice(host.Device.Uuid);
        sysfs.Exists("/sys/class/vfio-dev/vfio0").Should().BeFalse();
        sysfs.Exists($"/sys/class/vfio/{id}").Should().BeFalse();
    }
}
