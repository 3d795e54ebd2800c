namespace Mdev.Vfio;

/// <summary><c>struct vfio_device_info</c> (what <c>VFIO_DEVICE_GET_INFO</c> returns).</summary>
/// <param name="Flags">The device's flags (type and RESET).</param>
/// <param name="NumRegions">The number of region indexes (max index + 1).</param>
/// <param name="NumIrqs">The number of IRQ indexes.</param>
public readonly record struct VfioDeviceInfo(VfioDeviceFlags Flags, uint NumRegions, uint NumIrqs);
