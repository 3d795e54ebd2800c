using Mdev.Core.Sysfs;
using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

public sealed class RegistrationTests
{
    private readonly MdevCore _core = new();

    private sealed class Ops(IReadOnlyList<MdevTypeGroup> types, int max = 1) : ParentOps
    {
        public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups => types;

        public override int MaxInstances => max;

        public IReadOnlyList<AttributeGroup<MdevDevice>> DeviceGroups { get; init; } = [];

        public override IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups => DeviceGroups;

        public IReadOnlyList<AttributeGroup<Device>> ParentGroups { get; init; } = [];

        public override IReadOnlyList<AttributeGroup<Device>> DevAttrGroups => ParentGroups;

        public override void Create(MdevDevice mdev)
        {
        }

        public override void Remove(MdevDevice mdev)
        {
        }
    }

    private Device Mtty() => _core.AddDevice("/sys/devices/virtual/mtty/mtty", deviceClass: "mtty");

    [Fact]
    public void RegisterParent_CorePoolOfNoInstances_IsEinvalSayingWhatToSet_AndLeavesNothing()
    {
        var dev = Mtty();
        var ex = Expect.Errno(Errno.EINVAL, () => _core.RegisterParent(dev, new Ops([new("1", "vfio-pci")], max: 0)));
        ex.Message.Should().Contain("MaxInstances").And.Contain("GetAvailable");
        _core.Sysfs.Exists(dev.SysfsPath + "/mdev_supported_types").Should().BeFalse();
        _core.Sysfs.Exists("/sys/class/mdev_bus/mtty").Should().BeFalse();
        _core.RegisterParent(dev, new Ops([new("1", "vfio-pci")], max: 1)).Types.Should().ContainSingle();
    }

    [Fact]
    public void RegisterParent_MissingMandatoryParts_IsEinval_ThenValidRegisters()
    {
        var dev = Mtty();
        Expect.Errno(Errno.EINVAL, () => _core.RegisterParent(dev, null!));
        Expect.Errno(Errno.EINVAL, () => _core.RegisterParent(null!, new Ops([new("1", "vfio-pci")])));
        Expect.Errno(Errno.EINVAL, () => _core.RegisterParent(dev, new Ops(null!)));
        Expect.Errno(Errno.EINVAL, () => _core.RegisterParent(dev, new Ops([new("", "vfio-pci")])));
        Expect.Errno(Errno.EINVAL, () => _core.RegisterParent(dev, new Ops([new("a/b", "vfio-pci")])));
        Expect.Errno(Errno.EINVAL, () => _core.RegisterParent(dev, new Ops([new("1", "")])));
        Expect.Errno(Errno.EINVAL, () => _core.RegisterParent(dev, new Ops([new("1", "vfio-pci")], max: -1)));
        _core.Sysfs.Exists(dev.SysfsPath + "/mdev_supported_types").Should().BeFalse();
        _core.Parents.Should().BeEmpty();

        var parent = _core.RegisterParent(dev, new Ops([new("1", "vfio-pci")]));
        parent.Types.Select(t => t.Name).Should().Equal("mtty-1");
    }

    [Fact]
    public void RegisterParent_WithNoTypes_IsAccepted_AsAnEmptyNullTerminatedList()
    {
        var dev = Mtty();
        var parent = _core.RegisterParent(dev, new Ops([]));
        parent.Types.Should().BeEmpty();
        _core.Sysfs.ReadDirectory(dev.SysfsPath + "/mdev_supported_types").Should().BeEmpty();
    }

    [Fact]
    public void RegisterParent_AlreadyRegistered_IsEexist_BeforeTypesAreLookedAt()
    {
        var dev = Mtty();
        _core.RegisterParent(dev, new Ops([new("1", "vfio-pci")]));
        Expect.Errno(Errno.EEXIST, () => _core.RegisterParent(dev, new Ops([new("", "")])));
    }

    [Fact]
    public void RegisterParent_Twice_IsEexist_AndDuplicateTypes_IsEexist()
    {
        var dev = Mtty();
        Expect.Errno(Errno.EEXIST, () => _core.RegisterParent(dev, new Ops([new("1", "vfio-pci"), new("1", "vfio-pci")])));
        _core.RegisterParent(dev, new Ops([new("1", "vfio-pci")]));
        Expect.Errno(Errno.EEXIST, () => _core.RegisterParent(dev, new Ops([new("2", "vfio-pci")])));
        _core.Sysfs.ReadDirectory(dev.SysfsPath + "/mdev_supported_types").Select(e => e.Name).Should().Equal("mtty-1");
    }

