using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>ssize_t process_vm_readv(pid_t, const struct iovec *local, unsigned long, const struct iovec *remote, unsigned long, unsigned long flags)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "process_vm_readv", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial nint ProcessVmReadv(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);
}
