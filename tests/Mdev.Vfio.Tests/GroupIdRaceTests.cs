using Mdev.Core;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests;

/// <summary>
/// Race A of issue 11: an IOMMU group id must not be handed out again while the old group's
/// <c>/sys/kernel/iommu_groups/&lt;id&gt;</c> directory or <c>/sys/devices/virtual/vfio/&lt;id&gt;</c> class device still exist.
/// </summary>
public sealed class GroupIdRaceTests
{
    [Fact]
    public async Task CreatesAndRemovesOnFourThreads_NeverCollideOnAFreedGroupId()
    {
        var host = new VfioHost();
        var type = host.Parent.Types[0];
        host.Core.RemoveMdevDevice(host.Device.Uuid); // the vendor's pool holds 4: one per thread
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // watchdog: a hang fails, never blocks CI
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < 1000 && !cts.IsCancellationRequested; i++)
            {
                var uuid = Guid.NewGuid();
                try
                {
                    if (i % 2 == 0)
                    {
                        host.Core.CreateMdevDevice(type, uuid);
                        host.Core.RemoveMdevDevice(uuid);
                    }
                    else
                    {
                        host.Core.Sysfs.Write(type.SysfsPath + "/create", uuid.ToString("D") + "\n");
                        host.Core.Sysfs.Write(host.Parent.Device.SysfsPath + "/" + uuid.ToString("D") + "/remove", "1");
                    }
                }
                catch (MdevException ex)
                {
                    failures.Enqueue(ex);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(cts.Token);

        failures.Should().BeEmpty("a fresh UUID never collides; {0}", failures.FirstOrDefault()?.Message);
        host.Vfio.Groups.Should().BeEmpty();
        host.Core.Sysfs.ReadDirectory("/sys/kernel/iommu_groups").Should().BeEmpty();
        host.Core.Sysfs.ReadDirectory("/sys/class/vfio").Should().BeEmpty();
        host.Core.CreateMdevDevice(type, Guid.NewGuid()).Vfio().Group.Id.Should().Be(0, "every id came back");
    }
}
