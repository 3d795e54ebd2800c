using Mdev.Core;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests;

/// <summary>Every device ioctl malformed first, then valid, asserting every field; raw and typed faces agree.</summary>
public sealed class DeviceIoctlTests
{
    private readonly VfioHost _host = new();
    private readonly VfioDevice _device;

    public DeviceIoctlTests() => _device = _host.OpenTyped().Device;

    /// <summary>
    /// QUERY_GFX_PLANE and GET_GFX_DMABUF are vendor ioctls (kvmgt's intel_vgpu_ioctl): a vendor without display planes
    /// gets them in its own ioctl op untouched (the test vendor has none: EINVAL, the rule for a missing op, even for a
    /// struct kvmgt would call short); its typed faces are ENOTTY.
    /// </summary>
    [Fact]
    public void GfxPlaneIoctls_WithoutADisplay_ReachTheVendorsIoctl_TypedFacesAreEnotty()
    {
        Expect.Errno(Errno.EINVAL, () => _device.Ioctl(VfioIoctl.DeviceQueryGfxPlane, new byte[8]));
        Expect.Errno(Errno.EINVAL, () => _device.Ioctl(VfioIoctl.DeviceQueryGfxPlane, Bytes.Sized(64, 60)));
        Expect.Errno(Errno.EINVAL, () => _device.Ioctl(VfioIoctl.DeviceGetGfxDmabuf, new byte[2]));
        Expect.Errno(Errno.ENOTTY, () => _device.QueryGfxPlane(new VfioGfxPlaneInfo { Flags = VfioGfxPlaneFlags.Dmabuf, DrmPlaneType = VfioGfxPlaneInfo.PlaneTypePrimary }));
        Expect.Errno(Errno.ENOTTY, () => _device.GetGfxDmabuf(1));
    }

    [Fact]
    public void GetInfo_ShortArgsz_IsEinval_ThenEveryFieldIsWritten()
    {
        Expect.Errno(Errno.EINVAL, () => _device.Ioctl(VfioIoctl.DeviceGetInfo, Bytes.Sized(16, 15)));
        Expect.Errno(Errno.EFAULT, () => _device.Ioctl(VfioIoctl.DeviceGetInfo, Bytes.Sized(8, 16)));
        Expect.Errno(Errno.EFAULT, () => _device.Ioctl(VfioIoctl.DeviceGetInfo, Bytes.Sized(8, 4))); // copy_from_user(minsz) comes before the argsz check
        _device.Ioctl(VfioIoctl.DeviceGetInfo, Bytes.Sized(16, 4096)).Should().Be(0, "a buffer shorter than argsz is fine when only minsz is touched");
        var info = Bytes.Sized(24, 24, 0xdead, 0xbeef, 0xcafe, 0x5555, 0x7777);
        _device.Ioctl(VfioIoctl.DeviceGetInfo, info).Should().Be(0);
        Bytes.U32(info, 0).Should().Be(24, "argsz is left as the caller set it");
        Bytes.U32(info, 4).Should().Be((uint)(VfioDeviceFlags.Pci | VfioDeviceFlags.Reset));
        Bytes.U32(info, 8).Should().Be(10);
        Bytes.U32(info, 12).Should().Be(5);
        Bytes.U32(info, 16).Should().Be(0x5555, "only minsz bytes are copied back");
    }

    [Fact]
    public void GetRegionInfo_ShortArgsz_BadIndex_AreEinval_ThenEveryField()
    {
        Expect.Errno(Errno.EINVAL, () => _device.Ioctl(VfioIoctl.DeviceGetRegionInfo, Bytes.Sized(32, 31, 0, 0)));
        Expect.Errno(Errno.EINVAL, () => _device.Ioctl(VfioIoctl.DeviceGetRegionInfo, Bytes.Sized(32, 32, 0, 10)));
        var r = Bytes.Sized(32, 32, 0xffff, 7, 0xffff);
        _device.Ioctl(VfioIoctl.DeviceGetRegionInfo, r).Should().Be(0);
        // vfio_ioctl_device_get_region_info: no capabilities, so cap_offset is left as the caller gave it.
        (Bytes.U32(r, 0), Bytes.U32(r, 4), Bytes.U32(r, 8), Bytes.U32(r, 12), Bytes.U64(r, 16), Bytes.U64(r, 24))
            .Should().Be((32u, 3u, 7u, 0xffffu, 0x100UL, 7UL << 40));
    }

