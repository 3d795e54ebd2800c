using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>Every vendor and driver callback that throws leaves all state as it was (or, where the kernel cannot fail, goes on).</summary>
public sealed class FailingCallbackTests
{
    [Fact]
    public void ProbeThrowingAForeignException_IsRethrownByTheTypedApi_AndEioThroughSysfs_AndRolledBack()
    {
        var host = new Host(new TestVendor(poolSize: 4));
        using var listener = host.Core.SubscribeUevents();
        var driver = new ThrowingDriver { OnProbe = () => throw new InvalidOperationException("probe bug") };
        var core = host.Core;
        core.UnregisterDriver(host.Driver);
        core.RegisterDriver(driver);
        Expect.Drain(listener);

        Assert.Throws<InvalidOperationException>(() => core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid)));
        CreateTests.AssertNoTrace(host, Host.Uuid);
        var ex = Expect.Errno(Errno.EIO, () => host.Sysfs.Write(Host.Type1 + "/create", Host.Uuid));
        ex.InnerException.Should().BeOfType<InvalidOperationException>();
        CreateTests.AssertNoTrace(host, Host.Uuid);
        host.Parent.PoolAvailable.Should().Be(4);
        host.Vendor.Calls.Should().Equal("create " + Host.Uuid, "remove " + Host.Uuid, "create " + Host.Uuid, "remove " + Host.Uuid);
        Expect.Drain(listener).Should().BeEmpty();
    }

    [Fact]
    public void DriverRemoveThrowing_IsLogged_AndRemovalCompletes()
    {
        var host = new Host(withDriver: false);
        host.Core.RegisterDriver(new ThrowingDriver { OnRemove = () => throw new InvalidOperationException("remove bug") });
        host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid));
        host.Sysfs.Write(Host.DevicePath(Host.Uuid) + "/remove", "1").Should().Be(1);
        CreateTests.AssertNoTrace(host, Host.Uuid);
        host.Sysfs.ReadDirectory("/sys/bus/mdev/drivers/mtty").Where(e => e.Kind == Mdev.Core.Sysfs.SysfsNodeKind.Symlink && e.Name != "module").Should().BeEmpty();
    }

    [Fact]
    public void AttributeShowOrStoreThrowingAForeignException_IsEio_AndMdevExceptionsKeepTheirErrno()
    {
        var vendor = new TestVendor();
        vendor.DeviceGroups.Add(new AttributeGroup<MdevDevice>(null, [
            MdevAttribute<MdevDevice>.ReadWrite("bad", _ => throw new FormatException("show bug"), (_, _) => throw new FormatException("store bug")),
            MdevAttribute<MdevDevice>.WriteOnly("picky", (_, t) =>
            {
                if (t != "ok")
                {
                    throw new MdevException(Errno.ERANGE, "picky: out of range");
                }
            }),
        ]));
        var host = new Host(vendor);
        host.Core.CreateMdevDevice(host.T1, Guid.Parse(Host.Uuid));
        var dir = Host.DevicePath(Host.Uuid);
        Expect.Errno(Errno.EIO, () => host.Sysfs.Read(dir + "/bad")).InnerException.Should().BeOfType<FormatException>();
        Expect.Errno(Errno.EIO, () => host.Sysfs.Write(dir + "/bad", "x"));
        Expect.Errno(Errno.ERANGE, () => host.Sysfs.Write(dir + "/picky", "no"));
        host.Sysfs.Write(dir + "/picky", "ok").Should().Be(2);
    }

    [Fact]
    public void GetAvailableThrowing_FailsTheReadWithEio_AndTheCreate()
    {
        var vendor = new ThrowingAvailability { Broken = false }; // registration asks availability once (the empty-pool check)
        var core = new MdevCore();
        var parent = core.RegisterParent(core.AddDevice(Host.ParentPath, deviceClass: "mtty"), vendor);
        vendor.Broken = true;
        Expect.Errno(Errno.EIO, () => core.Sysfs.Read(Host.Type1 + "/available_instances"));
        Expect.Errno(Errno.EIO, () => core.Sysfs.Write(Host.Type1 + "/create", Host.Uuid));
        core.FindDevice(Guid.Parse(Host.Uuid)).Should().BeNull();
        vendor.Broken = false;
        core.Sysfs.Read(Host.Type1 + "/available_instances").Should().Be("3\n");
        core.CreateMdevDevice(parent.Types[0], Guid.Parse(Host.Uuid)).State.Should().Be(MdevDeviceState.Active);
    }

    [Fact]
    public void Legacy2016_VendorRemoveThrowingAForeignException_IsEbusy_AndTheDeviceStays()
    {
        var (core, parent) = Build(new ThrowingRemoveVendor(), RemovePolicy.Legacy2016);
        core.CreateMdevDevice(parent.Types[0], Guid.Parse(Host.Uuid));
        var ex = Expect.Errno(Errno.EBUSY, () => core.Sysfs.Write(Host.DevicePath(Host.Uuid) + "/remove", "1"));
        ex.InnerException.Should().BeOfType<InvalidOperationException>();
        core.FindDevice(Guid.Parse(Host.Uuid))!.State.Should().Be(MdevDeviceState.Active);
        core.Sysfs.Exists(Host.DevicePath(Host.Uuid) + "/remove").Should().BeTrue();
    }

    [Fact]
    public void VendorOpenThrowing_FailsTheOpen_AndCountsNothing()
    {
        var vendor = new ThrowingOpenVendor();
        var (core, parent) = Build(vendor, RemovePolicy.Modern);
        var mdev = core.CreateMdevDevice(parent.Types[0], Guid.Parse(Host.Uuid));
        Expect.Errno(Errno.EBUSY, () => mdev.Open());
        mdev.OpenCount.Should().Be(0);
        vendor.Refuse = false;
        using var handle = mdev.Open();
        mdev.OpenCount.Should().Be(1);
    }

    private static (MdevCore Core, MdevParent Parent) Build(ParentOps ops, RemovePolicy policy)
    {
        var core = new MdevCore(new MdevCoreOptions { RemovePolicy = policy });
        core.RegisterDriver(new TestDriver());
        return (core, core.RegisterParent(core.AddDevice(Host.ParentPath, deviceClass: "mtty"), ops));
    }

    private sealed class ThrowingDriver : MdevDriver
    {
        public Action? OnProbe { get; init; }

        public Action? OnRemove { get; init; }

        public override string Name => "mtty";

        public override void Probe(MdevDevice mdev) => OnProbe?.Invoke();

        public override void Remove(MdevDevice mdev) => OnRemove?.Invoke();
    }

    private sealed class ThrowingAvailability : ParentOps
    {
        public bool Broken { get; set; } = true;

        public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("1", "vfio-pci")];

        public override int? GetAvailable(MdevType type) => Broken ? throw new InvalidOperationException("availability bug") : 3;

        public override void Create(MdevDevice mdev)
        {
        }

        public override void Remove(MdevDevice mdev)
        {
        }
    }

    private sealed class ThrowingRemoveVendor : TestVendorBase
    {
        public override void Remove(MdevDevice mdev) => throw new InvalidOperationException("in use");
    }

    private sealed class ThrowingOpenVendor : TestVendorBase
    {
        public bool Refuse { get; set; } = true;

        public override void Open(MdevDevice mdev)
        {
            if (Refuse)
            {
                throw new MdevException(Errno.EBUSY, "open: guest handle held");
            }
        }
    }

    private abstract class TestVendorBase : ParentOps
    {
        public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("1", "vfio-pci"), new("2", "vfio-pci")];

        public override int MaxInstances => 4;

        public override void Create(MdevDevice mdev)
        {
        }

        public override void Remove(MdevDevice mdev)
        {
        }
    }
}
