using System.Runtime.Versioning;
using Mdev.Core.Sysfs;
using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>The same ISysfs contract on a real directory: a fixture copied from a simulated host.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class DirectorySysfsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mdev-sysfs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AFixtureCopiedFromTheSimulation_ReadsTheSameThroughBothViews()
    {
        var host = new Host();
        host.Core.CreateMdevDevice(host.T2, Guid.Parse(Host.Uuid));
        Materialize(host.Sysfs, "/sys");
        ISysfs disk = new DirectorySysfs(_root);
        ISysfs sim = host.Sysfs;

        foreach (var path in new[] { Host.Type1 + "/available_instances", Host.Type2 + "/name", "/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/device_api" })
        {
            disk.Read(path).Should().Be(sim.Read(path), path);
        }

        foreach (var path in new[] { "/sys/class/mdev_bus/mtty", "/sys/bus/mdev/devices/" + Host.Uuid, Host.DevicePath(Host.Uuid) + "/mdev_type" })
        {
            disk.ReadLink(path).Should().Be(sim.ReadLink(path), path);
            disk.Stat(path, followSymlinks: false).Kind.Should().Be(SysfsNodeKind.Symlink);
            disk.Stat(path).Kind.Should().Be(sim.Stat(path).Kind);
        }

        disk.ReadDirectory(Host.ParentPath + "/mdev_supported_types").Should().Equal(sim.ReadDirectory(Host.ParentPath + "/mdev_supported_types"));
        Expect.Errno(Errno.ENOENT, () => disk.Read("/sys/nope"));
        Expect.Errno(Errno.EINVAL, () => disk.ReadLink(Host.ParentPath));
        Expect.Errno(Errno.EISDIR, () => disk.Read(Host.ParentPath));
        Expect.Errno(Errno.ENOTDIR, () => disk.ReadDirectory(Host.Type1 + "/name"));
        disk.Write(Host.Type1 + "/name", "x"u8).Should().Be(1);
        disk.Read(Host.Type1 + "/name").Should().Be("x");
    }

    private void Materialize(SysfsTree tree, string path)
    {
        foreach (var e in tree.ReadDirectory(path))
        {
            var p = path + "/" + e.Name;
            var host = _root + p["/sys".Length..];
            switch (e.Kind)
            {
                case SysfsNodeKind.Directory:
                    Directory.CreateDirectory(host);
                    Materialize(tree, p);
                    break;
                case SysfsNodeKind.Symlink:
                    File.CreateSymbolicLink(host, tree.ReadLink(p));
                    break;
                default:
                    File.WriteAllText(host, (tree.Stat(p).Mode & UnixFileMode.UserRead) != 0 ? tree.Read(p) : "");
                    break;
            }
        }
    }

    [Fact]
    public void OnTheRealSys_AttributesReadToEndDespiteTheirSize4096()
    {
        // Every Linux has this file; sysfs reports it as 4096 bytes although it holds a few.
        const string Online = "/sys/devices/system/cpu/online";
        File.Exists(Online).Should().BeTrue("this suite runs on Linux");
        var sys = new DirectorySysfs("/sys");
        sys.Read(Online).Should().Be(File.ReadAllText(Online)).And.EndWith("\n");
        sys.Stat(Online).Size.Should().Be(4096);
        sys.ReadDirectory("/sys/devices/system/cpu").Should().Contain(e => e.Name == "online" && e.Kind == SysfsNodeKind.File);
        Expect.Errno(Errno.EINVAL, () => sys.Read("/sys/../etc/passwd"));
    }
}
