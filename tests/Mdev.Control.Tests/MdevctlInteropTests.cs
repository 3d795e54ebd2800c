using Mdev.Control.Tests.Support;

namespace Mdev.Control.Tests;

/// <summary>
/// Mdev.Control and the real mdevctl 1.2.0 on one simulated host mounted through FUSE, sharing one
/// <c>/etc/mdevctl.d</c>: what one defines the other lists, starts, modifies and undefines, and both print the same
/// <c>--dumpjson</c> bytes and the same error texts for the same state.
/// </summary>
public sealed class MdevctlInteropTests : IAsyncLifetime
{
    private const string U = "83b8f4f2-509f-482f-bc1e-e6bfe0fa1001";
    private const string U2 = "83b8f4f2-509f-482f-bc1e-e6bfe0fa1002";
    private const string ApConfig = """{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"5"},{"assign_domain":"0x47"}]}""";
    private static readonly Guid Id = Guid.Parse(U);
    private static readonly Guid Id2 = Guid.Parse(U2);
    private MountedHost _host = null!;
    private MdevControl _control = null!;

    public Task InitializeAsync()
    {
        _host = MountedHost.Start();
        _control = _host.Control();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task TypesDumpjson_SameState_ByteIdentical()
    {
        await _control.StartAsync(Id, SimulatedHost.Gvt, "i915-GVTg_V5_4");

        var r = await _host.RunAsync("mdevctl types --dumpjson", "mdevctl types -p matrix --dumpjson", "mdevctl types -p nope --dumpjson");

        r.Should().AllSatisfy(c => c.ExitCode.Should().Be(0, c.ToString()));
        r[0].Stdout.Should().Be(MdevctlJson.Types(await _control.ListTypesAsync()));
        r[0].Stdout.Should().Contain("\"description\": \"low_gm_size: 128MB, ", "GVT-g's multi-line description is joined with \", \"");
        r[1].Stdout.Should().Be(MdevctlJson.Types(await _control.ListTypesAsync(SimulatedHost.Ap)));
        r[2].Stdout.Should().Be("[]\n").And.Be(MdevctlJson.Types(await _control.ListTypesAsync("nope")));
    }

    [Fact]
    public async Task ListDumpjson_ActiveAndDefinedOnSeveralParents_ByteIdentical()
    {
        await _control.DefineAsync(Id, SimulatedHost.Ap, MdevDeviceConfig.Parse(ApConfig) with { AutoStart = true });
        await _control.DefineAsync(Id, "mtty", "mtty-2");
        await _control.StartAsync(Id, SimulatedHost.Ap);
        await _control.StartAsync(Id2, SimulatedHost.Gvt, "i915-GVTg_V5_8");

        var r = await _host.RunAsync(
            "mdevctl list --dumpjson",
            "mdevctl list --defined --dumpjson",
            $"mdevctl list -u {U} --dumpjson",
            $"mdevctl list -d -u {U} --dumpjson",
            $"mdevctl list -d -u {U} -p mtty --dumpjson",
            "mdevctl list -p nope --dumpjson");

        r.Should().AllSatisfy(c => c.ExitCode.Should().Be(0, c.ToString()));
        r[0].Stdout.Should().Be(MdevctlJson.Devices(await _control.ListActiveAsync()));
        r[0].Stdout.Should().Contain("\"assign_domain\": \"0x47\"", "an active device shows its definition's attributes");
        r[1].Stdout.Should().Be(MdevctlJson.Devices(await _control.ListDefinedAsync()));
        r[2].Stdout.Should().Be(MdevctlJson.Devices(await _control.ListActiveAsync(Id), Id)).And.StartWith("{\n", "one match: the bare config object");
        r[3].Stdout.Should().Be(MdevctlJson.Devices(await _control.ListDefinedAsync(Id), Id)).And.StartWith("[\n", "two definitions: the full array");
        r[4].Stdout.Should().Be(MdevctlJson.Devices(await _control.ListDefinedAsync(Id, "mtty"), Id));
        r[5].Stdout.Should().Be("[]\n").And.Be(MdevctlJson.Devices(await _control.ListActiveAsync(parent: "nope")));
    }

    [Fact]
    public async Task ControlDefines_MdevctlListsStartsAndStops()
    {
        await _control.DefineAsync(Id, SimulatedHost.Ap, MdevDeviceConfig.Parse(ApConfig));
        await _control.DefineAsync(Id2, "mtty", "mtty-1", autoStart: true);

        var r = await _host.RunAsync(
            "mdevctl list --defined",
            $"mdevctl start -u {U}",
            $"cat /sys/bus/mdev/devices/{U}/matrix",
            "mdevctl start-parent-mdevs mtty",
            "mdevctl list");

        r.Should().AllSatisfy(c => c.ExitCode.Should().Be(0, c.ToString()));
        r[0].Stdout.Should().Be($"{U} matrix vfio_ap-passthrough manual\n{U2} mtty mtty-1 auto\n\n");
        r[2].Stdout.Should().Be("05.0047\n", "mdevctl wrote the attributes Mdev.Control stored");
        r[4].Stdout.Should().Be($"{U} matrix vfio_ap-passthrough manual (defined)\n{U2} mtty mtty-1 auto (defined)\n\n");
        (await _control.ListActiveAsync()).Select(d => d.Uuid).Should().Equal(Id, Id2);

        await _control.StopAsync(Id);
        (await _host.RunOneAsync($"mdevctl stop -u {U2}")).ExitCode.Should().Be(0);
        _host.Host.Core.Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
    }

    [Fact]
    public async Task MdevctlDefines_ControlListsStartsAndModifies()
    {
        var json = Path.Combine(_host.WorkDirectory, "ap.json");
        await File.WriteAllTextAsync(json, ApConfig);
        var r = await _host.RunAsync(
            $"mdevctl define -u {U} -p matrix --jsonfile {json}",
            $"mdevctl define -u {U} -p mtty -t mtty-1",
            $"mdevctl define -u {U2} -p {SimulatedHost.Gvt} -t i915-GVTg_V5_4 --auto");
        r.Should().AllSatisfy(c => c.ExitCode.Should().Be(0, c.ToString()));

        var defined = await _control.ListDefinedAsync();

        defined.Select(d => (d.Parent, d.Uuid, d.Type, d.AutoStart)).Should().Equal(
            (SimulatedHost.Gvt, Id2, "i915-GVTg_V5_4", true), (SimulatedHost.Ap, Id, "vfio_ap-passthrough", false), ("mtty", Id, "mtty-1", false));
        defined[1].Attributes.Should().Equal(new MdevConfigAttribute("assign_adapter", "5"), new MdevConfigAttribute("assign_domain", "0x47"));

        await _control.StartAsync(Id, SimulatedHost.Ap);
        _host.Host.Core.Sysfs.Read($"/sys/bus/mdev/devices/{U}/matrix").Should().Be("05.0047\n");
        (await _control.StartParentDevicesAsync(SimulatedHost.Gvt)).Started.Should().Equal(Id2);
        await _control.ModifyAsync(Id, "mtty", new MdevModification { Type = "mtty-2", AutoStart = true, AddAttribute = new("x", "y") });

        var after = await _host.RunAsync("mdevctl list", $"mdevctl list -d -u {U} -p mtty --dumpjson");
        after[0].Stdout.Should().Be($"{U2} {SimulatedHost.Gvt} i915-GVTg_V5_4 auto (defined)\n{U} matrix vfio_ap-passthrough manual (defined)\n\n");
        after[1].Stdout.Should().Be("{\n  \"mdev_type\": \"mtty-2\",\n  \"start\": \"auto\",\n  \"attrs\": [\n    {\n      \"x\": \"y\"\n    }\n  ]\n}\n");
    }

    [Fact]
    public async Task DefinitionFiles_WrittenByEither_ByteIdentical()
    {
        var json = Path.Combine(_host.WorkDirectory, "ap.json");
        await File.WriteAllTextAsync(json, ApConfig);
        var config = MdevDeviceConfig.Parse(ApConfig);
        var mine = Guid.NewGuid();

        (await _host.RunAsync(
            $"mdevctl define -u {U} -p matrix --jsonfile {json}",
            $"mdevctl modify -u {U} --addattr=assign_control_domain --value=0x47 --index=1",
            $"mdevctl modify -u {U} --auto")).Should().AllSatisfy(c => c.ExitCode.Should().Be(0, c.ToString()));
        await _control.DefineAsync(mine, SimulatedHost.Ap, config);
        await _control.ModifyAsync(mine, null, new MdevModification { AddAttribute = new("assign_control_domain", "0x47"), Index = 1 });
        await _control.ModifyAsync(mine, null, new MdevModification { AutoStart = true });

        var theirs = await File.ReadAllBytesAsync(_host.Host.ConfigPath(SimulatedHost.Ap, Id));
        (await File.ReadAllBytesAsync(_host.Host.ConfigPath(SimulatedHost.Ap, mine))).Should().Equal(theirs);
        theirs[^1].Should().Be((byte)'}', "no trailing newline");
    }

    [Fact]
    public async Task DefineByOne_UndefineByTheOther()
    {
        await _control.DefineAsync(Id, "mtty", "mtty-1");
        (await _host.RunOneAsync($"mdevctl undefine -u {U}")).ExitCode.Should().Be(0);
        (await _control.ListDefinedAsync()).Should().BeEmpty();

        (await _host.RunOneAsync($"mdevctl define -u {U2} -p mtty -t mtty-2")).ExitCode.Should().Be(0);
        (await _control.UndefineAsync(Id2)).Should().Equal("mtty");
        (await _host.RunOneAsync("mdevctl list --defined")).Stdout.Should().Be("\n");
    }

    [Fact]
    public async Task Errors_SameStateSameText()
    {
        await _control.StartAsync(Id, SimulatedHost.Gvt, "i915-GVTg_V5_2");
        var cases = new (string Command, Func<Task> Call)[]
        {
            ($"mdevctl start -u {U2} -p 0000:00:03.0 -t i915-GVTg_V5_4", () => _control.StartAsync(Id2, "0000:00:03.0", "i915-GVTg_V5_4")),
            ($"mdevctl start -u {U2} -p MATRIX -t vfio_ap-passthrough", () => _control.StartAsync(Id2, "MATRIX", "vfio_ap-passthrough")),
            ($"mdevctl start -u {U2} -p {SimulatedHost.Gvt} -t i915-GVTg_V5_1", () => _control.StartAsync(Id2, SimulatedHost.Gvt, "i915-GVTg_V5_1")),
            ($"mdevctl start -u {U2} -p {SimulatedHost.Gvt} -t i915-GVTg_V5_2", () => _control.StartAsync(Id2, SimulatedHost.Gvt, "i915-GVTg_V5_2")),
            ($"mdevctl start -u {U} -p {SimulatedHost.Gvt} -t i915-GVTg_V5_4", () => _control.StartAsync(Id, SimulatedHost.Gvt, "i915-GVTg_V5_4")),
            ($"mdevctl start -u {U2}", () => _control.StartAsync(Id2)),
            ($"mdevctl modify -u {U2} --auto", () => _control.ModifyAsync(Id2, null, new MdevModification { AutoStart = true })),
            ($"mdevctl undefine -u {U2}", () => _control.UndefineAsync(Id2)),
            ($"mdevctl define -u {U2} -p mtty", () => _control.DefineAsync(Id2, "mtty")),
        };

        var r = await _host.RunAsync(cases.Select(c => c.Command).ToArray());

        for (int i = 0; i < cases.Length; i++)
        {
            r[i].ExitCode.Should().Be(1, r[i].ToString());
            var thrown = await FluentActions.Awaiting(cases[i].Call).Should().ThrowAsync<MdevctlException>();
            r[i].Stderr.Should().Be($"Error: {thrown.Which.MdevctlMessage}\n", cases[i].Command);
        }
    }

    [Fact]
    public async Task Callouts_SameScripts_RunWithTheSameArgvAndStdinAsByMdevctl()
    {
        var log = Path.Combine(_host.WorkDirectory, "callouts.log");
        SimulatedHost.WriteScript(_host.Host.CalloutDirectory, "10-skip", CalloutTests.LoggingScript(log, "skip", 2));
        SimulatedHost.WriteScript(_host.Host.CalloutDirectory, "20-mine", CalloutTests.LoggingScript(log, "mine", 0, "[{\"k\":\"v\"}]"));
        SimulatedHost.WriteScript(_host.Host.NotifierDirectory, "n", CalloutTests.LoggingScript(log, "notifier", 0));
        var commands = new[] { $"mdevctl start -u {U} -p mtty -t mtty-1", "mdevctl list", $"mdevctl define -u {U}", $"mdevctl modify -u {U} --auto", $"mdevctl undefine -u {U}", $"mdevctl stop -u {U}" };

        (await _host.RunAsync(commands)).Should().AllSatisfy(c => c.ExitCode.Should().Be(0, c.ToString()));
        var theirs = await File.ReadAllTextAsync(log);
        File.Delete(log);
        await _control.StartAsync(Id, "mtty", "mtty-1");
        await _control.ListActiveAsync();
        await _control.DefineAsync(Id);
        await _control.ModifyAsync(Id, null, new MdevModification { AutoStart = true });
        await _control.UndefineAsync(Id);
        await _control.StopAsync(Id);

        (await File.ReadAllTextAsync(log)).Should().Be(theirs);
        theirs.Should().Contain("-e get -a attributes").And.Contain("\"attrs\":[{\"k\":\"v\"}]", "define stored what get answered");
    }

    [Fact]
    public async Task ThroughTheMount_AttributeFails_DeviceRemovedAsByMdevctl()
    {
        var json = Path.Combine(_host.WorkDirectory, "bad.json");
        await File.WriteAllTextAsync(json, """{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"5"},{"assign_usage_domain":"1"}]}""");
        var before = _host.Host.SysfsSnapshot();

        var thrown = await FluentActions.Awaiting(async () => await _control.StartAsync(Id, SimulatedHost.Ap, await MdevDeviceConfig.LoadAsync(json)))
            .Should().ThrowAsync<MdevctlException>();
        var r = await _host.RunAsync($"mdevctl start -u {U2} -p matrix --jsonfile {json}", "ls /sys/bus/mdev/devices");

        r[0].Stderr.Should().Be($"Error: {thrown.Which.MdevctlMessage}\n").And.Be("Error: Invalid attribute 'assign_usage_domain'\n");
        r[1].Stdout.Should().BeEmpty("both removed the device again");
        _host.Host.SysfsSnapshot().Should().Be(before, "no device and every instance given back");
    }

    [Fact]
    public async Task MalformedJsonFile_BothRefuseAndNothingChanges()
    {
        var json = Path.Combine(_host.WorkDirectory, "bad.json");
        await File.WriteAllTextAsync(json, "{\"mdev_type\":\"mtty-1\"}");
        var files = _host.Host.ConfigSnapshot();

        var r = await _host.RunAsync($"mdevctl define -u {U} -p mtty --jsonfile {json}", $"mdevctl start -u {U} -p mtty --jsonfile {json}");
        var thrown = await FluentActions.Awaiting(() => MdevDeviceConfig.LoadAsync(json)).Should().ThrowAsync<MdevctlException>();

        r.Should().AllSatisfy(c => c.Stderr.Should().Be($"Error: {thrown.Which.MdevctlMessage}\n"));
        thrown.Which.MdevctlMessage.Should().Be("invalid json");
        _host.Host.ConfigSnapshot().Should().Equal(files);
        _host.Host.Core.Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
    }
}
