using System.Runtime.InteropServices;

namespace Mdev.Vfio.Remote.Native;

internal static partial class LibC
{
    /// <summary><c>ssize_t recvmsg(int fd, struct msghdr *msg, int flags)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial nint RecvMsg(int fd, MsgHdr* message, int flags);
}
