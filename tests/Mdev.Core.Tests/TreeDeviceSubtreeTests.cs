using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>
/// Deleting a tree device takes every device below it (found through each device's nearest tree device above, not by
/// path order), deepest first, and nothing beside it: not a sibling whose name only starts with its name.
/// </summary>
public sealed class TreeDeviceSubtreeTests
{
    [Fact]
    public async Task Delete_TakesTheDevicesBelow_DeepestFirst_NotASiblingWithTheSamePrefix()
    {
        var core = new MdevCore();
        var top = core.AddDevice("/sys/devices/virtual/c/a", deviceClass: "c");
        core.AddDevice("/sys/devices/virtual/c/ab", deviceClass: "c");
        core.AddDevice("/sys/devices/virtual/c/a/x", deviceClass: "c");
        core.AddDevice("/sys/devices/virtual/c/a/x/deep/y", deviceClass: "c"); // "deep" is a plain directory
        core.AddDevice("/sys/devices/virtual/c/a/z", deviceClass: "c");
        Expect.Errno(Errno.EEXIST, () => core.AddDevice("/sys/devices/virtual/c/a/x/deep", deviceClass: "d"));
        using var listener = core.SubscribeUevents();

        await core.DeleteDeviceAsync(top);

        core.TreeDevices.Select(d => d.SysfsPath).Should().Equal("/sys/devices/virtual/c/ab");
        core.Sysfs.ReadDirectory("/sys/class/c").Select(e => e.Name).Should().Equal("ab");
        var removed = Expect.Drain(listener).Select(e => $"{e.ActionName} {e.DevPath}").ToArray();
        removed.Should().HaveCount(4).And.OnlyContain(e => e.StartsWith("remove ", StringComparison.Ordinal));
        removed[0].Should().Be("remove /devices/virtual/c/a/x/deep/y");
        removed[^1].Should().Be("remove /devices/virtual/c/a");
        await Expect.ErrnoAsync(Errno.ENODEV, () => core.DeleteDeviceAsync(top));

        // The same paths can be added again, and go again with their new parent.
        top = core.AddDevice("/sys/devices/virtual/c/a", deviceClass: "c");
        core.AddDevice("/sys/devices/virtual/c/a/x/deep/y", deviceClass: "c");
        await core.DeleteDeviceAsync(top);
        core.TreeDevices.Select(d => d.SysfsPath).Should().Equal("/sys/devices/virtual/c/ab");
    }
}
