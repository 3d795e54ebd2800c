using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>int poll(struct pollfd *fds, nfds_t n, int timeout)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int Poll(PollFd* fds, nuint count, int timeout);
}
