using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Pci;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// One vGPU as kvmgt shows it through VFIO. Regions: 0 BAR0 (MMIO registers in the first 2 MiB with the PVINFO page,
/// GGTT entries from 8 MiB), 1 size 0 (BAR0's upper half), 2 BAR2 the whole aperture of which only this vGPU's slice
/// is accessible and mmap-able (one sparse area), 7 config space, 9 the OpRegion (read-only, CAP_TYPE), 10 the EDID
/// region of the monitor on port D (read-write, CAP_TYPE GFX/EDID, see <see cref="EdidRegion"/>). IRQs: INTx and
/// MSI, one each. Reads and writes are split as kvmgt splits them (8 bytes for an aligned GGTT entry, else 4, 2, 1) and
/// any failing piece fails the whole call with <c>EFAULT</c>, kvmgt's answer for every emulation error.
/// </summary>
/// <remarks>Thread-safe: one lock per vGPU (<c>vgpu_lock</c>).</remarks>
internal sealed class IntelVgpu
{
    public const uint Bar0Index = 0;
    public const uint Bar2Index = 2;
    public const uint ConfigIndex = 7;
    public const uint OpRegionIndex = 9;
    public const uint EdidIndex = 10;
    public const uint NumRegions = 11;
    public const uint NumIrqs = 5;
    public const int MmioSize = 2 << 20;
    public const long GgttOffset = 8 << 20;

    private readonly Lock _lock = new();
    private readonly GvtHardware _hardware;
    private readonly PciConfigSpace _config;
    private readonly byte[] _initialConfig;
    private readonly byte[] _mmio = new byte[MmioSize];
    private readonly Dictionary<long, ulong> _ggtt = [];
    private readonly byte[] _opRegion = OpRegion.Build();
    private readonly EdidRegion _edid;
    private readonly DmabufObjects _dmabufs = new();
    private byte[]? _aperture;

    public IntelVgpu(GvtHardware hardware, VgpuResources resources)
    {
        _hardware = hardware;
        Resources = resources;
        _config = GvtPciHeader.Build(hardware);
        _initialConfig = _config.ToArray();
        PvInfo.Populate(_mmio.AsSpan(PvInfo.Offset, PvInfo.Size), resources);
        _edid = new EdidRegion(DisplayTimings.ByResolution[resources.Config.Resolution], EmulateHotplug);
    }

    public VgpuResources Resources { get; }

    public MsiInterrupt Msi { get; } = new();

    public VfioRegionInfo RegionInfo(uint index) => index switch
    {
        Bar0Index => new(index, VfioRegionFlags.Read | VfioRegionFlags.Write, GvtPciHeader.Bar0Size, Offset(index)),
        Bar2Index => new(index, VfioRegionFlags.Read | VfioRegionFlags.Write | VfioRegionFlags.Mmap, _hardware.ApertureSize, Offset(index),
            [new VfioSparseMmapCapability([new((Resources.ApertureBase + 4095) & ~4095UL, Resources.ApertureSize)])]),
        ConfigIndex => new(index, VfioRegionFlags.Read | VfioRegionFlags.Write, GvtPciHeader.Size, Offset(index)),
        OpRegionIndex => new(index, VfioRegionFlags.Read, OpRegion.Size, Offset(index),
            [new VfioRegionTypeCapability(OpRegion.RegionType, OpRegion.RegionSubtype)]),
        // kvmgt registers the EDID region with CAPS among its flags itself (the OpRegion gets CAPS from the chain only).
        EdidIndex => new(index, VfioRegionFlags.Read | VfioRegionFlags.Write | VfioRegionFlags.Caps, EdidRegion.Size, Offset(index),
            [new VfioRegionTypeCapability(EdidRegion.RegionType, EdidRegion.RegionSubtype)]),
        < NumRegions => new(index, VfioRegionFlags.None, 0, Offset(index)),
        _ => throw new MdevException(Errno.EINVAL, $"region info {index}: a GVT-g vGPU has regions 0..{NumRegions - 1}"),
    };

    /// <summary>kvmgt answers only INTx and MSI; the other indexes below 5 are <c>EINVAL</c> too.</summary>
    public static VfioIrqInfo IrqInfo(uint index) => index switch
    {
        0 => new(0, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked, 1),
        1 => new(1, VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.NoResize, 1),
        _ => throw new MdevException(Errno.EINVAL, $"irq info {index}: a GVT-g vGPU has INTx (0) and MSI (1) only"),
    };

