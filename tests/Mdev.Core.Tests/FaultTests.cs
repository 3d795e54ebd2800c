using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

public sealed class FaultTests : IAsyncDisposable
{
    private const string Uuid2 = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1002";
    private readonly Host _host = new();

    private FaultRegistry Faults => _host.Core.Faults;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public void Arm_BadSpecs_AreEinval_AndArmNothing()
    {
        Expect.Errno(Errno.EINVAL, () => Faults.Arm(null!));
        Expect.Errno(Errno.EINVAL, () => Faults.Arm(new FaultSpec(FaultPoint.Create, Errno.ENOSPC) { Times = 0 }));
        Expect.Errno(Errno.EINVAL, () => Faults.Arm(new FaultSpec(FaultPoint.AttributeStore, Errno.EIO)))
            .Message.Should().Contain("attribute name is required");
        Expect.Errno(Errno.EINVAL, () => Faults.Arm(new FaultSpec(FaultPoint.Create, Errno.EIO) { Attribute = "create" }));
        Expect.Errno(Errno.EINVAL, () => Faults.Arm(new FaultSpec((FaultPoint)99, Errno.EIO)));
        Expect.Errno(Errno.EINVAL, () => Faults.Arm(new FaultSpec(FaultPoint.Create, (Errno)1000)));
        Faults.Armed.Should().BeEmpty();
    }

    [Theory]
    [InlineData("ENOSPC", Errno.ENOSPC)]
    [InlineData("EADDRINUSE", Errno.EADDRINUSE)]
    public void ParseErrno_KnownNames_Parse(string name, Errno expected) => FaultSpec.ParseErrno(name).Should().Be(expected);

    [Theory]
    [InlineData("28")]
    [InlineData("enospc")]
    [InlineData("ENOSPC, EIO")]
    [InlineData("EWHATEVER")]
    [InlineData("")]
    [InlineData(null)]
    public void ParseErrno_AnythingElse_IsEinvalNamingIt(string? name) =>
        Expect.Errno(Errno.EINVAL, () => FaultSpec.ParseErrno(name)).Message.Should().Contain($"unknown errno name '{name}'");

    [Fact]
    public void ParsePoint_RoundTripsEveryName_AndRefusesOthers()
    {
        foreach (var point in Enum.GetValues<FaultPoint>())
        {
            FaultSpec.ParsePoint(FaultSpec.PointName(point)).Should().Be(point);
        }

        Expect.Errno(Errno.EINVAL, () => FaultSpec.ParsePoint("Create")).Message.Should().Contain("unknown point 'Create'");
    }

    [Fact]
    public void CreateFault_Once_FailsWithTheErrno_LeavesNothing_ThenCreateWorks()
    {
        var before = _host.Sysfs.ReadDirectory(Host.ParentPath).Select(e => e.Name).ToArray();
        var fault = Faults.Arm(new FaultSpec(FaultPoint.Create, Errno.ENOSPC) { Type = "2" });

        var ex = Expect.Errno(Errno.ENOSPC, () => _host.Sysfs.Write(Host.Type2 + "/create", Host.Uuid + "\n"));
        ex.Message.Should().Contain("create on mtty-2").And.Contain($"fault #{fault.Id}");
        _host.Sysfs.ReadDirectory(Host.ParentPath).Select(e => e.Name).Should().Equal(before);
        _host.Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
        _host.Available(Host.Type2).Should().Be("12\n");
        _host.Vendor.Calls.Should().BeEmpty();
        _host.Core.FindDevice(Guid.Parse(Host.Uuid)).Should().BeNull();
        fault.Hits.Should().Be(1);
        fault.IsArmed.Should().BeFalse();
        Faults.Armed.Should().BeEmpty();

        _host.Sysfs.Write(Host.Type2 + "/create", Host.Uuid + "\n").Should().Be(37);
        _host.T2.CreateAttempts.Should().Be(2);
        _host.T1.CreateAttempts.Should().Be(0);
    }

