using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>Devices whose bus and device type describe them: attributes, DEVTYPE and the bus's uevent variables in dev_uevent's order.</summary>
public sealed class DeviceKindTests
{
    private const string Path = "/sys/devices/foo0/foo0.1";

    private readonly MdevCore _core = new();

    private static DeviceKind Kind(string? devType = "foo_unit", UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead) => new(
        devType,
        [
            new AttributeGroup<Device>(null, [new MdevAttribute<Device>("id", mode, d => d.Name + "\n", null)]),
            new AttributeGroup<Device>("extra", [MdevAttribute<Device>.ReadOnly("flag", _ => "1\n")]),
        ],
        d => [new("FOO_ID", d.Name), new("MODALIAS", "foo:t01")]);

    private static string Env(Uevent e) => string.Join(' ', e.Environment.Where(kv => kv.Key != "SEQNUM").Select(kv => $"{kv.Key}={kv.Value}"));

    [Fact]
    public void DeviceKind_EmptyDevType_IsEinval()
    {
        Expect.Errno(Errno.EINVAL, () => _ = new DeviceKind(string.Empty, [], null));
    }

    [Fact]
    public void AddDevice_KindWithAWorldWritableAttribute_IsEinval_AndLeavesNothing()
    {
        using var listener = _core.SubscribeUevents();
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite | UnixFileMode.OtherRead;

        Expect.Errno(Errno.EINVAL, () => _core.AddDevice(Path, Kind(mode: mode), "foo", "foodrv"));

        _core.Sysfs.Exists(Path).Should().BeFalse();
        _core.Sysfs.Exists("/sys/bus/foo/devices/foo0.1").Should().BeFalse();
        _core.FindTreeDevice(Path).Should().BeNull();
        Expect.Drain(listener).Should().BeEmpty();

        // The path is free again.
        _core.AddDevice(Path, Kind(), "foo", "foodrv").Kind.Should().NotBeNull();
    }

    [Fact]
    public void AddDevice_WithKind_AddsTheGroups_AndTheUeventFileReadsDevtypeDriverThenTheBusVariables()
    {
        var device = _core.AddDevice(Path, Kind(), "foo", "foodrv");

        _core.Sysfs.Read(Path + "/id").Should().Be("foo0.1\n");
        _core.Sysfs.Read(Path + "/extra/flag").Should().Be("1\n");
        _core.Sysfs.Read(Path + "/uevent").Should().Be("DEVTYPE=foo_unit\nDRIVER=foodrv\nFOO_ID=foo0.1\nMODALIAS=foo:t01\n");
        device.Kind!.DevType.Should().Be("foo_unit");
    }

    [Fact]
    public void AddDevice_WithKindWithoutDevtype_UeventFileHasNoDevtype()
    {
        _core.AddDevice(Path, Kind(devType: null), "foo", null);

        _core.Sysfs.Read(Path + "/uevent").Should().Be("FOO_ID=foo0.1\nMODALIAS=foo:t01\n");
    }

