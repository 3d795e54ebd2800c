using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_reply_readlink(fuse_req_t req, const char *link)</c>.</summary>
    /// <returns>0, or a negative errno.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_reply_readlink")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int ReplyReadlink(nint request, byte* link);
}
