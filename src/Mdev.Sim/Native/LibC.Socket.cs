using System.Runtime.InteropServices;

namespace Mdev.Samples.Host.Native;

internal static partial class LibC
{
    /// <summary><c>int socket(int domain, int type, int protocol)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial int Socket(int domain, int type, int protocol);
}
