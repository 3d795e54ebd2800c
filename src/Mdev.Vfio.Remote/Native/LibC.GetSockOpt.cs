using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>int getsockopt(int fd, int level, int name, void *value, socklen_t *len)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int GetSockOpt(int fd, int level, int name, void* value, int* length);
}
