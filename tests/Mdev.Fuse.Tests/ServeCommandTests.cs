using Mdev.Fuse.Tests.Support;

namespace Mdev.Fuse.Tests;

/// <summary>
/// <c>mdev-sim serve</c> (src/Mdev.Sim) as a user runs it: the default host or a host file, mounted for
/// the real mdevctl, gone again on SIGTERM, SIGINT and even SIGKILL.
/// </summary>
public sealed class ServeCommandTests : IDisposable
{
    private const string U = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("mdev-serve-");

    public void Dispose()
    {
        // Never recurse into a mount that a failed test left behind.
        if (!MountTable.IsMounted(Path.Join(_work.FullName, "sys")))
        {
            _work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Serve_DefaultHost_MdevctlManagesItsDevices_AndSigtermUnmounts()
    {
        var mountPoint = _work.CreateSubdirectory("sys").FullName;
        await using var serve = ServeProcess.Start(mountPoint);

        var line = await serve.ReadLineAsync();
        var bus = Directory.GetFileSystemEntries(Path.Join(mountPoint, "class/mdev_bus")).Select(Path.GetFileName);
        var r = await SysNamespace.RunAsync(mountPoint, _work.FullName,
        [
            "mdevctl types",
            $"mdevctl start -u {U} -p mtty -t mtty-2",
            "lsmdev",
            "cat /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/available_instances",
            $"mdevctl stop -u {U}",
        ]);
        await serve.SignalAsync("TERM");
        var (exitCode, stdout, stderr) = await serve.WaitForExitAsync();

        line.Should().Be($"mdev-sim: serving 5 parent(s) (mtty, 0000:00:02.0, 0000:3e:00.0, 0.0.0313, matrix) at {mountPoint} (pid {serve.Pid}); SIGINT or SIGTERM unmounts");
        bus.Should().Equal("0.0.0313", "0000:00:02.0", "0000:3e:00.0", "matrix", "mtty");
        var types = r[0].Stdout;
        types.Should().StartWith("0.0.0313\n  vfio_ccw-io\n    Available instances: 1\n    Device API: vfio-ccw\n    Name: I/O subchannel (Non-QDIO)\n0000:00:02.0\n");
        types.Should().Contain("  i915-GVTg_V5_2\n    Available instances: 1\n    Device API: vfio-pci\n    Name: GVTg_V5_2\n    Description: low_gm_size: 256MB, high_gm_size: 1024MB, fence: 4, resolution: 1920x1200, weight: 8\n");
        types.Should().Contain("  i915-GVTg_V5_4\n    Available instances: 3\n");
        types.Should().Contain("  i915-GVTg_V5_8\n    Available instances: 6\n");
        types.Should().NotContain("GVTg_V5_1");
        types.Should().Contain("  nvidia-11\n    Available instances: 16\n    Device API: vfio-pci\n    Name: GRID M60-0B\n    Description: num_heads=2, frl_config=45, framebuffer=512M, max_resolution=2560x1600, max_instance=16\n");
        types.Should().Contain("  nvidia-22\n    Available instances: 1\n    Device API: vfio-pci\n    Name: GRID M60-8Q\n");
        System.Text.RegularExpressions.Regex.Count(types, "^  nvidia-", System.Text.RegularExpressions.RegexOptions.Multiline).Should().Be(12);
        types.Should().Contain("matrix\n  vfio_ap-passthrough\n    Available instances: 65536\n    Device API: vfio-ap\n    Name: VFIO AP Passthrough Device\n");
        types.Should().Contain("mtty\n  mtty-1\n    Available instances: 24\n    Device API: vfio-pci\n    Name: Single port serial\n  mtty-2\n");
        r[1].ExitCode.Should().Be(0, r[1].ToString());
        r[2].Stdout.Should().Be($"{U} mtty mtty-2 manual\n\n");
        r[3].Stdout.Should().Be("11\n");
        r[4].ExitCode.Should().Be(0, r[4].ToString());
        exitCode.Should().Be(0, stderr);
        stdout.Should().Be($"mdev-sim: unmounted {mountPoint}\n");
        MountTable.IsMounted(mountPoint).Should().BeFalse();
    }

    /// <summary>
    /// The default host's samples driven by the real mdevctl: vfio-ap's writable attributes through --jsonfile, and a
    /// GVT-g vGPU whose creation lowers every GVT type's availability (resources are shared).
    /// </summary>
    [Fact]
    public async Task Serve_DefaultHost_MdevctlDrivesTheVfioApAndGvtSamples()
    {
        var mountPoint = _work.CreateSubdirectory("sys").FullName;
        var config = Path.Join(_work.FullName, "ap.json");
        await File.WriteAllTextAsync(config, """
            {"mdev_type":"vfio_ap-passthrough","start":"manual",
             "attrs":[{"assign_adapter":"5"},{"assign_domain":"0x47"},{"assign_control_domain":"0xff"}]}
            """);
        const string G = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1002";
        const string Gvt = "/sys/class/mdev_bus/0000:00:02.0/mdev_supported_types";
        await using var serve = ServeProcess.Start(mountPoint);
        await serve.ReadLineAsync();

        var r = await SysNamespace.RunAsync(mountPoint, _work.FullName,
        [
            $"mdevctl start -u {U} -p matrix --jsonfile {config}",
            $"cat /sys/bus/mdev/devices/{U}/matrix /sys/bus/mdev/devices/{U}/control_domains",
            $"mdevctl start -u {G} -p 0000:00:02.0 -t i915-GVTg_V5_4",
            $"cat {Gvt}/i915-GVTg_V5_8/available_instances {Gvt}/i915-GVTg_V5_4/available_instances {Gvt}/i915-GVTg_V5_2/available_instances",
            "lsmdev",
            $"mdevctl stop -u {U} && mdevctl stop -u {G}",
            $"cat {Gvt}/i915-GVTg_V5_8/available_instances",
        ]);

        r[0].ExitCode.Should().Be(0, r[0].ToString());
        r[1].Stdout.Should().Be("05.0047\n00ff\n");
        r[2].ExitCode.Should().Be(0, r[2].ToString());
        r[3].Stdout.Should().Be("4\n2\n1\n", "a V5_4 takes 128 MiB of the 384 MiB low GM all GVT types share");
        r[4].Stdout.Should().Be($"{G} 0000:00:02.0 i915-GVTg_V5_4 manual\n{U} matrix vfio_ap-passthrough manual\n\n", "sorted by parent, then UUID");
        r[5].ExitCode.Should().Be(0, r[5].ToString());
        r[6].Stdout.Should().Be("6\n");
    }

    /// <summary>
    /// The parents as udev-based tools read them through the mount (issue 15 point 1): a PCI function's binary
    /// <c>config</c> at an offset with dd, its size with stat, and every parent's <c>uevent</c> file.
    /// </summary>
    [Fact]
    public async Task Serve_DefaultHost_ParentsReadAsTheirBusCoresMakeThem()
    {
        const string Igpu = "/sys/bus/pci/devices/0000:00:02.0";
        const string Gpu = "/sys/bus/pci/devices/0000:3e:00.0";
        var mountPoint = _work.CreateSubdirectory("sys").FullName;
        await using var serve = ServeProcess.Start(mountPoint);
        await serve.ReadLineAsync();

        var r = await SysNamespace.RunAsync(mountPoint, _work.FullName,
        [
            $"dd if={Gpu}/config bs=1 skip=8192 count=4 status=none | od -An -tx1 | wc -c",
            $"dd if={Gpu}/config bs=2 skip=1 count=1 status=none | od -An -tx1",
            $"dd if={Igpu}/config bs=64 skip=1 count=1 status=none | od -An -tx1 -N4",
            $"stat -c %s {Igpu}/config {Igpu}/vendor",
            $"cat {Igpu}/uevent {Gpu}/uevent",
            "cat /sys/devices/css0/0.0.0313/uevent /sys/devices/ap/card05/uevent /sys/devices/ap/card05/05.0047/uevent",
            "cat /sys/devices/pci0000:00/uevent /sys/devices/css0/0.0.0313/dev_busid",
        ]);

        r[0].Stdout.Should().Be("0\n", "nothing past the end");
        r[1].Stdout.Should().Be(" f2 13\n", "the M60's device id at offset 2");
        r[2].Stdout.Should().Be(" 10 00 92 00\n", "the iGPU's PCI Express capability at 0x40: a root-complex integrated endpoint");
        r[3].Stdout.Should().Be("4096\n4096\n");
        r[4].Stdout.Should().Be(
            "DRIVER=i915\nPCI_CLASS=30000\nPCI_ID=8086:1912\nPCI_SUBSYS_ID=8086:2212\nPCI_SLOT_NAME=0000:00:02.0\n" +
            "MODALIAS=pci:v00008086d00001912sv00008086sd00002212bc03sc00i00\n" +
            "DRIVER=nvidia\nPCI_CLASS=30200\nPCI_ID=10DE:13F2\nPCI_SUBSYS_ID=10DE:13F2\nPCI_SLOT_NAME=0000:3e:00.0\n" +
            "MODALIAS=pci:v000010DEd000013F2sv000010DEsd000013F2bc03sc02i00\n");
        r[5].Stdout.Should().Be(
            "DRIVER=vfio_ccw\nST=0\nMODALIAS=css:t0\n" +
            "DEVTYPE=ap_card\nDRIVER=cex4card\nDEV_TYPE=000D\nMODALIAS=ap:t0D\nMODE=cca\n" +
            "DEVTYPE=ap_queue\nDRIVER=vfio_ap\nMODE=cca\n");
        r[6].Stdout.Should().Be("0.0.2b09\n", "the root bus device's uevent is empty");
    }

    [Fact]
    public async Task Serve_Sigint_Unmounts()
    {
        var mountPoint = _work.CreateSubdirectory("sys").FullName;
        await using var serve = ServeProcess.Start(mountPoint);
        await serve.ReadLineAsync();
        MountTable.IsMounted(mountPoint).Should().BeTrue();

        await serve.SignalAsync("INT");
        var (exitCode, _, stderr) = await serve.WaitForExitAsync();

        exitCode.Should().Be(0, stderr);
        MountTable.IsMounted(mountPoint).Should().BeFalse();
    }

    [Fact]
    public async Task Serve_Killed_LeavesNoStaleMount()
    {
        var mountPoint = _work.CreateSubdirectory("sys").FullName;
        await using var serve = ServeProcess.Start(mountPoint);
        await serve.ReadLineAsync();

        await serve.SignalAsync("KILL");
        await serve.WaitForExitAsync();

        // fusermount3 (auto_unmount) sees the process die and unmounts; wait on the mount table's change notification.
        await MountTable.WaitUntilUnmountedAsync(mountPoint, ChildProcess.Timeout);
        Directory.GetFileSystemEntries(mountPoint).Should().BeEmpty();
    }

    [Fact]
    public async Task Serve_HostFile_RegistersEveryParentItDescribes()
    {
        var mountPoint = _work.CreateSubdirectory("sys").FullName;
        var hostFile = Path.Join(_work.FullName, "host.json");
        await File.WriteAllTextAsync(hostFile, """
            {
              // mtty and two subchannels, one of them not operational
              "parents": [ { "kind": "mtty" }, { "kind": "vfio-ccw", "subchannel": "0.0.0314" }, { "kind": "vfio-ccw", "subchannel": "0.0.0315", "operational": false } ]
            }
            """);
        await using var serve = ServeProcess.Start(mountPoint, "--host", hostFile);

        var line = await serve.ReadLineAsync();
        var r = await SysNamespace.RunAsync(mountPoint, _work.FullName, ["ls /sys/class/mdev_bus", "mdevctl types --dumpjson"]);

        line.Should().StartWith("mdev-sim: serving 3 parent(s) (mtty, 0.0.0314, 0.0.0315) at ");
        r[0].Stdout.Should().Be("0.0.0314\n0.0.0315\nmtty\n");
        r[1].Stdout.Should().Contain("\"0.0.0314\": [");
    }

    [Theory]
    [InlineData("""{"parents":[{"kind":"amdgpu"}]}""", "unknown parent kind \"amdgpu\" (known: mtty, i915-gvt, nvidia, vfio-ccw, vfio-ap)")]
    [InlineData("""{"parents":[{"kind":"mtty","ports":4}]}""", "parent of kind mtty: unknown parameter \"ports\" (it takes none)")]
    [InlineData("""{"parents":[{"kind":"nvidia","board":7}]}""", "parameter \"board\" must be a string")]
    [InlineData("""{"parents":[{"kind":"nvidia","board":"H100"}]}""", "(EINVAL)")]
    [InlineData("""{"parents":[{"kind":"i915-gvt","apertureMiB":"big"}]}""", "parameter \"apertureMiB\" must be a whole number")]
    [InlineData("""{"parent":[]}""", "The JSON property 'parent' could not be mapped")]
    [InlineData("""{"parents":[null]}""", "\"parents\" must be a list of objects")]
    [InlineData("""{"parents":[""", "(EINVAL)")]
    [InlineData("""{"parents":[{"kind":"vfio-ccw"},{"kind":"vfio-ccw"}]}""", "(EEXIST)")]
    [InlineData("""{"parents":[{"kind":"mtty"},{"kind":"mtty"}]}""", "(EBUSY)")]
    public async Task Serve_BadHostFile_ExitsWithTheReason(string json, string reason)
    {
        var mountPoint = _work.CreateSubdirectory("sys").FullName;
        var hostFile = Path.Join(_work.FullName, "host.json");
        await File.WriteAllTextAsync(hostFile, json);
        await using var serve = ServeProcess.Start(mountPoint, "--host", hostFile);

        var (exitCode, stdout, stderr) = await serve.WaitForExitAsync();

        exitCode.Should().Be(1);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith("mdev-sim serve: ").And.Contain(reason);
        MountTable.IsMounted(mountPoint).Should().BeFalse();
    }

    [Fact]
    public async Task Serve_NoMount_PrintsUsage()
    {
        var result = await ChildProcess.RunAsync("dotnet", "exec", Path.Combine(AppContext.BaseDirectory, "mdev-sim.dll"), "serve", "--host", "x.json");

        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Be("mdev-sim serve: --mount <dir> is required\nusage: mdev-sim serve --mount <dir> [--host <host.json>] [--vfio-socket <path>] [--control <socket>]\n");
    }

    /// <summary>
    /// The sample's only vendor attribute (<c>vendor/sample_mdev_dev</c>) is read-only, so mdevctl's attribute write
    /// fails with the errno sysfs gives (EACCES) and mdevctl rolls the device back; the successful path needs a
    /// writable vendor attribute (MdevctlTests covers it with a vfio_ap-shaped test parent).
    /// </summary>
    [Fact]
    public async Task Serve_StartJsonfileOnTheSamplesReadOnlyAttribute_PermissionDeniedAndRolledBack()
    {
        var mountPoint = _work.CreateSubdirectory("sys").FullName;
        var config = Path.Join(_work.FullName, "mtty.json");
        await File.WriteAllTextAsync(config, """{"mdev_type":"mtty-1","start":"manual","attrs":[{"vendor/sample_mdev_dev":"x"}]}""");
        await using var serve = ServeProcess.Start(mountPoint);
        await serve.ReadLineAsync();

        var r = await SysNamespace.RunAsync(mountPoint, _work.FullName,
            [$"mdevctl start -u {U} -p mtty --jsonfile {config}", "ls /sys/bus/mdev/devices"]);

        r[0].ExitCode.Should().Be(1);
        r[0].Stderr.Should().Contain("Failed to write x to attribute vendor/sample_mdev_dev").And.Contain("Permission denied (os error 13)");
        r[1].Stdout.Should().BeEmpty();
    }
}
