using Mdev.Fuse.Tests.Support;

namespace Mdev.Fuse.Tests;

/// <summary>
/// Plain shell on the mounted host: <c>echo &lt;uuid&gt; &gt; create</c>, <c>cat available_instances</c>,
/// <c>echo 1 &gt; remove</c>, and the errno of spec §2.2–2.3 as bash and coreutils print them.
/// </summary>
public sealed class ShellTests : IAsyncLifetime
{
    private const string U = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    private const string Mtty1 = FuseHost.MttyTypes + "/mtty-1";
    private const string Mtty2 = FuseHost.MttyTypes + "/mtty-2";
    private const string Device = "/sys/bus/mdev/devices/" + U;
    private FuseHost _host = null!;

    public Task InitializeAsync()
    {
        _host = FuseHost.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task EchoCreate_ThenRemove_BuildsTheDeviceBeforeTheWriteReturns()
    {
        var r = await _host.RunAsync(
            $"cat {Mtty2}/available_instances; echo {U} > {Mtty2}/create && ls {Device} && readlink {Device}/mdev_type && cat {Device}/vendor/sample_mdev_dev; cat {Mtty2}/available_instances {Mtty1}/available_instances",
            $"ls /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/devices; readlink /sys/bus/mdev/devices/{U}",
            $"echo 1 > {Device}/remove; ls /sys/bus/mdev/devices; cat {Mtty2}/available_instances");

        r[0].ExitCode.Should().Be(0, r[0].ToString());
        r[0].Stdout.Should().Be(
            "12\n" +
            "driver\nmdev_type\npower\nremove\nsubsystem\nuevent\nvendor\n" +
            "../mdev_supported_types/mtty-2\n" +
            $"This is MDEV {U}\n" +
            "11\n22\n");
        r[1].Stdout.Should().Be($"{U}\n../../../devices/virtual/mtty/mtty/{U}\n");
        r[2].ExitCode.Should().Be(0, r[2].ToString());
        r[2].Stdout.Should().Be("12\n");
        _host.Core.Sysfs.Exists("/sys/devices/virtual/mtty/mtty/" + U).Should().BeFalse();
    }

    [Fact]
    public async Task Create_Malformed_InvalidArgument()
    {
        var r = await _host.RunAsync(
            $"echo not-a-uuid > {Mtty1}/create",
            $"echo zzzzzzzz-509f-382f-3c1e-e6bfe0fa1001 > {Mtty1}/create",
            $"echo {U}xx > {Mtty1}/create");

        r.Should().AllSatisfy(c =>
        {
            c.ExitCode.Should().Be(1);
            c.Stderr.Should().EndWith("echo: write error: Invalid argument\n");
        });
        _host.Available(Mtty1).Should().Be(24);
    }

    [Fact]
    public async Task Create_Duplicate_FileExists_InAnyCaseOnAnyParent()
    {
        var r = await _host.RunAsync(
            $"echo {U} > {Mtty1}/create",
            $"echo {U} > {Mtty2}/create",
            $"echo {U.ToUpperInvariant()} > {Mtty1}/create",
            $"echo {U} > {FuseHost.MatrixTypes}/vfio_ap-passthrough/create");

        r[0].ExitCode.Should().Be(0, r[0].ToString());
        r.Skip(1).Should().AllSatisfy(c => c.Stderr.Should().EndWith("echo: write error: File exists\n"));
    }

    [Fact]
    public async Task Create_VendorOutOfPorts_NoSpaceLeftOnDevice()
    {
        var fill = string.Join("; ", Enumerable.Range(1, 12).Select(i => $"echo 00000000-0000-4000-8000-{i:x12} > {Mtty2}/create"));
        var r = await _host.RunAsync(fill + $"; cat {Mtty2}/available_instances {Mtty1}/available_instances", $"echo {U} > {Mtty1}/create");

        r[0].ExitCode.Should().Be(0, r[0].ToString());
        r[0].Stdout.Should().Be("0\n0\n");
        r[1].Stderr.Should().EndWith("echo: write error: No space left on device\n");
    }

    [Fact]
    public async Task Create_CorePoolEmpty_TooManyUsers()
    {
        const string Passthrough = FuseHost.MatrixTypes + "/vfio_ap-passthrough";
        var r = await _host.RunAsync(
            $"echo 00000000-0000-4000-8000-000000000001 > {Passthrough}/create; echo 00000000-0000-4000-8000-000000000002 > {Passthrough}/create; cat {Passthrough}/available_instances",
            $"echo {U} > {Passthrough}/create");

        r[0].Stdout.Should().Be("0\n");
        r[1].Stderr.Should().EndWith("echo: write error: Too many users\n");
    }

    [Fact]
    public async Task Create_UnknownType_NoSuchFileOrDirectory()
    {
        var r = await _host.RunOneAsync($"echo {U} > {FuseHost.MttyTypes}/mtty-3/create");

        r.Stderr.Should().EndWith($"{FuseHost.MttyTypes}/mtty-3/create: No such file or directory\n");
    }

    [Fact]
    public async Task Remove_KstrtoulRules_InvalidArgumentZeroIsNoOpHexRemoves()
    {
        var r = await _host.RunAsync(
            $"echo {U} > {Mtty1}/create",
            $"echo abc > {Device}/remove",
            $"echo 0 > {Device}/remove; ls /sys/bus/mdev/devices",
            $"echo 0x1 > {Device}/remove; ls /sys/bus/mdev/devices");

        r[1].Stderr.Should().EndWith("echo: write error: Invalid argument\n");
        r[2].ExitCode.Should().Be(0, r[2].ToString());
        r[2].Stdout.Should().Be(U + "\n");
        r[3].ExitCode.Should().Be(0, r[3].ToString());
        r[3].Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Remove_ThroughAFileOpenedBeforeTheRemoval_NoSuchDevice()
    {
        var r = await _host.RunAsync(
            $"echo {U} > {Mtty1}/create",
            $"exec 3> {Device}/remove 4< {Device}/vendor/sample_mdev_dev; echo 1 > {Device}/remove; echo 1 >&3; read -r line <&4");

        // bash's read: the read itself is what fails with ENODEV (an fstat would still answer from the node, as sysfs
        // answers from the open inode).
        r[1].Stderr.Should().Contain("echo: write error: No such device").And.Contain("read: read error: 0: No such device");
    }

    [Fact]
    public async Task OpenForTheWrongAccess_PermissionDenied_EvenForRoot()
    {
        var r = await _host.RunAsync(
            $"echo 1 > {Mtty1}/available_instances",
            $"cat {Mtty1}/create",
            $"id -u");

        r[0].Stderr.Should().EndWith($"{Mtty1}/available_instances: Permission denied\n");
        r[1].Stderr.Should().Be($"cat: {Mtty1}/create: Permission denied\n");
        r[2].Stdout.Should().Be("0\n");
    }
}
