using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>int bind(int fd, const struct sockaddr *addr, socklen_t len)</c> with a <c>sockaddr_un</c>.</summary>
    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int Bind(int fd, SockaddrUn* address, int length);
}
