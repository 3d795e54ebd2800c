using Mdev.Core;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests;

public sealed class RemovalTests
{
    [Fact]
    public async Task RemovingADeviceWhoseFileIsOpen_WaitsAndRequests_UntilTheFileCloses()
    {
        var host = new VfioHost();
        var (_, group, device) = host.OpenTyped();
        var removal = host.Core.RemoveMdevDeviceAsync(host.Device.Uuid);
        await WaitUntil(() => host.Pci.Requests == 1);
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await WaitUntil(() => host.Pci.Requests == 2);
        removal.IsCompleted.Should().BeFalse();
        host.Core.Sysfs.Exists("/sys/kernel/iommu_groups/0").Should().BeTrue("the group goes only once the file is closed");
        // device_del up to vfio_unregister_group_dev's wait: only the iommu_group link is left (vfio-dev/ went first).
        host.Core.Sysfs.ReadDirectory(host.Device.SysfsPath).Select(e => e.Name).Should().Equal("iommu_group");
        host.Core.Sysfs.Exists("/sys/class/vfio-dev/vfio0").Should().BeFalse();
        Expect.Errno(Errno.ENODEV, () => group.GetDeviceFile(VfioHost.Uuid));

        device.Dispose();
        await removal;
        host.Core.Sysfs.Exists("/sys/kernel/iommu_groups/0").Should().BeFalse();
        host.Pci.Calls.Should().Equal("open", "release");
        group.Dispose();
        host.Vfio.Groups.Should().BeEmpty();
    }

    [Fact]
    public async Task CancellingTheWait_LeavesTheDeviceAndItsFileWorking()
    {
        var host = new VfioHost();
        var (_, _, device) = host.OpenTyped();
        using var cts = new CancellationTokenSource();
        var removal = host.Core.RemoveMdevDeviceAsync(host.Device.Uuid, cts.Token);
        await WaitUntil(() => host.Pci.Requests == 1);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => removal);
        device.GetInfo().NumRegions.Should().Be(10);
        host.Device.State.Should().Be(MdevDeviceState.Active);
        host.Core.Sysfs.Exists(host.Device.SysfsPath + "/iommu_group").Should().BeTrue();
        host.Core.Sysfs.ReadDirectory(host.Device.SysfsPath).Select(e => e.Name).Should().Equal(
            "driver", "iommu_group", "mdev_type", "power", "remove", "subsystem", "uevent", "vfio-dev");
        host.Core.Sysfs.Exists("/sys/class/vfio-dev/vfio0").Should().BeTrue("the cancelled wait puts vfio-dev back");
    }

    [Fact]
    public void TwoDeviceFiles_OpenTheVendorOnce_AndReleaseOnTheLastClose()
    {
        var host = new VfioHost();
        var (_, group, first) = host.OpenTyped();
        var second = group.GetDeviceFile(VfioHost.Uuid);
        host.Pci.Calls.Should().Equal("open");
        first.Dispose();
        host.Pci.Calls.Should().Equal("open");
        second.Dispose();
        host.Pci.Calls.Should().Equal("open", "release");
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(1, cts.Token);
        }
    }
}
