using System.Runtime.InteropServices;

namespace Mdev.Samples.Host.Native;

internal static partial class LibC
{
    /// <summary><c>int close(int fd)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial int Close(int fd);
}