    [Fact]
    public void GetRegionInfo_CapabilityChainTooBig_ReturnsZeroWithCapsAndNeededArgsz_ThenTheChain()
    {
        var r = Bytes.Sized(32, 32, 0, 2);
        _device.Ioctl(VfioIoctl.DeviceGetRegionInfo, r).Should().Be(0);
        Bytes.U32(r, 0).Should().Be(32 + 32, "a sparse-mmap cap with one area is 32 bytes");
        Bytes.U32(r, 4).Should().Be(0xf, "READ | WRITE | MMAP | CAPS");
        Bytes.U32(r, 12).Should().Be(0, "cap_offset stays 0 until the chain fits");
        Bytes.U64(r, 16).Should().Be(0x10000);

        var full = Bytes.Sized(64, 64, 0, 2);
        _device.Ioctl(VfioIoctl.DeviceGetRegionInfo, full).Should().Be(0);
        Bytes.U32(full, 12).Should().Be(32);
        (Bytes.U16(full, 32), Bytes.U16(full, 34), Bytes.U32(full, 36)).Should().Be(((ushort)1, (ushort)1, 0u));
        (Bytes.U32(full, 40), Bytes.U32(full, 44), Bytes.U64(full, 48), Bytes.U64(full, 56)).Should().Be((1u, 0u, 0x1000UL, 0x2000UL));
    }

    /// <summary>Spec §6 vector 13 on a ccw-style device (region 1, CAP_TYPE CCW/ASYNC_CMD).</summary>
    [Fact]
    public void Vector13_RegionInfoCapabilityHandshake()
    {
        var host = new VfioHost(new CcwStyleVendor());
        var device = host.OpenTyped().Device;
        var r = Bytes.Sized(32, 32, 0, 1);
        device.Ioctl(VfioIoctl.DeviceGetRegionInfo, r).Should().Be(0);
        (Bytes.U32(r, 0), Bytes.U32(r, 4) & 0x8, Bytes.U32(r, 12)).Should().Be((48u, 8u, 0u));
        var retry = Bytes.Sized(48, 48, 0, 1);
        device.Ioctl(VfioIoctl.DeviceGetRegionInfo, retry).Should().Be(0);
        Bytes.U32(retry, 12).Should().Be(32);
        (Bytes.U16(retry, 32), Bytes.U16(retry, 34), Bytes.U32(retry, 36), Bytes.U32(retry, 40), Bytes.U32(retry, 44))
            .Should().Be(((ushort)2, (ushort)1, 0u, 2u, 1u));
        (Bytes.U64(retry, 16), Bytes.U64(retry, 24)).Should().Be((8UL, 0x400UL));
    }

    [Fact]
    public void GetIrqInfo_ShortArgsz_BadIndex_AreEinval_ThenEveryField()
    {
        Expect.Errno(Errno.EINVAL, () => _device.Ioctl(VfioIoctl.DeviceGetIrqInfo, Bytes.Sized(16, 15, 0, 0)));
        Expect.Errno(Errno.EINVAL, () => _device.Ioctl(VfioIoctl.DeviceGetIrqInfo, Bytes.Sized(16, 16, 0, 5)));
        var irq = Bytes.Sized(16, 16, 0xff, 1, 0xff);
        _device.Ioctl(VfioIoctl.DeviceGetIrqInfo, irq).Should().Be(0);
        (Bytes.U32(irq, 0), Bytes.U32(irq, 4), Bytes.U32(irq, 8), Bytes.U32(irq, 12)).Should().Be((16u, 9u, 1u, 1u));
    }

