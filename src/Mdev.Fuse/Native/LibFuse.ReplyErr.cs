using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

internal static partial class LibFuse
{
    /// <summary><c>int fuse_reply_err(fuse_req_t req, int err)</c>: answers with a positive errno, or 0 for success without data.</summary>
    /// <returns>0, or a negative errno when the reply could not be sent.</returns>
    [LibraryImport(Library, EntryPoint = "fuse_reply_err")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial int ReplyErr(nint request, int error);
}
