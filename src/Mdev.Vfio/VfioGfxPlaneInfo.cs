namespace Mdev.Vfio;

/// <summary>
/// <c>struct vfio_device_gfx_plane_info</c> (include/uapi/linux/vfio.h) without its <c>argsz</c>: the request of
/// <c>VFIO_DEVICE_QUERY_GFX_PLANE</c> (<see cref="Flags"/>, <see cref="DrmPlaneType"/>) and, filled by the driver, the
/// plane. On x86-64 the fields end at byte 60 (<c>offsetofend(..., dmabuf_id)</c>, kvmgt's <c>minsz</c>).
/// </summary>
public sealed record VfioGfxPlaneInfo
{
    /// <summary>The size of the struct up to and including <c>dmabuf_id</c>: the smallest <c>argsz</c> kvmgt accepts.</summary>
    public const int MinSize = 60;

    /// <summary><c>DRM_PLANE_TYPE_PRIMARY</c>.</summary>
    public const uint PlaneTypePrimary = 1;

    /// <summary><c>DRM_PLANE_TYPE_CURSOR</c>.</summary>
    public const uint PlaneTypeCursor = 2;

    /// <summary><c>flags</c>: what is asked (PROBE) and how the plane is to be handed out (DMABUF or REGION).</summary>
    public VfioGfxPlaneFlags Flags { get; init; }

    /// <summary><c>drm_plane_type</c>: <see cref="PlaneTypePrimary"/> or <see cref="PlaneTypeCursor"/>.</summary>
    public uint DrmPlaneType { get; init; }

    /// <summary><c>drm_format</c>: the DRM fourcc (e.g. <c>XR24</c>, 0x34325258).</summary>
    public uint DrmFormat { get; init; }

    /// <summary><c>drm_format_mod</c>: the tiling modifier (0 linear).</summary>
    public ulong DrmFormatMod { get; init; }

    /// <summary><c>width</c> in pixels.</summary>
    public uint Width { get; init; }

    /// <summary><c>height</c> in pixels.</summary>
    public uint Height { get; init; }

    /// <summary><c>stride</c> in bytes.</summary>
    public uint Stride { get; init; }

    /// <summary><c>size</c> in bytes.</summary>
    public uint Size { get; init; }

    /// <summary><c>x_pos</c>: the cursor's position (0 for a primary plane).</summary>
    public uint XPos { get; init; }

    /// <summary><c>y_pos</c>.</summary>
    public uint YPos { get; init; }

    /// <summary><c>x_hot</c>: the cursor's hot spot; <see cref="uint.MaxValue"/> when it has none.</summary>
    public uint XHot { get; init; }

    /// <summary><c>y_hot</c>.</summary>
    public uint YHot { get; init; }

    /// <summary>The union <c>region_index</c> / <c>dmabuf_id</c>: the dma-buf's id for <see cref="VfioGfxPlaneFlags.Dmabuf"/>.</summary>
    public uint DmabufId { get; init; }

    /// <summary>Reads the struct's fields after <c>argsz</c> from its uapi bytes (at least <see cref="MinSize"/>).</summary>
    internal static VfioGfxPlaneInfo Decode(ReadOnlySpan<byte> b) => new()
    {
        Flags = (VfioGfxPlaneFlags)Uapi.U32(b, 4),
        DrmPlaneType = Uapi.U32(b, 8),
        DrmFormat = Uapi.U32(b, 12),
        DrmFormatMod = Uapi.U64(b, 16),
        Width = Uapi.U32(b, 24),
        Height = Uapi.U32(b, 28),
        Stride = Uapi.U32(b, 32),
        Size = Uapi.U32(b, 36),
        XPos = Uapi.U32(b, 40),
        YPos = Uapi.U32(b, 44),
        XHot = Uapi.U32(b, 48),
        YHot = Uapi.U32(b, 52),
        DmabufId = Uapi.U32(b, 56),
    };

    /// <summary>Writes the fields after <c>argsz</c> back (kvmgt copies <c>minsz</c> bytes back, argsz as given).</summary>
    internal void Encode(Span<byte> b)
    {
        Uapi.Put(b, 4, (uint)Flags);
        Uapi.Put(b, 8, DrmPlaneType);
        Uapi.Put(b, 12, DrmFormat);
        Uapi.Put(b, 16, DrmFormatMod);
        Uapi.Put(b, 24, Width);
        Uapi.Put(b, 28, Height);
        Uapi.Put(b, 32, Stride);
        Uapi.Put(b, 36, Size);
        Uapi.Put(b, 40, XPos);
        Uapi.Put(b, 44, YPos);
        Uapi.Put(b, 48, XHot);
        Uapi.Put(b, 52, YHot);
        Uapi.Put(b, 56, DmabufId);
    }
}
