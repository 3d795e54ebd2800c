using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>const struct fuse_ctx *fuse_req_ctx(fuse_req_t req)</c>: the caller's uid, gid and pid.</summary>
    /// <returns>The request's context.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_req_ctx")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial FuseRequestContext* ReqContext(nint request);
}
