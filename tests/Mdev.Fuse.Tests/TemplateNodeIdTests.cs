using Mdev.Core;

namespace Mdev.Fuse.Tests;

/// <summary>
/// A device's default files (uevent, power/, subsystem) are template entries made into nodes on their first lookup
/// (SysfsTemplate): the node id the kernel gets must be the same on every lookup until the file is removed, and a file
/// made again afterwards must get a new one (ids are never reused), as for any other node.
/// </summary>
public sealed class TemplateNodeIdTests
{
    [Fact]
    public async Task TemplateEntry_LookedUpAgain_SameNodeId_AfterRemovalAndReAdd_ANewOne()
    {
        var core = new MdevCore();
        var device = core.AddDevice("/sys/devices/virtual/c/d", deviceClass: "c");
        var fs = new FuseFileSystem(core.Sysfs, DateTimeOffset.UnixEpoch);

        ulong Walk(params string[] names)
        {
            ulong ino = FuseInodeTable.RootId;
            foreach (var name in names)
            {
                ino = fs.Lookup(ino, name, out _).Ino;
            }

            return ino;
        }

        string[] control = ["devices", "virtual", "c", "d", "power", "control"];
        string[] uevent = ["devices", "virtual", "c", "d", "uevent"];
        var first = (Control: Walk(control), Uevent: Walk(uevent));

        (Walk(control), Walk(uevent)).Should().Be(first);
        first.Control.Should().NotBe(first.Uevent);

        await core.DeleteDeviceAsync(device);
        fs.IsRemoved(first.Control).Should().BeTrue();
        var lookup = () => Walk(control);
        lookup.Should().Throw<MdevException>().Which.Errno.Should().Be(Errno.ENOENT);
        core.AddDevice("/sys/devices/virtual/c/d", deviceClass: "c");

        var again = (Control: Walk(control), Uevent: Walk(uevent));
        again.Control.Should().NotBe(first.Control);
        again.Uevent.Should().NotBe(first.Uevent);
        fs.IsRemoved(again.Control).Should().BeFalse();
    }
}
