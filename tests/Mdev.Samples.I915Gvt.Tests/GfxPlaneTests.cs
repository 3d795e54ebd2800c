using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Testing;
using Mdev.Vfio;

namespace Mdev.Samples.I915Gvt.Tests;

/// <summary>
/// VFIO_DEVICE_QUERY_GFX_PLANE and VFIO_DEVICE_GET_GFX_DMABUF as kvmgt answers them: intel_vgpu_ioctl (minsz 60),
/// intel_vgpu_query_plane, vgpu_get_plane_info over intel_vgpu_decode_primary_plane / _cursor_plane, and
/// intel_vgpu_get_dmabuf (drivers/gpu/drm/i915/gvt, mainline as of 6.12). Malformed requests first.
/// </summary>
public sealed class GfxPlaneTests
{
    private const ulong Aperture = 128UL << 20; // the first V4 vGPU's aperture slice
    private const long Ggtt = 8L << 20;
    private const ulong FramebufferGpa = 0x100000;
    private const ulong CursorGpa = 0x200000;

    private static readonly VfioGfxPlaneInfo Primary = new() { Flags = VfioGfxPlaneFlags.Dmabuf, DrmPlaneType = VfioGfxPlaneInfo.PlaneTypePrimary };

    [Fact]
    public async Task QueryPlane_ArgszAndFlags_AreCheckedAsIntelVgpuIoctlAndQueryPlaneDo()
    {
        await using var host = GvtHost.Create();
        using var vm = host.Open(host.CreateDevice(GvtHost.V4));

        // intel_vgpu_ioctl: copy_from_user of minsz (60) bytes, then argsz < minsz.
        Expect(Errno.EFAULT, () => vm.Device.Ioctl(VfioIoctl.DeviceQueryGfxPlane, new byte[56]));
        Expect(Errno.EINVAL, () => vm.Device.Ioctl(VfioIoctl.DeviceQueryGfxPlane, Raw(59, VfioGfxPlaneFlags.Dmabuf, 1)));

        // intel_vgpu_query_plane: flags 0, REGION, PROBE without DMABUF, PROBE|REGION are EINVAL.
        foreach (var flags in new[] { VfioGfxPlaneFlags.None, VfioGfxPlaneFlags.Region, VfioGfxPlaneFlags.Probe, VfioGfxPlaneFlags.Probe | VfioGfxPlaneFlags.Region })
        {
            Expect(Errno.EINVAL, () => vm.Device.Ioctl(VfioIoctl.DeviceQueryGfxPlane, Raw(64, flags, 1)));
        }

        // PROBE|DMABUF is 0 and copies back the struct as given.
        var probe = Raw(64, VfioGfxPlaneFlags.Probe | VfioGfxPlaneFlags.Dmabuf, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(probe.AsSpan(56), 0xabcd);
        var before = probe.ToArray();
        vm.Device.Ioctl(VfioIoctl.DeviceQueryGfxPlane, probe).Should().Be(0);
        probe.Should().Equal(before);

        // Nothing programmed: vgpu_get_plane_info's ENODEV becomes 0 with the struct untouched ("plane isn't ready").
        var notReady = Raw(60, VfioGfxPlaneFlags.Dmabuf, 1);
        vm.Device.Ioctl(VfioIoctl.DeviceQueryGfxPlane, notReady).Should().Be(0);
        notReady.Should().Equal(Raw(60, VfioGfxPlaneFlags.Dmabuf, 1));
        vm.Device.QueryGfxPlane(Primary with { DrmPlaneType = VfioGfxPlaneInfo.PlaneTypeCursor }).Should().Be(Primary with { DrmPlaneType = VfioGfxPlaneInfo.PlaneTypeCursor });

        // An overlay (0) or unknown plane type is EINVAL ("invalid plane id"), whatever is programmed.
        Expect(Errno.EINVAL, () => vm.Device.QueryGfxPlane(Primary with { DrmPlaneType = 0 }));
        Expect(Errno.EINVAL, () => vm.Device.QueryGfxPlane(Primary with { DrmPlaneType = 3 }));
    }

    [Fact]
    public async Task QueryPlane_BadSurfaceOrFormat_IsTheDecodersErrno_ThenTheProgrammedPrimaryPlane()
    {
        await using var host = GvtHost.Create();
        using var vm = host.Open(host.CreateDevice(GvtHost.V4));
        ProgramPrimary(vm, Aperture);

        // intel_vgpu_decode_primary_plane: a pixel format it does not know is EINVAL; a surface outside the vGPU's GM too.
        W(vm, 0x70180, (1u << 31) | (0x7u << 24));
        Expect(Errno.EINVAL, () => vm.Device.QueryGfxPlane(Primary));
        W(vm, 0x70180, (1u << 31) | (0x4u << 24));
        W(vm, 0x7019C, 0x1000);
        Expect(Errno.EINVAL, () => vm.Device.QueryGfxPlane(Primary));

        // vgpu_get_plane_info: a buffer running out of the vGPU's GM is EFAULT (intel_gvt_ggtt_validate_range).
        W(vm, 0x7019C, (uint)(Aperture + (128UL << 20) - 4096));
        Expect(Errno.EFAULT, () => vm.Device.QueryGfxPlane(Primary));

        // A disabled plane is "not ready": 0, the struct as given.
        W(vm, 0x7019C, (uint)Aperture);
        W(vm, 0x70180, 0x4u << 24);
        vm.Device.QueryGfxPlane(Primary).Should().Be(Primary);

        W(vm, 0x70180, (1u << 31) | (0x4u << 24));
        var plane = vm.Device.QueryGfxPlane(Primary with { XHot = 7 });
        plane.Should().Be(Primary with
        {
            DrmFormat = 0x34325258, // XR24
            DrmFormatMod = 0,
            Width = 64,
            Height = 32,
            Stride = 256,
            Size = 8192,
            XHot = 0,
            DmabufId = 1,
        });

        // The same buffer again: the same object (pick_dmabuf_by_info); RGBX order is another format, so another object.
        vm.Device.QueryGfxPlane(Primary).DmabufId.Should().Be(1);
        W(vm, 0x70180, (1u << 31) | (0x4u << 24) | (1u << 20));
        vm.Device.QueryGfxPlane(Primary).Should().Match<VfioGfxPlaneInfo>(p => p.DrmFormat == 0x34324258 && p.DmabufId == 2);

        // X tiling: the stride counts 512-byte units and the height rounds up to 8 rows.
        W(vm, 0x70180, (1u << 31) | (0x4u << 24) | (1u << 10));
        W(vm, 0x60000 + 0x1C, (63u << 16) | 29); // 64 x 30
        W(vm, 0x70188, 1);
        vm.Device.QueryGfxPlane(Primary).Should().Match<VfioGfxPlaneInfo>(p => p.DrmFormatMod == ((1UL << 56) | 1) && p.Stride == 512 && p.Size == 512 * 32 && p.DmabufId == 3);
    }

    [Fact]
    public async Task QueryPlane_Cursor_PositionAndHotSpotFromPvInfo()
    {
        await using var host = GvtHost.Create();
        using var vm = host.Open(host.CreateDevice(GvtHost.V4));
        var cursor = Primary with { DrmPlaneType = VfioGfxPlaneInfo.PlaneTypeCursor };
        W(vm, 0x70008, 1u << 31);

        W(vm, 0x70080, 0x05); // no such cursor mode
        Expect(Errno.EINVAL, () => vm.Device.QueryGfxPlane(cursor));

        W(vm, 0x70080, 0x27); // 64x64 ARGB
        W(vm, 0x70084, (uint)(Aperture + 0x10000));
        W(vm, 0x70088, (10u << 16) | 20);
        var plane = vm.Device.QueryGfxPlane(cursor);
        plane.Should().Match<VfioGfxPlaneInfo>(p => p.DrmFormat == 0x34325241 && p.Width == 64 && p.Height == 64 && p.Stride == 256 && p.Size == 16384);
        (plane.XPos, plane.YPos).Should().Be((20u, 10u));
        (plane.XHot, plane.YHot).Should().Be((uint.MaxValue, uint.MaxValue), "PVINFO's hot spot starts at UINT_MAX, which validate_hotspot refuses");

        W(vm, 0x78830, 5);
        W(vm, 0x78834, 6);
        plane = vm.Device.QueryGfxPlane(cursor);
        (plane.XHot, plane.YHot).Should().Be((5u, 6u));
        plane.DmabufId.Should().Be(1, "the hot spot is not part of pick_dmabuf_by_info's comparison");
    }

    [Fact]
    public async Task GetDmabuf_UnknownIdFirst_ThenTheGuestPagesTheGgttPointsAt()
    {
        await using var host = GvtHost.Create();
        var mdev = host.CreateDevice(GvtHost.V4);
        using var vm = host.Open(mdev);
        ProgramPrimary(vm, Aperture);

        // The guest's two framebuffer pages, in reverse order in guest memory: the GGTT decides what the buffer holds.
        var pixels = new byte[8192];
        Random.Shared.NextBytes(pixels);
        pixels.AsSpan(4096).CopyTo(vm.GuestMemory.Span[(int)FramebufferGpa..]);
        pixels.AsSpan(0, 4096).CopyTo(vm.GuestMemory.Span[(int)(FramebufferGpa + 4096)..]);
        Ggtt64(vm, Aperture, FramebufferGpa + 4096);
        Ggtt64(vm, Aperture + 4096, FramebufferGpa);

        Expect(Errno.EINVAL, () => vm.Device.GetGfxDmabuf(1)); // intel_vgpu_get_dmabuf: no object until a query made one
        var plane = vm.Device.QueryGfxPlane(Primary);
        plane.DmabufId.Should().Be(1);
        Expect(Errno.EINVAL, () => vm.Device.GetGfxDmabuf(2));

        using (var dmabuf = vm.Device.GetGfxDmabuf(plane.DmabufId))
        {
            dmabuf.Size.Should().Be(8192);
            var read = new byte[8192];
            dmabuf.Read(0, read);
            read.Should().Equal(pixels);
            dmabuf.Mmap(4096, 4096).ToArray().Should().Equal(pixels[4096..]);
            Expect(Errno.EINVAL, () => dmabuf.Mmap(4096, 8192));
            Expect(Errno.EINVAL, () => dmabuf.Mmap(100, 4096));

            // A later guest write shows: the buffer reads the guest pages, not a copy taken at export.
            vm.GuestMemory.Span[(int)FramebufferGpa] ^= 0xff;
            dmabuf.Read(4096, read.AsSpan(0, 1));
            read[0].Should().Be((byte)(pixels[4096] ^ 0xff));
            using var second = vm.Device.GetGfxDmabuf(1); // the object is still listed while an export holds it
            second.Size.Should().Be(8192);
        }

        // The export dropped the initial reference and the closes the last ones: the object is gone and its id free.
        Expect(Errno.EINVAL, () => vm.Device.GetGfxDmabuf(1));
        vm.Device.QueryGfxPlane(Primary).DmabufId.Should().Be(1);
    }

    [Fact]
    public async Task RawFaces_GetDmabufIsADescriptor_MmapGivesTheBytes_ReadIsEinval_LastCloseCleansUp()
    {
        await using var host = GvtHost.Create();
        var mdev = host.CreateDevice(GvtHost.V4);
        using var p = host.Vfio.CreateProcess();
        int container = p.Open(VfioProcess.ContainerPath);
        int group = p.Open($"/dev/vfio/{host.Vfio.FindGroup(mdev)!.Id}");
        p.Ioctl(group, VfioIoctl.GroupSetContainer, U32(unchecked((uint)container)));
        p.Ioctl(container, VfioIoctl.SetIommu, (ulong)VfioExtension.Type1v2Iommu);
        ulong ram = p.MapAnonymous(1 << 20);
        var map = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(map, 32);
        BinaryPrimitives.WriteUInt32LittleEndian(map.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt64LittleEndian(map.AsSpan(8), ram);
        BinaryPrimitives.WriteUInt64LittleEndian(map.AsSpan(16), FramebufferGpa);
        BinaryPrimitives.WriteUInt64LittleEndian(map.AsSpan(24), 1 << 20);
        p.Ioctl(container, VfioIoctl.IommuMapDma, map);
        int device = (int)p.Ioctl(group, VfioIoctl.GroupGetDeviceFd, System.Text.Encoding.ASCII.GetBytes(mdev.Name + "\0"));

        void Reg(long offset, uint value) => p.Pwrite(device, U32(value), offset);
        Reg(0x70008, 1u << 31);
        Reg(0x6001C, (63u << 16) | 31);
        Reg(0x70180, (1u << 31) | (0x4u << 24));
        Reg(0x70188, 4);
        Reg(0x7019C, (uint)Aperture);
        for (ulong page = 0; page < 2; page++)
        {
            p.Pwrite(device, U64((FramebufferGpa + (page * 4096)) | 1), Ggtt + (long)((Aperture >> 12) + page) * 8);
        }

        p.Memory(ram, 8192).Span.Fill(0x5a);

        Expect(Errno.EFAULT, () => p.Ioctl(device, VfioIoctl.DeviceGetGfxDmabuf, new byte[2])); // get_user of a __u32
        Expect(Errno.EINVAL, () => p.Ioctl(device, VfioIoctl.DeviceGetGfxDmabuf, U32(1)));
        var query = Raw(64, VfioGfxPlaneFlags.Dmabuf, 1);
        p.Ioctl(device, VfioIoctl.DeviceQueryGfxPlane, query).Should().Be(0);
        BinaryPrimitives.ReadUInt32LittleEndian(query.AsSpan(36)).Should().Be(8192, "size");
        BinaryPrimitives.ReadUInt32LittleEndian(query.AsSpan(56)).Should().Be(1, "dmabuf_id");
        BinaryPrimitives.ReadUInt32LittleEndian(query.AsSpan(0)).Should().Be(64, "argsz is copied back as given");

        int fd = (int)p.Ioctl(device, VfioIoctl.DeviceGetGfxDmabuf, U32(1));
        fd.Should().BeGreaterThan(device);
        Expect(Errno.EINVAL, () => p.Read(fd, new byte[16])); // dma_buf_fops has no read
        p.Mmap(fd, 0, 8192).ToArray().Should().OnlyContain(b => b == 0x5a);

        // The device's last close releases the vGPU (intel_vgpu_dmabuf_cleanup); the exported buffer stays readable.
        // (The object still holds the export's reference, so only the cleanup can have taken it off the list.)
        p.Close(device);
        int reopened = (int)p.Ioctl(group, VfioIoctl.GroupGetDeviceFd, System.Text.Encoding.ASCII.GetBytes(mdev.Name + "\0"));
        Expect(Errno.EINVAL, () => p.Ioctl(reopened, VfioIoctl.DeviceGetGfxDmabuf, U32(1)));
        p.Mmap(fd, 0, 4096).Length.Should().Be(4096);
        p.Close(fd);
        p.Close(reopened);
    }

    private static void ProgramPrimary(VmmSession vm, ulong surface)
    {
        W(vm, 0x70008, 1u << 31);                // PIPECONF(A): enabled
        W(vm, 0x6001C, (63u << 16) | 31);        // PIPESRC(A): 64 x 32
        W(vm, 0x70180, (1u << 31) | (0x4u << 24)); // PLANE_CTL: enabled, XRGB8888, linear
        W(vm, 0x70188, 4);                       // PLANE_STRIDE: 4 x 64 bytes
        W(vm, 0x7019C, (uint)surface);           // PLANE_SURF
        Ggtt64(vm, surface, FramebufferGpa);
        Ggtt64(vm, surface + 4096, FramebufferGpa + 4096);
    }

    private static void W(VmmSession vm, long register, uint value) => vm.WriteRegion(0, register, value, 4);

    private static void Ggtt64(VmmSession vm, ulong gma, ulong gpa)
    {
        long entry = Ggtt + (long)(gma >> 12) * 8;
        vm.WriteRegion(0, entry, (uint)(gpa | 1), 4);
        vm.WriteRegion(0, entry + 4, (uint)(gpa >> 32), 4);
    }

    private static byte[] Raw(uint argsz, VfioGfxPlaneFlags flags, uint planeType)
    {
        var b = new byte[Math.Max(argsz, 60)];
        BinaryPrimitives.WriteUInt32LittleEndian(b, argsz);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)flags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), planeType);
        return b;
    }

    private static byte[] U32(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return b;
    }

    private static byte[] U64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        return b;
    }

    private static void Expect(Errno errno, Action action) => Assert.Throws<MdevException>(action).Errno.Should().Be(errno);
}
