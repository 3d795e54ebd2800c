using Mdev.Control.Tests.Support;
using Mdev.Core;
using Mdev.Core.Sysfs;
using Microsoft.Extensions.Time.Testing;

namespace Mdev.Control.Tests;

/// <summary>Mdev.Control over <c>DirectorySysfs</c> on a tree shaped like a real host's <c>/sys</c>, and its waits on a fake clock.</summary>
public sealed class DirectorySysfsTests : IDisposable
{
    private static readonly Guid U1 = Guid.Parse("11111111-1111-4111-8111-111111111111");
    private readonly FixtureTree _tree = new();
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mdev-control-root-");
    private readonly FakeTimeProvider _time = new();

    public DirectorySysfsTests() => Directory.CreateDirectory(Path.Combine(_root.FullName, "etc", "mdevctl.d"));

    public void Dispose()
    {
        _tree.Dispose();
        _root.Delete(recursive: true);
    }

    [Fact]
    public async Task ListTypes_RealLayout_SkipsLinkedTypesAndStrayFilesAndJoinsTheDescription()
    {
        var types = await Control().ListTypesAsync();

        types.Should().Equal(new MdevTypeInfo(FixtureTree.Parent, FixtureTree.Type, 3, "vfio-pci", "GVTg_V5_4", "low_gm_size: 128MB, high_gm_size: 512MB"));
    }

    [Fact]
    public async Task ListActive_RealLayout_ParentAndTypeFromTheCanonicalPaths()
    {
        _tree.AddDevice(U1);

        (await Control().ListActiveAsync()).Should().Equal(new MdevDeviceInfo(U1, FixtureTree.Parent, FixtureTree.Type, false, true, false, []));
    }

    [Fact]
    public async Task Start_DeviceNeverAppears_TimesOutOnTheGivenClock()
    {
        var control = Control();

        var start = control.StartAsync(U1, FixtureTree.Parent, FixtureTree.Type);
        for (int i = 0; i < 1000 && !start.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        var thrown = (await FluentActions.Awaiting(() => start).Should().ThrowAsync<MdevctlException>()).Which;
        thrown.Errno.Should().Be(Errno.ETIMEDOUT);
        thrown.MdevctlMessage.Should().StartWith($"Device {U1} did not appear in /sys/bus/mdev/devices within 00:00:05");
        File.ReadAllText(_tree.CreateFile).Should().Be(U1.ToString(), "mdevctl's write: 36 bytes, lower case, no newline");
    }

    [Fact]
    public async Task Start_DeviceAppearsLater_WaitEndsAndSucceeds()
    {
        var control = Control();

        var start = control.StartAsync(U1, FixtureTree.Parent, FixtureTree.Type);
        _time.Advance(TimeSpan.FromSeconds(1));
        start.IsCompleted.Should().BeFalse("the device is not there yet");
        _tree.AddDevice(U1);
        for (int i = 0; i < 100 && !start.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        (await start).Should().Be(U1);
    }

    [Fact]
    public async Task Start_CancelledWhileWaiting_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var start = Control().StartAsync(U1, FixtureTree.Parent, FixtureTree.Type, cts.Token);

        await cts.CancelAsync();

        await FluentActions.Awaiting(() => start).Should().ThrowAsync<OperationCanceledException>();
    }

    private MdevControl Control() => new(new DirectorySysfs(_tree.SysRoot), new MdevControlOptions
    {
        Root = _root.FullName,
        TimeProvider = _time,
        DeviceTimeout = TimeSpan.FromSeconds(5),
        PollInterval = TimeSpan.FromMilliseconds(100),
    });
}
