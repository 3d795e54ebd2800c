using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_reply_entry(fuse_req_t req, const struct fuse_entry_param *e)</c>: a successful lookup; the kernel then holds one more reference on the node id.</summary>
    /// <returns>0, or a negative errno when the reply was not delivered (the reference is then not taken).</returns>
    [LibraryImport(Library, EntryPoint = "fuse_reply_entry")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int ReplyEntry(nint request, FuseEntryParam* entry);
}
