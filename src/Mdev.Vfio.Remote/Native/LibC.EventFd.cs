using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>int eventfd(unsigned int initval, int flags)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int EventFd(uint initialValue, int flags);
}
