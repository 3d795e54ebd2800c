using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

public sealed class RemoveTests
{
    private static readonly Guid Id = Guid.Parse(Host.Uuid);
    private readonly Host _host = new();
    private readonly string _remove = Host.DevicePath(Host.Uuid) + "/remove";

    public RemoveTests() => _host.Core.CreateMdevDevice(_host.T2, Id);

    /// <summary>Spec §6 vector 6.</summary>
    [Fact]
    public void Vector6_ZeroIsNoop_GarbageIsEinval_OneRemoves_OldFdIsEnodev()
    {
        using var file = _host.Sysfs.Open(_remove, FileAccess.Write);
        file.Write("0"u8).Should().Be(1);
        file.Write("0x0\n"u8).Should().Be(4);
        Expect.Errno(Errno.EINVAL, () => file.Write("abc"u8));
        Expect.Errno(Errno.EINVAL, () => file.Write("-1"u8));
        Expect.Errno(Errno.EINVAL, () => file.Write("1 "u8));
        _host.Core.FindDevice(Id)!.State.Should().Be(MdevDeviceState.Active);
        _host.Available(Host.Type2).Should().Be("11\n");

        file.Write("1"u8).Should().Be(1);
        CreateTests.AssertNoTrace(_host, Host.Uuid);
        _host.Available(Host.Type2).Should().Be("12\n");
        _host.Vendor.Calls.Should().Equal("create " + Host.Uuid, "remove " + Host.Uuid);
        _host.Driver.Calls.Should().Equal("probe " + Host.Uuid, "remove " + Host.Uuid);
        Expect.Errno(Errno.ENODEV, () => file.Write("1"u8));
        Expect.Errno(Errno.ENOENT, () => _host.Sysfs.Write(_remove, "1"));
    }

    [Theory]
    [InlineData("0x1")]
    [InlineData("01")]
    [InlineData("1\n")]
    [InlineData("+5")]
    public void RemoveAcceptsAnyNonZeroKstrtoulNumber(string text)
    {
        _host.Sysfs.Write(_remove, text).Should().Be(text.Length);
        _host.Core.FindDevice(Id).Should().BeNull();
    }

    [Fact]
    public async Task TypedRemove_Unknown_IsEnodev_Creating_IsEagain()
    {
        await Expect.ErrnoAsync(Errno.ENODEV, () => _host.Core.RemoveMdevDeviceAsync(Guid.NewGuid()));

        var vendor = new BlockingVendor();
        var core = new MdevCore();
        var parent = core.RegisterParent(core.AddDevice(Host.ParentPath, deviceClass: "mtty"), vendor);
        var creating = Task.Run(() => core.CreateMdevDevice(parent.Types[0], Id));
        vendor.InCreate.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
        core.FindDevice(Id)!.State.Should().Be(MdevDeviceState.Creating);
        await Expect.ErrnoAsync(Errno.EAGAIN, () => core.RemoveMdevDeviceAsync(Id));
        Expect.Errno(Errno.EEXIST, () => core.CreateMdevDevice(parent.Types[1], Id));
        vendor.Proceed.Set();
        (await creating).State.Should().Be(MdevDeviceState.Active);
        await core.RemoveMdevDeviceAsync(Id);
        core.FindDevice(Id).Should().BeNull();
    }

    /// <summary>Spec §6 vector 7, modern: the removal waits for the user, asking through Request at once and every 10 s.</summary>
    [Fact]
    public async Task Vector7_Modern_RemoveWhileOpen_WaitsAndRequestsUntilReleased()
    {
        var mdev = _host.Core.FindDevice(Id)!;
        var handle = mdev.Open();
        mdev.OpenCount.Should().Be(1);
        var removal = Task.Run(() => _host.Sysfs.Write(_remove, "1"));
        await WaitUntil(() => _host.Vendor.Requests.Count == 1);
        mdev.State.Should().Be(MdevDeviceState.Removing);
        Expect.Errno(Errno.ENODEV, () => mdev.Open());
        await Expect.ErrnoAsync(Errno.EAGAIN, () => _host.Core.RemoveMdevDeviceAsync(Id));

        // The kernel's intermediate state (device_del runs up to the driver's remove, which waits): remove, mdev_type,
        // power/, uevent, subsystem, the type, bus and driver links are gone; only the (empty) directory stays.
        Expect.Errno(Errno.ENOENT, () => _host.Sysfs.Write(_remove, "1"));
        _host.Sysfs.Exists("/sys/bus/mdev/devices/" + Host.Uuid).Should().BeFalse();
        _host.Sysfs.ReadDirectory(Host.Type2 + "/devices").Should().BeEmpty();
        _host.Sysfs.ReadDirectory("/sys/bus/mdev/drivers/" + _host.Driver.Name).Select(e => e.Name).Should().NotContain(Host.Uuid);
        _host.Sysfs.ReadDirectory(mdev.SysfsPath).Should().BeEmpty();

        _host.Time.Advance(TimeSpan.FromSeconds(10));
        await WaitUntil(() => _host.Vendor.Requests.Count == 2);
        _host.Time.Advance(TimeSpan.FromSeconds(10));
        await WaitUntil(() => _host.Vendor.Requests.Count == 3);
        removal.IsCompleted.Should().BeFalse();

        handle.Dispose();
        (await removal).Should().Be(1);
        _host.Vendor.Requests.Should().Equal(0u, 1u, 2u);
        _host.Vendor.Calls.Should().Equal("create " + Host.Uuid, "open " + Host.Uuid, "release " + Host.Uuid, "remove " + Host.Uuid);
        CreateTests.AssertNoTrace(_host, Host.Uuid);
    }