    [Theory]
    [InlineData(19, 0x21u, 0u, 0u, 1u, "short argsz")]
    [InlineData(20, 0x21u, 5u, 0u, 1u, "index beyond the IRQ indexes")]
    [InlineData(20, 0x21u, 0u, 1u, 0xffffffffu, "count overflows")]
    [InlineData(20, 0x61u, 0u, 0u, 1u, "unknown flag bit 0x40")]
    [InlineData(20, 0x21u, 0u, 1u, 1u, "start beyond the index")]
    [InlineData(20, 0x21u, 0u, 0u, 2u, "start + count beyond the index")]
    [InlineData(20, 0x21u, 2u, 0u, 0u, "start 0 on an index with no interrupt")]
    [InlineData(20, 0x23u, 0u, 0u, 1u, "two data types")]
    [InlineData(20, 0x20u, 0u, 0u, 1u, "no data type")]
    [InlineData(20, 0x24u, 0u, 0u, 1u, "EVENTFD without the fd")]
    [InlineData(20, 0x22u, 0u, 0u, 1u, "BOOL without the byte")]
    public void SetIrqs_CommonRules_RefuseWithEinval(int argsz, uint flags, uint index, uint start, uint count, string why)
    {
        var state = TestPciVendor.Of(_host.Device);
        Expect.Errno(Errno.EINVAL, () => _device.Ioctl(VfioIoctl.DeviceSetIrqs, Bytes.Sized(Math.Max(argsz, 20), (uint)argsz, flags, index, start, count)));
        (state.Irqs.Intx.Trigger, state.Irqs.Msi.Trigger, state.Irqs.ActiveIndex).Should().Be((null, null, null), why);
    }

