using Mdev.Core;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests;

/// <summary>What QEMU does at start-up, through file descriptors and raw uapi bytes, with every wrong step first.</summary>
public sealed class QemuStartupTests
{
    private readonly VfioHost _host = new();

    /// <summary>Spec §6 vector 9, verbatim, then the rest of QEMU's start-up.</summary>
    [Fact]
    public void Vector9_AndTheWholeStartupSequence_GetTheKernelsAnswers()
    {
        using var p = _host.Vfio.CreateProcess();
        int container = p.Open("/dev/vfio/vfio");
        p.Ioctl(container, VfioIoctl.GetApiVersion).Should().Be(0);
        p.Ioctl(container, VfioIoctl.CheckExtension, VfioExtension.Type1v2Iommu).Should().Be(1);
        p.Ioctl(container, VfioIoctl.CheckExtension, VfioExtension.Type1Iommu).Should().Be(1);
        p.Ioctl(container, VfioIoctl.CheckExtension, VfioExtension.NoIommu).Should().Be(0);
        p.Ioctl(container, VfioIoctl.CheckExtension, VfioExtension.DmaCcIommu).Should().Be(0);

        int groupId = _host.GroupId;
        int group = p.Open($"/dev/vfio/{groupId}");
        var status = Bytes.Sized(8, 8);
        p.Ioctl(group, VfioIoctl.GroupGetStatus, status).Should().Be(0);
        Bytes.U32(status, 4).Should().Be(1, "VIABLE");

        var name = System.Text.Encoding.ASCII.GetBytes(VfioHost.Uuid + "\0");
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(group, VfioIoctl.GroupGetDeviceFd, name));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.SetIommu, VfioExtension.Type1v2Iommu)); // no group yet
        Expect.Errno(Errno.EBADF, () => p.Ioctl(group, VfioIoctl.GroupSetContainer, Bytes.Of(99)));
        Expect.Errno(Errno.EBADFD, () => p.Ioctl(group, VfioIoctl.GroupSetContainer, Bytes.Of((uint)group)));
        p.Ioctl(group, VfioIoctl.GroupSetContainer, Bytes.Of((uint)container)).Should().Be(0);
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(group, VfioIoctl.GroupSetContainer, Bytes.Of((uint)container)));
        p.Ioctl(group, VfioIoctl.GroupGetStatus, status);
        Bytes.U32(status, 4).Should().Be(3, "VIABLE | CONTAINER_SET");

        Expect.Errno(Errno.EINVAL, () => p.Ioctl(group, VfioIoctl.GroupGetDeviceFd, name));
        Expect.Errno(Errno.ENODEV, () => p.Ioctl(container, VfioIoctl.SetIommu, VfioExtension.SpaprTceIommu));
        Expect.Errno(Errno.ENODEV, () => p.Ioctl(container, VfioIoctl.SetIommu, VfioExtension.Type1NestingIommu));
        p.Ioctl(container, VfioIoctl.SetIommu, VfioExtension.Type1v2Iommu).Should().Be(0);
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.SetIommu, VfioExtension.Type1v2Iommu));
        p.Ioctl(container, VfioIoctl.CheckExtension, VfioExtension.DmaCcIommu).Should().Be(1);

        // Guest RAM: 2 MiB at IOVA 0.
        ulong ram = p.MapAnonymous(2 << 20);
        var map = Bytes.Sized(32, 32, 3);
        Bytes.Put(map, 8, ram);
        Bytes.Put(map, 16, 0UL);
        Bytes.Put(map, 24, 2UL << 20);
        p.Ioctl(container, VfioIoctl.IommuMapDma, map).Should().Be(0);

        Expect.Errno(Errno.ENODEV, () => p.Ioctl(group, VfioIoctl.GroupGetDeviceFd, "nope\0"u8.ToArray()));
        Expect.Errno(Errno.EFAULT, () => p.Ioctl(group, VfioIoctl.GroupGetDeviceFd, System.Text.Encoding.ASCII.GetBytes(VfioHost.Uuid)));
        int device = (int)p.Ioctl(group, VfioIoctl.GroupGetDeviceFd, name);
        device.Should().BeGreaterThan(group);
        Expect.Errno(Errno.EBUSY, () => p.Ioctl(group, VfioIoctl.GroupUnsetContainer));
        Expect.Errno(Errno.EBUSY, () => p.Open($"/dev/vfio/{groupId}"));
        Expect.Errno(Errno.ENOENT, () => p.Open("/dev/vfio/77"));

        // Walk the device: info, every region, every IRQ index.
        var info = Bytes.Sized(16, 16);
        p.Ioctl(device, VfioIoctl.DeviceGetInfo, info);
        (Bytes.U32(info, 4), Bytes.U32(info, 8), Bytes.U32(info, 12)).Should().Be((3u, 10u, 5u));
        var regions = new List<(uint Flags, ulong Size, ulong Offset)>();
        for (uint i = 0; i < Bytes.U32(info, 8); i++)
        {
            var region = Bytes.Sized(32, 32, 0, i);
            p.Ioctl(device, VfioIoctl.DeviceGetRegionInfo, region);
            if (Bytes.U32(region, 0) > 32)
            {
                region = Bytes.Sized((int)Bytes.U32(region, 0), Bytes.U32(region, 0), 0, i);
                p.Ioctl(device, VfioIoctl.DeviceGetRegionInfo, region);
            }

            regions.Add((Bytes.U32(region, 4), Bytes.U64(region, 16), Bytes.U64(region, 24)));
        }

        regions[0].Should().Be((3u, 0x1000UL, 0UL));
        regions[2].Should().Be((0xfu, 0x10000UL, 2UL << 40));
        regions[7].Should().Be((3u, 0x100UL, 7UL << 40));
        regions[9].Should().Be((9u, 0x100UL, 9UL << 40));
        regions[8].Should().Be((0u, 0UL, 8UL << 40));
        var irqs = Enumerable.Range(0, 5).Select(i =>
        {
            var irq = Bytes.Sized(16, 16, 0, (uint)i);
            p.Ioctl(device, VfioIoctl.DeviceGetIrqInfo, irq);
            return (Bytes.U32(irq, 4), Bytes.U32(irq, 12));
        }).ToArray();
        irqs.Should().Equal((7u, 1u), (9u, 1u), (0u, 0u), (0u, 0u), (0u, 0u));

        // An INTx eventfd, then config space as the guest would see it.
        int efd = p.EventFd();
        var set = Bytes.Sized(24, 24, 0x20 | 0x04, 0, 0, 1);
        Bytes.Put(set, 20, efd);
        p.Ioctl(device, VfioIoctl.DeviceSetIrqs, set).Should().Be(0);
        var id = new byte[4];
        p.Pread(device, id, 7L << 40).Should().Be(4);
        Bytes.U32(id, 0).Should().Be(0x12348086u);

        // The device rings its doorbell: INTx fires once, then stays masked until UNMASK.
        p.Pwrite(device, Bytes.Of(1), 0x10).Should().Be(4);
        p.Pwrite(device, Bytes.Of(1), 0x10);
        p.GetEventFd(efd).Read().Should().Be(1);
        p.Ioctl(device, VfioIoctl.DeviceSetIrqs, Bytes.Sized(20, 20, 0x10 | 0x01, 0, 0, 1)).Should().Be(0);
        p.Pwrite(device, Bytes.Of(1), 0x10);
        p.GetEventFd(efd).Read().Should().Be(1);

        p.Close(device);
        p.Ioctl(group, VfioIoctl.GroupUnsetContainer).Should().Be(0);
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(group, VfioIoctl.GroupUnsetContainer));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuMapDma, map)); // the IOMMU went with the last group
        _host.Pci.Calls.Should().Equal("open", "release");
    }

    [Fact]
    public void ClosingTheGroupWhileADeviceFileIsOpen_ReleasesItOnlyWithTheLastDeviceFile()
    {
        var (container, group, device) = _host.OpenTyped();
        group.Dispose();
        Expect.Errno(Errno.EBUSY, () => _host.Vfio.OpenGroup(_host.GroupId));
        container.Groups.Should().HaveCount(1);
        device.Dispose();
        container.Groups.Should().BeEmpty();
        using var again = _host.Vfio.OpenGroup(_host.GroupId);
        again.GetStatus().Should().Be(VfioGroupFlags.Viable);
    }

    [Fact]
    public void TwoGroupsShareOneContainer_AndTheMappingsSurviveUntilTheLastLeaves()
    {
        var second = _host.Core.CreateMdevDevice(_host.Parent.Types[0], Guid.NewGuid());
        using var container = _host.Vfio.OpenContainer();
        using var g1 = _host.Vfio.OpenGroup(_host.GroupId);
        using var g2 = _host.Vfio.OpenGroup(_host.Vfio.FindGroup(second)!.Id);
        g1.SetContainer(container);
        g2.SetContainer(container);
        container.SetIommu(VfioExtension.Type1v2Iommu);
        container.MapDma(0, new byte[0x4000], DmaMapFlags.Read | DmaMapFlags.Write);
        g1.UnsetContainer();
        container.GetIommuInfo().DmaAvailable.Should().Be(65534);
        g2.UnsetContainer();
        Expect.Errno(Errno.EINVAL, () => container.GetIommuInfo());
        container.CheckExtension(VfioExtension.DmaCcIommu).Should().Be(0);
    }
}
