using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_reply_statfs(fuse_req_t req, const struct statvfs *stbuf)</c>.</summary>
    /// <returns>0, or a negative errno.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_reply_statfs")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int ReplyStatfs(nint request, NativeStatvfs* stat);
}
