using Mdev.Core.Sysfs;
using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

public sealed class CreateTests
{
    private readonly Host _host = new();

    private SysfsTree Sysfs => _host.Sysfs;

    /// <summary>Spec §6 vector 1, against the mtty-shaped test vendor.</summary>
    [Fact]
    public void Vector1_FreshParent_ShowsTheKernelsText()
    {
        _host.Available(Host.Type1).Should().Be("24\n");
        _host.Available(Host.Type2).Should().Be("12\n");
        Sysfs.Read(Host.Type1 + "/name").Should().Be("Single port serial\n");
        Sysfs.Read(Host.Type2 + "/name").Should().Be("Dual port serial\n");
        Sysfs.Read(Host.Type1 + "/device_api").Should().Be("vfio-pci\n");
        Sysfs.Exists(Host.Type1 + "/description").Should().BeFalse();
    }

    /// <summary>Spec §6 vector 2.</summary>
    [Fact]
    public void Vector2_CreateThroughSysfs_BuildsTheDevice_AndDuplicatesAreEexist()
    {
        Sysfs.Write(Host.Type2 + "/create", Host.Uuid + "\n").Should().Be(37);
        Sysfs.Stat("/sys/bus/mdev/devices/" + Host.Uuid).Kind.Should().Be(SysfsNodeKind.Directory);
        Sysfs.ReadLink(Host.Type2 + "/devices/" + Host.Uuid).Should().Be("../../../" + Host.Uuid);
        _host.Available(Host.Type1).Should().Be("22\n");
        _host.Available(Host.Type2).Should().Be("11\n");

        Expect.Errno(Errno.EEXIST, () => Sysfs.Write(Host.Type2 + "/create", Host.Uuid + "\n"));
        Expect.Errno(Errno.EEXIST, () => Sysfs.Write(Host.Type1 + "/create", Host.Uuid.ToUpperInvariant()));
        Expect.Errno(Errno.EEXIST, () => _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid)));
        _host.Available(Host.Type2).Should().Be("11\n");
        _host.Core.Devices.Should().HaveCount(1);
    }

    /// <summary>Spec §6 vector 3: 35 and 38 bytes, a bad separator, then an upper-case UUID that works.</summary>
    [Fact]
    public void Vector3_MalformedCreateWrites_AreEinval_ThenUpperCaseIsAccepted()
    {
        var create = Host.Type1 + "/create";
        Expect.Errno(Errno.EINVAL, () => Sysfs.Write(create, Host.Uuid[..35]));
        Expect.Errno(Errno.EINVAL, () => Sysfs.Write(create, Host.Uuid + "\n\n"));
        Expect.Errno(Errno.EINVAL, () => Sysfs.Write(create, "83b8f4f2_509f-382f-3c1e-e6bfe0fa1001"));
        Expect.Errno(Errno.EINVAL, () => Sysfs.Write(create, "83b8f4f2-509f-382f-3c1e-e6bfe0fa10zz"));
        Expect.Errno(Errno.EINVAL, () => Sysfs.Write(create, " "));
        Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
        _host.Vendor.Calls.Should().BeEmpty();

        Sysfs.Write(create, Host.Uuid.ToUpperInvariant() + "X").Should().Be(37);
        Sysfs.ReadDirectory("/sys/bus/mdev/devices").Select(e => e.Name).Should().Equal(Host.Uuid);
        _host.Core.FindDevice(Guid.Parse(Host.Uuid))!.Name.Should().Be(Host.Uuid);
    }

    /// <summary>Spec §6 vector 4: twelve dual-port creates exhaust the ports; the vendor's ENOSPC reaches the writer.</summary>
    [Fact]
    public void Vector4_PortBudgetExhausted_IsTheVendorsEnospc_AndLeavesNoTrace()
    {
        for (int i = 0; i < 12; i++)
        {
            Sysfs.Write(Host.Type2 + "/create", Uuid(i)).Should().Be(36);
        }

        _host.Available(Host.Type2).Should().Be("0\n");
        _host.Available(Host.Type1).Should().Be("0\n");
        using var listener = _host.Core.SubscribeUevents();
        Expect.Errno(Errno.ENOSPC, () => Sysfs.Write(Host.Type2 + "/create", Uuid(12)));
        Sysfs.Exists(Host.DevicePath(Uuid(12))).Should().BeFalse();
        Sysfs.Exists("/sys/bus/mdev/devices/" + Uuid(12)).Should().BeFalse();
        _host.Core.FindDevice(Guid.Parse(Uuid(12))).Should().BeNull();
        Expect.Drain(listener).Should().BeEmpty();
        Sysfs.ReadDirectory(Host.Type2 + "/devices").Should().HaveCount(12);
    }

    [Fact]
    public void CorePool_Empty_IsEusers_SharedAcrossTypes_AndTheSlotComesBack()
    {
        var host = new Host(new TestVendor(poolSize: 2));
        host.Available(Host.Type1).Should().Be("2\n");
        host.Core.CreateMdevDevice(host.T1, Guid.Parse(Uuid(1)));
        host.Core.CreateMdevDevice(host.T2, Guid.Parse(Uuid(2)));
        host.Available(Host.Type1).Should().Be("0\n");
        host.Available(Host.Type2).Should().Be("0\n");
        var ex = Expect.Errno(Errno.EUSERS, () => host.Sysfs.Write(Host.Type1 + "/create", Uuid(3)));
        ex.Message.Should().Contain("mtty-1");
        host.Vendor.Calls.Should().NotContain("create " + Uuid(3));

        host.Core.RemoveMdevDevice(Guid.Parse(Uuid(1)));
        host.Available(Host.Type2).Should().Be("1\n");
        host.Sysfs.Write(Host.Type1 + "/create", Uuid(3)).Should().Be(36);
        host.Parent.PoolAvailable.Should().Be(0);
    }

    [Theory]
    [InlineData(Errno.ENOSPC)]
    [InlineData(Errno.ENODEV)]
    [InlineData(Errno.ENOMEM)]
    public void VendorCreateError_IsPassedThrough_AndRolledBack(Errno errno)
    {
        var host = new Host(new TestVendor(poolSize: 4));
        using var listener = host.Core.SubscribeUevents();
        host.Vendor.FailCreateWith = errno;
        Expect.Errno(errno, () => host.Sysfs.Write(Host.Type1 + "/create", Host.Uuid));
        AssertNoTrace(host, Host.Uuid);
        host.Parent.PoolAvailable.Should().Be(4);
        Expect.Drain(listener).Should().BeEmpty();
        host.Driver.Calls.Should().BeEmpty();

        host.Vendor.FailCreateWith = null;
        host.Sysfs.Write(Host.Type1 + "/create", Host.Uuid).Should().Be(36);
        host.Parent.PoolAvailable.Should().Be(3);
    }

    [Fact]
    public void VendorCreateThrowingANonKernelException_IsRethrown_AndRolledBack()
    {
        _host.Vendor.ThrowOnCreate = new InvalidOperationException("bug in vendor");
        Assert.Throws<InvalidOperationException>(() => _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid)));
        AssertNoTrace(_host, Host.Uuid);
        _host.Available(Host.Type1).Should().Be("24\n");
    }

    [Fact]
    public void ProbeFailure_FailsTheCreate_CallsVendorRemove_AndRollsBack()
    {
        using var listener = _host.Core.SubscribeUevents();
        _host.Driver.FailProbeWith = Errno.EIO;
        Expect.Errno(Errno.EIO, () => _host.Sysfs.Write(Host.Type2 + "/create", Host.Uuid));
        _host.Vendor.Calls.Should().Equal("create " + Host.Uuid, "remove " + Host.Uuid);
        AssertNoTrace(_host, Host.Uuid);
        Sysfs.ReadDirectory("/sys/bus/mdev/drivers/mtty").Where(e => e.Kind == Mdev.Core.Sysfs.SysfsNodeKind.Symlink && e.Name != "module").Should().BeEmpty();
        _host.Available(Host.Type2).Should().Be("12\n");
        Expect.Drain(listener).Should().BeEmpty();
    }

    [Fact]
    public void VendorAttributeFailure_RollsBackTheWholeDevice()
    {
        var vendor = new TestVendor();
        vendor.DeviceGroups.Add(new AttributeGroup<MdevDevice>("vendor", [
            MdevAttribute<MdevDevice>.ReadOnly("a", _ => "a\n"),
            MdevAttribute<MdevDevice>.ReadOnly("a", _ => "twice\n"),
        ]));
        var host = new Host(vendor);
        Expect.Errno(Errno.EEXIST, () => host.Sysfs.Write(Host.Type1 + "/create", Host.Uuid));
        AssertNoTrace(host, Host.Uuid);
        host.Driver.Calls.Should().Equal("probe " + Host.Uuid, "remove " + Host.Uuid);
        host.Available(Host.Type1).Should().Be("24\n");
    }

    [Fact]
    public void TypedAndTextCreate_BuildIdenticalTrees()
    {
        var typed = new Host();
        var text = new Host();
        typed.Core.CreateMdevDevice(typed.T2, Guid.Parse(Host.Uuid));
        text.Sysfs.Write(Host.Type2 + "/create", Host.Uuid.ToUpperInvariant() + "\n");
        Snapshot(typed.Sysfs).Should().Equal(Snapshot(text.Sysfs));
    }

    [Fact]
    public void DeviceDirectory_HasTheKernelsFilesAndLinks()
    {
        _host.Vendor.DeviceGroups.Add(new AttributeGroup<MdevDevice>("vendor", [
            MdevAttribute<MdevDevice>.ReadOnly("sample_mdev_dev", d => $"This is MDEV {d.Name}\n"),
        ]));
        var host = new Host(_host.Vendor);
        var mdev = host.Core.CreateMdevDevice(host.T2, Guid.Parse(Host.Uuid));
        var dir = Host.DevicePath(Host.Uuid);
        mdev.SysfsPath.Should().Be(dir);
        host.Sysfs.ReadDirectory(dir).Select(e => (e.Name, e.Kind)).Should().Equal(
            ("driver", SysfsNodeKind.Symlink),
            ("mdev_type", SysfsNodeKind.Symlink),
            ("power", SysfsNodeKind.Directory),
            ("remove", SysfsNodeKind.File),
            ("subsystem", SysfsNodeKind.Symlink),
            ("uevent", SysfsNodeKind.File),
            ("vendor", SysfsNodeKind.Directory));
        host.Sysfs.ReadLink(dir + "/mdev_type").Should().Be("../mdev_supported_types/mtty-2");
        host.Sysfs.ReadLink(dir + "/driver").Should().Be("../../../../../bus/mdev/drivers/mtty");
        host.Sysfs.ReadLink(dir + "/subsystem").Should().Be("../../../../../bus/mdev");
        host.Sysfs.ReadLink("/sys/bus/mdev/devices/" + Host.Uuid).Should().Be("../../../devices/virtual/mtty/mtty/" + Host.Uuid);
        host.Sysfs.ReadLink("/sys/bus/mdev/drivers/mtty/" + Host.Uuid).Should().Be("../../../../devices/virtual/mtty/mtty/" + Host.Uuid);
        host.Sysfs.Read(dir + "/vendor/sample_mdev_dev").Should().Be($"This is MDEV {Host.Uuid}\n");
        host.Sysfs.Read(dir + "/uevent").Should().Be("DRIVER=mtty\n");
        host.Sysfs.RealPath("/sys/bus/mdev/devices/" + Host.Uuid + "/mdev_type").Should().Be(Host.Type2);
        host.Sysfs.RealPath("/sys/class/mdev_bus/mtty/" + Host.Uuid).Should().Be(dir);
        Expect.Errno(Errno.EACCES, () => host.Sysfs.Read(dir + "/remove"));
        host.Sysfs.Read(dir + "/power/control").Should().Be("auto\n");
        host.Sysfs.Write(dir + "/power/control", "on\n");
        host.Sysfs.Read(dir + "/power/control").Should().Be("on\n");
        Expect.Errno(Errno.EINVAL, () => host.Sysfs.Write(dir + "/power/control", "off"));
        host.Sysfs.Read(dir + "/power/runtime_status").Should().Be("unsupported\n");
        mdev.State.Should().Be(MdevDeviceState.Active);
        mdev.Driver.Should().BeSameAs(host.Driver);
        host.T2.Devices.Should().Equal(mdev);
        host.Parent.Devices.Should().Equal(mdev);
    }

    [Fact]
    public void WithoutABusDriver_DevicesExistUnbound()
    {
        var host = new Host(withDriver: false);
        var mdev = host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid));
        mdev.Driver.Should().BeNull();
        host.Sysfs.Exists(mdev.SysfsPath + "/driver").Should().BeFalse();
        host.Sysfs.Read(mdev.SysfsPath + "/uevent").Should().Be("");
    }

    [Fact]
    public void ManyThreadsCreatingTheSameUuid_ExactlyOneWins()
    {
        var host = new Host(new TestVendor(poolSize: 64));
        var uuid = Guid.Parse(Host.Uuid);
        int wins = 0, exists = 0;
        Parallel.For(0, 32, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            try
            {
                if (i % 2 == 0)
                {
                    host.Core.CreateMdevDevice(i % 4 == 0 ? host.T1 : host.T2, uuid);
                }
                else
                {
                    host.Sysfs.Write(Host.Type1 + "/create", i % 3 == 0 ? Host.Uuid.ToUpperInvariant() : Host.Uuid);
                }

                Interlocked.Increment(ref wins);
            }
            catch (MdevException ex) when (ex.Errno == Errno.EEXIST)
            {
                Interlocked.Increment(ref exists);
            }
        });
        wins.Should().Be(1);
        exists.Should().Be(31);
        host.Parent.PoolAvailable.Should().Be(63);
        host.Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().HaveCount(1);
    }

    [Fact]
    public void SameUuidOnAnotherParent_IsEexist()
    {
        var other = _host.Core.AddDevice("/sys/devices/virtual/mdpy/mdpy", deviceClass: "mdpy");
        var second = _host.Core.RegisterParent(other, new TestVendor(poolSize: 4));
        _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid));
        Expect.Errno(Errno.EEXIST, () => Sysfs.Write("/sys/devices/virtual/mdpy/mdpy/mdev_supported_types/mdpy-1/create", Host.Uuid));
        second.PoolAvailable.Should().Be(4);
    }

    internal static string Uuid(int i) => $"83b8f4f2-509f-382f-3c1e-{i:x12}";

    internal static void AssertNoTrace(Host host, string uuid)
    {
        host.Sysfs.Exists(Host.DevicePath(uuid)).Should().BeFalse();
        host.Sysfs.Exists("/sys/bus/mdev/devices/" + uuid).Should().BeFalse();
        host.Sysfs.Exists("/sys/bus/mdev/drivers/mtty/" + uuid).Should().BeFalse();
        host.Sysfs.ReadDirectory(Host.Type1 + "/devices").Select(e => e.Name).Should().NotContain(uuid);
        host.Sysfs.ReadDirectory(Host.Type2 + "/devices").Select(e => e.Name).Should().NotContain(uuid);
        host.Core.FindDevice(Guid.Parse(uuid)).Should().BeNull();
    }

    internal static List<string> Snapshot(SysfsTree tree)
    {
        var lines = new List<string>();
        void Walk(string path)
        {
            foreach (var e in tree.ReadDirectory(path))
            {
                var p = path + "/" + e.Name;
                switch (e.Kind)
                {
                    case SysfsNodeKind.Directory:
                        lines.Add("d " + p);
                        Walk(p);
                        break;
                    case SysfsNodeKind.Symlink:
                        lines.Add($"l {p} -> {tree.ReadLink(p)}");
                        break;
                    default:
                        var mode = tree.Stat(p).Mode;
                        var text = (mode & UnixFileMode.UserRead) != 0 ? tree.Read(p) : "";
                        lines.Add($"f {p} {Convert.ToString((int)mode, 8)} {text}");
                        break;
                }
            }
        }

        Walk("/sys");
        return lines;
    }
}
