using Mdev.Core.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Mdev.Core.Tests;

/// <summary>A forgotten handle never makes disposal hang silently: the wait is a warning naming the holder, and cancellable.</summary>
public sealed class ForgottenHandleTests
{
    [Fact]
    public void Open_NullHolder_ThrowsAndOpensNothing()
    {
        using var core = new MdevCore();
        var parent = core.RegisterParent(core.AddDevice("/sys/devices/virtual/mtty/mtty", deviceClass: "mtty"), new TestVendor());
        var mdev = core.CreateMdevDevice(parent.Types[0], Guid.NewGuid());

        var open = () => mdev.Open(null!);

        open.Should().Throw<ArgumentNullException>();
        mdev.OpenCount.Should().Be(0);
        mdev.Holders.Should().BeEmpty();
    }

    [Fact]
    public void Holders_NameEachLiveHandle_UntilItIsDisposed()
    {
        using var core = new MdevCore();
        var parent = core.RegisterParent(core.AddDevice("/sys/devices/virtual/mtty/mtty", deviceClass: "mtty"), new TestVendor());
        var mdev = core.CreateMdevDevice(parent.Types[0], Guid.NewGuid());

        var named = mdev.Open("the test's VMM");
        var anonymous = mdev.Open();

        anonymous.Holder.Should().MatchRegex(@"^a handle opened at ForgottenHandleTests\.cs:\d+$");
        mdev.Holders.Should().Equal("the test's VMM", anonymous.Holder);
        named.Dispose();
        mdev.Holders.Should().Equal(anonymous.Holder);
        anonymous.Dispose();
        mdev.Holders.Should().BeEmpty();
    }

    [Fact]
    public async Task ShutdownAsync_DeviceHeld_WarnsNamingTheHolder_CancelStopsTheWaitOnly_ReleaseFinishes()
    {
        using var logs = new CapturingLoggerFactory();
        var core = new MdevCore(new MdevCoreOptions { TimeProvider = new FakeTimeProvider() }, logs);
        var parent = core.RegisterParent(core.AddDevice("/sys/devices/virtual/mtty/mtty", deviceClass: "mtty"), new TestVendor());
        var mdev = core.CreateMdevDevice(parent.Types[0], Guid.NewGuid());
        var handle = mdev.Open("the forgotten VMM");
        using var cts = new CancellationTokenSource();

        var shutdown = core.ShutdownAsync(cts.Token);
        await cts.CancelAsync();

        await shutdown.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Id.Id == 8
            && e.Message.Contains(mdev.Name, StringComparison.Ordinal) && e.Message.Contains("the forgotten VMM", StringComparison.Ordinal));
        core.FindDevice(mdev.Uuid).Should().BeSameAs(mdev, "cancelling the wait removes nothing");
        handle.Dispose();
        await core.DisposeAsync(); // the unregistration under way completes once the holder let go
        core.FindDevice(mdev.Uuid).Should().BeNull();
        core.Parents.Should().BeEmpty();
    }

    [Fact]
    public async Task UnregisterParentAsync_Token_CancelledWhileHeld_ParentStaysGoing_CreatesGetEnodev()
    {
        var core = new MdevCore(new MdevCoreOptions { TimeProvider = new FakeTimeProvider() });
        var device = core.AddDevice("/sys/devices/virtual/mtty/mtty", deviceClass: "mtty");
        var parent = core.RegisterParent(device, new TestVendor());
        var mdev = core.CreateMdevDevice(parent.Types[0], Guid.NewGuid());
        var handle = mdev.Open("a VMM");
        using var cts = new CancellationTokenSource();

        var unregister = core.UnregisterParentAsync(device, cts.Token);
        await cts.CancelAsync();

        await unregister.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
        core.Invoking(c => c.CreateMdevDevice(parent.Types[0], Guid.NewGuid()))
            .Should().Throw<MdevException>().Which.Errno.Should().Be(Errno.ENODEV);
        handle.Dispose();
        await core.UnregisterParentAsync(device);
        core.Parents.Should().BeEmpty();
        await core.DisposeAsync();
    }
}
