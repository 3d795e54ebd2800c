using Mdev.Control.Tests.Support;
using Mdev.Core;

namespace Mdev.Control.Tests;

/// <summary>Call-out scripts and notifiers as mdevctl runs them (mdevctl-contract.md §8), in process.</summary>
public sealed class CalloutTests : IAsyncLifetime
{
    private static readonly Guid U1 = Guid.Parse("11111111-1111-4111-8111-111111111111");
    private SimulatedHost _host = null!;
    private string _log = null!;

    public Task InitializeAsync()
    {
        _host = new SimulatedHost();
        _log = Path.Combine(_host.Root, "callouts.log");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>A script that logs its name, argv and standard input, then exits with <paramref name="rc"/> (and prints <paramref name="getAnswer"/> for <c>get</c>).</summary>
    public static string LoggingScript(string log, string name, int rc, string getAnswer = "") =>
        $"echo \"{name} $*\" >> '{log}'\nif [ \"$4\" = get ]; then printf '%s' '{getAnswer}'; else cat >> '{log}'; echo >> '{log}'; fi\nexit {rc}";

    [Fact]
    public async Task Start_PrePostAndNotify_WithArgvAndConfigOnStdin()
    {
        SimulatedHost.WriteScript(_host.CalloutDirectory, "10-other", LoggingScript(_log, "other", 2));
        SimulatedHost.WriteScript(_host.CalloutDirectory, "20-mine", LoggingScript(_log, "mine", 0));
        SimulatedHost.WriteScript(_host.CalloutDirectory, "30-never", LoggingScript(_log, "never", 0));
        SimulatedHost.WriteScript(_host.NotifierDirectory, "n", LoggingScript(_log, "notifier", 1));

        await _host.Control().StartAsync(U1, "mtty", "mtty-1");

        var json = "{\"mdev_type\":\"mtty-1\",\"start\":\"manual\",\"attrs\":[]}";
        File.ReadAllText(_log).Should().Be(
            $"other -t mtty-1 -e pre -a start -s none -u {U1} -p mtty\n{json}\n" +
            $"mine -t mtty-1 -e pre -a start -s none -u {U1} -p mtty\n{json}\n" +
            $"mine -t mtty-1 -e post -a start -s success -u {U1} -p mtty\n{json}\n" +
            $"notifier -t mtty-1 -e notify -a start -s success -u {U1} -p mtty\n{json}\n");
    }

    [Fact]
    public async Task PreFails_CommandRefusedAndNothingChanged()
    {
        var script = SimulatedHost.WriteScript(_host.CalloutDirectory, "veto", "cat >/dev/null; exit 1");
        var control = _host.Control();
        var before = _host.SysfsSnapshot();

        var act = () => control.StartAsync(U1, "mtty", "mtty-1");

        (await act.Should().ThrowAsync<MdevctlException>()).Which.MdevctlMessage.Should().Be($"callout script \"{script}\" failed with return code 1");
        _host.SysfsSnapshot().Should().Be(before);
        await FluentActions.Awaiting(() => control.DefineAsync(U1, "mtty", "mtty-1")).Should().ThrowAsync<MdevctlException>();
        File.Exists(_host.ConfigPath("mtty", U1)).Should().BeFalse();
    }

    [Fact]
    public async Task BodyFails_PostToldFailure()
    {
        SimulatedHost.WriteScript(_host.CalloutDirectory, "mine", LoggingScript(_log, "mine", 0));

        await FluentActions.Awaiting(() => _host.Control().StartAsync(U1, "mtty", "mtty-9")).Should().ThrowAsync<MdevctlException>();

        File.ReadAllText(_log).Should().Contain($"mine -t mtty-9 -e post -a start -s failure -u {U1} -p mtty\n");
    }

    [Fact]
    public async Task GetCallout_AttributesOfAnUndefinedActiveDevice_ListedAndDefined()
    {
        SimulatedHost.WriteScript(_host.CalloutDirectory, "get", LoggingScript(_log, "get", 0, "[{\"assign_adapter\":\"5\"},{\"assign_domain\":\"0x47\"}]"));
        var control = _host.Control();
        await control.StartAsync(U1, SimulatedHost.Ap, "vfio_ap-passthrough");
        var expected = new MdevConfigAttribute[] { new("assign_adapter", "5"), new("assign_domain", "0x47") };

        (await control.ListActiveAsync()).Single().Attributes.Should().Equal(expected);
        File.ReadAllText(_log).Should().Contain($"get -t vfio_ap-passthrough -e get -a attributes -s none -u {U1} -p matrix\n");

        await control.DefineAsync(U1);

        MdevDeviceConfig.Parse(File.ReadAllText(_host.ConfigPath(SimulatedHost.Ap, U1))).Attributes.Should().Equal(expected);
    }

    [Fact]
    public async Task GetCallout_BadJson_DefineFailsWithoutAFile()
    {
        SimulatedHost.WriteScript(_host.CalloutDirectory, "get", LoggingScript(_log, "get", 0, "{oops"));
        var control = _host.Control();
        await control.StartAsync(U1, "mtty", "mtty-1");

        (await control.ListActiveAsync()).Single().Attributes.Should().BeEmpty("list only warns");
        var act = () => control.DefineAsync(U1);

        (await act.Should().ThrowAsync<MdevctlException>()).Which.Should().Match<MdevctlException>(e => e.MdevctlMessage == "Unable to parse attributes from JSON" && e.Errno == Errno.EINVAL);
        File.Exists(_host.ConfigPath("mtty", U1)).Should().BeFalse();
    }

    [Fact]
    public async Task RunCalloutsOff_NoScriptRuns()
    {
        SimulatedHost.WriteScript(_host.CalloutDirectory, "veto", $"echo ran >> '{_log}'; exit 1");
        SimulatedHost.WriteScript(_host.NotifierDirectory, "n", $"echo ran >> '{_log}'");

        await _host.Control(o => o.RunCallouts = false).StartAsync(U1, "mtty", "mtty-1");

        File.Exists(_log).Should().BeFalse();
    }

    [Fact]
    public async Task NotExecutable_Skipped()
    {
        var path = Path.Combine(_host.CalloutDirectory, "plain");
        File.WriteAllText(path, "exit 1\n");

        await _host.Control().StartAsync(U1, "mtty", "mtty-1");

        (await _host.Control().ListActiveAsync()).Should().ContainSingle();
    }
}
