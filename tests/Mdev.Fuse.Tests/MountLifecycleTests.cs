using Mdev.Core;
using Mdev.Fuse.Tests.Support;

namespace Mdev.Fuse.Tests;

/// <summary>Mounting, serving in-process and unmounting: Dispose, unmounts from outside, errors.</summary>
public sealed class MountLifecycleTests
{
    [Fact]
    public async Task Dispose_Mounted_TheMountDisappears()
    {
        var host = FuseHost.Start();
        var mountPoint = host.Mount.MountPoint;
        MountTable.FileSystemType(mountPoint).Should().Be("fuse.mdev");

        await host.DisposeAsync();

        MountTable.IsMounted(mountPoint).Should().BeFalse();
        host.Mount.Unmounted.IsCompletedSuccessfully.Should().BeTrue();
        host.Mount.Dispose(); // a second Dispose is harmless
    }

    [Fact]
    public async Task Dispose_AfterAnUnmountFromOutside_CompletesUnmountedAndReturns()
    {
        await using var host = FuseHost.Start();

        var umount = await ChildProcess.RunAsync("umount", host.Mount.MountPoint);
        await host.Mount.Unmounted.WaitAsync(ChildProcess.Timeout);

        umount.ExitCode.Should().Be(0, umount.ToString());
        MountTable.IsMounted(host.Mount.MountPoint).Should().BeFalse();
    }

    [Fact]
    public async Task Read_FromThisProcess_IsServedByTheWorkerThreads()
    {
        await using var host = FuseHost.Start();
        var types = Path.Join(host.Mount.MountPoint, "class/mdev_bus/mtty/mdev_supported_types");

        var text = await File.ReadAllTextAsync(Path.Join(types, "mtty-2/name"));
        var entries = Directory.GetFileSystemEntries(types).Select(Path.GetFileName);

        text.Should().Be("Dual port serial\n");
        entries.Should().Equal("mtty-1", "mtty-2");
    }

    [Fact]
    public async Task TwoMounts_OfTwoCores_AreIndependent()
    {
        await using var a = FuseHost.Start();
        await using var b = FuseHost.Start();

        await File.WriteAllTextAsync(Path.Join(a.Mount.MountPoint, "class/mdev_bus/mtty/mdev_supported_types/mtty-1/create"), "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");

        Directory.GetFileSystemEntries(Path.Join(a.Mount.MountPoint, "bus/mdev/devices")).Should().HaveCount(1);
        Directory.GetFileSystemEntries(Path.Join(b.Mount.MountPoint, "bus/mdev/devices")).Should().BeEmpty();
    }

    [Fact]
    public void Mount_ThroughASymlink_MountsTheRealDirectory()
    {
        using var core = new MdevCore();
        var root = Directory.CreateTempSubdirectory("mdev-fuse-");
        try
        {
            var real = root.CreateSubdirectory("real").FullName;
            var link = Path.Join(root.FullName, "link");
            File.CreateSymbolicLink(link, "real");

            using (var mount = SysfsMount.Mount(core.Sysfs, link))
            {
                mount.MountPoint.Should().Be(real);
                MountTable.IsMounted(real).Should().BeTrue();
                Directory.GetFileSystemEntries(link).Select(Path.GetFileName).Should().Equal("bus", "class", "devices", "kernel");
            }

            MountTable.IsMounted(real).Should().BeFalse();
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Mount_MissingDirectory_ENOENT()
    {
        using var core = new MdevCore();
        var missing = Path.Join(Path.GetTempPath(), "mdev-fuse-missing-" + Guid.NewGuid().ToString("N"));

        var act = () => SysfsMount.Mount(core.Sysfs, missing);

        act.Should().Throw<MdevException>().Which.Errno.Should().Be(Errno.ENOENT);
    }

    [Fact]
    public void Mount_OnAFile_ENOTDIR()
    {
        using var core = new MdevCore();
        var file = Path.GetTempFileName();
        try
        {
            var act = () => SysfsMount.Mount(core.Sysfs, file);

            act.Should().Throw<MdevException>().Which.Errno.Should().Be(Errno.ENOTDIR);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