    /// <summary>
    /// kvmgt's SET_IRQS: INTx mask, unmask and trigger succeed and do nothing (GVT-g signals MSI only); MSI trigger binds
    /// an eventfd (fd -1 is <c>EBADF</c>), DATA_NONE with count 0 releases it, other MSI triggers do nothing; MSI mask and
    /// unmask and everything else are <c>ENOTTY</c>.
    /// </summary>
    public void SetIrqs(VfioIrqSet request)
    {
        switch ((request.Index, request.Action))
        {
            case (0, VfioIrqSetFlags.ActionMask or VfioIrqSetFlags.ActionUnmask or VfioIrqSetFlags.ActionTrigger):
                break;
            case (1, VfioIrqSetFlags.ActionTrigger) when request.DataType == VfioIrqSetFlags.DataEventFd:
                Msi.Bind(request.EventFds[0] ?? throw new MdevException(Errno.EBADF, "set irqs MSI: eventfd -1 is not a descriptor"));
                break;
            case (1, VfioIrqSetFlags.ActionTrigger) when request.DataType == VfioIrqSetFlags.DataNone && request.Count == 0:
                Msi.Bind(null);
                break;
            case (1, VfioIrqSetFlags.ActionTrigger):
                break;
            default:
                throw new MdevException(Errno.ENOTTY, $"set irqs: {request.Action} on index {request.Index} is not supported by GVT-g");
        }
    }

    public int Read(Span<byte> buffer, long offset)
    {
        lock (_lock)
        {
            for (int done = 0; done < buffer.Length;)
            {
                long pos = offset + done;
                int n = PieceSize(pos, buffer.Length - done);
                if (ReadPiece(pos, buffer.Slice(done, n)) is { } error)
                {
                    throw Fault("read", pos, n, error);
                }

                done += n;
            }
        }

        return buffer.Length;
    }

    public int Write(ReadOnlySpan<byte> buffer, long offset)
    {
        lock (_lock)
        {
            for (int done = 0; done < buffer.Length;)
            {
                long pos = offset + done;
                int n = PieceSize(pos, buffer.Length - done);
                if (WritePiece(pos, buffer.Slice(done, n)) is { } error)
                {
                    throw Fault("write", pos, n, error);
                }

                done += n;
            }
        }

        return buffer.Length;
    }

    /// <summary>kvmgt's mmap: BAR2 only, inside this vGPU's aperture slice.</summary>
    public Memory<byte> Mmap(long offset, long length)
    {
        var (index, at) = (VfioRegionOffsets.PciOffsetToIndex(offset), (ulong)VfioRegionOffsets.PciOffsetInRegion(offset));
        if (index != Bar2Index || at < Resources.ApertureBase || at - Resources.ApertureBase + (ulong)length > Resources.ApertureSize)
        {
            throw new MdevException(Errno.EINVAL, $"mmap at 0x{offset:x}: only this vGPU's aperture slice of BAR2 maps");
        }

        lock (_lock)
        {
            return Aperture().AsMemory((int)(at - Resources.ApertureBase), (int)length);
        }
    }

    /// <summary>
    /// Device-model-level reset (<c>intel_gvt_reset_vgpu</c>): MMIO registers cleared and PVINFO refilled, GGTT entries
    /// and config space as at creation (so the hotplug bits of the EDID link go too). Aperture contents, fences, the MSI
    /// eventfd and the EDID region (blob, edid_size, link_state: kvmgt's reset does not touch VFIO regions) stay.
    /// </summary>
    public void Reset()
    {
        lock (_lock)
        {
            Array.Clear(_mmio);
            PvInfo.Populate(_mmio.AsSpan(PvInfo.Offset, PvInfo.Size), Resources);
            _ggtt.Clear();
            _config.Restore(_initialConfig);
        }
    }

    /// <summary>Last close (<c>intel_vgpu_close_device</c> → <c>intel_gvt_release_vgpu</c>): the MSI eventfd is released and the dma-buf objects are cleaned up.</summary>
    public void Release()
    {
        Msi.Bind(null);
        _dmabufs.Cleanup();
    }

    /// <summary>The dma-buf objects listed now (<c>dmabuf_obj_list_head</c>), by id.</summary>
    public IReadOnlyList<uint> DmabufIds => _dmabufs.Ids;

