using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Samples.Mtty.Tests.Support;

namespace Mdev.Samples.Mtty.Tests;

/// <summary>The module as sysfs shows it: spec §6 vectors 1–4, the port pool, the vendor attribute.</summary>
public sealed class SysfsTests : IDisposable
{
    private readonly MttyHost _host = new();

    private SysfsTree Sysfs => _host.Sysfs;

    public void Dispose() => _host.Dispose();

    /// <summary>Spec §6 vector 1.</summary>
    [Fact]
    public void Vector1_FreshModule_ShowsTheKernelsText()
    {
        _host.Available(MttyHost.Type1).Should().Be("24\n");
        _host.Available(MttyHost.Type2).Should().Be("12\n");
        Sysfs.Read(MttyHost.Type1 + "/name").Should().Be("Single port serial\n");
        Sysfs.Read(MttyHost.Type2 + "/name").Should().Be("Dual port serial\n");
        Sysfs.Read(MttyHost.Type1 + "/device_api").Should().Be("vfio-pci\n");
        Sysfs.Read(MttyHost.Type2 + "/device_api").Should().Be("vfio-pci\n");
        Sysfs.Exists(MttyHost.Type1 + "/description").Should().BeFalse();
        Sysfs.Exists(MttyHost.Type2 + "/description").Should().BeFalse();
        Sysfs.ReadDirectory(Mtty.ParentPath + "/mdev_supported_types").Select(e => e.Name).Should().Equal("mtty-1", "mtty-2");
        Sysfs.RealPath("/sys/class/mdev_bus/mtty").Should().Be(Mtty.ParentPath);
        Sysfs.Exists("/sys/bus/mdev/drivers/" + Mtty.DriverName).Should().BeTrue();
        _host.Parent.Device.Class.Should().Be("mtty");
        _host.Parent.Device.Bus.Should().BeNull();
        _host.Parent.Device.Driver.Should().BeNull();
    }

    /// <summary>Spec §6 vector 2.</summary>
    [Fact]
    public void Vector2_CreateThroughSysfs_BuildsTheDevice_AndDuplicatesAreEexist()
    {
        Sysfs.Write(MttyHost.Type2 + "/create", MttyHost.Uuid + "\n").Should().Be(37);
        Sysfs.Stat("/sys/bus/mdev/devices/" + MttyHost.Uuid).Kind.Should().Be(SysfsNodeKind.Directory);
        Sysfs.ReadLink(MttyHost.Type2 + "/devices/" + MttyHost.Uuid).Should().Be("../../../" + MttyHost.Uuid);
        Sysfs.RealPath(Mtty.ParentPath + "/" + MttyHost.Uuid + "/driver").Should().Be("/sys/bus/mdev/drivers/mtty");
        Sysfs.ReadLink("/sys/bus/mdev/drivers/mtty/module").Should().Be("../../../../module/mtty");
        Sysfs.ReadLink("/sys/module/mtty/drivers/mdev:mtty").Should().Be("../../../bus/mdev/drivers/mtty");
        _host.Available(MttyHost.Type1).Should().Be("22\n");
        _host.Available(MttyHost.Type2).Should().Be("11\n");

        Expect.Errno(Errno.EEXIST, () => Sysfs.Write(MttyHost.Type2 + "/create", MttyHost.Uuid + "\n"));
        Expect.Errno(Errno.EEXIST, () => Sysfs.Write(MttyHost.Type1 + "/create", MttyHost.Uuid.ToUpperInvariant()));
        _host.Available(MttyHost.Type1).Should().Be("22\n");
        _host.Core.Devices.Should().HaveCount(1);
    }

    /// <summary>Spec §6 vector 3.</summary>
    [Fact]
    public void Vector3_MalformedCreateWrites_AreEinval_ThenUpperCaseIsAccepted()
    {
        var create = MttyHost.Type1 + "/create";
        Expect.Errno(Errno.EINVAL, () => Sysfs.Write(create, MttyHost.Uuid[..35]));
        Expect.Errno(Errno.EINVAL, () => Sysfs.Write(create, MttyHost.Uuid + "\n\n"));
        Expect.Errno(Errno.EINVAL, () => Sysfs.Write(create, "83b8f4f2_509f-382f-3c1e-e6bfe0fa1001"));
        Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
        _host.Available(MttyHost.Type1).Should().Be("24\n");

        Sysfs.Write(create, MttyHost.Uuid.ToUpperInvariant() + "\n").Should().Be(37);
        Sysfs.ReadDirectory("/sys/bus/mdev/devices").Select(e => e.Name).Should().Equal(MttyHost.Uuid);
    }

