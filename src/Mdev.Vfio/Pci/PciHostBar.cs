namespace Mdev.Vfio.Pci;

/// <summary>A base address register of a host PCI function as the firmware assigned it (see <see cref="PciHostFunction"/>).</summary>
/// <param name="Index">The BAR number, 0..5 (a 64-bit BAR also takes the next one).</param>
/// <param name="Kind">I/O, 32-bit or 64-bit memory.</param>
/// <param name="Address">The assigned bus address, aligned to <paramref name="Size"/>.</param>
/// <param name="Size">The size, a power of two.</param>
/// <param name="Prefetchable">Memory BARs: prefetchable.</param>
public sealed record PciHostBar(int Index, PciBarKind Kind, ulong Address, ulong Size, bool Prefetchable = false);
