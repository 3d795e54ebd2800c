namespace Mdev.Vfio;

/// <summary><c>vfio_irq_info.flags</c>.</summary>
[Flags]
public enum VfioIrqInfoFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary><c>VFIO_IRQ_INFO_EVENTFD</c>.</summary>
    EventFd = 1 << 0,
    /// <summary><c>VFIO_IRQ_INFO_MASKABLE</c>.</summary>
    Maskable = 1 << 1,
    /// <summary><c>VFIO_IRQ_INFO_AUTOMASKED</c>.</summary>
    AutoMasked = 1 << 2,
    /// <summary><c>VFIO_IRQ_INFO_NORESIZE</c>.</summary>
    NoResize = 1 << 3,
}
