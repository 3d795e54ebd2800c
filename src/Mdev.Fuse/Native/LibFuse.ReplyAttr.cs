using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_reply_attr(fuse_req_t req, const struct stat *attr, double attr_timeout)</c>.</summary>
    /// <returns>0, or a negative errno.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_reply_attr")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int ReplyAttr(nint request, NativeStat* attr, double timeout);
}
