using Mdev.Core;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests;

/// <summary>Faults armed at the VFIO steps fail with the armed errno, change nothing, and stop once used up.</summary>
public sealed class FaultTests
{
    private readonly VfioHost _host = new();

    private FaultRegistry Faults => _host.Core.Faults;

    [Fact]
    public void GroupOpen_Fault_IsTheErrno_AndTheGroupStaysClosed()
    {
        Faults.Arm(new FaultSpec(FaultPoint.GroupOpen, Errno.EIO) { Device = VfioHost.Uuid });
        Expect.Errno(Errno.EIO, () => _host.Vfio.OpenGroup(_host.GroupId));
        using var group = _host.Vfio.OpenGroup(_host.GroupId);
        group.GetStatus().Should().Be(VfioGroupFlags.Viable);
    }

    [Fact]
    public void DeviceOpen_Fault_IsTheErrno_TheVendorIsNotOpened_AndTheContainerCanBeUnset()
    {
        var container = _host.Vfio.OpenContainer();
        var group = _host.Vfio.OpenGroup(_host.GroupId);
        group.SetContainer(container);
        container.SetIommu(VfioExtension.Type1v2Iommu);
        Faults.Arm(new FaultSpec(FaultPoint.DeviceOpen, Errno.EIO));

        Expect.Errno(Errno.EIO, () => group.GetDeviceFile(VfioHost.Uuid)).Message.Should().Contain($"group {_host.GroupId}");
        _host.Pci.Calls.Should().NotContain("open");
        _host.Device.OpenCount.Should().Be(0);

        using (var device = group.GetDeviceFile(VfioHost.Uuid))
        {
            _host.Pci.Calls.Should().Contain("open");
        }

        group.UnsetContainer();
    }

    [Fact]
    public void RegionReadAndWrite_Faults_FailOnlyTheirDirection_NTimes()
    {
        var device = _host.OpenTyped().Device;
        var buffer = new byte[4];
        Faults.Arm(new FaultSpec(FaultPoint.RegionRead, Errno.EIO) { Times = 2 });
        Expect.Errno(Errno.EIO, () => device.Read(buffer, 7L << 40));
        device.Write([0x01, 0, 0, 0], 0).Should().Be(4);
        Expect.Errno(Errno.EIO, () => device.Read(buffer, 7L << 40));
        device.Read(buffer, 7L << 40).Should().Be(4);

        Faults.Arm(new FaultSpec(FaultPoint.RegionWrite, Errno.EFAULT) { Times = null });
        Expect.Errno(Errno.EFAULT, () => device.Write(buffer, 0));
        Expect.Errno(Errno.EFAULT, () => device.Write(buffer, 0));
        device.Read(buffer, 7L << 40).Should().Be(4);
        Faults.ClearAll().Should().Be(1);
        device.Write(buffer, 0).Should().Be(4);
    }

    [Fact]
    public void SetIrqs_Fault_ComesAfterTheCommonChecks_AndReachesNoVendor()
    {
        var device = _host.OpenTyped().Device;
        Faults.Arm(new FaultSpec(FaultPoint.SetIrqs, Errno.ENOSPC));
        Expect.Errno(Errno.EINVAL, () => device.SetIrqs(VfioIrqSet.Disable(99)));
        Faults.Armed.Should().HaveCount(1, "a request the common rules refuse does not consume the fault");
        Expect.Errno(Errno.ENOSPC, () => device.SetIrqs(VfioIrqSet.Disable(0)));
        Faults.Armed.Should().BeEmpty();
        device.SetIrqs(VfioIrqSet.Disable(0));
    }

    [Fact]
    public void AnotherDevice_IsNotHitByAFaultNarrowedToOne()
    {
        Faults.Arm(new FaultSpec(FaultPoint.GroupOpen, Errno.EIO) { Device = "00000000-0000-0000-0000-000000000001" });
        using var group = _host.Vfio.OpenGroup(_host.GroupId);
        Faults.Armed.Single().Hits.Should().Be(0);
    }
}
