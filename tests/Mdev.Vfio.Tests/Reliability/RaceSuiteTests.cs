using System.Collections.Concurrent;
using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests.Reliability;

/// <summary>
/// The race suite: four threads at once over create/remove, VMM open/close, bus driver and parent (un)registration,
/// plus a sysfs reader; bounded in cycles, watched for progress, and checked for leaks once everything is quiet.
/// </summary>
public sealed class RaceSuiteTests
{
    // What a racing step may legitimately answer: the pool is full (EUSERS), the parent or device is going away
    // (ENODEV), the device is unbound or gone so its group or files are missing (ENOENT), a removal is under way (EAGAIN).
    private static readonly Errno[] Expected = [Errno.EUSERS, Errno.ENODEV, Errno.ENOENT, Errno.EAGAIN];

    [Fact]
    public async Task FourThreadsOfCreateOpenCloseRemove_DriverAndParentChurn_LeaveNothingBehind()
    {
        var core = new MdevCore();
        var vfio = new VfioModule(core);
        var driver = vfio.RegisterVendorDriver(VfioHost.MdevDriver);
        var vendor = new TestPciVendor();
        var device = core.AddDevice("/sys/devices/pci0000:00/0000:00:04.0", bus: "pci", driver: "testpci");
        var parent = core.RegisterParent(device, vendor);
        var unexpected = new ConcurrentQueue<Exception>();
        long progress = 0;
        int workersLeft = 2;

        void Guard(Action step)
        {
            try
            {
                step();
            }
            catch (MdevException ex) when (Expected.Contains(ex.Errno))
            {
            }
            catch (Exception ex)
            {
                unexpected.Enqueue(ex);
            }

            Interlocked.Increment(ref progress);
        }

        var vmms = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            try
            {
                for (int i = 0; i < 300; i++)
                {
                    var uuid = Guid.NewGuid();
                    Guard(() =>
                    {
                        var type = Volatile.Read(ref parent).Types[0];
                        var mdev = core.CreateMdevDevice(type, uuid);
                        try
                        {
                            var group = vfio.FindGroup(mdev) ?? throw new MdevException(Errno.ENOENT, "unbound meanwhile");
                            using var container = vfio.OpenContainer();
                            using var groupFile = vfio.OpenGroup(group.Id);
                            groupFile.SetContainer(container);
                            try
                            {
                                container.SetIommu(VfioExtension.Type1v2Iommu);
                            }
                            catch (MdevException ex) when (ex.Errno == Errno.EINVAL && vfio.FindGroup(mdev) is null)
                            {
                                // Driver churn unbound the device between SET_CONTAINER and SET_IOMMU: the model detaches
                                // the dead group from its container, so SET_IOMMU meets an empty one (EINVAL, as
                                // vfio_ioctl_set_iommu). Only with the group gone is that EINVAL expected.
                                throw new MdevException(Errno.ENODEV, "unbound meanwhile");
                            }
                            using var deviceFile = groupFile.GetDeviceFile(mdev.Name);
                            deviceFile.GetInfo();
                        }
                        finally
                        {
                            core.RemoveMdevDevice(uuid);
                        }
                    });
                }
            }
            finally
            {
                Interlocked.Decrement(ref workersLeft);
            }
        })).ToArray();
        var driverChurn = Task.Run(async () =>
        {
            while (Volatile.Read(ref workersLeft) > 0)
            {
                await core.UnregisterDriverAsync(driver);
                Guard(() => core.RegisterDriver(driver));
            }
        });
        var parentChurn = Task.Run(async () =>
        {
            while (Volatile.Read(ref workersLeft) > 0)
            {
                await core.UnregisterParentAsync(device);
                Guard(() => Volatile.Write(ref parent, core.RegisterParent(device, vendor)));
            }
        });
        var reader = Task.Run(() =>
        {
            while (Volatile.Read(ref workersLeft) > 0)
            {
                Guard(() =>
                {
                    core.Sysfs.ReadDirectory("/sys/bus/mdev/devices");
                    core.Sysfs.ReadDirectory("/sys/kernel/iommu_groups");
                    core.Sysfs.Read(Volatile.Read(ref parent).Types[0].SysfsPath + "/available_instances");
                });
            }
        });

        // Watchdog: fail, rather than hang CI, when no step finishes for a minute.
        var all = Task.WhenAll([.. vmms, driverChurn, parentChurn, reader]);
        long seen = -1;
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(60)));
            long now = Interlocked.Read(ref progress);
            now.Should().NotBe(seen, "the race suite made no progress for a minute (a deadlock)");
            seen = now;
        }

        await all;
        unexpected.Should().BeEmpty("only documented errnos may come out of a race; first: {0}", unexpected.FirstOrDefault());

        // Leak checks after quiescence: nothing live, nothing left in sysfs, every pool slot and group id back.
        var sys = core.Sysfs;
        core.Devices.Should().BeEmpty();
        vfio.Groups.Should().BeEmpty();
        foreach (var dir in new[] { "/sys/bus/mdev/devices", "/sys/kernel/iommu_groups", "/sys/class/vfio", "/sys/bus/mdev/drivers/" + VfioHost.MdevDriver, parent.Types[0].SysfsPath + "/devices" })
        {
            // A driver directory keeps its own files (bind, unbind, uevent: driver_add_files); no device link may stay.
            sys.ReadDirectory(dir).Where(e => e.Kind == SysfsNodeKind.Symlink && e.Name != "module").Should().BeEmpty(dir);
        }

        sys.ReadDirectory(device.SysfsPath).Select(e => e.Name).Where(n => Guid.TryParse(n, out var _)).Should().BeEmpty("no device directory left");
        parent.PoolAvailable.Should().Be(vendor.MaxInstances);
        sys.Read(parent.Types[0].SysfsPath + "/available_instances").Should().Be($"{vendor.MaxInstances}\n");
        var again = core.CreateMdevDevice(parent.Types[0], Guid.NewGuid());
        vfio.FindGroup(again)!.Id.Should().Be(0, "every group id came back");
    }
}
