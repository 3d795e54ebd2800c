namespace Mdev.Vfio;

/// <summary><c>vfio_region_info.flags</c>.</summary>
[Flags]
public enum VfioRegionFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary><c>VFIO_REGION_INFO_FLAG_READ</c>.</summary>
    Read = 1 << 0,
    /// <summary><c>VFIO_REGION_INFO_FLAG_WRITE</c>.</summary>
    Write = 1 << 1,
    /// <summary><c>VFIO_REGION_INFO_FLAG_MMAP</c>.</summary>
    Mmap = 1 << 2,
    /// <summary><c>VFIO_REGION_INFO_FLAG_CAPS</c>: the info carries a capability chain.</summary>
    Caps = 1 << 3,
}