    /// <summary>Spec §6 vector 4: mtty's own ENOSPC from probe reaches the writer.</summary>
    [Fact]
    public void Vector4_TwelveDualPortDevices_ThenEnospc_AndMtty1ShowsZero()
    {
        for (int i = 0; i < 12; i++)
        {
            Sysfs.Write(MttyHost.Type2 + "/create", MttyHost.Uuid3(i)).Should().Be(36);
        }

        _host.Available(MttyHost.Type2).Should().Be("0\n");
        _host.Available(MttyHost.Type1).Should().Be("0\n");
        Expect.Errno(Errno.ENOSPC, () => Sysfs.Write(MttyHost.Type2 + "/create", MttyHost.Uuid3(12)));
        Expect.Errno(Errno.ENOSPC, () => Sysfs.Write(MttyHost.Type1 + "/create", MttyHost.Uuid3(12)));
        Sysfs.Exists("/sys/bus/mdev/devices/" + MttyHost.Uuid3(12)).Should().BeFalse();
        _host.Core.Devices.Should().HaveCount(12);
    }

    [Fact]
    public void Create_OddPortLeft_DualPortIsEnospc_SinglePortFits()
    {
        for (int i = 0; i < 23; i++)
        {
            _host.Create(MttyHost.Type1, MttyHost.Uuid3(i));
        }

        _host.Available(MttyHost.Type1).Should().Be("1\n");
        _host.Available(MttyHost.Type2).Should().Be("0\n", "1 port / 2 ports per device");
        Expect.Errno(Errno.ENOSPC, () => _host.Create(MttyHost.Type2, MttyHost.Uuid3(23)));
        _host.Create(MttyHost.Type1, MttyHost.Uuid3(23)).Name.Should().Be(MttyHost.Uuid3(23));
        _host.Available(MttyHost.Type1).Should().Be("0\n");
    }

    [Fact]
    public void Remove_GivesThePortsBack()
    {
        _host.Create(MttyHost.Type2);
        _host.Create(MttyHost.Type1, MttyHost.Uuid2);
        _host.Available(MttyHost.Type1).Should().Be("21\n");

        Sysfs.Write(Mtty.ParentPath + "/" + MttyHost.Uuid + "/remove", "1\n").Should().Be(2);
        _host.Available(MttyHost.Type1).Should().Be("23\n");
        _host.Available(MttyHost.Type2).Should().Be("11\n");
    }

    [Fact]
    public void VendorAttribute_NamesTheDevice()
    {
        _host.Create(MttyHost.Type1);
        var path = Mtty.ParentPath + "/" + MttyHost.Uuid + "/vendor/sample_mdev_dev";
        Expect.Errno(Errno.EACCES, () => Sysfs.Write(path, "x"));
        Sysfs.Read(path).Should().Be($"This is MDEV {MttyHost.Uuid}\n");
    }

    [Fact]
    public void Register_Twice_IsEbusy_AndTheFirstStaysIntact()
    {
        Expect.Errno(Errno.EBUSY, () => Mtty.Register(_host.Core, _host.Vfio));
        _host.Core.Parents.Should().ContainSingle();
        _host.Create(MttyHost.Type1).Driver!.Name.Should().Be("mtty");
    }

    [Fact]
    public void Register_ParentPathTaken_IsEexist_AndLeavesNoDriver()
    {
        using var core = new MdevCore();
        var vfio = new Vfio.VfioModule(core);
        core.AddDevice(Mtty.ParentPath, deviceClass: "mtty");
        Expect.Errno(Errno.EEXIST, () => Mtty.Register(core, vfio));
        core.Drivers.Should().BeEmpty("the failed registration unregisters mtty again, and the modern VFIO stack has no vfio_mdev");
        core.Sysfs.Exists("/sys/module/mtty").Should().BeFalse();
        core.Parents.Should().BeEmpty();
    }
}
