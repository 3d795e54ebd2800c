using Mdev.Core.Sysfs;
using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>The whole device lifecycle driven through ISysfs alone, as mdevctl would drive it.</summary>
public sealed class SysfsLifecycleTests
{
    [Fact]
    public void MdevctlStyleSession_TypesStartListStop_ThroughTextOnly()
    {
        var host = new Host();
        ISysfs sys = host.Sysfs;

        // mdevctl types
        var parents = sys.ReadDirectory("/sys/class/mdev_bus").Select(e => e.Name).ToArray();
        parents.Should().Equal("mtty");
        var types = sys.ReadDirectory("/sys/class/mdev_bus/mtty/mdev_supported_types")
            .Where(e => sys.Stat($"/sys/class/mdev_bus/mtty/mdev_supported_types/{e.Name}", followSymlinks: false).Kind == SysfsNodeKind.Directory)
            .Select(e => e.Name).ToArray();
        types.Should().Equal("mtty-1", "mtty-2");

        // mdevctl start -u U -p mtty -t mtty-2: one write, lower-case, no newline
        var typeDir = "/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2";
        int.Parse(sys.Read(typeDir + "/available_instances").Trim(), System.Globalization.CultureInfo.InvariantCulture).Should().Be(12);
        sys.Write(typeDir + "/create", System.Text.Encoding.ASCII.GetBytes(Host.Uuid)).Should().Be(36);

        // mdevctl list: realpath of the bus link, of its directory, and of mdev_type
        var bus = "/sys/bus/mdev/devices/" + Host.Uuid;
        var real = host.Sysfs.RealPath(bus);
        Path.GetFileName(Path.GetDirectoryName(real)).Should().Be("mtty");
        Path.GetFileName(host.Sysfs.RealPath(bus + "/mdev_type")).Should().Be("mtty-2");
        sys.Read(typeDir + "/available_instances").Should().Be("11\n");

        // mdevctl stop -u U
        sys.Write(bus + "/remove", "1"u8).Should().Be(1);
        Expect.Errno(Errno.ENOENT, () => sys.Stat(bus));
        sys.Read(typeDir + "/available_instances").Should().Be("12\n");
        Expect.Errno(Errno.ENOENT, () => sys.Write(bus + "/remove", "1"u8));
    }
}
