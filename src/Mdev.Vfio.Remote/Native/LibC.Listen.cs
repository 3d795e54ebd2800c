using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>int listen(int fd, int backlog)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int Listen(int fd, int backlog);
}
