namespace Mdev.Vfio;

/// <summary><c>vfio_device_info.flags</c>.</summary>
[Flags]
public enum VfioDeviceFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary><c>VFIO_DEVICE_FLAGS_RESET</c>: the device supports reset.</summary>
    Reset = 1 << 0,
    /// <summary><c>VFIO_DEVICE_FLAGS_PCI</c>.</summary>
    Pci = 1 << 1,
    /// <summary><c>VFIO_DEVICE_FLAGS_PLATFORM</c>.</summary>
    Platform = 1 << 2,
    /// <summary><c>VFIO_DEVICE_FLAGS_AMBA</c>.</summary>
    Amba = 1 << 3,
    /// <summary><c>VFIO_DEVICE_FLAGS_CCW</c>.</summary>
    Ccw = 1 << 4,
    /// <summary><c>VFIO_DEVICE_FLAGS_AP</c>.</summary>
    Ap = 1 << 5,
    /// <summary><c>VFIO_DEVICE_FLAGS_FSL_MC</c>.</summary>
    FslMc = 1 << 6,
    /// <summary><c>VFIO_DEVICE_FLAGS_CAPS</c>: the info carries a capability chain.</summary>
    Caps = 1 << 7,
    /// <summary><c>VFIO_DEVICE_FLAGS_CDX</c>.</summary>
    Cdx = 1 << 8,
}