    [Fact]
    public void SetIrqs_Valid_ReachesTheVendor_TypedAndRawAlike()
    {
        using var efd = new EventFd();
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(1, 0, efd));
        TestPciVendor.Of(_host.Device).Irqs.Msi.Trigger.Should().BeSameAs(efd);
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, efd))); // INTx while MSI is enabled
        _device.Ioctl(VfioIoctl.DeviceSetIrqs, Bytes.Sized(20, 20, 0x21, 1, 0, 1)).Should().Be(0); // loop-back trigger
        efd.Read().Should().Be(1);
        var withBool = Bytes.Sized(21, 21, 0x22, 1, 0, 1);
        withBool[20] = 1;
        _device.Ioctl(VfioIoctl.DeviceSetIrqs, withBool).Should().Be(0);
        efd.Read().Should().Be(1);
        _device.Ioctl(VfioIoctl.DeviceSetIrqs, Bytes.Sized(20, 20, 0x21, 1, 0, 0)).Should().Be(0); // disable
        TestPciVendor.Of(_host.Device).Irqs.Msi.Trigger.Should().BeNull();
        TestPciVendor.Of(_host.Device).Irqs.ActiveIndex.Should().BeNull();
        Expect.Errno(Errno.EBADF, () => _device.Ioctl(VfioIoctl.DeviceSetIrqs, Fd(1, 5)));
        Expect.Errno(Errno.ENOTTY, () => _device.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionMask, 1, 0, 1)));
    }

    [Fact]
    public void RawAndTypedFaces_GiveIdenticalAnswers()
    {
        var info = Bytes.Sized(16, 16);
        _device.Ioctl(VfioIoctl.DeviceGetInfo, info);
        var typed = _device.GetInfo();
        ((VfioDeviceFlags)Bytes.U32(info, 4), Bytes.U32(info, 8), Bytes.U32(info, 12)).Should().Be((typed.Flags, typed.NumRegions, typed.NumIrqs));
        for (uint i = 0; i < typed.NumRegions; i++)
        {
            var r = Bytes.Sized(128, 128, 0, i);
            _device.Ioctl(VfioIoctl.DeviceGetRegionInfo, r);
            var t = _device.GetRegionInfo(i);
            ((VfioRegionFlags)Bytes.U32(r, 4), Bytes.U64(r, 16), Bytes.U64(r, 24)).Should().Be((t.Flags, t.Size, t.Offset), $"region {i}");
            (Bytes.U32(r, 12) != 0).Should().Be(t.Capabilities.Count > 0);
        }

        for (uint i = 0; i < typed.NumIrqs; i++)
        {
            var q = Bytes.Sized(16, 16, 0, i);
            _device.Ioctl(VfioIoctl.DeviceGetIrqInfo, q);
            var t = _device.GetIrqInfo(i);
            ((VfioIrqInfoFlags)Bytes.U32(q, 4), Bytes.U32(q, 12)).Should().Be((t.Flags, t.Count));
        }
    }

    [Fact]
    public void Reset_AndUnknownIoctls_ReachTheVendor()
    {
        _device.Write(Bytes.Of(0xabcdef), 0x40);
        _device.Ioctl(VfioIoctl.DeviceReset, Span<byte>.Empty).Should().Be(0);
        var b = new byte[4];
        _device.Read(b, 0x40);
        b.Should().Equal(0, 0, 0, 0);
        Expect.Errno(Errno.EINVAL, () => _device.Ioctl(0x3B99, Span<byte>.Empty)); // ParentOps' default for an unknown ioctl
    }

    [Fact]
    public void Mmap_OnlyInsideASparseArea_ReturnsTheVendorsWindow()
    {
        Expect.Errno(Errno.EINVAL, () => _device.Mmap(TestPciVendor.Bar2 + 0x800, 0x1000));
        Expect.Errno(Errno.EINVAL, () => _device.Mmap(TestPciVendor.Bar2, 0x1000));
        Expect.Errno(Errno.EINVAL, () => _device.Mmap(TestPciVendor.Bar2 + 0x2000, 0x2000));
        Expect.Errno(Errno.EINVAL, () => _device.Mmap(TestPciVendor.Bar0, 0x1000));
        Expect.Errno(Errno.EINVAL, () => _device.Mmap(TestPciVendor.Bar2 + 0x1000, 0x2001)); // rounded up to 0x3000: past the area
        Expect.Errno(Errno.EINVAL, () => _device.Mmap(TestPciVendor.Bar2 + 0x1000, 0));
        _device.Mmap(TestPciVendor.Bar2 + 0x1000, 0x1801).Length.Should().Be(0x2000, "do_mmap rounds the length up to a page");
        var window = _device.Mmap(TestPciVendor.Bar2 + 0x1000, 0x2000);
        window.Length.Should().Be(0x2000);
        window.Span[5] = 0x5a;
        var b = new byte[1];
        _device.Read(b, TestPciVendor.Bar2 + 0x1005);
        b[0].Should().Be(0x5a);
    }

    [Fact]
    public void ClosedDeviceFile_IsEbadf()
    {
        _device.Dispose();
        Expect.Errno(Errno.EBADF, () => _device.GetInfo());
        Expect.Errno(Errno.EBADF, () => _device.Read(new byte[4], 0));
    }

    private static byte[] Fd(uint index, int fd)
    {
        var b = Bytes.Sized(24, 24, 0x24, index, 0, 1);
        Bytes.Put(b, 20, fd);
        return b;
    }

    /// <summary>A vfio-ccw-shaped vendor: config region 0 at offset 0, async region 1 at 0x400 with CAP_TYPE(2, 1).</summary>
    private sealed class CcwStyleVendor : VfioParentOps
    {
        public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } = [new("io", "vfio-ccw", "I/O subchannel (Non-QDIO)")];

        public override int MaxInstances => 1;

        public override void Create(MdevDevice mdev)
        {
        }

        public override void Remove(MdevDevice mdev)
        {
        }

        public override VfioDeviceInfo GetDeviceInfo(MdevDevice mdev) => new(VfioDeviceFlags.Ccw | VfioDeviceFlags.Reset, 4, 3);

        public override VfioRegionInfo GetRegionInfo(MdevDevice mdev, uint index) => index switch
        {
            0 => new(0, VfioRegionFlags.Read | VfioRegionFlags.Write, 124, 0),
            1 => new(1, VfioRegionFlags.Read | VfioRegionFlags.Write, 8, 0x400, [new VfioRegionTypeCapability(2, 1)]),
            _ => throw new MdevException(Errno.EINVAL, "no such region"),
        };
    }
}
