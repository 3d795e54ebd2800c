using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_reply_buf(fuse_req_t req, const char *buf, size_t size)</c>: read and readdir data.</summary>
    /// <returns>0, or a negative errno.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_reply_buf")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static unsafe partial int ReplyBuf(nint request, byte* buffer, nuint size);
}