    [Fact]
    public void RegisterParent_DeviceOfAnotherCore_IsEinval()
    {
        using var other = new TemporaryCore();
        var foreign = other.Core.AddDevice("/sys/devices/virtual/mtty/mtty", deviceClass: "mtty");
        Expect.Errno(Errno.EINVAL, () => _core.RegisterParent(foreign, new Ops([new("1", "vfio-pci")])));
    }

    [Fact]
    public void RegisterParent_AttributeBreakingModeRules_IsEinval_AndRollsBackEveryType()
    {
        var dev = Mtty();
        var bad = new MdevAttribute<MdevType>("weird", (UnixFileMode)Convert.ToInt32("666", 8), _ => "", (_, _) => { });
        Expect.Errno(Errno.EINVAL, () => _core.RegisterParent(dev, new Ops([new("1", "vfio-pci"), new("2", "vfio-pci", attributes: [bad])])));
        _core.Sysfs.ReadDirectory(dev.SysfsPath).Select(e => e.Name).Should().Equal("power", "subsystem", "uevent");
        _core.Sysfs.Exists("/sys/class/mdev_bus/mtty").Should().BeFalse();
    }

    [Fact]
    public void RegisterParent_AttributeClashingWithCoreFiles_IsEexist()
    {
        var dev = Mtty();
        var clash = MdevAttribute<MdevType>.ReadOnly("available_instances", _ => "9\n");
        Expect.Errno(Errno.EEXIST, () => _core.RegisterParent(dev, new Ops([new("1", "vfio-pci", attributes: [clash])])));
        var deviceClash = new AttributeGroup<MdevDevice>(null, [MdevAttribute<MdevDevice>.ReadOnly("remove", _ => "")]);
        Expect.Errno(Errno.EEXIST, () => _core.RegisterParent(dev, new Ops([new("1", "vfio-pci")]) { DeviceGroups = [deviceClash] }));
        var parentClash = new AttributeGroup<Device>(null, [MdevAttribute<Device>.ReadOnly("uevent", _ => "")]);
        Expect.Errno(Errno.EEXIST, () => _core.RegisterParent(dev, new Ops([new("1", "vfio-pci")]) { ParentGroups = [parentClash] }));
        _core.Sysfs.Exists(dev.SysfsPath + "/mdev_supported_types").Should().BeFalse();
    }

    [Fact]
    public void Types_HaveTheCoreFiles_AndDescriptionOnlyWhenGiven()
    {
        using var host = new TemporaryCore();
        var vendor = new TestVendor(withDescription: false);
        var parent = host.Core.RegisterParent(host.Core.AddDevice(Host.ParentPath, deviceClass: "mtty"), vendor);
        host.Core.Sysfs.ReadDirectory(Host.Type1).Select(e => e.Name)
            .Should().Equal("available_instances", "create", "device_api", "devices", "name");
        host.Core.Sysfs.Read(Host.Type1 + "/name").Should().Be("Single port serial\n");
        host.Core.Sysfs.Read(Host.Type2 + "/name").Should().Be("Dual port serial\n");
        host.Core.Sysfs.Read(Host.Type1 + "/device_api").Should().Be("vfio-pci\n");
        host.Core.Sysfs.Read(Host.Type1 + "/available_instances").Should().Be("24\n");
        host.Core.Sysfs.Read(Host.Type2 + "/available_instances").Should().Be("12\n");
        host.Core.Sysfs.Stat(Host.Type1 + "/create").Mode.Should().Be((UnixFileMode)Convert.ToInt32("200", 8));
        parent.Types[1].PrettyName.Should().Be("Dual port serial");

        var dev2 = host.Core.AddDevice("/sys/devices/virtual/mdpy/mdpy", deviceClass: "mdpy");
        host.Core.RegisterParent(dev2, new TestVendor(poolSize: 4, withDescription: true));
        host.Core.Sysfs.Read("/sys/devices/virtual/mdpy/mdpy/mdev_supported_types/mdpy-2/description").Should().Be("ports: 2\nfifo: 16\n");
    }

    [Fact]
    public void TypeName_WithoutPrettyName_FallsBackToTheId()
    {
        var dev = _core.AddDevice("/sys/devices/pci0000:00/0000:00:02.0", bus: "pci", driver: "i915");
        var parent = _core.RegisterParent(dev, new Ops([new("GVTg_V5_4", "vfio-pci")], max: 3));
        parent.Types[0].Name.Should().Be("i915-GVTg_V5_4");
        _core.Sysfs.Read("/sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4/name").Should().Be("GVTg_V5_4\n");
        _core.Sysfs.Read("/sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4/available_instances").Should().Be("3\n");
    }

