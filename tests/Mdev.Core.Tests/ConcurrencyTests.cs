using Mdev.Core.Sysfs;
using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>Stress: many threads at once must leave the model consistent and the uevent stream in kernel order.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ConcurrentCreateRemoveCycles_KeepPerDeviceUeventOrder_AndRestoreTheCounts()
    {
        var host = new Host(new TestVendor(poolSize: 16));
        using var listener = host.Core.SubscribeUevents(capacity: 100_000);
        var ids = Enumerable.Range(0, 8).Select(i => Guid.Parse(CreateTests.Uuid(i))).ToArray();
        var workers = ids.Select((id, n) => Task.Run(() =>
        {
            for (int round = 0; round < 40; round++)
            {
                host.Core.CreateMdevDevice(n % 2 == 0 ? host.T1 : host.T2, id);
                if (round % 2 == 0)
                {
                    host.Sysfs.Write(Host.DevicePath(id.ToString("D")) + "/remove", "1");
                }
                else
                {
                    host.Core.RemoveMdevDevice(id);
                }
            }
        })).ToArray();
        var readers = Task.Run(() =>
        {
            for (int i = 0; i < 400; i++)
            {
                host.Sysfs.Read(Host.Type1 + "/available_instances").Should().MatchRegex("^[0-9]+\n$");
                host.Sysfs.ReadDirectory("/sys/bus/mdev/devices");
            }
        });
        await Task.WhenAll([.. workers, readers]);

        host.Parent.PoolAvailable.Should().Be(16);
        host.Sysfs.ReadDirectory("/sys/bus/mdev/devices").Should().BeEmpty();
        host.Sysfs.ReadDirectory("/sys/bus/mdev/drivers/mtty").Where(e => e.Kind == Mdev.Core.Sysfs.SysfsNodeKind.Symlink && e.Name != "module").Should().BeEmpty();
        listener.Dropped.Should().Be(0);
        var events = Expect.Drain(listener);
        events.Should().HaveCount(8 * 40 * 4);
        events.Select(e => e.SequenceNumber).Should().BeInAscendingOrder();
        foreach (var group in events.GroupBy(e => e.DevPath))
        {
            var actions = group.Select(e => e.ActionName).ToArray();
            for (int i = 0; i < actions.Length; i += 4)
            {
                actions[i..(i + 4)].Should().Equal(["add", "bind", "unbind", "remove"], group.Key);
            }
        }
    }

    [Fact]
    public async Task DriverRegisterAndUnregister_RacingCreatesAndRemoves_LeaveNoDanglingLinks()
    {
        for (int round = 0; round < 10; round++)
        {
            var host = new Host(new TestVendor(poolSize: 32), withDriver: false);
            var ids = Enumerable.Range(0, 12).Select(i => Guid.Parse(CreateTests.Uuid(i))).ToArray();
            var churn = Task.Run(async () =>
            {
                for (int i = 0; i < 6; i++)
                {
                    host.Core.RegisterDriver(host.Driver);
                    await host.Core.UnregisterDriverAsync(host.Driver);
                }

                host.Core.RegisterDriver(host.Driver);
            });
            var devices = ids.Select(id => Task.Run(async () =>
            {
                host.Core.CreateMdevDevice(host.T1, id);
                if (id.GetHashCode() % 2 == 0)
                {
                    await host.Core.RemoveMdevDeviceAsync(id);
                }
            })).ToArray();
            await Task.WhenAll([churn, .. devices]);

            foreach (var mdev in host.Core.Devices)
            {
                if (mdev.Driver is null)
                {
                    host.Sysfs.Exists(mdev.SysfsPath + "/driver").Should().BeFalse();
                }
                else
                {
                    host.Sysfs.RealPath(mdev.SysfsPath + "/driver").Should().Be("/sys/bus/mdev/drivers/mtty");
                }
            }

            foreach (var entry in host.Sysfs.ReadDirectory("/sys/bus/mdev/drivers/mtty").Where(e => e.Kind == Mdev.Core.Sysfs.SysfsNodeKind.Symlink && e.Name != "module"))
            {
                host.Sysfs.Stat("/sys/bus/mdev/drivers/mtty/" + entry.Name).Kind.Should().Be(SysfsNodeKind.Directory, "no dangling link");
                host.Core.FindDevice(Guid.Parse(entry.Name))!.Driver.Should().BeSameAs(host.Driver);
            }

            int probes = host.Driver.Calls.Count(c => c.StartsWith("probe", StringComparison.Ordinal));
            int removes = host.Driver.Calls.Count(c => c.StartsWith("remove", StringComparison.Ordinal));
            (probes - removes).Should().Be(host.Core.Devices.Count(d => d.Driver is not null), "every probe is matched by a remove or a live binding");
        }
    }
}
