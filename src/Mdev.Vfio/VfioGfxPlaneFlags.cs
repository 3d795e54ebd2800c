namespace Mdev.Vfio;

/// <summary>The <c>flags</c> of <c>struct vfio_device_gfx_plane_info</c> (<c>VFIO_GFX_PLANE_TYPE_*</c>, include/uapi/linux/vfio.h).</summary>
[Flags]
public enum VfioGfxPlaneFlags : uint
{
    /// <summary>No flag: a query with it is <c>EINVAL</c> at kvmgt.</summary>
    None = 0,

    /// <summary><c>VFIO_GFX_PLANE_TYPE_PROBE</c>: ask whether the plane type is supported; nothing is decoded.</summary>
    Probe = 1 << 0,

    /// <summary><c>VFIO_GFX_PLANE_TYPE_DMABUF</c>: the plane is handed out as a dma-buf (<c>dmabuf_id</c>).</summary>
    Dmabuf = 1 << 1,

    /// <summary><c>VFIO_GFX_PLANE_TYPE_REGION</c>: the plane lives in a device region (<c>region_index</c>).</summary>
    Region = 1 << 2,
}
