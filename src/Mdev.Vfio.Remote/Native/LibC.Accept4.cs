using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int Accept4(int fd, void* address, void* length, int flags);
}
