using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>int shutdown(int fd, int how)</c>: wakes a thread blocked in accept or recvmsg on it.</summary>
    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int Shutdown(int fd, int how);
}
