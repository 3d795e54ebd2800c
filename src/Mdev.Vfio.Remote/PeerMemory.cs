using System.Runtime.InteropServices;
using Mdev.Core;
using Mdev.Vfio.Remote.Native;

namespace Mdev.Vfio.Remote;

/// <summary>
/// The memory of a served process, by its pid (<c>SO_PEERCRED</c>): DMA by the vendor copies with
/// <c>process_vm_readv</c>/<c>process_vm_writev</c>, as the kernel's <c>vfio_dma_rw</c> copies through the task's mm.
/// A range the process has not mapped, or a process that is gone, is <c>EFAULT</c>. Thread-safe (no state).
/// </summary>
internal sealed class PeerMemory(int pid) : IProcessMemory
{
    /// <summary>The process.</summary>
    public int Pid { get; } = pid;

    /// <inheritdoc/>
    public unsafe void Read(ulong vaddr, Span<byte> destination)
    {
        fixed (byte* local = destination)
        {
            var l = new IoVec { Base = local, Length = (nuint)destination.Length };
            var r = new IoVec { Base = (void*)vaddr, Length = (nuint)destination.Length };
            Check(LibC.ProcessVmReadv(Pid, &l, 1, &r, 1, 0), destination.Length, "read", vaddr);
        }
    }

    /// <inheritdoc/>
    public unsafe void Write(ulong vaddr, ReadOnlySpan<byte> source)
    {
        fixed (byte* local = source)
        {
            var l = new IoVec { Base = local, Length = (nuint)source.Length };
            var r = new IoVec { Base = (void*)vaddr, Length = (nuint)source.Length };
            Check(LibC.ProcessVmWritev(Pid, &l, 1, &r, 1, 0), source.Length, "write", vaddr);
        }
    }

    private void Check(nint done, int wanted, string what, ulong vaddr)
    {
        if (done != wanted)
        {
            var reason = done < 0 ? Marshal.GetLastPInvokeErrorMessage() : $"only {done} bytes";
            throw new MdevException(Errno.EFAULT, $"dma {what} of {wanted} bytes at vaddr 0x{vaddr:x} of process {Pid}: {reason}");
        }
    }
}
