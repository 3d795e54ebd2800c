using System.Text.Json;
using Mdev.Fuse.Tests.Support;

namespace Mdev.Fuse.Tests;

/// <summary>
/// The real mdevctl 1.2.0 and lsmdev (Debian package <c>mdevctl</c>) against a host served by this process, mounted at
/// <c>/sys</c> in a private mount namespace: they must manage devices as on a kernel (mdevctl-contract.md).
/// </summary>
public sealed class MdevctlTests : IAsyncLifetime
{
    private const string U = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    private FuseHost _host = null!;

    public Task InitializeAsync()
    {
        _host = FuseHost.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Types_EveryParentAndType_WithTheirCounts()
    {
        var r = await _host.RunAsync("mdevctl types", "mdevctl types --dumpjson");

        r[0].ExitCode.Should().Be(0, r[0].ToString());
        r[0].Stdout.Should().Be(
            """
            matrix
              vfio_ap-passthrough
                Available instances: 2
                Device API: vfio-ap
                Name: VFIO AP Passthrough Device
            mtty
              mtty-1
                Available instances: 24
                Device API: vfio-pci
                Name: Single port serial
              mtty-2
                Available instances: 12
                Device API: vfio-pci
                Name: Dual port serial


            """.ReplaceLineEndings("\n"));

        r[1].ExitCode.Should().Be(0, r[1].ToString());
        using var json = JsonDocument.Parse(r[1].Stdout);
        var parents = json.RootElement.EnumerateArray().Single();
        parents.EnumerateObject().Select(p => p.Name).Should().Equal("matrix", "mtty");
        var mtty = parents.GetProperty("mtty").EnumerateArray().Select(t => t.EnumerateObject().Single()).ToList();
        mtty.Select(t => t.Name).Should().Equal("mtty-1", "mtty-2");
        mtty.Select(t => t.Value.GetProperty("available_instances").GetInt32()).Should().Equal(24, 12);
        mtty.Select(t => t.Value.GetProperty("device_api").GetString()).Should().Equal("vfio-pci", "vfio-pci");
        var matrix = parents.GetProperty("matrix").EnumerateArray().Single().GetProperty("vfio_ap-passthrough");
        matrix.GetProperty("available_instances").GetInt32().Should().Be(2);
        matrix.GetProperty("name").GetString().Should().Be("VFIO AP Passthrough Device");
    }

    [Fact]
    public async Task StartListStop_Mtty2_ShowsTheDeviceAndGivesItsInstancesBack()
    {
        const string Types = "/sys/class/mdev_bus/mtty/mdev_supported_types";
        var r = await _host.RunAsync(
            $"mdevctl start -u {U} -p mtty -t mtty-2",
            "mdevctl list",
            "mdevctl list --dumpjson",
            "lsmdev",
            $"cat {Types}/mtty-2/available_instances {Types}/mtty-1/available_instances",
            $"realpath /sys/bus/mdev/devices/{U} /sys/bus/mdev/devices/{U}/mdev_type",
            $"mdevctl stop -u {U}",
            "mdevctl list",
            $"cat {Types}/mtty-2/available_instances {Types}/mtty-1/available_instances");

        r[0].ExitCode.Should().Be(0, r[0].ToString());
        r[0].Stderr.Should().BeEmpty();
        r[1].Stdout.Should().Be($"{U} mtty mtty-2 manual\n\n");
        using (var json = JsonDocument.Parse(r[2].Stdout))
        {
            var device = json.RootElement.EnumerateArray().Single().GetProperty("mtty").EnumerateArray().Single().GetProperty(U);
            device.GetProperty("mdev_type").GetString().Should().Be("mtty-2");
            device.GetProperty("start").GetString().Should().Be("manual");
            device.GetProperty("attrs").GetArrayLength().Should().Be(0);
        }

        r[3].Should().BeEquivalentTo(r[1], o => o.Excluding(c => c.Command), "lsmdev is mdevctl list");
        r[4].Stdout.Should().Be("11\n22\n");
        r[5].Stdout.Should().Be($"/sys/devices/virtual/mtty/mtty/{U}\n/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2\n");
        r[6].ExitCode.Should().Be(0, r[6].ToString());
        r[7].Stdout.Should().Be("\n");
        r[8].Stdout.Should().Be("12\n24\n");
        _host.Core.Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
    }

    [Fact]
    public async Task DefineAutoStartUndefine_Mtty1_FollowsTheConfig()
    {
        var r = await _host.RunAsync(
            $"mdevctl define -u {U} -p mtty -t mtty-1 --auto",
            "mdevctl list --defined",
            "ls /sys/bus/mdev/devices",
            $"mdevctl start -u {U}",
            "mdevctl list",
            $"cat /etc/mdevctl.d/mtty/{U}",
            $"mdevctl stop -u {U}",
            $"mdevctl undefine -u {U}",
            "mdevctl list --defined",
            "ls /sys/bus/mdev/devices");

        r.Should().AllSatisfy(c => c.ExitCode.Should().Be(0, c.ToString()));
        r[1].Stdout.Should().Be($"{U} mtty mtty-1 auto\n\n");
        r[2].Stdout.Should().BeEmpty("define does not create the device");
        r[4].Stdout.Should().Be($"{U} mtty mtty-1 auto (defined)\n\n");
        r[5].Stdout.Should().Be("{\n  \"mdev_type\": \"mtty-1\",\n  \"start\": \"auto\",\n  \"attrs\": []\n}");
        r[8].Stdout.Should().Be("\n");
        r[9].Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task StartJsonfile_WritableVendorAttributes_AreWrittenBeforeTheCommandReturns()
    {
        var config = Path.Combine(_host.WorkDirectory, "ap.json");
        await File.WriteAllTextAsync(config, """
            {"mdev_type":"vfio_ap-passthrough","start":"manual",
             "attrs":[{"assign_adapter":"5"},{"assign_domain":"0x47"},{"assign_control_domain":"0xff"}]}
            """);

        var r = await _host.RunAsync(
            $"mdevctl start -u {U} -p matrix --jsonfile {config}",
            $"cat /sys/bus/mdev/devices/{U}/matrix",
            $"mdevctl stop -u {U}");

        r[0].ExitCode.Should().Be(0, r[0].ToString());
        r[1].Stdout.Should().Be("05.0047\n");
        r[2].ExitCode.Should().Be(0, r[2].ToString());
        _host.Available(FuseHost.MatrixTypes + "/vfio_ap-passthrough").Should().Be(MatrixVendor.Pool);
    }

    [Fact]
    public async Task StartJsonfile_MissingAttribute_RollsTheDeviceBack()
    {
        var config = Path.Combine(_host.WorkDirectory, "ap.json");
        await File.WriteAllTextAsync(config, """
            {"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"5"},{"assign_usage_domain":"1"}]}
            """);

        var r = await _host.RunAsync($"mdevctl start -u {U} -p matrix --jsonfile {config}", "ls /sys/bus/mdev/devices");

        r[0].ExitCode.Should().Be(1);
        r[0].Stderr.Should().Contain("Error: Invalid attribute 'assign_usage_domain'");
        r[1].Stdout.Should().BeEmpty("mdevctl wrote 1 to remove");
        _host.Available(FuseHost.MatrixTypes + "/vfio_ap-passthrough").Should().Be(MatrixVendor.Pool);
    }

    [Fact]
    public async Task StartJsonfile_AttributeStoreFails_ReportsTheErrnoAndRollsBack()
    {
        var config = Path.Combine(_host.WorkDirectory, "ap.json");
        await File.WriteAllTextAsync(config, """
            {"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"0x1ff"}]}
            """);

        var r = await _host.RunAsync($"mdevctl start -u {U} -p matrix --jsonfile {config}", "ls /sys/bus/mdev/devices");

        r[0].ExitCode.Should().Be(1);
        r[0].Stderr.Should().Contain("Failed to write 0x1ff to attribute assign_adapter").And.Contain("No such device (os error 19)");
        r[1].Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Start_PoolEmpty_ReportsNoAvailableInstances()
    {
        var r = await _host.RunAsync(
            "mdevctl start -u 00000000-0000-4000-8000-000000000001 -p matrix -t vfio_ap-passthrough",
            "mdevctl start -u 00000000-0000-4000-8000-000000000002 -p matrix -t vfio_ap-passthrough",
            "mdevctl start -u 00000000-0000-4000-8000-000000000003 -p matrix -t vfio_ap-passthrough",
            $"mdevctl start -u 00000000-0000-4000-8000-000000000001 -p mtty -t mtty-1");

        r[0].ExitCode.Should().Be(0, r[0].ToString());
        r[1].ExitCode.Should().Be(0, r[1].ToString());
        r[2].ExitCode.Should().Be(1);
        r[2].Stderr.Should().Contain("Error: No available instances of vfio_ap-passthrough on matrix");
        r[3].ExitCode.Should().Be(1);
        r[3].Stderr.Should().Contain("Error: Device exists under different parent");
    }

    [Fact]
    public async Task StartStop_EightConcurrentLoops_LeaveTheCountsWhereTheyStarted()
    {
        const int Loops = 8, Rounds = 10;
        var loop = $$"""
            pids=()
            for i in $(seq 1 {{Loops}}); do
              (
                for j in $(seq 1 {{Rounds}}); do
                  u=$(printf '%08x-0000-4000-8000-%012x' $i $j)
                  t=mtty-$(( (i + j) % 2 + 1 ))
                  mdevctl start -u $u -p mtty -t $t || { echo "start $u failed"; exit 1; }
                  mdevctl stop -u $u || { echo "stop $u failed"; exit 1; }
                done
              ) &
              pids+=($!)
            done
            rc=0
            for p in "${pids[@]}"; do wait $p || rc=1; done
            exit $rc
            """;

        var r = await _host.RunAsync(loop, "ls /sys/bus/mdev/devices", $"cat {FuseHost.MttyTypes}/mtty-1/available_instances {FuseHost.MttyTypes}/mtty-2/available_instances");

        r[0].ExitCode.Should().Be(0, r[0].ToString());
        r[1].Stdout.Should().BeEmpty();
        r[2].Stdout.Should().Be("24\n12\n");
        _host.Available(FuseHost.MttyTypes + "/mtty-1").Should().Be(SerialVendor.MaxPorts);
        _host.Core.Parents.SelectMany(p => p.Types).SelectMany(t => t.Devices).Should().BeEmpty();
    }
}
