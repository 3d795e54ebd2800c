using Mdev.Fuse.Tests.Support;

namespace Mdev.Fuse.Tests;

/// <summary>What stat, readlink, realpath, ls, dd, touch, mkdir and rm see through the mount: sysfs, not a cache of it.</summary>
public sealed class SysfsSemanticsTests : IAsyncLifetime
{
    private const string U = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    private const string Mtty1 = FuseHost.MttyTypes + "/mtty-1";
    private const string Mtty2 = FuseHost.MttyTypes + "/mtty-2";
    private FuseHost _host = null!;

    public Task InitializeAsync()
    {
        _host = FuseHost.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Stat_AttributesDirectoriesAndLinks_ReportSysfsModesAndSizes()
    {
        var r = await _host.RunOneAsync(
            $"stat -c '%n %F %a %s' {Mtty1}/create {Mtty1}/available_instances {Mtty1} /sys/class/mdev_bus/mtty /sys/devices/virtual/mtty/mtty/uevent");

        r.Stdout.Should().Be(
            $"{Mtty1}/create regular file 200 4096\n" +
            $"{Mtty1}/available_instances regular file 444 4096\n" +
            $"{Mtty1} directory 755 0\n" +
            "/sys/class/mdev_bus/mtty symbolic link 777 0\n" +
            "/sys/devices/virtual/mtty/mtty/uevent regular file 644 4096\n");
    }

    /// <summary>simple_statfs on sysfs: 4096-byte blocks (PAGE_SIZE), NAME_MAX 255, nothing counted; libfuse's default said 512.</summary>
    [Fact]
    public async Task Statvfs_ReportsSysfsBlockSize()
    {
        var r = await _host.RunOneAsync($"stat -f -c '%s %S %l %b %c' /sys {Mtty1}/create");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("4096 4096 255 0 0\n4096 4096 255 0 0\n");
    }

    [Fact]
    public async Task Root_IsTheTreesSys()
    {
        var r = await _host.RunAsync("ls -a /sys", "ls /sys/class/mdev_bus /sys/bus/mdev");

        r[0].Stdout.Should().Be(".\n..\nbus\nclass\ndevices\nkernel\nmodule\n"); // module/: the drivers' modules (module_add_driver)
        r[1].Stdout.Should().Be("/sys/bus/mdev:\ndevices\ndrivers\ndrivers_autoprobe\ndrivers_probe\nuevent\n\n/sys/class/mdev_bus:\nmatrix\nmtty\n");
    }

    [Fact]
    public async Task Links_HaveTheKernelsRelativeTargets_AndRealpathResolvesThem()
    {
        var r = await _host.RunAsync(
            "readlink /sys/class/mdev_bus/mtty /sys/class/mdev_bus/matrix /sys/devices/vfio_ap/matrix/driver",
            "realpath /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2");

        r[0].Stdout.Should().Be("../../devices/virtual/mtty/mtty\n../../devices/vfio_ap/matrix\n../../../bus/matrix/drivers/vfio_ap\n");
        r[1].Stdout.Should().Be("/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2\n");
    }

    [Fact]
    public async Task Read_AfterACreate_IsCurrent_NotCached()
    {
        var r = await _host.RunOneAsync(
            $"cat {Mtty1}/available_instances; stat -c %F /sys/bus/mdev/devices/{U} 2>&1; echo {U} > {Mtty2}/create; cat {Mtty1}/available_instances; stat -c %F /sys/bus/mdev/devices/{U}");

        r.Stdout.Should().Be(
            "24\n" +
            $"stat: cannot statx '/sys/bus/mdev/devices/{U}': No such file or directory\n" +
            "22\n" +
            "symbolic link\n");
    }

    [Fact]
    public async Task Read_ByteByByte_ReadsOnInOneSnapshot()
    {
        var r = await _host.RunOneAsync($"dd if={Mtty2}/name bs=1 status=none; head -c 4 {Mtty2}/device_api; echo");

        r.Stdout.Should().Be("Dual port serial\nvfio\n");
    }

    [Fact]
    public async Task TruncateAndTouch_ExistingAttribute_SucceedAsNoOps()
    {
        var r = await _host.RunOneAsync($"truncate -s 0 {Mtty1}/create && touch {Mtty1}/available_instances && cat {Mtty1}/available_instances");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("24\n");
    }

    [Fact]
    public async Task Modify_TheTreeStructure_RefusedAsBySysfs()
    {
        var r = await _host.RunAsync(
            "touch /sys/class/mdev_bus/mtty/new",
            "mkdir /sys/class/new",
            $"rm -f {Mtty1}/create",
            $"mv {Mtty1}/name {Mtty1}/name2",
            "ln -s /tmp /sys/class/link",
            "cat /sys/class/mdev_bus/mtty/nothing",
            $"cat {Mtty1}/name/x");

        r[0].Stderr.Should().Be("touch: cannot touch '/sys/class/mdev_bus/mtty/new': Permission denied\n");
        r[1].Stderr.Should().Contain("cannot create directory").And.EndWith("Operation not permitted\n");
        r[2].Stderr.Should().EndWith("Operation not permitted\n");
        r[3].Stderr.Should().EndWith("Operation not permitted\n");
        r[4].Stderr.Should().EndWith("Operation not permitted\n");
        r[5].Stderr.Should().Be("cat: /sys/class/mdev_bus/mtty/nothing: No such file or directory\n");
        r[6].Stderr.Should().Be($"cat: {Mtty1}/name/x: Not a directory\n");
        _host.Core.Sysfs.Exists(Mtty1 + "/create").Should().BeTrue();
    }
}