    [Fact]
    public async Task Uevents_CarryWhatTheUeventFileReads_AddWithoutDriver_BindWithIt()
    {
        using var listener = _core.SubscribeUevents();
        var device = _core.AddDevice(Path, Kind(), "foo", "foodrv");
        _core.Sysfs.Write(Path + "/uevent", "change\n");
        await _core.DetachDriverAsync(device);
        _core.AttachDriver(device);
        await _core.DeleteDeviceAsync(device);

        Expect.Drain(listener).Select(Env).Should().Equal(
            "ACTION=add DEVPATH=/devices/foo0/foo0.1 SUBSYSTEM=foo DEVTYPE=foo_unit FOO_ID=foo0.1 MODALIAS=foo:t01",
            "ACTION=bind DEVPATH=/devices/foo0/foo0.1 SUBSYSTEM=foo DEVTYPE=foo_unit DRIVER=foodrv FOO_ID=foo0.1 MODALIAS=foo:t01",
            "ACTION=change DEVPATH=/devices/foo0/foo0.1 SUBSYSTEM=foo SYNTH_UUID=0 DEVTYPE=foo_unit DRIVER=foodrv FOO_ID=foo0.1 MODALIAS=foo:t01",
            "ACTION=unbind DEVPATH=/devices/foo0/foo0.1 SUBSYSTEM=foo DEVTYPE=foo_unit FOO_ID=foo0.1 MODALIAS=foo:t01",
            "ACTION=bind DEVPATH=/devices/foo0/foo0.1 SUBSYSTEM=foo DEVTYPE=foo_unit DRIVER=foodrv FOO_ID=foo0.1 MODALIAS=foo:t01",
            "ACTION=unbind DEVPATH=/devices/foo0/foo0.1 SUBSYSTEM=foo DEVTYPE=foo_unit FOO_ID=foo0.1 MODALIAS=foo:t01",
            "ACTION=remove DEVPATH=/devices/foo0/foo0.1 SUBSYSTEM=foo DEVTYPE=foo_unit FOO_ID=foo0.1 MODALIAS=foo:t01");
    }

    [Fact]
    public void ChangeOfARegisteredParent_PutsMdevStateBeforeTheDevicesVariables()
    {
        var device = _core.AddDevice(Path, Kind(), "foo", "foodrv");
        using var listener = _core.SubscribeUevents();

        _core.RegisterParent(device, new OneTypeOps());

        Expect.Drain(listener).Select(Env).Should().Equal(
            "ACTION=change DEVPATH=/devices/foo0/foo0.1 SUBSYSTEM=foo MDEV_STATE=registered DEVTYPE=foo_unit DRIVER=foodrv FOO_ID=foo0.1 MODALIAS=foo:t01");
    }

    [Fact]
    public void BinaryAttribute_SizeBelowOneIsRefused_ThenReadsUpToItsSize_AndStatsAsIt()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MdevAttribute<Device>.Binary("blob", Sysfs.SysfsModes.ReadOnly, 0, _ => "x", null));

        var blob = new string('\u00ab', 5000);
        var kind = new DeviceKind(null, [new AttributeGroup<Device>(null, [MdevAttribute<Device>.Binary("blob", Sysfs.SysfsModes.ReadOnly, 4200, _ => blob, null)])], null);
        _core.AddDevice(Path, kind, "foo", null);

        _core.Sysfs.Stat(Path + "/blob").Size.Should().Be(4200);
        _core.Sysfs.Read(Path + "/blob").Should().Be(blob[..4200], "a binary attribute is cut to its size, not to a page minus one");
        using var file = _core.Sysfs.Open(Path + "/blob", FileAccess.Read);
        var tail = new byte[300];
        file.Read(tail, 4100).Should().Be(100);
        tail[99].Should().Be(0xab);
    }

    [Fact]
    public async Task RootDevice_WithoutBusOrClass_HasAnEmptyUeventFile_AndSendsNoUevents()
    {
        // dev_uevent_filter: a device with neither bus nor class (/sys/devices/pci0000:00) sends nothing.
        using var listener = _core.SubscribeUevents();
        var root = _core.AddDevice("/sys/devices/pci0000:00");
        _core.Sysfs.Read("/sys/devices/pci0000:00/uevent").Should().BeEmpty();
        _core.Sysfs.Exists("/sys/devices/pci0000:00/power/control").Should().BeTrue();
        Expect.Errno(Errno.EINVAL, () => _core.Sysfs.Write("/sys/devices/pci0000:00/uevent", "bogus\n"));
        _core.Sysfs.Write("/sys/devices/pci0000:00/uevent", "add\n");
        await _core.DeleteDeviceAsync(root);

        Expect.Drain(listener).Should().BeEmpty();
    }

    private sealed class OneTypeOps : ParentOps
    {
        public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups => [new("1", "vfio-pci")];

        public override int MaxInstances => 1;

        public override void Create(MdevDevice mdev)
        {
        }

        public override void Remove(MdevDevice mdev)
        {
        }
    }
}
