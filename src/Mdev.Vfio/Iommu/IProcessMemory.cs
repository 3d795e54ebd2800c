namespace Mdev.Vfio;

/// <summary>
/// The user memory of a process outside .NET (a VMM served over a socket): what the vaddr of <c>VFIO_IOMMU_MAP_DMA</c>
/// points into when the container's process has no in-process memory (<see cref="VfioProcess.MapAnonymous"/>).
/// The kernel reaches it with <c>vfio_pin_pages</c>/<c>vfio_dma_rw</c> on the task's mm; here the implementation
/// copies with <c>process_vm_readv</c>/<c>process_vm_writev</c>.
/// </summary>
/// <remarks>Implementations are thread-safe; a fault is an <see cref="Mdev.Core.MdevException"/> with <c>EFAULT</c>.</remarks>
internal interface IProcessMemory
{
    /// <summary>Copies <c>destination.Length</c> bytes at <paramref name="vaddr"/> of the process.</summary>
    void Read(ulong vaddr, Span<byte> destination);

    /// <summary>Copies <paramref name="source"/> to <paramref name="vaddr"/> of the process.</summary>
    void Write(ulong vaddr, ReadOnlySpan<byte> source);
}