    /// <summary>
    /// <c>intel_vgpu_query_plane</c>: PROBE|DMABUF is 0 with the struct as given; any flag but DMABUF (REGION, a PROBE
    /// without DMABUF) or none is <c>EINVAL</c>; else the plane decoded from the display registers
    /// (<see cref="PlaneDecoder"/>) with the id of its dma-buf object. A plane that is not ready (<c>ENODEV</c>) answers 0
    /// and leaves the struct as given ("ENODEV means plane isn't ready, which might be a normal case").
    /// </summary>
    public VfioGfxPlaneInfo QueryPlane(VfioGfxPlaneInfo request)
    {
        if (request.Flags == (VfioGfxPlaneFlags.Dmabuf | VfioGfxPlaneFlags.Probe))
        {
            return request;
        }

        if ((request.Flags & ~VfioGfxPlaneFlags.Dmabuf) != 0 || request.Flags == VfioGfxPlaneFlags.None)
        {
            throw new MdevException(Errno.EINVAL, $"query gfx plane: flags 0x{(uint)request.Flags:x} (kvmgt hands planes out as dma-bufs only)");
        }

        FramebufferInfo info;
        lock (_lock)
        {
            try
            {
                info = PlaneDecoder.Decode(_mmio, GmaToGpa, Resources, _hardware.GraphicsVersion, request.DrmPlaneType);
            }
            catch (MdevException ex) when (ex.Errno == Errno.ENODEV)
            {
                return request;
            }
        }

        return request with
        {
            DrmFormat = info.DrmFormat,
            DrmFormatMod = info.DrmFormatMod,
            Width = info.Width,
            Height = info.Height,
            Stride = info.Stride,
            Size = info.Size,
            XPos = info.XPos,
            YPos = info.YPos,
            XHot = info.XHot,
            YHot = info.YHot,
            DmabufId = _dmabufs.Query(info),
        };
    }

    /// <summary>
    /// <c>intel_vgpu_get_dmabuf</c>: the dma-buf of a listed object (<c>EINVAL</c> for an unknown id), its size the
    /// plane's rounded up to a page (<c>vgpu_create_gem</c>). Its bytes are read through the plane's GGTT entries, page by
    /// page, from guest memory (<c>vgpu_gem_get_pages</c>; here a DMA read at the guest-physical address, which QEMU maps
    /// as the IOVA), when they are read.
    /// </summary>
    public VfioDmabuf GetDmabuf(uint id, VfioDeviceContext dma)
    {
        var (info, release) = _dmabufs.Export(id);
        return new VfioDmabuf((info.Size + 4095L) & ~4095L, (offset, destination) => ReadFramebuffer(info, offset, destination, dma), release);
    }

    /// <summary>A guest GGTT entry's address bits (38:12) plus the offset in the page: <c>intel_vgpu_gma_to_gpa</c>.</summary>
    private ulong GmaToGpa(ulong gma) => (_ggtt.GetValueOrDefault((long)(gma >> 12)) & 0x7F_FFFF_F000UL) | (gma & 0xfff);

    private void ReadFramebuffer(FramebufferInfo info, long offset, Span<byte> destination, VfioDeviceContext dma)
    {
        while (!destination.IsEmpty)
        {
            int inPage = (int)(offset & 0xfff);
            int n = Math.Min(destination.Length, 4096 - inPage);
            ulong gpa;
            lock (_lock)
            {
                gpa = GmaToGpa(info.Start + (ulong)offset);
            }

            dma.DmaRead(gpa, destination[..n]);
            destination = destination[n..];
            offset += n;
        }
    }

    private static ulong Offset(uint index) => (ulong)VfioRegionOffsets.PciIndexToOffset(index);

    private static MdevException Fault(string what, long pos, int n, string error) =>
        new(Errno.EFAULT, $"{what} of {n} bytes at 0x{pos:x}: {error}");

    private int PieceSize(long pos, int left)
    {
        bool ggttEntry = VfioRegionOffsets.PciOffsetToIndex(pos) == Bar0Index && IsGgtt(VfioRegionOffsets.PciOffsetInRegion(pos));
        return left >= 8 && pos % 8 == 0 && ggttEntry ? 8 : left >= 4 && pos % 4 == 0 ? 4 : left >= 2 && pos % 2 == 0 ? 2 : 1;
    }

    private bool IsGgtt(long at) => at >= GgttOffset && (ulong)(at - GgttOffset) < _hardware.GgttEntriesSize;

    private string? ReadPiece(long pos, Span<byte> piece)
    {
        uint index = VfioRegionOffsets.PciOffsetToIndex(pos);
        long at = VfioRegionOffsets.PciOffsetInRegion(pos);
        switch (index)
        {
            case ConfigIndex when at + piece.Length <= GvtPciHeader.Size:
                _config.Read((int)at, piece);
                return null;
            case Bar0Index when at < MmioSize:
                _mmio.AsSpan((int)at, piece.Length).CopyTo(piece);
                return null;
            case Bar0Index when IsGgtt(at):
                if (piece.Length is not (4 or 8))
                {
                    return "GGTT entries take 4 or 8-byte accesses";
                }

                Span<byte> entry = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(entry, _ggtt.GetValueOrDefault((at - GgttOffset) / 8));
                entry.Slice((int)((at - GgttOffset) % 8), piece.Length).CopyTo(piece);
                return null;
            case Bar2Index when InSlice(at, piece.Length):
                Aperture().AsSpan((int)((ulong)at - Resources.ApertureBase), piece.Length).CopyTo(piece);
                return null;
            case OpRegionIndex when at + piece.Length <= OpRegion.Size:
                _opRegion.AsSpan((int)at, piece.Length).CopyTo(piece);
                return null;
            case EdidIndex:
                return _edid.Read(at, piece);
            default:
                return Refusal(index, at);
        }
    }

