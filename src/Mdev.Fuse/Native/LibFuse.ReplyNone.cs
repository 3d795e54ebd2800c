using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>void fuse_reply_none(fuse_req_t req)</c>: ends a request that has no answer (forget).</summary>
    [LibraryImport(Library, EntryPoint = "fuse_reply_none")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial void ReplyNone(nint request);
}
