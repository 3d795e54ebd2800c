using Mdev.Control.Tests.Support;
using Mdev.Core;

namespace Mdev.Control.Tests;

/// <summary>Mdev.Control against the simulated host's <c>SysfsTree</c> in process, with the samples' vendor drivers.</summary>
public sealed class InProcessTests : IAsyncLifetime
{
    private static readonly Guid U1 = Guid.Parse("11111111-1111-4111-8111-111111111111");
    private static readonly Guid U2 = Guid.Parse("22222222-2222-4222-8222-222222222222");
    private SimulatedHost _host = null!;
    private MdevControl _control = null!;

    public Task InitializeAsync()
    {
        _host = new SimulatedHost();
        _control = _host.Control();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ListTypes_EveryParent_SortedWithLiveCounts()
    {
        var types = await _control.ListTypesAsync();

        types.Select(t => t.Parent).Distinct().Should().Equal(SimulatedHost.Ccw, SimulatedHost.Gvt, SimulatedHost.Ap, "mtty");
        types.Where(t => t.Parent == SimulatedHost.Gvt).Select(t => (t.TypeId, t.AvailableInstances))
            .Should().Equal(("i915-GVTg_V5_2", 1), ("i915-GVTg_V5_4", 3), ("i915-GVTg_V5_8", 6));
        var v54 = types.Single(t => t.TypeId == "i915-GVTg_V5_4");
        v54.DeviceApi.Should().Be("vfio-pci");
        v54.Name.Should().Be("GVTg_V5_4");
        v54.Description.Should().Contain("low_gm_size: 128MB, high_gm_size: 512MB").And.NotContain("\n");
        var mtty = await _control.ListTypesAsync("mtty");
        mtty.Select(t => t.TypeId).Should().Equal("mtty-1", "mtty-2");
        (await _control.ListTypesAsync("nope")).Should().BeEmpty();
    }

    [Fact]
    public async Task StartListStop_Transient_CreatesInSysfsAndGivesTheInstanceBack()
    {
        var id = await _control.StartAsync(U1, SimulatedHost.Gvt, "i915-GVTg_V5_4");

        id.Should().Be(U1);
        _host.Core.Sysfs.ReadDirectory("/sys/bus/mdev/devices").Select(e => e.Name).Should().Equal(U1.ToString());
        (await _control.ListTypesAsync(SimulatedHost.Gvt)).Single(t => t.TypeId == "i915-GVTg_V5_4").AvailableInstances.Should().Be(2);
        var active = await _control.ListActiveAsync();
        active.Should().Equal(new MdevDeviceInfo(U1, SimulatedHost.Gvt, "i915-GVTg_V5_4", false, true, false, []));
        (await _control.ListActiveAsync(parent: "mtty")).Should().BeEmpty();

        await _control.StopAsync(U1);

        (await _control.ListActiveAsync()).Should().BeEmpty();
        (await _control.ListTypesAsync(SimulatedHost.Gvt)).Single(t => t.TypeId == "i915-GVTg_V5_4").AvailableInstances.Should().Be(3);
    }

    [Fact]
    public async Task Start_WithoutUuid_GeneratesAVersion4Uuid()
    {
        var id = await _control.StartAsync(null, "mtty", "mtty-1");

        id.Version.Should().Be(4);
        (await _control.ListActiveAsync()).Single().Uuid.Should().Be(id);
    }

    [Fact]
    public async Task StartFromConfig_Attributes_WrittenInOrderAfterTheDeviceAppears()
    {
        var config = new MdevDeviceConfig("vfio_ap-passthrough", false, [new("assign_adapter", "5"), new("assign_domain", "0x47"), new("assign_control_domain", "0x47")]);

        await _control.StartAsync(U1, SimulatedHost.Ap, config);

        _host.Core.Sysfs.Read($"/sys/bus/mdev/devices/{U1}/matrix").Should().Be("05.0047\n");
    }

    [Theory]
    [InlineData("no_such_attr", "1", "Invalid attribute 'no_such_attr'", Errno.ENOENT)]
    [InlineData("assign_adapter", "0x100", "Failed to write 0x100 to attribute assign_adapter", null)]
    [InlineData("matrix", "1", "Failed to write 1 to attribute matrix", Errno.EACCES)]
    public async Task StartFromConfig_AttributeFails_DeviceRemovedAndErrorNamesTheAttribute(string attr, string value, string message, Errno? errno)
    {
        var before = _host.SysfsSnapshot();
        var config = new MdevDeviceConfig("vfio_ap-passthrough", false, [new("assign_domain", "0x47"), new(attr, value)]);

        var act = () => _control.StartAsync(U1, SimulatedHost.Ap, config);

        var thrown = (await act.Should().ThrowAsync<MdevctlException>()).Which;
        thrown.MdevctlMessage.Should().Be(message);
        if (errno is { } e)
        {
            thrown.Errno.Should().Be(e);
        }
        else
        {
            thrown.InnerException.Should().BeOfType<MdevException>("the kernel's store refused the value");
            thrown.Errno.Should().Be(((MdevException)thrown.InnerException!).Errno);
        }

        _host.SysfsSnapshot().Should().Be(before, "the device was removed again (mdevctl PR #30 left it active)");
    }

    [Theory]
    [InlineData("0000:00:03.0", "i915-GVTg_V5_4", "Unable to find parent device '0000:00:03.0'", Errno.ENOENT)]
    [InlineData("MATRIX", "vfio_ap-passthrough", "Unable to find parent device 'MATRIX'. Did you mean 'matrix'?", Errno.ENOENT)]
    [InlineData("0000:00:02.0", "i915-GVTg_V5_1", "Parent 0000:00:02.0 does not support mdev type i915-GVTg_V5_1", Errno.ENOENT)]
    [InlineData("0000:00:02.0", "../../mtty", "Parent 0000:00:02.0 does not support mdev type ../../mtty", Errno.ENOENT)]
    [InlineData("../class", "x", "Unable to find parent device '../class'", Errno.ENOENT)]
    public async Task Start_UnknownParentOrType_MdevctlsMessageAndNothingChanged(string parent, string type, string message, Errno errno)
    {
        var sysfs = _host.SysfsSnapshot();
        var files = _host.ConfigSnapshot();

        var act = () => _control.StartAsync(U1, parent, type);

        (await act.Should().ThrowAsync<MdevctlException>()).Which.Should().Match<MdevctlException>(e => e.MdevctlMessage == message && e.Errno == errno);
        _host.SysfsSnapshot().Should().Be(sysfs);
        _host.ConfigSnapshot().Should().Equal(files);
    }

    [Fact]
    public async Task Start_NoInstancesLeft_MdevctlsMessageWithEusers()
    {
        await _control.StartAsync(U1, SimulatedHost.Gvt, "i915-GVTg_V5_2");
        var before = _host.SysfsSnapshot();

        var act = () => _control.StartAsync(U2, SimulatedHost.Gvt, "i915-GVTg_V5_2");

        (await act.Should().ThrowAsync<MdevctlException>()).Which.Should().Match<MdevctlException>(e =>
            e.MdevctlMessage == "No available instances of i915-GVTg_V5_2 on 0000:00:02.0" && e.Errno == Errno.EUSERS);
        _host.SysfsSnapshot().Should().Be(before);
    }

    [Fact]
    public async Task Start_AlreadyActive_SaysHowItDiffers()
    {
        await _control.StartAsync(U1, "mtty", "mtty-1");

        (await FailAsync(() => _control.StartAsync(U1, "mtty", "mtty-1"))).Should().Be("Device already exists");
        (await FailAsync(() => _control.StartAsync(U1, "mtty", "mtty-2"))).Should().Be("Device exists with different type");
        (await FailAsync(() => _control.StartAsync(U1, SimulatedHost.Gvt, "i915-GVTg_V5_4"))).Should().Be("Device exists under different parent");
        (await _control.ListActiveAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task Start_Underspecified_MdevctlsArgumentErrors()
    {
        (await FailAsync(() => _control.StartAsync(U1))).Should().Be("Device is insufficiently specified");
        (await FailAsync(() => _control.StartAsync(U1, type: "mtty-1"))).Should().Be("can't provide type without parent");
        (await FailAsync(() => _control.StartAsync(null, "mtty"))).Should().Be("Device is insufficiently specified");
    }

    [Fact]
    public async Task Stop_NotActive_ErrorRemovingDeviceWithEnoent()
    {
        var act = () => _control.StopAsync(U1);

        (await act.Should().ThrowAsync<MdevctlException>()).Which.Should().Match<MdevctlException>(e =>
            e.MdevctlMessage == $"Error removing device {U1}" && e.Errno == Errno.ENOENT);
    }

    [Fact]
    public async Task Define_WritesTheFileAsMdevctl_AndStartUsesIt()
    {
        await _control.DefineAsync(U1, "mtty", "mtty-2", autoStart: true);

        File.ReadAllText(_host.ConfigPath("mtty", U1)).Should().Be("{\n  \"mdev_type\": \"mtty-2\",\n  \"start\": \"auto\",\n  \"attrs\": []\n}");
        (await _control.ListDefinedAsync()).Should().ContainSingle().Which.Should().Match<MdevDeviceInfo>(d => d.Defined && !d.Active && d.AutoStart);
        (await _control.ListActiveAsync()).Should().BeEmpty("define does not start");

        await _control.StartAsync(U1);

        (await _control.ListActiveAsync()).Single().Should().Match<MdevDeviceInfo>(d => d.Defined && d.AutoStart && d.Type == "mtty-2");
        (await _control.ListDefinedAsync()).Single().Active.Should().BeTrue();
    }

    [Fact]
    public async Task Define_ActiveDevice_TakesParentAndTypeFromSysfs()
    {
        await _control.StartAsync(U1, SimulatedHost.Ccw, "vfio_ccw-io");

        await _control.DefineAsync(U1);

        MdevDeviceConfig.Parse(File.ReadAllText(_host.ConfigPath(SimulatedHost.Ccw, U1))).Should().Be(new MdevDeviceConfig("vfio_ccw-io"));
        (await FailAsync(() => _control.DefineAsync(U1))).Should().Be($"Device {U1} on {SimulatedHost.Ccw} already defined");
    }

    [Fact]
    public async Task Define_MissingPieces_MdevctlsMessagesAndNoFile()
    {
        (await FailAsync(() => _control.DefineAsync(U1))).Should().Be("No parent specified");
        (await FailAsync(() => _control.DefineAsync(U1, type: "mtty-1"))).Should().Be("No parent specified");
        (await FailAsync(() => _control.DefineAsync(U1, "mtty"))).Should().Be("No type specified");
        (await FailAsync(() => _control.DefineAsync(U1, "../etc", "x"))).Should().Be("Invalid parent name '../etc'");
        _host.ConfigSnapshot().Keys.Should().OnlyContain(k => k.Contains("scripts.d", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Define_JsonConfig_RefusesToOverwrite()
    {
        var config = new MdevDeviceConfig("vfio_ap-passthrough", false, [new("assign_adapter", "5")]);
        await _control.DefineAsync(U1, SimulatedHost.Ap, config);
        var before = _host.ConfigSnapshot();

        (await FailAsync(() => _control.DefineAsync(U1, SimulatedHost.Ap, config with { AutoStart = true })))
            .Should().Be($"Cowardly refusing to overwrite existing config for matrix/{U1}");
        _host.ConfigSnapshot().Should().Equal(before);
    }

    [Fact]
    public async Task OneUuid_DefinedOnSeveralParents_ListedTwiceAndStartNeedsAParent()
    {
        await _control.DefineAsync(U1, "mtty", "mtty-1");
        await _control.DefineAsync(U1, SimulatedHost.Gvt, "i915-GVTg_V5_8");

        (await _control.ListDefinedAsync(U1)).Select(d => d.Parent).Should().Equal(SimulatedHost.Gvt, "mtty");
        (await FailAsync(() => _control.StartAsync(U1))).Should().Be($"Multiple definitions found for device {U1}. Please specify a parent.");
        (await FailAsync(() => _control.ModifyAsync(U1, null, new MdevModification { AutoStart = true }))).Should().Be($"Multiple definitions found for {U1}, specify a parent");

        await _control.StartAsync(U1, "mtty");

        (await _control.ListDefinedAsync(U1)).Select(d => d.Active).Should().Equal(false, true);
        (await _control.UndefineAsync(U1)).Should().Equal(SimulatedHost.Gvt, "mtty");
        (await _control.ListDefinedAsync()).Should().BeEmpty();
        Directory.Exists(Path.Combine(_host.ConfigDirectory, "mtty")).Should().BeTrue("mdevctl never removes a parent directory");
        (await _control.ListActiveAsync()).Single().Defined.Should().BeFalse("undefine leaves the running device");
    }

    [Fact]
    public async Task Modify_TypeModeAndAttributesByIndex_RewritesTheFile()
    {
        await _control.DefineAsync(U1, SimulatedHost.Ap, new MdevDeviceConfig("vfio_ap-passthrough", false, [new("assign_adapter", "5")]));

        await _control.ModifyAsync(U1, null, new MdevModification { AddAttribute = new("assign_domain", "0x47") });
        await _control.ModifyAsync(U1, null, new MdevModification { AddAttribute = new("assign_control_domain", "0x47"), Index = 0 });
        await _control.ModifyAsync(U1, SimulatedHost.Ap, new MdevModification { AutoStart = true, Type = "vfio_ap-passthrough" });
        var config = MdevDeviceConfig.Parse(File.ReadAllText(_host.ConfigPath(SimulatedHost.Ap, U1)));

        config.AutoStart.Should().BeTrue();
        config.Attributes.Select(a => a.Name).Should().Equal("assign_control_domain", "assign_adapter", "assign_domain");

        await _control.ModifyAsync(U1, null, new MdevModification { DeleteAttribute = true, Index = 1 });
        var last = await _control.ModifyAsync(U1, null, new MdevModification { DeleteAttribute = true });

        last.Attributes.Select(a => a.Name).Should().Equal("assign_control_domain");
        File.ReadAllText(_host.ConfigPath(SimulatedHost.Ap, U1)).Should().Be(last.ToJson());
    }

    [Fact]
    public async Task Modify_BadInput_MdevctlsMessagesAndFileUnchanged()
    {
        (await FailAsync(() => _control.ModifyAsync(U1, null, new MdevModification { AutoStart = true }))).Should().Be($"Mediated device {U1} is not defined");
        (await FailAsync(() => _control.ModifyAsync(U1, "mtty", new MdevModification()))).Should().Be($"Mediated device mtty/{U1} is not defined");
        await _control.DefineAsync(U1, "mtty", "mtty-1");
        var before = _host.ConfigSnapshot();

        (await FailAsync(() => _control.ModifyAsync(U1, null, new MdevModification { AddAttribute = new("a", "b"), Index = 5 }))).Should().Be("Attribute index 5 is invalid");
        await _control.ModifyAsync(U1, null, new MdevModification { AddAttribute = new("a", "b") });
        (await FailAsync(() => _control.ModifyAsync(U1, null, new MdevModification { DeleteAttribute = true, Index = 1 }))).Should().Be("Attribute index 1 is invalid");
        await _control.ModifyAsync(U1, null, new MdevModification { DeleteAttribute = true });

        _host.ConfigSnapshot().Should().Equal(before);
    }

    [Fact]
    public async Task Undefine_NoMatch_MdevctlsMessage()
    {
        (await FailAsync(() => _control.UndefineAsync(U1))).Should().Be("No devices match the specified uuid");
    }

    [Fact]
    public async Task StartParentDevices_StartsAutoOnly_AndGoesOnAfterAFailure()
    {
        await _control.DefineAsync(U1, SimulatedHost.Gvt, "i915-GVTg_V5_2", autoStart: true);
        await _control.DefineAsync(U2, SimulatedHost.Gvt, "i915-GVTg_V5_2", autoStart: true);
        var manual = await _control.DefineAsync(null, SimulatedHost.Gvt, "i915-GVTg_V5_4");

        var result = await _control.StartParentDevicesAsync(SimulatedHost.Gvt);

        result.Started.Should().Equal(U1);
        result.Failed.Should().ContainSingle().Which.MdevctlMessage.Should().Be("No available instances of i915-GVTg_V5_2 on 0000:00:02.0");
        (await _control.ListActiveAsync()).Select(d => d.Uuid).Should().Equal(U1).And.NotContain(manual);
        (await _control.StartParentDevicesAsync("unknown")).Started.Should().BeEmpty();
    }

    [Fact]
    public async Task MalformedDefinition_ListDefinedFails_ListActiveToleratesIt()
    {
        await _control.StartAsync(U1, "mtty", "mtty-1");
        Directory.CreateDirectory(Path.Combine(_host.ConfigDirectory, "mtty"));
        File.WriteAllText(_host.ConfigPath("mtty", U1), "{not json");
        var files = _host.ConfigSnapshot();
        var sysfs = _host.SysfsSnapshot();

        (await FailAsync(() => _control.ListDefinedAsync())).Should().EndWith(" at line 1 column 2", "mdevctl fails the whole listing");
        (await _control.ListActiveAsync()).Single().Should().Match<MdevDeviceInfo>(d => d.Defined && !d.AutoStart, "as mdevctl: still (defined), manual");
        (await FailAsync(() => _control.ModifyAsync(U1, "mtty", new MdevModification { AutoStart = true }))).Should().NotBeEmpty();
        (await FailAsync(() => _control.StartParentDevicesAsync("mtty"))).Should().NotBeEmpty();

        _host.ConfigSnapshot().Should().Equal(files);
        _host.SysfsSnapshot().Should().Be(sysfs);
    }

    [Fact]
    public async Task ConfigDirectoryMissing_ClearErrorAndNothingCreated()
    {
        Directory.Delete(_host.ConfigDirectory, recursive: true);
        var message = $"Required directory \"{_host.ConfigDirectory}\" doesn't exist. This may indicate a packaging or installation error";

        (await FailAsync(() => _control.ListDefinedAsync())).Should().Be(message);
        (await FailAsync(() => _control.ListActiveAsync())).Should().Be(message);
        (await FailAsync(() => _control.DefineAsync(U1, "mtty", "mtty-1"))).Should().Be(message);
        (await FailAsync(() => _control.StartAsync(U1))).Should().Be(message);
        (await _control.ListTypesAsync()).Should().NotBeEmpty("types need no configuration");
        Directory.Exists(_host.ConfigDirectory).Should().BeFalse();

        var lenient = _host.Control(o => o.RequireConfigDirectory = false);
        (await lenient.ListDefinedAsync()).Should().BeEmpty();
        (await FailAsync(() => lenient.DefineAsync(U1, "mtty", "mtty-1"))).Should().Be(message);
    }

    [Fact]
    public async Task ConfigDirectoryIsAFile_ClearErrorWithEnotdir()
    {
        Directory.Delete(_host.ConfigDirectory, recursive: true);
        File.WriteAllText(_host.ConfigDirectory, "");

        var act = () => _control.DefineAsync(U1, "mtty", "mtty-1");

        (await act.Should().ThrowAsync<MdevctlException>()).Which.Errno.Should().Be(Errno.ENOTDIR);
        File.ReadAllText(_host.ConfigDirectory).Should().BeEmpty();
    }

    [Fact]
    public async Task ParentEntryIsAFile_DefineFailsAndLeavesNoFile()
    {
        File.WriteAllText(Path.Combine(_host.ConfigDirectory, "mtty"), "x");
        var before = _host.ConfigSnapshot();

        var act = () => _control.DefineAsync(U1, "mtty", "mtty-1");

        (await act.Should().ThrowAsync<MdevctlException>()).Which.MdevctlMessage.Should().Be($"Failed to write config for device {U1}");
        _host.ConfigSnapshot().Should().Equal(before);
    }

    [Fact]
    public async Task Define_SameUuidConcurrently_ExactlyOneWins()
    {
        for (int round = 0; round < 200; round++)
        {
            var id = Guid.NewGuid();
            var tasks = Enumerable.Range(0, 4).Select(i => Task.Run(() => _control.DefineAsync(id, "mtty", i % 2 == 0 ? "mtty-1" : "mtty-2"))).ToArray();
            try
            {
                await Task.WhenAll(tasks);
            }
            catch (MdevctlException)
            {
            }

            tasks.Count(t => t.IsCompletedSuccessfully).Should().Be(1, $"round {round}");
            tasks.Where(t => t.IsFaulted).Should().OnlyContain(t => ((MdevctlException)t.Exception!.InnerException!).Errno == Errno.EEXIST);
            var winner = (await _control.ListDefinedAsync(id)).Single();
            Directory.EnumerateFiles(Path.Combine(_host.ConfigDirectory, "mtty")).Should().NotContain(f => f.EndsWith(".tmp", StringComparison.Ordinal));
            winner.Type.Should().StartWith("mtty-");
        }
    }

    [Fact]
    public async Task Start_SameUuidConcurrently_OneDeviceAndTheOthersEexist()
    {
        for (int round = 0; round < 30; round++)
        {
            var id = Guid.NewGuid();
            var tasks = Enumerable.Range(0, 3).Select(_ => Task.Run(() => _control.StartAsync(id, "mtty", "mtty-1"))).ToArray();
            try
            {
                await Task.WhenAll(tasks);
            }
            catch (MdevctlException)
            {
            }

            tasks.Count(t => t.IsCompletedSuccessfully).Should().Be(1, $"round {round}");
            tasks.Where(t => t.IsFaulted).Should().OnlyContain(t => ((MdevctlException)t.Exception!.InnerException!).Errno == Errno.EEXIST);
            await _control.StopAsync(id);
        }

        (await _control.ListActiveAsync()).Should().BeEmpty();
    }

    private static async Task<string> FailAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (MdevctlException ex)
        {
            return ex.MdevctlMessage;
        }

        throw new InvalidOperationException("the call did not fail");
    }
}
