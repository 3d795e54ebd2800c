using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_reply_open(fuse_req_t req, const struct fuse_file_info *fi)</c>: open and opendir.</summary>
    /// <returns>0, or a negative errno when the reply was not delivered (the handle is then never released).</returns>
    [LibraryImport(Library, EntryPoint = "fuse_reply_open")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int ReplyOpen(nint request, FuseFileInfo* info);
}
