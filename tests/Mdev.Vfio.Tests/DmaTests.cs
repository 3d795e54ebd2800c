using Mdev.Core;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests;

public sealed class DmaTests
{
    /// <summary>Spec §6 vector 14, through the raw container ioctls of a process.</summary>
    [Fact]
    public void Vector14_MapAndUnmapThroughRawIoctls()
    {
        var host = new VfioHost();
        var (p, container, group) = OpenRaw(host);
        using var process = p;
        ulong ram = p.MapAnonymous(1 << 20);

        byte[] Map(ulong vaddr, ulong iova, ulong size, uint flags, uint argsz = 32)
        {
            var b = Bytes.Sized(32, argsz, flags);
            Bytes.Put(b, 8, vaddr);
            Bytes.Put(b, 16, iova);
            Bytes.Put(b, 24, size);
            return b;
        }

        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuMapDma, Map(ram, 0, 1 << 20, 3, argsz: 31)));
        Expect.Errno(Errno.EFAULT, () => p.Ioctl(container, VfioIoctl.IommuMapDma, new byte[16]));
        p.Ioctl(container, VfioIoctl.IommuMapDma, Map(ram, 0, 1 << 20, 3)).Should().Be(0);
        Expect.Errno(Errno.EEXIST, () => p.Ioctl(container, VfioIoctl.IommuMapDma, Map(ram, 0, 1 << 20, 3)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuMapDma, Map(ram, 1 << 21, 0, 3)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuMapDma, Map(ram, 1 << 21, 1 << 20, 0)));

        var bisect = Bytes.Sized(24, 24, 0);
        Bytes.Put(bisect, 8, 0x1000UL);
        Bytes.Put(bisect, 16, 0x1000UL);
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuUnmapDma, bisect));
        var unmap = Bytes.Sized(24, 24, 0);
        Bytes.Put(unmap, 8, 0UL);
        Bytes.Put(unmap, 16, 1UL << 20);
        p.Ioctl(container, VfioIoctl.IommuUnmapDma, unmap).Should().Be(0);
        Bytes.U64(unmap, 16).Should().Be(1UL << 20, "the unmapped size is written back");
        p.Ioctl(container, VfioIoctl.IommuUnmapDma, unmap).Should().Be(0);
        Bytes.U64(unmap, 16).Should().Be(0, "nothing was mapped any more");
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuUnmapDma, Bytes.Sized(24, 23)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuUnmapDma, Bytes.Sized(24, 24, 0x80)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuUnmapDma, Bytes.Sized(24, 24, 0x2, 0x1000))); // ALL needs iova 0
        p.Ioctl(container, VfioIoctl.IommuUnmapDma, Bytes.Sized(24, 24, 0x2)).Should().Be(0);
    }

    [Fact]
    public void RawMap_OfAVaddrTheProcessNeverMapped_Succeeds_AndFaultsAtDmaTime()
    {
        var host = new VfioHost();
        var (p, container, group) = OpenRaw(host);
        using var process = p;
        var map = Bytes.Sized(32, 32, 3);
        Bytes.Put(map, 8, 0x5000UL);
        Bytes.Put(map, 16, 0x100000UL);
        Bytes.Put(map, 24, 0x1000UL);
        p.Ioctl(container, VfioIoctl.IommuMapDma, map).Should().Be(0);
        Expect.Errno(Errno.EEXIST, () => p.Ioctl(container, VfioIoctl.IommuMapDma, map));
        int device = (int)p.Ioctl(group, VfioIoctl.GroupGetDeviceFd, System.Text.Encoding.ASCII.GetBytes(VfioHost.Uuid + "\0"));
        Expect.Errno(Errno.EFAULT, () => host.Device.Vfio().DmaRead(0x100000, new byte[4]));
        Expect.Errno(Errno.EFAULT, () => host.Device.Vfio().PinPages(0x100000, 1, false));
        p.Close(device);
    }

    [Fact]
    public void SetIommu_UnmapAll_IsEinval_FromType1Open()
    {
        var host = new VfioHost();
        using var container = host.Vfio.OpenContainer();
        using var group = host.Vfio.OpenGroup(host.GroupId);
        Expect.Errno(Errno.ENODEV, () => group.GetDeviceFile("nope"));
        group.SetContainer(container);
        Expect.Errno(Errno.EINVAL, () => container.SetIommu(VfioExtension.UnmapAll));
        Expect.Errno(Errno.ENODEV, () => container.SetIommu(VfioExtension.NoIommu));
        container.SetIommu(VfioExtension.Type1Iommu);
        container.IommuType.Should().Be(VfioExtension.Type1Iommu);
    }

    [Fact]
    public void IommuGetInfo_Raw_FollowsTheArgszProtocolAndCapabilityChain()
    {
        var host = new VfioHost();
        var (container, _, _) = host.OpenTyped();
        Expect.Errno(Errno.EINVAL, () => container.Ioctl(VfioIoctl.IommuGetInfo, Bytes.Sized(16, 15)));

        var old = Bytes.Sized(16, 16);
        container.Ioctl(VfioIoctl.IommuGetInfo, old).Should().Be(0);
        (Bytes.U32(old, 0), Bytes.U32(old, 4), Bytes.U64(old, 8)).Should().Be((72u, 3u, 0xFFFFFFFFFFFFF000UL));

        var small = Bytes.Sized(24, 24, 0, 0, 0, 0xeeee, 0xeeee);
        container.Ioctl(VfioIoctl.IommuGetInfo, small).Should().Be(0);
        (Bytes.U32(small, 0), Bytes.U32(small, 16)).Should().Be((72u, 0u));

        var full = Bytes.Sized(72, 72);
        container.Ioctl(VfioIoctl.IommuGetInfo, full).Should().Be(0);
        Bytes.U32(full, 16).Should().Be(24);
        (Bytes.U16(full, 24), Bytes.U16(full, 26), Bytes.U32(full, 28)).Should().Be(((ushort)2, (ushort)1, 56u), "MIGRATION, then next");
        (Bytes.U32(full, 32), Bytes.U64(full, 40), Bytes.U64(full, 48)).Should().Be((0u, 4096UL, 0x10000000UL));
        (Bytes.U16(full, 56), Bytes.U16(full, 58), Bytes.U32(full, 60), Bytes.U32(full, 64)).Should().Be(((ushort)3, (ushort)1, 0u, 65535u), "DMA_AVAIL ends the chain");
        Expect.Errno(Errno.ENOTTY, () => container.Ioctl(0x3B7F, Bytes.Sized(16, 16)));
    }

    [Fact]
    public void Vendor_PinsAndReadsGuestMemory_AndIsToldToUnpinBeforeAnUnmap()
    {
        var host = new VfioHost();
        var (p, container, group) = OpenRaw(host);
        using var process = p;
        ulong ram = p.MapAnonymous(0x10000);
        var map = Bytes.Sized(32, 32, 3);
        Bytes.Put(map, 8, ram);
        Bytes.Put(map, 16, 0x100000UL);
        Bytes.Put(map, 24, 0x10000UL);
        p.Ioctl(container, VfioIoctl.IommuMapDma, map);
        int device = (int)p.Ioctl(group, VfioIoctl.GroupGetDeviceFd, System.Text.Encoding.ASCII.GetBytes(VfioHost.Uuid + "\0"));

        // The guest writes a descriptor into its RAM; the device's DMA engine reads it.
        "HELLODMA"u8.CopyTo(p.Memory(ram + 0x2010, 8).Span);
        var addr = new byte[8];
        Bytes.Put(addr, 0, 0x102010UL);
        p.Pwrite(device, addr, 0x28);
        p.Pwrite(device, Bytes.Of(1), 0x20);
        var got = new byte[8];
        p.Pread(device, got, 0x30);
        got.Should().Equal("HELLODMA"u8.ToArray());

        var unmap = Bytes.Sized(24, 24, 0);
        Bytes.Put(unmap, 8, 0x100000UL);
        Bytes.Put(unmap, 16, 0x10000UL);
        p.Ioctl(container, VfioIoctl.IommuUnmapDma, unmap).Should().Be(0);
        host.Pci.Unmaps.Should().Equal((0x100000UL, 0x10000UL));
        TestPciVendor.Of(host.Device).Pinned.Should().BeEmpty();
        Expect.Errno(Errno.EINVAL, () => host.Device.Vfio().DmaRead(0x102010, got));
    }

    [Fact]
    public void DmaWithoutAContainerOrAnOpenDeviceFile_IsEinval()
    {
        var host = new VfioHost();
        Expect.Errno(Errno.EINVAL, () => host.Device.Vfio().DmaRead(0, new byte[4]));
        using var container = host.Vfio.OpenContainer();
        using var group = host.Vfio.OpenGroup(host.GroupId);
        group.SetContainer(container);
        container.SetIommu(VfioExtension.Type1v2Iommu);
        container.MapDma(0, new byte[0x1000], DmaMapFlags.Read | DmaMapFlags.Write);
        Expect.Errno(Errno.EINVAL, () => host.Device.Vfio().PinPages(0, 1, false)); // no device file open
        using var device = group.GetDeviceFile(VfioHost.Uuid);
        host.Device.Vfio().DmaWrite(0, "ok"u8);
        var back = new byte[2];
        host.Device.Vfio().DmaRead(0, back);
        back.Should().Equal("ok"u8.ToArray());
    }

    /// <summary>A process with the container open, the device's group attached and TYPE1v2 set, through raw ioctls.</summary>
    private static (VfioProcess Process, int Container, int Group) OpenRaw(VfioHost host)
    {
        var p = host.Vfio.CreateProcess();
        int container = p.Open("/dev/vfio/vfio");
        int group = p.Open($"/dev/vfio/{host.GroupId}");
        p.Ioctl(group, VfioIoctl.GroupSetContainer, Bytes.Of((uint)container));
        p.Ioctl(container, VfioIoctl.SetIommu, VfioExtension.Type1v2Iommu);
        return (p, container, group);
    }
}
