using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

public sealed class UnregisterTests
{
    private readonly Host _host = new(new TestVendor(poolSize: 8));

    /// <summary>Spec §6 vector 8.</summary>
    [Fact]
    public async Task Vector8_UnregisterWithChildren_RemovesEverything_AndSendsChangeUnregistered()
    {
        var a = _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(CreateTests.Uuid(1)));
        var b = _host.Core.CreateMdevDevice(_host.T2, Guid.Parse(CreateTests.Uuid(2)));
        using var listener = _host.Core.SubscribeUevents();
        var handle = b.Open();

        var unregister = _host.Core.UnregisterParentAsync(_host.Device);
        await RemoveTests.WaitUntil(() => _host.Vendor.Requests.Count == 1);
        _host.Parent.IsUnregistering.Should().BeTrue();
        Expect.Errno(Errno.ENODEV, () => _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(CreateTests.Uuid(3))));
        _host.Sysfs.Exists("/sys/class/mdev_bus/mtty").Should().BeFalse();
        unregister.IsCompleted.Should().BeFalse();

        handle.Dispose();
        await unregister;
        a.State.Should().Be(MdevDeviceState.Gone);
        b.State.Should().Be(MdevDeviceState.Gone);
        _host.Sysfs.Exists(Host.ParentPath + "/mdev_supported_types").Should().BeFalse();
        _host.Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
        _host.Sysfs.ReadDirectory("/sys/class/mdev_bus").Should().BeEmpty();
        _host.Sysfs.ReadDirectory(Host.ParentPath).Select(e => e.Name).Should().Equal("power", "subsystem", "uevent");
        _host.Core.Parents.Should().BeEmpty();
        _host.Vendor.Calls.Should().Contain(["remove " + a.Name, "remove " + b.Name]);

        var events = Expect.Drain(listener);
        events.Select(e => $"{e.ActionName} {e.DevPath}").Should().Equal(
            $"unbind /devices/virtual/mtty/mtty/{a.Name}",
            $"remove /devices/virtual/mtty/mtty/{a.Name}",
            $"unbind /devices/virtual/mtty/mtty/{b.Name}",
            $"remove /devices/virtual/mtty/mtty/{b.Name}",
            "change /devices/virtual/mtty/mtty");
        events[^1]["MDEV_STATE"].Should().Be("unregistered");
        events.Select(e => e.SequenceNumber).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task UnregisterOfAnUnregisteredDevice_IsANoop_AndCanReregister()
    {
        await _host.Core.UnregisterParentAsync(_host.Device);
        await _host.Core.UnregisterParentAsync(_host.Device);
        var again = _host.Core.RegisterParent(_host.Device, new TestVendor(poolSize: 2));
        _host.Available(Host.Type1).Should().Be("2\n");
        again.Should().NotBeSameAs(_host.Parent);
        _host.Sysfs.ReadLink("/sys/class/mdev_bus/mtty").Should().Be("../../devices/virtual/mtty/mtty");
    }

    [Fact]
    public async Task RemoveRacingUnregistration_EndsWithEverythingGone_AndEachRemoveWonOrGotEnodev()
    {
        for (int round = 0; round < 20; round++)
        {
            var host = new Host(new TestVendor(poolSize: 8));
            var ids = Enumerable.Range(0, 6).Select(i => Guid.Parse(CreateTests.Uuid(i))).ToArray();
            foreach (var id in ids)
            {
                host.Core.CreateMdevDevice(host.T1, id);
            }

            var removes = ids.Select(id => Task.Run(async () =>
            {
                try
                {
                    await host.Core.RemoveMdevDeviceAsync(id);
                    return "ok";
                }
                catch (MdevException ex) when (ex.Errno is Errno.ENODEV)
                {
                    return ex.Errno.ToString();
                }
            })).ToArray();
            var unregister = Task.Run(() => host.Core.UnregisterParentAsync(host.Device));
            await Task.WhenAll(removes);
            await unregister;

            host.Core.Devices.Should().BeEmpty();
            host.Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
            host.Sysfs.Exists(Host.ParentPath + "/mdev_supported_types").Should().BeFalse();
            host.Vendor.Calls.Count(c => c.StartsWith("remove", StringComparison.Ordinal)).Should().Be(6);
        }
    }

    [Fact]
    public async Task DeleteDevice_HotUnplugsAParent_WithItsChildren()
    {
        _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid));
        using var listener = _host.Core.SubscribeUevents();
        await _host.Core.DeleteDeviceAsync(_host.Device);
        _host.Sysfs.Exists(Host.ParentPath).Should().BeFalse();
        _host.Sysfs.Exists("/sys/class/mtty/mtty").Should().BeFalse();
        _host.Core.Parents.Should().BeEmpty();
        Expect.Drain(listener).Select(e => e.ActionName).Should().Equal("unbind", "remove", "change", "remove");
        await Expect.ErrnoAsync(Errno.ENODEV, () => _host.Core.DeleteDeviceAsync(_host.Device));
        Expect.Errno(Errno.EINVAL, () => _host.Core.RegisterParent(_host.Device, new TestVendor()));
    }

    [Fact]
    public async Task DisposeAsync_UnregistersEveryParent()
    {
        _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid));
        await _host.Core.DisposeAsync();
        _host.Core.Parents.Should().BeEmpty();
        _host.Core.Devices.Should().BeEmpty();
    }
}
