using System.Runtime.InteropServices;

namespace Mdev.Samples.Host.Native;

internal static partial class LibC
{
    /// <summary><c>ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t addrlen)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial nint SendTo(NetlinkSocketHandle fd, byte* buf, nuint len, int flags, SockaddrNl* addr, uint addrlen);
}