    [Fact]
    public void CreateFault_NarrowedToAType_LeavesOtherTypesAlone()
    {
        Faults.Arm(new FaultSpec(FaultPoint.Create, Errno.EINVAL) { Type = "mtty-1", Times = null });
        _host.Core.CreateMdevDevice(_host.T2, Guid.Parse(Host.Uuid)).Should().NotBeNull();
        Expect.Errno(Errno.EINVAL, () => _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Uuid2)));
        Faults.Arm(new FaultSpec(FaultPoint.Create, Errno.EIO) { Parent = "another" });
        Expect.Errno(Errno.EINVAL, () => _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Uuid2)));
    }

    [Fact]
    public void CreateFault_NTimes_FailsNTimes_UntilCleared_FailsUntilCleared()
    {
        var thrice = Faults.Arm(new FaultSpec(FaultPoint.Create, Errno.EAGAIN) { Times = 3 });
        for (int i = 0; i < 3; i++)
        {
            thrice.Remaining.Should().Be(3 - i);
            Expect.Errno(Errno.EAGAIN, () => _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid)));
        }

        _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid));
        thrice.Hits.Should().Be(3);

        var forever = Faults.Arm(new FaultSpec(FaultPoint.Create, Errno.ENOMEM) { Times = null });
        for (int i = 0; i < 5; i++)
        {
            Expect.Errno(Errno.ENOMEM, () => _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Uuid2)));
        }

        forever.Remaining.Should().BeNull();
        Faults.Clear(forever.Id).Should().BeTrue();
        Faults.Clear(forever.Id).Should().BeFalse();
        _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Uuid2));
        _host.T1.CreateAttempts.Should().Be(10);
    }

    [Fact]
    public void RemoveFault_LeavesTheDeviceActive_AndTheRemoveFileWorksAfterwards()
    {
        _host.Sysfs.Write(Host.Type1 + "/create", Host.Uuid);
        Faults.Arm(new FaultSpec(FaultPoint.Remove, Errno.EBUSY) { Device = Host.Uuid });
        Expect.Errno(Errno.EBUSY, () => _host.Sysfs.Write(Host.DevicePath(Host.Uuid) + "/remove", "1"));
        _host.Core.FindDevice(Guid.Parse(Host.Uuid))!.State.Should().Be(MdevDeviceState.Active);
        _host.Sysfs.Exists(Host.Type1 + "/devices/" + Host.Uuid).Should().BeTrue();

        _host.Sysfs.Write(Host.DevicePath(Host.Uuid) + "/remove", "1").Should().Be(1);
        _host.Core.FindDevice(Guid.Parse(Host.Uuid)).Should().BeNull();
    }

    [Fact]
    public void AttributeStoreFault_FailsOnlyThatAttribute_BeforeItsStoreRuns()
    {
        var stored = new List<string>();
        var vendor = new TestVendor();
        vendor.ParentGroups.Add(new AttributeGroup<Device>(null, [
            MdevAttribute<Device>.WriteOnly("assign_domain", (_, text) => stored.Add(text)),
            MdevAttribute<Device>.WriteOnly("assign_adapter", (_, text) => stored.Add(text)),
        ]));
        var core = new MdevCore();
        var parent = core.RegisterParent(core.AddDevice("/sys/devices/vfio_ap/matrix", bus: "matrix", driver: "vfio_ap"), vendor);
        var dir = parent.Device.SysfsPath;
        core.Faults.Arm(new FaultSpec(FaultPoint.AttributeStore, Errno.EADDRINUSE) { Attribute = "assign_domain", Parent = "matrix" });

        core.Sysfs.Write(dir + "/assign_adapter", "0x05\n");
        Expect.Errno(Errno.EADDRINUSE, () => core.Sysfs.Write(dir + "/assign_domain", "0x04\n")).Message.Should().Contain("assign_domain");
        stored.Should().Equal("0x05\n");
        core.Sysfs.Write(dir + "/assign_domain", "0x04\n");
        stored.Should().Equal("0x05\n", "0x04\n");
    }

    [Fact]
    public void ClearAll_ByPoint_ClearsOnlyThatPoint()
    {
        Faults.Arm(new FaultSpec(FaultPoint.Create, Errno.EIO) { Times = null });
        Faults.Arm(new FaultSpec(FaultPoint.Remove, Errno.EIO) { Times = null });
        Faults.ClearAll(FaultPoint.Create).Should().Be(1);
        Faults.Armed.Select(f => f.Spec.Point).Should().Equal(FaultPoint.Remove);
        _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid));
        Faults.ClearAll().Should().Be(1);
        Faults.Armed.Should().BeEmpty();
    }

    /// <summary>Many threads against one fault armed for N failures: exactly N attempts fail, never more.</summary>
    [Fact]
    public void CountedFault_UnderConcurrentCreates_FiresExactlyItsCount()
    {
        for (int round = 0; round < 20; round++)
        {
            var core = new MdevCore();
            var parent = core.RegisterParent(core.AddDevice("/sys/devices/virtual/mtty/mtty", deviceClass: "mtty"), new TestVendor(ports: 1000));
            var fault = core.Faults.Arm(new FaultSpec(FaultPoint.Create, Errno.ENOSPC) { Times = 7 });
            int failures = 0;
            Parallel.For(0, 40, i =>
            {
                try
                {
                    core.CreateMdevDevice(parent.Types[0], Guid.NewGuid());
                }
                catch (MdevException ex) when (ex.Errno == Errno.ENOSPC)
                {
                    Interlocked.Increment(ref failures);
                }
            });

            failures.Should().Be(7);
            fault.Hits.Should().Be(7);
            core.Devices.Should().HaveCount(33);
            parent.Types[0].CreateAttempts.Should().Be(40);
        }
    }
}
