using Mdev.Core;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests;

/// <summary>
/// Since 5.16 there is no generic vfio_mdev: each vendor registers its own mdev_driver whose probe is
/// vfio_register_emulated_iommu_dev (mtty.c's "mtty"); 2016's vfio_mdev (v4.10 drivers/vfio/mdev/vfio_mdev.c) exists only
/// under <see cref="RemovePolicy.Legacy2016"/>.
/// </summary>
public sealed class VendorDriverRegistrationTests
{
    [Fact]
    public void Modern_TheVfioStack_RegistersNoDriver_TheVendorsOwnBindsAndGivesTheGroup()
    {
        var core = new MdevCore();
        var vfio = new VfioModule(core);
        core.Drivers.Should().BeEmpty();
        core.Sysfs.ReadDirectory("/sys/bus/mdev/drivers").Should().BeEmpty();

        // Malformed first: a name that is no sysfs name is EINVAL and registers nothing; a taken one is EBUSY.
        Expect.Errno(Errno.EINVAL, () => vfio.RegisterVendorDriver("a/b"));
        Expect.Errno(Errno.EINVAL, () => vfio.CreateMdevDriver(""));
        core.Drivers.Should().BeEmpty();

        var driver = vfio.RegisterVendorDriver("vfio_ccw_mdev", "vfio_ccw");
        Expect.Errno(Errno.EBUSY, () => vfio.RegisterVendorDriver("vfio_ccw_mdev"));
        core.Drivers.Should().Equal(driver);
        driver.ModuleName.Should().Be("vfio_ccw");
        core.Sysfs.RealPath("/sys/bus/mdev/drivers/vfio_ccw_mdev/module").Should().Be("/sys/module/vfio_ccw");

        var parent = core.RegisterParent(core.AddDevice("/sys/devices/pci0000:00/0000:00:04.0", bus: "pci", driver: "testpci"), new TestPciVendor());
        var mdev = core.CreateMdevDevice(parent.Types[0], Guid.Parse(VfioHost.Uuid));
        mdev.Driver.Should().BeSameAs(driver);
        core.Sysfs.Read(mdev.SysfsPath + "/uevent").Should().Be("DRIVER=vfio_ccw_mdev\n");
        vfio.FindGroup(mdev).Should().NotBeNull("the vendor's VFIO driver probe gives the device its group");
        core.Sysfs.RealPath("/sys/bus/pci/drivers/testpci/module").Should().Be("/sys/module/testpci");
    }

    [Fact]
    public void Legacy2016_TheVfioStack_RegistersVfioMdev_WhichBindsEveryDevice()
    {
        var core = new MdevCore(new MdevCoreOptions { RemovePolicy = RemovePolicy.Legacy2016 });
        var vfio = new VfioModule(core);
        core.Drivers.Select(d => d.Name).Should().Equal(VfioModule.DriverName);
        core.Sysfs.RealPath("/sys/bus/mdev/drivers/vfio_mdev/module").Should().Be("/sys/module/vfio_mdev");
        core.Sysfs.ReadLink("/sys/module/vfio_mdev/drivers/mdev:vfio_mdev").Should().Be("../../../bus/mdev/drivers/vfio_mdev");

        var parent = core.RegisterParent(core.AddDevice("/sys/devices/pci0000:00/0000:00:04.0", bus: "pci", driver: "testpci"), new TestPciVendor());
        var mdev = core.CreateMdevDevice(parent.Types[0], Guid.Parse(VfioHost.Uuid));
        mdev.Driver!.Name.Should().Be("vfio_mdev");
        vfio.FindGroup(mdev).Should().NotBeNull();
    }

    [Fact]
    public void ASecondVfioStack_OnOneCore_IsEbusy_UnderEitherPolicy()
    {
        foreach (var policy in new[] { RemovePolicy.Modern, RemovePolicy.Legacy2016 })
        {
            var core = new MdevCore(new MdevCoreOptions { RemovePolicy = policy });
            _ = new VfioModule(core);
            Expect.Errno(Errno.EBUSY, () => _ = new VfioModule(core));
            core.Drivers.Should().HaveCount(policy == RemovePolicy.Legacy2016 ? 1 : 0);
        }
    }
}