    [Fact]
    public async Task Modern_CancelledWait_LeavesTheDeviceActive()
    {
        var mdev = _host.Core.FindDevice(Id)!;
        var before = CreateTests.Snapshot(_host.Sysfs);
        using var handle = mdev.Open();
        using var cts = new CancellationTokenSource();
        var removal = _host.Core.RemoveMdevDeviceAsync(Id, cts.Token);
        await WaitUntil(() => _host.Vendor.Requests.Count == 1);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => removal);
        mdev.State.Should().Be(MdevDeviceState.Active);
        CreateTests.Snapshot(_host.Sysfs).Should().Equal(before);
        _host.Vendor.Calls.Should().NotContain("remove " + Host.Uuid);
        using var second = mdev.Open();
        mdev.OpenCount.Should().Be(2);
    }

    [Fact]
    public void Modern_VendorRemoveFailure_IsLogged_AndRemovalGoesOn()
    {
        _host.Vendor.FailRemoveWith = Errno.EBUSY;
        _host.Sysfs.Write(_remove, "1").Should().Be(1);
        CreateTests.AssertNoTrace(_host, Host.Uuid);
    }

    /// <summary>Spec §6 vector 7, 2016: a vendor refusal is EBUSY and the device and its remove file stay.</summary>
    [Fact]
    public void Vector7_Legacy2016_VendorRefusal_IsEbusy_AndTheDeviceStays()
    {
        var host = new Host(policy: RemovePolicy.Legacy2016);
        host.Core.CreateMdevDevice(host.T1, Id);
        using var listener = host.Core.SubscribeUevents();
        host.Vendor.FailRemoveWith = Errno.EINVAL;
        var ex = Expect.Errno(Errno.EBUSY, () => host.Sysfs.Write(_remove, "1"));
        ex.InnerException.Should().BeOfType<MdevException>().Which.Errno.Should().Be(Errno.EINVAL);
        host.Core.FindDevice(Id)!.State.Should().Be(MdevDeviceState.Active);
        host.Sysfs.Exists(_remove).Should().BeTrue();
        host.Sysfs.Exists("/sys/bus/mdev/devices/" + Host.Uuid).Should().BeTrue();
        Expect.Drain(listener).Should().BeEmpty();

        host.Vendor.FailRemoveWith = null;
        host.Sysfs.Write(_remove, "1").Should().Be(1);
        CreateTests.AssertNoTrace(host, Host.Uuid);
        host.Vendor.Calls.Where(c => c.StartsWith("remove", StringComparison.Ordinal)).Should().HaveCount(2);
    }

    [Fact]
    public async Task OpenRelease_FollowTheModernFirstOpenLastCloseRule()
    {
        var mdev = _host.Core.FindDevice(Id)!;
        var a = mdev.Open();
        var b = mdev.Open();
        var buffer = new byte[4];
        a.Read(buffer, 7).Should().Be(4);
        buffer.Should().Equal(7, 7, 7, 7);
        Expect.Errno(Errno.EINVAL, () => b.Write(buffer, 0));
        a.Dispose();
        a.Dispose();
        _host.Vendor.Calls.Count(c => c.StartsWith("release", StringComparison.Ordinal)).Should().Be(0);
        b.Dispose();
        _host.Vendor.Calls.Where(c => c.StartsWith("open", StringComparison.Ordinal) || c.StartsWith("release", StringComparison.Ordinal))
            .Should().Equal("open " + Host.Uuid, "release " + Host.Uuid);
        Assert.Throws<ObjectDisposedException>(() => a.Read(buffer, 0));
        await _host.Core.RemoveMdevDeviceAsync(Id);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(1, cts.Token);
        }
    }

    /// <summary>A vendor whose Create blocks until released, to observe a device mid-creation.</summary>
    private sealed class BlockingVendor : ParentOps
    {
        public ManualResetEventSlim InCreate { get; } = new();

        public ManualResetEventSlim Proceed { get; } = new();

        public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("1", "vfio-pci"), new("2", "vfio-pci")];

        public override int MaxInstances => 8;

        public override void Create(MdevDevice mdev)
        {
            InCreate.Set();
            Proceed.Wait(TimeSpan.FromSeconds(30));
        }

        public override void Remove(MdevDevice mdev)
        {
        }
    }
}
