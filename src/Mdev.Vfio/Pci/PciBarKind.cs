namespace Mdev.Vfio.Pci;

/// <summary>What a PCI base address register decodes.</summary>
public enum PciBarKind
{
    /// <summary>I/O space (bit 0 set; size mask in bits 31..2).</summary>
    Io,
    /// <summary>32-bit memory space (type 00).</summary>
    Memory32,
    /// <summary>64-bit memory space (type 10); takes this BAR and the next.</summary>
    Memory64,
}