    private string? WritePiece(long pos, ReadOnlySpan<byte> piece)
    {
        uint index = VfioRegionOffsets.PciOffsetToIndex(pos);
        long at = VfioRegionOffsets.PciOffsetInRegion(pos);
        switch (index)
        {
            case ConfigIndex when at + piece.Length <= GvtPciHeader.Size:
                _config.Write((int)at, piece);
                return null;
            case Bar0Index when at < MmioSize:
                // The top half of the PVINFO page is the host's: guest writes there are dropped.
                if (at < PvInfo.Offset || at >= PvInfo.Offset + PvInfo.GuestWritableFrom)
                {
                    piece.CopyTo(_mmio.AsSpan((int)at));
                }

                return null;
            case Bar0Index when IsGgtt(at):
                return piece.Length is 4 or 8 ? WriteGgtt(at - GgttOffset, piece) : "GGTT entries take 4 or 8-byte accesses";
            case Bar2Index when InSlice(at, piece.Length):
                piece.CopyTo(Aperture().AsSpan((int)((ulong)at - Resources.ApertureBase)));
                return null;
            case OpRegionIndex:
                return "the OpRegion is read-only";
            case EdidIndex:
                return _edid.Write(at, piece);
            default:
                return Refusal(index, at);
        }
    }

    /// <summary>
    /// <c>intel_vgpu_emulate_hotplug</c> for port D on Skylake-class parts (graphics version 9 here): the strap and
    /// SDEISR bits follow the link, SDEIIR and the port D hotplug status latch. The <c>DP_D_HOTPLUG</c> virtual interrupt
    /// kvmgt then raises is not modelled (the sample has no interrupt emulation), nor Broxton's branch; Broadwell
    /// (graphics version 8) has no branch in the kernel, so nothing changes there.
    /// </summary>
    private void EmulateHotplug(bool connected)
    {
        if (_hardware.GraphicsVersion != 9)
        {
            return;
        }

        Update(DisplayRegisters.SfuseStrap, DisplayRegisters.SfuseStrapDdidDetected, connected);
        Update(DisplayRegisters.Sdeisr, DisplayRegisters.SdePortDHotplugCpt, connected);
        Update(DisplayRegisters.Sdeiir, DisplayRegisters.SdePortDHotplugCpt, true);
        Update(DisplayRegisters.PchPortHotplug, DisplayRegisters.PortDHotplugStatusMask, true);

        void Update(int register, uint bits, bool set)
        {
            var span = _mmio.AsSpan(register, 4);
            uint value = BinaryPrimitives.ReadUInt32LittleEndian(span);
            BinaryPrimitives.WriteUInt32LittleEndian(span, set ? value | bits : value & ~bits);
        }
    }

    /// <summary>A guest GGTT entry write lands only when the entry maps a GM address of this vGPU's slices; others are dropped.</summary>
    private string? WriteGgtt(long at, ReadOnlySpan<byte> piece)
    {
        long index = at / 8;
        if (!Resources.Owns((ulong)index * 4096))
        {
            return null;
        }

        Span<byte> entry = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(entry, _ggtt.GetValueOrDefault(index));
        piece.CopyTo(entry[(int)(at % 8)..]);
        _ggtt[index] = BinaryPrimitives.ReadUInt64LittleEndian(entry);
        return null;
    }

    private string Refusal(uint index, long at) => index switch
    {
        >= NumRegions => $"no region {index}",
        Bar0Index => $"BAR0 offset 0x{at:x} is neither MMIO (below 0x{MmioSize:x}) nor a GGTT entry",
        Bar2Index => $"aperture offset 0x{at:x} is outside this vGPU's slice [0x{Resources.ApertureBase:x}, 0x{Resources.ApertureBase + Resources.ApertureSize:x}) (the last bytes of the slice count as outside, as in kvmgt)",
        ConfigIndex or OpRegionIndex => $"offset 0x{at:x} is past region {index}",
        _ => $"region {index} has nothing behind it",
    };

    /// <summary>kvmgt's test: both the first byte and the byte after the access must lie in the slice (so an access ending exactly at the slice's end fails).</summary>
    private bool InSlice(long at, int length)
    {
        bool In(ulong x) => x >= Resources.ApertureBase && x - Resources.ApertureBase < Resources.ApertureSize;
        return In((ulong)at) && In((ulong)at + (ulong)length);
    }

    private byte[] Aperture() => _aperture ??= new byte[Resources.ApertureSize];
}
