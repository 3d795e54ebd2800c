using Mdev.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Mdev.Core.Tests;

/// <summary>
/// Asynchronous appearance (issue 12 point 5), deterministic on a fake clock: the <c>mdev_type</c> link that comes
/// after the device directory, and a removal that takes a given time.
/// </summary>
public sealed class AsyncAppearanceTests
{
    private const string ParentPath = "/sys/devices/virtual/test/parent";
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(3);
    private static readonly Guid Uuid = Guid.Parse("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
    private readonly FakeTimeProvider _time = new();

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    public void NegativeDelayOrDuration_IsEinval(int linkDelayMs, int removeMs)
    {
        var options = new MdevCoreOptions { MdevTypeLinkDelay = TimeSpan.FromMilliseconds(linkDelayMs), RemoveDuration = TimeSpan.FromMilliseconds(removeMs) };

        Assert.Throws<MdevException>(() => new MdevCore(options)).Errno.Should().Be(Errno.EINVAL);
    }

    [Fact]
    public async Task MdevTypeLink_AppearsOnlyAfterTheDelay_TheDirectoryAtOnce()
    {
        await using var core = new MdevCore(new MdevCoreOptions { TimeProvider = _time, MdevTypeLinkDelay = Delay });
        var type = Register(core);

        core.Sysfs.Write(type.SysfsPath + "/create", Uuid.ToString("D") + "\n");

        var dir = "/sys/bus/mdev/devices/" + Uuid.ToString("D");
        core.Sysfs.Exists(dir + "/remove").Should().BeTrue("the device directory is there when create returns");
        core.Sysfs.Exists(dir + "/mdev_type").Should().BeFalse();
        _time.Advance(Delay - TimeSpan.FromTicks(1));
        core.Sysfs.Exists(dir + "/mdev_type").Should().BeFalse();

        _time.Advance(TimeSpan.FromTicks(1));

        core.Sysfs.RealPath(dir + "/mdev_type").Should().Be(type.SysfsPath);
    }

    [Fact]
    public async Task RemovalInsideTheWindow_CancelsTheLink_AndLeavesNothing()
    {
        await using var core = new MdevCore(new MdevCoreOptions { TimeProvider = _time, MdevTypeLinkDelay = Delay });
        var type = Register(core);
        var mdev = core.CreateMdevDevice(type, Uuid);

        await core.RemoveMdevDeviceAsync(Uuid);
        _time.Advance(Delay);

        core.Sysfs.Exists(mdev.SysfsPath).Should().BeFalse();
        core.FindDevice(Uuid).Should().BeNull();
        core.CreateMdevDevice(type, Uuid).Should().NotBeNull("the UUID is free again");
    }

    [Fact]
    public async Task Removal_TakesTheGivenTime_TheDeviceStaysUntilThen()
    {
        await using var core = new MdevCore(new MdevCoreOptions { TimeProvider = _time, RemoveDuration = Delay });
        var mdev = core.CreateMdevDevice(Register(core), Uuid);

        var removing = core.RemoveMdevDeviceAsync(Uuid);
        _time.Advance(Delay - TimeSpan.FromTicks(1));

        removing.IsCompleted.Should().BeFalse();
        core.Sysfs.Exists(mdev.SysfsPath).Should().BeTrue();
        core.Sysfs.Exists(mdev.SysfsPath + "/remove").Should().BeFalse("a device being removed is hidden");
        Assert.Throws<MdevException>(() => core.CreateMdevDevice(core.Parents[0].Types[0], Uuid)).Errno.Should().Be(Errno.EEXIST);

        _time.Advance(TimeSpan.FromTicks(1));
        await removing;

        core.Sysfs.Exists(mdev.SysfsPath).Should().BeFalse();
    }

    [Fact]
    public async Task WithoutTheOptions_LinkAndRemovalAreImmediate()
    {
        await using var core = new MdevCore(new MdevCoreOptions { TimeProvider = _time });
        var mdev = core.CreateMdevDevice(Register(core), Uuid);

        core.Sysfs.Exists(mdev.SysfsPath + "/mdev_type").Should().BeTrue();
        core.RemoveMdevDeviceAsync(Uuid).IsCompletedSuccessfully.Should().BeTrue();
    }

    private static MdevType Register(MdevCore core) =>
        core.RegisterParent(core.AddDevice(ParentPath), new TestVendor(poolSize: 4)).Types[0];
}
