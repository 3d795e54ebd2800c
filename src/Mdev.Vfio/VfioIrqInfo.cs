namespace Mdev.Vfio;

/// <summary><c>struct vfio_irq_info</c> (what <c>VFIO_DEVICE_GET_IRQ_INFO</c> returns); count 0 marks an unimplemented index.</summary>
/// <param name="Index">The IRQ index (e.g. 0 INTx, 1 MSI, 2 MSI-X, 3 ERR, 4 REQ for PCI).</param>
/// <param name="Flags">What the index supports.</param>
/// <param name="Count">How many interrupts the index has.</param>
public readonly record struct VfioIrqInfo(uint Index, VfioIrqInfoFlags Flags, uint Count);
