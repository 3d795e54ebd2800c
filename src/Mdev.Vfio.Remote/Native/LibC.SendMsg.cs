using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial nint SendMsg(int fd, MsgHdr* message, int flags);
}