    [Theory]
    [InlineData("i915", "pci", null, "i915")]
    [InlineData(null, "css", null, "css")]
    [InlineData(null, null, "mtty", "mtty")]
    [InlineData("vfio_ccw", "css", null, "vfio_ccw")]
    public void TypeDirectoryPrefix_IsTheDriverString(string? driver, string? bus, string? cls, string prefix)
    {
        var dev = _core.AddDevice("/sys/devices/test/dev0", bus: bus, deviceClass: cls, driver: driver);
        dev.DriverString.Should().Be(prefix);
        var parent = _core.RegisterParent(dev, new Ops([new("io", "vfio-ccw")], 1));
        _core.Sysfs.Exists($"/sys/devices/test/dev0/mdev_supported_types/{prefix}-io/create").Should().BeTrue();
        parent.FindType(prefix + "-io").Should().BeSameAs(parent.Types[0]);
        parent.FindType("io").Should().BeSameAs(parent.Types[0]);
    }

    [Fact]
    public void ParentAttributeGroups_AppearOnTheParentDirectory_AndGoAtUnregistration()
    {
        var dev = Mtty();
        var group = new AttributeGroup<Device>("mtty_dev", [MdevAttribute<Device>.ReadOnly("sample_mtty_dev", _ => "This is phy device\n")]);
        _core.RegisterParent(dev, new Ops([new("1", "vfio-pci")]) { ParentGroups = [group] });
        _core.Sysfs.Read(dev.SysfsPath + "/mtty_dev/sample_mtty_dev").Should().Be("This is phy device\n");
        _core.UnregisterParent(dev);
        _core.Sysfs.Exists(dev.SysfsPath + "/mtty_dev").Should().BeFalse();
        _core.Sysfs.Exists(dev.SysfsPath).Should().BeTrue();
    }

    [Fact]
    public void Register_SendsChangeRegistered_AndAddsTheClassLink()
    {
        using var listener = _core.SubscribeUevents();
        var dev = Mtty();
        _core.RegisterParent(dev, new Ops([new("1", "vfio-pci")]));
        _core.Sysfs.ReadLink("/sys/class/mdev_bus/mtty").Should().Be("../../devices/virtual/mtty/mtty");
        var events = Expect.Drain(listener);
        events.Select(e => e.ActionName).Should().Equal("add", "change");
        events[1].DevPath.Should().Be("/devices/virtual/mtty/mtty");
        events[1]["MDEV_STATE"].Should().Be("registered");
        events[1].Subsystem.Should().Be("mtty");
    }

    [Fact]
    public void AddDevice_BadInput_IsEinvalOrEexist_AndLeavesNothing()
    {
        Expect.Errno(Errno.EINVAL, () => _core.AddDevice("/sys/class/x"));
        Expect.Errno(Errno.EINVAL, () => _core.AddDevice("/sys/devices"));
        Expect.Errno(Errno.EINVAL, () => _core.AddDevice("/sys/devices/../x"));
        Expect.Errno(Errno.EINVAL, () => _core.AddDevice("/sys/devices/x", driver: "d"));
        Expect.Errno(Errno.EINVAL, () => _core.AddDevice("/sys/devices/x", bus: "mdev"));
        Expect.Errno(Errno.EINVAL, () => _core.AddDevice("/sys/devices/x", bus: "a/b"));
        var ok = _core.AddDevice("/sys/devices/pci0000:00/0000:00:02.0", bus: "pci", driver: "i915");
        Expect.Errno(Errno.EEXIST, () => _core.AddDevice("/sys/devices/pci0000:00/0000:00:02.0", bus: "pci"));
        Expect.Errno(Errno.EEXIST, () => _core.AddDevice("/sys/devices/pci0000:01/0000:00:02.0", bus: "pci"));
        _core.Sysfs.Exists("/sys/devices/pci0000:01/0000:00:02.0").Should().BeFalse();
        _core.Sysfs.ReadLink("/sys/bus/pci/devices/0000:00:02.0").Should().Be("../../../devices/pci0000:00/0000:00:02.0");
        _core.Sysfs.ReadLink(ok.SysfsPath + "/driver").Should().Be("../../../bus/pci/drivers/i915");
        _core.Sysfs.ReadLink(ok.SysfsPath + "/subsystem").Should().Be("../../../bus/pci");
        _core.Sysfs.ReadLink("/sys/bus/pci/drivers/i915/0000:00:02.0").Should().Be("../../../../devices/pci0000:00/0000:00:02.0");
        _core.Sysfs.Read(ok.SysfsPath + "/uevent").Should().Be("DRIVER=i915\n");
    }

    /// <summary>A second core, for tests that need two.</summary>
    private sealed class TemporaryCore : IDisposable
    {
        public MdevCore Core { get; } = new();

        public void Dispose() => Core.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
