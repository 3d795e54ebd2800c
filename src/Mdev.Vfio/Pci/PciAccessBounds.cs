namespace Mdev.Vfio.Pci;

/// <summary>What a <see cref="PciDevice"/> does with a BAR, ROM, VGA or device-specific region access that starts inside the region and runs past its end.</summary>
public enum PciAccessBounds
{
    /// <summary>
    /// As vfio-pci (<c>vfio_pci_bar_rw</c>): the access is cut at the end of the region and the read or write returns
    /// the shorter count. A start at or past the end is <c>EINVAL</c>.
    /// </summary>
    Truncate,

    /// <summary>As mtty, GVT-g and most mdev drivers: the whole access must fit, else <c>EINVAL</c> and nothing is touched.</summary>
    Refuse,
}
