using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>ssize_t read(int fd, void *buf, size_t count)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial nint Read(int fd, void* buffer, nint count);
}
