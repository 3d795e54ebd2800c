using Mdev.Core;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests;

/// <summary>
/// <c>VFIO_IOMMU_DIRTY_PAGES</c> on type1 (<c>vfio_iommu_type1_dirty_pages</c>, <c>vfio_iova_dirty_bitmap</c>): the flag
/// rules, GET_BITMAP's range and bitmap checks, and the precise report of an mdev-only container (pinned pages and
/// pages written by <c>vfio_dma_rw</c>). Malformed requests first, valid second.
/// </summary>
public sealed class DirtyPagesTests
{
    private const uint Start = 1, Stop = 2, GetBitmap = 4;

    [Fact]
    public void V1Container_IsEacces_BeforeTheArgumentIsRead()
    {
        var host = new VfioHost();
        using var p = host.Vfio.CreateProcess();
        int container = p.Open("/dev/vfio/vfio");
        int group = p.Open($"/dev/vfio/{host.GroupId}");
        p.Ioctl(group, VfioIoctl.GroupSetContainer, Bytes.Of((uint)container));
        p.Ioctl(container, VfioIoctl.SetIommu, VfioExtension.Type1Iommu);

        Expect.Errno(Errno.EACCES, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 0, 99)));
        Expect.Errno(Errno.EACCES, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 8, Start)));
    }

    [Fact]
    public void Flags_ExactlyOneOfStartStopGetBitmap()
    {
        var (p, container, _, _) = Open();
        using var process = p;
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 7, Start)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 8, 8)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 8, Start | Stop)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 8, 0)));

        p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 8, Stop)).Should().Be(0, "STOP when not started is 0");
        p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 8, Start)).Should().Be(0);
        p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 8, Start)).Should().Be(0, "START when started is 0");
        p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 8, Stop)).Should().Be(0);
    }

    [Fact]
    public void GetBitmap_RangeAndBitmapChecks_ThenPinnedAndWrittenPagesAreDirty()
    {
        var (p, container, _, host) = Open();
        using var process = p;
        ulong ram = p.MapAnonymous(0x10000), bitmap = p.MapAnonymous(4096);
        Map(p, container, ram, 0x100000, 0x10000);
        Map(p, container, p.MapAnonymous(0x4000), 0x200000, 0x4000);

        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100000, 0x10000, 4096, 8, bitmap))); // not started
        p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 8, Start)).Should().Be(0);
        var shortArg = Get(0x100000, 0x10000, 4096, 8, bitmap);
        Bytes.Put(shortArg, 0, 47u);
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, shortArg));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(ulong.MaxValue - 0xfff, 0x2000, 4096, 8, bitmap)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100000, 0x10000, 4096, 0, bitmap)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100000, 0x200000 * 64, 4096, 8, bitmap)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100000, 0x10000, 8192, 8, bitmap)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100800, 0x10000, 4096, 8, bitmap)));
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x101000, 0x10000, 4096, 8, bitmap))); // bisects the first mapping
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100000, 0x8000, 4096, 8, bitmap))); // bisects it at the end
        Expect.Errno(Errno.EFAULT, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100000, 0x10000, 4096, 8, 0x1000)));

        var dma = host.Device.Vfio();
        dma.PinPages(0x102000, 1, write: true);
        dma.DmaWrite(0x105ffe, [1, 2, 3]); // pages 5 and 6
        p.Memory(bitmap, 8).Span.Fill(0xff);
        p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100000, 0x10000, 4096, 8, bitmap)).Should().Be(0);
        BitConverter.ToUInt64(p.Memory(bitmap, 8).Span).Should().Be((1UL << 2) | (1UL << 5) | (1UL << 6), "every page of the mapping is reported, 0 or 1");

        p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100000, 0x10000, 4096, 8, bitmap)).Should().Be(0);
        BitConverter.ToUInt64(p.Memory(bitmap, 8).Span).Should().Be(1UL << 2, "a pinned page stays dirty, written pages were cleared");

        dma.DmaWrite(0x201000, [9]);
        p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100000, 0x104000, 4096, 8 * 65, bitmap)).Should().Be(0, "several mappings in one range");
        (p.Memory(bitmap + (0x101000 / 4096 / 8), 1).Span[0] & 0x02).Should().Be(0x02, "page 0x201000 is bit 0x101");

        p.Ioctl(container, VfioIoctl.IommuDirtyPages, Bytes.Sized(8, 8, Stop)).Should().Be(0);
        Expect.Errno(Errno.EINVAL, () => p.Ioctl(container, VfioIoctl.IommuDirtyPages, Get(0x100000, 0x10000, 4096, 8, bitmap))); // stopped
        dma.UnpinPages(0x102000, 1);
    }

    private static (VfioProcess Process, int Container, int Device, VfioHost Host) Open()
    {
        var host = new VfioHost();
        var p = host.Vfio.CreateProcess();
        int container = p.Open("/dev/vfio/vfio");
        int group = p.Open($"/dev/vfio/{host.GroupId}");
        p.Ioctl(group, VfioIoctl.GroupSetContainer, Bytes.Of((uint)container));
        p.Ioctl(container, VfioIoctl.SetIommu, VfioExtension.Type1v2Iommu);
        int device = (int)p.Ioctl(group, VfioIoctl.GroupGetDeviceFd, System.Text.Encoding.ASCII.GetBytes(host.Device.Name + "\0"));
        return (p, container, device, host);
    }

    private static void Map(VfioProcess p, int container, ulong vaddr, ulong iova, ulong size)
    {
        var b = Bytes.Sized(32, 32, 3);
        Bytes.Put(b, 8, vaddr);
        Bytes.Put(b, 16, iova);
        Bytes.Put(b, 24, size);
        p.Ioctl(container, VfioIoctl.IommuMapDma, b).Should().Be(0);
    }

    private static byte[] Get(ulong iova, ulong size, ulong pageSize, ulong bitmapSize, ulong data)
    {
        var b = Bytes.Sized(48, 48, GetBitmap);
        Bytes.Put(b, 8, iova);
        Bytes.Put(b, 16, size);
        Bytes.Put(b, 24, pageSize);
        Bytes.Put(b, 32, bitmapSize);
        Bytes.Put(b, 40, data);
        return b;
    }
}
