using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_reply_write(fuse_req_t req, size_t count)</c>.</summary>
    /// <returns>0, or a negative errno.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_reply_write")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial int ReplyWrite(nint request, nuint count);
}
